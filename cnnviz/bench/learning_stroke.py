"""A stroke in the "how it learns" views (part of python -m cnnviz bench-stroke): the requests the
page sends when the panel is open, a gradient is selected and the network view shows gradients.

Now (static/js/backward/view.js wanted, core/api.js predict): one /predict asking, beside the
stepper's animation, for "backward": the backward pass for the predicted class, the player's
animation (its first layer at the strongest channel) and the two selected gradients.
Before (counted in Chromium on the page before): /predict, then by the input's id /backward,
/backward/explain of the panel's gradient, /backward/explain of the network view's neuron twice
(once after the prediction, again when the gradients arrived) and /backward/animate (the channel
the /backward answer shows strongest): six requests; four with the panel alone.
"""
import base64
import json
import statistics
from urllib.parse import urlencode

import numpy as np

from .stroke import ASKED, _decompressed, _in_process, _summary, image_type



def gradients(layers):
    """The gradients selected: the panel's (a unit of the first dense layer), the network view's (a neuron
    of the last conv layer)."""
    dense = next(l for l in layers if l["kind"] == "dense")
    conv = [l for l in layers if l["kind"] == "conv"][-1]
    return [{"layer": dense["name"], "neuron": [0]}, {"layer": conv["name"], "neuron": [0, 1, 1]}]


def learning_requests(model, image, layers, together=True):
    """[(path, body, content type)] for one stroke in the learning views (see stroke.stroke_requests).
    together: the page now (one request); else as it sent them before (six)."""
    base = f"/api/models/{model}"
    player = layers[0]
    selected = gradients(layers)
    strongest = "strongest" if len(player["output_shape"]) == 3 or player["kind"] == "dense" else 0
    if together:
        backward = {"label": "predicted", "loss": "cross_entropy",
                    "animate": [{"layer": player["name"], "channel": strongest, "focus": 0}], "explain": selected}
        query = urlencode({"animate": ASKED, "backward": json.dumps(backward)})
        return [(f"{base}/predict?{query}", image, image_type(image))]
    seen = {}

    def by_id(what, extra):
        def body(previous):
            answer = json.loads(_decompressed(*previous))
            if "input_id" in answer:  # the prediction: its id and class
                seen.update(input_id=answer["input_id"], label=answer["prediction"]["index"])
            if "input_gradient" in answer:  # the backward pass: the player's strongest channel
                seen["channel"] = _strongest_gradient(answer["layers"][0]) if strongest else 0
            fields = {"input_id": seen["input_id"], "label": seen["label"], "loss": "cross_entropy", **extra(seen)}
            return json.dumps(fields).encode(), "application/json"
        return f"{base}/{what}", body, None
    return [(f"{base}/predict?{urlencode({'animate': ASKED})}", image, image_type(image)),
            by_id("backward", lambda s: {}),
            by_id("backward/animate", lambda s: {"layer": player["name"], "channel": s["channel"], "focus": 0}),
            *[by_id("backward/explain", lambda s, g=g: g) for g in selected + selected[1:]]]


def _strongest_gradient(entry):
    """backward/maps.js strongestChannel: the channel with the largest total |gradient| as decoded."""
    g = entry["gradient"]
    values = np.frombuffer(base64.b64decode(g["data"]), "<f2").astype(np.float64) * g.get("scale", 1)
    return int(np.argmax(np.abs(values).reshape(entry["shape"][0], -1).sum(axis=1)))


def bench_learning(app, model, drawings, rounds):
    """Print the server CPU per stroke in the learning views, now and before, alternating round by round."""
    layers = app.test_client().get(f"/api/models/{model}").get_json()["layers"]
    per_round = len(drawings) // rounds
    cpu = {True: [], False: []}
    for r in range(rounds):
        batch = drawings[r * per_round:(r + 1) * per_round]
        for together in cpu:
            cpu[together].append(1e3 * statistics.median(
                _in_process(app, learning_requests(model, d, layers, together)) for d in batch))
    before = len(learning_requests(model, drawings[0], layers, False))
    print(f"  in-process, drawing with \"how it learns\" open, a gradient selected there and in the network view "
          f"(median of {per_round}): one request {_summary(cpu[True])}; as the page sent it before "
          f"({before} requests: /predict, /backward, /backward/animate, {before - 3} /backward/explain) "
          f"{_summary(cpu[False])}; ratio round by round {_summary([a / b for a, b in zip(cpu[True], cpu[False])])}")
