"""Faster preprocessing must not change what a drawing becomes: every step, the network's
input and the whole trace are held bit-for-bit equal to main's (tests/data/drawings-reference.json)."""
import json
from pathlib import Path

import pytest

from drawings import reference

REFERENCE = json.loads((Path(__file__).parent / "data" / "drawings-reference.json").read_text())


@pytest.fixture(scope="module")
def today():
    return reference()


def test_drawings_preprocess_and_trace_exactly_as_before(today):
    assert today.keys() == REFERENCE.keys()
    changed = [k for k in REFERENCE if today[k] != REFERENCE[k]]
    assert not changed, f"{len(changed)} arrays differ, e.g. {changed[:5]}"
