"""Max and average pooling: the math, the layers, and their arithmetic for learners.

x: (N, C, H, W) -> (N, C, H', W'), H' = (H - size) / stride + 1, no padding.
"""
from typing import NamedTuple

import numpy as np

from .base import Layer, ShapeError, output_size, positive_int


class PoolCache(NamedTuple):
    x: np.ndarray
    out: np.ndarray
    size: int
    stride: int


def _window_slices(x, size, stride):
    """The size*size strided views x[:, :, i::stride, j::stride], one per window offset (i, j)."""
    n, c, h, w = x.shape
    ho, wo = output_size(h, size, 0, stride), output_size(w, size, 0, stride)
    return [x[:, :, i:i + stride * (ho - 1) + 1:stride, j:j + stride * (wo - 1) + 1:stride]
            for i in range(size) for j in range(size)]


def maxpool_forward(x, size=2, stride=2):
    """Max over size x size windows."""
    slices = _window_slices(x, size, stride)
    out = slices[0].copy()
    for s in slices[1:]:
        np.maximum(out, s, out=out)
    return out, PoolCache(x, out, size, stride)


def maxpool_backward(dout, cache):
    """Routes each output gradient to the first maximum (row-major) of its window, as PyTorch does."""
    x, out, k, s = cache.x, cache.out, cache.size, cache.stride
    overlapping = s < k
    tiled = s == k and x.shape[2] % k == 0 and x.shape[3] % k == 0  # every input in exactly one window
    dx = np.empty(x.shape, dout.dtype) if tiled else np.zeros(x.shape, dout.dtype)
    taken = np.zeros(out.shape, dtype=bool)
    hit = np.empty(out.shape, dtype=bool)
    for i, (xs, dxs) in enumerate(zip(_window_slices(x, k, s), _window_slices(dx, k, s))):
        np.equal(xs, out, out=hit)
        if i:
            hit &= ~taken  # a tie goes to the first maximum only
        taken |= hit
        if overlapping:
            dxs += dout * hit
        else:
            np.multiply(dout, hit, out=dxs)
    return dx


def avgpool_forward(x, size=2, stride=2):
    """Mean over size x size windows."""
    slices = _window_slices(x, size, stride)
    out = slices[0] + slices[1] if len(slices) > 1 else slices[0].copy()
    for s in slices[2:]:
        out += s
    out /= size * size
    return out, PoolCache(x, out, size, stride)


def avgpool_backward(dout, cache):
    """Each output's gradient is shared equally by the size*size inputs of its window."""
    dx = np.zeros(cache.x.shape, dtype=dout.dtype)
    share = dout / (cache.size * cache.size)
    for part in _window_slices(dx, cache.size, cache.stride):
        part += share
    return dx


def winners(x_c, out_c, size, stride):
    """(H', W', 2): row and column, inside its window, of each output's first maximum.
    x_c: one channel (H, W); out_c: its pooled map (H', W')."""
    ho, wo = out_c.shape
    arg = np.zeros((ho, wo), np.intp)
    for kk in range(size * size - 1, -1, -1):  # backwards, so the first maximum wins
        i, j = divmod(kk, size)
        arg[x_c[i:i + stride * (ho - 1) + 1:stride, j:j + stride * (wo - 1) + 1:stride] == out_c] = kk
    return np.stack(np.divmod(arg, size), axis=-1)


class _Pool(Layer):
    def __init__(self, name, size=2, stride=None):
        super().__init__(name)
        self.size = positive_int("size", size, high=64)
        self.stride = positive_int("stride", stride if stride is not None else size, high=64)

    def hyperparameters(self):
        return {"size": self.size, "stride": self.stride}

    def output_shape(self, input_shape):
        if len(input_shape) != 3:
            raise ShapeError(f"{self.name}: pooling needs a (C, H, W) input, got {tuple(input_shape)}",
                             "shape.needs_maps", layer=self.name)
        c, h, w = input_shape
        return c, output_size(h, self.size, 0, self.stride), output_size(w, self.size, 0, self.stride)

    def macs(self, input_shape, output_shape):
        return int(np.prod(output_shape)) * self.size ** 2  # comparisons or additions per output

    def window(self):
        return self.size, self.stride

    def _window(self, x, where):
        c, y, x0 = where
        k, s = self.size, self.stride
        return {"window": x[c, y * s:y * s + k, x0 * s:x0 * s + k],
                "rows": np.arange(y * s, y * s + k), "cols": np.arange(x0 * s, x0 * s + k),
                "size": k, "stride": s}


class MaxPool(_Pool):
    kind = "maxpool"

    def forward(self, x, p):
        return maxpool_forward(x, self.size, self.stride)

    def backward(self, dout, cache, p, need_dx=True):
        return maxpool_backward(dout, cache), {}

    def explain(self, x, out, where, p):
        c, y, x0 = where
        return {**self._window(x, where),
                "winner": [int(v) for v in winners(x[c], out[c], self.size, self.stride)[y, x0]]}

    def animate(self, x, out, c, p, after=None):
        return {"input": x[c], "output": out[c], "size": self.size, "stride": self.stride,
                "winners": winners(x[c], out[c], self.size, self.stride)}


class AvgPool(_Pool):
    kind = "avgpool"

    def forward(self, x, p):
        return avgpool_forward(x, self.size, self.stride)

    def backward(self, dout, cache, p, need_dx=True):
        return avgpool_backward(dout, cache), {}

    def explain(self, x, out, where, p):
        window = self._window(x, where)
        values = window["window"].astype(np.float64)
        return {**window, "total": float(values.sum()), "mean": float(values.mean())}

    def animate(self, x, out, c, p, after=None):
        k, s = self.size, self.stride
        windows = np.lib.stride_tricks.sliding_window_view(x[c].astype(np.float64), (k, k))[::s, ::s]
        return {"input": x[c], "output": out[c], "size": k, "stride": s,
                "totals": windows.sum(axis=(2, 3))}
