"""Every endpoint through Flask's test client, and every bad input the issue lists."""
import base64
import io
import json
import math

import numpy as np
import pytest
from PIL import Image

from cnnviz.data import load_digits_10k
from cnnviz.web import serialize
from conftest import draw_digit, png_bytes


def upload(client, data, model="digits", path="predict", name="x.png", query=""):
    return client.post(f"/api/models/{model}/{path}{query}", data={"image": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def no_nan(text):
    return "NaN" not in text and "Infinity" not in text


def decode_f16(a):
    return np.frombuffer(base64.b64decode(a["data"]), "<f2").reshape(a["shape"])


# ------------------------------------------------------------------ read endpoints
def test_models_list(client):
    models = client.get("/api/models").get_json()["models"]
    assert [m["id"] for m in models] == ["digits", "fashion"]
    digits = models[0]
    assert digits["input_shape"] == [1, 32, 32] and digits["classes"][3] == "3"
    assert digits["parameters"] == 63_802 and digits["test_accuracy"] > 0.5


def test_model_architecture(client):
    body = client.get("/api/models/digits").get_json()
    conv1 = body["layers"][0]
    assert conv1 == {"name": "conv1", "kind": "conv", "filters": 6, "kernel": 5, "stride": 1, "padding": 0,
                     "dilation": 1, "input_shape": [1, 32, 32], "output_shape": [6, 28, 28], "parameters": 156}
    assert [l["kind"] for l in body["layers"]][-1] == "softmax"


def test_weights_download_matches_model(client, app):
    r = client.get("/api/models/digits/weights")
    assert r.status_code == 200 and r.mimetype == "application/octet-stream"
    with np.load(io.BytesIO(r.data), allow_pickle=False) as npz:
        model = app.extensions["cnnviz.models"].get("digits")
        assert sorted(npz.files) == sorted(model.parameters())
        np.testing.assert_array_equal(npz["conv1.weight"], model.parameters()["conv1.weight"])


def test_examples_include_verdicts(client):
    body = client.get("/api/models/digits/examples").get_json()
    assert len(body["examples"]) >= 20
    assert any(not e["correct"] for e in body["examples"])
    assert body["examples"][0]["image"].startswith("data:image/png;base64,")


def test_openapi_document(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and "/api/models/{model_id}/predict" in spec["paths"]


@pytest.mark.parametrize("page", ["explore", "lab", "learn", "train", "practice", "class"])
def test_every_page_and_its_assets_load(client, app, page):
    """Each page links its entry module and stylesheets under the content version, and they load."""
    r = client.get("/" if page == "explore" else f"/{page}")
    assert r.status_code == 200 and b"<html" in r.data
    for src in (f"/static/js/pages/{page}.js", "/static/css/app.css", "/static/js/core/presenter.js"):
        versioned = src.replace("/static/", f"/static/{app.config['STATIC_VERSION']}/")
        assert client.get(src).status_code == 200 and client.get(versioned).status_code == 200, src
        assert versioned.encode() in r.data, src
    url = "/" if page == "explore" else f"/{page}"
    assert f'href="{url}" data-i18n="nav.{page}" aria-current="page"'.encode() in r.data


def test_pages_not_built_are_not_offered(client, app):
    """A page exists when its template does; the navigation lists only those."""
    assert app.extensions["cnnviz.pages"][0] == "explore"
    for page in ("lab", "learn", "train", "class"):
        expected = 200 if page in app.extensions["cnnviz.pages"] else 404
        assert client.get(f"/{page}").status_code == expected
    assert client.get("/nonsense").status_code == 404


# --------------------------------------------------------------------- predict
def test_predict_pixels_equals_engine(client, app):
    split = load_digits_10k()
    pixels = (split.x_test[0] / 255).tolist()
    r = client.post("/api/models/digits/predict?encoding=list", json={"pixels": pixels})
    body = r.get_json()
    model = app.extensions["cnnviz.models"].get("digits")
    x = np.zeros((1, 1, 32, 32), np.float32)
    x[0, 0, 2:30, 2:30] = split.x_test[0] / 255
    steps = model.trace(x)
    np.testing.assert_array_equal(np.array(body["input"], np.float32), x[0])
    for layer, step in zip(body["layers"], steps):
        assert layer["name"] == step.name and layer["kind"] == step.kind
        np.testing.assert_array_equal(np.array(layer["output"], np.float32), step.output[0])
    assert body["prediction"]["index"] == int(steps[-1].output[0].argmax()) == split.y_test[0]
    assert math.isclose(sum(body["probabilities"]), 1, rel_tol=1e-5)


def test_predict_default_encoding_is_compact_float16(client):
    r = client.post("/api/models/digits/predict", json={"pixels": [[0.0] * 28] * 28})
    body = r.get_json()
    assert body["encoding"] == "f16"
    conv1 = body["layers"][0]["output"]
    assert conv1["shape"] == [6, 28, 28] and decode_f16(conv1).shape == (6, 28, 28)
    assert len(r.data) < 60_000


def test_predict_drawn_digits_by_upload_and_data_url(client):
    for digit in "170":
        data = png_bytes(draw_digit(digit))
        assert upload(client, data).get_json()["prediction"]["label"] == digit
        url = "data:image/png;base64," + base64.b64encode(data).decode()
        body = client.post("/api/models/digits/predict", json={"image": url}).get_json()
        assert body["prediction"]["label"] == digit
        assert [s["step"] for s in body["preprocessing"]][:2] == ["original", "grayscale"]


IMAGE_MODES = {
    "black on transparent RGBA": lambda: draw_digit("7", mode="RGBA", ink=(0, 0, 0, 255), paper=(0, 0, 0, 0)),
    "white on transparent RGBA": lambda: draw_digit("7", mode="RGBA", ink=(255, 255, 255, 255), paper=(0, 0, 0, 0)),
    "LA": lambda: draw_digit("7", mode="LA", ink=(0, 255), paper=(0, 0)),
    "L": lambda: draw_digit("7", mode="L", ink=0, paper=255),
    "palette": lambda: draw_digit("7", mode="L", ink=0, paper=255).convert("P"),
    "palette with transparency": lambda: draw_digit("7", mode="RGBA", ink=(0, 0, 0, 255),
                                                    paper=(255, 255, 255, 0)).convert("P"),
    "1-bit": lambda: draw_digit("7", mode="1", ink=0, paper=1),
    "CMYK": lambda: draw_digit("7", mode="CMYK", ink=(0, 0, 0, 255), paper=(0, 0, 0, 0)),
}


@pytest.mark.parametrize("mode", IMAGE_MODES)
def test_image_modes_are_recognised(client, mode):
    img = IMAGE_MODES[mode]()
    fmt = "JPEG" if img.mode == "CMYK" else "PNG"
    body = upload(client, png_bytes(img, fmt)).get_json()
    assert body["prediction"]["label"] == "7", body


def test_sixteen_bit_png_is_scaled(client):
    gray = np.asarray(draw_digit("1", mode="L"), np.uint16) * 257
    img = Image.fromarray(gray.astype(np.uint16))
    assert img.mode.startswith("I")
    assert upload(client, png_bytes(img)).get_json()["prediction"]["label"] == "1"


def test_exif_orientation_is_honoured(client):
    img = draw_digit("7").rotate(90, expand=True)  # stored on its side ...
    exif = Image.Exif()
    exif[0x0112] = 6  # ... with EXIF saying "rotate 90 clockwise to view"
    assert upload(client, png_bytes(img, "JPEG", exif=exif)).get_json()["prediction"]["label"] == "7"


def test_the_original_step_says_the_uploads_own_size(client):
    """The strip's "original" shows a thumbnail, but its caption's size is the picture's as uploaded:
    upright, cropped, whatever the server decoded it at (a large JPEG is decoded at a fraction)."""
    def original(data, **fields):
        r = client.post("/api/models/digits/predict", content_type="multipart/form-data",
                        data={"image": (io.BytesIO(data), "x.jpg"), **fields})
        step = r.get_json()["preprocessing"][0]
        assert step["step"] == "original" and max(step["pixels"]["shape"][:2]) <= 64
        return step["shape"]
    pad = Image.new("RGBA", (280, 280), (255, 255, 255, 255))
    pad.paste(draw_digit("7", size=200).convert("RGBA"), (40, 40))
    assert original(png_bytes(pad)) == [280, 280]
    photo = draw_digit("7", size=1000, mode="RGB").resize((1600, 1200))  # decoded at 1/4
    assert original(png_bytes(photo, "JPEG")) == [1200, 1600]
    exif = Image.Exif()
    exif[0x0112] = 6  # stored on its side: upright it is 1200 wide and 1600 tall
    assert original(png_bytes(photo, "JPEG", exif=exif)) == [1600, 1200]
    assert original(png_bytes(photo, "JPEG"), crop=json.dumps([0.25, 0.5, 0.75, 1.0])) == [600, 800]


def test_photo_with_shading_and_noise(client):
    rng = np.random.default_rng(0)
    ink = np.asarray(draw_digit("7", mode="L", size=400, width=20), np.float64) / 255
    shading = np.linspace(0.55, 0.95, 400)[None, :] * np.linspace(0.8, 1.0, 400)[:, None]
    photo = np.clip(ink * shading + (1 - ink) * 0.1 + rng.normal(0, 0.03, ink.shape), 0, 1)
    rgb = np.stack([photo * 0.95, photo * 0.9, photo * 0.85], -1)
    data = png_bytes(Image.fromarray((rgb * 255).astype(np.uint8)), "JPEG", quality=85)
    assert upload(client, data).get_json()["prediction"]["label"] == "7"


def test_multi_frame_gif_uses_first_frame(client):
    frames = [draw_digit("1", mode="L"), draw_digit("0", mode="L")]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:])
    assert upload(client, buf.getvalue(), name="x.gif").get_json()["prediction"]["label"] == "1"


@pytest.mark.parametrize("fmt", ["BMP", "WEBP", "GIF"])
def test_other_formats(client, fmt):
    assert upload(client, png_bytes(draw_digit("1", mode="L"), fmt)).get_json()["prediction"]["label"] == "1"


def test_fashion_model_takes_a_photo(client):
    body = upload(client, png_bytes(draw_digit("0", size=120)), model="fashion").get_json()
    assert body["model"] == "fashion" and len(body["probabilities"]) == 10
    assert body["layers"][0]["shape"] == [16, 26, 26]


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("data,status,words", [
    (b"", 400, "empty"),
    (b"hello, I am not an image", 415, "not an image"),
    (png_bytes(draw_digit("1"))[:120], 400, "truncated or corrupt"),
    (b"%PDF-1.4\n" + b"0" * 100, 415, "not an image"),
    (png_bytes(Image.new("L", (50, 50), 255)), 422, "no ink"),
])
def test_bad_uploads(client, data, status, words):
    r = upload(client, data)
    assert r.status_code == status and r.is_json and words in r.get_json()["error"]


def test_unsupported_format_is_415(client):
    r = upload(client, png_bytes(draw_digit("1", mode="L"), "TIFF"), name="x.tiff")
    assert r.status_code == 415 and "TIFF" in r.get_json()["error"]


def test_decompression_bomb_refused(client):
    data = png_bytes(Image.new("1", (20000, 20000), 1), optimize=True)  # 400 megapixels, small file
    assert len(data) < 200_000
    r = upload(client, data)
    assert r.status_code == 413 and "megapixels" in r.get_json()["error"]


def test_body_over_limit_is_413(client):
    r = upload(client, b"\0" * (9 * 1024 * 1024))
    assert r.status_code == 413 and "too large" in r.get_json()["error"]


@pytest.mark.parametrize("body,status", [
    ("", 400), ("[]", 400), ("{}", 400), ("{\"pixels\": NaN}", 400), ("{\"pixels\": [[Infinity]]}", 400),
    ("{\"pixels\": \"abc\"}", 400), ("{\"pixels\": [[\"0.1\", 0.2]]}", 400), ("{\"pixels\": [[true]]}", 400),
    ("{\"pixels\": [[0.1, 0.2], [0.3]]}", 400), ("{\"pixels\": [[0.1, 0.2], [0.3, 0.4]]}", 422),
    ("{\"pixels\": [[null]]}", 400), ("{\"image\": 12}", 400), ("{\"image\": \"data:image/png;base64,@@@\"}", 400),
    ("{\"image\": \"http://example.com/x.png\"}", 400),
])
def test_bad_json(client, body, status):
    r = client.post("/api/models/digits/predict", data=body, content_type="application/json")
    assert r.status_code == status and r.is_json and r.get_json()["error"]


def test_pixel_values_out_of_range(client):
    r = client.post("/api/models/digits/predict", json={"pixels": [[2.0] * 28] * 28})
    assert r.status_code == 422 and "between 0 and 1" in r.get_json()["error"]


def test_huge_array(client):
    r = client.post("/api/models/digits/predict", json={"pixels": [[0.0] * 3000] * 3000})
    assert r.status_code == 413 and r.get_json()["code"] == "upload.too_large"


def test_wrong_content_type_and_method(client):
    r = client.post("/api/models/digits/predict", data="x=1", content_type="text/plain")
    assert r.status_code == 415 and r.is_json
    r = client.get("/api/models/digits/predict")
    assert r.status_code == 405 and r.is_json
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and r.is_json


def test_bad_encoding_param(client):
    r = client.post("/api/models/digits/predict?encoding=xml", json={"pixels": [[0.0] * 28] * 28})
    assert r.status_code == 400


def test_unknown_model(client):
    for path in ("", "/weights", "/examples"):
        r = client.get(f"/api/models/nope{path}")
        assert r.status_code == 404 and "nope" in r.get_json()["error"]
    assert client.post("/api/models/nope/predict", json={}).status_code == 404


# --------------------------------------------------------------------- explain
ZERO = [[0.0] * 28] * 28


@pytest.fixture(scope="module")
def digit_pixels():
    return (load_digits_10k().x_test[5] / 255).tolist()


def explain(client, layer, neuron, pixels):
    return client.post("/api/models/digits/explain", json={"layer": layer, "neuron": neuron, "pixels": pixels})


def predicted(client, pixels):
    body = client.post("/api/models/digits/predict?encoding=list", json={"pixels": pixels}).get_json()
    return {l["name"]: np.array(l["output"]) for l in body["layers"]}, np.array(body["input"])


def test_explain_conv_arithmetic(client, digit_pixels):
    outputs, x = predicted(client, digit_pixels)
    e = explain(client, "conv2", [3, 4, 5], digit_pixels).get_json()
    patch, w = np.array(e["patch"]), np.array(e["weights"])
    assert patch.shape == (6, 5, 5) and w.shape == (6, 5, 5)
    np.testing.assert_array_equal(patch, outputs["pool1"][:, 4:9, 5:10])
    np.testing.assert_allclose(np.array(e["products"]), patch * w)
    assert math.isclose(e["sum"], (patch * w).sum() + e["bias"], rel_tol=1e-12)
    assert e["output"] == outputs["conv2"][3, 4, 5]
    assert math.isclose(e["sum"], e["output"], rel_tol=1e-5, abs_tol=1e-6)
    assert len(e["channel_sums"]) == 6 and e["input_layer"] == "pool1"


def test_explain_pool_relu_dense_softmax(client, digit_pixels):
    outputs, _ = predicted(client, digit_pixels)
    pool = explain(client, "pool1", [2, 7, 6], digit_pixels).get_json()
    window = np.array(pool["window"])
    np.testing.assert_array_equal(window, outputs["relu1"][2, 14:16, 12:14])
    assert pool["output"] == window.max() == window[tuple(pool["winner"])]
    relu = explain(client, "relu1", [0, 10, 10], digit_pixels).get_json()
    assert relu["output"] == max(relu["input"], 0) and relu["input"] == outputs["conv1"][0, 10, 10]
    dense = explain(client, "fc1", [7], digit_pixels).get_json()
    np.testing.assert_array_equal(dense["inputs"], outputs["flatten"])
    assert math.isclose(dense["sum"], dense["output"], rel_tol=1e-5, abs_tol=1e-5)
    assert abs(dense["products"][dense["largest"][0]]) == max(abs(np.array(dense["products"])))
    soft = explain(client, "softmax", [3], digit_pixels).get_json()
    # explain redoes the sum in float64; the engine computed the probabilities in float32
    np.testing.assert_allclose(np.array(soft["exps"]) / soft["exp_sum"], soft["probabilities"], rtol=1e-5)
    assert soft["output"] == soft["probabilities"][3]


def test_explain_padding_shows_zeros(app):
    """A conv with padding: the patch holds zeros where the window hangs over the edge."""
    from cnnviz.teach.explain import explain as explain_neuron
    from cnnviz.engine.model import Model
    model = Model([{"name": "c", "kind": "conv", "filters": 2, "kernel": 3, "padding": 1, "stride": 2}], (1, 5, 5))
    x = np.arange(1, 26, dtype=np.float32).reshape(1, 1, 5, 5)
    e = explain_neuron(model, model.trace(x), "c", [1, 0, 0], x)
    np.testing.assert_array_equal(e["patch"][0], [[0, 0, 0], [0, 1, 2], [0, 6, 7]])
    assert e["rows"].tolist() == [-1, 0, 1]
    assert math.isclose(e["sum"], e["output"], rel_tol=1e-6)


@pytest.mark.parametrize("layer,neuron,status", [
    ("conv9", [0, 0, 0], 404), ("conv1", [6, 0, 0], 422), ("conv1", [0, 28, 0], 422), ("conv1", [0, 0], 422),
    ("fc1", [120], 422), ("fc1", [-1], 422), ("fc1", ["a"], 422), ("fc1", 3, 422), (None, [0], 400),
])
def test_explain_bad_neuron(client, layer, neuron, status):
    r = client.post("/api/models/digits/explain", json={"layer": layer, "neuron": neuron, "pixels": ZERO})
    assert r.status_code == status and r.is_json


def test_explain_multipart(client):
    r = client.post("/api/models/digits/explain", content_type="multipart/form-data", data={
        "image": (io.BytesIO(png_bytes(draw_digit("1"))), "x.png"), "layer": "conv1", "neuron": "[0, 5, 5]"})
    assert r.status_code == 200 and r.get_json()["kind"] == "conv"


# -------------------------------------------------------------------- headers
def test_security_headers_everywhere(client):
    for r in (client.get("/"), client.get("/api/models"), client.get("/api/nope"),
              client.post("/api/models/digits/predict", data=b"", content_type="application/json")):
        csp = r.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "no-referrer"
        assert "Access-Control-Allow-Origin" not in r.headers


def test_responses_are_gzipped_when_asked(client):
    r = client.post("/api/models/digits/predict", json={"pixels": ZERO}, headers={"Accept-Encoding": "gzip"})
    assert r.headers["Content-Encoding"] == "gzip" and len(r.data) < 40_000


def test_no_response_contains_nan(client):
    r = client.post("/api/models/digits/predict?encoding=list", json={"pixels": [[1.0] * 32] * 32})
    assert r.status_code == 200 and no_nan(r.get_data(as_text=True))
    json.loads(r.get_data(as_text=True), parse_constant=lambda c: pytest.fail(c))


# --------------------------------------------------------------------- animate
def animate(client, layer, channel, pixels):
    """/animate's answer with its sparse arrays as nested lists, as the page reads it (core/api.js)."""
    r = client.post("/api/models/digits/animate", json={"layer": layer, "channel": channel, "pixels": pixels})
    assert r.status_code == 200, r.get_json()
    return {k: serialize.dense(v).tolist() if isinstance(v, dict) and v.get("sparse") else v
            for k, v in r.get_json().items()}


def test_animate_conv_steps_equal_explain(client, digit_pixels):
    a = animate(client, "conv2", 4, digit_pixels)
    assert np.array(a["channel_sums"]).shape == (6, 10, 10) and np.array(a["input"]).shape == (6, 14, 14)
    for y, x in [(0, 0), (3, 7), (9, 9)]:
        e = explain(client, "conv2", [4, y, x], digit_pixels).get_json()
        assert [row[y][x] for row in a["channel_sums"]] == e["channel_sums"]
        assert a["sums"][y][x] == e["sum"] and a["output"][y][x] == e["output"]
    assert a["weights"] == explain(client, "conv2", [4, 0, 0], digit_pixels).get_json()["weights"]


def test_animate_pool_dense_softmax_equal_explain(client, digit_pixels):
    pool = animate(client, "pool1", 3, digit_pixels)
    e = explain(client, "pool1", [3, 5, 6], digit_pixels).get_json()
    assert pool["winners"][5][6] == e["winner"] and pool["output"][5][6] == e["output"]
    dense = animate(client, "fc2", 11, digit_pixels)
    e = explain(client, "fc2", [11], digit_pixels).get_json()
    assert dense["order"][:10] == e["largest"] and dense["sum"] == e["sum"] and dense["output"] == e["output"]
    assert dense["activation"]["layer"] == "relu4" and dense["activation"]["output"] == max(0.0, e["output"])
    fc1 = animate(client, "fc1", 0, digit_pixels)
    assert fc1["unflattened_shape"] == [16, 5, 5]
    soft = animate(client, "softmax", None, digit_pixels)
    assert soft["exps"] == explain(client, "softmax", [0], digit_pixels).get_json()["exps"]


@pytest.mark.parametrize("layer,channel,status", [
    ("conv1", 6, 422), ("conv1", -1, 422), ("conv1", "a", 422), ("fc1", 120, 422), ("nope", 0, 404)])
def test_animate_bad_channel(client, layer, channel, status):
    r = client.post("/api/models/digits/animate", json={"layer": layer, "channel": channel, "pixels": ZERO})
    assert r.status_code == status and r.is_json


@pytest.mark.parametrize("path", ["/api/jobs", "/api/studio/architecture", "/api/lab/shape", "/api/lab/architecture",
                                  "/api/classes"])
def test_json_only_endpoints_refuse_an_image_body(client, path):
    """A PNG sent where JSON is expected is a 415 request.content_type: read as no fields, it queued a
    training of the defaults (/api/jobs answered 202) or answered a preset nobody asked for."""
    png = io.BytesIO()
    Image.new("L", (8, 8)).save(png, "PNG")
    r = client.post(path, data=png.getvalue(), content_type="image/png")
    assert r.status_code == 415 and r.get_json()["code"] == "request.content_type", (r.status_code, r.get_json())
