"""The drawing path's cheaper steps change nothing: 328 varied pad drawings (several blobs, dots, thin
lines, strokes off the border, white on black, grey ink, other sizes, empty pads) give every step,
the network input and every notice bit for bit as main did (tests/data/scribbles-reference.json),
and the run-based blob count agrees with pick_subject on random masks."""
import json
from pathlib import Path

import numpy as np
import pytest

from scribbles import outcomes, scribbles

REFERENCE = json.loads((Path(__file__).parent / "data" / "scribbles-reference.json").read_text())


@pytest.mark.parametrize("model_id", ["digits", "fashion"])
def test_scribbles_prepare_exactly_as_before(model_id):
    drawings = scribbles()
    assert len(drawings) == len(REFERENCE) // 2
    changed = [key for key, value in outcomes(drawings, (model_id,)).items() if value != REFERENCE[key]]
    assert not changed, f"{len(changed)} drawings differ, e.g. {changed[:5]}"


def test_the_reference_holds_what_the_count_must_keep():
    """Several blobs, one blob, the empty pad's error: the reference exercises each."""
    values = list(REFERENCE.values())
    assert values.count("error image.no_ink") == 2 and len(set(values)) > 600


def _blobby(rng, h, w):
    """Random ink x (H, W) in [0, 1] with a few blobs of different strength, some on the border."""
    x = np.zeros((h, w))
    for _ in range(rng.integers(1, 7)):
        cy, cx = rng.integers(0, h), rng.integers(0, w)
        ry, rx = rng.integers(1, max(2, h // 3)), rng.integers(1, max(2, w // 3))
        ys, xs = np.ogrid[:h, :w]
        inside = ((ys - cy) / ry) ** 2 + ((xs - cx) / rx) ** 2 <= 1
        x = np.maximum(x, inside * rng.uniform(0.15, 1.0) * rng.uniform(0.5, 1.0, (h, w)))
    return x


def test_other_blobs_counts_as_pick_subject():
    from cnnviz.teach.subject import other_blobs, pick_subject
    rng = np.random.default_rng(3)
    seen = set()
    for _ in range(400):
        h, w = rng.integers(8, 90, 2)
        x = _blobby(rng, h, w)
        mask = x > 0.1
        seed = float(rng.choice([0.0, 0.3, 0.6]))
        expected = pick_subject(x, mask, seed=seed).others
        assert other_blobs(x, mask, seed=seed) == expected, (h, w, seed)
        seen.add(expected)
    assert {0, 1, 2} <= seen


@pytest.mark.parametrize("small", [0, 10 ** 9])
def test_both_union_finds_label_as_a_flood_fill(monkeypatch, small):
    """blobs.components' loop (few runs) and its NumPy passes (many) number components alike."""
    from cnnviz.teach import blobs
    from test_identity import _flood_labels
    monkeypatch.setattr(blobs, "SMALL", small)
    rng = np.random.default_rng(2)
    for _ in range(120):
        h, w = rng.integers(1, 40, 2)
        mask = rng.random((h, w)) < rng.random()
        ids, n = blobs.label(mask)
        expected, count = _flood_labels(mask)
        assert n == count and np.array_equal(ids, expected), (h, w)


def test_thumbnails_average_as_pillows_reduce():
    """8-bit steps: Pillow's reduce bytes exactly (a grey step seen as three channels: its one channel);
    float steps in [0, 1]: its shape and, averaged before rounding, every pixel within one level."""
    import base64
    from PIL import Image
    from cnnviz.web.serialize import thumbnail, thumbnails
    rng = np.random.default_rng(4)

    def pillow(image, max_side=64):
        if image.dtype != np.uint8:
            image = np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8)
        factor = -(-max(image.shape[:2]) // max_side)
        return np.asarray(Image.fromarray(np.ascontiguousarray(image)).reduce(factor)) if factor > 1 else image

    def pixels(sent):
        return np.frombuffer(base64.b64decode(sent["data"]), np.uint8).reshape(sent["shape"])
    images = []
    for _ in range(300):
        h, w = (int(v) for v in rng.integers(1, 200, 2))
        kind = rng.integers(0, 4)
        if kind == 0:
            images.append(rng.integers(0, 256, (h, w, 3), dtype=np.uint8))
        elif kind == 1:
            grey = rng.integers(0, 256, (h, w), dtype=np.uint8)
            images.append(np.broadcast_to(grey[..., None], (h, w, 3)))
        else:
            x = rng.random((h, w)) * (rng.random((h, w)) < 0.6)
            images.append(x.astype(np.float32) if kind == 3 else x)
    for image, sent in zip(images, thumbnails(images)):
        expected = pillow(image)
        assert sent == thumbnail(image) and sent["shape"] == list(expected.shape), image.shape
        if image.dtype == np.uint8 or max(image.shape) <= 64:
            assert np.array_equal(pixels(sent), expected), image.shape
        else:
            assert np.abs(pixels(sent).astype(int) - expected).max() <= 1, image.shape


def test_wide_ink_known_without_shrinking_as_after():
    """drawing._no_wide_ink (4 x 4 blocks with any ink) says what the shrunk copy's erosion says."""
    from PIL import Image
    from cnnviz.teach.drawing import _no_wide_ink
    from cnnviz.teach.subject import min_filter
    rng = np.random.default_rng(5)
    seen = set()
    for i in range(600):
        h, w = (128, int(rng.choice([128, 64, 100]))) if i % 2 else (int(rng.choice([128, 64, 124])), 128)
        x = _blobby(rng, h, w) * (rng.random((h, w)) < rng.random())
        scale = 32 / max(h, w)
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        k = max(3, (min(size) // 4) | 1)
        small = np.asarray(Image.fromarray(x.astype(np.float32), "F").resize(size, Image.Resampling.BOX))
        assert _no_wide_ink(x, size, k) == (not min_filter(small, k).any()), (h, w)
        seen.add(_no_wide_ink(x, size, k))
    assert seen == {True, False}


def test_paper_tone_and_centre_of_mass_as_numpy_writes_them():
    """The shared helpers photos use too: paper_tone is np.median of the border; center_of_mass_shift
    is the np.indices / np.roll formulation, bit for bit."""
    from cnnviz.teach.drawing import paper_tone
    from cnnviz.teach.preprocess import center_of_mass_shift
    rng = np.random.default_rng(6)

    def shift(x):
        n = x.shape[0]
        ys, xs = np.indices(x.shape)
        dy = int(round((n - 1) / 2 - (ys * x).sum() / x.sum()))
        dx = int(round((n - 1) / 2 - (xs * x).sum() / x.sum()))
        rows, cols = np.nonzero(x > 0)
        dy = int(np.clip(dy, -rows.min(), n - 1 - rows.max()))
        dx = int(np.clip(dx, -cols.min(), n - 1 - cols.max()))
        return np.roll(np.roll(x, dy, axis=0), dx, axis=1)
    for _ in range(500):
        h, w = (int(v) for v in rng.integers(2, 40, 2))
        gray = rng.random((h, w)) if rng.random() < 0.5 else rng.integers(0, 3, (h, w)) / 2
        assert paper_tone(gray) == float(np.median(np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])))
        x = np.zeros((28, 28))
        t, l = (int(v) for v in rng.integers(0, 20, 2))
        x[t:t + 8, l:l + 8] = rng.random((8, 8)) * (rng.random((8, 8)) < 0.6)
        if x.sum() > 0:
            assert center_of_mass_shift(x).tobytes() == shift(x).tobytes()
