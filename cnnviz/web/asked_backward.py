"""What /predict answers beside the prediction for the "how it learns" views: the backward pass
(/backward's body), and the gradient animations and explanations the page shows next, so that a
stroke in those views is one request (not four) and the backward pass runs once for all of them.

/predict's optional "backward" entry holds exactly the fields the page would send to
/backward, /backward/animate and /backward/explain besides the input:
- "label": the true class, or "predicted": the class this /predict answer predicts (the panel's
  right answer when the learner has chosen none);
- "loss": "cross_entropy" (default) or "squared_error";
- "weights": the learner's own stepped weights (weights.overrides' forms). They apply to the
  backward answers only, as they do on /backward: /predict's own "weights" change its prediction
  (and so what "predicted" means) but not the shared model the backward entry starts from;
- "animate": [{"layer", "channel", "focus"}] as /backward/animate's fields; channel "strongest": the
  channel (or dense unit) with the largest total |gradient| as the page decodes the answer's maps;
- "explain": [{"layer", "neuron"} or {"param", "index", "check", "epsilon"} or {"loss_parts": true}]
  as /backward/explain's fields.
Each answer is the body its endpoint would send, or that request's error body with its "status";
the prediction stands either way.
"""
import math
from typing import NamedTuple

import numpy as np

from ..errors import CnnvizError, InputError
from ..teach import backward as teach
from ..teach.animate import STRONGEST
from ..teach.explain import find_layer
from . import serialize
from .errors import answered, entry_error
from .weights import overrides

PREDICTED = "predicted"  # the label: the class the same answer predicts
MAX_ANIMATIONS = 4  # the panel's player shows one
MAX_EXPLANATIONS = 4  # the panel's selected gradient and the network view's selected neuron
EPSILON = 1e-4  # the gradient check's default nudge
KEYS = {"label", "loss", "weights", "animate", "explain"}
ANIMATE_KEYS = {"layer", "channel", "focus"}
EXPLAIN_KEYS = {"layer", "neuron", "param", "index", "check", "epsilon", "loss_parts"}


def number(fields, name, default=None, low=0.0, high=math.inf, low_open=True):
    """fields[name] as a finite float in (low, high] (or [low, high] with low_open=False)."""
    value = fields.get(name, default)
    if value is None:
        raise InputError(f"give '{name}' as a number", "field.missing", field=name)
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and \
        (value > low if low_open else value >= low) and value <= high
    if not ok:
        raise InputError(f"'{name}' must be a number above {low:g} and at most {high:g}", "field.range",
                         field=name, low=low, high=high)
    return float(value)


def gradient_explanation(learner, bw, fields):
    """/backward/explain's arithmetic for its fields: a weight's gradient (with the numerical check
    unless "check" is false), a layer output's, or the loss's parts."""
    if "param" in fields:
        epsilon = number(fields, "epsilon", EPSILON, high=1.0) if fields.get("check", True) else None
        return teach.explain_param_gradient(learner, bw, fields["param"], fields.get("index"), epsilon)
    if "layer" in fields:
        return teach.explain_output_gradient(learner, bw, fields["layer"], fields.get("neuron"))
    if fields.get("loss_parts"):
        return teach.loss_parts(learner, bw)
    raise InputError("give 'layer' and 'neuron' (a layer's output gradient) or 'param' and 'index'"
                     " (a weight's gradient)", "field.missing", field="layer")


def gradient_animation(learner, bw, fields):
    """/backward/animate's frames for its fields {"layer", "channel", "focus"}."""
    layer = fields.get("layer")
    if not isinstance(layer, str):
        raise InputError("give 'layer' as a layer name, e.g. \"conv1\"", "field.missing", field="layer")
    return teach.animate_gradient(learner, bw, layer, fields.get("channel", 0), fields.get("focus", 0))


def strongest_gradient_channel(learner, bw, layer_name, encoding):
    """The channel (or dense unit) whose output gradient has the largest total |value|, the first on a
    tie, summed in order as the page sums what it decoded (backward/maps.js strongestChannel); 0 for
    a layer without channels."""
    index = find_layer(learner, layer_name)
    g = bw.output_grads[learner.layers[index].name]
    if not (g.ndim == 3 or learner.layers[index].kind == "dense"):
        return 0
    seen = np.abs(serialize.scaled_as_sent(g, encoding).astype(np.float64)).reshape(g.shape[0], -1)
    return int(np.argmax(np.cumsum(seen, axis=1)[:, -1]))


class AskedBackward(NamedTuple):
    fields: dict  # label, loss, weights as the page would send them to /backward
    animations: list  # [/backward/animate's fields]
    explanations: list  # [/backward/explain's fields]


def _list(wanted, name, keys, limit, example):
    entries = wanted.get(name, [])
    if not isinstance(entries, list) or len(entries) > limit or not all(
            isinstance(e, dict) and set(e) <= keys for e in entries):
        raise InputError(f"'backward.{name}' must be a list of at most {limit} objects {example}", "field.type",
                         field=f"backward.{name}")
    return entries


def check(fields):
    """/predict's optional "backward" entry, its form checked before any image work -> AskedBackward or None."""
    wanted = fields.get("backward")
    if wanted is None:
        return None
    if not isinstance(wanted, dict) or not set(wanted) <= KEYS:
        raise InputError("'backward' must be an object with 'label' (a class or \"predicted\") and optionally"
                         " 'loss', 'weights', 'animate' and 'explain'", "field.type", field="backward")
    animations = _list(wanted, "animate", ANIMATE_KEYS, MAX_ANIMATIONS,
                       '{"layer": name, "channel": number or "strongest", "focus": number}')
    explanations = _list(wanted, "explain", EXPLAIN_KEYS, MAX_EXPLANATIONS,
                         '{"layer", "neuron"} or {"param", "index"}')
    return AskedBackward({k: wanted[k] for k in ("label", "loss", "weights") if k in wanted}, animations, explanations)


def answer(asked, model, prepared, steps, predicted, encoding):
    """{"answer": /backward's body, "animations": [...], "explanations": [...]} for `asked` (from check),
    on the shared `model` (its trace `steps` of prepared.tensor) and the learner's weights; "predicted"
    stands for the class index `predicted`. The backward pass runs once for every item."""
    fields = asked.fields
    try:
        custom = overrides(fields, model)
        learner = model.with_params(custom) if custom else model
        label = predicted if fields.get("label") == PREDICTED else fields.get("label")
        bw = teach.backward(learner, prepared.tensor, label, fields.get("loss", "cross_entropy"),
                            steps=None if custom else steps)
    except CnnvizError as e:  # each request alone would have been refused the same way
        return {"answer": entry_error(e), "animations": [entry_error(e)] * len(asked.animations),
                "explanations": [entry_error(e)] * len(asked.explanations)}

    def animation(a):
        if a.get("channel") == STRONGEST and isinstance(a.get("layer"), str):
            a = {**a, "channel": strongest_gradient_channel(learner, bw, a["layer"], encoding)}
        return serialize.arithmetic_response(learner, gradient_animation(learner, bw, a))
    return {
        "answer": serialize.backward_response(learner, bw, teach.loss_parts(learner, bw), encoding),
        "animations": [answered(lambda: animation(a)) for a in asked.animations],
        "explanations": [answered(lambda: serialize.arithmetic_response(learner, gradient_explanation(learner, bw, e)))
                         for e in asked.explanations],
    }
