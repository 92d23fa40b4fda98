"""Varied drawings as the pad sends them, for a test that holds their preprocessing equal to a saved
reference (tests/data/scribbles-reference.json: per drawing and model, the SHA-256 of every step but
the original, the network input and the notices, or the error's code; made from main at 4e9e95b,
written again without the originals from ac7c49d, whose other steps equal it).

Each seed gives one: the bench's pad drawing, several separate strokes, dots, thin lines, strokes
running off the border, white on black, grey ink, other canvas sizes and shapes, an RGBA canvas;
and a few fixed ones (empty pads, one dot, one pixel-wide line).

Regenerate the reference only on purpose, with the code whose output is the reference:
PYTHONPATH=/path/to/that/checkout python tests/scribbles.py OUT.json
"""
import hashlib
import io
import json
import random
import sys

from PIL import Image, ImageDraw

COUNT = 320  # random drawings; plus the fixed ones


def _canvas(size, strokes, background=255):
    """strokes: [(points, width, ink)] on a canvas drawn 4x larger, shrunk with anti-aliased edges."""
    w, h = size
    big = Image.new("L", (w * 4, h * 4), background)
    d = ImageDraw.Draw(big)
    for points, width, ink in strokes:
        if len(points) == 1:
            (x, y), r = points[0], width / 2
            d.ellipse([x - r, y - r, x + r, y + r], fill=ink)
        else:
            d.line(points, fill=ink, width=width, joint="curve")
    return big.resize((w, h), Image.Resampling.LANCZOS)


def _pad(grey):
    """An 8-bit grey image -> the pad's PNG (marked with decode.PAD_MARK)."""
    from PIL.PngImagePlugin import PngInfo
    from cnnviz.teach.decode import PAD_MARK
    info = PngInfo()
    info.add_text(*PAD_MARK)
    buf = io.BytesIO()
    grey.save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


def _points(rng, w, h, n, margin=0.1):
    return [(rng.uniform(margin, 1 - margin) * w * 4, rng.uniform(margin, 1 - margin) * h * 4) for _ in range(n)]


def scribble(seed):
    """(name, PNG bytes) of drawing number seed."""
    from cnnviz.bench.stroke import canvas_png, pad_png
    rng = random.Random(seed)
    kind = ["pad", "strokes", "dots", "thin", "border", "inverse", "grey", "sizes"][seed % 8]
    size = (280, 280)
    if kind == "pad":
        return kind, pad_png(canvas_png(seed))
    if kind == "sizes":
        size = (rng.randint(20, 420), rng.randint(20, 420))
        size = (size[0], max(size[1], size[0] // 3, 16))
    w, h = size
    strokes = []
    if kind in ("strokes", "inverse", "grey", "sizes"):
        for _ in range(rng.randint(1, 4)):
            strokes.append((_points(rng, w, h, rng.randint(2, 5)), rng.choice([16, 40, 64, 88]), 0))
    elif kind == "dots":
        for _ in range(rng.randint(1, 12)):
            strokes.append((_points(rng, w, h, 1), rng.choice([8, 24, 48, 96, 160]), 0))
    elif kind == "thin":
        for _ in range(rng.randint(1, 3)):
            strokes.append((_points(rng, w, h, rng.randint(2, 4)), rng.choice([3, 4, 6, 10]), 0))
    elif kind == "border":
        for _ in range(rng.randint(1, 3)):
            strokes.append((_points(rng, w, h, rng.randint(2, 4), margin=-0.1), rng.choice([24, 64]), 0))
    if kind == "grey":
        strokes = [(points, width, rng.randint(40, 235)) for points, width, _ in strokes]
    grey = _canvas(size, strokes)
    if kind == "inverse":
        grey = grey.point(lambda v: 255 - v)
    if kind == "sizes" and seed % 16 == 15:  # the canvas itself, as toBlob wrote it: RGBA
        buf = io.BytesIO()
        grey.convert("RGBA").save(buf, "PNG")
        return f"{kind}-rgba-{w}x{h}", buf.getvalue()
    return (f"{kind}-{w}x{h}" if kind == "sizes" else kind), _pad(grey)


def fixed():
    """[(name, PNG bytes)]: the edge cases."""
    return [("empty", _pad(Image.new("L", (280, 280), 255))),
            ("empty-black", _pad(Image.new("L", (280, 280), 0))),
            ("one-dot", _pad(_canvas((280, 280), [([(560, 560)], 40, 0)]))),
            ("speck", _pad(_canvas((280, 280), [([(100, 900)], 4, 0)]))),
            ("hairline", _pad(_canvas((280, 280), [([(200, 200), (900, 700)], 2, 0)]))),
            ("two-dots", _pad(_canvas((280, 280), [([(300, 560)], 120, 0), ([(800, 560)], 120, 0)]))),
            ("tiny", _pad(_canvas((16, 16), [([(10, 10), (50, 50)], 12, 0)]))),
            ("row", _pad(_canvas((200, 12), [([(100, 24), (700, 24)], 20, 0)])))]


def scribbles(count=COUNT):
    return fixed() + [(f"{seed}-{name}", png) for seed in range(count) for name, png in [scribble(seed)]]


def outcome(png, input_shape, recipe):
    """A short digest of what prepare makes of png: every step, the tensor and the notices, or the error."""
    from cnnviz.errors import ImageError
    from cnnviz.teach.preprocess import decode_image, prepare
    try:
        prepared = prepare(decode_image(png), input_shape, recipe)
    except ImageError as e:
        return f"error {e.code}"
    h = hashlib.sha256()
    for step in prepared.steps[1:]:  # the original is a picture of the upload for the strip, not a step of the recipe
        h.update(f"{step.name} {step.image.dtype.str} {step.image.shape}".encode())
        h.update(step.image.tobytes())
    h.update(prepared.tensor.tobytes())
    h.update(repr([(n.code, sorted(n.params.items())) for n in prepared.warnings]).encode())
    return h.hexdigest()[:32]


def outcomes(items, model_ids=("digits", "fashion")):
    """{model/name: outcome} of every (name, bytes) under each model's input shape and recipe."""
    from cnnviz.engine.model import Model, models_dir
    out = {}
    for model_id in model_ids:
        model = Model.load(models_dir() / f"{model_id}.json")
        recipe = model.meta.get("preprocess", "digit")
        out.update({f"{model_id}/{name}": outcome(data, model.input_shape, recipe) for name, data in items})
    return out


def reference(count=COUNT):
    """{model/name: outcome} for both models."""
    return outcomes(scribbles(count))


if __name__ == "__main__":
    with open(sys.argv[1], "w") as f:
        json.dump(reference(), f, indent=0, sort_keys=True)
