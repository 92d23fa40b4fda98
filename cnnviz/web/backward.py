"""How it learns: the backward pass and one gradient-descent step on the learner's own input.

Stateless: a learner's stepped weights live in the page and come back as "weights"
(parsed by weights.overrides); the shared model is frozen and never written to.
"""
import numpy as np
from flask import Blueprint, request

from ..errors import InputError
from ..teach import backward as teach
from . import serialize
from .api import encoding_param, model_or_404, store
from .asked_backward import gradient_animation, gradient_explanation, number
from .inputs import prepared_input, read_body
from .weights import MAX_ABS, overrides

bp = Blueprint("backward", __name__, url_prefix="/api")
MAX_LEARNING_RATE = 100.0


def learner_request(model_id):
    """-> (fields, the learner's model (shared model + the request's weights), the input, Backward)."""
    model = model_or_404(model_id)
    fields, image = read_body(request)
    learner = model.with_params(overrides(fields, model))
    prepared = prepared_input(fields, image, model)
    bw = teach.backward(learner, prepared.tensor, fields.get("label"), fields.get("loss", "cross_entropy"))
    return fields, learner, prepared, bw


@bp.get("/backward/example")
def karn_example():
    """Karn's worked example of the total error, computed by the same code as the page's loss."""
    return {"example": "karn", **serialize.plain(teach.karn_example())}


@bp.post("/models/<model_id>/backward")
def backward(model_id):
    encoding = encoding_param()
    _, learner, _, bw = learner_request(model_id)
    return serialize.backward_response(learner, bw, teach.loss_parts(learner, bw), encoding)


@bp.post("/models/<model_id>/backward/explain")
def explain(model_id):
    fields, learner, _, bw = learner_request(model_id)
    return serialize.arithmetic_response(learner, gradient_explanation(learner, bw, fields))


@bp.post("/models/<model_id>/backward/animate")
def animate(model_id):
    fields, learner, _, bw = learner_request(model_id)
    return serialize.arithmetic_response(learner, gradient_animation(learner, bw, fields))


@bp.post("/models/<model_id>/step")
def step(model_id):
    """One SGD step on a copy: w <- w - learning_rate * dL/dw; the loss and prediction before and after."""
    fields, learner, prepared, bw = learner_request(model_id)
    lr = number(fields, "learning_rate", high=MAX_LEARNING_RATE)
    new = teach.sgd_step(learner, bw, lr)
    if any(not np.isfinite(v).all() or np.abs(v).max() > MAX_ABS for v in new.values()):
        raise InputError(f"this step would push a weight beyond ±{MAX_ABS:g}: try a smaller learning rate",
                         "step.diverged", limit=MAX_ABS)
    stepped = learner.with_params(new)
    x = prepared.tensor
    examples = store().examples(model_id)
    images = np.array([e["image"] for e in examples]) if examples else np.zeros((0, 28, 28), np.uint8)
    labels = np.array([e["label"] for e in examples], int)
    before = {"loss": bw.value, "probabilities": bw.steps[-1].output[0],
              "examples": teach.on_examples(learner, images, labels)}
    after = {"loss": float(teach.loss_value(stepped, x, bw.label, bw.loss)), "probabilities": stepped.forward(x)[0],
             "examples": teach.on_examples(stepped, images, labels)}
    return serialize.step_response(learner, lr, before, after, new)
