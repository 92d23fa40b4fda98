"""One bad model file never stops the server or breaks an endpoint."""
import json
import logging
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

import numpy as np
import pytest

from cnnviz.engine.model import Model, ModelFileError, models_dir
from cnnviz.web import create_app
from conftest import ROOT, free_port

SHIPPED = models_dir()


@pytest.fixture
def folder(tmp_path):
    for f in SHIPPED.iterdir():
        shutil.copy(f, tmp_path / f.name)
    return tmp_path


def edit(folder, name, change):
    spec = json.loads((folder / f"{name}.json").read_text())
    change(spec)
    (folder / f"{name}.json").write_text(json.dumps(spec))


def first_dense(spec):
    return next(layer for layer in spec["layers"] if layer["kind"] == "dense")


@pytest.mark.parametrize("change, problem", [
    (lambda s: s["layers"][0].update(kernel=0), "bad architecture"),
    (lambda s: s["layers"][0].update(filters=10**9), "filters must be a whole number from 1 to 65536"),
    (lambda s: first_dense(s).update(units=60_000), "too large"),  # allowed per layer, too many weights
    (lambda s: s.update(classes=["0", "1"]), "2 class names for 10 outputs"),
    (lambda s: s.update(layers=[{"name": "x", "kind": "conv", "filters": "many"}]), "bad architecture"),
])
def test_a_broken_model_is_skipped_with_one_log_line(folder, caplog, change, problem):
    edit(folder, "digits", change)
    with caplog.at_level(logging.ERROR):
        client = create_app({"TESTING": True, "MODELS_DIR": str(folder)}).test_client()
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(lines) == 1 and "digits.json" in lines[0] and problem in lines[0], lines
    assert [m["id"] for m in client.get("/api/models").get_json()["models"]] == ["fashion"]
    assert client.get("/api/models/digits").status_code == 404
    r = client.post("/api/models/fashion/predict", json={"pixels": np.zeros((28, 28)).tolist()})
    assert r.status_code == 200


def test_a_huge_layer_is_refused_before_its_memory_is_allocated(folder):
    edit(folder, "digits", lambda s: first_dense(s).update(units=60_000))  # 24M weights: over the 20M cap
    started = time.perf_counter()
    with pytest.raises(ModelFileError, match="too large"):
        Model.load(folder / "digits.json")
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize("setup", ["empty", "both broken"])
def test_no_usable_model_the_server_starts_and_the_api_says_why(folder, setup):
    if setup == "empty":
        for f in folder.iterdir():
            f.unlink()
    else:
        (folder / "digits.json").write_text("{not json")
        (folder / "fashion.npz").write_bytes(b"PK\x03\x04 cut")
    client = create_app({"TESTING": True, "MODELS_DIR": str(folder)}).test_client()
    assert client.get("/").status_code == 200
    for r in (client.get("/api/models"), client.post("/api/models/digits/predict", json={"pixels": [[0]]})):
        body = r.get_json()
        assert r.status_code == 503 and body["code"] == "models.none" and body["error"]
        assert str(folder) not in r.get_data(as_text=True)
        if setup == "both broken":
            assert set(body["params"]["problems"]) == {"digits", "fashion"}


def test_truncated_gallery_is_an_empty_gallery(folder):
    data = (folder / "digits-examples.npz").read_bytes()
    (folder / "digits-examples.npz").write_bytes(data[:len(data) // 2])
    client = create_app({"TESTING": True, "MODELS_DIR": str(folder)}).test_client()
    r = client.get("/api/models/digits/examples")
    assert r.status_code == 200 and r.get_json()["examples"] == []
    assert len(client.get("/api/models/fashion/examples").get_json()["examples"]) > 0


def test_weights_are_named_by_hash_and_a_reader_of_the_old_json_still_finds_its_weights(tmp_path):
    small = [{"name": "c1", "kind": "conv", "filters": 2, "kernel": 3}, {"name": "f", "kind": "flatten"},
             {"name": "d", "kind": "dense", "units": 3}]
    path = tmp_path / "m.json"
    first = Model(small, (1, 6, 6), meta={"id": "m"}, seed=1)
    first.save(path)
    old_spec = json.loads(path.read_text())
    Model(small, (1, 6, 6), meta={"id": "m"}, seed=2).save(path)
    new_spec = json.loads(path.read_text())
    assert old_spec["weights_file"] != new_spec["weights_file"]
    assert (tmp_path / old_spec["weights_file"]).exists()  # a reader holding the old JSON
    Model(small, (1, 6, 6), meta={"id": "m"}, seed=3).save(path)
    assert not (tmp_path / old_spec["weights_file"]).exists()  # two saves later it is gone
    assert sorted(p.name for p in tmp_path.glob("*.npz")) == sorted(
        [new_spec["weights_file"], json.loads(path.read_text())["weights_file"]])
    loaded = Model.load(path)
    assert loaded.weights_path.name == json.loads(path.read_text())["weights_file"]


def test_real_server_starts_with_an_empty_models_folder(tmp_path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--threads", "2"], cwd=ROOT,
                            env={**__import__("os").environ, "CNNVIZ_MODELS": str(tmp_path)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/models", timeout=2)
                raise AssertionError("expected 503")
            except urllib.error.HTTPError as e:
                assert e.code == 503 and json.load(e)["code"] == "models.none"
                break
            except urllib.error.URLError:
                assert proc.poll() is None and time.time() < deadline, proc.stdout.read()
                time.sleep(0.1)
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def test_saving_over_a_corrupt_model_file_works(tmp_path):
    path = tmp_path / "m.json"
    path.write_text("{not json")
    (tmp_path / "m.npz").write_bytes(b"old")
    small = [{"name": "f", "kind": "flatten"}, {"name": "d", "kind": "dense", "units": 2}]
    Model(small, (1, 2, 2), meta={"id": "m"}).save(path)
    assert Model.load(path).weights_path.exists() and not (tmp_path / "m.npz").exists()
