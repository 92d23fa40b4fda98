"""The lab API: a convolution or pooling of the learner's own numbers with every step, the
architecture calculator, im2col and the filters of a real network's conv layer. Views validate at the
boundary and call cnnviz.teach.lab / calculator; ``serialize`` builds the JSON."""
from flask import Blueprint, Response, request

from ..engine.kinds.base import ShapeError
from ..errors import InputError
from ..teach import calculator, lab, lab_examples
from ..teach.explain import find_layer, layer_input
from ..teach.decode import decode_image
from . import serialize
from .api import encoding_param, model_or_404
from .inputs import decode_data_url, decode_slot, json_fields, prepared_input, read_body, whole_number
from .weights import overrides

bp = Blueprint("lab", __name__, url_prefix="/api")


def _input(fields, image):
    """The lab's input: "input" (H x W or C x H x W numbers), or an image (upload or data URL) made grey."""
    if image is not None or "image" in fields:
        data = image if image is not None else decode_data_url(fields["image"])
        with decode_slot():
            return lab.grey_image(decode_image(data), fields.get("max_side", lab.LIMITS["side"]))
    if "input" not in fields:
        raise InputError("give 'input' as a 2-D or 3-D array of numbers (or 'image')", "field.missing", field="input")
    return lab.array(fields["input"], "input", (2, 3))


def _steps(fields):
    return fields.get("first_step", 0), fields.get("steps")


@bp.get("/lab/examples")
def examples():
    raw = request.args.get("seed", "0")
    seed = whole_number({"seed": int(raw) if raw.isdigit() and len(raw) < 10 else -1}, "seed", 0, 0, 10**9 - 1)
    return serialize.plain({**lab_examples.examples(seed), "limits": lab.LIMITS})


@bp.post("/lab/convolve")
def convolve():
    fields, image = read_body(request)
    x = _input(fields, image)
    if "kernel" not in fields:
        raise InputError("give 'kernel' as F x F, C x F x F or K x C x F x F numbers", "field.missing", field="kernel")
    kernel = lab.array(fields["kernel"], "kernel", (2, 3, 4))
    bias = fields.get("bias", 0)
    if isinstance(bias, list):
        bias = lab.array(bias, "bias", (1,))
    elif isinstance(bias, bool) or not isinstance(bias, (int, float)):
        raise InputError("'bias' must be a number or a list of numbers", "lab.bias", filters=len(kernel))
    first, count = _steps(fields)
    result = lab.convolve(x, kernel, bias, fields.get("stride", 1), fields.get("padding", 0),
                          fields.get("dilation", 1), first, count)
    then = fields.get("then", False)
    then = then == "true" if isinstance(then, str) and then in ("true", "false") else then  # multipart text
    if not isinstance(then, bool):
        raise InputError("'then' must be true or false", "field.type", field="then")
    if then:  # the kernel lab's next steps: ReLU of the map, then its 2 x 2 max pooling
        rectified = lab.relu(result["output"])
        result["relu"] = rectified
        result["pooled"], result["pool_error"] = None, None
        try:
            result["pooled"] = lab.pool(rectified, 2, 2, "max", 0, 0)["output"]
        except ShapeError as e:  # e.g. a 3 x 3 map: 2 x 2 windows with stride 2 do not fit
            result["pool_error"] = {"message": e.message, "code": e.code, "params": e.params}
    result["input"] = x if x.ndim == 3 else x[None]
    encoding = request.args.get("encoding", "list")  # f16 for big maps: a photo's maps are ~200,000 numbers
    if encoding not in serialize.ENCODINGS:
        raise InputError(f"encoding must be one of {', '.join(serialize.ENCODINGS)}", "encoding.invalid",
                         encodings=list(serialize.ENCODINGS))
    if encoding == "f16":
        for key in ("input", "output", "relu", "pooled"):
            if result.get(key) is not None:
                result[key] = serialize.encode_array(result[key], encoding)
    return serialize.plain(result)


@bp.post("/lab/shape")
def shape():
    """A conv layer's geometry from shapes alone (AlexNet's conv1 needs no 227 x 227 x 3 numbers)."""
    fields = json_fields(request)
    s = fields.get("input_shape")
    if not (isinstance(s, list) and len(s) == 3):
        raise InputError("give 'input_shape' as [C, H, W]", "field.missing", field="input_shape")
    c, h, w = (lab.bounded(n, v, lab.LIMITS["shape_channels" if n == "channels" else "shape_side"])
               for n, v in zip(("channels", "height", "width"), s))
    filters = lab.bounded("filters", fields.get("filters", 1), lab.LIMITS["shape_filters"])
    return serialize.plain(lab.geometry((c, h, w), lab.bounded("kernel", fields.get("kernel", 3), 64), filters,
                                        lab.bounded("stride", fields.get("stride", 1), 64),
                                        lab.bounded("padding", fields.get("padding", 0), 64),
                                        lab.bounded("dilation", fields.get("dilation", 1), 16)))


@bp.post("/lab/pool")
def pool():
    fields, image = read_body(request)
    x = _input(fields, image)
    first, count = _steps(fields)
    return serialize.plain(lab.pool(x, fields.get("size", 2), fields.get("stride"), fields.get("mode", "max"),
                                    first, count))


def _architecture_result(fields):
    preset = fields.get("preset")
    if preset is not None:
        if not isinstance(preset, str) or preset not in calculator.PRESETS:
            raise InputError(f"no preset {preset!r}; available: {', '.join(calculator.PRESETS)}", "lab.preset",
                             preset=str(preset), presets=list(calculator.PRESETS))
        return calculator.calculate_preset(preset)
    if "layers" not in fields or "input_shape" not in fields:
        raise InputError("give 'preset', or 'input_shape' and 'layers'", "field.missing", field="layers")
    layers = fields["layers"]
    if not isinstance(layers, list):
        raise InputError("'layers' must be a list of layer objects", "layer.invalid")
    return calculator.calculate(layers, fields["input_shape"])


@bp.post("/lab/architecture")
def architecture():
    fields = json_fields(request)
    result = _architecture_result(fields)
    form = request.args.get("format", "json")
    if form not in ("json", "csv"):
        raise InputError("'format' must be json or csv", "field.type", field="format")
    if form == "csv":
        name = result["preset"] or "architecture"
        return Response(calculator.to_csv(result), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    return serialize.plain(result)


@bp.get("/lab/presets")
def presets():
    return {"presets": {k: v for k, v in calculator.PRESETS.items()}}


def _conv_layer(model, name):
    index = find_layer(model, name)
    layer = model.layers[index]
    if layer.kind != "conv":
        convs = [l.name for l in model.layers if l.kind == "conv"]
        raise InputError(f"{name} is a {layer.kind} layer; choose a convolution: {', '.join(convs)}",
                         "layer.not_conv", layer=name, layers=convs)
    return index, layer


@bp.get("/models/<model_id>/filters/<layer>")
def filters(model_id, layer):
    """A conv layer's trained filters (K, C, F, F) and biases as exact numbers."""
    model = model_or_404(model_id)
    index, conv = _conv_layer(model, layer)
    p = model.layer_params(index)
    return serialize.plain({"model": model_id, "layer": layer, "weight": p["weight"], "bias": p["bias"],
                            "convs": [l.name for l in model.layers if l.kind == "conv"]})


@bp.post("/models/<model_id>/im2col")
def im2col(model_id):
    """One conv layer of the network on the learner's input as one matrix multiply."""
    model = model_or_404(model_id)
    encoding = encoding_param()
    fields, image = read_body(request)
    name = fields.get("layer")
    if not isinstance(name, str):
        raise InputError("give 'layer' as a conv layer's name, e.g. \"conv1\"", "field.missing", field="layer")
    custom = overrides(fields, model)
    model = model.with_params(custom) if custom else model
    index, conv = _conv_layer(model, name)
    prepared = prepared_input(fields, image, model)
    steps = model.trace(prepared.tensor)
    x = layer_input(steps, index, prepared.tensor)
    return serialize.im2col_response(model, name, lab.im2col_parts(conv, x, model.layer_params(index),
                                                                   steps[index].output[0]), encoding)
