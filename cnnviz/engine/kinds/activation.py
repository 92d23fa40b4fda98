"""Element-wise activation functions: ReLU, tanh and the sigmoid, forward beside backward."""
import numpy as np

from .base import Layer


def relu_forward(x):
    return np.maximum(x, 0), x


def relu_backward(dout, x):
    """The gradient passes where the input was positive and is 0 elsewhere."""
    return dout * (x > 0)


def tanh_forward(x):
    out = np.tanh(x)
    return out, out


def tanh_backward(dout, out):
    return dout * (1 - out * out)


def sigmoid_forward(x):
    out = 0.5 * (1 + np.tanh(0.5 * x))  # = 1 / (1 + e^-x), without overflow
    return out, out


def sigmoid_backward(dout, out):
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

    def forward(self, x, p):
        return self.functions[0](x)

    def backward(self, dout, cache, p, need_dx=True):
        return self.functions[1](dout, cache), {}

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
