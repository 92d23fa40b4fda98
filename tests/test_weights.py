import numpy as np, pytest
from cnnviz.engine.model import Model
from cnnviz.errors import InputError
from cnnviz.training.presets import DIGITS
from cnnviz.web.weights import overrides, encode

def test_overrides():
    m = Model(DIGITS["layers"], DIGITS["input_shape"]).freeze()
    w = overrides({"weights": {"conv1.weight": {"filter": 2, "values": np.ones((1, 5, 5)).tolist()},
                               "conv1.bias": {"filter": 2, "value": 0.5},
                               "fc3.bias": encode(np.arange(10, dtype=np.float32))}}, m)
    twin = m.with_params(w)
    assert (twin.params["conv1.weight"][2] == 1).all() and twin.params["conv1.bias"][2] == 0.5
    assert (twin.params["conv1.weight"][1] == m.params["conv1.weight"][1]).all()
    assert not (m.params["conv1.weight"][2] == 1).all()
    assert list(twin.params["fc3.bias"]) == list(range(10))
    for bad, code in [({"nope": 1}, "weights.unknown"), ({"conv1.bias": {"filter": 6, "value": 1}}, "weights.filter"),
                      ({"conv1.bias": [1, 2]}, "weights.shape"), ({"conv1.bias": [float("nan")] * 6}, "weights.range")]:
        with pytest.raises(InputError) as e:
            overrides({"weights": bad}, m)
        assert e.value.code == code
