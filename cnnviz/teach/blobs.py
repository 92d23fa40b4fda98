"""Connected components (8-connected) of a bool mask, found on its runs, in NumPy.

A run is a stretch of set pixels along one row; a drawing at work size has a few
dozen to a few hundred, against 16,384 pixels. Two runs on neighbouring rows touch
when their columns overlap or meet at a corner; a union-find over those pairs gives
every run its component, numbered in the order their first pixels are read (as a
flood fill scanning rows would number them).
"""
from typing import NamedTuple

import numpy as np


class Runs(NamedTuple):
    """The runs of a bool (H, W) mask in reading order (arrays of the same length)."""
    row: np.ndarray  # int64
    start: np.ndarray  # first column
    stop: np.ndarray  # one past the last column
    shape: tuple  # (H, W) of the mask

    def box(self):
        """(top, bottom, left, right), bottom and right exclusive, of every set pixel; None if none."""
        if self.row.size == 0:
            return None
        return int(self.row[0]), int(self.row[-1]) + 1, int(self.start.min()), int(self.stop.max())

    def pixels(self):
        """Each set pixel's run (int64, in reading order: the order of mask's pixels in x[mask])."""
        return np.repeat(np.arange(self.row.size), self.stop - self.start)


def runs(mask):
    """bool (H, W) -> Runs: where each row's stretches of set pixels start and stop."""
    h, w = mask.shape
    padded = np.zeros((h, w + 2), bool)  # a clear pixel on both sides of every row
    padded[:, 1:-1] = mask
    flat = padded.ravel()
    change = np.flatnonzero(flat[1:] != flat[:-1])  # where a run starts, then one past its end, ...
    row, start = np.divmod(change[0::2], w + 2)
    return Runs(row, start, change[1::2] - row * (w + 2), (h, w))


SMALL = 200  # runs: up to this many, a loop over them beats NumPy's fixed cost per pass


def components(r):
    """Runs -> (int64 component of each run, 0..n-1 numbered by their first run; n)."""
    count = r.row.size
    if count == 0:
        return np.zeros(0, np.int64), 0
    # the runs of the row above touching run b are one stretch of them: those that stop at or
    # after b's start and start at or before b's stop (a corner counts). Keys order runs by row
    # then column, so one search finds each stretch's ends.
    key = r.row * (r.shape[1] + 1)
    above = key - (r.shape[1] + 1)
    first = np.searchsorted(key + r.stop, above + r.start, side="left")
    last = np.searchsorted(key + r.start, above + r.stop, side="right")
    if np.count_nonzero(first == last) == 1:  # only the first run has none above: rows down, every
        return np.zeros(count, np.int64), 1  # run hangs from one above it, so all are one blob
    root = _roots_loop(first.tolist(), last.tolist()) if count <= SMALL else _roots_numpy(first, last)
    # every root is its component's first run, so roots in increasing order number them
    is_root = root == np.arange(count)
    return (np.cumsum(is_root) - 1)[root], int(is_root.sum())


def _roots_loop(first, last):
    """Union-find, run by run in reading order: run b joins the runs first[b]..last[b]-1 above it.
    -> int64 array: each run's root, the first run of its component."""
    parent = list(range(len(first)))
    for b, lo, hi in zip(range(len(first)), first, last):
        if lo == hi:
            continue
        root = lo
        while parent[root] != root:
            root = parent[root]
        for a in range(lo + 1, hi):
            other = a
            while parent[other] != other:
                other = parent[other]
            if other != root:  # hook the larger root under the smaller
                root, other = min(root, other), max(root, other)
                parent[other] = root
        parent[b] = root
    for i, p in enumerate(parent):  # every parent comes before its child: one pass reaches the roots
        parent[i] = parent[p]
    return np.array(parent)


def _roots_numpy(first, last):
    """The same roots for many runs: every touching pair hooks the larger of its two roots under
    the smaller, then every run jumps to its root; repeated until nothing changes."""
    touching = last - first
    b = np.repeat(np.arange(first.size), touching)
    a = np.arange(b.size) + np.repeat(first - np.cumsum(touching) + touching, touching)
    parent = np.arange(first.size)
    while True:
        ra, rb = parent[a], parent[b]
        differ = ra != rb
        if not differ.any():
            return parent
        np.minimum.at(parent, np.maximum(ra, rb)[differ], np.minimum(ra, rb)[differ])
        while True:
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent = up


def label(mask):
    """bool (H, W) -> (int32 labels (H, W), 0 = background, 1..n; n). 8-connected, numbered in the
    order their first pixels are read."""
    r = runs(mask)
    component, n = components(r)
    ids = np.zeros(mask.size, np.int32)
    ids[np.flatnonzero(mask)] = component[r.pixels()] + 1
    return ids.reshape(mask.shape), n
