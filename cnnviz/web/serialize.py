"""The JSON shape of every API response. Only this module knows it.

Arrays are sent in one of two encodings (documented in the OpenAPI spec):
- ``f16`` (default): {"shape": [...], "dtype": "float16", "data": <base64 of little-endian float16>}
- ``list``: plain nested lists of numbers, exact float32 values, for scripts and tests.
Explain and animate responses always use exact numbers (they are shown as text).
"""
import base64
import io

import numpy as np
from PIL import Image

ENCODINGS = ("f16", "list")
F16_MAX = 65504.0


def encode_array(a, encoding="f16"):
    a = np.asarray(a)
    if encoding == "list":
        return a.astype(np.float64).tolist()
    half = np.clip(a, -F16_MAX, F16_MAX).astype("<f2")
    return {"shape": list(a.shape), "dtype": "float16", "data": base64.b64encode(half.tobytes()).decode()}


def png_data_url(image, max_side=64):
    """float (H, W) in [0, 1] or uint8 (H, W, 3) -> 'data:image/png;base64,...'.

    Larger images are shrunk to max_side: these are thumbnails for a strip.
    """
    if image.dtype != np.uint8:
        image = np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8)
    img = Image.fromarray(image)
    img.thumbnail((max_side, max_side), Image.Resampling.BOX)
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _accuracy(model):
    return model.meta.get("training", {}).get("test_accuracy")


def model_summary(model):
    return {"id": model.meta["id"], "title": model.meta.get("title"), "dataset": model.meta.get("dataset"),
            "classes": model.classes, "class_names": model.meta.get("class_names", {}), "input_shape": list(model.input_shape),
            "test_accuracy": _accuracy(model), "test_images": model.meta.get("training", {}).get("test_images"),
            "parameters": model.parameter_count()}


def models_list(models):
    return {"models": [model_summary(m) for m in models]}


def model_detail(model):
    return {**model_summary(model), "layers": model.describe()}


def prediction(model, probabilities):
    p = probabilities.astype(np.float64)
    order = np.argsort(-p, kind="stable")
    top = [{"index": int(i), "label": model.classes[i], "probability": float(p[i])} for i in order[:2]]
    return {"prediction": top[0], "top": top, "probabilities": p.tolist()}


def predict_response(model, prepared, steps, encoding="f16"):
    """prepared: preprocess.Prepared; steps: the model's trace for prepared.tensor."""
    return {
        "model": model.meta["id"],
        **prediction(model, steps[-1].output[0]),
        "encoding": encoding,
        "preprocessing": [{"step": s.name, "shape": list(s.image.shape[:2]), "image": png_data_url(s.image)}
                          for s in prepared.steps],
        "warnings": [{"code": w.code, "params": w.params} for w in prepared.warnings],
        "input": encode_array(prepared.tensor[0], encoding),
        "layers": [{"name": s.name, "kind": s.kind, "shape": list(s.output.shape[1:]),
                    "min": float(s.output.min()), "max": float(s.output.max()),
                    "output": encode_array(s.output[0], encoding)} for s in steps],
    }


def arithmetic_response(model, explanation):
    """An explanation or an animation: arrays as exact nested lists, numbers as numbers."""
    def plain(v):
        if isinstance(v, np.ndarray):
            return v.astype(np.float64).tolist() if v.dtype.kind == "f" else v.tolist()
        if isinstance(v, np.generic):
            return v.item()
        return v
    return {"model": model.meta["id"], **{k: plain(v) for k, v in explanation.items()}}


def examples_response(model, examples):
    """The gallery: each test image as a PNG with its true and predicted class."""
    return {"model": model.meta["id"], "examples": [
        {"image": png_data_url(e["image"]), "label": e["label"], "predicted": e["predicted"],
         "correct": e["label"] == e["predicted"], "test_index": e["test_index"]} for e in examples]}
