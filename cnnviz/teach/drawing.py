"""Clean drawings — the drawing pad's strokes, a transparent PNG — take the original recipes.

Their paper is exactly paper, so there is no shadow, page edge or ruled line to find: the
subject search that photos need (preprocess, subject, fashion) would only cost time (about
4 ms a stroke) and change what the network sees. This path is held bit-equal to the
reference the tests keep (tests/data/drawings-reference.json).
"""
import numpy as np
from PIL import Image

from ..errors import ImageError
from . import blobs, preprocess as p
from .subject import fill_holes, max_filter, min_filter, other_blobs

PAPER_SHARE = 0.5  # at least this share of the picture is exactly the paper's tone


def paper_tone(gray):
    """gray (H, W) -> the median of its border (both end rows and columns): a drawing's paper."""
    return p.median(np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]]))


def is_clean_drawing(gray, paper=None):
    """gray (H, W) in [0, 1] before inversion -> True for a drawing on pure white or pure black paper
    (paper: paper_tone(gray) when known)."""
    paper = paper_tone(gray) if paper is None else paper
    if min(paper, 1 - paper) > 1 / 255:  # paper that is not pure white or black: a photo
        return False
    near = np.subtract(gray, paper)
    near = np.abs(near, out=near) <= 2 / 255
    return np.count_nonzero(near) / near.size >= PAPER_SHARE


def recipe(gray, steps, kind, notices, paper=None):
    """The original recipes on a clean drawing (paper: paper_tone(gray) when known); appends the steps
    (and a warning for a scribble of several blobs, which does not change the output); -> the 28x28
    image in [0, 1]."""
    if min(gray.shape) == 1:  # a single row or column: the median of all of it
        paper = float(np.median(gray))
    elif paper is None:
        paper = paper_tone(gray)
    if paper > 0.5:  # ink bright on dark, as MNIST
        gray = 1 - gray
        steps.append(p.Step("inverted", gray))
    if kind == "digit":
        clean = remove_shading(gray)
        steps.append(p.Step("cleaned", clean))
        ink = clean > 0.1
        ink_runs = blobs.runs(ink)
        box = ink_runs.box()  # p._ink_box(clean)
        if box is None:
            raise ImageError("no ink found in the image: draw or photograph a digit", "image.no_ink")
        others = other_blobs(clean, ink, seed=0.3, runs=ink_runs)  # pick_subject(clean, ink, seed=0.3).others
        if others:
            notices.append(p.Notice("input.several_blobs", {"count": others + 1}))
        crop = clean[box[0]:box[1], box[2]:box[3]]
        steps.append(p.Step("cropped", crop))
        fitted = p._fit(crop, 20)
        steps.append(p.Step("fitted", fitted))
        placed = p.center_of_mass_shift(p._paste_centered(fitted, 28))
        steps.append(p.Step("centred", placed))
        return placed
    level = np.median(np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]]))
    clean = np.clip((gray - level) / max(1e-6, 1 - level), 0, 1)
    steps.append(p.Step("cleaned", clean))
    ink = clean > 0.05
    if fill_holes(ink).sum() > 2 * max(1, ink.sum()):  # mostly empty inside: read as a bag, say so
        notices.append(p.Notice("input.outline", {}))
    box = p._ink_box(clean, 0.05)
    if box is None:
        raise ImageError("nothing found in the image: photograph the item on a plain background",
                         "image.nothing_found")
    crop = clean[box[0]:box[1], box[2]:box[3]]
    steps.append(p.Step("cropped", crop))
    placed = p._paste_centered(p._fit(crop, 28), 28)
    steps.append(p.Step("centred", placed))
    return placed


def remove_shading(x):
    """Clear faint noise and stretch the ink to [0, 1], after subtracting any smooth shading (a grey
    opening wider than a stroke, estimated on a copy at most 32 pixels across). x: (H, W) in [0, 1]."""
    h, w = x.shape
    if min(h, w) >= 16:
        scale = min(1.0, 32 / max(h, w))
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        # odd, and wide (a quarter of the image): a digit that fills the frame has thick
        # strokes, and an opening narrower than them would hollow them out
        k = max(3, (min(size) // 4) | 1)
        if _no_wide_ink(x, size, k):
            eroded = None
        else:
            small = Image.fromarray(x.astype(np.float32), "F").resize(size, Image.Resampling.BOX)
            eroded = min_filter(np.asarray(small), k)
        if eroded is not None and eroded.any():
            # Pillow's MinFilter then MaxFilter (edges repeated), as separable passes: the same values
            background = Image.fromarray(max_filter(eroded, k), "F").resize((w, h), Image.Resampling.BILINEAR)
            x = np.subtract(x, np.asarray(background, dtype=np.float64))  # a new array, worked in place
            np.clip(x, 0, 1, out=x)
        else:  # no ink as wide as the window (strokes, not shading): the background is zero
            x = np.clip(x, 0, 1)
    top = x.max()
    if top <= 0.05:
        return np.zeros_like(x)
    x = np.divide(x, top, out=x if min(h, w) >= 16 else None)
    x -= 0.2  # below a fifth of the strongest ink: faint specks and paper grain, cleared by the clip
    x /= 0.8
    return np.clip(x, 0, 1, out=x)


def _no_wide_ink(x, size, k):
    """True when the copy of x (H, W) >= 0 shrunk to size has no k x k window all inked, so the
    opening is zero -- known without shrinking when size is a quarter of x: a copy's pixel (a 4 x 4
    block's mean) is inked when any of the block's pixels is (x's ink, 1 - a float32 grey or a
    float32 grey, is never too faint for float32). Otherwise False: shrink and see."""
    h, w = x.shape
    if size != (w // 4, h // 4) or max(h, w) != 128 or h % 4 or w % 4:
        return False
    inked = x > 0
    inked = inked[0::4] | inked[1::4] | inked[2::4] | inked[3::4]
    inked = inked[:, 0::4] | inked[:, 1::4] | inked[:, 2::4] | inked[:, 3::4]
    return not min_filter(inked, k).any()
