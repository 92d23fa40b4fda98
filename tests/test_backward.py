"""The backward pass for learners: PyTorch's gradients (a fixture), every explanation checked
numerically in float64, Karn's numbers, and the API (backward, explain, animate, step)."""
import base64
import math
from pathlib import Path

import numpy as np
import pytest

from cnnviz.bench.reference_gradients import FIXTURE, LOSSES, relative_difference
from cnnviz.engine.model import Model, models_dir
from cnnviz.teach import backward as B
from test_model import SMALL, float64_model

MODELS = {m: Model.load(models_dir() / f"{m}.json").freeze() for m in ("digits", "fashion")}


# ------------------------------------------------------- PyTorch autograd, from the fixture
@pytest.mark.parametrize("model_id", ["digits", "fashion"])
@pytest.mark.parametrize("case", ["true", "wrong"])
@pytest.mark.parametrize("loss", LOSSES)
def test_gradients_equal_pytorch_autograd(model_id, case, loss):
    """Every layer output's and every parameter's gradient within 1e-4 of PyTorch (max |diff| / max |ref|).
    The fixture comes from `python -m cnnviz reference-gradients` run where torch is installed."""
    model = MODELS[model_id]
    with np.load(FIXTURE) as ref:
        x, label = ref[f"{model_id}/{case}/x"], int(ref[f"{model_id}/{case}/label"])
        key = f"{model_id}/{case}/{loss}"
        bw = B.backward(model, x, label, loss)
        assert bw.value == pytest.approx(float(ref[f"{key}/loss"]), rel=1e-5)
        names = [f"out/{k}" for k in bw.output_grads] + [f"param/{k}" for k in bw.grads]
        assert sorted(names) == sorted(k[len(key) + 1:] for k in ref.files if k.startswith(key + "/") and "/loss" not in k)
        for name in names:
            ours = bw.output_grads[name[4:]] if name.startswith("out/") else bw.grads[name[6:]]
            assert relative_difference(ours, ref[f"{key}/{name}"]) <= 1e-4, name
            assert np.abs(ref[f"{key}/{name}"]).max() > 0 or np.abs(ours).max() == 0


# ----------------------------------------------------------------------- Karn's example
def test_karn_total_error_is_055():
    e = B.karn_example()
    np.testing.assert_allclose(e["terms"], [0.02, 0.08, 0.405, 0.045])
    assert e["value"] == pytest.approx(0.55)
    np.testing.assert_allclose(e["output_gradient"], [0.2, 0.4, -0.9, 0.3])


def test_squared_error_loss_is_karns_formula_on_the_model():
    model = MODELS["digits"]
    x = np.random.default_rng(0).random((1, 1, 32, 32), dtype=np.float32)
    bw = B.backward(model, x, 4, "squared_error")
    parts = B.loss_parts(model, bw)
    p = model.forward(x)[0].astype(np.float64)
    assert parts["value"] == pytest.approx(0.5 * ((np.eye(10)[4] - p) ** 2).sum(), rel=1e-6)
    assert parts["value"] == pytest.approx(bw.value, rel=1e-5)


# -------------------------------------------------- float64 numeric checks of every explanation
def numeric_loss(model, label, loss, index, value):
    """The loss with layer index's output replaced by value (index -1: the input)."""
    h = value
    for i in range(index + 1, len(model.layers)):
        h, _ = model.layers[i].forward(h, model.layer_params(i))
    p = h[0]
    if loss == "cross_entropy":
        if model.layers[-1].kind != "softmax":  # the loss applies the softmax to the scores
            return float(np.log(np.exp(p - p.max()).sum()) + p.max() - p[label])
        return -math.log(p[label])
    return 0.5 * float(((np.eye(len(p))[label] - p) ** 2).sum())


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("layers", [SMALL, SMALL[:-1]], ids=["softmax", "scores"])
def test_every_output_gradient_explanation_matches_a_numeric_derivative(loss, layers):
    """Each explanation's float64 sum equals (L(h + eps) - L(h - eps)) / 2 eps for that output h,
    on a float64 model with every kind, padding, stride 2 and dilation 2 (ending in a softmax, or
    in scores that the cross-entropy turns into probabilities itself)."""
    model = float64_model(layers, (2, 9, 9), seed=1)
    rng = np.random.default_rng(2)
    x = rng.random((1, 2, 9, 9))
    label, eps = 3, 1e-6
    bw = B.backward(model, x, label, loss)
    outputs = [x] + [s.output for s in bw.steps]
    for index, name in enumerate([B.INPUT] + [layer.name for layer in model.layers]):
        shape = outputs[index].shape[1:]
        for _ in range(4):
            where = tuple(int(rng.integers(n)) for n in shape)
            e = B.explain_output_gradient(model, bw, name, list(where))
            h = outputs[index].copy()
            h[(0, *where)] += eps
            up = numeric_loss(model, label, loss, index - 1, h)
            h[(0, *where)] -= 2 * eps
            down = numeric_loss(model, label, loss, index - 1, h)
            numeric = (up - down) / (2 * eps)
            assert e["sum"] == pytest.approx(numeric, rel=1e-5, abs=1e-9), (name, where, e["rule"])
            assert e["sum"] == pytest.approx(e["gradient"], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("loss", LOSSES)
def test_every_parameter_gradient_explanation_matches_its_gradient_check(loss):
    model = float64_model(SMALL, (2, 9, 9), seed=1)
    rng = np.random.default_rng(3)
    bw = B.backward(model, rng.random((1, 2, 9, 9)), 1, loss)
    for name, value in model.params.items():
        for _ in range(3):
            where = [int(rng.integers(n)) for n in value.shape]
            e = B.explain_param_gradient(model, bw, name, where, epsilon=1e-6)
            assert e["sum"] == pytest.approx(e["gradient"], rel=1e-9, abs=1e-12), name
            assert e["check"]["numeric"] == pytest.approx(e["sum"], rel=1e-5, abs=1e-9), name
            assert e["check"]["relative_difference"] < 1e-5


def test_explanations_add_up_on_the_shipped_models():
    """float32 engine values against the float64 sums of their explanation, every layer, both models."""
    rng = np.random.default_rng(4)
    for model in MODELS.values():
        x = rng.random((1, *model.input_shape), dtype=np.float32)
        bw = B.backward(model, x, 2)
        for name in [B.INPUT] + [layer.name for layer in model.layers]:
            g = bw.output_grads[name]
            where = np.unravel_index(int(np.abs(g).argmax()), g.shape)
            e = B.explain_output_gradient(model, bw, name, [int(v) for v in where])
            assert e["sum"] == pytest.approx(e["gradient"], rel=1e-4, abs=1e-7), name


def test_max_pool_sends_the_gradient_to_the_first_maximum_only():
    model = float64_model([{"name": "p", "kind": "maxpool", "size": 2}, {"name": "f", "kind": "flatten"},
                           {"name": "d", "kind": "dense", "units": 3}], (1, 2, 2))
    x = np.array([[[[1.0, 1.0], [0.0, 1.0]]]])  # a three-way tie
    bw = B.backward(model, x, 0)
    first = B.explain_output_gradient(model, bw, B.INPUT, [0, 0, 0])
    second = B.explain_output_gradient(model, bw, B.INPUT, [0, 0, 1])
    assert first["windows"][0]["is_winner"] and first["sum"] == bw.output_grads["p"][0, 0, 0] != 0
    assert not second["windows"][0]["is_winner"] and second["sum"] == 0 == bw.output_grads[B.INPUT][0, 0, 1]


def test_conv_input_gradient_is_the_full_convolution_with_the_flipped_kernel():
    model = float64_model([{"name": "c", "kind": "conv", "filters": 1, "kernel": 3},
                           {"name": "f", "kind": "flatten"}, {"name": "d", "kind": "dense", "units": 2}], (1, 5, 5))
    bw = B.backward(model, np.random.default_rng(5).random((1, 1, 5, 5)), 1)
    dout, w = bw.output_grads["c"][0], model.params["c.weight"][0, 0]
    full = np.pad(dout, 2)
    flipped = w[::-1, ::-1]
    expected = np.array([[(full[y:y + 3, x:x + 3] * flipped).sum() for x in range(5)] for y in range(5)])
    np.testing.assert_allclose(bw.output_grads[B.INPUT][0], expected)
    e = B.explain_output_gradient(model, bw, B.INPUT, [0, 2, 1])
    np.testing.assert_allclose(e["flipped_weights"][0], flipped)
    np.testing.assert_allclose(e["dout_patches"][0], full[2:5, 1:4])


def test_conv_weight_gradient_animation_accumulates_to_the_gradient():
    model = MODELS["fashion"]
    bw = B.backward(model, np.random.default_rng(6).random((1, 1, 28, 28), dtype=np.float32), 5)
    frames = B.animate_gradient(model, bw, "conv1_2", 3, focus=7)
    np.testing.assert_allclose(frames["accumulated"][-1], bw.grads["conv1_2.weight"][3, 7], rtol=1e-4, atol=1e-7)
    assert frames["bias_running"][-1] == pytest.approx(float(bw.grads["conv1_2.bias"][3]), rel=1e-4)
    for layer in model.layers:
        B.animate_gradient(model, bw, layer.name, 0)


def test_step_lowers_the_loss_and_never_touches_the_shared_model():
    model = MODELS["digits"]
    before = {k: v.copy() for k, v in model.params.items()}
    x = np.random.default_rng(7).random((1, 1, 32, 32), dtype=np.float32)
    bw = B.backward(model, x, 6)
    new = B.sgd_step(model, bw, 0.01)
    assert B.loss_value(model.with_params(new), x, 6, "cross_entropy") < bw.value
    for k, v in model.params.items():
        np.testing.assert_array_equal(v, before[k])
        np.testing.assert_allclose(new[k], v - 0.01 * bw.grads[k], rtol=1e-6, atol=1e-9)


# ----------------------------------------------------------------------------- the API
PIXELS = (np.random.default_rng(8).random((28, 28)) * (np.random.default_rng(9).random((28, 28)) > 0.7)).round(3).tolist()


def decode(entry):
    g = entry["gradient"]
    return np.frombuffer(base64.b64decode(g["data"]), "<f2").astype(np.float64).reshape(g["shape"]) * g.get("scale", 1)


def test_backward_endpoint_sends_every_gradient(client):
    body = client.post("/api/models/digits/backward?encoding=list", json={"pixels": PIXELS, "label": 3}).get_json()
    bw = B.backward(MODELS["digits"], np.pad(np.array(PIXELS, np.float32), 2)[None, None], 3)
    assert body["value"] == pytest.approx(bw.value, rel=1e-6) and body["loss"] == "cross_entropy"
    assert [l["name"] for l in body["layers"]] == [l.name for l in MODELS["digits"].layers]
    assert [p["name"] for p in body["params"]] == list(MODELS["digits"].params)
    for layer in body["layers"]:
        np.testing.assert_allclose(layer["gradient"], bw.output_grads[layer["name"]], rtol=1e-6, atol=1e-12)
    assert body["loss_parts"]["value"] == pytest.approx(-math.log(body["probabilities"][3]), rel=1e-6)


def test_scaled_float16_keeps_small_gradients(client):
    body = client.post("/api/models/digits/backward", json={"pixels": PIXELS, "label": 3}).get_json()
    for entry in body["layers"] + body["params"] + [body["input_gradient"]]:
        g = decode(entry)
        top = max(abs(entry["min"]), abs(entry["max"]))
        if top:
            assert np.abs(g).max() == pytest.approx(top, rel=1e-3), entry["name"]


def test_backward_explain_neuron_weight_and_check(client):
    base = {"pixels": PIXELS, "label": 7, "loss": "squared_error"}
    e = client.post("/api/models/digits/backward/explain", json={**base, "layer": "fc3", "neuron": [2]}).get_json()
    assert e["rule"] == "softmax" and e["sum"] == pytest.approx(e["gradient"], rel=1e-5)
    e = client.post("/api/models/digits/backward/explain", json={**base, "param": "conv2.weight",
                                                                  "index": [1, 2, 3, 4]}).get_json()
    assert e["sum"] == pytest.approx(e["gradient"], rel=1e-4, abs=1e-9)
    assert e["check"]["numeric"] == pytest.approx(e["check"]["backprop"], rel=1e-3, abs=1e-9)
    assert e["check"]["epsilon"] == 1e-4


def test_step_and_step_again_with_the_weights_sent_back(client):
    base = {"pixels": PIXELS, "label": 5, "learning_rate": 0.01}
    first = client.post("/api/models/digits/step", json=base).get_json()
    assert first["after"]["loss"] < first["before"]["loss"]
    assert first["after"]["examples"]["count"] == len(client.get("/api/models/digits/examples").get_json()["examples"])
    second = client.post("/api/models/digits/step", json={**base, "weights": first["weights"]}).get_json()
    assert second["before"]["loss"] == pytest.approx(first["after"]["loss"], rel=1e-6)
    assert second["after"]["loss"] < second["before"]["loss"]
    again = client.post("/api/models/digits/step", json=base).get_json()  # the shared model is unchanged
    assert again["before"]["loss"] == first["before"]["loss"]


def test_too_large_a_learning_rate_makes_the_loss_jump_up(client):
    """Squared error on a wrong label: a small step lowers the loss, a large one overshoots."""
    examples = client.get("/api/models/fashion/examples").get_json()["examples"]
    with np.load(models_dir() / "fashion-examples.npz") as npz:
        pixels = (npz["images"][0] / 255).round(4).tolist()
    label = (examples[0]["label"] + 1) % 10
    steps = {lr: client.post("/api/models/fashion/step", json={"pixels": pixels, "label": label, "loss": "squared_error",
                                                              "learning_rate": lr}).get_json() for lr in (0.01, 1)}
    assert steps[0.01]["after"]["loss"] < steps[0.01]["before"]["loss"] < steps[1]["after"]["loss"]


@pytest.mark.parametrize("path,extra,status,code", [
    ("backward", {"label": 10}, 422, "label.invalid"),
    ("backward", {"label": "3"}, 422, "label.invalid"),
    ("backward", {}, 422, "label.invalid"),
    ("backward", {"label": 3, "loss": "hinge"}, 400, "loss.invalid"),
    ("backward", {"label": 3, "weights": {"conv1.weight": [1, 2]}}, 400, "weights.shape"),
    ("backward/explain", {"label": 3}, 400, "field.missing"),
    ("backward/explain", {"label": 3, "param": "conv9.weight", "index": [0]}, 404, "param.unknown"),
    ("backward/explain", {"label": 3, "param": "conv1.weight", "index": [9, 0, 0, 0]}, 422, "neuron.invalid"),
    ("backward/explain", {"label": 3, "param": "conv1.bias", "index": [0], "epsilon": 0}, 400, "field.range"),
    ("backward/explain", {"label": 3, "layer": "pool9", "neuron": [0]}, 404, "layer.unknown"),
    ("backward/animate", {"label": 3, "layer": "conv2", "channel": 16}, 422, "channel.invalid"),
    ("backward/animate", {"label": 3, "layer": "conv2", "focus": 6}, 422, "channel.invalid"),
    ("step", {"label": 3}, 400, "field.missing"),
    ("step", {"label": 3, "learning_rate": 0}, 400, "field.range"),
    ("step", {"label": 3, "learning_rate": 1e9}, 400, "field.range"),
    ("step", {"label": 3, "learning_rate": True}, 400, "field.range"),
])
def test_bad_requests_get_coded_errors(client, path, extra, status, code):
    r = client.post(f"/api/models/digits/{path}", json={"pixels": PIXELS, **extra})
    assert r.status_code == status and r.get_json()["code"] == code, r.get_json()


def test_karn_example_endpoint(client):
    body = client.get("/api/backward/example").get_json()
    assert body["value"] == pytest.approx(0.55) and body["target"] == [0, 0, 1, 0]


def test_fixture_is_small():
    assert Path(FIXTURE).stat().st_size < 2_000_000


from hypothesis import given, settings, strategies as st  # noqa: E402

JSON_VALUES = st.recursive(st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
                           max_leaves=30)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(["pixels", "label", "loss", "weights", "layer", "neuron", "param", "index",
                                        "epsilon", "learning_rate", "channel", "focus"]), JSON_VALUES, max_size=6))
def test_any_json_body_gets_a_clean_answer(app, body):
    client = app.test_client()
    body = {"pixels": PIXELS, "label": 1, **body}
    for path in ("backward", "backward/explain", "backward/animate", "step"):
        r = client.post(f"/api/models/digits/{path}", json=body)
        assert r.status_code < 500 and r.is_json, (path, r.get_data(as_text=True)[:300])
