"""Property-based tests of the upload path, and the API checked against its OpenAPI document."""
import io
import threading
import time

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks as st_checks

from cnnviz.web import create_app
from conftest import draw_digit, png_bytes

APP = create_app({"TESTING": True})


def _pretend_a_worker_runs(store):
    """Jobs posted by the fuzzer queue up (and the queue's bound answers 429); none is trained."""
    while True:
        store.worker_beat()
        time.sleep(5)


threading.Thread(target=_pretend_a_worker_runs, args=(APP.extensions["cnnviz.studio"].store,), daemon=True).start()
VALID_PNG = png_bytes(draw_digit("7", size=64))
VALID_JPEG = png_bytes(draw_digit("1", size=64), "JPEG")


def assert_clean_response(r):
    assert r.status_code < 500, r.get_data(as_text=True)
    assert r.is_json
    body = r.get_json()
    assert ("error" in body) != ("prediction" in body)
    assert "Traceback" not in r.get_data(as_text=True)


@st.composite
def mutated(draw, original):
    """An image file with a few bytes flipped, cut short, or junk spliced in."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 8))):
        i = draw(st.integers(0, len(data) - 1))
        data[i] = draw(st.integers(0, 255))
    cut = draw(st.integers(0, len(data)))
    return bytes(data[:cut]) + draw(st.binary(max_size=64))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=2048), mutated(VALID_PNG), mutated(VALID_JPEG)))
def test_any_upload_gets_a_clean_answer(data):
    client = APP.test_client()
    r = client.post("/api/models/digits/predict", data={"image": (io.BytesIO(data), "x")},
                    content_type="multipart/form-data")
    assert_clean_response(r)


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
                           max_leaves=30)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["image", "pixels", "layer", "neuron", "channel", "x"]), JSON_VALUES, max_size=4))
def test_any_json_body_gets_a_clean_answer(body):
    client = APP.test_client()
    for path in ("predict", "explain", "animate"):
        r = client.post(f"/api/models/digits/{path}", json=body)
        assert r.status_code < 500 and r.is_json


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case):
    # positive_data_acceptance is left out: no schema can say "a decodable image" or "a square
    # array", so schema-valid bodies the API rightly refuses (a data URL of random bytes) exist.
    # identity: the WSGI transport hands over the body as sent, without un-gzipping it.
    case.call_and_validate(headers={"Accept-Encoding": "identity"},
                           excluded_checks=[st_checks.positive_data_acceptance])


# ------------------------------------------------ requests generated from valid ones, then mutated
# Each case starts as a request the page could send (a drawing in some image format, a real
# layer, a neuron or channel inside it), so most reach preprocessing, explain and animate; then
# at most one part is mutated. Every answer is a success of the right shape, or an error of the
# exact shape {"error", "code", "params"} whose status is the one web/errors.py maps its code to.
import json as _json
import re as _re

from PIL import Image as _Image

from cnnviz.web.errors import status_of

LAYERS = {layer["name"]: layer for layer in APP.test_client().get("/api/models/digits").get_json()["layers"]}
TRACE = APP.test_client().post("/api/models/digits/predict?encoding=list",
                               json={"pixels": [[0.0] * 28] * 28}).get_json()["layers"]
SHAPES = {layer["name"]: layer["shape"] for layer in TRACE}
DRAWING = draw_digit("7", size=96)
_Image.init()
SAVABLE = ["PNG", "JPEG", "GIF", "BMP", "WEBP", "AVIF", "MPO", "TIFF", "ICO", "PPM", "TGA", "PCX", "SGI",
           "QOI", "JPEG2000", "IM", "DDS", "BLP", "XBM", "MSP", "SPIDER", "EPS", "PDF", "ICNS", "PALM"]
ENCODED = {}
for _fmt in SAVABLE:
    for _mode in ("RGB", "L", "1", "RGBA", "P"):
        try:
            ENCODED[f"{_fmt}/{_mode}"] = png_bytes(DRAWING.convert(_mode), _fmt)
            break
        except (OSError, ValueError, KeyError, TypeError):
            continue
CODE = _re.compile(r"[a-z_]+(\.[a-z0-9_]+)+")
HUGE = "9" * 5000


def assert_exact_answer(r, endpoint, layer=None):
    text = r.get_data(as_text=True)
    assert r.is_json and "Traceback" not in text, text[:300]
    body = r.get_json()
    if r.status_code == 200:
        assert "error" not in body and body["model"] == "digits"
        if endpoint == "predict":
            assert len(body["probabilities"]) == 10 and body["prediction"]["label"] in "0123456789"
        else:
            assert body["layer"] == layer
        return "ok"
    assert set(body) == {"error", "code", "params"}, body
    assert isinstance(body["error"], str) and body["error"] and isinstance(body["params"], dict)
    assert CODE.fullmatch(body["code"]), body
    assert 400 <= r.status_code < 500 and r.status_code == status_of(body["code"]), (r.status_code, body)
    return body["code"]


def _neuron_for(draw, layer):
    shape = SHAPES[layer]
    return [draw(st.integers(0, n - 1)) for n in shape]


BAD_NUMBERS = st.sampled_from([HUGE, "-" + HUGE, "²", "¹", "١", "٣", "1e400", "NaN", "-1", "1.5", "true",
                               "null", "[" * 5000, "[[[[0]]]]", "{}", "", " ", "0x10", "１"])


@st.composite
def page_requests(draw):
    endpoint = draw(st.sampled_from(["predict", "explain", "animate"]))
    layer = draw(st.sampled_from(sorted(LAYERS)))
    fields = {}
    if endpoint == "explain":
        fields = {"layer": layer, "neuron": _json.dumps(_neuron_for(draw, layer))}
    elif endpoint == "animate":
        fields = {"layer": layer, "channel": str(draw(st.integers(0, SHAPES[layer][0] - 1)))}
    image = ENCODED[draw(st.sampled_from(sorted(ENCODED)))]
    mutation = draw(st.sampled_from(["none", "none", "image", "field", "layer"]))
    if mutation == "image":
        image = draw(mutated(image))
    elif mutation == "field" and fields:
        name = "neuron" if endpoint == "explain" else "channel"
        value = draw(st.one_of(BAD_NUMBERS, st.text(max_size=12)))
        if name == "neuron" and draw(st.booleans()):
            spot = draw(st.integers(0, len(SHAPES[layer]) - 1))
            parts = _neuron_for(draw, layer)
            value = "[" + ",".join(value if i == spot else str(v) for i, v in enumerate(parts)) + "]"
        fields[name] = value
    elif mutation == "layer" and fields:
        fields["layer"] = draw(st.sampled_from(["", "conv", "CONV1", "conv1 ", "c" * 5000, "卷积", "__proto__"]))
    return endpoint, fields, image


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page_requests())
def test_mutated_page_requests_get_exact_answers(case):
    endpoint, fields, image = case
    r = APP.test_client().post(f"/api/models/digits/{endpoint}", content_type="multipart/form-data",
                               data={"image": (io.BytesIO(image), "input.png"), **fields})
    assert_exact_answer(r, endpoint, fields.get("layer"))


def test_page_requests_reach_explain_and_animate():
    """The generator's unmutated requests succeed: mutations start from requests that get deep."""
    client = APP.test_client()
    for layer in LAYERS:
        neuron = [n // 2 for n in SHAPES[layer]]
        for endpoint, extra in (("explain", {"neuron": _json.dumps(neuron)}), ("animate", {"channel": "0"})):
            r = client.post(f"/api/models/digits/{endpoint}", content_type="multipart/form-data",
                            data={"image": (io.BytesIO(ENCODED["PNG/RGB"]), "x.png"), "layer": layer, **extra})
            assert assert_exact_answer(r, endpoint, layer) == "ok", (layer, endpoint, r.get_json())


def test_every_pillow_format_and_its_truncations():
    """Each format Pillow writes: read (the supported ones) or refused with 415; cut short: 4xx."""
    client = APP.test_client()
    assert len(ENCODED) >= 15
    for name, data in ENCODED.items():
        r = client.post("/api/models/digits/predict", content_type="multipart/form-data",
                        data={"image": (io.BytesIO(data), "x")})
        answer = assert_exact_answer(r, "predict")
        fmt = name.split("/")[0]
        if fmt in ("PNG", "JPEG", "GIF", "BMP", "WEBP", "AVIF", "MPO"):
            assert answer == "ok", (name, r.get_json())
        else:
            assert answer in ("image.format", "image.not_image"), (name, answer)
        for cut in (8, 40, len(data) // 2, len(data) - 3):
            r = client.post("/api/models/digits/predict", content_type="multipart/form-data",
                            data={"image": (io.BytesIO(data[:cut]), "x")})
            assert_exact_answer(r, "predict")


JSON_MUTATIONS = [HUGE, "-" + HUGE, "[" * 100_000 + "]" * 100_000, '"²"', '"١"', "1e400", "-1", "1.5", "true",
                  "null", '"' + "x" * 10_000 + '"', "{" * 3000 + "}" * 3000, "[]", "[[]]", "[[1e999]]"]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["predict", "explain", "animate"]), st.sampled_from(["pixels", "layer", "neuron", "channel"]),
       st.sampled_from(JSON_MUTATIONS))
def test_mutated_json_bodies_get_exact_answers(endpoint, field, raw):
    valid = {"pixels": _json.dumps([[0.5 if 10 < i < 18 else 0.0 for i in range(28)]] * 28), "layer": '"conv2"',
             "neuron": "[1, 2, 3]", "channel": "1"}
    valid[field] = raw
    body = "{" + ", ".join(f'"{k}": {v}' for k, v in valid.items()) + "}"
    r = APP.test_client().post(f"/api/models/digits/{endpoint}", data=body.encode(),
                               content_type="application/json")
    assert_exact_answer(r, endpoint, "conv2")
