"""Training jobs against the real server (python app.py, its embedded huey worker on SQLite) and
against Redis (a real redis-server, the app and a separate `python -m cnnviz worker`)."""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlparse

import pytest

import numpy as np

from cnnviz.engine.architecture import Architecture
from cnnviz.live.settings import architecture_from
from cnnviz.training.presets import ARCHITECTURES
from conftest import ROOT, free_port, start_server

TINY = {"architecture": "tiny", "epochs": 1, "train_size": 1000}
LONG = {"architecture": "digits", "epochs": 20, "train_size": 9000}  # minutes: only ever stopped


class Client:
    """One browser: its own owner token, JSON in and out, errors as (status, body)."""

    def __init__(self, base, token):
        self.base, self.token = base, token

    def call(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "X-Cnnviz-Owner": self.token, **({"Content-Type": "application/json"} if data else {}),
            **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                raw = r.read()
                return r.status, json.loads(raw) if r.headers.get_content_type() == "application/json" else raw
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def events(self, job_id, until=("end",), last_id=None, timeout=90, reconnect=True):
        """Read the job's event stream -> [(id, type, data)] up to an event whose type is in until;
        when the server ends a stream (its lifetime), reconnect from Last-Event-ID as EventSource does."""
        out, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            batch, done = self._stream(job_id, until, last_id, deadline)
            out += batch
            ids = [i for i, _, _ in batch if i]
            last_id = ids[-1] if ids else last_id
            if done or not reconnect:
                return out
        raise AssertionError(f"no {until} event in {timeout} s: {[t for _, t, _ in out]}")

    def _stream(self, job_id, until, last_id, deadline):
        url = urlparse(self.base)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        headers = {"X-Cnnviz-Owner": self.token, **({"Last-Event-ID": str(last_id)} if last_id else {})}
        conn.request("GET", f"/api/jobs/{job_id}/events", headers=headers)
        response = conn.getresponse()
        assert response.status == 200, response.read()
        assert response.getheader("Content-Type").startswith("text/event-stream")
        out, event = [], {}
        try:
            while time.monotonic() < deadline:
                line = response.fp.readline().decode()
                if not line:
                    return out, False  # the server closed the stream
                line = line.rstrip("\n")
                if line == "":
                    if "type" in event:
                        out.append((event.get("id"), event["type"], json.loads(event.get("data", "{}"))))
                        if event["type"] in until:
                            return out, True
                    event = {}
                elif line.startswith("id: "):
                    event["id"] = int(line[4:])
                elif line.startswith("event: "):
                    event["type"] = line[7:]
                elif line.startswith("data: "):
                    event["data"] = line[6:]
            return out, False
        finally:
            conn.close()

    def wait_state(self, job_id, states, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, job = self.call("GET", f"/api/jobs/{job_id}")
            if job["state"] in states:
                return job
            time.sleep(0.05)
        raise AssertionError(f"job {job_id} still {job['state']}")


def studio_env(tmp_path, **extra):
    return {"CNNVIZ_INSTANCE": str(tmp_path), "CNNVIZ_JOBS_AT_ONCE": "1", "CNNVIZ_JOB_QUEUE": "1",
            "CNNVIZ_EVENT_STREAMS": "2", "CNNVIZ_MODELS_PER_BROWSER": "2", "CNNVIZ_JOB_MAX_WORK": "1e11", "CNNVIZ_WORKER_NICE": "0", **extra}


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    proc, base = start_server(env_extra=studio_env(tmp_path_factory.mktemp("studio")))
    yield base
    proc.terminate()
    proc.wait(20)


def test_a_tiny_job_streams_its_training_and_its_model_serves_only_that_browser(studio):
    alice, bob = Client(studio, "alice-0123456789ab"), Client(studio, "bob-0123456789abcd")
    status, job = alice.call("POST", "/api/jobs", TINY)
    assert status == 202 and job["state"] == "queued" and job["position"] in (0, 1)
    events = alice.events(job["id"])
    kinds = [t for _, t, _ in events]
    assert kinds[:2] == ["queued", "started"] and kinds[-2:] == ["finished", "end"]
    assert {"batch", "epoch", "filters", "predictions", "samples"} <= set(kinds)
    ids = [i for i, _, _ in events if i]
    assert ids == list(range(1, len(ids) + 1))  # numbered in order, none lost
    batches = [d for _, t, d in events if t == "batch"]
    assert batches[-1]["seen"] == 1000 and 0 < batches[-1]["loss"] < batches[0]["loss"]
    filters = next(d for _, t, d in events if t == "filters")
    assert len(filters["weights"]) == 8 and len(filters["weights"][0][0]) == 5  # tiny's conv1: 8 filters 5x5
    done = next(d for _, t, d in events if t == "finished")
    matrix = done["confusion"]
    assert sum(map(sum, matrix)) == 1000 and done["test_accuracy"] == pytest.approx(
        sum(matrix[i][i] for i in range(10)) / 1000)
    # Reconnecting from Last-Event-ID gives exactly what came after
    again = alice.events(job["id"], last_id=ids[-3])
    assert [i for i, _, _ in again if i] == ids[-2:]
    # the model: listed for alice only, served by the models API, downloadable
    model = done["model"]
    assert model in [m["id"] for m in alice.call("GET", "/api/models")[1]["models"]]
    assert model not in [m["id"] for m in bob.call("GET", "/api/models")[1]["models"]]
    status, prediction = alice.call("POST", f"/api/models/{model}/predict", {"pixels": [[0] * 28] * 28})
    assert status == 200 and len(prediction["top"]) >= 1
    assert bob.call("GET", f"/api/models/{model}")[0] == 404
    assert bob.call("PATCH", f"/api/models/{model}", {"shared": True})[0] == 404  # not bob's to share
    assert alice.call("PATCH", f"/api/models/{model}", {"shared": True})[0] == 200
    assert model in [m["id"] for m in bob.call("GET", "/api/models")[1]["models"]]  # the class sees it now
    status, gallery = alice.call("GET", f"/api/models/{model}/examples")
    assert status == 200 and len(gallery["examples"]) >= 30  # 3 per class right, some wrong
    # a confusion cell's images are exactly as many as the matrix says
    true, predicted = max(((i, j) for i in range(10) for j in range(10) if i != j), key=lambda c: matrix[c[0]][c[1]])
    status, cell = alice.call("GET", f"/api/jobs/{job['id']}/confusion?true={true}&predicted={predicted}")
    assert cell["count"] == matrix[true][predicted] and len(cell["images"]) == min(48, cell["count"])
    status, fig = alice.call("GET", f"/api/jobs/{job['id']}/figures/confusion")
    assert fig["data"][0]["type"] == "heatmap" and fig["data"][0]["z"] == matrix


def test_download_and_upload_round_trip_and_a_tampered_file_is_refused(studio):
    carol = Client(studio, "carol-0123456789ab")
    status, job = carol.call("POST", "/api/jobs", TINY)
    done = carol.events(job["id"])[-2][2]
    model = done["model"]
    _, spec = carol.call("GET", f"/api/models/{model}/file")
    _, weights = carol.call("GET", f"/api/models/{model}/weights")
    spec_bytes = spec if isinstance(spec, bytes) else json.dumps(spec).encode()

    def upload(json_bytes, npz_bytes):
        boundary = "cnnvizboundary"
        parts = b""
        for name, data in (("model", json_bytes), ("weights", npz_bytes)):
            parts += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"f\"\r\n"
                      f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
        parts += f"--{boundary}--\r\n".encode()
        req = urllib.request.Request(studio + "/api/models", data=parts, method="POST", headers={
            "X-Cnnviz-Owner": carol.token, "Content-Type": f"multipart/form-data; boundary={boundary}"})
        try:
            with urllib.request.urlopen(req) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    tampered = bytearray(weights)
    tampered[len(tampered) // 2] ^= 0xFF
    status, body = upload(spec_bytes, bytes(tampered))
    assert status == 422 and body["code"] == "models.upload_weights" and "SHA-256" in body["error"]
    status, body = upload(spec_bytes, weights)  # carol now keeps 2 models: the limit of this server
    assert status == 201
    _, original = carol.call("POST", f"/api/models/{model}/predict", {"pixels": [[0] * 28] * 28})
    _, copy = carol.call("POST", f"/api/models/{body['id']}/predict", {"pixels": [[0] * 28] * 28})
    assert copy["top"] == original["top"]
    status, body = upload(spec_bytes, weights)
    assert status == 409 and body["code"] == "models.owner_full" and body["params"]["limit"] == 2
    status, job = carol.call("POST", "/api/jobs", TINY)
    assert status == 409 and job["code"] == "models.owner_full"


def test_cancel_stops_at_once_keeps_the_model_and_a_full_queue_is_429_with_its_position(studio):
    dave = Client(studio, "dave-0123456789abc")
    status, running = dave.call("POST", "/api/jobs", LONG)
    dave.events(running["id"], until=("batch",))
    status, waiting = dave.call("POST", "/api/jobs", TINY)  # the queue holds one
    assert status == 202 and waiting["position"] == 1
    status, refused = dave.call("POST", "/api/jobs", TINY)
    assert status == 429 and refused["code"] == "jobs.queue_full" and refused["params"]["position"] == 2
    assert Client(studio, "eve-0123456789abcd").call("DELETE", f"/api/jobs/{running['id']}")[0] == 403
    status, job = dave.call("DELETE", f"/api/jobs/{waiting['id']}")
    assert job["state"] == "cancelled"
    dave.call("DELETE", f"/api/jobs/{running['id']}")
    job = dave.wait_state(running["id"], ("cancelled",), timeout=20)
    assert job["model"] and job["stopped_by"] == "cancelled"
    events = dave.events(running["id"])
    batches = [d for _, t, d in events if t == "batch"]
    assert batches[-1]["epoch"] == 1 and batches[-1]["seen"] < 9000  # stopped mid-epoch, at a batch


@pytest.mark.parametrize("preset", list(ARCHITECTURES))
def test_a_preset_sent_layer_by_layer_trains_from_the_same_start_as_by_its_name(preset):
    """The Train page sends a preset's layers one by one; they must keep the last dense layer's
    Glorot initialisation (the layer specs used to drop it, so the same preset by its layers
    started from He weights), and the checker's description must carry it back to the page."""
    by_name, _ = architecture_from(preset)
    shown = Architecture(by_name["layers"], by_name["input_shape"]).describe()  # what the page keeps
    layers = [{k: v for k, v in layer.items() if k not in ("input_shape", "output_shape", "parameters")}
              for layer in shown]
    by_layers, _ = architecture_from({"layers": layers, "input_shape": by_name["input_shape"]})
    assert any(layer.get("init") == "glorot" for layer in by_layers["layers"])
    a = Architecture(by_name["layers"], by_name["input_shape"])
    b = Architecture(by_layers["layers"], by_layers["input_shape"])
    assert b.spec() == a.spec()
    fresh_a, fresh_b = a.init_params(seed=7), b.init_params(seed=7)
    assert all(np.array_equal(fresh_a[k], fresh_b[k]) for k in fresh_a)


def test_bounds_have_codes_and_clear_messages(studio):
    frank = Client(studio, "frank-0123456789ab")
    status, body = frank.call("POST", "/api/jobs", {"architecture": "digits", "epochs": 50, "dataset": "mnist-10k"})
    assert status == 422 and body["code"] == "jobs.too_large" and "limit" in body["error"]
    status, body = frank.call("POST", "/api/jobs", {"architecture": {"layers": [
        {"name": "c", "kind": "conv", "filters": 4, "kernel": 30}]}})
    assert status == 422 and body["code"] == "shape.output_size" and body["params"]["layer"] == "c"
    status, body = frank.call("POST", "/api/jobs", {"architecture": {"layers": [
        {"name": "f", "kind": "flatten"}, {"name": "d", "kind": "dense", "units": 7}]}})
    assert status == 400 and body["code"] == "jobs.output_shape"
    status, body = frank.call("POST", "/api/jobs", {"epochs": 0})
    assert status == 400 and body["code"] == "field.range" and body["params"]["field"] == "epochs"
    status, body = frank.call("POST", "/api/studio/architecture", {"architecture": {"layers": [
        {"name": "c", "kind": "conv", "filters": 4, "kernel": 3}, {"name": "f", "kind": "flatten"},
        {"name": "d", "kind": "dense", "units": 10}]}})
    assert body["parameters"] == 4 * 9 + 4 + 26 * 26 * 4 * 10 + 10
    assert [layer["output_shape"] for layer in body["layers"]] == [[4, 26, 26], [2704], [10], [10]]
    status, body = frank.call("POST", "/api/jobs", {"architecture": {"layers": [
        {"name": "f", "kind": "flatten"}, {"name": "d", "kind": "dense", "units": 10, "init": "zeros"}]}})
    assert status == 400 and body["code"] == "layer.init" and body["params"]["layer"] == "d"


def test_event_streams_are_bounded_in_number_and_in_time_and_jobs_in_wall_clock_time(tmp_path):
    proc, base = start_server(env_extra=studio_env(tmp_path, CNNVIZ_EVENT_STREAMS="1", CNNVIZ_JOB_SECONDS="3",
                                                  CNNVIZ_EVENT_STREAM_SECONDS="1", CNNVIZ_JOB_QUEUE="3"))
    try:
        gina = Client(base, "gina-0123456789abc")
        _, running = gina.call("POST", "/api/jobs", LONG)
        started = time.monotonic()
        url = urlparse(base)
        first = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        first.request("GET", f"/api/jobs/{running['id']}/events")
        held = first.getresponse()
        assert held.status == 200
        status, body = gina.call("GET", f"/api/jobs/{running['id']}/events")
        assert status == 503 and body["code"] == "jobs.streams_full"
        text = held.read().decode()  # the server ends the stream after its lifetime, whatever the job does
        assert time.monotonic() - started < 5 and text.startswith("retry: 1000")
        job = gina.wait_state(running["id"], ("finished",), timeout=20)  # stopped by the clock, model kept
        assert job["stopped_by"] == "time_limit" and job["model"]
    finally:
        proc.terminate()
        proc.wait(20)


def test_a_job_running_when_the_server_stops_is_marked_interrupted(tmp_path):
    proc, base = start_server(env_extra=studio_env(tmp_path))
    hana = Client(base, "hana-0123456789abc")
    _, job = hana.call("POST", "/api/jobs", LONG)
    hana.events(job["id"], until=("batch",))
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 0
    assert not _workers_of(tmp_path)
    proc, base = start_server(env_extra=studio_env(tmp_path))  # the same instance folder
    try:
        status, after = Client(base, hana.token).call("GET", f"/api/jobs/{job['id']}")
        assert after["state"] == "interrupted" and "stopped" in after["reason"]
    finally:
        proc.terminate()
        proc.wait(20)


def _workers_of(instance):
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if "cnnviz worker" in line and str(instance) in _environ(line)]


def _environ(ps_line):
    try:
        return open(f"/proc/{ps_line.split()[0]}/environ", "rb").read().decode(errors="replace")
    except OSError:
        return ""


# ------------------------------------------------------------------- Redis
@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server")
    if not server:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing: .ci/run installs Debian's redis-server")
        pytest.skip("no redis-server here (CI installs it)")
    port = free_port()
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path_factory.mktemp("redis"))], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


def test_redis_path_the_app_and_a_separate_worker_process(redis_url, tmp_path):
    env = studio_env(tmp_path, CNNVIZ_REDIS_URL=redis_url)
    proc, base = start_server(env_extra=env)
    ivan = Client(base, "ivan-0123456789abc")
    status, body = ivan.call("POST", "/api/jobs", TINY)
    assert status == 503 and body["code"] == "jobs.no_worker"  # nobody would run it
    worker = subprocess.Popen([sys.executable, "-m", "cnnviz", "worker"], cwd=ROOT, env={**os.environ, **env},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while status == 503 and time.monotonic() < deadline:  # until the worker's first heartbeat
            time.sleep(0.1)
            status, job = ivan.call("POST", "/api/jobs", TINY)
        assert status == 202
        events = ivan.events(job["id"])
        assert [t for _, t, _ in events][-2:] == ["finished", "end"]
        model = events[-2][2]["model"]
        assert model in [m["id"] for m in ivan.call("GET", "/api/models")[1]["models"]]
        _, running = ivan.call("POST", "/api/jobs", LONG)
        ivan.events(running["id"], until=("batch",))
        worker.send_signal(signal.SIGTERM)  # the worker process stops: its job is interrupted
        assert worker.wait(20) == 0
        assert ivan.wait_state(running["id"], ("interrupted",), timeout=5)["reason"]
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)  # the consumer and the worker processes it forked
        proc.terminate()
        proc.wait(20)


# ------------------------------------------------------ store, in process
def test_a_silent_worker_leaves_its_job_interrupted_and_anonymous_models_expire(tmp_path):
    from cnnviz.engine.model import Model
    from cnnviz.live.limits import limits_from_env
    from cnnviz.live.queue import QueueConfig, make_huey
    from cnnviz.live.runtime import RuntimeModels
    from cnnviz.live.store import STALE_SECONDS, JobStore
    from cnnviz.training.presets import TINY

    store = JobStore(make_huey(QueueConfig(tmp_path, None, 1)))
    store.create("a" * 16, {"state": "running", "owner": "x", "settings": {}})
    assert store.get("a" * 16)["state"] == "running"
    store.update("a" * 16, state="running")
    record = store._get("job:" + "a" * 16)
    record["heartbeat"] -= STALE_SECONDS + 1
    store._put("job:" + "a" * 16, record)
    assert store.get("a" * 16)["state"] == "interrupted"
    assert [e["type"] for e in store.events("a" * 16)] == ["interrupted"]

    models = RuntimeModels(tmp_path / "models", limits_from_env({"CNNVIZ_MODELS_EXPIRE_HOURS": "0"}))
    model = Model(TINY["layers"], TINY["input_shape"], {"title": {"en": "t", "zh": "t"}, "classes": list("0123456789")})
    models.add(model, "mold", "owner-1")
    models.add(model.copy(), "mshared", "owner-1", shared=True)
    assert set(models.metas()) == {"mshared"}  # expired at once with a 0 h lifetime
    assert models.remove_expired() == 1 and not (tmp_path / "models" / "mold.npz").exists()


def test_two_web_processes_and_the_embedded_worker_on_sqlite(tmp_path):
    """The Dockerfile's server (python app.py --workers 2) with its own training worker on SQLite:
    any web process answers any job's stream."""
    env = {**os.environ, **studio_env(tmp_path)}
    port = free_port()
    web = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--workers", "2", "--threads", "4"],
                           cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    try:
        kim = Client(f"http://127.0.0.1:{port}", "kim-01234567890abc")
        deadline, status = time.monotonic() + 60, None
        while status != 202 and time.monotonic() < deadline:  # until both are up
            time.sleep(0.2)
            try:
                status, job = kim.call("POST", "/api/jobs", TINY)
            except OSError:
                status = None
        assert status == 202
        first = kim.events(job["id"], until=("epoch",))
        rest = kim.events(job["id"], last_id=first[-1][0])  # a new connection, maybe another process
        ids = [i for i, _, _ in first + rest if i]
        assert ids == list(range(1, len(ids) + 1)) and rest[-2][1] == "finished"
    finally:
        web.send_signal(signal.SIGTERM)
        try:
            web.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(web.pid, signal.SIGKILL)
