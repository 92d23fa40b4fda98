"""Reading a request's fields and the network's input: an upload, a data URL, or pixels.

Every problem raises InputError with a stable code, the values it names and an
English message; nothing here knows HTTP statuses or the response's JSON shape.
Multipart fields other than the image arrive as text: JSON-looking ones (numbers,
lists, objects) are parsed here, once, so views see the same values either way.
"""
import base64
import binascii
import io
import json
import re
from typing import NamedTuple

import numpy as np
from flask import Request, current_app
from werkzeug.formparser import FormDataParser, MultiPartParser

from ..errors import CnnvizError, InputError
from ..live.traces import Traced, input_key
from ..teach.decode import decode_image
from ..teach.preprocess import from_pixels, prepare

DATA_URL = re.compile(r"^data:image/[a-z0-9.+-]+(;[a-z0-9=.+-]+)*;base64,", re.I)
MAX_INT_DIGITS = 12
MIN_CROP = 0.01  # a crop box narrower than 1 % of the image is a slip, not a choice
INPUT_ID = re.compile(r"[0-9a-f]{64}")  # a SHA-256 in hex (live.traces.input_key)
STEADY_BOUNDARY = "cnnviz-steady-boundary-7c1f0a9e4b2d4d1f8a36"


class SteadyBoundaryParser(FormDataParser):
    """Multipart parsing with one boundary for every request.

    Werkzeug compiles two regular expressions from each request's boundary, and a
    browser picks a new random boundary for every request: 0.7 ms per request, a
    quarter of a stroke's budget. The body is at most MAX_CONTENT_LENGTH bytes, so it
    is read whole and its delimiters (a line starting with "--" and the boundary, which
    RFC 2046 forbids inside any part) are renamed to a steady boundary whose
    expressions stay in `re`'s cache.
    """

    def _parse_multipart(self, stream, mimetype, content_length, options):
        body = stream.read()
        boundary = options.get("boundary", "").encode("ascii")
        steady = STEADY_BOUNDARY.encode()
        if boundary and steady not in body:
            if body.startswith(b"--" + boundary):
                body = b"--" + steady + body[2 + len(boundary):]
            for line_break in (b"\n", b"\r"):  # \r\n, \n and \r, as werkzeug accepts
                body = body.replace(line_break + b"--" + boundary, line_break + b"--" + steady)
            options = {**options, "boundary": STEADY_BOUNDARY}
        # the body is in memory already: its parts stay there (no temporary file for a large photo)
        # and it is fed to the decoder in one piece rather than in 64 KB chunks
        parser = MultiPartParser(stream_factory=_in_memory, max_form_memory_size=self.max_form_memory_size,
                                 max_form_parts=self.max_form_parts, cls=self.cls,
                                 buffer_size=256 * 1024)
        if not options.get("boundary"):
            raise ValueError("Missing boundary")  # as werkzeug: the form is then empty
        form, files = parser.parse(io.BytesIO(body), options["boundary"].encode("ascii"), len(body))
        return stream, form, files


def _in_memory(**_):
    return io.BytesIO()


class InputExpired(CnnvizError):
    """An input_id the trace cache no longer holds (HTTP 409): send the image again."""

    code = "input.expired"


class CnnvizRequest(Request):
    form_data_parser_class = SteadyBoundaryParser


def _reject_constant(name):
    raise InputError(f"JSON must not contain {name}: use numbers", "request.bad_json")


def _bounded_int(text):
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise InputError(f"a whole number in the JSON has more than {MAX_INT_DIGITS} digits",
                         "request.bad_json")
    return int(text)


def parse_json(raw):
    """Bytes -> a JSON value, refusing NaN/Infinity, huge integers and deep nesting."""
    try:
        return json.loads(raw, parse_constant=_reject_constant, parse_int=_bounded_int)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as e:
        raise InputError(f"the body is not valid JSON ({e})", "request.bad_json") from None


def _field(value):
    """A multipart text field: JSON when it parses as a number, list or object, else the text."""
    if value[:1] in "[{-0123456789" and value.isascii():
        try:
            return parse_json(value.encode())
        except InputError:
            pass
    return value


def read_body(request):
    """-> (fields: dict, image_bytes or None). Accepts multipart/form-data, JSON, or the image
    itself as the body (Content-Type image/..., its other fields in the query string, as text
    the way multipart sends them: werkzeug's multipart parser spends 0.8 ms on a 70 KB photo)."""
    mimetype = request.mimetype
    if mimetype.startswith("image/"):
        image = request.get_data(cache=False)
        if not image:
            raise InputError("the request body is empty: send the image", "request.empty")
        return {k: _field(v) for k, v in request.args.items() if k != "encoding"}, image
    if mimetype == "multipart/form-data":
        upload = request.files.get("image")
        if upload is None:
            raise InputError("send the image in a multipart field named 'image'", "request.no_image_field")
        return {k: _field(v) for k, v in request.form.items()}, upload.read()
    if mimetype == "application/json":
        raw = request.get_data(cache=False)
        if not raw:
            raise InputError("the request body is empty", "request.empty")
        body = parse_json(raw)
        if not isinstance(body, dict):
            raise InputError("the JSON body must be an object, e.g. {\"image\": \"data:image/png;base64,...\"}",
                             "request.not_object")
        return body, None
    if not request.content_length:
        raise InputError("the request body is empty: send an image (multipart field 'image') or JSON",
                         "request.empty")
    raise InputError("send multipart/form-data with an 'image' file, the image itself (image/png, "
                     "image/jpeg, ...), or application/json", "request.content_type")


def json_fields(request):
    """A JSON-only endpoint's fields: anything but application/json (an image, a form) is refused
    (415 request.content_type), not read as no fields at all (a PNG sent to /api/jobs queued a job
    of the defaults)."""
    if request.mimetype != "application/json":
        raise InputError("send the request as application/json", "request.content_type")
    return read_body(request)[0]


def whole_number(fields, name, default=None, low=0, high=None):
    """fields[name] as an int in [low, high]; a missing field gives default."""
    value = fields.get(name, default)
    if value is None:
        raise InputError(f"give '{name}' as a whole number", "field.missing", field=name)
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise InputError(f"'{name}' must be a whole number {bounds}", "field.range", field=name, low=low,
                         high=high)
    return value


def decode_slot():
    """One of the app's decoding slots (live.traces.DecodeSlots): every image is decoded in one,
    and a request that waits too long for it gets 503 server.busy with Retry-After."""
    return current_app.extensions["cnnviz.decode_slots"]


class Input(NamedTuple):
    input_id: str  # the input's key in the trace cache: later requests may send it instead of the image
    traced: Traced  # the prepared input and the shared model's trace


def check_input_id(fields):
    """fields["input_id"]: the 64 lowercase hex digits /predict answered with."""
    value = fields["input_id"]
    if not isinstance(value, str) or not INPUT_ID.fullmatch(value):
        raise InputError("'input_id' must be the 64-character id that /predict answered with", "field.type",
                         field="input_id")
    return value


def cached_input(fields, image_bytes, model):
    """The request's input for the shared model, from the app's trace cache: -> Input.

    The input comes as an image (upload or data URL), as "pixels", or by reference: the
    "input_id" an earlier /predict answered with. A reference the cache no longer holds
    (evicted, or another worker process) raises InputExpired (409 input.expired): the
    client sends the image again. A new image waits for a decoding slot.
    Optional fields for images: "crop": [x0, y0, x1, y1] (fractions 0..1 of the upright
    image) and "invert": true (dark ink on light paper), false, or "auto" (the default).
    """
    cache = current_app.extensions["cnnviz.traces"]
    model_key = (model.meta["id"], id(model))
    if image_bytes is None and "input_id" in fields and "image" not in fields and "pixels" not in fields:
        input_id = check_input_id(fields)
        traced = cache.get((model_key, input_id))
        if traced is None:
            raise InputExpired("this input is no longer held on the server: send the image again", "input.expired")
        return Input(input_id, traced)
    recipe = model.meta.get("preprocess", "digit")
    if image_bytes is None and "image" in fields:
        image_bytes = decode_data_url(fields["image"])
    if image_bytes is not None:
        crop, invert = crop_field(fields), invert_field(fields)

        def make():
            with decode_slot():
                # a crop is cut while decoding, before the reduction: the box keeps the upload's detail
                img = decode_image(image_bytes) if crop is None else decode_image(image_bytes, crop)
                prepared = prepare(img, model.input_shape, recipe, invert)
            return Traced(prepared, model.trace(prepared.tensor))
        raw = image_bytes + repr((crop, invert)).encode()  # the same picture cropped or inverted is another input
    elif "pixels" in fields:
        pixels = _check_pixels(fields["pixels"], model)
        def make():
            prepared = from_pixels(pixels, model.input_shape)
            return Traced(prepared, model.trace(prepared.tensor))
        raw = pixels
    else:
        raise InputError("give the input as 'image' (a data URL), 'pixels' (a 2-D array of values 0-1) or "
                         "'input_id' (from /predict)", "input.missing")
    key = input_key(model_key, raw)
    return Input(key[1], cache.get_or_make(key, make))


def traced_input(fields, image_bytes, model, learner=None):
    """The request's input as live.traces.Traced (prepared input and trace) for the shared
    model, or for `learner` (the model with this request's own weights), traced afresh."""
    traced = cached_input(fields, image_bytes, model).traced
    if learner is None or learner is model:
        return traced
    return Traced(traced.prepared, learner.trace(traced.prepared.tensor))


def prepared_input(fields, image_bytes, model):
    """The request's input for the shared model, preprocessed (from the trace cache when it is there)."""
    return cached_input(fields, image_bytes, model).traced.prepared


def crop_field(fields):
    """fields["crop"] as (x0, y0, x1, y1), fractions with 0 <= x0 < x1 <= 1 (same for y), or None."""
    crop = fields.get("crop")
    if crop is None:
        return None
    if (not isinstance(crop, list) or len(crop) != 4
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in crop)):
        raise InputError("'crop' must be [x0, y0, x1, y1]: four numbers from 0 to 1", "field.type",
                         field="crop")
    x0, y0, x1, y1 = (float(v) for v in crop)
    if not all(0 <= v <= 1 for v in (x0, y0, x1, y1)):
        raise InputError("'crop' values must be fractions of the image, from 0 to 1", "field.range",
                         field="crop", low=0, high=1)
    if x1 - x0 < MIN_CROP or y1 - y0 < MIN_CROP:
        raise InputError(f"'crop' must have x0 < x1 and y0 < y1, at least {MIN_CROP} of the image apart",
                         "crop.empty", field="crop", min=MIN_CROP)
    return x0, y0, x1, y1


def invert_field(fields):
    """fields["invert"]: True, False or "auto" (the default). Multipart sends text: "true"/"false"."""
    invert = fields.get("invert", "auto")
    invert = {"true": True, "false": False}.get(invert, invert) if isinstance(invert, str) else invert
    if invert not in (True, False, "auto") or isinstance(invert, (int, float)) and not isinstance(invert, bool):
        raise InputError("'invert' must be true, false or \"auto\"", "field.choice", field="invert",
                         choices=[True, False, "auto"])
    return invert


def decode_data_url(value):
    if not isinstance(value, str) or not DATA_URL.match(value):
        raise InputError("'image' must be a data URL such as data:image/png;base64,...", "input.bad_data_url")
    try:
        return base64.b64decode(value[value.index(",") + 1:], validate=True)
    except (binascii.Error, ValueError):
        raise InputError("the data URL's base64 is corrupt", "input.bad_data_url") from None


def _check_pixels(pixels, model):
    _, h, w = model.input_shape
    allowed = {(28, 28), (h, w)}
    sizes = " or ".join(f"{a}x{b}" for a, b in sorted(allowed))
    if not isinstance(pixels, list) or not pixels or not all(isinstance(r, list) for r in pixels):
        raise InputError(f"'pixels' must be a 2-D array ({sizes}) of numbers between 0 and 1",
                         "pixels.not_2d", sizes=sizes)
    if len(pixels) > max(h, 28) or any(len(r) != len(pixels[0]) for r in pixels):
        raise InputError(f"'pixels' must be a rectangular {sizes} array", "pixels.not_rectangular", sizes=sizes)
    try:
        a = np.asarray(pixels)
    except (ValueError, OverflowError):
        raise InputError(f"'pixels' must be a rectangular {sizes} array", "pixels.not_rectangular",
                         sizes=sizes) from None
    if a.dtype.kind not in "iuf":
        raise InputError("'pixels' must hold only numbers (no strings, booleans or nulls)", "pixels.not_numbers")
    if a.shape not in allowed:
        raise InputError(f"'pixels' has shape {a.shape[0]}x{a.shape[1] if a.ndim > 1 else 0}; "
                         f"this model takes {sizes}", "pixels.wrong_shape", sizes=sizes)
    a = a.astype(np.float64)
    if not np.isfinite(a).all() or a.min() < 0 or a.max() > 1:
        raise InputError("'pixels' values must be finite numbers between 0 and 1", "pixels.out_of_range")
    return a
