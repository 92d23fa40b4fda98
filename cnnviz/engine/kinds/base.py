"""What every layer kind shares: the output-size formula and the Layer interface.

A Layer is a description (name, kind, hyperparameters): it holds no weights.
Shapes and parameter counts are computed from shapes alone, so an
architecture calculator never allocates (VGG16 would need ~550 MB). The
parameters live in the model (``{"conv1.weight": array}``) and are passed in,
so the same layers serve the shared model and any per-request overrides.
Shapes are per image, without the batch axis: (C, H, W) or (D,).
"""
import numpy as np

from ...errors import CnnvizError


INITS = ("he", "glorot")  # how a layer's fresh weights are drawn (init_weight)
DEFAULT_INIT = "he"


class ShapeError(CnnvizError):
    """A layer's hyperparameters do not fit the shape of its input."""

    code = "shape.invalid"


def output_size(size, kernel, pad=0, stride=1, dilation=1):
    """(W - F_eff + 2P) / S + 1, where F_eff = dilation * (F - 1) + 1.

    Raises ShapeError (code shape.output_size) when the result is not a positive whole number; its
    params' case says why: "does_not_fit" (the window is wider than the padded input) or "uneven"
    (it fits, but the stride does not end on the edge).
    """
    span = dilation * (kernel - 1) + 1
    room = size - span + 2 * pad
    if room < 0 or room % stride:
        value = room / stride + 1
        text = (f"(W - F + 2P)/S + 1 = ({size} - {span} + {2 * pad}) / {stride} + 1 = {value:g} "
                "is not a positive whole number")
        # no place at all for the window, or a last step that would hang over the edge
        case = "does_not_fit" if room < 0 else "uneven"
        if case == "does_not_fit":
            text += f": the window spans {span} cells but the padded input has only {size + 2 * pad}"
        raise ShapeError(text, "shape.output_size", case=case, size=size, span=span, pad=pad, padded=size + 2 * pad,
                         stride=stride, kernel=kernel, dilation=dilation, value=round(value, 6))
    return room // stride + 1


class Layer:
    kind = ""
    param_names = ()
    init = DEFAULT_INIT  # how fresh weights are drawn; only kinds with weights take it as a setting

    def __init__(self, name):
        self.name = name

    # ---------------------------------------------------------------- shapes
    def hyperparameters(self):
        return {}

    def output_shape(self, input_shape):
        """The output shape for an input of input_shape (raises ShapeError)."""
        return tuple(input_shape)

    def param_shapes(self, input_shape):
        """{param name: shape} for an input of input_shape, e.g. {"weight": (6, 1, 5, 5), "bias": (6,)}."""
        return {}

    def init_params(self, input_shape, rng):
        return {}

    def macs(self, input_shape, output_shape):
        """Multiply-adds of one forward pass for one image."""
        return 0

    def window(self):
        """(span, stride) of the window each output reads on this layer's input, for receptive fields."""
        return 1, 1

    # --------------------------------------------------------------- compute
    def forward(self, x, p, buffers=None):
        """x (N, ...) and this layer's parameters p -> (out, cache). buffers: a Workspace scope
        (engine/memory.py) a training loop lends, whose arrays the next step overwrites; None elsewhere."""
        raise NotImplementedError

    def backward(self, dout, cache, p, need_dx=True, buffers=None):
        """-> (dx, {param name: gradient}); dx may be None when need_dx is False."""
        raise NotImplementedError

    # --------------------------------------------------------------- teaching
    def explain(self, x, out, where, p):
        """The arithmetic behind output[where] for one image: a dict of arrays and numbers."""
        return {"input": float(x[where])}

    def animate(self, x, out, channel, p, after=None):
        """Every step of this layer's operation for one output channel (or unit).

        after: the next layer's TraceStep and kind, for animations that show it (dense -> relu)."""
        if out.ndim == 3:
            return {"input": x[channel], "output": out[channel]}
        return {"input": x, "output": out}

    # ------------------------------------------------- teaching the backward pass
    # dout is d loss / d this layer's output for one image (the shape of out); dx is
    # d loss / d this layer's input as the engine computed it. Sums are redone in float64.
    def explain_gradient(self, x, out, where, p, dout, dx):
        """The arithmetic behind dx[where]: how this layer passes the gradient back to its input."""
        raise NotImplementedError

    def explain_param_gradient(self, x, out, param, where, p, dout, grads):
        """The arithmetic behind grads[param][where], e.g. param "weight", where (f, c, i, j)."""
        raise NotImplementedError

    def animate_gradient(self, x, out, channel, p, dout, dx):
        """Every step of this layer's backward pass for one output channel (or unit)."""
        if out.ndim == 3:
            return {"input": x[channel], "output": out[channel], "dout": dout[channel], "dx": dx[channel]}
        return {"input": x, "output": out, "dout": dout, "dx": dx}

    # ------------------------------------------------------------- describing
    def spec(self):
        """What the model file stores for this layer: enough to rebuild it, the initialisation too
        when it is not the default (a preset's last dense layer is Glorot), so a spec sent back
        trains from the same start as the preset it came from."""
        spec = {"name": self.name, "kind": self.kind, **self.hyperparameters()}
        if self.init != DEFAULT_INIT:
            spec["init"] = self.init
        return spec

    def __repr__(self):
        hp = ", ".join(f"{k}={v}" for k, v in self.hyperparameters().items())
        return f"{self.name}: {self.kind}({hp})"


def ordered_terms(products, largest=10):
    """Terms of a long sum, largest |term| first: the first `largest` one by one with their
    running sum, the rest as one sum, so a page shows sums and never adds numbers itself.

    products: a float64 array of any shape (flattened in C order; indices refer to that order)."""
    flat = np.asarray(products, np.float64).ravel()
    top = np.argsort(-np.abs(flat), kind="stable")[:largest]
    running = np.cumsum(flat[top])
    shown = float(running[-1]) if len(top) else 0.0
    total = float(flat.sum())
    return {"largest": top, "largest_terms": flat[top], "running": running, "shown_sum": shown,
            "rest_sum": total - shown, "rest_count": int(flat.size - len(top)), "sum": total}


def check_init(init):
    """An initialisation's name, or a ShapeError (checked when the layer is built, not at training)."""
    if init not in INITS:
        raise ShapeError(f"unknown init {str(init)[:40]!r} (use {' or '.join(map(repr, INITS))})", "layer.init",
                         init=str(init)[:40], inits=list(INITS))
    return init


def he(rng, shape, fan_in):
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)


def glorot(rng, shape, fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, shape).astype(np.float32)


def init_weight(rng, init, shape, fan_in, fan_out):
    if init == "he":
        return he(rng, shape, fan_in)
    if init == "glorot":
        return glorot(rng, shape, fan_in, fan_out)
    raise ValueError(f"unknown init {init!r} (use {' or '.join(map(repr, INITS))})")


def positive_int(name, value, low=1, high=1 << 20):
    """A hyperparameter as an int in [low, high], or a ShapeError that names it."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ShapeError(f"{name} must be a whole number from {low} to {high}, got {value!r}",
                         "layer.hyperparameter", name=name, value=str(value), low=low, high=high)
    return int(value)
