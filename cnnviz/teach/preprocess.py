"""From an uploaded photo or drawing to what the network sees, step by step.

``decode_image`` turns bytes into a Pillow image (or raises ImageError with a
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
import io
import struct
import warnings
from typing import NamedTuple

import numpy as np
from PIL import Image

from ..errors import ImageError
from . import drawing
from .fashion import FASHION_FAINT, FASHION_LIGHT, fashion_subject, outline
from .subject import max_filter, opening, pick_subject, ruled_lines

FORMATS = {"PNG", "JPEG", "MPO", "GIF", "BMP", "WEBP", "AVIF"}  # MPO: a phone's multi-picture JPEG
MAX_PIXELS = 40_000_000  # a 40-megapixel photo is fine; a "bomb" declaring more is refused
MAX_DECODED_BYTES = 16_000_000  # full-size pixels one upload may decode to (a JPEG after `draft`)
MAX_ASPECT = 20  # longer side / shorter side: a 1 x 40,000,000 strip is not a picture of anything
WORK_SIZE = 128  # photos and drawings are shrunk to this before cleaning (the result is 20x20)
REDUCE_FROM = 4 * WORK_SIZE  # larger images are reduced by a whole factor right after decoding
# EXIF orientation -> the transpose that makes the picture upright (as ImageOps.exif_transpose)
UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
           5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
           8: Image.Transpose.ROTATE_90}
_GREY = np.arange(256, dtype=np.float64)[None, :, None].repeat(3, axis=2) / 255
GREY_LUMINANCE = (_GREY @ np.array([0.299, 0.587, 0.114]))[0]  # bit-equal to the RGBA path below
NO_INK = 0.01  # the strongest ink, as a share of the paper's light: below this the picture is blank
FAINT_INK, STRONG_INK = 0.3, 0.6  # share of the strongest ink: a stroke reaches the strong
# level somewhere and is kept down to the faint one (a shadow's edge never gets strong)
LOW_CONTRAST = 0.2  # the subject's ink above its background: below this, say so


class Step(NamedTuple):
    name: str
    image: np.ndarray  # float (H, W) in [0, 1], or uint8 (H, W, 3) for the original


class Notice(NamedTuple):
    """An input that does not look like what the network was trained on, e.g. several blobs."""
    code: str  # stable, e.g. "input.several_blobs"; the page's catalog key is warning.<code>
    params: dict


class Prepared(NamedTuple):
    tensor: np.ndarray  # float32 (1, C, H, W), the exact network input
    steps: list
    warnings: tuple = ()  # (Notice, ...)


# ------------------------------------------------------------------ decoding
def decode_image(data):
    """Bytes -> a single-frame Pillow image, upright, fully loaded, at most ~4x WORK_SIZE.

    Cost is bounded before any pixel is decoded: the header's size, aspect ratio and
    the memory its pixels need are checked first; a JPEG is decoded at 1/2, 1/4 or 1/8
    of its size (libjpeg's `draft`); a large image is then reduced by a whole factor
    and only the small result is rotated as its EXIF tag asks.
    """
    if not data:
        raise ImageError("the image is empty", "image.empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            _check_header(img)
            img.seek(0)  # multi-frame GIF, WebP or MPO: the first frame
            if img.format in ("JPEG", "MPO"):
                img.draft(None, _draft_size(img.size))
            _check_decoded_bytes(img)
            img.load()
            orientation = _orientation(img)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError("the image declares too many pixels to decode safely; the limit is "
                         f"{MAX_PIXELS // 1_000_000} megapixels", "image.too_many_pixels",
                         limit=MAX_PIXELS // 1_000_000) from None
    except Image.UnidentifiedImageError:
        raise ImageError("the upload is not an image (or not in a format we can read: "
                         "PNG, JPEG, GIF, BMP, WebP, AVIF)", "image.not_image") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, RuntimeError) as e:
        # RuntimeError: Pillow's AVIF decoder on damaged data
        raise ImageError(f"the image is truncated or corrupt ({e.__class__.__name__})", "image.corrupt") from None
    img = _reduce(img)
    return img.transpose(UPRIGHT[orientation]) if orientation in UPRIGHT else img


def _check_header(img):
    if img.format not in FORMATS:
        raise ImageError(f"{img.format} images are not supported; use PNG, JPEG, GIF, BMP, WebP "
                         "or AVIF", "image.format", format=img.format)
    w, h = img.size
    if w * h > MAX_PIXELS:
        raise ImageError(f"the image is {w}x{h} pixels; the limit is "
                         f"{MAX_PIXELS // 1_000_000} megapixels", "image.too_many_pixels",
                         width=w, height=h, limit=MAX_PIXELS // 1_000_000)
    if max(w, h) > MAX_ASPECT * max(1, min(w, h)):
        raise ImageError(f"the image is {w}x{h} pixels, too long and thin to show anything; the longer "
                         f"side may be at most {MAX_ASPECT} times the shorter", "image.aspect",
                         width=w, height=h, limit=MAX_ASPECT)


def _draft_size(size):
    """The smallest size a JPEG may be decoded at: its longer side still >= 2x WORK_SIZE."""
    w, h = size
    scale = min(1.0, 2 * WORK_SIZE / max(w, h))
    return max(1, int(w * scale)), max(1, int(h * scale))


def _bytes_per_pixel(mode):
    """Memory per pixel once decoded and converted (palette images become RGBA, 16-bit ones float;
    Pillow keeps RGB in 4 bytes)."""
    return {"1": 1, "L": 1, "LA": 2}.get(mode, 8 if mode.startswith("I;16") else 4)


def _check_decoded_bytes(img):
    w, h = img.size  # after `draft` for a JPEG
    per_pixel = _bytes_per_pixel(img.mode)
    if w * h * per_pixel > MAX_DECODED_BYTES:
        limit = MAX_DECODED_BYTES // per_pixel / 1_000_000
        raise ImageError(f"the image is {w}x{h} pixels; a {img.format} image in this colour mode may have at "
                         f"most {limit:g} megapixels (a JPEG up to {MAX_PIXELS // 1_000_000})",
                         "image.too_many_pixels", width=w, height=h, limit=limit)


def _orientation(img):
    try:
        return img.getexif().get(0x0112, 1)
    except Exception:  # a broken EXIF block should not lose the picture
        return 1


def _reduce(img):
    """An image over REDUCE_FROM pixels -> reduced by a whole factor, its longer side >= 2x WORK_SIZE."""
    factor = max(img.size) // (2 * WORK_SIZE)
    if max(img.size) < REDUCE_FROM or factor < 2:
        return img
    if img.mode in ("P", "PA"):
        img = img.convert("RGBA" if img.mode == "PA" or "transparency" in img.info else "RGB")
    elif img.mode == "1":
        img = img.convert("L")
    elif img.mode.startswith("I;16"):
        scaled = np.asarray(img, dtype=np.float32)
        scaled /= 65535
        img = Image.fromarray(scaled, "F")
    return img.reduce(factor)


def to_gray(img):
    """Pillow image of any mode -> float (H, W) luminance in [0, 1], transparency composited."""
    if img.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        a = np.asarray(img, dtype=np.float64)
        top = 65535.0 if img.mode != "I" or a.max() > 255 else 255.0
        return np.clip(a / top, 0, 1)
    if img.mode == "F":
        a = np.asarray(img, dtype=np.float64)
        return np.clip(a / max(1.0, float(np.nanmax(a))), 0, 1)
    if img.mode == "P" or img.mode == "PA":
        img = img.convert("RGBA")
    if img.mode in ("1", "L", "CMYK", "YCbCr", "LAB", "HSV", "RGB", "RGBX"):
        return np.asarray(img.convert("L"), dtype=np.float64) / 255
    img = img.convert("RGBA") if img.mode != "LA" else img
    if img.mode == "RGBA":  # a drawing pad's canvas: opaque, and grey where it is anti-aliased
        pixels = np.asarray(img)
        if (pixels[..., 3] == 255).all() and (pixels[..., 0] == pixels[..., 1]).all() \
                and (pixels[..., 1] == pixels[..., 2]).all():
            return GREY_LUMINANCE[pixels[..., 0]]
    rgba = np.asarray(img, dtype=np.float64) / 255
    color = rgba[..., :-1]
    gray = color[..., 0] if color.shape[-1] == 1 else color @ np.array([0.299, 0.587, 0.114])
    alpha = rgba[..., -1]
    if alpha.min() == 1:
        return gray
    # Composite on the opposite of the visible content's tone: black strokes on a
    # transparent canvas go onto white, white strokes onto black.
    visible = alpha.sum()
    tone = (gray * alpha).sum() / visible if visible else 0.0
    backdrop = 1.0 if tone < 0.5 else 0.0
    return gray * alpha + backdrop * (1 - alpha)


def small_rgb(img, size=96):
    """The original upload as a small uint8 RGB thumbnail, for the strip of steps."""
    thumb = img.convert("RGBA") if img.mode in ("P", "PA", "LA") else img
    if thumb.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        thumb = Image.fromarray((to_gray(thumb) * 255).astype(np.uint8))
    if thumb.mode == "RGBA" and thumb.getextrema()[3][0] < 255:  # an opaque one needs no checkerboard
        checker = Image.new("RGBA", thumb.size, (200, 200, 200, 255))
        thumb = Image.alpha_composite(checker, thumb)
    thumb = thumb.convert("RGB")
    thumb.thumbnail((size, size), Image.Resampling.BOX)
    return np.asarray(thumb)


# ------------------------------------------------------------- the recipes
def _shrink(gray, limit=WORK_SIZE):
    h, w = gray.shape
    scale = limit / max(h, w)
    if scale >= 1:
        return gray
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(Image.fromarray(gray.astype(np.float32), "F").resize(size, Image.Resampling.BOX),
                      dtype=np.float64)


def ink_bright(gray, invert="auto", light=0.5, where="border"):
    """Make ink bright: invert when asked (True), or with "auto" when the background is light.

    The background is judged on the border's median (where="border": a garment fills
    the middle) or the whole image's (where="all": the page around a digit fills most
    of a photo, while the border can be the table beyond its edges).
    """
    if invert == "auto":
        h, w = gray.shape
        border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]]) if min(h, w) > 1 else gray.ravel()
        invert = bool(np.median(border if where == "border" else gray) > light)
    return (1 - gray, True) if invert else (gray, False)


def remove_background(x):
    """Ink (H, W) bright -> how much light the ink absorbs, 0 (paper) to 1, under any light.

    The paper's brightness is a grey opening of x (a quarter of the image wide: it
    keeps only what is wider than any stroke, so uneven light and shadows wider than
    that stay in it, and strokes do not). Ink is measured as a share of the light
    reaching the paper there, so a digit in a shadow is as dark as one in the sun.
    """
    h, w = x.shape
    if min(h, w) < 16:
        return np.clip(x - np.median(x), 0, 1)
    background = opening(x, max(3, (min(h, w) // 4) | 1))
    return np.clip((x - background) / np.maximum(1 - background, 0.05), 0, 1)


def _noise_level(x):
    """The spread of the background's values (robust: most pixels are background)."""
    return 1.4826 * float(np.median(np.abs(x - np.median(x))))


def _stretch(x):
    """Ink (H, W) -> [0, 1] with its strongest value at 1; below a fifth of it is paper grain."""
    top = x.max()
    if top <= 0:
        return np.zeros_like(x)
    x = x / top
    return np.clip((x - 0.2) / 0.8, 0, 1) * (x >= 0.2)


def _ink_box(x, level=0.1):
    rows, cols = np.nonzero(x > level)
    if rows.size == 0:
        return None
    return rows.min(), rows.max() + 1, cols.min(), cols.max() + 1


def _fit(x, box):
    """Resize x (H, W) so its longer side is box, keeping the aspect ratio."""
    h, w = x.shape
    scale = box / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    img = Image.fromarray(x.astype(np.float32), "F")
    return np.clip(np.asarray(img.resize(size, Image.Resampling.LANCZOS), dtype=np.float64), 0, 1)


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
    ys, xs = np.indices(x.shape)
    dy = int(round((n - 1) / 2 - (ys * x).sum() / total))
    dx = int(round((n - 1) / 2 - (xs * x).sum() / total))
    rows, cols = np.nonzero(x > 0)  # never push ink off the canvas
    dy = int(np.clip(dy, -rows.min(), n - 1 - rows.max()))
    dx = int(np.clip(dx, -cols.min(), n - 1 - cols.max()))
    return np.roll(np.roll(x, dy, axis=0), dx, axis=1)


def crop_image(img, box):
    """Pillow image, box (x0, y0, x1, y1) as fractions 0..1 of its width and height -> the crop."""
    w, h = img.size
    x0, y0, x1, y1 = box
    left, top = min(w - 1, int(x0 * w)), min(h - 1, int(y0 * h))
    right, bottom = max(left + 1, round(x1 * w)), max(top + 1, round(y1 * h))
    return img.crop((left, top, right, bottom))


def prepare(img, input_shape, recipe="digit", invert="auto"):
    """Pillow image -> Prepared(tensor (1, C, H, W) float32, [Step, ...], [Notice, ...]).

    invert: True (dark ink on light paper), False (bright on dark), or "auto".
    """
    steps = [Step("original", small_rgb(img))]
    gray = _shrink(to_gray(img))
    steps.append(Step("grayscale", gray))
    notices = []
    if invert == "auto" and drawing.is_clean_drawing(gray):  # pad strokes: the original recipes, exact
        placed = drawing.recipe(gray, steps, recipe, notices)
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
    level = max(0.04, 4 * _noise_level(flat), FAINT_INK * flat.max())
    lines = ruled_lines(flat, max(0.04, 4 * _noise_level(flat)))  # faint lines too
    if lines.any():
        flat = np.where(lines, np.clip(flat - np.median(flat[lines]), 0, 1), flat)
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
