"""Finding the subject of a photo at work size (at most 128x128), in NumPy.

Helpers for ``preprocess``: grey morphology with square windows, connected
components (``blobs``: runs joined row to row with a union-find), long thin straight lines
(ruled paper), and the choice of the subject: the component with the most ink
near the centre, not the frame (a table beyond the page's edge, a shadow's edge).
"""
import functools
from typing import NamedTuple

import numpy as np

from . import blobs
from .blobs import label


# ------------------------------------------------------------ morphology
def _filter1d(x, k, axis, reduce):
    """reduce (np.minimum or np.maximum) over a window of k along axis, edges repeated.

    Windows of 1, 2, 4, ... are built by doubling, and a window of k is two
    overlapping windows of the largest power of two <= k: a few passes, any k.
    """
    if axis == 1:
        return _filter1d(x.T, k, 0, reduce).T
    x = np.concatenate([np.repeat(x[:1], k // 2, axis=0), x, np.repeat(x[-1:], k - 1 - k // 2, axis=0)])
    n = x.shape[0] - k + 1
    span, acc = 1, x
    while span * 2 <= k:
        acc = reduce(acc[:-span], acc[span:])
        span *= 2
    return reduce(acc[:n], acc[k - span:k - span + n])


def min_filter(x, k):
    """Minimum over a k x k square around each pixel (edges repeated). x: (H, W)."""
    return _filter1d(_filter1d(x, k, 0, np.minimum), k, 1, np.minimum) if k > 1 else x


def max_filter(x, k):
    return _filter1d(_filter1d(x, k, 0, np.maximum), k, 1, np.maximum) if k > 1 else x


def opening(x, k):
    """Grey opening: what is left of x when every bright detail narrower than k is removed.

    max_filter(min_filter(x, k), k), its four passes ordered so that the two along rows
    follow each other: two transposed copies instead of four, a contiguous result.
    """
    if k <= 1:
        return x
    along_rows = _filter1d(_filter1d(x, k, 0, np.minimum).T, k, 0, np.minimum)
    return _filter1d(_filter1d(along_rows, k, 0, np.maximum).T, k, 0, np.maximum)


# ---------------------------------------------------- connected components
def fill_holes(mask):
    """bool (H, W): mask plus every region of background not connected to the border."""
    labels, _ = label(~mask)
    outside = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    return mask | ~np.isin(labels, outside[outside > 0])


# ------------------------------------------------------------ ruled lines
ANGLES = np.deg2rad(np.arange(-6, 6.1, 0.75))


def ruled_lines(x, level, min_lines=3, coverage=0.5, max_thickness=3):
    """Pixels of long thin straight lines across x (ruled paper), in both directions.

    x: (H, W) ink bright; level: what counts as ink. A line is a band of at most
    max_thickness rows (at one of ANGLES) with ink along `coverage` of the width;
    only when at least min_lines such lines are found (ruled or squared paper, not
    the bar of a 7). Returns bool (H, W).
    """
    found = np.zeros(x.shape, bool)
    on = x > level
    for image, transpose in ((on, False), (on.T, True)):
        lines = _lines_one_way(image, coverage, max_thickness)
        if len(lines) >= min_lines:
            band = found.T if transpose else found
            for rows, cols in lines:
                band[rows, cols] = True
    return found


def _lines_one_way(on, coverage, max_thickness):
    """Near-horizontal lines in bool (H, W): [(rows, cols) of each line's pixels], at the best angle.

    How much ink lies in every band (a row, tilted) at every angle comes from the ink's
    running count along each row: at one angle, the columns whose band is shifted alike
    form a run, whose ink per row is a difference of two running counts; these add up
    into the bands (one bincount). The runs of full bands of all angles are judged at
    once; the angle with the most lines (the first of equals) is the one drawn.
    """
    h, w = on.shape
    bands = _bands(h, w)
    running = np.zeros((h, w + 1), np.int32)
    np.cumsum(on, axis=1, dtype=np.int32, out=running[:, 1:])
    ink = running[:, bands.stops] - running[:, bands.starts]  # (H, runs)
    size = bands.size
    counts = np.bincount(bands.index, weights=ink.ravel(), minlength=len(ANGLES) * size).reshape(len(ANGLES), size)
    full = np.zeros((len(ANGLES), size + 2), bool)
    np.greater_equal(counts, coverage * w, out=full[:, 1:-1])
    angle, edges = np.nonzero(full[:, 1:] != full[:, :-1])  # runs of full bands [top, b), in pairs per angle
    if angle.size == 0:
        return []
    angle, top, b = angle[::2], edges[::2], edges[1::2]
    # thin, with (almost) nothing along it just above and below: not a thick stroke's middle
    beside = np.maximum(counts[angle, np.maximum(0, top - 2)], counts[angle, np.minimum(size - 1, b + 1)])
    good = (b - top <= max_thickness) & (beside < 0.15 * w)
    if not good.any():
        return []
    best = int(np.argmax(np.bincount(angle[good])))
    cols, shift = np.arange(w), bands.shifts[best]
    lines = []
    drawn = good & (angle == best)
    for t, e in zip(top[drawn], b[drawn]):
        rows = (np.arange(t - 1, e + 1) - bands.low)[:, None] + shift[None, :]
        ok = (rows >= 0) & (rows < h)
        lines.append((rows[ok], np.broadcast_to(cols, rows.shape)[ok]))
    return lines


class Bands(NamedTuple):
    """The tilted bands of an (H, W) image at every one of ANGLES (read-only arrays, shared)."""
    shifts: np.ndarray  # int (angles, W): band b covers row b - low + shift in each column
    low: int
    size: int  # bands per angle
    starts: np.ndarray  # int (runs,): the columns of one angle whose shift is alike, [start, stop)
    stops: np.ndarray
    index: np.ndarray  # int (H * runs,): row y of run r adds to band angle * size + y + low - shift


@functools.lru_cache(maxsize=8)
def _bands(h, w):
    shifts = np.rint((np.arange(w) - w / 2) * np.tan(ANGLES)[:, None]).astype(int)
    low = int(shifts.max())
    size = h + low - int(shifts.min())
    angle, starts = np.nonzero(np.diff(shifts, axis=1, prepend=shifts[:, :1] - 1))  # where a run begins
    stops = np.append(starts[1:], w)
    stops[np.flatnonzero(np.diff(angle))] = w  # an angle's last run ends at the last column
    index = (np.arange(h)[:, None] + (angle * size + low - shifts[angle, starts])[None, :]).ravel()
    for array in (shifts, starts, stops, index):
        array.flags.writeable = False
    return Bands(shifts, low, size, starts, stops, index)


# ---------------------------------------------------------- the subject
class Component(NamedTuple):
    index: int
    mass: float  # the sum of its ink
    box: tuple  # top, bottom, left, right (exclusive)
    touches: bool  # touches the border of the image
    frame: bool  # touches the border and is long: a page edge, a table, a shadow's edge


class Subject(NamedTuple):
    mask: np.ndarray  # bool (H, W): the pixels kept
    others: int  # other large blobs left out
    frame_removed: bool  # large parts touching the border were left out


def _measured(x, mask, r, numbered):
    """The components of mask on its runs r, numbered = blobs.components(r): -> (each set pixel's
    component 0..n-1, in reading order; [Component] with index = component + 1). Masses are summed
    pixel by pixel in reading order."""
    component, n = numbered
    if n == 0:
        return np.zeros(0, np.int64), []
    pixel = component[r.pixels()]
    mass = np.bincount(pixel, weights=x[mask], minlength=n)
    top, left = np.full(n, r.shape[0]), np.full(n, r.shape[1])
    bottom, right = np.zeros(n, np.int64), np.zeros(n, np.int64)
    np.minimum.at(top, component, r.row)
    np.maximum.at(bottom, component, r.row + 1)
    np.minimum.at(left, component, r.start)
    np.maximum.at(right, component, r.stop)
    h, w = r.shape
    found = []
    for i in range(n):
        box = int(top[i]), int(bottom[i]), int(left[i]), int(right[i])
        touches = box[0] == 0 or box[2] == 0 or box[1] == h or box[3] == w
        long = box[1] - box[0] >= 0.5 * h or box[3] - box[2] >= 0.5 * w
        found.append(Component(i + 1, float(mass[i]), box, touches, touches and long))
    return pixel, found


def _centrality(box, shape):
    """1 at the centre of the frame, about 0.2 at its edge: how likely this is the subject."""
    h, w = shape
    cy, cx = (box[0] + box[1]) / 2 / h - 0.5, (box[2] + box[3]) / 2 / w - 0.5
    return float(np.exp(-(cy ** 2 + cx ** 2) / (2 * 0.3 ** 2)))


def pick_subject(x, mask, join=0.2, blob=0.3, seed=0.0):
    """The subject: the component with the most ink near the centre, plus the parts beside it.

    x: (H, W) ink; mask: bool (H, W) of candidate pixels, already joined across small gaps.
    Components whose ink never reaches `seed` are left out (hysteresis: a faint shadow's
    edge, not a stroke). Those that touch the border and are long (the frame) count a
    hundredth. Others
    within `join` x the subject's size of its box join it (a 5's detached bar); other
    blobs holding at least `blob` of its ink are counted as left out.
    """
    r = blobs.runs(mask)
    pixel, comps = _measured(x, mask, r, blobs.components(r))  # pixel: each set pixel's component
    count = len(comps)
    if seed > 0 and comps:
        reaching = np.zeros(count + 1, bool)  # per component index: its peak reaches the seed
        reaching[pixel[x[mask] >= seed] + 1] = True
        comps = [c for c in comps if reaching[c.index]]
    if not comps:
        return Subject(mask, 0, False)
    keep, others, frame_removed = _choose(comps, x.shape, join, blob)
    kept = np.zeros(count + 1, bool)
    kept[keep] = True
    subject = np.zeros(mask.shape, bool)
    subject[mask] = kept[pixel + 1]
    return Subject(subject, others, frame_removed)


def other_blobs(x, mask, join=0.2, blob=0.3, seed=0.0, runs=None):
    """pick_subject(x, mask, join, blob, seed).others -- the blobs left out of the subject -- found
    on the mask's runs (blobs.runs(mask), given when known) without a label image: a drawing of one
    blob costs a union-find over its runs only."""
    r = blobs.runs(mask) if runs is None else runs
    numbered = blobs.components(r)
    if numbered[1] < 2:
        return 0
    pixel, comps = _measured(x, mask, r, numbered)
    if seed > 0:  # components whose peak reaches the seed
        reaching = set((np.unique(pixel[x[mask] >= seed]) + 1).tolist())
        comps = [c for c in comps if c.index in reaching]
    return _choose(comps, x.shape, join, blob)[1] if len(comps) > 1 else 0


def _choose(comps, shape, join, blob):
    """[Component, ...] (at least one) -> (indices kept, others left out, frame_removed)."""
    score = [c.mass * _centrality(c.box, shape) * (0.01 if c.frame else 1) for c in comps]
    main = comps[int(np.argmax(score))]
    t, b, l, r = main.box
    margin = join * max(b - t, r - l)
    keep, others, frame_removed = [main.index], 0, False
    for c in comps:
        if c is main:
            continue
        if c.touches and not main.touches:  # the edge of the page or of a shadow
            frame_removed |= c.mass >= 0.1 * main.mass
            continue
        ct, cb, cl, cr = c.box
        near = ct < b + margin and cb > t - margin and cl < r + margin and cr > l - margin
        if near and c.mass >= 0.03 * main.mass:
            keep.append(c.index)
        elif c.mass >= blob * main.mass:
            others += 1
    return keep, others, frame_removed
