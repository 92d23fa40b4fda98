"""The Flask app: create_app(test_config=None) builds it around a ModelStore."""
import logging
from pathlib import Path

from flask import Flask, request

from . import assets, compression, errors
from .inputs import CnnvizRequest
from .json_provider import OrjsonProvider
from ..engine.model import models_dir
from ..live.queue import config_from_env, huey_for
from ..live.models import ModelStore
from ..live.traces import DecodeSlots, TraceCache

ROOT = Path(__file__).resolve().parents[2]
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
log = logging.getLogger(__name__)


class CnnvizFlask(Flask):
    json_provider_class = OrjsonProvider
    request_class = CnnvizRequest


def create_app(test_config=None):
    app = CnnvizFlask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"),
                static_url_path="/static")
    app.config.from_mapping(
        MODELS_DIR=str(models_dir()),
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_UPLOAD_BYTES,
        COMPRESS_MIMETYPES=["application/json", "text/html", "text/css", "text/javascript",
                            "application/javascript", "image/svg+xml"],
        # zstd 1 and brotli 0 are fast for a smaller response; browsers offer them over HTTPS (and
        # localhost) only, so a classroom on plain http gets gzip (by ISA-L: web/compression.py)
        COMPRESS_ALGORITHM=["zstd", "br", "gzip"],
        COMPRESS_ZSTD_LEVEL=1,
        COMPRESS_BR_LEVEL=0,
        COMPRESS_MIN_SIZE=1024,
        COMPRESS_LEVEL=1,  # float16 base64 barely compresses further
        DECODE_SLOTS=3,  # images decoded at once per process; more wait up to DECODE_WAIT s, then 503
        DECODE_WAIT=1.0,
        TRACE_CACHE_SIZE=64,  # prepared inputs and traces kept for the next request of the same stroke
    )
    if test_config:
        app.config.update(test_config)
    store = ModelStore(app.config["MODELS_DIR"])  # skips broken models; may be empty (the API says so)
    app.extensions["cnnviz.models"] = store
    # live state (classes; jobs keep theirs in the same place): the job queue's key/value storage,
    # SQLite in CNNVIZ_INSTANCE on one laptop or Redis at CNNVIZ_REDIS_URL
    app.extensions["cnnviz.kv"] = huey_for(config_from_env()).storage
    app.extensions["cnnviz.traces"] = TraceCache(app.config["TRACE_CACHE_SIZE"])
    app.extensions["cnnviz.decode_slots"] = DecodeSlots(app.config["DECODE_SLOTS"], app.config["DECODE_WAIT"])
    compression.install(app)
    assets.install(app)

    from . import api, backward, classes, exercises, jobs, lab, pages, present
    app.extensions["cnnviz.pages"] = pages.available(app.template_folder)
    if app.config.get("STUDIO", True):
        jobs.init_app(app)  # the training studio: job queue, runtime models
    for blueprint in (api.bp, pages.bp, lab.bp, backward.bp, exercises.bp, classes.bp, present.bp):
        app.register_blueprint(blueprint)

    errors.register(app, MAX_UPLOAD_BYTES)

    @app.after_request
    def security_headers(response):
        # the names present, looked at once (werkzeug's setdefault raises and catches a KeyError
        # for every header it does not find: a quarter of a millisecond per response)
        present = {k.lower() for k, _ in response.headers}
        extra = [*SECURITY_HEADERS.items(), *([("Cache-Control", "no-store")] if request.path.startswith("/api/") else [])]
        for k, v in extra:
            if k.lower() not in present:
                response.headers.add(k, v)
        return response

    return app
