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
