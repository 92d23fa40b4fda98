"""The models API. Views validate at the boundary, call the engine, return what
``serialize`` builds; errors are raised with codes and mapped to HTTP in ``errors``."""
import json
from pathlib import Path

from flask import Blueprint, current_app, request, send_file

from ..engine.kinds import KINDS
from ..errors import CnnvizError, InputError
from ..teach.animate import animate
from ..teach.explain import explain, find_layer
from . import asked_along, serialize
from .inputs import cached_input, read_body, traced_input
from .weights import overrides

bp = Blueprint("api", __name__, url_prefix="/api")
OPENAPI_DIR = Path(__file__).with_name("openapi")


def store():
    """The models this request sees: the shipped ones plus this browser's and the shared trained ones."""
    from .jobs import models_view
    return models_view()


def some_model():
    """Raise models.none (503) when no model could be loaded, naming each file's problem."""
    if not store().all():
        shipped = current_app.extensions["cnnviz.models"]
        problems = {k: v.replace(f"{shipped.folder}/", "") for k, v in shipped.problems.items()}
        raise CnnvizError("no model could be loaded on this server"
                          + (": " + "; ".join(problems.values()) if problems else " (its models folder is empty)"),
                          "models.none", problems=problems)


def model_or_404(model_id):
    view = store()
    if model_id in view:  # a shipped model is found without reading the trained models' files
        return view.get(model_id)
    some_model()
    ids = [m.meta["id"] for m in view.all()]
    raise InputError(f"no model {model_id!r}; available: {', '.join(ids)}", "model.unknown",
                     model=model_id, models=ids)


def encoding_param():
    encoding = request.args.get("encoding", "f16")
    if encoding not in serialize.ENCODINGS:
        raise InputError(f"encoding must be one of {', '.join(serialize.ENCODINGS)}", "encoding.invalid",
                         encodings=list(serialize.ENCODINGS))
    return encoding


def openapi_document():
    """The OpenAPI document: openapi/base.json plus every other fragment's paths and schemas."""
    doc = json.loads((OPENAPI_DIR / "base.json").read_text())
    for part in sorted(OPENAPI_DIR.glob("*.json")):
        if part.name == "base.json":
            continue
        fragment = json.loads(part.read_text())
        for path, item in fragment.get("paths", {}).items():  # a fragment may add methods to a path
            doc["paths"].setdefault(path, {}).update(item)
        for section, items in fragment.get("components", {}).items():  # schemas, responses
            doc["components"].setdefault(section, {}).update(items)
    doc["components"]["schemas"]["Layer"]["properties"]["kind"]["enum"] = sorted(KINDS)  # one table of kinds
    return doc


@bp.get("/openapi.json")
def openapi():
    return openapi_document()


@bp.get("/models")
def models():
    some_model()
    return serialize.models_list(store().all())


@bp.get("/models/<model_id>")
def model_detail(model_id):
    return serialize.model_detail(model_or_404(model_id))


@bp.get("/models/<model_id>/weights")
def weights(model_id):
    model_or_404(model_id)
    return send_file(store().weights_path(model_id), mimetype="application/octet-stream",
                     as_attachment=True, download_name=f"{model_id}.npz")


@bp.get("/models/<model_id>/examples")
def examples(model_id):
    model = model_or_404(model_id)
    return serialize.examples_response(model, store().examples(model_id))


@bp.post("/models/<model_id>/predict")
def predict(model_id):
    model = model_or_404(model_id)
    encoding = encoding_param()
    fields, image = read_body(request)
    custom = overrides(fields, model)  # this request's own filters; the shared model is never written to
    asked = asked_along.check(fields)  # animations and explanations asked for with it: their form first
    input_id, (prepared, shared_steps) = cached_input(fields, image, model)
    learner = model.with_params(custom) if custom else model
    steps = learner.trace(prepared.tensor) if custom else shared_steps
    body = serialize.predict_response(model, prepared, steps, encoding, overridden=sorted(custom), input_id=input_id)
    asked_along.answer_along(body, asked, learner, steps, prepared.tensor, encoding)
    return asked_along.backward_along(body, asked, model, prepared, shared_steps, encoding)  # the learner's own weights


def with_weights(model, fields):
    """The model with the request's optional "weights" in place of its own, for this request only."""
    replaced = overrides(fields, model)
    return model.with_params(replaced) if replaced else model


def _layer_request(model):
    """A request about one layer: -> (model with the request's weights, fields, layer name,
    the prepared input, the trace)."""
    fields, image = read_body(request)
    shared, model = model, with_weights(model, fields)
    layer = fields.get("layer")
    if not isinstance(layer, str):
        raise InputError("give 'layer' as a layer name, e.g. \"conv1\"", "field.missing", field="layer")
    prepared, steps = traced_input(fields, image, shared, learner=model)
    return model, fields, layer, prepared, steps


@bp.post("/models/<model_id>/explain")
def explain_neuron(model_id):
    model = model_or_404(model_id)
    model, fields, layer, prepared, steps = _layer_request(model)
    detail = explain(model, steps, layer, fields.get("neuron"), prepared.tensor)
    return serialize.arithmetic_response(model, detail)


@bp.post("/models/<model_id>/animate")
def animate_layer(model_id):
    model = model_or_404(model_id)
    model, fields, layer, prepared, steps = _layer_request(model)
    frames = animate(model, steps, layer, fields.get("channel", 0), prepared.tensor, fields.get("focus", 0))
    return serialize.animation_response(model, frames)


@bp.get("/models/<model_id>/params/<layer>")
def layer_params(model_id, layer):
    """A layer's trained parameters (conv weight (K, C, F, F), dense weight (units, inputs), bias), to draw
    as pictures; the shape of what a dense layer reads before it was flattened, if it was."""
    model = model_or_404(model_id)
    return serialize.layer_params_response(model, find_layer(model, layer), encoding_param())
