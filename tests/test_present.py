"""Presenter mode's server side: /api/join gives the address students open and its QR code (segno, SVG)."""
import re
import xml.etree.ElementTree as ET

import segno

SVG = "{http://www.w3.org/2000/svg}"


def modules_from_svg(svg):
    """Rebuild the dark-module matrix from segno's SVG path (runs of 'h' moves, one row per 'm')."""
    root = ET.fromstring(svg)
    path = root.find(f"{SVG}path")
    scale = float(re.search(r"scale\(([\d.]+)\)", path.get("transform")).group(1))
    size = int(float(root.get("width")) / scale)
    grid = [[0] * size for _ in range(size)]
    x = y = 0.0
    for op, a, b in re.findall(r"([MmHhVv])\s*(-?[\d.]+)(?:[ ,](-?[\d.]+))?", path.get("d")):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        elif op == "h":
            n = float(a)
            if path.get("stroke") and n > 0:
                for i in range(int(round(n))):
                    grid[int(y)][int(x) + i] = 1
            x += n
    return grid


def test_join_gives_the_lan_address_and_a_qr_code_of_it(client):
    r = client.get("/api/join?path=/learn")
    assert r.status_code == 200
    info = r.get_json()
    assert info["url"].endswith("/learn") and info["url"].startswith("http://")
    assert "localhost" not in info["url"]  # the test client's host is replaced by this machine's LAN address
    from cnnviz.netaddr import lan_address
    assert info["host"] == (lan_address() or "localhost")
    code = segno.make(info["url"], error="m", micro=False)
    assert info["qr"]["modules"] == code.symbol_size(border=0)[0]
    grid = modules_from_svg(info["qr"]["svg"])
    border = info["qr"]["border"]
    inner = [row[border:-border] for row in grid[border:-border]]
    assert inner == [list(map(int, row)) for row in code.matrix]  # the SVG holds exactly the code of the URL
    assert len(inner) == info["qr"]["modules"]


def test_join_svg_is_an_svg_image(client):
    r = client.get("/api/join.svg?path=/learn")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    root = ET.fromstring(r.data)
    assert root.tag == f"{SVG}svg" and root.find(f"{SVG}path") is not None
    assert r.headers["Cache-Control"] == "no-store"


def test_join_refuses_paths_that_are_not_pages(client):
    for bad in ("//evil.example", "/learn?x=1", "learn", "/" + "a" * 80):
        r = client.get("/api/join", query_string={"path": bad})
        assert r.status_code == 400 and r.get_json()["code"] == "join.path"


def test_join_says_whether_students_can_reach_the_server():
    from cnnviz.web import create_app
    local = create_app({"TESTING": True, "LISTEN_HOST": "127.0.0.1"}).test_client().get("/api/join").get_json()
    everyone = create_app({"TESTING": True, "LISTEN_HOST": "0.0.0.0"}).test_client().get("/api/join").get_json()
    assert local["reachable"] is False and everyone["reachable"] is True


def test_join_keeps_a_real_host_name(client):
    info = client.get("/api/join", base_url="http://192.168.7.9:8123").get_json()
    assert info["url"] == "http://192.168.7.9:8123/" and info["port"] == 8123 and info["lan"] is True
