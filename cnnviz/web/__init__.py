"""The Flask app: create_app(test_config=None) builds it around a ModelStore."""
import logging
from pathlib import Path

from flask import Flask, request
from flask_compress import Compress

from . import errors
from ..engine.model import models_dir
from ..live.models import ModelStore

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


def create_app(test_config=None):
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"),
                static_url_path="/static")
    app.config.from_mapping(
        MODELS_DIR=str(models_dir()),
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_UPLOAD_BYTES,
        JSON_SORT_KEYS=False,
        COMPRESS_MIMETYPES=["application/json", "text/html", "text/css", "text/javascript",
                            "application/javascript", "image/svg+xml"],
        COMPRESS_ALGORITHM=["gzip"],
        COMPRESS_MIN_SIZE=1024,
        COMPRESS_LEVEL=1,  # float16 base64 barely compresses further; level 1 costs half the time
    )
    if test_config:
        app.config.update(test_config)
    app.json.sort_keys = False
    app.json.compact = True
    store = ModelStore(app.config["MODELS_DIR"])
    if not store.models:
        raise RuntimeError(f"no usable model in {app.config['MODELS_DIR']}: {store.errors}")
    app.extensions["cnnviz.models"] = store
    Compress(app)

    from . import api, jobs, pages
    app.extensions["cnnviz.pages"] = pages.available(app.template_folder)
    app.register_blueprint(api.bp)
    if app.config.get("STUDIO", True):
        jobs.init_app(app)  # the training studio: job queue, runtime models
    app.register_blueprint(pages.bp)

    errors.register(app, MAX_UPLOAD_BYTES)

    @app.after_request
    def security_headers(response):
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        if request.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app
