"""Pick gallery examples from a model's test set: a few per class, plus some it gets wrong.

Written beside the model as NAME-examples.npz (uint8 images, labels, test-set
indices), so the app can show test images without shipping the whole data set.
"""
import io

import numpy as np

from ..atomic import write_bytes_atomic
from ..data import load_dataset
from ..engine.model import Model
from .evaluate import predictions


def pick_examples(model, split, per_class=3, wrong=10, seed=0):
    predicted = predictions(model, split.x_test)
    rng = np.random.default_rng(seed)
    right = predicted == split.y_test
    chosen = []
    for label in range(len(model.classes)):
        candidates = np.flatnonzero(right & (split.y_test == label))
        chosen += sorted(rng.choice(candidates, min(per_class, len(candidates)), replace=False).tolist())
    mistakes = np.flatnonzero(~right)
    chosen += sorted(rng.choice(mistakes, min(wrong, len(mistakes)), replace=False).tolist())
    return np.array(chosen)


def write_examples(model_json, per_class=3, wrong=10):
    model = Model.load(model_json)
    split, _ = load_dataset(model.meta["dataset"])
    idx = pick_examples(model, split, per_class, wrong)
    buf = io.BytesIO()
    np.savez_compressed(buf, images=split.x_test[idx], labels=split.y_test[idx], test_index=idx)
    out = model_json.with_name(f"{model.meta['id']}-examples.npz")
    write_bytes_atomic(out, buf.getvalue())
    return out, len(idx)
