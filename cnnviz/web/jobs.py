"""The training studio's API: jobs (submit, state, event stream, cancel), the network checker,
figures, and runtime models (download, upload, share, delete). Owner = this browser's token
(cookie cnnviz_owner, or header X-Cnnviz-Owner); no accounts."""
import json
import re
import secrets
import threading
import time
from functools import lru_cache

import numpy as np
from flask import Blueprint, Response, current_app, g, request, send_file

from .. import figures
from ..data import DIGIT_CLASSES, FASHION_CLASSES, load_dataset
from ..engine.architecture import Architecture
from ..errors import CnnvizError, InputError
from ..live import jobs as live_jobs
from ..live.limits import limits_from_env
from ..live.queue import config_from_env, huey_for
from ..live.runtime import RuntimeModels, ModelsView
from ..live.settings import DATASETS, architecture_from, dataset_available, settings_from, work
from ..live.store import TERMINAL, JobStore
from ..training.presets import ARCHITECTURES, META
from .inputs import json_fields, parse_json
from .serving import STOPPING, client_gone

bp = Blueprint("jobs", __name__, url_prefix="/api")
OWNER_COOKIE, OWNER_HEADER = "cnnviz_owner", "X-Cnnviz-Owner"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
CLASSES = {"mnist-10k": DIGIT_CLASSES, "fashion": FASHION_CLASSES}
TEST_IMAGES = {"mnist-10k": 1000, "fashion": 10000}
PUBLIC = ("id", "state", "settings", "created", "started", "ended", "work", "model", "test_accuracy",
          "reason", "code", "stopped_by")


class Studio:
    """Per app: the queue configuration, huey, the limits, runtime models and the stream gate."""

    def __init__(self, config, limits):
        self.config, self.limits = config, limits
        self.huey = huey_for(config)
        self.store = JobStore(self.huey)
        self.models = RuntimeModels(config.instance / "models", limits)
        self.streams = threading.BoundedSemaphore(limits.streams)


def init_app(app):
    studio = Studio(config_from_env(), limits_from_env())
    app.extensions["cnnviz.studio"] = studio
    app.register_blueprint(bp)

    @app.after_request
    def owner_cookie(response):
        if g.get("new_owner"):
            response.set_cookie(OWNER_COOKIE, g.new_owner, max_age=30 * 86400, httponly=True, samesite="Lax")
        return response


def studio():
    return current_app.extensions["cnnviz.studio"]


def owner(create=False):
    """This browser's owner token (made, and set as a cookie, when create and it has none)."""
    token = request.headers.get(OWNER_HEADER) or request.cookies.get(OWNER_COOKIE)
    if token and TOKEN.match(token):
        return token
    if create:
        g.new_owner = secrets.token_urlsafe(18)
        return g.new_owner
    return None


def models_view():
    """The models this request may see (the models API uses it)."""
    shipped = current_app.extensions["cnnviz.models"]
    if "cnnviz.studio" not in current_app.extensions:
        return shipped
    return ModelsView(shipped, studio().models, owner())


def job_or_404(job_id):
    record = studio().store.get(job_id) if re.fullmatch(r"[0-9a-f]{16}", job_id) else None
    if record is None:
        raise InputError(f"no job {job_id!r}", "jobs.unknown", job=job_id)
    return record


def public(record):
    out = {k: record[k] for k in PUBLIC if k in record}
    out["mine"] = record.get("owner") == owner()
    out["position"] = live_jobs.position(studio().huey, record["id"]) if record["state"] == "queued" else 0
    return out


# ------------------------------------------------------------------ jobs
@bp.post("/jobs")
def submit():
    fields = json_fields(request)
    settings = settings_from(fields)
    record = live_jobs.submit(studio().huey, studio().config, settings, owner(create=True), studio().limits)
    return {"id": record["id"], "state": record["state"], "position": record["position"]}, 202


@bp.get("/jobs/<job_id>")
def job(job_id):
    return public(job_or_404(job_id))


@bp.delete("/jobs/<job_id>")
def cancel(job_id):
    record = job_or_404(job_id)
    if record.get("owner") != owner():
        raise CnnvizError("only the browser that started a job can stop it", "jobs.not_yours")
    record = live_jobs.cancel(studio().huey, job_id)
    return public(record)


@bp.get("/jobs/<job_id>/events")
def events(job_id):
    """Server-sent events from the one after Last-Event-ID; the stream ends after stream_seconds
    (or at the job's end) and the browser reconnects, so no server thread is held for long."""
    job_or_404(job_id)
    gate, store, limits = studio().streams, studio().store, studio().limits
    if not gate.acquire(blocking=False):
        raise CnnvizError(f"{limits.streams} progress streams are open, the most this server keeps; "
                          "the page retries in a few seconds", "jobs.streams_full", limit=limits.streams)
    last = request.headers.get("Last-Event-ID") or request.args.get("after") or "0"
    after = int(last) if last.isdigit() else 0
    gone = client_gone(request.environ)

    def stream():
        nonlocal after
        try:
            yield "retry: 1000\n\n"
            until, idle = time.monotonic() + limits.stream_seconds, time.monotonic()
            while time.monotonic() < until and not STOPPING.is_set() and not gone():
                batch = store.events(job_id, after)
                for event in batch:
                    after = event["n"]
                    yield f"id: {after}\nevent: {event['type']}\ndata: {json.dumps(event)}\n\n"
                if batch and batch[-1]["type"] in TERMINAL:
                    yield "event: end\ndata: {}\n\n"
                    return
                if not batch:
                    record = store.get(job_id)  # notices a worker that died (heartbeat)
                    if record is None:
                        return
                    if time.monotonic() - idle > 10:
                        idle = time.monotonic()
                        yield ": still here\n\n"
                    time.sleep(0.2)
        finally:
            gate.release()

    return Response(stream(), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@bp.get("/jobs/<job_id>/confusion")
def confusion_cell(job_id):
    """The held-out images of one confusion-matrix cell: ?true=3&predicted=5 (at most 48)."""
    record = job_or_404(job_id)
    raw = studio().store.get_blob(f"job:{job_id}:predicted")
    if raw is None:
        raise InputError("this job has no confusion matrix yet", "jobs.not_finished")
    split, classes = dataset(record["settings"]["dataset"])
    cells = []
    for name in ("true", "predicted"):
        value = request.args.get(name, "")
        if not value.isdigit() or int(value) >= len(classes):
            raise InputError(f"'{name}' is a class number from 0 to {len(classes) - 1}", "field.range",
                             field=name, low=0, high=len(classes) - 1)
        cells.append(int(value))
    predicted = np.frombuffer(raw, np.uint8)
    index = np.flatnonzero((split.y_test == cells[0]) & (predicted == cells[1]))
    return {"true": cells[0], "predicted": cells[1], "count": int(len(index)),
            "test_index": index[:48].tolist(), "images": split.x_test[index[:48]].tolist()}


@bp.get("/jobs/<job_id>/figures/<name>")
def figure(job_id, name):
    """A Plotly figure (JSON) of the job: curves, confusion or filters (?lang=zh for Chinese)."""
    record = job_or_404(job_id)
    lang = "zh" if request.args.get("lang") == "zh" else "en"
    history = studio().store.events(job_id, 0, limit=5000)
    if name == "curves":  # ?until=N: only events 1..N (until=0: the empty chart the page then extends)
        until = request.args.get("until", "")
        if until.isdigit():
            history = [e for e in history if e["n"] <= int(until)]
        return figures.as_json(figures.training_curves(history, lang))
    final = next((e for e in history if e["type"] in ("finished", "cancelled") and "confusion" in e), None)
    if name == "confusion" and final:
        _, classes = dataset(record["settings"]["dataset"])
        return figures.as_json(figures.confusion_matrix(final["confusion"], classes, lang))
    filters_event = next((e for e in reversed(history) if e["type"] == "filters"), None)
    if name == "filters" and filters_event:
        return figures.as_json(figures.filters(filters_event["weights"], filters_event["layer"], lang))
    raise InputError(f"no figure {name!r} for this job yet", "jobs.no_figure", figure=name)


@lru_cache(maxsize=2)
def dataset(name):
    return load_dataset(name)


# ------------------------------------------------- choices and the checker
@bp.get("/studio/options")
def options():
    lim = studio().limits
    shipped = {m.meta.get("dataset"): m.meta for m in current_app.extensions["cnnviz.models"].all()}
    return {"datasets": [{"id": d, "train_images": n, "test_images": TEST_IMAGES[d], "available": dataset_available(d),
                          "classes": CLASSES[d], "class_names": shipped.get(d, {}).get("class_names", {})}
                         for d, n in DATASETS.items()],
            "presets": [{"id": p, "title": META[p]["title"], **ARCHITECTURES[p]} for p in ARCHITECTURES],
            "optimisers": ["adam", "sgd"],
            "limits": {k: getattr(lim, k) for k in lim._fields}}


@bp.post("/studio/architecture")
def check_architecture():
    """{"architecture": preset id or {"layers", "input_shape"}, "epochs", "train_size"} -> every layer's
    shapes and parameter count, the total, and the job's size against the limit."""
    fields = json_fields(request)
    spec, _ = architecture_from(fields.get("architecture"))
    arch = Architecture(spec["layers"], spec["input_shape"])
    epochs, size = fields.get("epochs", 3), fields.get("train_size", 9000)
    size_of = work({"architecture": spec, "epochs": epochs if isinstance(epochs, int) else 3,
                    "train_size": size if isinstance(size, int) else 9000})
    return {"input_shape": list(arch.input_shape), "layers": arch.describe(),
            "parameters": arch.parameter_count(), "work": size_of, "max_work": studio().limits.max_work}


# ---------------------------------------------------------- runtime models
@bp.get("/studio/mine")
def my_models():
    """This browser's trained and uploaded models, newest first."""
    who = owner()
    mine = studio().models.owned_by(who) if who else []
    mine.sort(key=lambda m: -m["runtime"]["created"])
    return {"models": [{"id": m["id"], "title": m.get("title", {}), "created": m["runtime"]["created"],
                        "shared": bool(m["runtime"].get("shared")), "source": m["runtime"].get("source"),
                        "test_accuracy": m.get("training", {}).get("test_accuracy")} for m in mine],
            "limit": studio().limits.models_per_owner,
            "expires_hours": studio().limits.anonymous_hours}


@bp.get("/models/<model_id>/file")
def model_file(model_id):
    view = models_view()
    if model_id not in view:
        raise InputError(f"no model {model_id!r}", "model.unknown", model=model_id, models=[])
    return send_file(view.json_path(model_id), mimetype="application/json", as_attachment=True,
                     download_name=f"{model_id}.json")


@bp.post("/models")
def upload_model():
    """multipart: model (the .json) and weights (the .npz) -> a model of this browser."""
    files = request.files
    if "model" not in files or "weights" not in files:
        raise InputError("send multipart fields 'model' (.json) and 'weights' (.npz)", "models.upload_fields")
    who = owner(create=True)
    studio().models.check_room(who)
    model_id = "u" + secrets.token_hex(5)
    studio().models.upload(files["model"].read(), files["weights"].read(), model_id, who)
    return {"id": model_id}, 201


@bp.patch("/models/<model_id>")
def share_model(model_id):
    fields = parse_json(request.get_data(cache=False) or b"{}")
    if not isinstance(fields, dict) or not isinstance(fields.get("shared"), bool):
        raise InputError("send {\"shared\": true} or {\"shared\": false}", "field.type", field="shared")
    studio().models.set_shared(model_id, owner(), fields["shared"])
    return {"id": model_id, "shared": fields["shared"]}


@bp.delete("/models/<model_id>")
def delete_model(model_id):
    studio().models.delete(model_id, owner())
    return {"id": model_id, "deleted": True}
