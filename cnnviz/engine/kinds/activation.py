"""Element-wise activation functions: ReLU, tanh and the sigmoid, forward beside backward."""
import numpy as np

from ..memory import empty, memory_axes
from .base import Layer


def _like(x, role, buffers, dtype=None, scratch=False):
    """An array shaped and laid out like x from buffers under role; None (NumPy allocates one laid
    out like x) without buffers."""
    return None if buffers is None else empty(x.shape, dtype or x.dtype, memory_axes(x), buffers, role, scratch)


def relu_forward(x, buffers=None):
    return np.maximum(x, 0, out=_like(x, "out", buffers)), x


def relu_backward(dout, x, buffers=None):
    """The gradient passes where the input was positive and is 0 elsewhere."""
    positive = np.greater(x, 0, out=_like(x, "mask", buffers, bool, scratch=True))
    return np.multiply(dout, positive, out=_like(x, "dx", buffers, np.result_type(dout, x)))


def tanh_forward(x, buffers=None):
    out = np.tanh(x, out=_like(x, "out", buffers))
    return out, out


def tanh_backward(dout, out, buffers=None):
    return dout * (1 - out * out)


def sigmoid_forward(x, buffers=None):
    out = np.multiply(0.5, x, out=_like(x, "out", buffers))  # = 1 / (1 + e^-x) as 0.5 (1 + tanh(x / 2)),
    np.tanh(out, out=out)                                     # without overflow
    out += 1
    out *= 0.5
    return out, out


def sigmoid_backward(dout, out, buffers=None):
    return dout * out * (1 - out)


def relu_local(x, out):
    """d out / d x of ReLU: 1 where the input was positive, else 0 (PyTorch also uses 0 at exactly 0)."""
    return (x > 0).astype(np.float64)


def tanh_local(x, out):
    """d tanh(x) / dx = 1 - tanh(x)^2, read off the output."""
    out = out.astype(np.float64)
    return 1 - out * out


def sigmoid_local(x, out):
    """d sigmoid(x) / dx = sigmoid(x) (1 - sigmoid(x)), read off the output."""
    out = out.astype(np.float64)
    return out * (1 - out)


class _Elementwise(Layer):
    functions = (None, None)
    local = None  # the local gradient d out / d x, element by element

    def forward(self, x, p, buffers=None):
        return self.functions[0](x, buffers)

    def backward(self, dout, cache, p, need_dx=True, buffers=None):
        return self.functions[1](dout, cache, buffers), {}

    def macs(self, input_shape, output_shape):
        return 0

    def explain_gradient(self, x, out, where, p, dout, dx):
        local = float(type(self).local(x[where], out[where]))
        return {"input": float(x[where]), "output": float(out[where]), "local": local,
                "dout": float(dout[where]), "sum": local * float(dout[where]), "gradient": float(dx[where])}

    def animate_gradient(self, x, out, channel, p, dout, dx):
        result = super().animate_gradient(x, out, channel, p, dout, dx)
        result["local"] = type(self).local(result["input"], result["output"])
        return result


class ReLU(_Elementwise):
    kind = "relu"
    functions = (relu_forward, relu_backward)
    local = relu_local


class Tanh(_Elementwise):
    kind = "tanh"
    functions = (tanh_forward, tanh_backward)
    local = tanh_local


class Sigmoid(_Elementwise):
    kind = "sigmoid"
    functions = (sigmoid_forward, sigmoid_backward)
    local = sigmoid_local
