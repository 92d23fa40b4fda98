"""A fixed set of drawings like the page's drawing pad sends (280x280 PNG, black
ink on white, anti-aliased edges, RGBA from a canvas), for tests that hold the
preprocessing equal to a saved reference (tests/data/drawings-reference.json:
the SHA-256 of every step but the original (the upload's picture for the strip), tensor and
trace array; made from main at 943c556, written again without the originals from ac7c49d).

Regenerate the reference only on purpose: python tests/drawings.py OUT.json
(run it with the code whose output is the reference).
"""
import hashlib
import io
import json
import random
import sys

import numpy as np
from PIL import Image, ImageDraw

SIZE = 280


def drawing(seed, mode="RGBA", size=SIZE):
    """Random strokes, drawn 4x larger and shrunk so the edges are anti-aliased grey."""
    rng = random.Random(seed)
    big = Image.new("L", (size * 4, size * 4), 255)
    d = ImageDraw.Draw(big)
    for _ in range(rng.randint(1, 3)):
        points = [(rng.randint(160, size * 4 - 160), rng.randint(120, size * 4 - 120))
                  for _ in range(rng.randint(2, 6))]
        d.line(points, fill=0, width=rng.choice([40, 64, 88]), joint="curve")
    return big.resize((size, size), Image.Resampling.LANCZOS).convert(mode)


def drawing_pngs():
    """[(name, PNG bytes)]: canvas-like RGBA, plus RGB and L variants and other sizes."""
    out = []
    for seed in range(12):
        out.append((f"rgba{seed}", drawing(seed)))
    out += [("rgb", drawing(20, "RGB")), ("gray", drawing(21, "L")), ("small", drawing(22, size=100)),
            ("large", drawing(23, size=400))]
    result = []
    for name, img in out:
        buf = io.BytesIO()
        img.save(buf, "PNG")
        result.append((name, buf.getvalue()))
    return result


def digest(a):
    """An array's dtype, shape and exact bytes as one short string."""
    a = np.ascontiguousarray(a)
    return f"{a.dtype.str} {list(a.shape)} " + hashlib.sha256(a.tobytes()).hexdigest()[:32]


def reference(models_dir=None):
    """{key: digest(array)} of every step, the tensor and the trace of each drawing, for both models."""
    from cnnviz.engine.model import Model, models_dir as default_dir
    from cnnviz.teach.preprocess import decode_image, prepare
    folder = models_dir or default_dir()
    arrays = {}
    for model_id in ("digits", "fashion"):
        model = Model.load(folder / f"{model_id}.json")
        recipe = model.meta.get("preprocess", "digit")
        for name, png in drawing_pngs():
            prepared = prepare(decode_image(png), model.input_shape, recipe)
            key = f"{model_id}/{name}"
            arrays[f"{key}/tensor"] = digest(prepared.tensor)
            for i, step in enumerate(prepared.steps[1:], 1):  # the original: a picture for the strip only
                arrays[f"{key}/step{i}-{step.name}"] = digest(step.image)
            for step in model.trace(prepared.tensor):
                arrays[f"{key}/trace-{step.name}"] = digest(step.output)
    return arrays


if __name__ == "__main__":
    with open(sys.argv[1], "w") as f:
        json.dump(reference(), f, indent=0, sort_keys=True)
