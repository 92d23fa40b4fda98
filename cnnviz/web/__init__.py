"""The Flask app: create_app(test_config=None) builds it around a ModelStore."""
import logging
from pathlib import Path

from flask import Flask, render_template, request
from flask_compress import Compress
from werkzeug.exceptions import HTTPException

from .. import __version__, serialize
from ..model import models_dir
from ..store import ModelStore
from .inputs import BadInput

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
    app.extensions["cnnviz.store"] = store
    Compress(app)

    from .api import bp
    app.register_blueprint(bp)

    @app.get("/")
    def index():
        return render_template("index.html", version=__version__, max_upload=MAX_UPLOAD_BYTES)

    _register_errors(app)

    @app.after_request
    def security_headers(response):
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        if request.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app


def _register_errors(app):
    @app.errorhandler(BadInput)
    def bad_input(e):
        return serialize.error(str(e)), e.status

    @app.errorhandler(HTTPException)
    def http_error(e):
        message = e.description if e.code != 413 else \
            f"the upload is too large: the limit is {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"
        headers = {"Allow": ", ".join(e.valid_methods)} if getattr(e, "valid_methods", None) else {}
        return serialize.error(message), e.code, headers

    @app.errorhandler(Exception)
    def unexpected(e):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return serialize.error("something went wrong on the server; the error has been logged"), 500
