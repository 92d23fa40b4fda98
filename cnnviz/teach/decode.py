"""From an upload's bytes to pixels: the bounded decode and the grey levels preprocessing starts from.

``decode_image(data, crop=None)`` -> a single-frame Pillow image, upright, fully loaded, its longer
side at most ~4x WORK_SIZE (or ImageError with a message a person understands; the cost
is bounded before any pixel is decoded). With a crop box the image is cut before it is
reduced, so the box keeps the detail the upload has. ``to_gray(img)`` -> float (H, W) luminance in
[0, 1]; ``small_rgb(img)`` -> the original as a small uint8 RGB thumbnail. A drawing pad's
canvas (opaque RGBA, R = G = B) is recognised once (``grey_canvas``) and handled as the
8-bit grey image it is: the same numbers, a quarter of the pixel work.
"""
import io
import struct
import warnings

import numpy as np
from PIL import Image

from ..errors import ImageError
from .cropbox import crop_pixels, stored_box

FORMATS = {"PNG", "JPEG", "MPO", "GIF", "BMP", "WEBP", "AVIF"}  # MPO: a phone's multi-picture JPEG
MAX_PIXELS = 40_000_000  # a 40-megapixel photo is fine; a "bomb" declaring more is refused
MAX_DECODED_BYTES = 16_000_000  # full-size pixels one upload may decode to (a JPEG after `draft`)
CROP_DECODE_PIXELS = 4_000_000  # a cropped JPEG is decoded at most this large (_crop_draft_size says why)
MAX_ASPECT = 20  # longer side / shorter side: a 1 x 40,000,000 strip is not a picture of anything
WORK_SIZE = 128  # photos and drawings are shrunk to this before cleaning (the result is 20x20)
REDUCE_FROM = 4 * WORK_SIZE  # larger images are reduced by a whole factor right after decoding
# EXIF orientation -> the transpose that makes the picture upright (as ImageOps.exif_transpose)
UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
           5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
           8: Image.Transpose.ROTATE_90}
TURNED = (5, 6, 7, 8)  # orientations whose stored width is the upright height
_GREY = np.arange(256, dtype=np.float64)[None, :, None].repeat(3, axis=2) / 255
GREY_LUMINANCE = (_GREY @ np.array([0.299, 0.587, 0.114]))[0]  # bit-equal to the RGBA path below
GREY_LUMINANCE_32 = [float(v) for v in GREY_LUMINANCE.astype(np.float32)]  # a lookup table for Image.point
VIA_L = ("1", "L", "CMYK", "YCbCr", "LAB", "HSV", "RGB", "RGBX")  # modes to_gray takes through Pillow's "L"
LEVELS_32 = [float(v) for v in (np.arange(256, dtype=np.float64) / 255).astype(np.float32)]  # to_gray of "L", as float32


# The page sends its drawing pad as an 8-bit grey PNG with this text chunk (static/js/views/drawpad.js):
# handled exactly as the canvas's own opaque grey RGBA PNG (other grey images keep their recipe).
PAD_MARK = ("Software", "cnnviz drawing pad")
UPLOAD_SIZE = "cnnviz.upload_size"  # img.info key: (H, W) of the upload as sent, upright, before any reduction


def decode_image(data, crop=None):
    """Bytes -> a single-frame Pillow image, upright, fully loaded, at most ~4x WORK_SIZE.

    Cost is bounded before any pixel is decoded: the header's size, aspect ratio and
    the memory its pixels need are checked first; a JPEG is decoded at 1/2, 1/4 or 1/8
    of its size (libjpeg's `draft`); a large image is then reduced by a whole factor
    and only the small result is rotated as its EXIF tag asks.
    crop: None, or (x0, y0, x1, y1) as fractions 0..1 of the upright image -> only that box,
    cut from the decoded pixels BEFORE the reduction: the draft scale and the factor are
    chosen from the box's size (its longer side kept >= 2x WORK_SIZE when the upload has
    that many pixels), at most CROP_DECODE_PIXELS decoded (_crop_draft_size).
    """
    if not data:
        raise ImageError("the image is empty", "image.empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            _check_header(img)
            width, height = img.size  # as uploaded, before a reduced decode
            img.seek(0)  # multi-frame GIF, WebP or MPO: the first frame
            if img.format in ("JPEG", "MPO"):
                if crop is None:
                    img.draft(None, _draft_size(img.size))
                else:  # a JPEG's EXIF block is in its header: the orientation is known before decoding
                    img.draft(None, _crop_draft_size(img.size, crop, _orientation(img) in TURNED))
            _check_decoded_bytes(img)
            img.load()
            orientation = _orientation(img)
            if crop is not None:
                img = img.crop(stored_box(img.size, crop, UPRIGHT.get(orientation)))
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
    img = img.transpose(UPRIGHT[orientation]) if orientation in UPRIGHT else img
    upright = (height, width) if orientation in TURNED else (width, height)
    left, top, right, bottom = crop_pixels(upright, crop) if crop is not None else (0, 0, *upright)
    img.info[UPLOAD_SIZE] = (bottom - top, right - left)  # what the learner's box held of the upload
    return img


def upload_size(img):
    """(H, W) of the picture img stands for: the upload's own size (upright, cropped) if decode_image
    reduced it, else img's."""
    return img.info.get(UPLOAD_SIZE) or (img.height, img.width)


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


def _crop_draft_size(size, crop, turned):
    """The size to ask libjpeg's `draft` for, so that the crop box's longer side stays >= 2x WORK_SIZE.

    size: the stored (w, h); crop: fractions of the upright image; turned: its EXIF orientation
    swaps width and height. The scale is the coarsest of 1/8, 1/4, 1/2, 1 that keeps the box's
    detail, but never finer than what decodes at most CROP_DECODE_PIXELS pixels: a tiny box in a
    40-megapixel upload is decoded at 1/4 (2.5 MP), not whole. Why 4 MP: it is the memory of today's
    MAX_DECODED_BYTES (16 MB as RGB), and libjpeg's time is mostly its entropy decoding, which every
    scale pays, so the cap costs little: a 12 MP JPEG takes ~20 ms at 1/8, ~31 ms at 1/2 (3 MP), 78 ms whole.
    """
    w, h = size
    x0, y0, x1, y1 = crop
    across, down = (h, w) if turned else (w, h)
    longest = max((x1 - x0) * across, (y1 - y0) * down)  # the box's longer side, in stored pixels
    detail = next(s for s in (8, 4, 2, 1) if s == 1 or longest / s >= 2 * WORK_SIZE)
    memory = next((s for s in (1, 2, 4) if -(-w // s) * -(-h // s) <= CROP_DECODE_PIXELS), 8)
    scale = max(detail, memory)
    return max(1, w // scale), max(1, h // scale)  # draft picks exactly this scale from this size


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


def grey_canvas(img):
    """A drawing pad's canvas -- RGBA, opaque, every pixel grey (R = G = B), or the page's grey PNG
    of it (mode "L", marked with PAD_MARK) -> its grey levels as an 8-bit "L" image; any other
    image -> None. One pass over the pixels as 32-bit words."""
    if img.mode == "L":
        return img if img.info.get(PAD_MARK[0]) == PAD_MARK[1] else None
    if img.mode != "RGBA":
        return None
    words = np.asarray(img).view("<u4")[..., 0]  # R | G << 8 | B << 16 | A << 24
    red = words & 0xFF
    if not np.array_equal(words, red * 0x010101 | 0xFF000000):
        return None
    return img.getchannel("R")


def work_gray(img, canvas=..., limit=WORK_SIZE):
    """Pillow image -> float (H, W) luminance in [0, 1], shrunk (BOX) so its longer side is at most limit.

    Equal, bit for bit, to shrinking to_gray(img); a drawing pad's canvas (grey_canvas(img),
    given when known) and 8-bit images take their grey levels through a float32 lookup table into
    the resize.
    """
    canvas = grey_canvas(img) if canvas is ... else canvas
    w, h = img.size
    scale = limit / max(h, w)
    if scale >= 1:
        return GREY_LUMINANCE[np.asarray(canvas)] if canvas is not None else to_gray(img)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    if canvas is not None:
        small = canvas.point(GREY_LUMINANCE_32, "F")
    elif img.mode in VIA_L:  # to_gray's float32 values, straight from Pillow's 8-bit grey
        small = img.convert("L").point(LEVELS_32, "F")
    else:
        small = Image.fromarray(to_gray(img).astype(np.float32), "F")
    return np.asarray(small.resize(size, Image.Resampling.BOX), dtype=np.float64)


def to_gray(img):
    """Pillow image of any mode -> float (H, W) luminance in [0, 1], transparency composited."""
    if img.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        a = np.asarray(img, dtype=np.float64)
        top = 65535.0 if img.mode != "I" or a.max() > 255 else 255.0
        return np.clip(a / top, 0, 1)
    if img.mode == "F":
        a = np.asarray(img, dtype=np.float64)
        return np.clip(a / max(1.0, float(np.nanmax(a))), 0, 1)
    if grey_canvas(img) is not None and img.mode == "L":  # the pad's grey PNG: as its RGBA canvas
        return GREY_LUMINANCE[np.asarray(img)]
    if img.mode == "P" or img.mode == "PA":
        img = img.convert("RGBA")
    if img.mode in VIA_L:
        return np.asarray(img.convert("L"), dtype=np.float64) / 255
    img = img.convert("RGBA") if img.mode != "LA" else img
    canvas = grey_canvas(img)
    if canvas is not None:
        return GREY_LUMINANCE[np.asarray(canvas)]
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
    """The original upload as a small uint8 RGB thumbnail, for the strip of steps (a drawing pad's
    canvas needs none: its grayscale step is its picture)."""
    thumb = img.convert("RGBA") if img.mode in ("P", "PA", "LA") else img
    if thumb.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        thumb = Image.fromarray((to_gray(thumb) * 255).astype(np.uint8))
    if thumb.mode == "RGBA" and thumb.getextrema()[3][0] < 255:  # an opaque one needs no checkerboard
        checker = Image.new("RGBA", thumb.size, (200, 200, 200, 255))
        thumb = Image.alpha_composite(checker, thumb)
    thumb = thumb.convert("RGB")
    thumb.thumbnail((size, size), Image.Resampling.BOX)
    return np.asarray(thumb)
