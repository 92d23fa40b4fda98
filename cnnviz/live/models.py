"""The models a server offers, loaded once, with their example galleries.

One bad file never stops the server: a model that does not load (or whose class
list does not fit its output) is skipped with one log line and the rest are
served; a gallery that cannot be read is empty. With no model at all the server
still starts, and the API says why (``problems``: {file stem: problem}).
"""
import logging
from pathlib import Path

import numpy as np

from ..engine.model import Model, ModelFileError
from ..training.evaluate import predictions

log = logging.getLogger(__name__)


class ModelStore:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.models, self.problems = {}, {}
        for path in sorted(self.folder.glob("*.json")):
            try:
                model = _load_checked(path).freeze()  # the shared model is never written to
            except Exception as e:  # noqa: BLE001  anything in one file must not stop the others
                problem = str(e) if isinstance(e, ModelFileError) else f"{path}: {e.__class__.__name__}: {e}"
                self.problems[path.stem] = problem
                log.error("skipping model: %s", problem)
                continue
            self.models[model.meta.get("id", path.stem)] = model
        if not self.models:
            log.error("no usable model in %s: the API answers 503 until one is added and the server "
                      "restarted", self.folder)
        self._examples = {}

    def __contains__(self, model_id):
        return model_id in self.models

    def get(self, model_id):
        return self.models[model_id]

    def all(self):
        """The models in the order their files ask for ("order"), then by id."""
        return sorted(self.models.values(), key=lambda m: (m.meta.get("order", 1000), m.meta["id"]))

    def weights_path(self, model_id):
        return getattr(self.models[model_id], "weights_path", self.folder / f"{model_id}.npz")

    def examples(self, model_id):
        """Gallery images from the model's test set with the model's own verdict on each."""
        if model_id not in self._examples:
            try:
                self._examples[model_id] = self._load_examples(model_id)
            except Exception as e:  # noqa: BLE001  a broken gallery is an empty one, not a 500
                log.error("gallery of %s unreadable, serving none: %s: %s", model_id, e.__class__.__name__, e)
                self._examples[model_id] = []
        return self._examples[model_id]

    def _load_examples(self, model_id):
        return gallery(self.folder / f"{model_id}-examples.npz", self.get(model_id))

def _load_checked(path):
    model = Model.load(path)
    outputs = model.output_shape[0] if len(model.output_shape) == 1 else None
    if outputs is not None and len(model.classes) != outputs:
        raise ModelFileError(path, f"{len(model.classes)} class names for {outputs} outputs")
    if "id" in model.meta and not isinstance(model.meta["id"], str):
        raise ModelFileError(path, "'id' must be a string")
    return model



def gallery(path, model):
    """A model's gallery file (NAME-examples.npz: test images, labels, test-set indices) with the
    model's own verdict on each; [] when there is none. Raises ValueError on mismatched arrays."""
    if not path.exists():
        return []
    with np.load(path, allow_pickle=False) as f:
        images, labels, ids = f["images"], f["labels"], f["test_index"]
    if images.ndim != 3 or not len(images) == len(labels) == len(ids):
        raise ValueError(f"{path}: arrays of {images.shape}, {labels.shape}, {ids.shape} do not match")
    predicted = predictions(model, images)
    return [{"image": img, "label": int(y), "predicted": int(p), "test_index": int(i)}
            for img, y, p, i in zip(images, labels, predicted, ids)]
