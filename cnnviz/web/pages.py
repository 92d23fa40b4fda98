"""The app's pages. A page is its template (templates/pages/ID.html) and its entry
module (static/js/pages/ID.js); the navigation lists, in ORDER, the pages that exist."""
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template

from .. import __version__

ORDER = ("explore", "lab", "learn", "practice", "train", "class")
bp = Blueprint("pages", __name__)


def available(template_dir):
    return [p for p in ORDER if (Path(template_dir) / "pages" / f"{p}.html").exists()]


def navigation():
    pages = current_app.extensions["cnnviz.pages"]
    return [(p, "/" if p == "explore" else f"/{p}") for p in pages]


def render(page):
    from . import MAX_UPLOAD_BYTES
    return render_template(f"pages/{page}.html", page=page, nav=navigation(), version=__version__,
                           max_upload=MAX_UPLOAD_BYTES)


@bp.get("/")
def explore():
    return render("explore")


@bp.get(f"/<any({', '.join(ORDER[1:])}):page>")
def page(page):
    if page not in current_app.extensions["cnnviz.pages"]:
        abort(404)
    return render(page)
