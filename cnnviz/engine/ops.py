"""The operations of a CNN, each as a forward/backward pair over NumPy arrays.

Every forward returns ``(out, cache)``; every backward takes ``(dout, cache)``
and returns the gradients. Images are ``(N, C, H, W)``; conv weights
``(F, C, KH, KW)`` and dense weights ``(out_features, in_features)`` follow
PyTorch's layout. ``reference_ops`` holds slow loop versions of conv and
pooling that the tests hold these equal to.
"""
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import as_strided


class ShapeError(ValueError):
    """A layer's hyperparameters do not fit the shape of its input."""


def output_size(size, kernel, pad=0, stride=1, dilation=1):
    """(W - F_eff + 2P) / S + 1, where F_eff = dilation * (F - 1) + 1.

    Raises ShapeError when the result is not a positive whole number.
    """
    span = dilation * (kernel - 1) + 1
    room = size - span + 2 * pad
    if room < 0 or room % stride:
        raise ShapeError(
            f"(W - F + 2P)/S + 1 = ({size} - {span} + 2*{pad})/{stride} + 1 "
            "is not a positive whole number")
    return room // stride + 1


def _windows(x, kh, kw, stride, dilation, ho, wo):
    """A strided view (C, KH, KW, N, H', W') of every window of x (N, C, H, W)."""
    sn, sc, sh, sw = x.strides
    return as_strided(
        x, shape=(x.shape[1], kh, kw, x.shape[0], ho, wo),
        strides=(sc, sh * dilation, sw * dilation, sn, sh * stride, sw * stride),
        writeable=False)


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


# ---------------------------------------------------------------- convolution
class ConvCache(NamedTuple):
    x_shape: tuple
    cols: np.ndarray  # (C*KH*KW, N*H'*W')
    w: np.ndarray
    stride: int
    pad: int
    dilation: int


def conv_forward(x, w, b, stride=1, pad=0, dilation=1):
    """2-D convolution (cross-correlation, as in every DL framework).

    x: (N, C, H, W); w: (F, C, KH, KW); b: (F,) -> out (N, F, H', W'),
    H' = (H - dilation*(KH-1) - 1 + 2*pad) / stride + 1. One matrix multiply
    over an im2col matrix.
    """
    n, c, h, wd = x.shape
    f, cw, kh, kw = w.shape
    if c != cw:
        raise ShapeError(f"input has {c} channels but the filters expect {cw}")
    ho = output_size(h, kh, pad, stride, dilation)
    wo = output_size(wd, kw, pad, stride, dilation)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x
    cols = _windows(xp, kh, kw, stride, dilation, ho, wo).reshape(c * kh * kw, n * ho * wo)
    out = w.reshape(f, -1) @ cols  # (F, N*H'*W')
    out += b[:, None]
    out = out.reshape(f, n, ho, wo).transpose(1, 0, 2, 3)  # (N, F, H', W')
    return np.ascontiguousarray(out), ConvCache(x.shape, cols, w, stride, pad, dilation)


def conv_backward(dout, cache, need_dx=True):
    """dout (N, F, H', W') -> dx (N, C, H, W), dw (F, C, KH, KW), db (F,).

    need_dx=False skips the input gradient (None), which a first layer never needs.
    """
    n, c, h, wd = cache.x_shape
    w, s, p, d = cache.w, cache.stride, cache.pad, cache.dilation
    f, _, kh, kw = w.shape
    ho, wo = dout.shape[2:]
    dout_mat = dout.transpose(1, 0, 2, 3).reshape(f, -1)  # (F, N*H'*W')
    dw = _matmul_nt(dout_mat, cache.cols).reshape(w.shape)
    db = dout_mat.sum(axis=1)
    if not need_dx:
        return None, dw, db
    dcols = (w.reshape(f, -1).T @ dout_mat).reshape(c, kh, kw, n, ho, wo)
    # col2im: add every window's gradient back where it came from, in channel-major
    # (C, N, H, W) order so both sides are read along contiguous rows; one transpose at the end
    dxp = np.zeros((c, n, h + 2 * p, wd + 2 * p), dtype=dout.dtype)
    for i in range(kh):
        for j in range(kw):
            dxp[:, :, i * d:i * d + s * (ho - 1) + 1:s, j * d:j * d + s * (wo - 1) + 1:s] += dcols[:, i, j]
    dx = np.ascontiguousarray(dxp[:, :, p:p + h, p:p + wd].transpose(1, 0, 2, 3))  # (N, C, H, W)
    return dx, dw, db


# ------------------------------------------------------------------- pooling
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
    """Max over size x size windows. x: (N, C, H, W) -> (N, C, H', W')."""
    slices = _window_slices(x, size, stride)
    out = slices[0].copy()
    for s in slices[1:]:
        np.maximum(out, s, out=out)
    return out, PoolCache(x, out, size, stride)


def maxpool_backward(dout, cache):
    """Routes each output gradient to the first maximum (row-major) of its window."""
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
    """Mean over size x size windows. x: (N, C, H, W) -> (N, C, H', W')."""
    slices = _window_slices(x, size, stride)
    out = slices[0] + slices[1] if len(slices) > 1 else slices[0].copy()
    for s in slices[2:]:
        out += s
    out /= size * size
    return out, PoolCache(x, out, size, stride)


def avgpool_backward(dout, cache):
    dx = np.zeros(cache.x.shape, dtype=dout.dtype)
    share = dout / (cache.size * cache.size)
    for part in _window_slices(dx, cache.size, cache.stride):
        part += share
    return dx


# --------------------------------------------------------------- activations
def relu_forward(x):
    out = np.maximum(x, 0)
    return out, x


def relu_backward(dout, x):
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


# -------------------------------------------------------- flatten and dense
def flatten_forward(x):
    return x.reshape(x.shape[0], -1), x.shape


def flatten_backward(dout, x_shape):
    return dout.reshape(x_shape)


def dense_forward(x, w, b):
    """x: (N, D); w: (M, D); b: (M,) -> out (N, M) = x w^T + b."""
    return x @ w.T + b, (x, w)


def dense_backward(dout, cache):
    x, w = cache
    return dout @ w, dout.T @ x, dout.sum(axis=0)


# ------------------------------------------------------------ softmax, losses
def softmax(z):
    """Row-wise softmax of (N, K) logits, shifted by the max for stability."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_forward(z):
    p = softmax(z)
    return p, p


def softmax_backward(dout, p):
    return p * (dout - (dout * p).sum(axis=-1, keepdims=True))


def softmax_cross_entropy(z, y):
    """Mean cross-entropy of logits z (N, K) against labels y (N,): (loss, dz)."""
    n = z.shape[0]
    p = softmax(z)
    loss = -np.log(np.maximum(p[np.arange(n), y], 1e-300)).mean()
    dz = p.copy()
    dz[np.arange(n), y] -= 1
    return float(loss), dz / n


def squared_error(output, target):
    """The lesson's total error: sum of 1/2 (target - output)^2, averaged over the batch.

    output, target: (N, K) -> (loss, doutput).
    """
    n = output.shape[0]
    diff = output - target
    return float(0.5 * (diff * diff).sum() / n), diff / n
