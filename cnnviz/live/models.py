"""The models a server offers, loaded once, with their example galleries."""
import logging
from pathlib import Path

import numpy as np

from ..engine.model import Model, ModelFileError
from ..training.evaluate import predictions

log = logging.getLogger(__name__)


class ModelStore:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.models, self.errors = {}, {}
        for path in sorted(self.folder.glob("*.json")):
            try:
                model = Model.load(path).freeze()  # the shared model is never written to
            except ModelFileError as e:
                self.errors[path.stem] = str(e)
                log.error("skipping model: %s", e)
                continue
            self.models[model.meta.get("id", path.stem)] = model
        self._examples = {}

    def __contains__(self, model_id):
        return model_id in self.models

    def get(self, model_id):
        return self.models[model_id]

    def all(self):
        """The models in the order their files ask for ("order"), then by id."""
        return sorted(self.models.values(), key=lambda m: (m.meta.get("order", 1000), m.meta["id"]))

    def weights_path(self, model_id):
        return self.folder / f"{model_id}.npz"

    def examples(self, model_id):
        """Gallery images from the model's test set with the model's own verdict on each."""
        if model_id not in self._examples:
            self._examples[model_id] = self._load_examples(model_id)
        return self._examples[model_id]

    def _load_examples(self, model_id):
        path = self.folder / f"{model_id}-examples.npz"
        if not path.exists():
            return []
        model = self.get(model_id)
        with np.load(path, allow_pickle=False) as f:
            images, labels, ids = f["images"], f["labels"], f["test_index"]
        predicted = predictions(model, images)
        return [{"image": img, "label": int(y), "predicted": int(p), "test_index": int(i)}
                for img, y, p, i in zip(images, labels, predicted, ids)]
