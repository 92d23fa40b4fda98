import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from cnnviz.web import create_app


@pytest.fixture(scope="session")
def app():
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


def draw_digit(digit="1", size=200, mode="RGB", ink="black", paper="white", width=16):
    """A simple stroke drawing of 1, 7 or 0 as a Pillow image."""
    img = Image.new(mode, (size, size), paper)
    d = ImageDraw.Draw(img)
    s = size / 200
    shapes = {"1": [(100, 30), (100, 170)], "7": [(50, 40), (150, 40), (85, 170)]}
    if digit == "0":
        d.ellipse([60 * s, 30 * s, 140 * s, 170 * s], outline=ink, width=int(width * s))
    else:
        d.line([(x * s, y * s) for x, y in shapes[digit]], fill=ink, width=int(width * s))
    return img


def png_bytes(img, fmt="PNG", **kw):
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(*args, env_extra=None):
    """python app.py on a free port; returns (process, base URL) once it answers."""
    port = free_port()
    env = {**os.environ, **(env_extra or {})}
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/api/models", timeout=1)
            return proc, base
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None:
                raise RuntimeError(proc.stdout.read())
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


@pytest.fixture(scope="module")
def server():
    """The real app (python app.py) on a free port, for one test module."""
    proc, base = start_server()
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see whether the test failed."""
    rep = yield
    setattr(item, f"rep_{rep.when}", rep)
    return rep
