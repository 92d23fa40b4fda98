"""A stroke's cheaper path gives exactly today's answers: animations and explanations written
from arrays are the same bytes as from nested lists."""
import numpy as np
import orjson
import pytest

from cnnviz.web import serialize
from cnnviz.web.json_provider import OPTIONS, _encode


@pytest.mark.parametrize("model_id", ["digits", "fashion"])
def test_arrays_are_written_as_the_same_bytes_as_their_lists(app, model_id):
    from cnnviz.teach.animate import animate
    from cnnviz.teach.explain import explain
    model = app.extensions["cnnviz.models"].get(model_id)
    x = np.random.default_rng(1).random(model.input_shape, np.float32)[None]
    steps = model.trace(x)
    for step in steps:
        for detail in (animate(model, steps, step.name, 0, x, 0),
                       explain(model, steps, step.name, [0] * (step.output.ndim - 1), x)):
            as_lists = {"model": model_id, **{k: serialize.plain(v) for k, v in detail.items()}}
            assert _encode(serialize.arithmetic_response(model, detail)) == orjson.dumps(as_lists, option=OPTIONS)


def test_arrays_orjson_cannot_write_fall_back_to_lists():
    strided = np.arange(6.0).reshape(2, 3).T
    assert _encode({"a": strided, "b": np.array(2.5), "big": 10**30}) == b'{"a":[[0.0,3.0],[1.0,4.0],[2.0,5.0]],"b":2.5,"big":1000000000000000000000000000000}'
