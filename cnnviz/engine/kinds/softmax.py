"""Softmax: scores (logits) -> probabilities that add up to 1."""
import numpy as np

from .base import Layer


def softmax(z):
    """Row-wise softmax of (N, K) logits, shifted by the max for stability."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_forward(z):
    p = softmax(z)
    return p, p


def softmax_backward(dout, p):
    return p * (dout - (dout * p).sum(axis=-1, keepdims=True))


def softmax_parts(z, p):
    """Logits -> exponentials (shifted by the largest logit: the same probabilities, no overflow)
    -> their sum -> probabilities, in float64."""
    z = z.astype(np.float64)
    shift = float(z.max())
    exps = np.exp(z - shift)
    return {"logits": z, "shift": shift, "exps": exps, "exp_sum": float(exps.sum()), "probabilities": p}


class Softmax(Layer):
    kind = "softmax"

    def forward(self, x, p, buffers=None):
        return softmax_forward(x)

    def backward(self, dout, cache, p, need_dx=True, buffers=None):
        return softmax_backward(dout, cache), {}

    def macs(self, input_shape, output_shape):
        return int(np.prod(input_shape))

    def explain(self, x, out, where, p):
        return {**softmax_parts(x, out), "index": where[0]}

    def animate(self, x, out, channel, p, after=None):
        return softmax_parts(x, out)

    def explain_gradient(self, x, out, where, p, dout, dx):
        """dz[k] = p[k] * (dout[k] - sum_j dout[j] p[j]): every probability depends on every score."""
        k = where[0]
        probs = out.astype(np.float64)
        weighted = dout.astype(np.float64) * probs
        total = float(weighted.sum())
        return {"probabilities": probs, "douts": dout, "weighted": weighted, "weighted_sum": total,
                "probability": float(probs[k]), "dout": float(dout[k]),
                "sum": float(probs[k]) * (float(dout[k]) - total), "gradient": float(dx[k])}

    def animate_gradient(self, x, out, channel, p, dout, dx):
        return {"logits": x, "probabilities": out, "dout": dout, "dx": dx}
