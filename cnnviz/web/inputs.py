"""Reading the network's input from a request: an upload, a data URL, or pixels.

Every problem raises BadInput with a message a person understands and the
HTTP status that fits; nothing here knows the response's JSON shape.
"""
import base64
import binascii
import json
import re

import numpy as np

from ..preprocess import ImageError, decode_image, from_pixels, prepare

DATA_URL = re.compile(r"^data:image/[a-z0-9.+-]+(;[a-z0-9=.+-]+)*;base64,", re.I)


class BadInput(ValueError):
    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


def _reject_constant(name):
    raise BadInput(f"JSON must not contain {name}: use numbers between 0 and 1")


def read_body(request):
    """-> (fields: dict, image_bytes or None). Accepts multipart/form-data or JSON."""
    mimetype = request.mimetype
    if mimetype == "multipart/form-data":
        upload = request.files.get("image")
        if upload is None:
            raise BadInput("send the image in a multipart field named 'image'")
        fields = {k: v for k, v in request.form.items()}
        if "neuron" in fields:
            try:
                fields["neuron"] = json.loads(fields["neuron"])
            except json.JSONDecodeError:
                raise BadInput("the 'neuron' field must be JSON, e.g. [0, 3, 4]") from None
        return fields, upload.read()
    if mimetype == "application/json":
        raw = request.get_data(cache=False)
        if not raw:
            raise BadInput("the request body is empty")
        try:
            body = json.loads(raw, parse_constant=_reject_constant)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise BadInput(f"the body is not valid JSON ({e})") from None
        if not isinstance(body, dict):
            raise BadInput("the JSON body must be an object, e.g. {\"image\": \"data:image/png;base64,...\"}")
        return body, None
    if not request.content_length:
        raise BadInput("the request body is empty: send an image (multipart field 'image') or JSON")
    raise BadInput("send multipart/form-data with an 'image' file, or application/json", 415)


def prepared_input(fields, image_bytes, model):
    """The request's input as preprocess.Prepared for this model."""
    recipe = model.meta.get("preprocess", "digit")
    if image_bytes is not None:
        return _from_image(image_bytes, model, recipe)
    if "image" in fields:
        return _from_image(_decode_data_url(fields["image"]), model, recipe)
    if "pixels" in fields:
        return from_pixels(_check_pixels(fields["pixels"], model), model.input_shape)
    raise BadInput("give the input as 'image' (a data URL) or 'pixels' (a 2-D array of values 0-1)")


def _from_image(data, model, recipe):
    try:
        return prepare(decode_image(data), model.input_shape, recipe)
    except ImageError as e:
        raise BadInput(str(e), e.status) from None


def _decode_data_url(value):
    if not isinstance(value, str) or not DATA_URL.match(value):
        raise BadInput("'image' must be a data URL such as data:image/png;base64,...")
    try:
        return base64.b64decode(value[value.index(",") + 1:], validate=True)
    except (binascii.Error, ValueError):
        raise BadInput("the data URL's base64 is corrupt") from None


def _check_pixels(pixels, model):
    _, h, w = model.input_shape
    allowed = {(28, 28), (h, w)}
    sizes = " or ".join(f"{a}x{b}" for a, b in sorted(allowed))
    if not isinstance(pixels, list) or not pixels or not all(isinstance(r, list) for r in pixels):
        raise BadInput(f"'pixels' must be a 2-D array ({sizes}) of numbers between 0 and 1")
    if len(pixels) > max(h, 28) or any(len(r) != len(pixels[0]) for r in pixels):
        raise BadInput(f"'pixels' must be a rectangular {sizes} array")
    try:
        a = np.asarray(pixels)
    except ValueError:
        raise BadInput(f"'pixels' must be a rectangular {sizes} array") from None
    if a.dtype.kind not in "iuf":
        raise BadInput("'pixels' must hold only numbers (no strings, booleans or nulls)")
    if a.shape not in allowed:
        raise BadInput(f"'pixels' has shape {a.shape[0]}x{a.shape[1] if a.ndim > 1 else 0}; "
                       f"this model takes {sizes}", 422)
    a = a.astype(np.float64)
    if not np.isfinite(a).all() or a.min() < 0 or a.max() > 1:
        raise BadInput("'pixels' values must be finite numbers between 0 and 1", 422)
    return a
