"""The convolution lab: one convolution or pooling of the learner's own numbers, with every step,
computed by the network's own functions (engine.kinds.conv / pool), and the tutorials' worked examples.

Shapes: an input is (C, H, W) (a 2-D input is one channel); kernels are (K, C, F, F) as in the model
files. Every request is bounded (LIMITS): sides, channels, kernel size, filters, steps returned.
"""
import numpy as np

from ..engine.kinds.activation import relu_forward
from ..engine.kinds.base import ShapeError
from ..engine.kinds.conv import Conv, channel_sums, conv_forward
from ..engine.kinds.pool import avgpool_forward, maxpool_forward, winners
from ..errors import InputError

LIMITS = {"side": 256, "channels": 8, "kernel": 11, "filters": 8, "stride": 8, "padding": 8,
          "dilation": 4, "steps": 1024, "abs": 1e6, "shape_side": 4096, "shape_channels": 4096,
          "shape_filters": 4096, "values": 262_144, "step_numbers": 200_000}


class LabLimitError(InputError):
    """A lab request over one of LIMITS."""

    code = "lab.limit"


# ------------------------------------------------------------------ inputs
def array(value, name, ndims, limit=None):
    """A JSON nested list -> float64 array with one of ndims dimensions (each side <= limit)."""
    try:
        a = np.asarray(value, dtype=np.float64)
    except (ValueError, TypeError, OverflowError):
        raise InputError(f"'{name}' must be a rectangular array of numbers", "lab.array", field=name) from None
    if a.ndim not in ndims or a.size == 0:
        dims = " or ".join(str(d) for d in ndims)
        raise InputError(f"'{name}' must be a {dims}-dimensional array of numbers", "lab.array_dims",
                         field=name, dims=dims)
    if not np.isfinite(a).all() or np.abs(a).max() > LIMITS["abs"]:
        raise InputError(f"'{name}' values must be finite numbers within ±{LIMITS['abs']:g}", "lab.array_range",
                         field=name, limit=LIMITS["abs"])
    return a


def bounded(name, value, high, low=None, key=None):
    """value (int) within [low, high], else a LabLimitError naming the limit."""
    low = (0 if name == "padding" else 1) if low is None else low
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise LabLimitError(f"'{name}' must be a whole number from {low} to {high}", "lab.limit",
                            field=name, low=low, high=high)
    return value


def check_image(x):
    """(H, W) or (C, H, W) -> (C, H, W) within the limits."""
    x = x[None] if x.ndim == 2 else x
    bounded("channels", x.shape[0], LIMITS["channels"])
    for side in x.shape[1:]:
        bounded("side", side, LIMITS["side"])
    bounded("values", int(x.size), LIMITS["values"])
    return x


# ------------------------------------------------------------------ the formula
def formula(size, kernel, padding, stride, dilation):
    """The output-size formula with these numbers: (W - dilation*(F - 1) - 1 + 2P) / S + 1."""
    span = dilation * (kernel - 1) + 1
    room = size - span + 2 * padding
    value = room / stride + 1
    whole = room >= 0 and room % stride == 0
    return {"size": size, "kernel": kernel, "dilation": dilation, "span": span, "padding": padding,
            "double_padding": 2 * padding, "stride": stride, "numerator": room, "value": value, "whole": whole,
            "text": f"({size} - {span} + {2 * padding}) / {stride} + 1 = {value:g}"}


def choices(size, kernel, padding, stride, dilation):
    """The nearest settings that make the output a whole number: one per hyperparameter changed."""
    fits = lambda w, f, p, s: formula(w, f, p, s, dilation)["whole"]
    found = {}
    for name, options in (("padding", [(size, kernel, p, stride) for p in range(LIMITS["padding"] + 1)]),
                          ("stride", [(size, kernel, padding, s) for s in range(1, LIMITS["stride"] + 1)]),
                          ("kernel", [(size, f, padding, stride) for f in range(1, LIMITS["kernel"] + 1)]),
                          ("size", [(w, kernel, padding, stride) for w in range(max(1, size - 8), size + 9)])):
        index = {"size": 0, "kernel": 1, "padding": 2, "stride": 3}[name]
        valid = [o[index] for o in options if fits(*o)]
        current = (size, kernel, padding, stride)[index]
        if valid:
            found[name] = min(valid, key=lambda v: (abs(v - current), v))
    reach = dilation * (kernel - 1)  # the window's span minus one: what padding must make up at S = 1
    if reach % 2 == 0:
        found["same_padding"] = reach // 2  # P = dilation * (F - 1) / 2 keeps the size at S = 1
    return found


def output_size_error(e, size, kernel, padding, stride, dilation):
    """A ShapeError from the engine with the nearest valid choices added (shown by the page)."""
    e.params["choices"] = choices(size, kernel, padding, stride, dilation)
    return e


def geometry(input_shape, kernel, filters, stride=1, padding=0, dilation=1):
    """Everything about a conv layer that follows from shapes alone (no values needed):
    the formula per axis, the output shape, the window positions and the parameter counts,
    with and without parameter sharing (CS231n's AlexNet conv1 example)."""
    c, h, w = input_shape
    layer = Conv("conv", filters=filters, kernel=kernel, stride=stride, padding=padding, dilation=dilation)
    rows, cols = formula(h, kernel, padding, stride, dilation), formula(w, kernel, padding, stride, dilation)
    try:
        out = layer.output_shape(input_shape)
    except ShapeError as e:
        bad = rows if not rows["whole"] else cols
        raise output_size_error(e, bad["size"], kernel, padding, stride, dilation) from None
    shapes = layer.param_shapes(input_shape)
    weights, biases = int(np.prod(shapes["weight"])), int(np.prod(shapes["bias"]))
    neurons = int(np.prod(out))
    per_neuron = int(np.prod(shapes["weight"][1:])) + 1
    return {"input_shape": [c, h, w], "output_shape": list(out), "formula": {"rows": rows, "cols": cols},
            "same_padding": choices(h, kernel, padding, stride, dilation).get("same_padding"),
            "window": {"span": layer.window()[0], "offsets": [dilation * i for i in range(kernel)],
                       "row_starts": [y * stride - padding for y in range(out[1])],
                       "col_starts": [x * stride - padding for x in range(out[2])]},
            "parameters": {"weights": weights, "biases": biases, "shared": weights + biases,
                           "neurons": neurons, "per_neuron": per_neuron, "unshared": neurons * per_neuron},
            "macs": layer.macs(input_shape, out),
            "im2col": {"x_col": [per_neuron - 1, int(out[1] * out[2])], "w_row": [filters, per_neuron - 1]}}


# ------------------------------------------------------------------ convolution
def kernels(kernel, channels):
    """F x F, C x F x F or K x C x F x F -> (K, C, F, F)."""
    k = kernel
    if k.ndim == 2:
        k = np.broadcast_to(k, (channels, *k.shape))
    if k.ndim == 3:
        k = k[None]
    if k.shape[1] != channels:
        raise InputError(f"the input has {channels} channels but the kernel has {k.shape[1]}", "lab.channels",
                         channels=channels, kernel_channels=k.shape[1])
    if k.shape[2] != k.shape[3]:
        raise InputError("the kernel must be square (F x F)", "lab.kernel_square")
    bounded("kernel_size", k.shape[2], LIMITS["kernel"])  # "kernel" is the numbers; this is their F
    bounded("filters", k.shape[0], LIMITS["filters"])
    return np.ascontiguousarray(k, dtype=np.float64)


def steps_range(total, first=0, count=None, numbers_per_step=1):
    """The steps [first, first + count) to return: at most LIMITS["steps"] of them, and at most
    LIMITS["step_numbers"] numbers in all (a step of an 11 x 11 x 8 kernel carries ~2,000)."""
    bounded("first_step", first, max(0, total - 1), low=0)
    most = max(0, min(LIMITS["steps"], total - first, LIMITS["step_numbers"] // numbers_per_step))
    count = most if count is None else count
    bounded("steps", count, most, low=0)
    return range(first, first + count)


def convolve(x, kernel, bias=0.0, stride=1, padding=0, dilation=1, first_step=0, step_count=None):
    """x (C, H, W); kernel (K, C, F, F); bias scalar or (K,) -> output (K, H', W'), the geometry and
    the steps [first_step, first_step + step_count) in (filter, row, column) order, each with its
    window, the products patch x weight, each channel's partial sum, the bias and the value."""
    x = check_image(x)
    w = kernels(kernel, x.shape[0])
    k, c, f, _ = w.shape
    stride = bounded("stride", stride, LIMITS["stride"])
    padding = bounded("padding", padding, LIMITS["padding"])
    dilation = bounded("dilation", dilation, LIMITS["dilation"])
    b = np.broadcast_to(np.asarray(bias, np.float64), (k,)) if np.ndim(bias) == 0 else np.asarray(bias, np.float64)
    if b.shape != (k,):
        raise InputError(f"'bias' must be one number or {k} numbers (one per filter)", "lab.bias", filters=k)
    shape = geometry(x.shape, f, k, stride, padding, dilation)
    bounded("output_values", int(np.prod(shape["output_shape"])), LIMITS["values"])
    out, _ = conv_forward(x[None], w, b, stride, padding, dilation)  # the network's own convolution
    out = out[0]
    ho, wo = out.shape[1:]
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    sums = [channel_sums(x, w[i], b[i], stride, padding, dilation, (ho, wo))[0] for i in range(k)]
    steps = []
    for index in steps_range(k * ho * wo, first_step, step_count, numbers_per_step=2 * c * f * f + c + 8):
        fi, rest = divmod(index, ho * wo)
        y, x0 = divmod(rest, wo)
        rows = y * stride + dilation * np.arange(f)  # padded coordinates
        cols = x0 * stride + dilation * np.arange(f)
        patch = xp[:, rows][:, :, cols]
        steps.append({"filter": fi, "row": y, "col": x0, "rows": (rows - padding).tolist(),
                      "cols": (cols - padding).tolist(), "patch": patch, "products": patch * w[fi],
                      "channel_sums": sums[fi][:, y, x0], "bias": float(b[fi]), "value": float(out[fi, y, x0])})
    return {**shape, "output": out, "output_shape": list(out.shape), "bias": b, "steps": steps,
            "step_total": k * ho * wo, "first_step": first_step}


# ------------------------------------------------------------------ pooling
def pool(x, size=2, stride=None, mode="max", first_step=0, step_count=None):
    """x (H, W) or (C, H, W) -> output (C, H', W') by the network's max or average pooling, with the steps:
    each window's position, values and its winner (max) or total and mean (avg)."""
    if mode not in ("max", "avg"):
        raise InputError("'mode' must be \"max\" or \"avg\"", "lab.pool_mode")
    x = check_image(x)
    size = bounded("size", size, LIMITS["kernel"])
    stride = bounded("stride", size if stride is None else stride, LIMITS["stride"])
    c, h, w = x.shape
    rows, cols = formula(h, size, 0, stride, 1), formula(w, size, 0, stride, 1)
    forward = maxpool_forward if mode == "max" else avgpool_forward
    try:
        out = forward(x[None], size, stride)[0][0]
    except ShapeError as e:
        bad = rows if not rows["whole"] else cols
        raise output_size_error(e, bad["size"], size, 0, stride, 1) from None
    ho, wo = out.shape[1:]
    won = [winners(x[ch], out[ch], size, stride) for ch in range(c)] if mode == "max" else None
    steps = []
    for index in steps_range(c * ho * wo, first_step, step_count):
        ch, rest = divmod(index, ho * wo)
        y, x0 = divmod(rest, wo)
        window = x[ch, y * stride:y * stride + size, x0 * stride:x0 * stride + size]
        step = {"channel": ch, "row": y, "col": x0, "rows": list(range(y * stride, y * stride + size)),
                "cols": list(range(x0 * stride, x0 * stride + size)), "window": window, "value": float(out[ch, y, x0])}
        if mode == "max":
            step["winner"] = won[ch][y, x0].tolist()
        else:
            step["total"] = float(window.sum())
        steps.append(step)
    return {"output": out, "output_shape": list(out.shape), "formula": {"rows": rows, "cols": cols},
            "mode": mode, "size": size, "stride": stride, "steps": steps, "step_total": c * ho * wo,
            "first_step": first_step}


def relu(x):
    """The lab's ReLU of a feature map: the network's own function."""
    return relu_forward(np.asarray(x, np.float64))[0]


def grey_image(img, max_side=LIMITS["side"]):
    """A decoded Pillow image -> grey values (H, W) in [0, 1], shrunk to at most max_side on a side."""
    from PIL import Image
    from .decode import to_gray
    max_side = bounded("max_side", max_side, LIMITS["side"], low=3)
    img = img.copy()
    img.thumbnail((max_side, max_side), Image.Resampling.BOX)
    return to_gray(img)


def im2col_parts(conv, x, p, output):
    """A network conv layer on one input x (C, H, W) as one matrix multiply, with the engine's im2col:
    X_col (C*F*F, H'*W'), W_row (K, C*F*F), W_row @ X_col + b (K, H'*W') and that reshaped to (K, H', W'),
    compared with the layer's output in the network's trace."""
    from ..engine.kinds.conv import im2col
    k = conv.kernel
    cols, ho, wo = im2col(x[None], k, k, conv.stride, conv.padding, conv.dilation)
    w_row = p["weight"].reshape(conv.filters, -1)
    product = w_row @ cols + p["bias"][:, None]
    reshaped = product.reshape(conv.filters, ho, wo)
    return {"x_col": cols, "w_row": w_row, "bias": p["bias"], "product": product, "reshaped": reshaped,
            "output": output, "max_difference": float(np.abs(reshaped - output).max()),
            "shapes": {"input": list(x.shape), "x_col": list(cols.shape), "w_row": list(w_row.shape),
                       "product": list(product.shape), "output": list(reshaped.shape)},
            "kernel": k, "stride": conv.stride, "padding": conv.padding, "dilation": conv.dilation,
            "copies": {"input_values": int(x.size), "x_col_values": int(cols.size),
                       "ratio": round(cols.size / x.size, 2)}}
