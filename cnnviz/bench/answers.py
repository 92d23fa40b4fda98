"""A stroke's answer against another checkout's: the same bytes, or at least the same numbers, and
the CPU each spends, in one process:

  python -m cnnviz.bench.answers --against /path/to/other/checkout [--drawings 300]

Each drawing is the page's pad PNG (stroke.pad_png(stroke.canvas_png(i)); every seventh one light
on dark), sent as the page sends it (stroke.stroke_requests: /predict with conv1's animation)
to both apps in turn, which go first taking turns. Answers are compared as bytes and, where
those differ, as the numbers the page reads: JSON with every sparse array (serialize.sparse_exact)
expanded to nested lists, as core/api.js does; a zero's sign is not compared (the page shows 0
either way). Prints how many answers are byte-identical, which fields differ in numbers (none,
or the script exits 1), and each side's median CPU per stroke (time.thread_time) with their ratio.
The other checkout's package is imported under another name (relative imports only, as cnnviz).
"""
import argparse
import gzip
import io
import json
import statistics
import sys
import time

import numpy as np
from PIL import Image

from .prepare import other_module
from .stroke import ACCEPT_ENCODING, canvas_png, pad_png, stroke_requests


def _expanded(value):
    """JSON value -> the same with sparse arrays as nested lists and -0.0 as 0.0."""
    if isinstance(value, dict):
        if value.get("sparse") is True:
            from ..web.serialize import dense
            return _expanded(dense(value).tolist())
        return {k: _expanded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_expanded(v) for v in value]
    return value + 0.0 if isinstance(value, float) else value


def _differences(a, b, path=()):
    """Paths (top-level field, animation field) where two expanded answers differ."""
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return [p for k in a for p in _differences(a[k], b[k], path + (k,))]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and path[-1:] == ("animations",):
        return [p for x, y in zip(a, b) for p in _differences(x, y, path + (x.get("layer"),))]
    return [] if a == b else [path]


def _drawing(seed):
    png = pad_png(canvas_png(seed))
    if seed % 7 != 3:
        return png
    light = Image.fromarray(255 - np.asarray(Image.open(io.BytesIO(png))))  # bright strokes on black
    return pad_png(_png(light.convert("RGBA")))


def _png(img):
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _answer(app, image):
    """One stroke's /predict through the WSGI app -> (CPU seconds, the answer's JSON bytes)."""
    from werkzeug.test import EnvironBuilder
    path, body, ctype = stroke_requests("digits", image)[0]
    environ = EnvironBuilder(path=path, method="POST", input_stream=io.BytesIO(body), content_type=ctype,
                             content_length=len(body), headers={"Accept-Encoding": ACCEPT_ENCODING}).get_environ()
    headers = {}
    start = time.thread_time()
    out = b"".join(app(environ, lambda status, h, exc=None: headers.update(h)))
    cpu = time.thread_time() - start
    return cpu, gzip.decompress(out) if headers.get("Content-Encoding") == "gzip" else out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="another checkout of this repository")
    parser.add_argument("--drawings", type=int, default=300)
    args = parser.parse_args(argv)
    from ..web import create_app
    apps = {"this": create_app(), "other": other_module(args.against, "web").create_app()}
    cpu = {side: [] for side in apps}
    same_bytes, differing = 0, set()
    for seed in range(-20, 0):  # warm up: imports, caches, first allocations
        for app in apps.values():
            _answer(app, pad_png(canvas_png(seed)))
    for seed in range(args.drawings):
        image = _drawing(seed)
        answers = {}
        for side in (list(apps) if seed % 2 else list(apps)[::-1]):
            seconds, answers[side] = _answer(apps[side], image)
            cpu[side].append(seconds)
        same_bytes += answers["this"] == answers["other"]
        if answers["this"] != answers["other"]:
            this, other = (_expanded(json.loads(answers[s])) for s in ("this", "other"))
            differing.update(_differences(this, other))
    print(f"{args.drawings} drawings: {same_bytes} answers byte-identical to {args.against}'s; "
          f"the numbers differ in: {sorted(differing) or 'nothing'}")
    medians = {side: 1e3 * statistics.median(times) for side, times in cpu.items()}
    print(f"CPU per stroke (median, in-process): this {medians['this']:.3f} ms, "
          f"other {medians['other']:.3f} ms, ratio {medians['this'] / medians['other']:.3f}")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
