"""The photo path's cheaper steps change nothing: 67 varied phone photos (page edges, tables, shadows,
ruled notebook paper, garments on wood and carpet; as made, as the page sends them, portrait, large,
PNG, grey, EXIF-rotated, small) give every step, the network input and every notice bit for bit as
main did (tests/data/photographs-reference.json), with both recipes; and the rewritten helpers agree
with main's formulations on random inputs (ruled lines, the median, the opening, the subject's mask)."""
import json
import os
from pathlib import Path

import numpy as np
import pytest

from cnnviz.data import DataError
from scribbles import outcomes

REFERENCE = json.loads((Path(__file__).parent / "data" / "photographs-reference.json").read_text())


@pytest.fixture(scope="module")
def made():
    from photographs import photographs
    try:
        return photographs()
    except DataError:
        if os.environ.get("CI"):
            pytest.fail(".ci/run installs dataset-fashion-mnist; the photos need it")
        pytest.skip("the digits or Fashion-MNIST data is not installed")


@pytest.mark.parametrize("model_id", ["digits", "fashion"])
def test_photographs_prepare_exactly_as_before(made, model_id):
    assert len(made) == len(REFERENCE) // 2
    changed = [key for key, value in outcomes(made, (model_id,)).items() if value != REFERENCE[key]]
    assert not changed, f"{len(changed)} photos differ, e.g. {changed[:5]}"


def test_the_reference_is_varied():
    """Nearly every photo prepares differently, and one is refused."""
    values = list(REFERENCE.values())
    assert len(set(values)) > 0.9 * len(values) and "error image.nothing_found" in values


def _lines_one_way_before(on, coverage, max_thickness):
    """subject._lines_one_way as main wrote it at 90cc96b (one angle at a time), to compare with."""
    from cnnviz.teach.subject import ANGLES
    h, w = on.shape
    ys, xs = np.nonzero(on)
    cols = np.arange(w)
    shifts = np.rint((cols - w / 2) * np.tan(ANGLES)[:, None]).astype(int)
    low = int(shifts.max())
    size = h + low - int(shifts.min())
    bands = ys[None, :] - shifts[:, xs] + low + size * np.arange(len(ANGLES))[:, None]
    counts = np.bincount(bands.ravel(), minlength=size * len(ANGLES)).reshape(len(ANGLES), size)
    best = []
    for shift, count in zip(shifts, counts):
        if count.max() < coverage * w:
            continue
        full = np.concatenate([[False], count >= coverage * w, [False]])
        edges = np.flatnonzero(np.diff(full.astype(np.int8)))
        lines = []
        for top, b in zip(edges[::2], edges[1::2]):
            beside = max(count[max(0, top - 2)], count[min(size - 1, b + 1)])
            if b - top <= max_thickness and beside < 0.15 * w:
                rows = (np.arange(top - 1, b + 1) - low)[:, None] + shift[None, :]
                ok = (rows >= 0) & (rows < h)
                lines.append((rows[ok], np.broadcast_to(cols, rows.shape)[ok]))
        if len(lines) > len(best):
            best = lines
    return best


def _ruled(rng, h, w):
    """Random ink (H, W): tilted lines of 1 to 5 rows, across part or all of the width, both ways, and blobs."""
    x = rng.random((h, w)) * (rng.random((h, w)) < rng.uniform(0, 0.3))
    for transpose in (False, True):
        n, m = (w, h) if transpose else (h, w)
        tilt = np.tan(np.deg2rad(rng.uniform(-7, 7)))
        for _ in range(rng.integers(0, 9)):
            y0, thick = rng.uniform(0, n), int(rng.integers(1, 6))
            cols = np.arange(int(rng.uniform(0, 0.4) * m), int(rng.uniform(0.5, 1) * m) + 1)
            rows = np.rint(y0 + (cols - m / 2) * tilt).astype(int)
            for k in range(thick):
                ok = (rows + k >= 0) & (rows + k < n)
                if transpose:
                    x[cols[ok], rows[ok] + k] = rng.uniform(0.2, 1)
                else:
                    x[rows[ok] + k, cols[ok]] = rng.uniform(0.2, 1)
    return x


def test_ruled_lines_are_found_as_one_angle_at_a_time():
    """subject.ruled_lines judges every angle's runs at once: the same pixels as main's loop over angles."""
    from cnnviz.teach.subject import _lines_one_way, ruled_lines

    def before(x, level, min_lines=3):
        found = np.zeros(x.shape, bool)
        for image, transpose in ((x, False), (x.T, True)):
            lines = _lines_one_way_before(image > level, 0.5, 3)
            if len(lines) >= min_lines:
                band = np.zeros(image.shape, bool)
                for rows, cols in lines:
                    band[rows, cols] = True
                found |= band.T if transpose else band
        return found
    rng = np.random.default_rng(8)
    seen = set()
    for _ in range(500):
        h, w = (int(v) for v in rng.integers(1, 130, 2))
        x = _ruled(rng, h, w)
        level = float(rng.uniform(0.05, 0.5))
        expected = before(x, level)
        assert np.array_equal(ruled_lines(x, level), expected), (h, w)
        on = x > level
        one, other = _lines_one_way(on, 0.5, 3), _lines_one_way_before(on, 0.5, 3)
        assert len(one) == len(other) and all(np.array_equal(a, c) and np.array_equal(b, d)
                                              for (a, b), (c, d) in zip(one, other)), (h, w)
        seen.add((expected.any(), len(other)))
    assert {(True, 3), (False, 0), (False, 1)} <= seen and max(n for _, n in seen) >= 5


def test_median_is_numpys_bit_for_bit():
    from cnnviz.teach.preprocess import median
    rng = np.random.default_rng(9)
    arrays = [np.array([-0.0]), np.array([-0.0, -0.0]), np.array([-0.0, 0.0, -0.0])]
    for _ in range(3000):
        n = int(rng.integers(1, 2000))
        arrays.append([rng.random(n), rng.integers(0, 5, n) / 4, rng.normal(0, 1e300, n),
                       rng.random((n % 40 + 1, 7)) * (rng.random((n % 40 + 1, 7)) < 0.3)][int(rng.integers(0, 4))])
    for x in arrays:
        assert np.float64(median(x)).tobytes() == np.median(x).tobytes(), x


def test_opening_is_the_max_filter_of_the_min_filter():
    from cnnviz.teach.subject import max_filter, min_filter, opening
    rng = np.random.default_rng(10)
    for _ in range(300):
        h, w = (int(v) for v in rng.integers(1, 100, 2))
        x, k = rng.random((h, w)) * (rng.random((h, w)) < 0.8), int(rng.integers(1, 40))
        assert np.array_equal(opening(x, k), max_filter(min_filter(x, k), k)), (h, w, k)


def _pick_subject_before(x, mask, join, seed):
    """subject.pick_subject as main wrote it at 90cc96b (a label image, np.unique, np.isin), to compare with."""
    from cnnviz.teach import blobs
    from cnnviz.teach.subject import Subject, _choose, _measured
    r = blobs.runs(mask)
    pixel, comps = _measured(x, mask, r, blobs.components(r))
    labels = np.zeros(mask.size, np.int32)
    labels[np.flatnonzero(mask)] = pixel + 1
    labels = labels.reshape(mask.shape)
    if seed > 0 and comps:
        reaching = set(np.unique(labels[x >= seed]).tolist())
        comps = [c for c in comps if c.index in reaching]
    if not comps:
        return Subject(mask, 0, False)
    keep, others, frame_removed = _choose(comps, x.shape, join, 0.3)
    return Subject(np.isin(labels, keep), others, frame_removed)


def test_pick_subject_keeps_what_the_label_image_kept():
    from cnnviz.teach.subject import pick_subject
    from test_scribbles import _blobby
    rng = np.random.default_rng(11)
    seen = set()
    for _ in range(600):
        h, w = (int(v) for v in rng.integers(1, 100, 2))
        x = _blobby(rng, h, w) * (rng.random((h, w)) < rng.uniform(0.5, 1))
        mask = x > rng.uniform(0.05, 0.3)
        seed, join = float(rng.choice([0.0, 0.3, 0.6, 0.9])), float(rng.choice([0.0, 0.2]))
        got, expected = pick_subject(x, mask, join=join, seed=seed), _pick_subject_before(x, mask, join, seed)
        assert got.mask.dtype == bool and np.array_equal(got.mask, expected.mask), (h, w, seed, join)
        assert got[1:] == expected[1:], (h, w, seed, join)
        seen.add((min(got.others, 2), got.frame_removed, bool(got.mask.sum() < mask.sum())))
    assert len(seen) >= 6
