import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

# What the app writes at run time (job queue, trained models) goes to a fresh folder, never ./instance
os.environ.setdefault("CNNVIZ_INSTANCE", tempfile.mkdtemp(prefix="cnnviz-test-"))

from cnnviz.web import create_app  # noqa: E402


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
    env = {**os.environ, "CNNVIZ_INSTANCE": tempfile.mkdtemp(prefix="cnnviz-instance-"), **(env_extra or {})}
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
                raise RuntimeError(proc.stdout.read()) from None
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


# ------------------------------------------------------------------ browser tests
SCREENS = {  # the five screens every page is checked at: name -> browser context options
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
    "1024": {"viewport": {"width": 1024, "height": 768}},
    "1366": {"viewport": {"width": 1366, "height": 768}},
    "1080p": {"viewport": {"width": 1920, "height": 1080}},
    "720p150": {"viewport": {"width": 853, "height": 480}, "device_scale_factor": 1.5},  # 1280x720 at 150 %
}
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (Playwright's own browser download is not used)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip("no Chromium here (CI installs it)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


def new_page(browser, base, **context_options):
    """A page that records console errors and every host it talks to."""
    from urllib.parse import urlparse
    context = browser.new_context(**{"viewport": {"width": 1400, "height": 900}, "locale": "en-US",
                                     "accept_downloads": True, **context_options})
    page = context.new_page()
    page.errors, page.hosts = [], set()
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: page.hosts.add(urlparse(r.url).netloc) if r.url.startswith("http") else None)
    page.base = base
    return page


def open_app(page, query="?lang=en"):
    page.goto(page.base + "/" + query)
    page.wait_for_selector("body[data-ready=true]")


@pytest.fixture
def page(browser, server, request):
    """A fresh page; a failing test leaves a screenshot in test-artifacts/."""
    page = new_page(browser, server)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    page.context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see whether the test failed."""
    rep = yield
    setattr(item, f"rep_{rep.when}", rep)
    return rep


def pytest_collection_modifyitems(items):
    """Every test has its own id. schemathesis's tests of one function (one per API operation)
    share their function's id under pytest 9, the operation being only in their name, and
    pytest-xdist's --dist loadfile (.ci/run) keeps one test per id: it ran 1 of the 50."""
    for item in items:
        label = getattr(item, "operation_label", None)
        if label and "[" not in item.nodeid:  # pytest 9's structured id (Function: parent's child, with params)
            item._id = item._id.with_params(label)
    seen = set()
    twice = sorted({item.nodeid for item in items if item.nodeid in seen or seen.add(item.nodeid)})
    if twice:
        raise pytest.UsageError(f"tests that share an id (pytest-xdist would run one of each): {twice[:5]}")
