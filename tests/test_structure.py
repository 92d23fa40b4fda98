"""The shape of the code, checked: a model is only its files, layer kinds live in one table,
the OpenAPI document covers every route, and the shared model is never written to."""
import re

import numpy as np
import pytest

from cnnviz.engine.kinds import KINDS
from cnnviz.engine.reference_ops import conv_forward_loops, pool_forward_loops
from cnnviz.web import create_app
from zoo import ZOO, write_models_folder


@pytest.fixture(scope="module")
def zoo_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models")
    model = write_models_folder(folder)
    app = create_app({"TESTING": True, "MODELS_DIR": str(folder)})
    return app, model


def test_the_zoo_uses_every_kind_and_hyperparameter():
    kinds = {layer["kind"] for layer in ZOO["layers"]}
    assert kinds == set(KINDS)
    convs = [layer for layer in ZOO["layers"] if layer["kind"] == "conv"]
    assert {"stride", "padding", "dilation"} <= {k for c in convs for k in c}


def test_a_new_model_is_only_its_files(zoo_app):
    """Dropping zoo.json + zoo.npz into the models folder is all it takes to serve it."""
    app, model = zoo_app
    client = app.test_client()
    ids = [m["id"] for m in client.get("/api/models").get_json()["models"]]
    assert ids == ["digits", "fashion", "zoo"]
    layers = client.get("/api/models/zoo").get_json()["layers"]
    assert [l["name"] for l in layers] == [l["name"] for l in ZOO["layers"]]
    pixels = np.random.default_rng(0).random((28, 28)).round(2).tolist()
    r = client.post("/api/models/zoo/predict?encoding=list", json={"pixels": pixels})
    assert r.status_code == 200
    x = np.asarray(pixels, np.float32)[None, None]
    truth = model.trace(x)
    got = r.get_json()["layers"]
    for step, layer in zip(truth, got):
        np.testing.assert_allclose(np.asarray(layer["output"]), step.output[0], rtol=1e-6, atol=1e-7)


def _ask(client, what, layer, pixels, **extra):
    r = client.post(f"/api/models/zoo/{what}", json={"pixels": pixels, "layer": layer, **extra})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_every_kind_explains_and_animates_with_stride_padding_dilation(zoo_app):
    app, model = zoo_app
    client = app.test_client()
    pixels = np.random.default_rng(1).random((28, 28)).round(2).tolist()
    x = np.asarray(pixels, np.float64)[None, None]
    steps = model.trace(x.astype(np.float32))
    inputs = [x[0].astype(np.float32).astype(np.float64)] + [s.output[0].astype(np.float64) for s in steps[:-1]]
    for i, layer in enumerate(model.layers):
        out = steps[i].output[0]
        neuron = [min(1, d - 1) for d in out.shape] if out.ndim == 3 else [out.shape[0] - 1]
        e = _ask(client, "explain", layer.name, pixels, neuron=neuron)
        assert e["kind"] == layer.kind and e["output"] == pytest.approx(float(out[tuple(neuron)]), rel=1e-6)
        p = {k: v.astype(np.float64) for k, v in model.layer_params(i).items()}
        if layer.kind == "conv":  # the loop reference, with this layer's stride, padding and dilation
            ref = conv_forward_loops(inputs[i][None], p["weight"], p["bias"], layer.stride, layer.padding,
                                     layer.dilation)[0][tuple(neuron)]
            assert e["sum"] == pytest.approx(ref, rel=1e-9)
            assert e["channel_total"] + e["bias"] == pytest.approx(e["sum"], rel=1e-12)
            assert np.sum(e["products"]) == pytest.approx(e["channel_total"], rel=1e-9)
        elif layer.kind in ("maxpool", "avgpool"):
            ref = pool_forward_loops(inputs[i][None], layer.size, layer.stride, layer.kind[:3])[0][tuple(neuron)]
            assert e["output"] == pytest.approx(ref, rel=1e-6)
        elif layer.kind == "dense":
            assert e["shown_sum"] + e["rest_sum"] + e["bias"] == pytest.approx(e["sum"], rel=1e-12)
            assert e["running"][-1] == pytest.approx(e["shown_sum"])
        channel = 0 if out.ndim == 3 or layer.kind == "dense" else None
        a = _ask(client, "animate", layer.name, pixels, **({"channel": channel} if channel is not None else {}))
        assert a["kind"] == layer.kind and a["input_layer"] == (model.layers[i - 1].name if i else None)


def _openapi_path(rule):
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def test_openapi_documents_every_api_route(client, app):
    spec = client.get("/api/openapi.json").get_json()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = _openapi_path(rule.rule)
        assert path in spec["paths"], f"{path} is served but not documented"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in spec["paths"][path], f"{method} {path} is not documented"
    assert spec["components"]["schemas"]["Layer"]["properties"]["kind"]["enum"] == sorted(KINDS)


def test_the_shared_model_is_read_only_and_overrides_stay_per_request(app):
    model = app.extensions["cnnviz.models"].get("digits")
    with pytest.raises(ValueError):
        model.params["conv1.weight"][0, 0, 0, 0] = 1.0
    client = app.test_client()
    pixels = np.zeros((28, 28)).tolist()
    pixels[10][10] = 1.0
    zero = {"conv1.bias": {"filter": 0, "value": 5.0}}
    r = client.post("/api/models/digits/explain", json={"pixels": pixels, "layer": "conv1", "neuron": [0, 0, 0],
                                                        "weights": zero})
    plain = client.post("/api/models/digits/explain", json={"pixels": pixels, "layer": "conv1",
                                                            "neuron": [0, 0, 0]}).get_json()
    assert plain["bias"] == pytest.approx(float(model.params["conv1.bias"][0]))
    assert r.status_code == 200 and r.get_json()["bias"] == 5.0
    assert float(model.params["conv1.bias"][0]) != 5.0
