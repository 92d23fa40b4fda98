"""Errors as JSON: every CnnvizError code mapped to its HTTP status, here and only here.

The body is always {"error": English message, "code": stable code, "params": {...}};
the page looks the code up in its catalog and fills in the params.
"""
import logging

from flask import request
from werkzeug.exceptions import HTTPException

from ..errors import CnnvizError

log = logging.getLogger(__name__)

STATUS = {
    "request.content_type": 415,
    "image.format": 415,
    "image.not_image": 415,
    "image.too_many_pixels": 413,
    "upload.too_large": 413,
    "image.no_ink": 422,
    "image.nothing_found": 422,
    "pixels.wrong_shape": 422,
    "pixels.out_of_range": 422,
    "neuron.invalid": 422,
    "channel.invalid": 422,
    "loss.infinite": 422,
    "model.unknown": 404,
    "layer.unknown": 404,
    "class.unknown": 404,
    "class.forbidden": 403,
    "class.ended": 409,
    "input.expired": 409,
    "class.no_exercise": 409,
    "class.other_sheet": 409,
    "class.full": 429,
    "class.rate": 429,
    "class.busy": 503,
    "shape.output_size": 422,
    "lab.limit": 422,
    "lab.channels": 422,
    "lab.kernel_square": 422,
    "lab.bias": 422,
    "lab.preset": 404,
    "layer.not_conv": 422,
    "param.unknown": 404,
    "label.invalid": 422,
    "step.diverged": 422,
    "image.aspect": 422,
    "server.busy": 503,
    "models.none": 503,
    "jobs.unknown": 404,
    "jobs.no_figure": 404,
    "jobs.not_yours": 403,
    "jobs.queue_full": 429,
    "jobs.too_large": 422,
    "jobs.dataset_missing": 422,
    "jobs.not_finished": 409,
    "jobs.streams_full": 503,
    "jobs.no_worker": 503,
    "models.owner_full": 409,
    "models.server_full": 507,
    "models.disk_full": 507,
    "models.upload_not_json": 422,
    "models.upload_not_model": 422,
    "models.upload_architecture": 422,
    "models.upload_weights": 422,
}
HTTP_CODES = {400: "request.invalid", 404: "http.not_found", 405: "http.method_not_allowed",
              413: "upload.too_large", 415: "request.content_type", 429: "http.too_many_requests",
              503: "http.busy"}


def status_of(code):
    return STATUS.get(code, 400)


def body(message, code, **params):
    return {"error": message, "code": code, "params": params}


def entry_error(e):
    """A CnnvizError as one entry of a combined answer (what /predict answers beside the prediction):
    the body its own request would have had, with that request's "status"."""
    return {**body(e.message, e.code, **e.params), "status": status_of(e.code)}


def answered(make):
    """make() -> an entry of a combined answer, or its error (entry_error) if it refuses."""
    try:
        return make()
    except CnnvizError as e:
        return entry_error(e)


def register(app, max_upload_bytes):
    @app.errorhandler(CnnvizError)
    def known(e):
        headers = {"Retry-After": str(e.params["retry_after"])} if "retry_after" in e.params else {}
        return body(e.message, e.code, **e.params), status_of(e.code), headers

    @app.errorhandler(HTTPException)
    def http_error(e):
        headers = {"Allow": ", ".join(e.valid_methods)} if getattr(e, "valid_methods", None) else {}
        if e.code == 413:
            limit = max_upload_bytes // (1024 * 1024)
            return body(f"the upload is too large: the limit is {limit} MB", "upload.too_large", limit=limit), 413
        return body(e.description, HTTP_CODES.get(e.code, f"http.{e.code}")), e.code, headers

    @app.errorhandler(Exception)
    def unexpected(e):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return body("something went wrong on the server; the error has been logged", "server.error"), 500
