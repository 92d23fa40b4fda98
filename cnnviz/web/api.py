"""The JSON API. Views validate at the boundary, call the engine, return what
``serialize`` builds."""
import json
from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_file

from .. import serialize
from ..animate import animate
from ..explain import NeuronError, explain
from .inputs import BadInput, prepared_input, read_body

bp = Blueprint("api", __name__, url_prefix="/api")
OPENAPI = Path(__file__).with_name("openapi.json")


def store():
    return current_app.extensions["cnnviz.store"]


def model_or_404(model_id):
    if model_id not in store():
        abort(404, description=f"no model {model_id!r}; available: "
                               f"{', '.join(m.meta['id'] for m in store().all())}")
    return store().get(model_id)


def encoding_param():
    encoding = request.args.get("encoding", "f16")
    if encoding not in serialize.ENCODINGS:
        abort(400, description=f"encoding must be one of {', '.join(serialize.ENCODINGS)}")
    return encoding


@bp.get("/openapi.json")
def openapi():
    return json.loads(OPENAPI.read_text())


@bp.get("/models")
def models():
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
    prepared = prepared_input(fields, image, model)
    steps = model.trace(prepared.tensor)
    return serialize.predict_response(model, prepared, steps, encoding)


def _layer_request(model):
    """A request about one layer: -> (fields, layer name, the prepared input, the trace)."""
    fields, image = read_body(request)
    layer = fields.get("layer")
    if not isinstance(layer, str):
        raise BadInput("give 'layer' as a layer name, e.g. \"conv1\"")
    if layer not in [l.name for l in model.layers]:
        raise BadInput(f"unknown layer {layer!r}; this model has: "
                       f"{', '.join(l.name for l in model.layers)}", 404)
    prepared = prepared_input(fields, image, model)
    return fields, layer, prepared, model.trace(prepared.tensor)


@bp.post("/models/<model_id>/explain")
def explain_neuron(model_id):
    model = model_or_404(model_id)
    fields, layer, prepared, steps = _layer_request(model)
    try:
        detail = explain(model, steps, layer, fields.get("neuron"), prepared.tensor)
    except NeuronError as e:
        raise BadInput(str(e), 422) from None
    return serialize.arithmetic_response(model, detail)


@bp.post("/models/<model_id>/animate")
def animate_layer(model_id):
    model = model_or_404(model_id)
    fields, layer, prepared, steps = _layer_request(model)
    channel = fields.get("channel", 0)
    if isinstance(channel, str) and channel.isdigit():  # multipart fields are strings
        channel = int(channel)
    try:
        frames = animate(model, steps, layer, channel, prepared.tensor)
    except NeuronError as e:
        raise BadInput(str(e), 422) from None
    return serialize.arithmetic_response(model, frames)
