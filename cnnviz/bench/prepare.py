"""CPU time of a pad drawing's preprocessing and its step thumbnails, against another checkout:

  python -m cnnviz.bench.prepare --against /path/to/other/checkout [--drawings 200] [--photos | --paper]

Each drawing is the page's pad PNG (stroke.pad_png(stroke.canvas_png(i))). Per drawing, both
checkouts run decode_image, then prepare(img, digits' input shape, "digit", "auto") and the
thumbnails of its steps, taking turns to go first, timed with time.thread_time; prints the median, min and max
of each, and checks that both give the same tensor, steps and notices. --photos: phone photos as
the page sends them (stroke.page_shrunk(stroke.photo_jpeg)), both recipes; --paper: 16 digits on
paper (bench.photos: page edges, tables, shadows, ruled notebooks) as the page sends them. The other checkout's
package is imported under another name, so it must use relative imports only (cnnviz does).
"""
import argparse
import functools
import importlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .stroke import canvas_png, pad_png, page_shrunk, photo_jpeg


def _load(checkout):
    return other_module(checkout, "teach.preprocess"), other_module(checkout, "web.serialize")


@functools.lru_cache(maxsize=None)
def _other_package(checkout):
    """The cnnviz package of another checkout, importable as "cnnviz_other" (one checkout a process)."""
    folder = Path(tempfile.mkdtemp(prefix="cnnviz-other-"))
    (folder / "cnnviz_other").symlink_to(Path(checkout).resolve() / "cnnviz")
    sys.path.insert(0, str(folder))
    return "cnnviz_other"


def other_module(checkout, name):
    """Module `name` (e.g. "web.serialize") of another checkout's cnnviz."""
    return importlib.import_module(f"{_other_package(checkout)}.{name}")


def _paper_photos(count=16):
    """Digits photographed on paper (bench.photos' page_edge and notebook in turn), redrawn at 1024 px and
    JPEG 0.9 as the page sends them."""
    from ..data import load_digits_10k
    from . import photos
    digits = load_digits_10k().x_test
    made = [(photos.page_edge, photos.notebook)[seed % 2](digits[7 * seed], np.random.default_rng(seed))
            for seed in range(count)]
    return [page_shrunk(jpeg) for jpeg in made]


def _thumbnails(serialize, steps):
    images = [s.image for s in steps]
    if hasattr(serialize, "thumbnails"):
        return serialize.thumbnails(images)
    return [serialize.thumbnail(image) for image in images]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="another checkout of this repository")
    parser.add_argument("--drawings", type=int, default=200)
    parser.add_argument("--photos", action="store_true", help="phone photos instead of pad drawings")
    parser.add_argument("--paper", action="store_true",
                        help="digits on paper (bench.photos: page edges, shadows, ruled notebooks) as the page sends "
                             "them, the digit recipe")
    args = parser.parse_args(argv)
    from ..teach import preprocess
    from ..web import serialize
    from ..engine.model import Model, models_dir
    shape = Model.load(models_dir() / "digits.json").input_shape
    sides = {"this": (preprocess, serialize), "other": _load(args.against)}
    times = {(side, part): [] for side in sides for part in ("prepare", "thumbnails")}
    photos = [page_shrunk(photo_jpeg(seed=seed)) for seed in range(4)] if args.photos else []
    photos = _paper_photos() if args.paper else photos
    for i in range(args.drawings):
        png, results = photos[i % len(photos)] if photos else pad_png(canvas_png(i)), {}
        recipe = "fashion" if args.photos and i % 8 >= 4 else "digit"
        for side in sorted(sides, reverse=i % 2 == 1):  # who goes first alternates: the second runs warmer
            prep, ser = sides[side]
            img = prep.decode_image(png)
            start = time.thread_time()
            prepared = prep.prepare(img, shape, recipe, "auto")
            middle = time.thread_time()
            _thumbnails(ser, prepared.steps)
            end = time.thread_time()
            times[side, "prepare"].append(middle - start)
            times[side, "thumbnails"].append(end - middle)
            results[side] = prepared
        a, b = results["this"], results["other"]
        same = (np.array_equal(a.tensor, b.tensor) and a.warnings == b.warnings and len(a.steps) == len(b.steps)
                and all(s.name == t.name and s.image.dtype == t.image.dtype and s.image.tobytes() == t.image.tobytes()
                        for s, t in zip(a.steps[1:], b.steps[1:])))  # the original: the upload's picture for the strip
        if not same:
            print(f"input {i}: the checkouts prepare it differently")
    for (side, part), values in times.items():
        ms = [1000 * v for v in values]
        print(f"{side:5s} {part:10s} median {statistics.median(ms):.3f} ms  min {min(ms):.3f}  max {max(ms):.3f}")


if __name__ == "__main__":
    main()
