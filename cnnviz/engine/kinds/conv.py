"""Convolution: the math (im2col forward, backward), the layer, and its arithmetic for learners.

Images are (N, C, H, W); weights (F, C, KH, KW) as in PyTorch; cross-correlation,
as in every deep-learning framework.

Inside, the batch is the innermost axis in memory: a (C, H, W, N) array seen as
(N, C, H, W). Then every row of a window is one contiguous run of W'*N numbers,
so im2col, its gradient (col2im) and the pooling after a conv move long runs
instead of rows of 5 or 10; the output is handed on as a transposed view, with
the same shape and values as before. For one image (N = 1) nothing changes.
"""
from typing import NamedTuple

import numpy as np

from ...errors import NeuronError
from ..memory import empty
from .base import DEFAULT_INIT, Layer, ShapeError, check_init, init_weight, ordered_terms, output_size, positive_int

BATCH_LAST = (1, 2, 3, 0)  # memory order of (N, C, H, W) maps inside the engine: (C, H, W, N)


def _batch_last(x, pad, buffers=None):
    """x (N, C, H, W) in any memory order -> a C-contiguous (C, H+2p, W+2p, N) copy, zero-padded
    (no copy when x is already laid out so and needs no padding)."""
    n, c, h, w = x.shape
    xt = x.transpose(BATCH_LAST)
    if not pad and xt.flags.c_contiguous:
        return xt
    out = empty((c, h + 2 * pad, w + 2 * pad, n), x.dtype, buffers=buffers, role="input")
    if pad:
        out.fill(0)
    out[:, pad:pad + h, pad:pad + w] = xt
    return out


def _windows(xt, kh, kw, stride, dilation, ho, wo):
    """A strided view (C, KH, KW, H', W', N) of every window of xt (C, H, W, N)."""
    sc, sh, sw, sn = xt.strides
    c, n = xt.shape[0], xt.shape[3]
    view = np.ndarray((c, kh, kw, ho, wo, n), xt.dtype, xt, 0,  # as_strided without its ~5 µs of overhead
                      (sc, sh * dilation, sw * dilation, sh * stride, sw * stride, sn))
    view.flags.writeable = False
    return view


def _matmul_nt(a, b, chunk=4096):
    """a @ b.T for a (M, K) and b (N, K) with a long K, summed over cache-sized chunks of K.

    OpenBLAS is slow on such tall-skinny products (a conv's weight gradient has
    K = N*H'*W' = 50,176 for LeNet's conv1 at batch 64); chunks are ~4x faster.
    """
    k = a.shape[1]
    out = a[:, :chunk] @ b[:, :chunk].T
    for i in range(chunk, k, chunk):
        out += a[:, i:i + chunk] @ b[:, i:i + chunk].T
    return out


class ConvCache(NamedTuple):
    x_shape: tuple
    cols: np.ndarray  # (C*KH*KW, H'*W'*N)
    w: np.ndarray
    stride: int
    pad: int
    dilation: int


def _patches(x, kh, kw, stride, pad, dilation, buffers=None):
    """x (N, C, H, W) -> the patch matrix (C*KH*KW, H'*W'*N), H', W'."""
    n, c, h, wd = x.shape
    ho = output_size(h, kh, pad, stride, dilation)
    wo = output_size(wd, kw, pad, stride, dilation)
    cols = empty((c * kh * kw, ho * wo * n), x.dtype, buffers=buffers, role="cols")
    np.copyto(cols.reshape(c, kh, kw, ho, wo, n), _windows(_batch_last(x, pad, buffers), kh, kw, stride, dilation, ho, wo))
    return cols, ho, wo


def im2col(x, kh, kw, stride=1, pad=0, dilation=1):
    """x (N, C, H, W) -> the patch matrix (C*KH*KW, H'*W'*N): each receptive field as a column
    (columns ordered by output row, column, then image; for one image, row by row)."""
    return _patches(x, kh, kw, stride, pad, dilation)


def conv_forward(x, w, b, stride=1, pad=0, dilation=1, buffers=None):
    """x: (N, C, H, W); w: (F, C, KH, KW); b: (F,) -> out (N, F, H', W'),
    H' = (H - dilation*(KH-1) - 1 + 2*pad) / stride + 1. One matrix multiply over im2col.

    out is laid out batch-last in memory (a view of an (F, H', W', N) array); buffers (a
    Workspace scope) lends the arrays when a training loop passes one."""
    n, c = x.shape[:2]
    f, cw, kh, kw = w.shape
    if c != cw:
        raise ShapeError(f"input has {c} channels but the filters expect {cw}", "shape.channels",
                         channels=c, expected=cw)
    cols, ho, wo = _patches(x, kh, kw, stride, pad, dilation, buffers)
    dtype = np.result_type(cols, w)
    out = empty((f, ho, wo, n), dtype, buffers=buffers, role="out")
    np.matmul(w.reshape(f, -1), cols, out=out.reshape(f, -1))  # (F, H'*W'*N)
    out += b.reshape(f, 1, 1, 1)
    return out.transpose(3, 0, 1, 2), ConvCache(x.shape, cols, w, stride, pad, dilation)


def conv_backward(dout, cache, need_dx=True, buffers=None):
    """dout (N, F, H', W') -> dx (N, C, H, W), dw (F, C, KH, KW), db (F,).

    need_dx=False skips the input gradient (None), which a first layer never needs.
    """
    n, c, h, wd = cache.x_shape
    w, s, p, d = cache.w, cache.stride, cache.pad, cache.dilation
    f, _, kh, kw = w.shape
    ho, wo = dout.shape[2:]
    dout_t = dout.transpose(BATCH_LAST)  # (F, H', W', N)
    if not dout_t.flags.c_contiguous:  # a gradient that came back in (N, F, H', W') order
        copy = empty(dout_t.shape, dout.dtype, buffers=buffers, role="dout", scratch=True)
        copy[...] = dout_t
        dout_t = copy
    dout_mat = dout_t.reshape(f, -1)  # (F, H'*W'*N)
    dw = _matmul_nt(dout_mat, cache.cols).reshape(w.shape)
    db = dout_mat.sum(axis=1)
    if not need_dx:
        return None, dw, db
    dcols = empty((c * kh * kw, ho * wo * n), np.result_type(w, dout), buffers=buffers, role="dcols",
                  scratch=True)
    np.matmul(w.reshape(f, -1).T, dout_mat, out=dcols)
    dcols = dcols.reshape(c, kh, kw, ho, wo, n)
    # col2im: add every window's gradient back where it came from; batch-last, so each
    # window row is one contiguous run of W'*N numbers
    dxp = empty((c, h + 2 * p, wd + 2 * p, n), dcols.dtype, buffers=buffers, role="dx")
    dxp.fill(0)
    for i in range(kh):
        for j in range(kw):
            dxp[:, i * d:i * d + s * (ho - 1) + 1:s, j * d:j * d + s * (wo - 1) + 1:s] += dcols[:, i, j]
    return dxp[:, p:p + h, p:p + wd].transpose(3, 0, 1, 2), dw, db  # (N, C, H, W), batch-last in memory


def window_products(x, w, stride, pad, dilation, out_hw):
    """x (C, H, W), w (C, K, K) -> float64 (K, K, C, H', W'): weight (i, j) of channel c times the input
    it meets at every output position (a float32 x float32 product is exact in float64). One
    multiply over a strided view of the zero-padded input; kernel-major, so each weight's products
    are one contiguous run."""
    c, h, wd = x.shape
    k = w.shape[-1]
    ho, wo = out_hw
    xp = np.zeros((c, h + 2 * pad, wd + 2 * pad))
    xp[:, pad:pad + h, pad:pad + wd] = x
    sc, sh, sw = xp.strides
    met = np.ndarray((k, k, c, ho, wo), np.float64, xp, 0, (sh * dilation, sw * dilation, sc, sh * stride, sw * stride))
    return np.multiply(met, w.astype(np.float64).transpose(1, 2, 0)[:, :, :, None, None])


PRODUCTS_AT_ONCE = 1 << 21  # numbers (16 MB) of window_products made at once; a larger layer's, channels at a time


def channel_sums(x, w, b, stride, pad, dilation, out_hw, products=None):
    """One filter redone in float64 as a learner would: per input channel, the sum over the
    kernel of patch x weight at every position, added weight by weight in the kernel's order.

    x: (C, H, W); w: (C, K, K) -> (per-channel sums (C, H', W'), totals (H', W') = their sum + b).
    products: window_products(x, w, ...) when already made. Shared by explain and animate, so an
    animation step and an explanation agree to the bit.
    """
    if products is None:
        block = max(1, PRODUCTS_AT_ONCE // (w[0].size * out_hw[0] * out_hw[1]))
        sums = np.concatenate([_kernel_sums(window_products(x[c:c + block], w[c:c + block], stride, pad, dilation, out_hw))
                               for c in range(0, x.shape[0], block)])
    else:
        sums = _kernel_sums(products)
    return sums, sums.sum(axis=0) + float(b)


def _kernel_sums(products):
    """window_products (K, K, C, H', W') -> (C, H', W'): 0 + the first weight's + the second's + ..."""
    sums = np.zeros(products.shape[2:])
    for row in products:
        for weight_products in row:
            sums += weight_products
    return sums


class Conv(Layer):
    kind = "conv"
    param_names = ("weight", "bias")

    def __init__(self, name, filters, kernel, stride=1, padding=0, dilation=1, init=DEFAULT_INIT):
        super().__init__(name)
        self.filters = positive_int("filters", filters, high=65536)
        self.kernel = positive_int("kernel", kernel, high=64)
        self.stride = positive_int("stride", stride, high=64)
        self.padding = positive_int("padding", padding, low=0, high=64)
        self.dilation = positive_int("dilation", dilation, high=64)
        self.init = check_init(init)

    def hyperparameters(self):
        return {"filters": self.filters, "kernel": self.kernel, "stride": self.stride,
                "padding": self.padding, "dilation": self.dilation}

    def output_shape(self, input_shape):
        if len(input_shape) != 3:
            raise ShapeError(f"{self.name}: conv needs a (C, H, W) input, got {tuple(input_shape)}",
                             "shape.needs_maps", layer=self.name)
        _, h, w = input_shape
        size = lambda s: output_size(s, self.kernel, self.padding, self.stride, self.dilation)
        return self.filters, size(h), size(w)

    def param_shapes(self, input_shape):
        k = self.kernel
        return {"weight": (self.filters, input_shape[0], k, k), "bias": (self.filters,)}

    def init_params(self, input_shape, rng):
        c, k = input_shape[0], self.kernel
        return {"weight": init_weight(rng, self.init, self.param_shapes(input_shape)["weight"],
                                      c * k * k, self.filters * k * k),
                "bias": np.zeros(self.filters, np.float32)}

    def macs(self, input_shape, output_shape):
        return int(np.prod(output_shape)) * input_shape[0] * self.kernel ** 2

    def window(self):
        return self.dilation * (self.kernel - 1) + 1, self.stride

    def forward(self, x, p, buffers=None):
        return conv_forward(x, p["weight"], p["bias"], self.stride, self.padding, self.dilation, buffers)

    def backward(self, dout, cache, p, need_dx=True, buffers=None):
        dx, dw, db = conv_backward(dout, cache, need_dx, buffers)
        return dx, {"weight": dw, "bias": db}

    # --------------------------------------------------------------- teaching
    def channel_sums(self, x, p, f, out_hw):
        return channel_sums(x, p["weight"][f], p["bias"][f], self.stride, self.padding, self.dilation, out_hw)

    def explain(self, x, out, where, p):
        f, y, x0 = where
        s, pad, d, k = self.stride, self.padding, self.dilation, self.kernel
        xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))
        rows = y * s + d * np.arange(k)  # in padded coordinates
        cols = x0 * s + d * np.arange(k)
        patch = xp[:, rows][:, :, cols]  # (C, K, K), zeros where the window hangs into the padding
        w = p["weight"][f]
        sums, totals = self.channel_sums(x, p, f, out.shape[1:])
        return {"patch": patch, "weights": w, "products": patch.astype(np.float64) * w,
                "channel_sums": sums[:, y, x0], "channel_total": float(sums[:, y, x0].sum()),
                "bias": float(p["bias"][f]), "sum": float(totals[y, x0]),
                "rows": rows - pad, "cols": cols - pad,  # input coordinates (outside = padding)
                "input_shape": list(x.shape), "stride": s, "padding": pad, "dilation": d}

    def animate(self, x, out, f, p, after=None, focus=0):
        """Every position of filter f; `focus`: the input channel whose patch x weights products
        every step shows, (H', W', K, K), the same float64 products as explain's."""
        count = x.shape[0]
        if not isinstance(focus, int) or isinstance(focus, bool) or not 0 <= focus < count:
            raise NeuronError(f"give 'focus' as an input channel number from 0 to {count - 1} for {self.name}",
                              "focus.invalid", layer=self.name, max=count - 1)
        w, b, where = p["weight"][f], p["bias"][f], (self.stride, self.padding, self.dilation, out.shape[1:])
        if w.size * out[f].size <= PRODUCTS_AT_ONCE:  # made once, for the sums and the focus's products
            products = window_products(x, w, *where)
            sums, totals = channel_sums(x, w, b, *where, products=products)
            focused = products[:, :, focus]
        else:
            sums, totals = channel_sums(x, w, b, *where)
            focused = window_products(x[focus:focus + 1], w[focus:focus + 1], *where)[:, :, 0]
        return {"input": x, "weights": w, "bias": float(b),
                "channel_sums": sums, "channel_totals": sums.sum(axis=0), "sums": totals, "output": out[f],
                "focus": focus, "products": focused.transpose(2, 3, 0, 1),
                "kernel": self.kernel, "stride": self.stride, "padding": self.padding, "dilation": self.dilation}

    # ------------------------------------------------------------ backward, for learners
    def explain_gradient(self, x, out, where, p, dout, dx):
        """dx[c, y, x] = the full convolution of dout with the flipped kernel, read at (y, x):
        for every filter f, the output gradients of the positions whose window covered (y, x),
        times the weight that met (y, x) there, summed over the window and over the filters.

        Grids are (F, K, K) in flipped order, so the gradient patch reads like an ordinary patch."""
        c, y, x0 = where
        s, pad, d, k = self.stride, self.padding, self.dilation, self.kernel
        ho, wo = out.shape[1:]
        w = p["weight"][:, c, ::-1, ::-1]  # (F, K, K): the flipped kernels
        oy = (y + pad - d * (k - 1 - np.arange(k)))  # output row that used kernel row k-1-i, times s
        ox = (x0 + pad - d * (k - 1 - np.arange(k)))
        rows_ok = (oy % s == 0) & (oy >= 0) & (oy // s < ho)
        cols_ok = (ox % s == 0) & (ox >= 0) & (ox // s < wo)
        rows, cols = np.where(rows_ok, oy // s, -1), np.where(cols_ok, ox // s, -1)
        inside = rows_ok[:, None] & cols_ok[None, :]
        patches = np.where(inside, dout[:, rows.clip(0)][:, :, cols.clip(0)], 0).astype(np.float64)
        products = patches * w
        sums = products.sum(axis=(1, 2))
        return {"dout_patches": patches, "flipped_weights": w, "products": products, "filter_sums": sums,
                **ordered_terms(sums, largest=8), "gradient": float(dx[where]), "rows": rows, "cols": cols,
                "inside": inside, "output_shape": list(out.shape), "stride": s, "padding": pad, "dilation": d}

    def _inputs_met_by(self, x, c, i, j, out_hw):
        """(H', W'): the input value weight (i, j) of channel c multiplied at every output position."""
        s, pad, d = self.stride, self.padding, self.dilation
        ho, wo = out_hw
        xp = np.pad(x[c].astype(np.float64), pad)
        return xp[i * d:i * d + s * (ho - 1) + 1:s, j * d:j * d + s * (wo - 1) + 1:s]

    def explain_param_gradient(self, x, out, param, where, p, dout, grads):
        """Parameter sharing: one weight is used at every position, so its gradient is the sum over
        positions of (the input it met there) x (that position's output gradient). db[f] = sum of dout[f]."""
        f = where[0]
        if param == "bias":
            return {"douts": dout[f], **ordered_terms(dout[f]), "gradient": float(grads["bias"][f])}
        _, c, i, j = where
        inputs = self._inputs_met_by(x, c, i, j, out.shape[1:])
        products = inputs * dout[f]
        return {"inputs": inputs, "douts": dout[f], "products": products, **ordered_terms(products),
                "gradient": float(grads["weight"][where]), "positions": int(products.size)}

    def animate_gradient(self, x, out, f, p, dout, dx, focus=0):
        """Filter f's weight gradient accumulating patch by patch, one output position per step:
        after step t, the sum over the first t+1 positions (row by row) of patch x dout[f, position],
        for input channel `focus`; the bias gradient's running sum beside it."""
        k = self.kernel
        ho, wo = out.shape[1:]
        per_weight = np.stack([self._inputs_met_by(x, focus, i, j, (ho, wo)) for i in range(k) for j in range(k)])
        contributions = per_weight.reshape(k * k, -1) * dout[f].astype(np.float64).ravel()  # (K*K, H'*W')
        accumulated = np.cumsum(contributions, axis=1).T.reshape(ho * wo, k, k)
        return {"input": x[focus], "focus": focus, "weights": p["weight"][f, focus], "dout": dout[f],
                "accumulated": accumulated, "bias_running": np.cumsum(dout[f].astype(np.float64)),
                "weight_gradient": accumulated[-1], "dx": dx[focus], "kernel": k, "stride": self.stride,
                "padding": self.padding, "dilation": self.dilation}
