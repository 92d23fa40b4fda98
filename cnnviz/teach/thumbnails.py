"""The preprocessing steps as thumbnails: 8-bit pixels, at most 64 a side, averaged over whole
blocks as Pillow's reduce does (web.serialize sends them as base64; the page paints them).
"""
import numpy as np
from PIL import Image


def pixels(images, max_side=64):
    """[image, ...] -> [(shape, 8-bit pixels as bytes), ...], each at most max_side a side. A float
    image is averaged before it becomes 8-bit (a pixel may differ by one level from rounding each
    pixel first), and all of them are rounded to 8 bits together, in one buffer: a few NumPy calls
    per stroke, not a few per step."""
    out, floats = [None] * len(images), []
    for i, image in enumerate(images):
        factor = -(-max(image.shape[:2]) // max_side)
        if image.dtype != np.uint8:
            floats.append((i, image, factor, (-(-image.shape[0] // factor), -(-image.shape[1] // factor))))
        else:
            reduced = _reduce_bytes(image, factor) if factor > 1 else image
            out[i] = reduced.shape, reduced.tobytes()
    if floats:
        ends = np.cumsum([h * w for *_, (h, w) in floats]).tolist()
        levels = np.empty(ends[-1])  # every float image's pixels, 0..255
        for (i, image, factor, shape), start, end in zip(floats, [0] + ends, ends):
            level = levels[start:end].reshape(shape)
            if factor > 1:
                _block_sums(image, factor, level)
                level *= 255 / factor ** 2
            else:
                np.multiply(image, 255, out=level)
        levels = np.clip(np.rint(levels, out=levels), 0, 255, out=levels).astype(np.uint8)
        for (i, *_, shape), start, end in zip(floats, [0] + ends, ends):
            out[i] = shape, levels[start:end].tobytes()
    return out


def _block_sums(image, factor, out):
    """float (H, W) -> out (ceil(H / factor), ceil(W / factor)) filled with the sum over each factor x
    factor block; blocks cut by the edge (Pillow's reduce averages what they hold) are scaled up to a
    whole block's sum. Strided slices added: NumPy's sum over the axes of a reshaped view is several
    times slower."""
    h, w = image.shape
    rows, cols = out.shape
    whole = rows * factor == h and cols * factor == w
    if not whole:
        padded = np.zeros((rows * factor, cols * factor))
        padded[:h, :w] = image
        image = padded
    sums = image[0::factor] + image[1::factor]
    for i in range(2, factor):
        sums += image[i::factor]
    np.add(sums[:, 0::factor], sums[:, 1::factor], out=out)
    for i in range(2, factor):
        out += sums[:, i::factor]
    if not whole:
        out *= factor * factor / np.outer(np.diff(np.arange(0, h + factor, factor).clip(max=h)),
                                          np.diff(np.arange(0, w + factor, factor).clip(max=w)))


def _reduce_bytes(image, factor):
    """uint8 (H, W[, C]) -> Pillow's reduce(factor); in NumPy for 2x2 blocks that fit exactly (the
    mean rounded half up, as Pillow does)."""
    h, w = image.shape[:2]
    if factor != 2 or h % 2 or w % 2:
        return np.asarray(Image.fromarray(image).reduce(factor))
    sums = image[0::2].astype(np.uint16)
    sums += image[1::2]
    sums = sums[:, 0::2] + sums[:, 1::2]
    sums += 2
    sums >>= 2
    return sums.astype(np.uint8)
