"""The lab: the tutorials' worked examples through the API, bounds, im2col, per-request weights,
and the architecture calculator (never allocating weights)."""
import csv
import io
import threading
import tracemalloc

import numpy as np
import pytest

from cnnviz.engine.kinds.conv import conv_forward
from cnnviz.teach import calculator, lab
from cnnviz.teach.lab_examples import BINARY_FILTER, BINARY_IMAGE, POOL_INPUT, demo


def post(client, path, body, status=200, query=""):
    r = client.post(f"/api/{path}{query}", json=body)
    assert r.status_code == status, r.get_json()
    return r.get_json()


# ------------------------------------------------------------------ worked examples
def test_karn_binary_image_and_filter(client):
    r = post(client, "lab/convolve", {"input": BINARY_IMAGE, "kernel": BINARY_FILTER, "then": True})
    assert r["output"] == [[[4, 3, 4], [2, 4, 3], [2, 3, 4]]]
    assert r["output_shape"] == [1, 3, 3] and r["step_total"] == 9 and len(r["steps"]) == 9
    first = r["steps"][0]
    assert first["patch"] == [[[1, 1, 1], [0, 1, 1], [0, 0, 1]]] and first["channel_sums"] == [4]
    assert sum(np.ravel(first["products"])) + first["bias"] == first["value"] == 4
    assert r["relu"] == r["output"] and r["pooled"] is None  # 3 x 3 does not pool evenly by 2
    assert r["pool_error"]["code"] == "shape.output_size"


def test_cs231n_max_pool(client):
    r = post(client, "lab/pool", {"input": POOL_INPUT, "size": 2, "stride": 2, "mode": "max"})
    assert r["output"] == [[[6, 8], [3, 4]]]
    assert [s["winner"] for s in r["steps"]] == [[1, 1], [1, 1], [0, 0], [1, 1]]
    avg = post(client, "lab/pool", {"input": POOL_INPUT, "mode": "avg"})
    assert avg["output"] == [[[3.25, 5.25], [2, 2]]] and avg["steps"][0]["total"] == 13


def test_output_size_that_is_not_whole_is_a_422_with_the_numbers(client):
    r = client.post("/api/lab/convolve", json={"input": np.zeros((10, 10)).tolist(), "kernel": np.ones((3, 3)).tolist(),
                                               "stride": 2, "padding": 0})
    assert r.status_code == 422
    body = r.get_json()
    assert body["code"] == "shape.output_size" and "(10 - 3 + 0) / 2 + 1 = 4.5" in body["error"]
    assert body["params"]["value"] == 4.5
    choices = body["params"]["choices"]
    assert choices["stride"] == 1 and choices["size"] in (9, 11) and choices["same_padding"] == 1
    assert "padding" not in choices  # 2P is even and 10 - 3 is odd: no padding helps at stride 2
    same = post(client, "lab/shape", {"input_shape": [1, 10, 10], "kernel": 3, "stride": 1, "padding": 1})
    assert same["output_shape"] == [1, 10, 10]


def test_alexnet_conv1_parameter_sharing(client):
    r = post(client, "lab/shape", {"input_shape": [3, 227, 227], "kernel": 11, "stride": 4, "padding": 0, "filters": 96})
    assert r["output_shape"] == [96, 55, 55]
    assert r["formula"]["rows"]["text"] == "(227 - 11 + 0) / 4 + 1 = 55"
    p = r["parameters"]
    assert (p["neurons"], p["weights"], p["shared"], p["unshared"]) == (290_400, 34_848, 34_944, 105_705_600)
    assert len(r["window"]["row_starts"]) == 55 and r["window"]["row_starts"][-1] == 216


def test_cs231n_multichannel_demo_matches_the_network_conv(client):
    d = demo(0)
    r = post(client, "lab/convolve", d)
    assert r["output_shape"] == [2, 3, 3] and r["input"] and np.array(r["input"]).shape == (3, 5, 5)
    x, w = np.array(d["input"], float), np.array(d["kernel"], float)
    expected, _ = conv_forward(x[None], w, np.array([1.0, 0.0]), 2, 1)
    assert np.array_equal(r["output"], expected[0])
    assert len(r["steps"]) == 18
    for s in r["steps"]:  # every step adds up: channel products -> partial sums -> + bias -> value
        sums = np.array(s["products"]).sum(axis=(1, 2))
        assert np.allclose(sums, s["channel_sums"]) and np.isclose(sum(s["channel_sums"]) + s["bias"], s["value"])
        assert s["value"] == r["output"][s["filter"]][s["row"]][s["col"]]
    corner = r["steps"][0]  # the window hangs into the zero padding
    assert corner["rows"] == [-1, 0, 1] and np.array(corner["patch"])[:, 0].sum() == 0


def test_dilation_holes(client):
    r = post(client, "lab/convolve", {"input": np.arange(49).reshape(7, 7).tolist(), "kernel": np.ones((3, 3)).tolist(),
                                      "dilation": 2})
    assert r["output_shape"] == [1, 3, 3] and r["steps"][0]["cols"] == [0, 2, 4]
    assert r["formula"]["rows"]["span"] == 5


def test_steps_are_paged_and_bounded(client):
    x = np.zeros((40, 40)).tolist()
    r = post(client, "lab/convolve", {"input": x, "kernel": [[1]], "first_step": 1500, "steps": 10})
    assert r["step_total"] == 1600 and len(r["steps"]) == 10 and (r["steps"][0]["row"], r["steps"][0]["col"]) == (37, 20)
    default = post(client, "lab/convolve", {"input": x, "kernel": [[1]]})
    assert len(default["steps"]) == lab.LIMITS["steps"]
    too_many = client.post("/api/lab/convolve", json={"input": x, "kernel": [[1]], "steps": 2000})
    assert too_many.status_code == 422 and too_many.get_json()["code"] == "lab.limit"


def test_a_response_carries_a_bounded_count_of_numbers(client):
    body = {"input": np.zeros((8, 20, 20)).tolist(), "kernel": np.zeros((8, 8, 11, 11)).tolist()}
    r = post(client, "lab/convolve", body)
    per_step = 2 * 8 * 121 + 8 + 8
    assert r["step_total"] == 8 * 10 * 10 and len(r["steps"]) == lab.LIMITS["step_numbers"] // per_step
    too_many = client.post("/api/lab/convolve", json={**body, "steps": 200})
    assert too_many.status_code == 422 and too_many.get_json()["params"]["field"] == "steps"
    big = client.post("/api/lab/convolve", json={"input": np.zeros((5, 256, 256)).tolist(), "kernel": [[1]]})
    assert big.status_code == 422 and big.get_json()["params"]["field"] == "values"


@pytest.mark.parametrize("body,code,status", [
    ({"input": np.zeros((257, 3)).tolist(), "kernel": [[1]]}, "lab.limit", 422),
    ({"input": np.zeros((9, 4, 4)).tolist(), "kernel": [[1]]}, "lab.limit", 422),
    ({"input": np.zeros((20, 20)).tolist(), "kernel": np.zeros((13, 13)).tolist()}, "lab.limit", 422),
    ({"input": np.zeros((5, 5)).tolist(), "kernel": np.zeros((9, 1, 1, 1)).tolist()}, "lab.limit", 422),
    ({"input": np.zeros((5, 5)).tolist(), "kernel": [[1]], "stride": 9}, "lab.limit", 422),
    ({"input": np.zeros((5, 5)).tolist(), "kernel": [[1]], "padding": -1}, "lab.limit", 422),
    ({"input": np.zeros((2, 5, 5)).tolist(), "kernel": np.zeros((3, 3, 3)).tolist()}, "lab.channels", 422),
    ({"input": np.zeros((5, 5)).tolist(), "kernel": [[1, 2]]}, "lab.kernel_square", 422),
    ({"input": np.zeros((5, 5)).tolist(), "kernel": [[1]], "bias": [1, 2]}, "lab.bias", 422),
    ({"input": [[1, "a"]], "kernel": [[1]]}, "lab.array", 400),
    ({"input": [[1, 2], [3]], "kernel": [[1]]}, "lab.array", 400),
    ({"input": [1, 2, 3], "kernel": [[1]]}, "lab.array_dims", 400),
    ({"input": [[1e9]], "kernel": [[1]]}, "lab.array_range", 400),
    ({"kernel": [[1]]}, "field.missing", 400),
])
def test_bad_convolve_requests(client, body, code, status):
    r = client.post("/api/lab/convolve", json=body)
    assert r.status_code == status and r.get_json()["code"] == code, r.get_json()


def test_an_uploaded_photo_is_grey_and_at_most_256(client):
    from PIL import Image
    from conftest import png_bytes
    img = Image.new("RGB", (600, 300), (255, 0, 0))
    r = client.post("/api/lab/convolve", data={"image": (io.BytesIO(png_bytes(img)), "p.png"),
                                               "kernel": "[[0,0,0],[0,1,0],[0,0,0]]", "steps": "0"},
                    content_type="multipart/form-data")
    body = r.get_json()
    assert r.status_code == 200, body
    assert body["output_shape"] == [1, 126, 254] and body["steps"] == []
    assert abs(body["input"][0][0][0] - 0.299) < 0.002  # red in grey (Pillow: 76/255)


# ------------------------------------------------------------------ calculator
def test_vgg16_reproduces_the_table_row_by_row(client):
    r = post(client, "lab/architecture", {"preset": "vgg16"})
    convs = [row for row in r["layers"] if row["kind"] == "conv"]
    expected = [1728, 36864, 73728, 147456, 294912, 589824, 589824, 1179648] + [2359296] * 5
    assert [c["weights"] for c in convs] == expected
    fcs = [row["weights"] for row in r["layers"] if row["kind"] == "dense"]
    assert fcs == [102_760_448, 16_777_216, 4_096_000]
    t = r["totals"]
    assert t["weights"] == 138_344_128 and t["parameters"] == 138_357_544
    assert t["activations"] == 15_237_608 and round(t["bytes_forward"] / 1e6) == 61
    counted = [row["activations"] for row in r["layers"] if row["counted"]]
    assert r["input_activations"] + sum(counted) == 15_237_608
    assert counted[:2] == [224 * 224 * 64] * 2 and counted[-3:] == [4096, 4096, 1000]
    assert r["claims"]["activations"] == 24_000_000  # the tutorial's total, which its own rows do not reach


def test_three_stacked_3x3_convs_see_7x7(client):
    layers = [{"kind": "conv", "filters": 8, "kernel": 3, "padding": 1}, {"kind": "relu"}] * 3
    r = post(client, "lab/architecture", {"input_shape": [1, 32, 32], "layers": layers})
    assert [row["receptive_field"] for row in r["layers"] if row["kind"] == "conv"] == [[3, 3], [5, 5], [7, 7]]


def test_presets_and_shipped_models(client, app):
    store = app.extensions["cnnviz.models"]
    for name in ("digits", "fashion"):
        r = post(client, "lab/architecture", {"preset": name})
        assert r["totals"]["parameters"] == store.get(name).parameter_count()
    assert post(client, "lab/architecture", {"preset": "lenet5"})["totals"]["parameters"] == 61_706
    alex = post(client, "lab/architecture", {"preset": "alexnet"})
    assert alex["layers"][0]["output_shape"] == [96, 55, 55] and alex["layers"][0]["receptive_field"] == [11, 11]
    assert client.post("/api/lab/architecture", json={"preset": "resnet"}).status_code == 404


def test_invalid_layer_is_flagged_with_its_reason(client):
    layers = [{"kind": "conv", "filters": 4, "kernel": 3, "stride": 2}, {"kind": "relu"}, {"kind": "dense", "units": 3}]
    r = post(client, "lab/architecture", {"input_shape": [1, 10, 10], "layers": layers})
    assert r["error"]["index"] == 0 and r["error"]["code"] == "shape.output_size"
    assert "4.5" in r["layers"][0]["error"]["message"] and r["layers"][1]["unknown"]
    r = post(client, "lab/architecture", {"input_shape": [1, 8, 8], "layers": [{"kind": "dense", "units": 3}]})
    assert r["error"]["code"] == "shape.needs_flat"
    bad = client.post("/api/lab/architecture", json={"input_shape": [1, 8, 8], "layers": [{"kind": "wat"}]})
    assert bad.status_code == 200 and bad.get_json()["error"]["code"] == "layer.kind"
    assert client.post("/api/lab/architecture", json={"input_shape": [0, 8, 8], "layers": []}).status_code == 400
    assert client.post("/api/lab/architecture", json={"input_shape": [1, 8, 8],
                                                       "layers": [{"kind": "relu"}] * 65}).status_code == 400


def test_csv_export_adds_up(client):
    r = client.post("/api/lab/architecture?format=csv", json={"preset": "vgg16"})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.data.decode())))
    total = rows[-1]
    body = rows[:-1]
    assert int(total["weights"]) == sum(int(x["weights"]) for x in body) == 138_344_128
    assert int(total["memory_bytes_float32"]) == sum(int(x["memory_bytes_float32"]) for x in body) == 60_950_432


def test_a_calculator_never_allocates_weights():
    tracemalloc.start()
    calculator.calculate_preset("vgg16")
    calculator.calculate_preset("alexnet")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 2_000_000  # VGG16's weights alone would be ~553 MB


# ------------------------------------------------------------------ the real network
def test_im2col_equals_the_layer_output(client):
    pixels = (np.arange(784).reshape(28, 28) % 7 / 7).tolist()
    for model, layer in (("digits", "conv1"), ("digits", "conv2"), ("fashion", "conv1_2")):
        r = post(client, f"models/{model}/im2col", {"pixels": pixels, "layer": layer}, query="?encoding=list")
        s = r["shapes"]
        assert s["x_col"][0] == s["w_row"][1] and s["product"] == [s["w_row"][0], s["x_col"][1]]
        assert np.array_equal(np.array(r["reshaped"]), np.array(r["output"])) and r["max_difference"] == 0
        predicted = post(client, f"models/{model}/predict", {"pixels": pixels}, query="?encoding=list")
        out = next(x["output"] for x in predicted["layers"] if x["name"] == layer)
        assert np.array_equal(np.array(out, np.float32), np.array(r["reshaped"], np.float32))
    r = client.post("/api/models/digits/im2col", json={"pixels": pixels, "layer": "pool1"})
    assert r.status_code == 422 and r.get_json()["code"] == "layer.not_conv"


def test_predict_with_an_edited_filter_leaves_the_shared_model_alone(client, app):
    model = app.extensions["cnnviz.models"].get("digits")
    before = model.params["conv1.weight"].copy()
    pixels = np.zeros((28, 28))
    pixels[4:24, 13:16] = 1
    pixels = pixels.tolist()
    plain = post(client, "models/digits/predict", {"pixels": pixels}, query="?encoding=list")
    zero = {"conv1.weight": {"filter": 2, "values": np.zeros((1, 5, 5)).tolist()}, "conv1.bias": {"filter": 2, "value": 0.0}}
    edited = post(client, "models/digits/predict", {"pixels": pixels, "weights": zero}, query="?encoding=list")
    assert edited["weights"] == ["conv1.bias", "conv1.weight"] and plain["weights"] == []
    conv1 = lambda r: np.array(r["layers"][0]["output"])
    assert np.all(conv1(edited)[2] == 0) and np.array_equal(conv1(edited)[[0, 1, 3]], conv1(plain)[[0, 1, 3]])
    assert np.array_equal(model.params["conv1.weight"], before)
    again = post(client, "models/digits/predict", {"pixels": pixels}, query="?encoding=list")
    assert again["probabilities"] == plain["probabilities"]
    bad = client.post("/api/models/digits/predict", json={"pixels": pixels, "weights": {"conv9.weight": []}})
    assert bad.status_code == 400 and bad.get_json()["code"] == "weights.unknown"


def test_concurrent_overrides_do_not_interfere(app):
    pixels = (np.arange(784).reshape(28, 28) % 5 / 5).tolist()
    results, errors = {}, []

    def run(k):
        client = app.test_client()
        body = {"pixels": pixels, "weights": {"conv1.weight": {"filter": 0, "values": np.full((1, 5, 5), k / 10).tolist()}}}
        for _ in range(5):
            r = client.post("/api/models/digits/predict?encoding=list", json=body).get_json()
            value = r["layers"][0]["output"][0][0][0]
            if results.setdefault(k, value) != value:
                errors.append(k)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(results.values())) == 6
    for k, value in results.items():  # filter 0 of all-k/10 weights: k/10 * the window's sum + bias
        assert np.isclose(value, k / 10 * np.sum(np.pad(np.array(pixels), 2)[0:5, 0:5]) +
                          app.extensions["cnnviz.models"].get("digits").params["conv1.bias"][0], atol=1e-5)


def test_filters_and_examples(client):
    f = client.get("/api/models/fashion/filters/conv2_1").get_json()
    assert np.array(f["weight"]).shape == (32, 16, 3, 3) and len(f["bias"]) == 32
    assert client.get("/api/models/fashion/filters/pool1").status_code == 422
    ex = client.get("/api/lab/examples?seed=3").get_json()
    assert ex["binary"]["result"] == [[4, 3, 4], [2, 4, 3], [2, 3, 4]] and ex["demo"]["seed"] == 3
    assert client.get("/api/lab/examples?seed=x").status_code == 400


def test_every_lab_path_is_documented(app, client):
    import re
    paths = client.get("/api/openapi.json").get_json()["paths"]
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule) for r in app.url_map.iter_rules() if r.rule.startswith("/api/")}
    assert routes - set(paths) == set()
    predict = paths["/api/models/{model_id}/predict"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "weights" in str(predict)


def test_big_maps_can_come_as_float16(client):
    from conftest import png_bytes
    from PIL import Image
    import base64
    url = "data:image/png;base64," + base64.b64encode(png_bytes(Image.new("L", (300, 100), 128))).decode()
    r = post(client, "lab/convolve", {"image": url, "kernel": np.ones((3, 3)).tolist(), "then": True, "steps": 0},
             query="?encoding=f16")
    assert r["output"]["dtype"] == "float16" and r["output"]["shape"] == [1, 83, 254]
    assert r["pooled"] is None and r["pool_error"]["code"] == "shape.output_size"  # 83 rows do not halve
    assert client.post("/api/lab/convolve?encoding=x", json={"input": [[1]], "kernel": [[1]]}).status_code == 400
