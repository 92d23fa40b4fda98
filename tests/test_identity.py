"""Faster preprocessing must not change what a drawing becomes: every step, the network's
input and the whole trace are held bit-for-bit equal to main's (tests/data/drawings-reference.json)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
REFERENCE = json.loads((HERE / "data" / "drawings-reference.json").read_text())


@pytest.fixture(scope="module")
def today(tmp_path_factory):
    """The digests made now, in a process whose OpenBLAS works as it did when the reference was made:
    Haswell's (AVX2) kernels and two threads. OpenBLAS picks its matrix kernels by the CPU and splits
    the work by its thread count, and both change the last bit of the layers' sums: on an AVX-512
    machine every trace differed, and with one thread fashion's did (the steps and the network's
    input did not). The code is held equal; the machine is not the code's change."""
    out = tmp_path_factory.mktemp("identity") / "today.json"
    env = {**os.environ, "OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_NUM_THREADS": "2",
           "PYTHONPATH": str(HERE.parent)}
    subprocess.run([sys.executable, str(HERE / "drawings.py"), str(out)], env=env, check=True, timeout=300)
    return json.loads(out.read_text())


def test_drawings_preprocess_and_trace_exactly_as_before(today):
    assert today.keys() == REFERENCE.keys()
    changed = [k for k in REFERENCE if today[k] != REFERENCE[k]]
    assert not changed, f"{len(changed)} arrays differ, e.g. {changed[:5]}"


def test_separable_opening_equals_pillows_rank_filters():
    """drawing.remove_shading's opening (NumPy, separable) gives Pillow's MinFilter + MaxFilter values."""
    import numpy as np
    from PIL import Image, ImageFilter
    from cnnviz.teach.subject import opening
    rng = np.random.default_rng(0)
    for _ in range(100):
        h, w = rng.integers(1, 40, 2)
        k = int(rng.choice([3, 5, 7, 9]))
        a = rng.random((h, w)).astype(np.float32)
        img = Image.fromarray(a, "F")
        expected = np.asarray(img.filter(ImageFilter.MinFilter(k)).filter(ImageFilter.MaxFilter(k)))
        assert np.array_equal(opening(a, k), expected), (h, w, k)


def test_a_canvas_is_decoded_once_per_stroke_and_shrunk_as_before(monkeypatch):
    """The pad's canvas is recognised once per input, and its grey levels equal to_gray's, shrunk."""
    import numpy as np
    from PIL import Image
    from cnnviz.teach import decode, preprocess
    from drawings import drawing_pngs
    import io
    calls = []
    real = decode.grey_canvas
    monkeypatch.setattr(decode, "grey_canvas", lambda img: calls.append(1) or real(img))
    monkeypatch.setattr(preprocess, "grey_canvas", decode.grey_canvas, raising=False)
    png = dict(drawing_pngs())["rgba0"]
    img = decode.decode_image(png)
    preprocess.prepare(img, (1, 32, 32))
    assert len(calls) == 1
    gray = decode.to_gray(img)
    shrunk = Image.fromarray(gray.astype(np.float32), "F").resize((128, 128), Image.Resampling.BOX)
    assert np.array_equal(decode.work_gray(img), np.asarray(shrunk, dtype=np.float64))


def _flood_labels(mask):
    """A plain 8-connected flood fill, numbering components by their first pixel in reading order."""
    import numpy as np
    h, w = mask.shape
    ids, n = np.zeros((h, w), np.int32), 0
    for y in range(h):
        for x in range(w):
            if mask[y, x] and not ids[y, x]:
                n += 1
                todo = [(y, x)]
                ids[y, x] = n
                while todo:
                    cy, cx = todo.pop()
                    for ny in range(max(0, cy - 1), min(h, cy + 2)):
                        for nx in range(max(0, cx - 1), min(w, cx + 2)):
                            if mask[ny, nx] and not ids[ny, nx]:
                                ids[ny, nx] = n
                                todo.append((ny, nx))
    return ids, n


def test_run_union_find_labels_like_a_flood_fill():
    """subject.label (union-find over row runs) numbers components exactly as a flood fill does."""
    import numpy as np
    from cnnviz.teach.subject import label
    rng = np.random.default_rng(1)
    for _ in range(150):
        h, w = rng.integers(1, 30, 2)
        mask = rng.random((h, w)) < rng.random()
        ids, n = label(mask)
        expected, count = _flood_labels(mask)
        assert n == count and np.array_equal(ids, expected), (h, w)
