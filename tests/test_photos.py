"""Real phone photos: the subject found despite page edges, shadows, ruled lines and
floors; crop and invert; honest warnings when an input is unlike the training data."""
import io
from collections import deque

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from cnnviz.bench import photos
from cnnviz.data import DataError, load_digits_10k, load_fashion
from cnnviz.teach.subject import label

from conftest import draw_digit, png_bytes


def post(client, data, model="digits", path="predict", **fields):
    body = {"image": (io.BytesIO(data), "photo.jpg"), **{k: str(v) for k, v in fields.items()}}
    return client.post(f"/api/models/{model}/{path}", data=body, content_type="multipart/form-data")


def codes(body):
    return [w["code"] for w in body["warnings"]]


# ------------------------------------------------------------ hard photos
@pytest.mark.parametrize("maker,index,seed", [(photos.page_edge, 5, 1), (photos.page_edge, 420, 2),
                                              (photos.notebook, 140, 3), (photos.notebook, 777, 4)])
def test_generated_paper_photos_are_read(client, maker, index, seed):
    split = load_digits_10k()
    data = maker(split.x_test[index], np.random.default_rng(seed))
    body = post(client, data).get_json()
    assert body["prediction"]["index"] == split.y_test[index], body["prediction"]
    steps = [s["step"] for s in body["preprocessing"]]
    assert steps[:3] == ["original", "grayscale", "inverted"] and "flattened" in steps


def test_garment_on_a_wooden_floor_is_read(client):
    try:
        fashion = load_fashion()
    except DataError:
        pytest.skip("Fashion-MNIST is not installed")
    index = 2  # a pair of trousers
    data = photos.wood_floor(fashion.x_test[index], np.random.default_rng(7))
    body = post(client, data, model="fashion").get_json()
    assert body["prediction"]["index"] == fashion.y_test[index] == 1, body["prediction"]
    assert "subject" in [s["step"] for s in body["preprocessing"]]


def test_drawings_get_no_warnings(client):
    for digit in "170":
        body = post(client, png_bytes(draw_digit(digit))).get_json()
        assert body["prediction"]["label"] == digit and body["warnings"] == []


# ------------------------------------------------------------ crop, invert
def two_digits():
    """A 1 on the left half and a 7 on the right half of one white page."""
    page = Image.new("RGB", (400, 200), "white")
    page.paste(draw_digit("1"), (0, 0))
    page.paste(draw_digit("7"), (200, 0))
    return png_bytes(page)


def test_crop_picks_one_of_two_digits(client):
    data = two_digits()
    assert post(client, data, crop="[0, 0, 0.5, 1]").get_json()["prediction"]["label"] == "1"
    assert post(client, data, crop="[0.5, 0, 1, 1]").get_json()["prediction"]["label"] == "7"
    url = "data:image/png;base64," + __import__("base64").b64encode(data).decode()
    for path, extra in (("predict", {}), ("explain", {"layer": "conv1", "neuron": [0, 5, 5]}),
                        ("animate", {"layer": "fc3", "channel": 7})):
        r = client.post(f"/api/models/digits/{path}", json={"image": url, "crop": [0.5, 0, 1, 1], **extra})
        assert r.status_code == 200, r.get_json()
    body = client.post("/api/models/digits/predict", json={"image": url, "crop": [0.5, 0.0, 1.0, 1.0]}).get_json()
    assert body["prediction"]["label"] == "7"


def test_invert_forces_the_choice(client):
    data = png_bytes(draw_digit("7"))  # black on white
    steps = lambda body: [s["step"] for s in body["preprocessing"]]
    assert "inverted" in steps(post(client, data).get_json())
    assert "inverted" in steps(post(client, data, invert="true").get_json())
    white_on_black = png_bytes(draw_digit("7", ink="white", paper="black"))
    body = post(client, white_on_black, invert="false").get_json()
    assert "inverted" not in steps(body) and body["prediction"]["label"] == "7"
    # told to invert a white-on-black picture, the page becomes the ink: no longer a 7's shape
    assert "inverted" in steps(post(client, white_on_black, invert="true").get_json())


@pytest.mark.parametrize("fields,code", [
    ({"crop": [0.6, 0, 0.5, 1]}, "crop.empty"),
    ({"crop": [0.2, 0.2, 0.2, 0.9]}, "crop.empty"),
    ({"crop": [0, 0, 1.5, 1]}, "field.range"),
    ({"crop": [-0.1, 0, 1, 1]}, "field.range"),
    ({"crop": [0, 0, 1]}, "field.type"),
    ({"crop": "0,0,1,1"}, "field.type"),
    ({"crop": [0, 0, True, 1]}, "field.type"),
    ({"invert": "yes"}, "field.choice"),
    ({"invert": 1}, "field.choice"),
    ({"invert": None}, "field.choice"),
])
def test_bad_crop_and_invert_are_clear_400s(client, fields, code):
    url = "data:image/png;base64," + __import__("base64").b64encode(png_bytes(draw_digit("1"))).decode()
    r = client.post("/api/models/digits/predict", json={"image": url, **fields})
    assert r.status_code == 400
    body = r.get_json()
    assert body["code"] == code and body["params"]["field"] in fields and body["error"]


def test_bad_crop_in_multipart(client):
    r = post(client, png_bytes(draw_digit("1")), crop="[0, 0, 2, 1]")
    assert r.status_code == 400 and r.get_json()["code"] == "field.range"


# ------------------------------------------------------------ warnings
def test_scribble_with_several_blobs_is_flagged(client):
    page = Image.new("L", (300, 300), 255)
    d = ImageDraw.Draw(page)
    for x, y in ((40, 40), (200, 60), (120, 200)):
        d.ellipse([x, y, x + 60, y + 60], fill=0)
    body = post(client, png_bytes(page)).get_json()
    found = [w for w in body["warnings"] if w["code"] == "input.several_blobs"]
    assert found and found[0]["params"]["count"] == 3


def test_blank_low_contrast_photo_is_flagged(client):
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:480, 0:640] / 640
    paper = 0.75 + 0.1 * xx + rng.normal(0, 0.02, xx.shape)  # blank paper, uneven light, sensor noise
    paper -= 0.05 * np.exp(-((yy - 0.4) ** 2 + (xx - 0.5) ** 2) / 0.002)  # and a faint smudge
    img = Image.fromarray((np.clip(paper, 0, 1) * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1))
    r = post(client, png_bytes(img, "JPEG", quality=80))
    assert r.status_code == 200
    low = [w for w in r.get_json()["warnings"] if w["code"] == "input.low_contrast"]
    assert low and 0 <= low[0]["params"]["contrast"] < 20
    flat = Image.fromarray(np.full((100, 100), 200, np.uint8))  # nothing at all: a clear error instead
    r = post(client, png_bytes(flat))
    assert r.status_code == 422 and r.get_json()["code"] == "image.no_ink"


def test_fashion_outline_is_flagged(client):
    img = Image.new("L", (280, 280), 255)
    ImageDraw.Draw(img).polygon([(70, 40), (210, 40), (250, 110), (210, 120), (210, 250), (70, 250),
                                 (70, 120), (30, 110)], outline=0, width=6)  # a T-shirt's outline
    body = post(client, png_bytes(img), model="fashion").get_json()
    assert "input.outline" in codes(body)
    ImageDraw.Draw(img).polygon([(70, 40), (210, 40), (250, 110), (210, 120), (210, 250), (70, 250),
                                 (70, 120), (30, 110)], fill=0)  # filled in
    assert "input.outline" not in codes(post(client, png_bytes(img), model="fashion").get_json())


# ------------------------------------------------------------ components
def test_label_matches_a_flood_fill():
    rng = np.random.default_rng(0)
    for _ in range(100):
        mask = rng.uniform(size=rng.integers(1, 25, 2)) < rng.uniform(0.1, 0.9)
        labels, n = label(mask)
        expected, m = np.zeros(mask.shape, int), 0
        for start in zip(*np.nonzero(mask)):
            if expected[start]:
                continue
            m += 1
            expected[start], queue = m, deque([start])
            while queue:
                y, x = queue.popleft()
                for yy in range(max(0, y - 1), min(mask.shape[0], y + 2)):
                    for xx in range(max(0, x - 1), min(mask.shape[1], x + 2)):
                        if mask[yy, xx] and not expected[yy, xx]:
                            expected[yy, xx] = m
                            queue.append((yy, xx))
        assert n == m and (labels[~mask] == 0).all()
        assert len(set(zip(labels[mask], expected[mask]))) == m  # the same partition


def test_bold_ruled_lines_are_removed(client):
    page = Image.new("RGB", (400, 300), (245, 245, 240))
    d = ImageDraw.Draw(page)
    for y in range(15, 300, 30):
        d.line([(0, y), (400, y + 6)], fill=(90, 110, 160), width=2)  # dark lines, slightly tilted
    ink = Image.new("RGB", page.size, "white")
    ink.paste(draw_digit("7", size=160, width=14), (120, 70))
    page = ImageChops.multiply(page, ink)  # pen over the lines
    body = post(client, png_bytes(page, "JPEG", quality=85)).get_json()
    assert "unruled" in [s["step"] for s in body["preprocessing"]]
    assert body["prediction"]["label"] == "7" and "input.background" in codes(body)
