"""Finding a garment in a photo: what differs from the floor or table around it.

Fashion-MNIST's images are product photos on white, negated: the item is bright,
its background exactly 0. A phone photo puts the item on a floor (wood, carpet)
that is neither plain nor white, so the item is found by how far each pixel's
brightness and colour are from the background seen along the photo's border,
measured in units of that background's own variation (its texture), after a
plane fitted to the border's brightness takes out uneven light.
All pixel work is at work size (at most 128 x 128).
"""
from typing import NamedTuple

import numpy as np
from PIL import Image

from .decode import grey_canvas
from .subject import fill_holes, max_filter, min_filter, opening, pick_subject

FASHION_LIGHT = 0.15  # a border lighter than this is a floor or paper: the item is negated, as in FMNIST
FASHION_FAINT = 0.25  # an item's brightest tenth is stretched up to 1 unless fainter than this (noise)
FAR = 3.5  # how many times the background's own typical variation a pixel must differ by to be the item
RING = 3  # pixels of border used to learn the background
FLOOR_SPREAD = (0.03, 0.008, 0.008)  # the smallest variation assumed: brightness, two chromaticities
# Fashion-MNIST's background is exactly flat and grey-free: a floor that varies by more than
# ~2 grey levels (plain paper under a phone's noise varies by < 1) or has a colour of its own
# (wood, most carpets; warm light on white paper stays below 0.05) is one the network never saw
TEXTURE = 0.008  # the floor's typical brightness variation, uneven light taken out, at work size
COLOURED = 0.08  # the floor's chromaticity away from grey (r/(r+g+b) - 1/3, or the same for blue)


class Item(NamedTuple):
    mask: np.ndarray  # bool (H, W): the item, holes filled
    drawn: np.ndarray  # bool (H, W): the pixels that differ from the background (before filling)
    others: int  # other large blobs left out
    contrast: float  # how far the item is from its background, in brightness units
    textured: bool  # the background has a visible texture or colour (wood, carpet), or a frame was cut away


def work_rgba(img, shape):
    """The upload's colours at work size: float (H, W, 4) in [0, 1], or None for greyscale images."""
    h, w = shape
    if img.mode in ("RGB", "RGBA"):
        small = img.resize((w, h), Image.Resampling.BOX, reducing_gap=2.0)
    elif grey_canvas(img) is not None:  # the drawing pad's grey PNG: as its RGBA canvas
        small = img.convert("RGBA").resize((w, h), Image.Resampling.BOX, reducing_gap=2.0)
    elif img.mode in ("P", "PA", "CMYK", "YCbCr", "RGBX"):
        small = img.convert("RGBA").resize((w, h), Image.Resampling.BOX)
    else:
        return None
    return np.asarray(small.convert("RGBA"), np.float64) / 255


def _box_blur(x, k=3):
    """Mean over a k x k square (edges repeated), per channel of x (C, H, W)."""
    pad = k // 2
    p = np.pad(x, ((0, 0), (pad, pad), (pad, pad)), mode="edge")
    c = np.cumsum(np.cumsum(p, axis=1), axis=2)
    c = np.pad(c, ((0, 0), (1, 0), (1, 0)))
    h, w = x.shape[1:]
    return (c[:, k:k + h, k:k + w] - c[:, :h, k:k + w] - c[:, k:k + h, :w] + c[:, :h, :w]) / (k * k)


def _ring(shape, width=RING):
    ring = np.ones(shape, bool)
    ring[width:-width, width:-width] = False
    return ring


def _flatten_light(gray, ring):
    """gray minus a smooth surface (a + by + cx + dy^2 + exy + fx^2) fitted to the border:
    uneven light taken out."""
    h, w = gray.shape
    yy, xx = np.indices(gray.shape)
    y, x = yy / h - 0.5, xx / w - 0.5
    terms = np.stack([np.ones_like(y), y, x, y * y, x * y, x * x])
    coef, *_ = np.linalg.lstsq(terms[:, ring].T, gray[ring], rcond=None)
    return gray - np.tensordot(coef, terms, axes=1)


def features(gray, rgba):
    """(C, H, W): brightness (uneven light removed) and, for colour images, two chromaticities."""
    ring = _ring(gray.shape)
    feats = [_flatten_light(gray, ring)]
    if rgba is not None:
        rgb, alpha = rgba[..., :3], rgba[..., 3]
        total = rgb.sum(axis=-1) + 0.05
        feats += [(rgb[..., 0] / total - 1 / 3) * alpha, (rgb[..., 2] / total - 1 / 3) * alpha]
    return _box_blur(np.stack(feats))


def fashion_subject(img, gray):
    """The item in a (H, W) greyscale work image (and the upload's colours) -> Item, or None."""
    h, w = gray.shape
    if min(h, w) < 2 * RING + 2:
        return None
    f = features(gray, work_rgba(img, gray.shape))
    ring = _ring(gray.shape)
    centre = np.median(f[:, ring], axis=1)
    deviation = np.abs(f - centre[:, None, None])
    spread = np.maximum(1.4826 * np.median(deviation[:, ring], axis=1), FLOOR_SPREAD[:len(f)])
    # far from the floor: beyond FAR spreads, and beyond what the border itself shows (seams, knots)
    limit = np.maximum(FAR * spread, 1.2 * np.percentile(deviation[:, ring], 99, axis=1))
    distance = (deviation / limit[:, None, None]).max(axis=0)
    drawn = opening((distance > 1).astype(np.float64), 3) > 0  # no lines a pixel thin (plank seams)
    if not drawn.any() or drawn.mean() > 0.97:
        return None
    subject = pick_subject(np.minimum(distance, 3) * drawn, max_filter(drawn, 3), join=0)  # one piece
    mask = min_filter(fill_holes(subject.mask), 3)
    mask = min_filter(mask, 3) if mask.sum() > 400 else mask  # not the edge, half floor
    inside = min_filter(subject.mask, 3) & drawn
    if not mask.any():
        return None
    # brightness units: chromaticity differences count three times (they are small numbers)
    units = np.abs(f - centre[:, None, None]) * np.array([1, 3, 3][:len(f)])[:, None, None]
    contrast = float(np.percentile(units.max(axis=0)[mask], 90))
    raw_spread = 1.4826 * np.median(deviation[0][ring])  # before FLOOR_SPREAD's lower bound
    coloured = len(f) > 1 and float(np.abs(centre[1:]).max()) > COLOURED
    textured = bool(raw_spread > TEXTURE or coloured or subject.frame_removed)
    return Item(mask, inside, subject.others, contrast, textured)


def outline(item, ratio=2.0):
    """True when the item is mostly empty inside: an outline (the network reads those as bags)."""
    return bool(item.mask.sum() > ratio * max(1, item.drawn.sum()))
