"""Max and average pooling: the math, the layers, and their arithmetic for learners.

x: (N, C, H, W) -> (N, C, H', W'), H' = (H - size) / stride + 1, no padding.
"""
from typing import NamedTuple

import numpy as np

from ..memory import empty, memory_axes
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


def _same_layout(a, like, buffers=None):
    """a laid out in memory like `like` (same shape): itself, or a copy (a gradient that came back
    in (N, C, H, W) order to a layer whose maps are batch-last)."""
    axes = memory_axes(like)
    if memory_axes(a) == axes:
        return a
    out = empty(a.shape, a.dtype, axes, buffers, "dout", scratch=True)
    out[...] = a
    return out


def maxpool_forward(x, size=2, stride=2, buffers=None):
    """Max over size x size windows; out is laid out in memory like x."""
    slices = _window_slices(x, size, stride)
    if len(slices) == 1:
        out = slices[0].copy(order="K")
    else:  # without buffers NumPy lays the new array out like x
        out = None if buffers is None else buffers.empty("out", slices[0].shape, x.dtype, memory_axes(x))
        out = np.maximum(slices[0], slices[1], out=out)
    for s in slices[2:]:
        np.maximum(out, s, out=out)
    return out, PoolCache(x, out, size, stride)


def maxpool_backward(dout, cache, buffers=None):
    """Routes each output gradient to the first maximum (row-major) of its window, as PyTorch does."""
    x, out, k, s = cache.x, cache.out, cache.size, cache.stride
    overlapping = s < k
    tiled = s == k and x.shape[2] % k == 0 and x.shape[3] % k == 0  # every input in exactly one window
    dout = _same_layout(dout, out, buffers)
    dx = empty(x.shape, dout.dtype, memory_axes(x), buffers, "dx")
    if not tiled:
        dx.fill(0)
    taken = empty(out.shape, bool, memory_axes(out), buffers, "taken", scratch=True)
    hit = empty(out.shape, bool, memory_axes(out), buffers, "hit", scratch=True)
    last = k * k - 1
    for i, (xs, dxs) in enumerate(zip(_window_slices(x, k, s), _window_slices(dx, k, s))):
        np.equal(xs, out, out=hit)
        if i:
            np.greater(hit, taken, out=hit)  # hit and not taken: a tie goes to the first maximum only
        if i == 0:
            taken[...] = hit
        elif i < last:
            taken |= hit
        if overlapping:
            dxs += dout * hit
        else:
            np.multiply(dout, hit, out=dxs)
    return dx


def avgpool_forward(x, size=2, stride=2, buffers=None):
    """Mean over size x size windows."""
    slices = _window_slices(x, size, stride)
    out = slices[0] + slices[1] if len(slices) > 1 else slices[0].copy()
    for s in slices[2:]:
        out += s
    out /= size * size
    return out, PoolCache(x, out, size, stride)


def avgpool_backward(dout, cache, buffers=None):
    """Each output's gradient is shared equally by the size*size inputs of its window."""
    dx = np.zeros_like(cache.x, dtype=dout.dtype)
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


    def windows_over(self, x, out, where):
        """The output positions (oy, ox) whose window covers input position where = (c, y, x)."""
        _, y, x0 = where
        k, s = self.size, self.stride
        span = lambda v, n: range(max(0, -(-(v - k + 1) // s)), min(n - 1, v // s) + 1)
        return [(oy, ox) for oy in span(y, out.shape[1]) for ox in span(x0, out.shape[2])]

    def explain_gradient(self, x, out, where, p, dout, dx):
        c, y, x0 = where
        windows = [self.window_share(x, out, c, oy, ox, y, x0, dout) for oy, ox in self.windows_over(x, out, where)]
        return {"windows": windows, "size": self.size, "stride": self.stride,
                "sum": float(sum(w["share"] for w in windows)), "gradient": float(dx[where])}


class MaxPool(_Pool):
    kind = "maxpool"

    def forward(self, x, p, buffers=None):
        return maxpool_forward(x, self.size, self.stride, buffers)

    def backward(self, dout, cache, p, need_dx=True, buffers=None):
        return maxpool_backward(dout, cache, buffers), {}

    def explain(self, x, out, where, p):
        c, y, x0 = where
        return {**self._window(x, where),
                "winner": [int(v) for v in winners(x[c], out[c], self.size, self.stride)[y, x0]]}

    def animate(self, x, out, c, p, after=None):
        return {"input": x[c], "output": out[c], "size": self.size, "stride": self.stride,
                "winners": winners(x[c], out[c], self.size, self.stride)}

    def window_share(self, x, out, c, oy, ox, y, x0, dout):
        """What window (oy, ox) sends back to input (y, x0): all of its gradient if that input is
        the window's first maximum (the winner), else 0."""
        k, s = self.size, self.stride
        window = x[c, oy * s:oy * s + k, ox * s:ox * s + k]
        r, q = divmod(int(np.argmax(window)), k)  # argmax returns the first maximum, as PyTorch does
        won = (oy * s + r, ox * s + q) == (y, x0)
        return {"output": [c, oy, ox], "window": window, "winner": [r, q], "is_winner": won,
                "dout": float(dout[c, oy, ox]), "share": float(dout[c, oy, ox]) if won else 0.0}

    def animate_gradient(self, x, out, c, p, dout, dx):
        return {**self.animate(x, out, c, p), "dout": dout[c], "dx": dx[c]}


class AvgPool(_Pool):
    kind = "avgpool"

    def forward(self, x, p, buffers=None):
        return avgpool_forward(x, self.size, self.stride, buffers)

    def backward(self, dout, cache, p, need_dx=True, buffers=None):
        return avgpool_backward(dout, cache, buffers), {}

    def explain(self, x, out, where, p):
        window = self._window(x, where)
        values = window["window"].astype(np.float64)
        return {**window, "total": float(values.sum()), "mean": float(values.mean())}

    def window_share(self, x, out, c, oy, ox, y, x0, dout):
        """Window (oy, ox) shares its gradient equally among its size*size inputs."""
        k, s = self.size, self.stride
        return {"output": [c, oy, ox], "window": x[c, oy * s:oy * s + k, ox * s:ox * s + k],
                "dout": float(dout[c, oy, ox]), "count": k * k, "share": float(dout[c, oy, ox]) / (k * k)}

    def animate_gradient(self, x, out, c, p, dout, dx):
        k = self.size
        return {"input": x[c], "output": out[c], "size": k, "stride": self.stride, "dout": dout[c],
                "shares": dout[c].astype(np.float64) / (k * k), "dx": dx[c]}

    def animate(self, x, out, c, p, after=None):
        k, s = self.size, self.stride
        windows = np.lib.stride_tricks.sliding_window_view(x[c].astype(np.float64), (k, k))[::s, ::s]
        return {"input": x[c], "output": out[c], "size": k, "stride": s,
                "totals": windows.sum(axis=(2, 3))}
