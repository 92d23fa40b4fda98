"""A crop box on an image's pixels: fractions of the upright picture -> the stored pixels to cut.

A camera stores a photo as its sensor saw it and says in EXIF how to turn it upright
(decode.UPRIGHT); the page's crop box is in upright fractions. ``crop_pixels`` is the one rounding
rule (the box never empty); ``stored_box`` finds the same pixels on the stored image, so the box can
be cut before the image is reduced and turned.
"""
from PIL import Image


def crop_pixels(size, box):
    """(w, h), box (x0, y0, x1, y1) as fractions 0..1 -> the pixel box (left, top, right, bottom), never empty."""
    w, h = size
    x0, y0, x1, y1 = box
    left, top = min(w - 1, int(x0 * w)), min(h - 1, int(y0 * h))
    return left, top, max(left + 1, round(x1 * w)), max(top + 1, round(y1 * h))


TURNING = (Image.Transpose.TRANSPOSE, Image.Transpose.ROTATE_270, Image.Transpose.TRANSVERSE,
           Image.Transpose.ROTATE_90)  # the transposes that swap width and height
INVERSE = {Image.Transpose.ROTATE_90: Image.Transpose.ROTATE_270, Image.Transpose.ROTATE_270: Image.Transpose.ROTATE_90}


def stored_box(size, crop, transpose):
    """The stored image's pixel box that, turned upright by `transpose` (UPRIGHT's, or None), is
    crop_pixels(upright size, crop). size: the stored (w, h) as decoded."""
    w, h = size
    turned = transpose in TURNING
    upright = (h, w) if turned else (w, h)
    left, top, right, bottom = crop_pixels(upright, crop)
    if transpose is None:
        return left, top, right, bottom
    undo = INVERSE.get(transpose, transpose)
    (ax, ay), (bx, by) = _turn((left, top), upright, undo), _turn((right, bottom), upright, undo)
    return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _turn(point, size, method):
    """A point (x, y) on the pixel edges of an image of `size` -> where it lands once transposed by method."""
    x, y = point
    w, h = size
    T = Image.Transpose
    return {T.FLIP_LEFT_RIGHT: (w - x, y), T.FLIP_TOP_BOTTOM: (x, h - y), T.ROTATE_180: (w - x, h - y),
            T.ROTATE_90: (y, w - x), T.ROTATE_270: (h - y, x), T.TRANSPOSE: (y, x),
            T.TRANSVERSE: (h - y, w - x)}[method]
