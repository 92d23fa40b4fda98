"""How well the models read the same test images in other forms:
python -m cnnviz bench-inputs

Held-out test images (never trained on) are rendered as a user would send them
and go through the real path (decode, preprocess, model). Digits: the 1,000
held-out MNIST digits as
- clean: the 28x28 digit itself, as the gallery sends it ({"pixels": ...});
- drawing pad: black ink on white, 280x280 PNG, as the drawing pad sends it;
- transparent PNG: black ink on a transparent background;
- photo: dark ink on paper, off-centre and smaller, uneven lighting, a tint,
  sensor noise, a little blur, saved as JPEG;
- the phone-photo families of ``photos`` (page edge, table and shadow; ruled
  notebook paper with perspective).
Fashion: the first Fashion-MNIST test images, clean and as phone photos of the
garment in colour on a wooden floor and on carpet.
"""
import io
import time

import numpy as np
from PIL import Image, ImageFilter

from ..data import DataError, load_digits_10k, load_fashion
from ..engine.model import Model, models_dir
from ..teach.decode import decode_image
from ..teach.preprocess import from_pixels, prepare
from . import photos


def as_drawing(digit):
    ink = Image.fromarray(digit).resize((280, 280), Image.Resampling.BICUBIC)
    return _png(Image.fromarray(255 - np.asarray(ink)))


def as_transparent(digit):
    alpha = Image.fromarray(digit).resize((280, 280), Image.Resampling.BICUBIC)
    rgba = Image.merge("RGBA", [Image.new("L", alpha.size, 0)] * 3 + [alpha])
    return _png(rgba)


def as_photo(digit, rng):
    size = 480
    side = int(rng.integers(150, 300))
    ink = np.asarray(Image.fromarray(digit).resize((side, side), Image.Resampling.BICUBIC), np.float64) / 255
    canvas = np.zeros((size, size))
    top, left = rng.integers(20, size - side - 20, 2)
    canvas[top:top + side, left:left + side] = ink
    yy, xx = np.mgrid[0:size, 0:size] / size
    light = 0.95 - 0.35 * (rng.uniform(0.3, 1) * xx + rng.uniform(0, 0.7) * yy) / 1.2  # uneven lighting
    paper = light * (1 - 0.8 * canvas)  # ink absorbs most of the light
    noisy = np.clip(paper + rng.normal(0, 0.03, paper.shape), 0, 1)
    tint = np.array([1.0, 0.96, 0.88])  # warm indoor light
    rgb = Image.fromarray((np.clip(noisy[..., None] * tint, 0, 1) * 255).astype(np.uint8))
    buf = io.BytesIO()
    rgb.filter(ImageFilter.GaussianBlur(1.2)).save(buf, "JPEG", quality=80)
    return buf.getvalue()


def _png(img):
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def accuracy(model, images, labels, make):
    """Share of images whose form make(image) -> Prepared the model reads correctly, and its warnings."""
    correct, warned = 0, 0
    for image, label in zip(images, labels):
        prepared = make(image)
        correct += int(model.forward(prepared.tensor).argmax() == label)
        warned += int(bool(getattr(prepared, "warnings", ())))
    return correct / len(images), warned / len(images)


def preprocess_times(repeats=15):
    """Milliseconds for prepare() alone (decoding excluded) on a drawing-pad PNG and on a
    12-megapixel phone photo, for each recipe: {(form, recipe): (min, median, max)}."""
    digit = load_digits_10k().x_test[0]
    photo = Image.open(io.BytesIO(photos.page_edge(digit, np.random.default_rng(0))))
    buf = io.BytesIO()
    photo.resize((4000, 3000), Image.Resampling.BICUBIC).save(buf, "JPEG", quality=90)
    images = {"drawing": decode_image(as_drawing(digit)), "12 MP photo": decode_image(buf.getvalue())}
    times = {}
    for form, img in images.items():
        for recipe, shape in (("digit", (1, 32, 32)), ("fashion", (1, 28, 28))):
            ms = []
            for _ in range(repeats):
                start = time.perf_counter()
                prepare(img, shape, recipe)
                ms.append(1000 * (time.perf_counter() - start))
            times[form, recipe] = (min(ms), float(np.median(ms)), max(ms))
    return times


def _photo_form(maker, model, recipe, seed):
    rng = np.random.default_rng(seed)
    return lambda image: prepare(decode_image(maker(image, rng)), model.input_shape, recipe)


def run(limit=1000):
    started = time.perf_counter()
    print("preprocessing alone (decoding excluded), ms min / median / max:")
    for (form, recipe), (low, mid, high) in preprocess_times().items():
        print(f"  {form:12s} {recipe:8s} {low:7.1f} {mid:7.1f} {high:7.1f}")
    model = Model.load(models_dir() / "digits.json")
    split = load_digits_10k()
    x, y = split.x_test[:limit], split.y_test[:limit]
    rng = np.random.default_rng(0)
    forms = {
        "clean (pixels)": lambda d: from_pixels(d / 255, model.input_shape),
        "drawing pad (PNG)": lambda d: prepare(decode_image(as_drawing(d)), model.input_shape),
        "transparent PNG": lambda d: prepare(decode_image(as_transparent(d)), model.input_shape),
        "photo on paper (JPEG)": lambda d: prepare(decode_image(as_photo(d, rng)), model.input_shape),
    }
    for seed, (name, maker) in enumerate(photos.DIGIT_FAMILIES.items(), start=1):
        forms[name] = _photo_form(maker, model, "digit", seed)
    print(f"digits model on the {len(x)} held-out MNIST digits, sent in different forms:")
    print(f"  {'form':36s} {'accuracy':>8s} {'warned':>7s}")
    for name, make in forms.items():
        acc, warned = accuracy(model, x, y, make)
        print(f"  {name:36s} {100 * acc:7.2f}% {100 * warned:6.1f}%")
    try:
        fashion = load_fashion()
    except DataError as e:
        print(f"fashion: skipped ({e})")
        return 0
    model = Model.load(models_dir() / "fashion.json")
    x, y = fashion.x_test[:limit], fashion.y_test[:limit]
    forms = {"clean (pixels)": lambda d: from_pixels(d / 255, model.input_shape)}
    for seed, (name, maker) in enumerate(photos.FASHION_FAMILIES.items(), start=11):
        forms[name] = _photo_form(maker, model, "fashion", seed)
    print(f"fashion model on the first {len(x)} Fashion-MNIST test images:")
    for name, make in forms.items():
        acc, warned = accuracy(model, x, y, make)
        print(f"  {name:36s} {100 * acc:7.2f}% {100 * warned:6.1f}%")
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0
