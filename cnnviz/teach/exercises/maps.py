"""Exercises on small maps of numbers: a convolution value, max and average pooling, ReLU,
the gradient a max-pool window passes back, and which kernel detects vertical edges.
Every right answer and worked solution is computed by the engine's kind modules."""
import numpy as np

from ...engine.kinds.activation import relu_forward
from ...engine.kinds.conv import Conv, conv_forward
from ...engine.kinds.pool import AvgPool, MaxPool, maxpool_backward, maxpool_forward
from .core import Exercise, Field, whole

# (input size, window size, stride) whose output is 2x2: tiling, bigger tiles, overlapping windows
POOL_SETUPS = ((4, 2, 2), (4, 2, 2), (6, 3, 3), (5, 3, 2))


def _ints(a):
    return np.asarray(a).astype(int).tolist()


def conv_value(rng, seed, index):
    """patch (K, K) * kernel (K, K), summed, plus the bias: one output of a convolution."""
    k = int(rng.choice([2, 3, 3]))
    patch = rng.integers(0, 6, (k, k)).astype(np.float64)
    kernel = rng.integers(-2, 3, (k, k)).astype(np.float64)
    bias = float(rng.integers(-3, 4))
    layer = Conv("conv", 1, k)
    p = {"weight": kernel[None, None], "bias": np.array([bias])}
    out, _ = layer.forward(patch[None, None], p)
    e = layer.explain(patch[None], out[0], (0, 0, 0), p)
    value = whole(out[0, 0, 0, 0])
    solution = {"patch": _ints(patch), "kernel": _ints(kernel), "products": _ints(e["products"][0]),
                "products_sum": whole(e["channel_total"]), "bias": whole(e["bias"]), "value": value}
    return Exercise("conv_value", seed, index, {"size": k, "bias": whole(bias)},
                    {"patch": _ints(patch), "kernel": _ints(kernel), "bias": whole(bias)},
                    (Field("value", "integer"),), {"value": value}, solution,
                    (("practice.conv_value.hint1", {}), ("practice.conv_value.hint2", {"bias": whole(bias)})))


def _pool(kind, rng, seed, index):
    n, size, stride = POOL_SETUPS[int(rng.integers(len(POOL_SETUPS)))]
    low = -4 if kind == "maxpool" else 0
    x = rng.integers(low, 10, (n, n)).astype(np.float64)
    layer = (MaxPool if kind == "maxpool" else AvgPool)("pool", size, stride)
    out, _ = layer.forward(x[None, None], {})
    out = out[0]
    decimals = 0 if kind == "maxpool" else 2
    windows = []
    for i in range(out.shape[1]):
        for j in range(out.shape[2]):
            e = layer.explain(x[None], out, (0, i, j), {})
            w = {"row": i, "col": j, "rows": _ints(e["rows"]), "cols": _ints(e["cols"]),
                 "values": _ints(e["window"]), "result": float(out[0, i, j])}
            w.update({"winner": e["winner"]} if kind == "maxpool" else {"total": whole(e["total"]),
                                                                        "count": size * size})
            windows.append(w)
    right = out[0].tolist()
    solution = {"input": _ints(x), "size": size, "stride": stride, "windows": windows, "output": right}
    return Exercise(kind, seed, index, {"n": n, "size": size, "stride": stride},
                    {"input": _ints(x)}, (Field("output", "grid", decimals, out.shape[1:], signed=low < 0),),
                    {"output": right}, solution,
                    ((f"practice.{kind}.hint1", {"size": size, "stride": stride}),
                     (f"practice.{kind}.hint2", {"count": out.shape[1] * out.shape[2]})))


def maxpool(rng, seed, index):
    return _pool("maxpool", rng, seed, index)


def avgpool(rng, seed, index):
    return _pool("avgpool", rng, seed, index)


def relu(rng, seed, index):
    rows, cols = (3, 3) if rng.random() < 0.5 else (3, 4)
    x = rng.integers(-50, 51, (rows, cols)) / 10
    out, _ = relu_forward(x)
    right = out.tolist()
    solution = {"input": x.tolist(), "output": right, "zeroed": (out != x).tolist()}
    return Exercise("relu", seed, index, {"rows": rows, "cols": cols}, {"input": x.tolist()},
                    (Field("output", "grid", 1, (rows, cols), signed=False),), {"output": right}, solution,
                    (("practice.relu.hint1", {}), ("practice.relu.hint2", {})))


def maxpool_grad(rng, seed, index):
    """One pooling window (K, K) and the gradient g arriving at its output -> the gradient of each input."""
    k = int(rng.choice([2, 2, 3]))
    x = (rng.permutation(np.arange(-6, 14))[:k * k].reshape(k, k)).astype(np.float64)  # no ties
    g = float(rng.choice([v for v in np.arange(-6, 7) / 2 if v]))
    out, cache = maxpool_forward(x[None, None], k, k)
    dx = maxpool_backward(np.full((1, 1, 1, 1), g), cache)[0, 0]
    winner = MaxPool("pool", k, k).explain(x[None], out[0], (0, 0, 0), {})["winner"]
    right = dx.tolist()
    solution = {"input": _ints(x), "max": whole(out[0, 0, 0, 0]), "winner": winner, "gradient": g,
                "output": right}
    return Exercise("maxpool_grad", seed, index, {"size": k, "gradient": g}, {"input": _ints(x), "gradient": g},
                    (Field("output", "grid", 1, (k, k), signed=g < 0),), {"output": right}, solution,
                    (("practice.maxpool_grad.hint1", {}), ("practice.maxpool_grad.hint2", {"gradient": g})))


# Kernels by role. Every one is scaled and possibly negated when drawn.
VERTICAL = ([[1, 0, -1], [1, 0, -1], [1, 0, -1]], [[1, 0, -1], [2, 0, -2], [1, 0, -1]])
OTHERS = ([[1, 1, 1], [1, 1, 1], [1, 1, 1]], [[1, 2, 1], [2, 4, 2], [1, 2, 1]],
          [[0, -1, 0], [-1, 5, -1], [0, -1, 0]], [[0, 0, 0], [0, 1, 0], [0, 0, 0]])
EDGE = np.repeat([[0, 0, 0, 9, 9, 9]], 6, axis=0).astype(np.float64)  # dark left half, bright right half


def vertical_edge(rng, seed, index):
    """Four 3x3 kernels: a vertical-edge detector, a horizontal one and two others, shuffled.
    The answer is the kernel the engine finds answering 0 on flat parts and on a horizontal edge,
    and not 0 on a vertical edge."""
    vertical = np.array(VERTICAL[int(rng.integers(2))]) * int(rng.choice([-1, 1]))
    horizontal = np.array(VERTICAL[int(rng.integers(2))]).T * int(rng.choice([-1, 1]))
    others = [np.array(OTHERS[i]) for i in rng.choice(len(OTHERS), 2, replace=False)]
    kernels = np.stack([vertical, horizontal, *others])[rng.permutation(4)].astype(np.float64)
    w, b = kernels[:, None], np.zeros(4)
    on_vertical = conv_forward(EDGE[None, None], w, b)[0][0]       # (4, 4, 4)
    on_horizontal = conv_forward(EDGE.T[None, None], w, b)[0][0]
    flat = np.abs(on_vertical[:, :, [0, -1]]).max(axis=(1, 2))      # windows left or right of the edge
    detects = (flat == 0) & (np.abs(on_horizontal).max(axis=(1, 2)) == 0) & (np.abs(on_vertical).max(axis=(1, 2)) > 0)
    assert detects.sum() == 1
    right = int(np.argmax(detects))
    solution = {"vertical_image": _ints(EDGE), "horizontal_image": _ints(EDGE.T),
                "on_vertical": _ints(on_vertical), "on_horizontal": _ints(on_horizontal),
                "detects": detects.tolist(), "choice": right}
    return Exercise("vertical_edge", seed, index, {}, {"kernels": _ints(kernels)},
                    (Field("choice", "choice", options=4),), {"choice": right}, solution,
                    (("practice.vertical_edge.hint1", {}), ("practice.vertical_edge.hint2", {})))
