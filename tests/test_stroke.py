"""A stroke's cheaper path gives exactly today's answers: animations and explanations written
from arrays are the same bytes as from nested lists."""
import numpy as np
import orjson
import pytest

from cnnviz.web import serialize
from cnnviz.web.json_provider import OPTIONS, _encode


@pytest.mark.parametrize("model_id", ["digits", "fashion"])
def test_arrays_are_written_as_the_same_bytes_as_their_lists(app, model_id):
    from cnnviz.teach.animate import animate
    from cnnviz.teach.explain import explain
    model = app.extensions["cnnviz.models"].get(model_id)
    x = np.random.default_rng(1).random(model.input_shape, np.float32)[None]
    steps = model.trace(x)
    for step in steps:
        for detail in (animate(model, steps, step.name, 0, x, 0),
                       explain(model, steps, step.name, [0] * (step.output.ndim - 1), x)):
            as_lists = {"model": model_id, **{k: serialize.plain(v) for k, v in detail.items()}}
            assert _encode(serialize.arithmetic_response(model, detail)) == orjson.dumps(as_lists, option=OPTIONS)


def test_arrays_orjson_cannot_write_fall_back_to_lists():
    strided = np.arange(6.0).reshape(2, 3).T
    assert _encode({"a": strided, "b": np.array(2.5), "big": 10**30}) == b'{"a":[[0.0,3.0],[1.0,4.0],[2.0,5.0]],"b":2.5,"big":1000000000000000000000000000000}'


def grey_png(rgba_png):
    """The page's grey PNG of a drawing pad's RGBA canvas: its grey levels, marked as the pad's."""
    import io
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo
    from cnnviz.teach.decode import PAD_MARK
    img = Image.open(io.BytesIO(rgba_png))
    assert img.mode == "RGBA"
    info = PngInfo()
    info.add_text(*PAD_MARK)
    buf = io.BytesIO()
    img.getchannel("R").save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


def _digests(model, png):
    from cnnviz.teach.preprocess import decode_image, prepare
    from drawings import digest
    prepared = prepare(decode_image(png), model.input_shape, model.meta.get("preprocess", "digit"))
    return ([digest(prepared.tensor)] + [(s.name, digest(s.image)) for s in prepared.steps]
            + [digest(s.output) for s in model.trace(prepared.tensor)] + [prepared.warnings])


def test_the_pads_grey_png_gives_exactly_what_its_rgba_canvas_gives(app):
    """Every reference drawing that is a canvas (RGBA, opaque, grey), and a shaded one that takes the
    photo recipe, sent as the page's grey PNG: the same steps, network input and trace, both models."""
    import io
    import json
    from pathlib import Path
    from PIL import Image, ImageDraw
    from drawings import drawing, drawing_pngs
    reference = json.loads((Path(__file__).parent / "data" / "drawings-reference.json").read_text())
    shaded = Image.linear_gradient("L").resize((280, 280)).point(lambda v: 120 + v // 3)
    ImageDraw.Draw(shaded).line([(90, 60), (150, 220)], fill=10, width=30)
    buf = io.BytesIO()
    shaded.convert("RGBA").save(buf, "PNG")
    canvases = [(name, png) for name, png in drawing_pngs() if Image.open(io.BytesIO(png)).mode == "RGBA"]
    assert len(canvases) == 14
    for model_id in ("digits", "fashion"):
        model = app.extensions["cnnviz.models"].get(model_id)
        for name, png in canvases + [("shaded", buf.getvalue())]:
            grey = grey_png(png)
            assert _digests(model, grey) == _digests(model, png), (model_id, name)
            if name != "shaded":  # and the reference itself
                assert _digests(model, grey)[0] == reference[f"{model_id}/{name}/tensor"]
    # an unmarked grey PNG keeps the grey-image recipe (the reference's "gray" drawing is one)
    from cnnviz.teach.decode import grey_canvas
    assert grey_canvas(drawing(21, "L")) is None


def test_the_grey_png_through_predict_and_animate_answers_as_the_rgba_canvas(client):
    from drawings import drawing_pngs
    import io
    name, png = drawing_pngs()[3]

    def stroke(data):
        predicted = client.post("/api/models/digits/predict", data={"image": (io.BytesIO(data), "d.png")},
                                content_type="multipart/form-data").get_json()
        animated = client.post("/api/models/digits/animate", json={"input_id": predicted.pop("input_id"),
                                                                   "layer": "conv1", "channel": 0}).get_json()
        return predicted, animated
    assert stroke(grey_png(png)) == stroke(png)


@pytest.mark.parametrize("model_id", ["digits", "fashion"])
def test_animations_send_their_large_arrays_sparse_and_exact(app, model_id):
    """Every layer's animation: the arrays sent sparse come back to the same float64 numbers, to the
    bit (a zero's sign aside: 0 x a negative weight is 0), and everything else is as an explanation
    writes it."""
    from cnnviz.teach.animate import animate
    model = app.extensions["cnnviz.models"].get(model_id)
    x = np.random.default_rng(2).random(model.input_shape, np.float32)[None]
    x[..., :10, :] = 0  # paper: zeros, which the sparse form leaves out
    steps = model.trace(x)
    sparse_seen = 0
    for step in steps:
        frames = animate(model, steps, step.name, 0, x, 0)
        sent = orjson.loads(_encode(serialize.animation_response(model, frames)))
        plain = orjson.loads(_encode(serialize.arithmetic_response(model, frames)))
        for key, value in sent.items():
            if isinstance(value, dict) and value.get("sparse"):
                sparse_seen += 1
                exact = np.asarray(frames[key], np.float64)
                assert np.array_equal(serialize.dense(value), exact) and exact.size >= serialize.SPARSE_MIN
            else:
                assert value == plain[key], key
    assert sparse_seen >= 1  # conv1's products


def test_predict_answers_the_animations_asked_for_as_animate_would(client):
    import io
    import json
    from drawings import drawing_pngs
    png = drawing_pngs()[3][1]
    asked = [{"layer": "conv1", "channel": 2, "focus": 0}, {"layer": "fc1", "channel": 7},
             {"layer": "conv2", "channel": 99}, {"layer": "nope"}]
    r = client.post("/api/models/digits/predict", data={"image": (io.BytesIO(png), "d.png"),
                                                        "animate": json.dumps(asked)})
    assert r.status_code == 200
    body = r.get_json()
    first, dense_unit, bad_channel, bad_layer = body["animations"]
    for got, a in ((first, asked[0]), (dense_unit, asked[1])):
        alone = client.post("/api/models/digits/animate", json={"input_id": body["input_id"], **a}).get_json()
        assert got == alone
    alone = client.post("/api/models/digits/animate", json={"input_id": body["input_id"], **asked[2]})
    assert bad_channel == {**alone.get_json(), "status": alone.status_code} and alone.status_code == 422
    assert bad_layer["code"] == "layer.unknown" and bad_layer["status"] == 404
    without = client.post("/api/models/digits/predict", data={"image": (io.BytesIO(png), "d.png")}).get_json()
    assert "animations" not in without
    assert {k: v for k, v in body.items() if k != "animations"} == without
    many = client.post("/api/models/digits/predict", json={"input_id": body["input_id"], "animate": [{"layer": "pool2"}] * 64})
    assert many.status_code == 200 and len(many.get_json()["animations"]) == 64  # a whole pass of the largest model
    for bad in ([{"layer": "conv1"}] * 65, {"layer": "conv1"}, [{"layer": 3}], [{"layer": "conv1", "x": 1}], "conv1"):
        r = client.post("/api/models/digits/predict", json={"input_id": body["input_id"], "animate": bad})
        assert r.status_code == 400 and r.get_json()["code"] == "field.type", bad


def test_the_image_as_the_body_answers_as_multipart(client):
    """/predict with the image itself as the body (Content-Type image/...) and its fields in the query:
    the same answer as the same image and fields in a form; an empty body is refused."""
    import io
    import json
    from urllib.parse import urlencode
    from drawings import drawing_pngs
    png = drawing_pngs()[5][1]
    fields = {"invert": "auto", "crop": json.dumps([0.05, 0.05, 0.95, 0.95]),
              "animate": json.dumps([{"layer": "conv1", "channel": 1, "focus": 0}])}
    form = client.post("/api/models/digits/predict", data={"image": (io.BytesIO(png), "d.png"), **fields})
    raw = client.post(f"/api/models/digits/predict?{urlencode(fields)}", data=png, content_type="image/png")
    assert raw.status_code == form.status_code == 200 and raw.get_json() == form.get_json()
    listed = client.post(f"/api/models/digits/predict?encoding=list&{urlencode(fields)}", data=png,
                         content_type="image/png").get_json()
    assert listed["encoding"] == "list" and listed["animations"][0]["channel"] == 1
    empty = client.post("/api/models/digits/predict", data=b"", content_type="image/png")
    assert empty.status_code == 400 and empty.get_json()["code"] == "request.empty"
    garbage = client.post("/api/models/digits/predict", data=b"not a picture", content_type="image/jpeg")
    assert garbage.status_code == 415 and garbage.get_json()["code"] == "image.not_image"


def _strongest_as_the_page_picks(layer, count):
    """static/js/kinds/index.js strongestOf, written again: the index of the first largest number the
    page decoded (f16 base64 or lists), divided by the numbers per channel."""
    import base64
    if not count:
        return 0
    out = layer["output"]
    values = (np.frombuffer(base64.b64decode(out["data"]), "<f2").astype(np.float64) if isinstance(out, dict)
              else np.asarray(out, np.float64).ravel())
    best = 0
    for i in range(1, values.size):
        if values[i] > values[best]:
            best = i
    return best // (values.size // count)


@pytest.mark.parametrize("model_id", ["digits", "fashion"])
def test_the_whole_pass_is_asked_for_with_the_prediction(client, model_id):
    """The whole forward pass (every layer, each at its strongest channel, as the page picks it from the
    answer's layer outputs) comes with /predict: each animation is /animate's for the channel the
    page picks, and says which it was."""
    import io
    import json
    from drawings import drawing_pngs
    architecture = client.get(f"/api/models/{model_id}").get_json()
    for png in (drawing_pngs()[i][1] for i in (1, 4)):
        asked = [{"layer": l["name"], "channel": "strongest", **({"focus": 0} if l["kind"] == "conv" else {})}
                 for l in architecture["layers"]]
        body = client.post(f"/api/models/{model_id}/predict", data={"image": (io.BytesIO(png), "d.png"),
                                                                    "animate": json.dumps(asked)}).get_json()
        assert len(body["animations"]) == len(asked) == len(body["layers"]) >= 10
        picked = []
        for a, got, layer in zip(asked, body["animations"], body["layers"]):
            count = layer["shape"][0] if len(layer["shape"]) == 3 or layer["kind"] == "dense" else 0
            channel = _strongest_as_the_page_picks(layer, count)
            picked.append(channel)
            alone = client.post(f"/api/models/{model_id}/animate",
                                json={"input_id": body["input_id"], **a, "channel": channel}).get_json()
            assert got == alone, a["layer"]
            assert got.get("channel", 0) == channel
        assert any(picked), picked  # not every layer's first channel


def test_strongest_is_read_from_the_numbers_sent(client):
    """Two conv1 maps whose largest values differ in float32 but not in float16: the page, reading
    float16, takes the first; with encoding=list (float32 numbers) the larger one."""
    import io
    import json
    from drawings import drawing_pngs
    png = drawing_pngs()[2][1]
    bias = [0.0] * 6
    bias[2], bias[4] = 1.0001, 1.0002  # both 1.0 in float16
    weights = {"conv1.weight": np.zeros((6, 1, 5, 5)).tolist(), "conv1.bias": bias}
    for encoding, expected in (("f16", 2), ("list", 4)):
        body = client.post(f"/api/models/digits/predict?encoding={encoding}",
                           data={"image": (io.BytesIO(png), "d.png"), "weights": json.dumps(weights),
                                 "animate": json.dumps([{"layer": "conv1", "channel": "strongest"}])}).get_json()
        assert body["weights"] == ["conv1.bias", "conv1.weight"]
        assert body["animations"][0]["channel"] == expected == _strongest_as_the_page_picks(body["layers"][0], 6)
    r = client.post("/api/models/digits/predict", data={"image": (io.BytesIO(png), "d.png"),
                                                        "animate": json.dumps([{"layer": "conv1", "channel": "most"}])})
    assert r.status_code == 200 and r.get_json()["animations"][0]["code"] == "channel.invalid"


def test_predict_answers_the_neuron_asked_for_as_explain_would(client):
    """The neuron selected on the page comes with the stroke's /predict: the same body /explain gives
    for it (with the request's own weights too); a neuron out of range is that entry's error body."""
    import io
    import json
    from drawings import drawing_pngs
    png = drawing_pngs()[6][1]
    asked = [{"layer": "conv2", "neuron": [3, 4, 5]}, {"layer": "fc3", "neuron": [7]}, {"layer": "pool1", "neuron": [9, 0, 0]}]
    weights = {"conv2.bias": {"filter": 3, "value": 0.75}}
    for extra in ({}, {"weights": json.dumps(weights)}):
        body = client.post("/api/models/digits/predict", data={"image": (io.BytesIO(png), "d.png"),
                                                              "explain": json.dumps(asked), **extra}).get_json()
        conv, unit, bad = body["explanations"]
        for got, a in ((conv, asked[0]), (unit, asked[1])):
            alone = client.post("/api/models/digits/explain", json={"input_id": body["input_id"], **a,
                                                                     **({"weights": weights} if extra else {})})
            assert got == alone.get_json() and alone.status_code == 200
        assert conv["bias"] == 0.75 if extra else conv["bias"] != 0.75  # the request's own bias, only there
        alone = client.post("/api/models/digits/explain", json={"input_id": body["input_id"], **asked[2]})
        assert bad == {**alone.get_json(), "status": alone.status_code} and alone.status_code == 422
    for bad in ([{"layer": "conv2"}], [{"layer": "conv2", "neuron": [0, 0, 0], "channel": 1}],
                [{"layer": "conv2", "neuron": [0, 0, 0]}] * 5, {"layer": "conv2", "neuron": [0]}):
        r = client.post("/api/models/digits/predict", json={"input_id": body["input_id"], "explain": bad})
        assert r.status_code == 400 and r.get_json()["code"] == "field.type", bad
