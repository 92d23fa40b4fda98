"""What /predict answers beside the prediction: the animations and the neuron explanations the
page will show for this input, so that a stroke is one request (not two, or fourteen); and the
"how it learns" answers (asked_backward: the backward pass, its animations and explanations).

Each entry is answered exactly as /animate or /explain would answer it alone; a problem with one
(an unknown layer, a channel out of range) is that entry's own error body with its "status", and
the prediction still stands. Nothing here knows the JSON shape beyond what ``serialize`` builds.
"""
from typing import NamedTuple

from ..engine.architecture import MAX_LAYERS
from ..errors import InputError
from ..teach.animate import STRONGEST, animate, strongest_channel
from ..teach.explain import explain
from . import asked_backward, serialize
from .errors import answered

MAX_ANIMATIONS = MAX_LAYERS  # the page asks for one, or one per layer for the whole pass (13 in digits, up to 64)
MAX_EXPLANATIONS = 4  # the page asks for the one neuron selected


def _entries(fields, name, keys, limit, example, required=("layer",)):
    """fields[name]: a list of at most `limit` objects with a string "layer", the `required` keys and no
    keys but `keys` (their values are checked when each is answered) -> the list, or None when not asked."""
    wanted = fields.get(name)
    if wanted is None:
        return None
    if not isinstance(wanted, list) or len(wanted) > limit or not all(
            isinstance(a, dict) and isinstance(a.get("layer"), str) and set(required) <= set(a) <= keys
            for a in wanted):
        raise InputError(f"'{name}' must be a list of at most {limit} objects {example}", "field.type", field=name)
    return wanted


def animation_requests(fields):
    """/predict's optional "animate": [{"layer", "channel", "focus"}, ...] -> [(layer, channel, focus)]
    or None. A channel may also be "strongest": the whole forward pass shows each layer's strongest
    channel, which the page can only know from this answer."""
    wanted = _entries(fields, "animate", {"layer", "channel", "focus"}, MAX_ANIMATIONS,
                      '{"layer": name, "channel": number or "strongest", "focus": number}')
    return None if wanted is None else [(a["layer"], a.get("channel", 0), a.get("focus", 0)) for a in wanted]


def explanation_requests(fields):
    """/predict's optional "explain": [{"layer", "neuron"}, ...] (the neuron selected on the page)
    -> [(layer, neuron)] or None."""
    wanted = _entries(fields, "explain", {"layer", "neuron"}, MAX_EXPLANATIONS,
                      '{"layer": name, "neuron": [channel, row, column] or [index]}', required=("layer", "neuron"))
    return None if wanted is None else [(a["layer"], a["neuron"]) for a in wanted]


def animation(model, steps, tensor, encoding, layer, channel, focus):
    """One animation as /animate answers it, or its error body. Channel "strongest": the one the page
    would pick from this answer's layer outputs (sent in `encoding`)."""
    def make():
        picked = channel
        if channel == STRONGEST:
            picked = strongest_channel(model, steps, layer, seen=lambda out: serialize.as_sent(out, encoding))
        return serialize.animation_response(model, animate(model, steps, layer, picked, tensor, focus))
    return answered(make)


def explanation(model, steps, tensor, layer, neuron):
    """One neuron's arithmetic as /explain answers it, or its error body."""
    return answered(lambda: serialize.arithmetic_response(model, explain(model, steps, layer, neuron, tensor)))


class Asked(NamedTuple):
    animations: list | None  # [(layer, channel, focus)]
    explanations: list | None  # [(layer, neuron)]
    backward: asked_backward.AskedBackward | None


def check(fields):
    """What a /predict request asks for beside the prediction, its form checked before any image work."""
    return Asked(animation_requests(fields), explanation_requests(fields), asked_backward.check(fields))


def answer_along(body, asked, model, steps, tensor, encoding):
    """/predict's body with the animations and explanations `asked` (from check) for this input added."""
    if asked.animations is not None:
        body["animations"] = [animation(model, steps, tensor, encoding, *a) for a in asked.animations]
    if asked.explanations is not None:
        body["explanations"] = [explanation(model, steps, tensor, *e) for e in asked.explanations]
    return body


def backward_along(body, asked, model, prepared, steps, encoding):
    """/predict's body with the "backward" answers `asked` for: on the shared `model` (its trace `steps`)
    and the entry's own weights; "predicted" is the class this body predicts."""
    if asked.backward is not None:
        body["backward"] = asked_backward.answer(asked.backward, model, prepared, steps,
                                                 body["prediction"]["index"], encoding)
    return body
