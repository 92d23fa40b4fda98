"""Costly and broken uploads are refused from their header, cheaply, with a clear code;
a class's strokes share one decode; beyond a few decodes at once the server says 503."""
import io
import subprocess
import sys
import threading

import numpy as np
import pytest
from PIL import Image, ImageFilter

from cnnviz.bench import bad_images
from cnnviz.teach.preprocess import decode_image
from cnnviz.web import create_app
from conftest import ROOT, draw_digit, png_bytes


def upload(client, data, path="predict", **fields):
    return client.post(f"/api/models/digits/{path}", data={"image": (io.BytesIO(data), "x"), **fields},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("make, status, code", [
    (bad_images.gif_huge_screen, 413, "image.too_many_pixels"),
    (bad_images.tall_png, 422, "image.aspect"),
    (bad_images.transparent_png, 413, "image.too_many_pixels"),
    (bad_images.corrupt_avif, 400, "image.corrupt"),
])
def test_costly_or_corrupt_upload_is_a_clear_4xx(client, make, status, code):
    r = upload(client, make())
    assert (r.status_code, r.get_json()["code"]) == (status, code), r.get_json()
    body = r.get_json()
    assert set(body) == {"error", "code", "params"} and body["error"]
    if code == "image.too_many_pixels":
        assert body["params"]["limit"] <= 40 and body["params"]["width"] > 0


def test_extreme_aspect_ratio_names_the_limit(client):
    body = upload(client, bad_images.png_of_zeros(2000, 50)).get_json()
    assert body["code"] == "image.aspect"
    assert body["params"] == {"width": 2000, "height": 50, "limit": 20}
    assert upload(client, png_bytes(draw_digit("1", size=200).resize((400, 40)))).status_code == 200


def test_phone_multi_picture_jpeg_reads_its_first_frame(client):
    r = upload(client, bad_images.mpo())
    assert r.status_code == 200 and r.get_json()["prediction"]["label"] == "1"


def test_large_jpeg_is_decoded_small():
    photo = Image.new("RGB", (4000, 3000), "white")
    img = decode_image(png_bytes(photo, "JPEG"))
    assert max(img.size) <= 4 * 128 and min(img.size) >= 128


def test_large_png_is_reduced_and_rotated_after():
    """A 1200x1600 photo of a 7 lying on its side, EXIF saying turn it: small, upright."""
    seven = draw_digit("7", size=1600).resize((1200, 1600)).rotate(90, expand=True)  # 1600x1200
    exif = Image.Exif()
    exif[0x0112] = 6
    img = decode_image(png_bytes(seven, "PNG", exif=exif))
    assert img.size[0] < img.size[1] <= 4 * 128


MEMORY_SCRIPT = """
import resource, sys
sys.path.insert(0, "tests")
from cnnviz.bench import bad_images
from cnnviz.teach.preprocess import decode_image, prepare
from cnnviz.errors import ImageError
files = [bad_images.gif_huge_screen(), bad_images.tall_png(), bad_images.transparent_png(),
         bad_images.png_of_zeros(1999, 1999, 6), bad_images.png_of_zeros(3999, 3999, 0),
         bad_images.gif_huge_screen(3999, 3999), bad_images.png_of_zeros(2000, 1999, 0, 16)]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for data in files:
    try:
        prepare(decode_image(data), (1, 32, 32))
    except ImageError:
        pass
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


def test_worst_uploads_stay_under_100_mb():
    """Peak memory of a fresh process decoding the costly files (the largest ones allowed too)."""
    out = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) < 100, f"peak grew by {out.stdout.strip()} MB"


def test_beyond_the_decode_slots_a_503_with_retry_after():
    app = create_app({"TESTING": True, "DECODE_SLOTS": 1, "DECODE_WAIT": 0.05})
    client = app.test_client()
    with app.extensions["cnnviz.decode_slots"]:  # another upload is being decoded
        r = upload(client, png_bytes(draw_digit("7")))
    assert r.status_code == 503 and r.headers["Retry-After"] == "1"
    assert r.get_json()["code"] == "server.busy" and r.get_json()["params"] == {"retry_after": 1}
    assert upload(client, png_bytes(draw_digit("7"))).status_code == 200  # free again


def test_decodes_at_once_never_exceed_the_slots(monkeypatch):
    app = create_app({"TESTING": True, "DECODE_SLOTS": 2, "DECODE_WAIT": 30})
    import cnnviz.web.inputs as inputs
    active, peak, lock = [0], [0], threading.Lock()
    real = inputs.decode_image

    def counting(data):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        try:
            return real(data)
        finally:
            with lock:
                active[0] -= 1
    monkeypatch.setattr(inputs, "decode_image", counting)
    photos = [png_bytes(draw_digit("7", size=600).filter(ImageFilter.GaussianBlur(i))) for i in range(8)]
    results = []
    threads = [threading.Thread(target=lambda d=d: results.append(upload(app.test_client(), d).status_code))
               for d in photos]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 8 and peak[0] <= 2


def test_one_stroke_is_decoded_and_traced_once(monkeypatch):
    """The page's /predict, /animate and /explain of one drawing: one decode (the cache is keyed on the
    upload's bytes, hashed before any decoding), one trace; a new drawing is decoded again."""
    import cnnviz.web.inputs as inputs
    decodes, real = [], inputs.decode_image
    monkeypatch.setattr(inputs, "decode_image", lambda data: decodes.append(len(data)) or real(data))
    app = create_app({"TESTING": True})
    client, cache = app.test_client(), app.extensions["cnnviz.traces"]
    drawing = png_bytes(draw_digit("7", size=280))
    predicted = upload(client, drawing, "predict").get_json()
    animated = upload(client, drawing, "animate", layer="conv1", channel="0").get_json()
    explained = upload(client, drawing, "explain", layer="fc3", neuron="[7]").get_json()
    assert (cache.misses, cache.hits) == (1, 2) and decodes == [len(drawing)]
    assert predicted["prediction"]["label"] == "7" and animated["layer"] == "conv1"
    assert explained["model"] == "digits" and "error" not in explained, explained
    other = upload(client, png_bytes(draw_digit("1", size=280))).get_json()
    assert other["prediction"]["label"] == "1" and cache.misses == 2 and len(decodes) == 2


def test_cached_arrays_are_read_only():
    app = create_app({"TESTING": True})
    upload(app.test_client(), png_bytes(draw_digit("7")))
    (traced,) = app.extensions["cnnviz.traces"]._items.values()
    with pytest.raises(ValueError):
        traced.steps[0].output[...] = 0
    assert not np.asarray(traced.prepared.tensor).flags.writeable


def test_multipart_with_a_short_boundary_inside_the_image_bytes(client):
    """The steady-boundary parser renames delimiters only, not the same bytes inside a part."""
    from PIL.PngImagePlugin import PngInfo
    boundary = "b7"
    note = PngInfo()
    note.add_text("note", f"a--{boundary} inside a checksummed chunk")  # renamed, the PNG is corrupt
    data = png_bytes(draw_digit("7"), pnginfo=note)
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    r = client.post("/api/models/digits/predict", data=body,
                    content_type=f"multipart/form-data; boundary={boundary}")
    assert r.status_code == 200 and r.get_json()["prediction"]["label"] == "7"


# Every operation that decodes an upload: (path, extra fields besides the image)
IMAGE_OPERATIONS = {
    "/api/models/{model_id}/predict": {}, "/api/models/{model_id}/explain": {"layer": "conv1", "neuron": [0, 0, 0]},
    "/api/models/{model_id}/animate": {"layer": "conv1"}, "/api/models/{model_id}/backward": {"label": 7},
    "/api/models/{model_id}/backward/explain": {"label": 7, "layer": "conv1", "neuron": [0, 0, 0]},
    "/api/models/{model_id}/backward/animate": {"label": 7, "layer": "conv1"},
    "/api/models/{model_id}/step": {"label": 7}, "/api/models/{model_id}/im2col": {"layer": "conv1"},
    "/api/lab/convolve": {"kernel": [[1, 0], [0, 1]]}, "/api/lab/pool": {}, "/api/classes/{code}/answers": {},
}


def test_every_image_operation_answers_busy_with_retry_after_as_documented():
    """The OpenAPI document lists 503 server.busy with Retry-After for exactly the operations that decode
    an image, and each of them, sent a valid image while every decoding slot is taken, answers it."""
    app = create_app({"TESTING": True, "DECODE_SLOTS": 1, "DECODE_WAIT": 0.05})
    client = app.test_client()
    doc = client.get("/api/openapi.json").get_json()
    busy = doc["components"]["responses"]["Busy"]
    assert "server.busy" in busy["description"] and busy["headers"]["Retry-After"]["schema"]["type"] == "integer"
    documented = {path for path, item in doc["paths"].items() for op in item.values() if isinstance(op, dict)
                  if op.get("responses", {}).get("503") == {"$ref": "#/components/responses/Busy"}}
    assert documented == set(IMAGE_OPERATIONS)
    code = client.post("/api/classes", json={"model": "digits"}).get_json()["code"]
    token = client.post(f"/api/classes/{code}/join", json={"nickname": "Ada"}).get_json()["token"]
    url = "data:image/png;base64," + __import__("base64").b64encode(png_bytes(draw_digit("7"))).decode()
    with app.extensions["cnnviz.decode_slots"]:  # another upload is being decoded
        for path, fields in IMAGE_OPERATIONS.items():
            r = client.post(path.format(model_id="digits", code=code), json={"image": url, **fields},
                            headers={"X-Student-Token": token})
            assert (r.status_code, r.get_json()["code"]) == (503, "server.busy"), (path, r.get_json())
            assert r.headers["Retry-After"] == "1", path
