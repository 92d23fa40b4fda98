"""A stroke in the "how it learns" views is one request: /predict's "backward" entry answers the
backward pass, its animations and its gradient explanations exactly as /backward, /backward/animate
and /backward/explain would for the same input (the JSON bodies are equal), with the learner's own
stepped weights or without, running the backward pass once; a bad entry is its own error body."""
import base64
import io
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from drawings import drawing_pngs

CONV1, CONV2 = {"digits": "conv1", "fashion": "conv1_1"}, {"digits": "conv2", "fashion": "conv2_1"}


def wanted(model_id):
    """What the panel may ask for with a stroke: its player's animation (the strongest channel, or a
    chosen one), its selected gradient and the network view's (a neuron's, a weight's, the loss's)."""
    conv1, conv2 = CONV1[model_id], CONV2[model_id]
    animate = [{"layer": conv2, "channel": "strongest", "focus": 1}, {"layer": "fc1", "channel": "strongest", "focus": 0},
               {"layer": conv1, "channel": 2, "focus": 0}, {"layer": "flatten", "channel": "strongest", "focus": 0}]
    explain = [{"layer": conv2, "neuron": [3, 4, 5]}, {"param": f"{conv1}.weight", "index": [1, 0, 2, 2]},
               {"loss_parts": True}]
    return animate, explain


def _predict(client, model_id, png, entry, encoding="f16"):
    r = client.post(f"/api/models/{model_id}/predict?encoding={encoding}",
                    data={"image": (io.BytesIO(png), "d.png"), "backward": json.dumps(entry)})
    assert r.status_code == 200
    return r.get_json()


def _alone(client, model_id, what, fields, encoding="f16"):
    r = client.post(f"/api/models/{model_id}/{what}?encoding={encoding}", json=fields)
    return {**r.get_json(), "status": r.status_code} if r.status_code != 200 else r.get_json()


def _decoded(entry):
    """A gradient map as backward/maps.js decodes it: float16 x scale in a Float32Array (or the list)."""
    g = entry["gradient"]
    if isinstance(g, list):
        return np.asarray(g, np.float32).ravel()
    half = np.frombuffer(base64.b64decode(g["data"]), "<f2").astype(np.float64)
    return (half * g.get("scale", 1)).astype(np.float32)


def _strongest_as_the_page_picks(entry):
    """backward/maps.js strongestChannel written again: the first channel with the largest total |value|,
    summed in order in float64; 0 for a layer without channels (backward/player.js fillChannels)."""
    if not (len(entry["shape"]) == 3 or entry["kind"] == "dense"):
        return 0
    data = _decoded(entry)
    count = entry["shape"][0]
    per = data.size // count
    best, best_total = 0, -1.0
    for c in range(count):
        total = 0.0
        for v in data[c * per:(c + 1) * per]:
            total += abs(float(v))
        if total > best_total:
            best, best_total = c, total
    return best


def _stepped_weights(client, model_id, png, label, learning_rate=0.01):
    """The learner's weights after one step of gradient descent, as the panel keeps them."""
    r = client.post(f"/api/models/{model_id}/step", data={"image": (io.BytesIO(png), "d.png"), "label": str(label),
                                                          "learning_rate": str(learning_rate)})
    assert r.status_code == 200
    return r.get_json()["weights"]


@pytest.mark.parametrize("model_id", ["digits", "fashion"])
@pytest.mark.parametrize("stepped", [False, True])
def test_the_backward_entry_answers_as_the_endpoints_would(client, model_id, stepped):
    png = drawing_pngs()[4][1]
    weights = _stepped_weights(client, model_id, png, 3) if stepped else None
    mine = {"weights": weights} if weights else {}
    ANIMATE, EXPLAIN = wanted(model_id)
    for label, loss, encoding in (("predicted", "cross_entropy", "f16"), (3, "squared_error", "list")):
        entry = {"label": label, "loss": loss, **mine, "animate": ANIMATE, "explain": EXPLAIN}
        body = _predict(client, model_id, png, entry, encoding)
        answers = body.pop("backward")
        plain = client.post(f"/api/models/{model_id}/predict?encoding={encoding}",
                            data={"image": (io.BytesIO(png), "d.png")}).get_json()
        assert body == plain  # the prediction is the shared model's, whatever the learner's weights
        used = body["prediction"]["index"] if label == "predicted" else label
        fields = {"input_id": body["input_id"], "label": used, "loss": loss, **mine}
        alone = _alone(client, model_id, "backward", fields, encoding)
        assert answers["answer"] == alone and alone["label"] == used
        assert len(answers["animations"]) == len(ANIMATE) and len(answers["explanations"]) == len(EXPLAIN)
        layers = {l["name"]: l for l in alone["layers"]}
        for asked, got in zip(ANIMATE, answers["animations"]):
            channel = _strongest_as_the_page_picks(layers[asked["layer"]]) if asked["channel"] == "strongest" \
                else asked["channel"]
            assert got == _alone(client, model_id, "backward/animate", {**fields, **asked, "channel": channel})
            assert got.get("channel", 0) == channel
        for asked, got in zip(EXPLAIN, answers["explanations"]):
            assert got == _alone(client, model_id, "backward/explain", {**fields, **asked}), asked
        assert not [a for a in answers["animations"] + answers["explanations"] if "code" in a]
    if stepped:  # the learner's weights were used: another loss than the shared model's
        shared = _predict(client, model_id, png, {"label": 3})["backward"]["answer"]
        assert shared["value"] != answers["answer"]["value"]


def test_a_bad_entry_is_its_own_error_and_the_prediction_stands(client):
    png = drawing_pngs()[2][1]
    plain = client.post("/api/models/digits/predict", data={"image": (io.BytesIO(png), "d.png")}).get_json()
    fields = {"input_id": plain["input_id"], "label": 1}
    entry = {"label": 1, "animate": [{"layer": "nope", "channel": 0}, {"layer": "conv1", "channel": 99}],
             "explain": [{"param": "conv1.weight", "index": [0, 0, 9, 9]}, {"layer": "fc3"},
                         {"param": "conv1.bias", "index": [0], "epsilon": 5}, {}]}
    body = _predict(client, "digits", png, entry)
    answers = body.pop("backward")
    assert body == plain
    assert answers["answer"] == _alone(client, "digits", "backward", fields)
    for asked, got in zip(entry["animate"], answers["animations"]):
        alone = _alone(client, "digits", "backward/animate", {**fields, **asked})
        assert got == alone and got["status"] in (404, 422), got
    for asked, got in zip(entry["explain"], answers["explanations"]):
        alone = _alone(client, "digits", "backward/explain", {**fields, **asked})
        assert got == alone and got["status"] >= 400, got
    # the backward pass itself refused: every answer is that error, as each request alone would be
    for bad in ({"label": 10}, {"label": "seven"}, {"label": 1, "loss": "hinge"},
                {"label": 1, "weights": {"conv9.weight": [1]}}, {"loss": "cross_entropy"}):
        answers = _predict(client, "digits", png, {**bad, "animate": [{"layer": "conv1"}], "explain": [{"loss_parts": True}]})["backward"]
        alone = _alone(client, "digits", "backward", {**bad, "input_id": plain["input_id"]})
        assert alone["status"] >= 400 and answers == {"answer": alone, "animations": [alone], "explanations": [alone]}, bad


def test_the_entry_is_bounded_and_its_form_checked_before_the_image(client):
    png = drawing_pngs()[2][1]
    for bad in ("yes", [1], {"label": 1, "x": 1}, {"label": 1, "animate": [{"layer": "conv1"}] * 5},
                {"label": 1, "explain": [{"loss_parts": True}] * 5}, {"label": 1, "animate": {"layer": "conv1"}},
                {"label": 1, "animate": [{"layer": "conv1", "neuron": [0]}]}, {"label": 1, "explain": ["conv1"]}):
        r = client.post("/api/models/digits/predict", data={"image": (io.BytesIO(b"not a picture"), "d.png"),
                                                            "backward": json.dumps(bad)})
        assert r.status_code == 400 and r.get_json()["code"] == "field.type", bad
        assert r.get_json()["params"]["field"].startswith("backward"), bad
    r = client.post("/api/models/digits/predict", data={"image": (io.BytesIO(png), "d.png"),
                                                        "backward": json.dumps({"label": 1, "animate": [{"layer": "conv1"}] * 4,
                                                                                "explain": [{"loss_parts": True}] * 4})})
    assert r.status_code == 200 and len(r.get_json()["backward"]["animations"]) == 4


def test_the_backward_pass_runs_once_for_every_answer(client, monkeypatch):
    from cnnviz.teach import backward as teach
    calls = []
    real = teach.backward
    monkeypatch.setattr(teach, "backward", lambda *a, **k: calls.append(k.get("steps") is not None) or real(*a, **k))
    png = drawing_pngs()[5][1]
    ANIMATE, EXPLAIN = wanted("digits")
    _predict(client, "digits", png, {"label": "predicted", "animate": ANIMATE, "explain": EXPLAIN})
    assert calls == [True]  # once, on the trace the prediction made (no second forward pass for it)
    weights = {"conv1.bias": {"filter": 0, "value": 0.5}}
    _predict(client, "digits", png, {"label": 2, "weights": weights, "animate": ANIMATE, "explain": EXPLAIN})
    assert calls == [True, False]  # the learner's own weights: traced afresh, still once


PNG = drawing_pngs()[3][1]
VALUES = st.recursive(st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers(-3, 12) | st.text(max_size=8)
                      | st.sampled_from(["predicted", "strongest", "conv1", "fc2", "conv1.weight", "squared_error"]),
                      lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                      max_leaves=12)
ENTRY = st.fixed_dictionaries({}, optional={
    "label": VALUES, "loss": VALUES, "weights": VALUES,
    "animate": st.lists(st.dictionaries(st.sampled_from(["layer", "channel", "focus"]), VALUES), max_size=3) | VALUES,
    "explain": st.lists(st.dictionaries(st.sampled_from(["layer", "neuron", "param", "index", "check", "epsilon",
                                                         "loss_parts"]), VALUES), max_size=3) | VALUES})


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(entry=ENTRY)
def test_any_backward_entry_gets_a_clean_answer(app, entry):
    """Whatever the entry holds: the prediction with each answer or its error body, or a 400 for its form."""
    client = app.test_client()
    r = client.post("/api/models/digits/predict", data={"image": (io.BytesIO(PNG), "d.png"), "backward": json.dumps(entry)})
    assert r.is_json and r.status_code in (200, 400), r.get_json()
    body = r.get_json()
    if r.status_code == 400:
        assert body["code"] == "field.type" and body["params"]["field"].startswith("backward")
        return
    answers = body["backward"]
    for a in [answers["answer"], *answers["animations"], *answers["explanations"]]:
        assert ("code" in a) == ("status" in a) and a.get("status", 400) in (400, 404, 409, 413, 422), a



def test_a_probability_float32_cannot_hold_is_a_clean_error_not_a_500(client):
    """A big step can leave the true class a probability of 0 in float32: -ln 0 has no number. /backward and
    the stroke's backward entry say so (422 loss.infinite); the prediction still stands."""
    png = drawing_pngs()[4][1]
    weights = _stepped_weights(client, "fashion", png, 3, learning_rate=0.1)
    body = _predict(client, "fashion", png, {"label": "predicted", "weights": weights, "animate": [{"layer": "fc1"}]})
    guess = body["prediction"]["index"]  # the trained network's guess, which the step pushed to 0
    alone = _alone(client, "fashion", "backward", {"input_id": body["input_id"], "label": guess, "weights": weights})
    assert alone["status"] == 422 and alone["code"] == "loss.infinite" and alone["params"] == {"label": guess}
    assert body["backward"] == {"answer": alone, "animations": [alone], "explanations": []}
