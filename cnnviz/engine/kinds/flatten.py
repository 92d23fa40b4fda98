"""Flatten: (C, H, W) maps lined up into one vector of C*H*W values, channel by channel."""
import numpy as np

from .base import Layer


def flatten_forward(x):
    return x.reshape(x.shape[0], -1), x.shape


def flatten_backward(dout, x_shape):
    return dout.reshape(x_shape)


class Flatten(Layer):
    kind = "flatten"

    def output_shape(self, input_shape):
        return (int(np.prod(input_shape)),)

    def forward(self, x, p, buffers=None):
        return flatten_forward(x)

    def backward(self, dout, cache, p, need_dx=True, buffers=None):
        return flatten_backward(dout, cache), {}

    def explain(self, x, out, where, p):
        source = np.unravel_index(where[0], x.shape)
        return {"input": float(x[source]), "source": [int(v) for v in source], "input_shape": list(x.shape)}

    def animate(self, x, out, channel, p, after=None):
        return {"input": x, "output": out}

    def explain_gradient(self, x, out, where, p, dout, dx):
        """Flatten only moves numbers: the input at `where` gets the gradient of its place in the vector."""
        index = int(np.ravel_multi_index(where, x.shape))
        return {"index": index, "dout": float(dout[index]), "sum": float(dout[index]),
                "gradient": float(dx[where]), "input_shape": list(x.shape)}

    def animate_gradient(self, x, out, channel, p, dout, dx):
        return {"dout": dout, "dx": dx, "input_shape": list(x.shape)}
