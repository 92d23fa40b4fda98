"""Varied phone photos, for a test that holds their preprocessing equal to a saved reference
(tests/data/photographs-reference.json: per photo and model, the SHA-256 of every step, the network
input and the notices, or the error's code, as scribbles.outcome writes them; made from main at 90cc96b,
written again without the originals from ac7c49d, whose other steps equal it).

The photos are bench.photos' families (a marker digit on a page with its edge, a table and a shadow;
a pen digit on ruled notebook paper; a garment on a wooden floor or carpet), each as a phone or the
page sends it: as made (640x480 JPEG), redrawn at 1024 px as static/js/lib/photo.js does, upright
in portrait, a large JPEG (decoded at 1/4, then reduced), an RGB PNG, a grey JPEG, with an EXIF
rotation, small; and the bench's own photo (stroke.photo_jpeg) as the page shrinks it.

Regenerate the reference only on purpose, with the code whose output is the reference:
PYTHONPATH=/path/to/that/checkout python tests/photographs.py OUT.json
"""
import io
import json
import sys

import numpy as np
from PIL import Image

COUNT = 64  # photos made by bench.photos; each taken in one of the forms below


def _jpeg(img, quality=90, **options):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, **options)
    return buf.getvalue()


def _form(jpeg, form):
    """(name, bytes): the photo as made, or redrawn / re-encoded as a phone or the page would."""
    img = Image.open(io.BytesIO(jpeg))
    if form == "made":
        return "640x480", jpeg
    if form == "page":  # static/js/lib/photo.js: at most 1024 px on its long side, quality 0.9
        return "page-1024", _jpeg(img.resize((1024, 768), Image.Resampling.LANCZOS))
    if form == "portrait":
        return "page-portrait", _jpeg(img.transpose(Image.Transpose.ROTATE_90).resize((768, 1024)))
    if form == "large":
        return "2560x1920", _jpeg(img.resize((2560, 1920), Image.Resampling.BICUBIC), 85)
    if form == "png":
        buf = io.BytesIO()
        img.save(buf, "PNG")
        return "png", buf.getvalue()
    if form == "grey":
        return "grey", _jpeg(img.convert("L"))
    if form == "exif":  # stored on its side, the EXIF tag says: turn it upright
        exif = Image.Exif()
        exif[0x0112] = 6
        return "exif-6", _jpeg(img.transpose(Image.Transpose.ROTATE_90), exif=exif.tobytes())
    return "300x225", _jpeg(img.resize((300, 225), Image.Resampling.LANCZOS), 80)


FORMS = ["made", "page", "portrait", "large", "png", "grey", "exif", "small"]


def photographs(count=COUNT):
    """[(name, bytes)]: count photos of bench.photos' families in turn, each in one form, and the bench's photo."""
    from cnnviz.bench import photos
    from cnnviz.bench.stroke import page_shrunk, photo_jpeg
    from cnnviz.data import load_digits_10k, load_fashion
    digits, fashion = load_digits_10k(), load_fashion()
    makers = [("page_edge", photos.page_edge, digits), ("notebook", photos.notebook, digits),
              ("wood", photos.wood_floor, fashion), ("carpet", photos.carpet, fashion)]
    out = []
    for seed in range(count):
        family, maker, split = makers[seed % 4]
        subject = split.x_test[(37 * seed) % len(split.x_test)]
        name, data = _form(maker(subject, np.random.default_rng(seed)), FORMS[(seed // 4 + seed) % len(FORMS)])
        out.append((f"{seed}-{family}-{name}", data))
    for seed in range(3):
        out.append((f"bench-{seed}", page_shrunk(photo_jpeg(1600, 1200, seed=seed))))
    return out


def reference(count=COUNT):
    """{model/name: outcome} for both models."""
    from scribbles import outcomes
    return outcomes(photographs(count))


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    with open(sys.argv[1], "w") as f:
        json.dump(reference(), f, indent=0, sort_keys=True)
