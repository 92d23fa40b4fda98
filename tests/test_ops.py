"""The operations against loop references, numeric gradients and the lessons' worked examples."""
import numpy as np
import pytest

from cnnviz.engine import losses
from cnnviz.engine.kinds import activation, conv, dense, flatten, pool, softmax
from cnnviz.engine.kinds.base import ShapeError, output_size
from cnnviz.engine.reference_ops import conv_forward_loops, maxpool_backward_loops, pool_forward_loops


def numeric_grad(f, x, dout, h=1e-5):
    """d(sum(f(x) * dout))/dx by central differences, in float64."""
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        plus = (f(x) * dout).sum()
        x[i] = old - h
        minus = (f(x) * dout).sum()
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def rel_error(a, b):
    return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))


CONV_CASES = [  # (N, C, H, W, F, K, stride, pad, dilation)
    (2, 3, 7, 7, 4, 3, 1, 0, 1),
    (2, 3, 7, 7, 2, 3, 2, 1, 1),   # the CS231n demo's shape: 7x7x3 padded, stride 2
    (1, 2, 9, 9, 3, 3, 1, 2, 2),   # dilation
    (2, 1, 10, 10, 2, 5, 3, 2, 1),
    (1, 2, 11, 11, 2, 3, 2, 1, 3),  # stride, padding and dilation at once
]


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_forward_matches_loops(case):
    n, c, h, w, f, k, s, p, d = case
    rng = np.random.default_rng(0)
    x, wt, b = rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, k, k)), rng.normal(size=f)
    out, _ = conv.conv_forward(x, wt, b, s, p, d)
    np.testing.assert_allclose(out, conv_forward_loops(x, wt, b, s, p, d), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_backward_matches_numeric_gradient(case):
    n, c, h, w, f, k, s, p, d = case
    rng = np.random.default_rng(1)
    x, wt, b = rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, k, k)), rng.normal(size=f)
    out, cache = conv.conv_forward(x, wt, b, s, p, d)
    dout = rng.normal(size=out.shape)
    dx, dw, db = conv.conv_backward(dout, cache)
    assert rel_error(dx, numeric_grad(lambda v: conv.conv_forward(v, wt, b, s, p, d)[0], x, dout)) < 1e-6
    assert rel_error(dw, numeric_grad(lambda v: conv.conv_forward(x, v, b, s, p, d)[0], wt, dout)) < 1e-6
    assert rel_error(db, numeric_grad(lambda v: conv.conv_forward(x, wt, v, s, p, d)[0], b, dout)) < 1e-6


def distinct_values(rng, shape):
    """Values far apart, so no pooling window has a near-tie that h could flip."""
    return rng.permutation(np.prod(shape)).reshape(shape).astype(np.float64) * 0.1


@pytest.mark.parametrize("size,stride", [(2, 2), (3, 2), (3, 3), (2, 1), (2, 3)])
@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pooling_matches_loops_and_numeric_gradient(size, stride, mode):
    rng = np.random.default_rng(2)
    h = {(2, 2): 8, (3, 2): 9, (3, 3): 9, (2, 1): 5, (2, 3): 8}[(size, stride)]  # (2, 3): gaps between windows
    x = distinct_values(rng, (2, 3, h, h))
    fwd = pool.maxpool_forward if mode == "max" else pool.avgpool_forward
    bwd = pool.maxpool_backward if mode == "max" else pool.avgpool_backward
    out, cache = fwd(x, size, stride)
    np.testing.assert_allclose(out, pool_forward_loops(x, size, stride, mode), rtol=1e-12)
    dout = rng.normal(size=out.shape)
    dx = bwd(dout, cache)
    assert rel_error(dx, numeric_grad(lambda v: fwd(v, size, stride)[0], x, dout)) < 1e-6
    if mode == "max":
        np.testing.assert_allclose(dx, maxpool_backward_loops(dout, x, size, stride))


def test_maxpool_tie_sends_gradient_to_first_maximum_only():
    x = np.array([[[[3., 3.], [3., 1.]]]])
    out, cache = pool.maxpool_forward(x)
    dx = pool.maxpool_backward(np.array([[[[5.]]]]), cache)
    assert out.item() == 3
    np.testing.assert_array_equal(dx, [[[[5., 0.], [0., 0.]]]])
    np.testing.assert_array_equal(dx, maxpool_backward_loops(np.array([[[[5.]]]]), x))


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "softmax"])
def test_elementwise_backward_matches_numeric_gradient(name):
    module = softmax if name == "softmax" else activation
    fwd, bwd = getattr(module, f"{name}_forward"), getattr(module, f"{name}_backward")
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 6))
    x[np.abs(x) < 0.05] = 0.5  # stay away from ReLU's kink
    out, cache = fwd(x)
    dout = rng.normal(size=out.shape)
    assert rel_error(bwd(dout, cache), numeric_grad(lambda v: fwd(v)[0], x, dout)) < 1e-6


def test_dense_and_flatten_backward_match_numeric_gradient():
    rng = np.random.default_rng(4)
    x4 = rng.normal(size=(3, 2, 2, 2))
    x, cache_f = flatten.flatten_forward(x4)
    w, b = rng.normal(size=(5, 8)), rng.normal(size=5)
    out, cache = dense.dense_forward(x, w, b)
    dout = rng.normal(size=out.shape)
    dx, dw, db = dense.dense_backward(dout, cache)
    assert rel_error(dx, numeric_grad(lambda v: dense.dense_forward(v, w, b)[0], x, dout)) < 1e-6
    assert rel_error(dw, numeric_grad(lambda v: dense.dense_forward(x, v, b)[0], w, dout)) < 1e-6
    assert rel_error(db, numeric_grad(lambda v: dense.dense_forward(x, w, v)[0], b, dout)) < 1e-6
    assert flatten.flatten_backward(dx, cache_f).shape == x4.shape


def test_losses_match_numeric_gradient():
    rng = np.random.default_rng(5)
    z, y = rng.normal(size=(4, 10)), np.array([1, 0, 9, 3])
    _, dz = losses.softmax_cross_entropy(z, y)
    assert rel_error(dz, numeric_grad(lambda v: np.array(losses.softmax_cross_entropy(v, y)[0]), z,
                                      np.array(1.0))) < 1e-6
    t = rng.normal(size=(4, 10))
    _, do = losses.squared_error(z, t)
    assert rel_error(do, numeric_grad(lambda v: np.array(losses.squared_error(v, t)[0]), z,
                                      np.array(1.0))) < 1e-6


# ------------------------------------------------ worked examples from the lessons
def test_lesson_binary_image_convolution():
    image = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1],
                      [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]], float)
    kernel = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], float)
    out, _ = conv.conv_forward(image[None, None], kernel[None, None], np.zeros(1))
    np.testing.assert_array_equal(out[0, 0], [[4, 3, 4], [2, 4, 3], [2, 3, 4]])


def test_lesson_max_pooling():
    x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]], float)
    out, _ = pool.maxpool_forward(x[None, None], 2, 2)
    np.testing.assert_array_equal(out[0, 0], [[6, 8], [3, 4]])


def test_lesson_squared_error():
    loss, _ = losses.squared_error(np.array([[0.2, 0.4, 0.1, 0.3]]), np.array([[0., 0., 1., 0.]]))
    assert loss == pytest.approx(0.5 * (0.04 + 0.16 + 0.81 + 0.09))


def test_lesson_sigmoid_and_gate():
    """b = -30, weights 20 and 20: a sigmoid neuron computes AND."""
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    z, _ = dense.dense_forward(x, np.array([[20., 20.]]), np.array([-30.]))
    out, _ = activation.sigmoid_forward(z)
    np.testing.assert_array_equal(np.round(out[:, 0]), [0, 0, 0, 1])


@pytest.mark.parametrize("w,f,p,s,expected", [
    (5, 3, 0, 1, 3), (7, 3, 1, 2, 4), (227, 11, 0, 4, 55), (32, 5, 0, 1, 28)])
def test_output_size(w, f, p, s, expected):
    assert output_size(w, f, p, s) == expected


def test_output_size_rejects_fractional_result():
    with pytest.raises(ShapeError, match="not a positive whole number") as e:
        output_size(10, 3, 0, 2)
    assert "(10 - 3 + 0) / 2 + 1 = 4.5" in str(e.value)  # CS231n's example, with its numbers
    assert e.value.params["value"] == 4.5 and e.value.code == "shape.output_size"


def channel_sums_loops(x, w, b, stride, pad, dilation):
    """A learner's channel sums: per channel and position, 0 + each patch x weight in the kernel's
    order, in float64; and every product (C, H', W', K, K)."""
    c, k = x.shape[0], w.shape[-1]
    xp = np.pad(x.astype(np.float64), ((0, 0), (pad, pad), (pad, pad)))
    ho, wo = (output_size(n, k, pad, stride, dilation) for n in x.shape[1:])
    sums, products = np.zeros((c, ho, wo)), np.zeros((c, ho, wo, k, k))
    for ch, y, x0, i, j in np.ndindex(c, ho, wo, k, k):
        products[ch, y, x0, i, j] = xp[ch, y * stride + i * dilation, x0 * stride + j * dilation] * np.float64(w[ch, i, j])
        sums[ch, y, x0] += products[ch, y, x0, i, j]
    return sums, sums.sum(axis=0) + float(b), products


@pytest.mark.parametrize("case", CONV_CASES)
@pytest.mark.parametrize("at_once", [conv.PRODUCTS_AT_ONCE, 1])
def test_channel_sums_and_animation_products_equal_loops_to_the_bit(case, at_once, monkeypatch):
    _, c, h, wd, f, k, s, p, d = case
    monkeypatch.setattr(conv, "PRODUCTS_AT_ONCE", at_once)  # 1: channel by channel
    rng = np.random.default_rng(sum(case))
    x = (rng.standard_normal((c, h, wd)) * (rng.random((c, h, wd)) < 0.5)).astype(np.float32)  # zeros, as paper
    layer = conv.Conv("conv", f, k, s, p, d)
    params = layer.init_params((c, h, wd), rng)
    params["weight"][0, 0] = -np.abs(params["weight"][0, 0])  # all-zero patches give -0.0 products
    out = layer.forward(x[None], params)[0][0]
    frames = layer.animate(x, out, 1 % f, params, focus=c - 1)
    sums, totals, products = channel_sums_loops(x, params["weight"][1 % f], params["bias"][1 % f], s, p, d)
    same = lambda a, b: np.array_equal(a, b) and np.array_equal(np.signbit(a), np.signbit(b))
    assert same(frames["channel_sums"], sums) and same(frames["sums"], totals)
    assert same(frames["products"], products[c - 1])
    assert same(conv.channel_sums(x, params["weight"][0], 0.0, s, p, d, out.shape[1:])[0],
                channel_sums_loops(x, params["weight"][0], 0.0, s, p, d)[0])
