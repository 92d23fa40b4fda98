"""Layers: an operation from ``ops`` plus its parameters and hyperparameters.

Each layer's kind is data (``Conv.kind == "conv"``), written into the model
file and every trace step; nothing is ever guessed from a layer's name.
A layer is built for an input shape (C, H, W) or (D,), without the batch axis.
"""
import numpy as np

from . import ops


class Layer:
    kind = ""
    param_names = ()

    def __init__(self, name):
        self.name = name
        self.params = {}
        self.input_shape = self.output_shape = None

    def hyperparameters(self):
        return {}

    def build(self, input_shape, rng):
        """Set shapes (and fresh parameters) for an input of input_shape; return output shape."""
        self.input_shape = tuple(input_shape)
        self.output_shape = tuple(self._output_shape(self.input_shape))
        self.params = self._init_params(rng)
        return self.output_shape

    def _output_shape(self, input_shape):
        return input_shape

    def _init_params(self, rng):
        return {}

    def parameter_count(self):
        return int(sum(p.size for p in self.params.values()))

    def spec(self):
        """What the model file stores for this layer."""
        return {"name": self.name, "kind": self.kind, **self.hyperparameters()}

    def describe(self):
        return {**self.spec(), "input_shape": list(self.input_shape),
                "output_shape": list(self.output_shape), "parameters": self.parameter_count()}

    def __repr__(self):
        hp = ", ".join(f"{k}={v}" for k, v in self.hyperparameters().items())
        return (f"{self.name}: {self.kind}({hp}) {self.input_shape} -> {self.output_shape}"
                f", {self.parameter_count()} params")

    def backward(self, dout, cache, need_dx=True):
        """-> (dx, {param name: gradient}); dx may be None when need_dx is False."""
        raise NotImplementedError


def _he(rng, shape, fan_in):
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)


def _glorot(rng, shape, fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, shape).astype(np.float32)


def _init_weight(rng, init, shape, fan_in, fan_out):
    if init == "he":
        return _he(rng, shape, fan_in)
    if init == "glorot":
        return _glorot(rng, shape, fan_in, fan_out)
    raise ValueError(f"unknown init {init!r} (use 'he' or 'glorot')")


class Conv(Layer):
    kind = "conv"
    param_names = ("weight", "bias")

    def __init__(self, name, filters, kernel, stride=1, padding=0, dilation=1, init="he"):
        super().__init__(name)
        self.filters, self.kernel = int(filters), int(kernel)
        self.stride, self.padding, self.dilation = int(stride), int(padding), int(dilation)
        self.init = init

    def hyperparameters(self):
        return {"filters": self.filters, "kernel": self.kernel, "stride": self.stride,
                "padding": self.padding, "dilation": self.dilation}

    def _output_shape(self, input_shape):
        if len(input_shape) != 3:
            raise ops.ShapeError(f"{self.name}: conv needs a (C, H, W) input, got {input_shape}")
        c, h, w = input_shape
        size = lambda s: ops.output_size(s, self.kernel, self.padding, self.stride, self.dilation)
        return self.filters, size(h), size(w)

    def _init_params(self, rng):
        c = self.input_shape[0]
        k = self.kernel
        shape = (self.filters, c, k, k)
        return {"weight": _init_weight(rng, self.init, shape, c * k * k, self.filters * k * k),
                "bias": np.zeros(self.filters, np.float32)}

    def forward(self, x):
        return ops.conv_forward(x, self.params["weight"], self.params["bias"],
                                self.stride, self.padding, self.dilation)

    def backward(self, dout, cache, need_dx=True):
        dx, dw, db = ops.conv_backward(dout, cache, need_dx)
        return dx, {"weight": dw, "bias": db}


class Dense(Layer):
    kind = "dense"
    param_names = ("weight", "bias")

    def __init__(self, name, units, init="he"):
        super().__init__(name)
        self.units, self.init = int(units), init

    def hyperparameters(self):
        return {"units": self.units}

    def _output_shape(self, input_shape):
        if len(input_shape) != 1:
            raise ops.ShapeError(f"{self.name}: dense needs a flat input, got {input_shape}"
                                 " (add a flatten layer)")
        return (self.units,)

    def _init_params(self, rng):
        d = self.input_shape[0]
        return {"weight": _init_weight(rng, self.init, (self.units, d), d, self.units),
                "bias": np.zeros(self.units, np.float32)}

    def forward(self, x):
        return ops.dense_forward(x, self.params["weight"], self.params["bias"])

    def backward(self, dout, cache, need_dx=True):
        dx, dw, db = ops.dense_backward(dout, cache)
        return dx, {"weight": dw, "bias": db}


class _Pool(Layer):
    def __init__(self, name, size=2, stride=None):
        super().__init__(name)
        self.size = int(size)
        self.stride = int(stride if stride is not None else size)

    def hyperparameters(self):
        return {"size": self.size, "stride": self.stride}

    def _output_shape(self, input_shape):
        if len(input_shape) != 3:
            raise ops.ShapeError(f"{self.name}: pooling needs a (C, H, W) input, got {input_shape}")
        c, h, w = input_shape
        return c, ops.output_size(h, self.size, 0, self.stride), ops.output_size(w, self.size, 0, self.stride)


class MaxPool(_Pool):
    kind = "maxpool"

    def forward(self, x):
        return ops.maxpool_forward(x, self.size, self.stride)

    def backward(self, dout, cache, need_dx=True):
        return ops.maxpool_backward(dout, cache), {}


class AvgPool(_Pool):
    kind = "avgpool"

    def forward(self, x):
        return ops.avgpool_forward(x, self.size, self.stride)

    def backward(self, dout, cache, need_dx=True):
        return ops.avgpool_backward(dout, cache), {}


def _elementwise(kind_name, forward, backward):
    class Elementwise(Layer):
        kind = kind_name

        def forward(self, x):
            return forward(x)

        def backward(self, dout, cache, need_dx=True):
            return backward(dout, cache), {}

    Elementwise.__name__ = kind_name.capitalize()
    return Elementwise


ReLU = _elementwise("relu", ops.relu_forward, ops.relu_backward)
Tanh = _elementwise("tanh", ops.tanh_forward, ops.tanh_backward)
Sigmoid = _elementwise("sigmoid", ops.sigmoid_forward, ops.sigmoid_backward)
Softmax = _elementwise("softmax", ops.softmax_forward, ops.softmax_backward)


class Flatten(Layer):
    kind = "flatten"

    def _output_shape(self, input_shape):
        return (int(np.prod(input_shape)),)

    def forward(self, x):
        return ops.flatten_forward(x)

    def backward(self, dout, cache, need_dx=True):
        return ops.flatten_backward(dout, cache), {}


LAYER_KINDS = {cls.kind: cls for cls in (Conv, Dense, MaxPool, AvgPool, ReLU, Tanh, Sigmoid,
                                         Softmax, Flatten)}


def layer_from_spec(spec):
    """Build an (unbuilt) layer from its model-file dict, e.g. {"name": "c1", "kind": "conv", ...}."""
    spec = dict(spec)
    kind = spec.pop("kind", None)
    if kind not in LAYER_KINDS:
        raise ValueError(f"unknown layer kind {kind!r}; known: {', '.join(sorted(LAYER_KINDS))}")
    try:
        return LAYER_KINDS[kind](**spec)
    except TypeError as e:
        raise ValueError(f"layer {spec.get('name')!r} ({kind}): {e}") from None
