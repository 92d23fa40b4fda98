"""Input by reference: /predict answers with the input's id; /explain, /animate and /backward
take {"input_id"} instead of the image and give exactly what the image gives; an id the server
no longer holds is 409 input.expired, a malformed one 400."""
import io

import pytest

from cnnviz.web import create_app
from conftest import draw_digit, png_bytes

DRAWING = png_bytes(draw_digit("7", size=280))


def upload(client, path, data=DRAWING, **fields):
    return client.post(f"/api/models/digits/{path}", data={"image": (io.BytesIO(data), "x.png"), **fields},
                       content_type="multipart/form-data")


@pytest.fixture
def fresh():
    app = create_app({"TESTING": True})
    return app.test_client(), app.extensions["cnnviz.traces"]


def test_predict_answers_with_the_input_id_and_later_requests_reuse_it(fresh):
    client, cache = fresh
    predicted = upload(client, "predict").get_json()
    input_id = predicted["input_id"]
    assert len(input_id) == 64 and upload(client, "predict").get_json()["input_id"] == input_id
    for path, fields in [("animate", {"layer": "conv1", "channel": 3}),
                         ("explain", {"layer": "fc3", "neuron": [7]}),
                         ("backward/explain", {"layer": "fc3", "neuron": [7], "label": 7})]:
        by_image = upload(client, path, **{k: str(v) for k, v in fields.items()}).get_json()
        by_id = client.post(f"/api/models/digits/{path}", json={"input_id": input_id, **fields})
        assert by_id.status_code == 200 and by_id.get_json() == by_image, path
    assert cache.misses == 1  # one decode for the whole stroke


def test_per_request_weights_apply_to_a_referenced_input(fresh):
    client, _ = fresh
    input_id = upload(client, "predict").get_json()["input_id"]
    weights = {"conv1.bias": {"filter": 0, "value": 2.5}}
    fields = {"layer": "conv1", "channel": 0, "weights": weights}
    by_image = client.post("/api/models/digits/animate", data={
        "image": (io.BytesIO(DRAWING), "x.png"), "layer": "conv1", "channel": "0",
        "weights": '{"conv1.bias": {"filter": 0, "value": 2.5}}'}, content_type="multipart/form-data").get_json()
    by_id = client.post("/api/models/digits/animate", json={"input_id": input_id, **fields}).get_json()
    plain = client.post("/api/models/digits/animate", json={"input_id": input_id, "layer": "conv1",
                                                             "channel": 0}).get_json()
    assert by_id == by_image and by_id != plain
    # the shared trace in the cache is untouched by the request's weights
    assert client.post("/api/models/digits/animate", json={"input_id": input_id, "layer": "conv1",
                                                           "channel": 0}).get_json() == plain


def test_an_evicted_or_unknown_id_is_409_expired(fresh):
    client, cache = fresh
    input_id = upload(client, "predict").get_json()["input_id"]
    cache._items.clear()  # evicted, or the id came from another worker process
    r = client.post("/api/models/digits/animate", json={"input_id": input_id, "layer": "conv1", "channel": 0})
    assert r.status_code == 409 and r.get_json()["code"] == "input.expired"
    # the id belongs to one model: another model's cache entry is another input
    upload(client, "predict")
    r = client.post("/api/models/fashion/animate", json={"input_id": input_id, "layer": "conv1", "channel": 0})
    assert r.status_code == 409 and r.get_json()["code"] == "input.expired"


@pytest.mark.parametrize("bad", ["", "abc", "A" * 64, "g" * 64, "0" * 65, "0" * 10**5, 7, None, ["0" * 64],
                                 {"id": "0" * 64}, "０" * 64, "0" * 63 + "\n"])
def test_a_malformed_id_is_400(client, bad):
    r = client.post("/api/models/digits/animate", json={"input_id": bad, "layer": "conv1", "channel": 0})
    assert r.status_code == 400 and r.get_json()["code"] == "field.type"
    assert r.get_json()["params"] == {"field": "input_id"}


def test_an_image_beside_an_id_wins(fresh):
    """A body with both is answered from the image (the id is not needed then)."""
    client, _ = fresh
    r = upload(client, "animate", layer="conv1", channel="0", input_id="0" * 64)
    assert r.status_code == 200 and r.get_json()["layer"] == "conv1"
