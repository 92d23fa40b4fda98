"""Presenter mode's server side: the address students open, and its QR code as SVG (made here, offline,
with segno). GET /api/join -> {url, host, port, reachable, qr}; GET /api/join.svg -> the QR code."""
import io
import re

import segno
from flask import Blueprint, Response, current_app, request

from ..errors import InputError
from ..netaddr import is_loopback, lan_address

bp = Blueprint("present", __name__, url_prefix="/api")
PATH = re.compile(r"^/[A-Za-z0-9_-]{0,40}$")  # a page of the app, e.g. /learn
QR_SCALE, QR_BORDER = 8, 4  # pixels per module; quiet zone of 4 modules, as the standard asks


def join_url(path="/"):
    """The URL a student's device opens: this request's host, with loopback names replaced by the LAN address.

    reachable: True when the server listens beyond this machine (None when the app does not know)."""
    if not PATH.match(path):
        raise InputError("'path' must be one of the app's pages, e.g. /learn", "join.path", path=path[:60])
    host, _, port = request.host.rpartition(":") if re.search(r":\d+$", request.host) else (request.host, "", "")
    listen = current_app.config.get("LISTEN_HOST")
    lan = lan_address() if is_loopback(host) else None
    reachable = None if listen is None else not is_loopback(listen)
    address = lan or host
    url = f"{request.scheme}://{address}{':' + port if port else ''}{path}"
    return {"url": url, "host": address, "port": int(port) if port else None, "lan": not is_loopback(address),
            "reachable": reachable}


def qr(url):
    """segno's QR code for url: (SVG text, modules per side without the quiet zone)."""
    code = segno.make(url, error="m", micro=False)
    buf = io.BytesIO()
    code.save(buf, kind="svg", scale=QR_SCALE, border=QR_BORDER, xmldecl=False, svgclass="qr", lineclass=None,
              title=url)
    return buf.getvalue().decode("utf-8"), code.symbol_size(border=0)[0]


@bp.get("/join")
def join():
    info = join_url(request.args.get("path", "/"))
    svg, modules = qr(info["url"])
    return {**info, "qr": {"svg": svg, "modules": modules, "border": QR_BORDER, "scale": QR_SCALE}}


@bp.get("/join.svg")
def join_svg():
    svg, _ = qr(join_url(request.args.get("path", "/"))["url"])
    return Response(svg, mimetype="image/svg+xml")
