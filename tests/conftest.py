import io

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
