"""From an uploaded photo or drawing to what the network sees, step by step.

``decode.decode_image`` turns bytes into a Pillow image (or raises ImageError with a
message a person understands); ``prepare`` turns it into the model's input
tensor and returns every intermediate step as a small grayscale array.
MNIST recipe: ink bright on dark, measured as a share of the paper's light,
ruled lines removed, the subject alone kept (``subject.pick_subject``: the most
ink near the centre, not the frame), cropped, fitted into 20x20 keeping the
aspect ratio, placed by centre of mass in 28x28. Fashion-MNIST: the item found
by how it differs from the floor (``fashion``), negated as Fashion-MNIST's
product photos are, fitted into 28x28 on black. Inputs unlike the training
data get warnings (``Notice``) instead of a silent confident answer.
"""
import functools
from typing import NamedTuple

import numpy as np
from PIL import Image

from ..errors import ImageError
from . import decode, drawing
from .cropbox import crop_pixels
from .decode import UPLOAD_SIZE, decode_image, small_rgb, to_gray, upload_size, work_gray  # noqa: F401 (decode_image, to_gray: callers)
from .fashion import FASHION_FAINT, FASHION_LIGHT, fashion_subject, outline
from .subject import max_filter, opening, pick_subject, ruled_lines

NO_INK = 0.01  # the strongest ink, as a share of the paper's light: below this the picture is blank
FAINT_INK, STRONG_INK = 0.3, 0.6  # share of the strongest ink: a stroke reaches the strong
# level somewhere and is kept down to the faint one (a shadow's edge never gets strong)
LOW_CONTRAST = 0.2  # the subject's ink above its background: below this, say so


class Step(NamedTuple):
    name: str
    image: np.ndarray  # float (H, W) in [0, 1], or uint8 (H, W, 3) for the original
    size: tuple = None  # (H, W) of the picture `image` stands for, when it is smaller (the original upload)


class Notice(NamedTuple):
    """An input that does not look like what the network was trained on, e.g. several blobs."""
    code: str  # stable, e.g. "input.several_blobs"; the page's catalog key is warning.<code>
    params: dict


class Prepared(NamedTuple):
    tensor: np.ndarray  # float32 (1, C, H, W), the exact network input
    steps: list
    warnings: tuple = ()  # (Notice, ...)


# ------------------------------------------------------------- the recipes
def ink_bright(gray, invert="auto", light=0.5, where="border"):
    """Make ink bright: invert when asked (True), or with "auto" when the background is light.

    The background is judged on the border's median (where="border": a garment fills
    the middle) or the whole image's (where="all": the page around a digit fills most
    of a photo, while the border can be the table beyond its edges).
    """
    if invert == "auto":
        h, w = gray.shape
        border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]]) if min(h, w) > 1 else gray.ravel()
        invert = median(border if where == "border" else gray) > light
    return (1 - gray, True) if invert else (gray, False)


def median(x):
    """np.median(x) of an array without NaN, bit for bit, as a float: one partition around the upper
    middle (the lower middle, for an even size, is the largest value before it), not np.median's
    three; summed from 0.0 as np.mean does (so -0.0 comes out 0.0)."""
    x = x.ravel()
    half = x.size // 2
    part = np.partition(x, half)
    high = float(part[half])
    return 0.0 + high if x.size % 2 else (0.0 + float(part[:half].max()) + high) / 2


def remove_background(x):
    """Ink (H, W) bright -> how much light the ink absorbs, 0 (paper) to 1, under any light.

    The paper's brightness is a grey opening of x (a quarter of the image wide: it
    keeps only what is wider than any stroke, so uneven light and shadows wider than
    that stay in it, and strokes do not). Ink is measured as a share of the light
    reaching the paper there, so a digit in a shadow is as dark as one in the sun.
    """
    h, w = x.shape
    if min(h, w) < 16:
        return np.clip(x - median(x), 0, 1)
    background = opening(x, max(3, (min(h, w) // 4) | 1))
    return np.clip((x - background) / np.maximum(1 - background, 0.05), 0, 1)


def _noise_level(x):
    """The spread of the background's values (robust: most pixels are background)."""
    deviation = np.subtract(x, median(x))
    return 1.4826 * median(np.abs(deviation, out=deviation))


def _stretch(x):
    """Ink (H, W) -> [0, 1] with its strongest value at 1; below a fifth of it is paper grain."""
    top = x.max()
    if top <= 0:
        return np.zeros_like(x)
    x = x / top
    return np.clip((x - 0.2) / 0.8, 0, 1) * (x >= 0.2)


def _ink_box(x, level=0.1):
    """(top, bottom, left, right), exclusive, of the pixels above level, or None."""
    on = x > level
    rows = np.flatnonzero(on.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(on.any(axis=0))
    return rows[0], rows[-1] + 1, cols[0], cols[-1] + 1


def _fit(x, box):
    """Resize x (H, W) so its longer side is box, keeping the aspect ratio."""
    h, w = x.shape
    scale = box / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    # float32 bytes in and out: what fromarray and asarray do, without their array-interface detour
    img = Image.frombytes("F", (w, h), x.astype(np.float32).tobytes())
    fitted = np.frombuffer(img.resize(size, Image.Resampling.LANCZOS).tobytes(), np.float32)
    return np.clip(fitted.reshape(size[1], size[0]), 0, 1, dtype=np.float64)


def _paste_centered(x, size):
    canvas = np.zeros((size, size))
    h, w = x.shape
    top, left = (size - h) // 2, (size - w) // 2
    canvas[top:top + h, left:left + w] = x
    return canvas


def center_of_mass_shift(x):
    """Shift x (28x28) by whole pixels so its centre of mass lands on the centre."""
    total = x.sum()
    if total <= 0:
        return x
    n = x.shape[0]
    ys, xs = _grid(x.shape)
    dy = int(round((n - 1) / 2 - (ys * x).sum() / total))
    dx = int(round((n - 1) / 2 - (xs * x).sum() / total))
    on = x > 0  # never push ink off the canvas
    rows, cols = np.flatnonzero(np.logical_or.reduce(on, axis=1)), np.flatnonzero(np.logical_or.reduce(on, axis=0))
    dy = min(max(dy, -int(rows[0])), n - 1 - int(rows[-1]))
    dx = min(max(dx, -int(cols[0])), n - 1 - int(cols[-1]))
    # np.roll's values: what would wrap round is all paper (0), so a shift onto zeros
    shifted = np.zeros_like(x)
    shifted[max(dy, 0):n + min(dy, 0), max(dx, 0):n + min(dx, 0)] = x[max(-dy, 0):n - max(dy, 0), max(-dx, 0):n - max(dx, 0)]
    return shifted


@functools.lru_cache(maxsize=8)
def _grid(shape):
    """np.indices(shape): each pixel's row and column (read-only, shared)."""
    grid = np.indices(shape)
    grid.flags.writeable = False
    return grid[0], grid[1]


def crop_image(img, box):
    """Pillow image, box (x0, y0, x1, y1) as fractions 0..1 of its width and height -> the crop."""
    cropped = img.crop(crop_pixels(img.size, box))
    uh, uw = upload_size(img)
    left, top, right, bottom = crop_pixels((uw, uh), box)  # the same box in the upload's own pixels
    cropped.info[UPLOAD_SIZE] = (bottom - top, right - left)
    return cropped


def prepare(img, input_shape, recipe="digit", invert="auto"):
    """Pillow image -> Prepared(tensor (1, C, H, W) float32, [Step, ...], [Notice, ...]).

    invert: True (dark ink on light paper), False (bright on dark), or "auto".
    """
    canvas = decode.grey_canvas(img)  # a drawing pad's canvas, or None
    gray = work_gray(img, canvas)
    # the original at its upload's size; a pad's canvas is grey, so its picture is the grayscale step's
    steps = [Step("original", gray if canvas is not None else small_rgb(img), upload_size(img)),
             Step("grayscale", gray)]
    notices = []
    paper = drawing.paper_tone(gray) if invert == "auto" else None
    if invert == "auto" and drawing.is_clean_drawing(gray, paper):  # pad strokes: the original recipes, exact
        placed = drawing.recipe(gray, steps, recipe, notices, paper)
    else:
        gray, inverted = ink_bright(gray, invert, *((0.5, "all") if recipe == "digit" else (FASHION_LIGHT, "border")))
        if inverted:
            steps.append(Step("inverted", gray))
        if recipe == "digit":
            placed = _digit(gray, steps, notices)
        else:
            placed = _fashion(img, gray, inverted, steps, notices)
    # 8-bit grey levels, as MNIST stores its digits: a link that carries the input as bytes
    # (the page's URL) then reproduces the network's input exactly
    placed = np.rint(np.clip(placed, 0, 1) * 255) / 255
    tensor = pad_to_input(placed, input_shape)
    steps.append(Step("input", tensor[0, 0]))
    return Prepared(tensor, steps, tuple(notices))


def _subject_notices(subject, contrast, notices):
    if subject.others:
        notices.append(Notice("input.several_blobs", {"count": subject.others + 1}))
    if contrast < LOW_CONTRAST:
        notices.append(Notice("input.low_contrast", {"contrast": round(100 * contrast)}))


def _digit(gray, steps, notices):
    """MNIST's recipe: the digit alone, cropped, fitted into 20x20, centred by mass in 28x28."""
    flat = remove_background(gray)
    steps.append(Step("flattened", flat))
    if flat.max() < NO_INK:
        raise ImageError("no ink found in the image: draw or photograph a digit", "image.no_ink")
    noise = max(0.04, 4 * _noise_level(flat))
    level = max(noise, FAINT_INK * flat.max())
    lines = ruled_lines(flat, noise)  # faint lines too
    if lines.any():
        flat = np.where(lines, np.clip(flat - median(flat[lines]), 0, 1), flat)
        steps.append(Step("unruled", flat))
    mask = flat > level
    mask = max_filter(mask, 3) & (flat > level / 2) if min(flat.shape) >= 16 else mask
    subject = pick_subject(flat, mask, seed=max(level, STRONG_INK * flat.max()))
    ink = flat * subject.mask
    if subject.frame_removed or lines.any():
        notices.append(Notice("input.background", {}))
    _subject_notices(subject, float(ink.max()), notices)
    clean = _stretch(ink)
    steps.append(Step("cleaned", clean))
    box = _ink_box(clean)
    if box is None:
        raise ImageError("no ink found in the image: draw or photograph a digit", "image.no_ink")
    crop = clean[box[0]:box[1], box[2]:box[3]]
    steps.append(Step("cropped", crop))
    fitted = _fit(crop, 20)
    steps.append(Step("fitted", fitted))
    placed = center_of_mass_shift(_paste_centered(fitted, 28))
    steps.append(Step("centred", placed))
    return placed


def _fashion(img, gray, inverted, steps, notices):
    """Fashion-MNIST's recipe: the item alone (as a negated photo on white), fitted into 28x28."""
    item = fashion_subject(img, gray)
    if item is None:
        raise ImageError("nothing found in the image: photograph the item on a plain background",
                         "image.nothing_found")
    steps.append(Step("subject", item.mask.astype(np.float64)))
    if item.textured:
        notices.append(Notice("input.background", {}))
    _subject_notices(item, item.contrast, notices)
    if outline(item):
        notices.append(Notice("input.outline", {}))
    clean = gray * item.mask
    top = float(np.percentile(clean[item.mask], 99))
    clean = np.clip(clean / top, 0, 1) if top > FASHION_FAINT else clean
    steps.append(Step("cleaned", clean))
    box = _ink_box(item.mask.astype(np.float64), 0.5)
    crop = clean[box[0]:box[1], box[2]:box[3]]
    steps.append(Step("cropped", crop))
    placed = _paste_centered(_fit(crop, 28), 28)
    steps.append(Step("centred", placed))
    return placed


def pad_to_input(image28, input_shape):
    """(h, w) image in [0, 1] -> float32 (1, C, H, W) zero-padded to the model's input."""
    c, h, w = input_shape
    ih, iw = image28.shape
    top, left = (h - ih) // 2, (w - iw) // 2
    out = np.zeros((1, c, h, w), np.float32)
    out[0, :, top:top + ih, left:left + iw] = image28
    return out


def from_pixels(pixels, input_shape):
    """A (28, 28) or input-sized array of values in [0, 1] -> Prepared, without any cleaning."""
    _, h, w = input_shape
    pixels = np.asarray(pixels, dtype=np.float64)
    tensor = pad_to_input(pixels, input_shape) if pixels.shape != (h, w) else \
        pixels.astype(np.float32)[None, None].repeat(input_shape[0], axis=1)
    return Prepared(tensor, [Step("input", tensor[0, 0])])
