"""Exercises on shapes and counts: a layer's output size (W - F + 2P)/S + 1, including
combinations that do not fit, and a conv layer's parameters with and without sharing."""
import numpy as np

from ...engine.architecture import Architecture
from ...engine.kinds.base import ShapeError, output_size as engine_output_size
from .core import Exercise, Field

MAX_TRIES = 200


def _size(w, f, s, p):
    """The engine's output size, or "invalid" with the value it would have been."""
    try:
        return engine_output_size(w, f, p, s), None
    except ShapeError as e:
        return "invalid", e.params["value"]


def output_size(rng, seed, index):
    want_valid = rng.random() < 0.65
    for _ in range(MAX_TRIES):
        w = int(rng.choice([5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 28, 32, 224, 227]))
        f = int(rng.choice([1, 2, 3, 3, 5, 5, 7, 11]))
        s = int(rng.choice([1, 1, 2, 2, 3, 4]))
        p = int(rng.choice([0, 0, 1, 1, 2, 3]))
        if f > w or p >= f:
            continue
        right, value = _size(w, f, s, p)
        if (right != "invalid") == want_valid:
            break
    numerator = w - f + 2 * p
    solution = {"W": w, "F": f, "S": s, "P": p, "numerator": numerator,
                "quotient": numerator / s, "value": numerator / s + 1 if value is None else value,
                "output": right, "valid": right != "invalid"}
    return Exercise("output_size", seed, index, {"W": w, "F": f, "S": s, "P": p}, {},
                    (Field("output", "size", signed=False),), {"output": right}, solution,
                    (("practice.output_size.hint1", {}),
                     ("practice.output_size.hint2", {"numerator": numerator, "S": s})))


def conv_params(rng, seed, index):
    """A conv layer on a (C, W, W) input: parameters with parameter sharing (one kernel per filter,
    used at every position) and without it (a kernel for every output neuron)."""
    for _ in range(MAX_TRIES):
        w = int(rng.choice([7, 8, 15, 28, 32, 64, 227]))
        c = int(rng.choice([1, 3, 3, 6, 16]))
        f = int(rng.choice([4, 6, 8, 10, 16, 32, 96]))
        k = int(rng.choice([1, 3, 3, 5, 11]))
        s = int(rng.choice([1, 1, 2, 4]))
        p = int(rng.choice([0, 1, 2]))
        if k > w or p >= k:
            continue
        if _size(w, k, s, p)[0] != "invalid":
            break
    else:  # never seen in practice; keeps generation total
        w, c, f, k, s, p = 32, 1, 6, 5, 1, 0
    arch = Architecture([{"name": "conv", "kind": "conv", "filters": f, "kernel": k, "stride": s,
                          "padding": p}], (c, w, w))
    shapes = arch.shapes[0]
    weight = shapes.param_shapes["weight"]
    per_filter = int(np.prod(weight[1:]))
    shared = arch.parameter_count()
    out = arch.output_shape
    neurons = int(np.prod(out))
    positions = out[1] * out[2]
    unshared = positions * shared  # every output position has its own filters and biases
    solution = {"weight_shape": list(weight), "weights_per_filter": per_filter, "per_filter": per_filter + 1,
                "filters": f, "shared": shared, "output_shape": list(out), "positions": positions,
                "neurons": neurons, "unshared": unshared}
    return Exercise("conv_params", seed, index, {"W": w, "C": c, "F": f, "K": k, "S": s, "P": p}, {},
                    (Field("shared", "integer", signed=False), Field("unshared", "integer", signed=False)),
                    {"shared": shared, "unshared": unshared}, solution,
                    (("practice.conv_params.hint1", {"K": k, "C": c}),
                     ("practice.conv_params.hint2", {})))
