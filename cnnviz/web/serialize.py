"""The JSON shape of every API response. Only this module knows it.

Arrays are sent in one of two encodings (documented in the OpenAPI spec):
- ``f16`` (default): {"shape": [...], "dtype": "float16", "data": <base64 of little-endian float16>}
- ``list``: plain nested lists of numbers, exact float32 values, for scripts and tests.
Explain and animate responses always use exact numbers (they are shown as text).
"""
import base64
import io
import json

import numpy as np
import pybase64
from PIL import Image

from ..teach.thumbnails import pixels as thumbnail_pixels

ENCODINGS = ("f16", "list")
F16_MAX = 65504.0


def encode_array(a, encoding="f16", scaled=False, bounds=None):
    """scaled (f16 only): divide by a power of two, sent as "scale", so the largest value is near 1 —
    gradients as small as 1e-9 keep float16's three digits instead of rounding to 0.
    bounds: (min, max) of a when known; within float16's range nothing needs clipping."""
    a = np.asarray(a)
    if encoding == "list":
        return a.astype(np.float64).tolist()
    scale = 1.0
    if scaled:
        a, scale = _scaled(a)
    within = bounds is not None and not scaled and -F16_MAX <= bounds[0] and bounds[1] <= F16_MAX
    half = a.astype("<f2") if within else as_sent(a)  # nothing to clip: the same numbers
    encoded = {"shape": list(a.shape), "dtype": "float16", "data": _base64(half)}
    if scaled:
        encoded["scale"] = scale
    return encoded


def _scaled(a):
    """-> (a / scale, scale): the power of two that brings a's largest magnitude near 1."""
    largest = float(np.abs(a).max()) if a.size else 0.0
    scale = 2.0 ** int(np.ceil(np.log2(largest))) if largest > 0 else 1.0
    return a / scale, scale


def scaled_as_sent(a, encoding="f16"):
    """A scaled array's values as a client decodes them (lib/f16.js decodeArray: the float16 number
    times "scale", kept in a Float32Array; list: the float32 numbers as they are)."""
    a = np.asarray(a)
    if encoding != "f16":
        return a.astype(np.float32)
    half, scale = _scaled(a)
    return (as_sent(half).astype(np.float64) * scale).astype(np.float32)


def as_sent(a, encoding="f16"):
    """An unscaled array's values as a client decodes them from encode_array: float16 (clipped to its
    range) for f16, float32 or float64 as they are for list."""
    return np.clip(a, -F16_MAX, F16_MAX).astype("<f2") if encoding == "f16" else np.asarray(a)


def thumbnail(image, max_side=64):
    """float (H, W) in [0, 1] or uint8 (H, W, 3) -> {"shape": [h, w] or [h, w, 3], "dtype": "uint8",
    "data": base64 of the 8-bit pixels, row by row}: the page paints it on a canvas. A larger image
    is averaged over whole blocks (as Pillow's reduce) to at most max_side: a 128x128 step becomes
    64x64, 4 KB of bytes, with no PNG to encode here or decode there."""
    return thumbnails([image], max_side)[0]


def thumbnails(images, max_side=64):
    """[image, ...] -> [thumbnail(image), ...], the pixels made by teach.thumbnails.pixels."""
    return [{"shape": list(shape), "dtype": "uint8", "data": pybase64.b64encode_as_string(data)}
            for shape, data in thumbnail_pixels(images, max_side)]


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


def layer_params_response(model, index, encoding="f16"):
    """Layer index's parameters ({} for a layer without any), each with its exact min and max; "reads":
    the shape of the layer's input before a flatten (C, H, W), so a dense unit's weights can be drawn
    as maps over what it reads, or its own input shape."""
    layer, shapes = model.layers[index], model.architecture.shapes
    reads = shapes[index].input_shape
    if layer.kind == "dense" and index > 0 and model.layers[index - 1].kind == "flatten":
        reads = shapes[index - 1].input_shape
    params = {name: {"shape": list(a.shape), "min": float(a.min()), "max": float(a.max()), "values": encode_array(a, encoding)}
              for name, a in model.layer_params(index).items()}
    return {"model": model.meta["id"], "layer": layer.name, "kind": layer.kind, "encoding": encoding,
            "reads": list(reads), "params": params}


def prediction(model, probabilities):
    p = probabilities.astype(np.float64)
    order = np.argsort(-p, kind="stable")
    top = [{"index": int(i), "label": model.classes[i], "probability": float(p[i])} for i in order[:2]]
    return {"prediction": top[0], "top": top, "probabilities": p.tolist()}


def predict_response(model, prepared, steps, encoding="f16", overridden=(), input_id=None):
    """prepared: preprocess.Prepared; steps: the model's trace for prepared.tensor;
    overridden: the parameters this request replaced (its "weights"); input_id: the input's
    key, which /explain, /animate and /backward accept instead of the image."""
    return {
        "model": model.meta["id"],
        "input_id": input_id,
        "weights": list(overridden),
        **prediction(model, steps[-1].output[0]),
        "encoding": encoding,
        "preprocessing": [{"step": s.name, "shape": list(s.size or s.image.shape[:2]), "pixels": pixels}
                          for s, pixels in zip(prepared.steps, thumbnails([s.image for s in prepared.steps]))],
        "warnings": [{"code": w.code, "params": w.params} for w in prepared.warnings],
        "input": encode_array(prepared.tensor[0], encoding),
        "layers": _layer_outputs(steps, encoding),
    }


def _layer_outputs(steps, encoding):
    """Every trace step's output with its exact min and max, all found in one pass (a layer's own
    min() and max() cost more in calls than in numbers); they spare the float16 clip."""
    outputs = [s.output for s in steps]
    flat = np.concatenate([out.ravel() for out in outputs])
    starts = np.cumsum([0] + [out.size for out in outputs[:-1]])
    lows, highs = np.minimum.reduceat(flat, starts).tolist(), np.maximum.reduceat(flat, starts).tolist()
    return [{"name": s.name, "kind": s.kind, "shape": list(out.shape[1:]), "min": low, "max": high,
             "output": encode_array(out[0], encoding, bounds=(low, high))}
            for s, out, low, high in zip(steps, outputs, lows, highs)]


def plain(v):
    """Arrays as exact nested lists, NumPy scalars as numbers; lists and dicts element by element."""
    if isinstance(v, np.ndarray):
        return v.astype(np.float64).tolist() if v.dtype.kind == "f" else v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    return v


def wire(v):
    """As plain(), but arrays of one or more dimensions stay arrays (float64, C order), which the
    JSON encoder (orjson) writes to exactly the same text as their nested lists, without building
    those lists: an animation holds tens of thousands of numbers."""
    if isinstance(v, np.ndarray) and v.ndim and v.dtype.kind in "fiub":
        return np.ascontiguousarray(v, np.float64 if v.dtype.kind == "f" else None)
    if isinstance(v, dict):
        return {k: wire(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [wire(x) for x in v]
    return plain(v)


def arithmetic_response(model, explanation):
    """An explanation: arrays as exact nested lists, numbers as numbers."""
    return {"model": model.meta["id"], **{k: wire(v) for k, v in explanation.items()}}


SPARSE_MIN = 512  # an animation's arrays with at least this many numbers are sent sparse


def sparse_exact(a):
    """An array as exact float64 numbers with its zeros left out: {"shape", "dtype": "float64",
    "sparse": true, "nonzero": base64 of one bit per number in C order (1 = not zero, the first
    number in the first byte's highest bit), "values": base64 of the numbers that are not zero,
    little-endian float64, in C order; a zero's sign is not kept}. A conv animation's patch x
    weights products, (H', W', K, K), are about 20,000 numbers of up to 17 digits, most of them 0
    (patches on the paper): 145 KB of JSON text to write and compress for every stroke, 35 KB this
    way, and every number exact. Its input, sums and output (784 to 1,024 numbers, up to 20
    characters each as text) are sent so too: 8 bytes a number, fewer to write and to gzip."""
    a = np.ascontiguousarray(a, "<f8")
    flat = a.ravel()
    on = flat != 0
    return {"shape": list(a.shape), "dtype": "float64", "sparse": True,
            "nonzero": _base64(np.packbits(on)), "values": _base64(np.compress(on, flat))}


def _base64(array):
    """An array's bytes in C order as base64 text (a C-contiguous one read in place, not copied to
    bytes). pybase64's SIMD encoder: a stroke's answer holds some 40 such texts, 100-150 KB, which
    the standard library's binascii took 0.25-0.6 ms to write; the same text."""
    return pybase64.b64encode_as_string(np.ascontiguousarray(array))


def dense(encoded):
    """sparse_exact's object -> the float64 array (for clients written in Python, and the tests)."""
    shape = encoded["shape"]
    size = int(np.prod(shape))
    on = np.unpackbits(np.frombuffer(base64.b64decode(encoded["nonzero"]), np.uint8), count=size).astype(bool)
    out = np.zeros(size)
    out[on] = np.frombuffer(base64.b64decode(encoded["values"]), "<f8")
    return out.reshape(shape)


def animation_response(model, frames):
    """An animation: as an explanation, but an array of SPARSE_MIN numbers or more is sent as
    sparse_exact (the page turns it back into nested lists: core/api.js)."""
    return {"model": model.meta["id"], **{k: sparse_exact(v) if isinstance(v, np.ndarray) and v.size >= SPARSE_MIN
                                          else wire(v) for k, v in frames.items()}}


def _gradient_entry(name, g, encoding):
    g = np.asarray(g)
    return {"name": name, "shape": list(g.shape), "min": float(g.min()), "max": float(g.max()),
            "norm": float(np.sqrt((g.astype(np.float64) ** 2).sum())), "gradient": encode_array(g, encoding, scaled=True)}


def backward_response(model, bw, loss_parts, encoding="f16"):
    """bw: teach.backward.Backward. Every layer's output gradient in layer order, the input's, and
    every parameter's; f16 arrays carry a power-of-two "scale" (value = decoded number x scale)."""
    layers = [{**_gradient_entry(layer.name, bw.output_grads[layer.name], encoding), "kind": layer.kind}
              for layer in model.layers]
    return {
        "model": model.meta["id"], "loss": bw.loss, "label": bw.label, "value": bw.value + 0.0,
        "loss_parts": plain(loss_parts), **prediction(model, bw.steps[-1].output[0]), "encoding": encoding,
        "input_gradient": _gradient_entry("input", bw.output_grads["input"], encoding),
        "layers": layers,
        "params": [_gradient_entry(name, g, encoding) for name, g in
                   ((name, bw.grads[name]) for name in model.params)],
    }


def step_response(model, learning_rate, before, after, new_params):
    """One SGD step: before/after are {"loss", "probabilities", "examples" (the gallery's accuracy and
    mean loss, or None)}; new_params float32 arrays."""
    from .weights import encode
    changes = [float(np.abs(new_params[k].astype(np.float64) - model.params[k]).max()) for k in new_params]
    state = lambda s: {"loss": s["loss"] + 0.0, **prediction(model, s["probabilities"]), "examples": s["examples"]}
    return {"model": model.meta["id"], "learning_rate": learning_rate, "before": state(before), "after": state(after),
            "largest_change": max(changes), "weights": {k: encode(v) for k, v in new_params.items()}}


def examples_response(model, examples):
    """The gallery: each test image as a PNG with its true and predicted class."""
    return {"model": model.meta["id"], "examples": [
        {"image": png_data_url(e["image"]), "label": e["label"], "predicted": e["predicted"],
         "correct": e["label"] == e["predicted"], "test_index": e["test_index"]} for e in examples]}


def dumps(value):
    """Compact JSON text of plain values (for event streams)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def class_info(record, students=None, student=None, join_url=None, local_only=None, lesson=None):
    """What anyone in a class may see: code, model, current task, whether it ended; the number of
    students, the join link and whether only this computer can reach the server, where given."""
    body = {"code": record["code"], "model": record["model"], "task": record["task"],
            "task_event": record.get("task_event"), "ended": record["ended"], "expires": record["expires"]}
    extra = {"students": students, "join_url": join_url, "local_only": local_only}
    body.update({k: v for k, v in extra.items() if v is not None})
    if student:
        body.update(student)
        body["lesson"] = lesson  # where the teacher's lesson is (None before it starts)
    return body


def class_created(record, join_url, local_only):
    return {**class_info(record, 0, join_url=join_url, local_only=local_only), "secret": record["secret"]}


def class_joined(record, student):
    return {**class_info(record), "student": student["student"], "nick": student["nick"],
            "token": student["token"]}

def _field(f):
    return {"name": f.name, "type": f.type, "decimals": f.decimals, "tolerance": f.tolerance,
            "shape": list(f.shape), "options": f.options, "signed": f.signed}


def exercise(e):
    """One exercise, language-neutral: the page renders practice.<kind>.prompt with params."""
    return {"kind": e.kind, "seed": e.seed, "index": e.index,
            "prompt": {"key": f"practice.{e.kind}.prompt", "params": plain(e.params)},
            "data": plain(e.data), "fields": [_field(f) for f in e.fields],
            "hints": [{"key": key, "params": plain(params)} for key, params in e.hints]}


def exercise_set(seed, kind, start, exercises):
    return {"seed": seed, "kind": kind, "start": start, "exercises": [exercise(e) for e in exercises]}


def exercise_verdict(e, verdict):
    """The verdict on one answer, the right answer and the worked solution (structured data)."""
    return {"kind": e.kind, "seed": e.seed, "index": e.index, "correct": verdict["correct"],
            "verdict": "right" if verdict["correct"] else "wrong",
            "fields": {name: {**plain(r), "tolerance": f.tolerance}
                       for f in e.fields for name, r in verdict["fields"].items() if name == f.name},
            "answer": plain(verdict["answer"]), "solution": plain(verdict["solution"])}
def im2col_response(model, layer, parts, encoding="f16"):
    """im2col of one conv layer: the matrices in the request's encoding, sizes and checks as numbers."""
    arrays = ("x_col", "w_row", "bias", "product", "reshaped", "output")
    return {"model": model.meta["id"], "layer": layer, "encoding": encoding,
            **{k: encode_array(v, encoding) if k in arrays else plain(v) for k, v in parts.items()}}
