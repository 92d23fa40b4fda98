"""Slow, obviously correct loop versions of convolution and pooling.

They share signatures with the fast versions in ``ops`` and exist only so the
tests can hold the two equal. Never used on a hot path.
"""
import numpy as np

from .kinds import output_size


def conv_forward_loops(x, w, b, stride=1, pad=0, dilation=1):
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    ho = output_size(h, kh, pad, stride, dilation)
    wo = output_size(wd, kw, pad, stride, dilation)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((n, f, ho, wo), dtype=np.float64)
    for i in range(n):
        for k in range(f):
            for y in range(ho):
                for x_ in range(wo):
                    total = b[k]
                    for ch in range(c):
                        for u in range(kh):
                            for v in range(kw):
                                total += (xp[i, ch, y * stride + u * dilation, x_ * stride + v * dilation]
                                          * w[k, ch, u, v])
                    out[i, k, y, x_] = total
    return out


def pool_forward_loops(x, size=2, stride=2, mode="max"):
    n, c, h, w = x.shape
    ho, wo = output_size(h, size, 0, stride), output_size(w, size, 0, stride)
    out = np.zeros((n, c, ho, wo), dtype=np.float64)
    for i in range(n):
        for ch in range(c):
            for y in range(ho):
                for x_ in range(wo):
                    window = x[i, ch, y * stride:y * stride + size, x_ * stride:x_ * stride + size]
                    out[i, ch, y, x_] = window.max() if mode == "max" else window.mean()
    return out


def maxpool_backward_loops(dout, x, size=2, stride=2):
    """Each output's gradient goes to the first maximum of its window (row-major)."""
    dx = np.zeros_like(x, dtype=np.float64)
    n, c, ho, wo = dout.shape
    for i in range(n):
        for ch in range(c):
            for y in range(ho):
                for x_ in range(wo):
                    window = x[i, ch, y * stride:y * stride + size, x_ * stride:x_ * stride + size]
                    u, v = np.unravel_index(np.argmax(window), window.shape)
                    dx[i, ch, y * stride + u, x_ * stride + v] += dout[i, ch, y, x_]
    return dx
