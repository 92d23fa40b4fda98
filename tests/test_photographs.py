"""The photo path's cheaper steps change nothing: 67 varied phone photos (page edges, tables, shadows,
ruled notebook paper, garments on wood and carpet; as made, as the page sends them, portrait, large,
PNG, grey, EXIF-rotated, small) give every step, the network input and every notice bit for bit as
main did (tests/data/photographs-reference.json), with both recipes."""
import json
from pathlib import Path

import pytest

from cnnviz.data import DataError
from scribbles import outcome

REFERENCE = json.loads((Path(__file__).parent / "data" / "photographs-reference.json").read_text())


@pytest.fixture(scope="module")
def made():
    from photographs import photographs
    try:
        return photographs()
    except DataError:
        pytest.skip("the digits or Fashion-MNIST data is not installed")


@pytest.mark.parametrize("model_id", ["digits", "fashion"])
def test_photographs_prepare_exactly_as_before(app, made, model_id):
    model = app.extensions["cnnviz.models"].get(model_id)
    recipe = model.meta.get("preprocess", "digit")
    assert len(made) == len(REFERENCE) // 2
    changed = [name for name, data in made
               if outcome(data, model.input_shape, recipe) != REFERENCE[f"{model_id}/{name}"]]
    assert not changed, f"{len(changed)} photos differ, e.g. {changed[:5]}"


def test_the_reference_is_varied():
    """Nearly every photo prepares differently, and one is refused."""
    values = list(REFERENCE.values())
    assert len(set(values)) > 0.9 * len(values) and "error image.nothing_found" in values
