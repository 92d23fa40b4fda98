"""Exercises on softmax: the order of the probabilities, and what changes when one logit grows."""
import numpy as np

from ...engine.kinds.softmax import softmax, softmax_parts
from .core import Exercise, Field

CLASSES = 4


def _logits(rng):
    """Four logits with one decimal, at least 0.3 apart (no near-ties to squint at)."""
    while True:
        z = rng.integers(-20, 41, CLASSES) / 10
        if np.diff(np.sort(z)).min() >= 0.3:
            return z


def _parts(z):
    p = softmax(z[None])[0]
    parts = softmax_parts(z, p)
    return {"logits": parts["logits"].tolist(), "shift": parts["shift"], "exps": parts["exps"].tolist(),
            "exp_sum": parts["exp_sum"], "probabilities": p.tolist()}


def softmax_order(rng, seed, index):
    z = _logits(rng)
    parts = _parts(z)
    right = [int(i) for i in np.argsort(-np.asarray(parts["probabilities"]), kind="stable")]
    return Exercise("softmax_order", seed, index, {}, {"logits": z.tolist()},
                    (Field("order", "order", options=CLASSES),), {"order": right}, {**parts, "order": right},
                    (("practice.softmax_order.hint1", {}), ("practice.softmax_order.hint2", {})))


def softmax_grow(rng, seed, index):
    """Logit `grown` rises by `delta`: which of four lists are the new probabilities?"""
    z = _logits(rng)
    grown = int(rng.integers(CLASSES))
    delta = float(rng.choice([0.5, 1.0, 1.5, 2.0]))
    step = np.eye(CLASSES)[grown] * delta
    before, after = _parts(z), _parts(z + step)
    only_it = list(before["probabilities"])
    only_it[grown] = after["probabilities"][grown]  # the others left as they were: no longer adds to 1
    candidates = {"right": after["probabilities"], "only_it": only_it,
                  "unchanged": before["probabilities"], "falls": _parts(z - step)["probabilities"]}
    names = [list(candidates)[i] for i in rng.permutation(len(candidates))]
    options = [candidates[n] for n in names]
    right = names.index("right")
    solution = {"before": before, "after": after, "grown": grown, "delta": delta,
                "options": [{"kind": n, "sum": float(np.sum(candidates[n]))} for n in names], "choice": right}
    return Exercise("softmax_grow", seed, index, {"grown": grown, "delta": delta},
                    {"logits": z.tolist(), "probabilities": before["probabilities"], "options": options},
                    (Field("choice", "choice", options=len(options)),), {"choice": right}, solution,
                    (("practice.softmax_grow.hint1", {}), ("practice.softmax_grow.hint2", {"grown": grown})))
