"""Training-studio benchmarks against `python app.py` on this machine (its embedded huey worker):

  python -m cnnviz bench-studio --part tiny        # the tiny preset: held-out accuracy, seconds end to end
  python -m cnnviz bench-studio --part throughput  # images/s inside a job vs `python -m cnnviz train`
  python -m cnnviz bench-studio --part classroom   # 60 students drawing while two trainings run
  python -m cnnviz bench-studio --part streams     # the class drawing while 4 progress streams are open
"""
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from .api import ROOT, Server, classroom

TINY_JOB = {"architecture": "tiny", "epochs": 3, "lr": 0.003, "batch_size": 64, "train_size": "all", "augment": False}
LONG_JOB = {"architecture": "digits", "epochs": 40, "train_size": "all"}


def _call(base, method, path, body=None, owner="bench-owner-000000"):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None,
                                 headers={"Content-Type": "application/json", "X-Cnnviz-Owner": owner})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def _wait(base, job_id, states, timeout=600, owner="bench-owner-000000"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = _call(base, "GET", f"/api/jobs/{job_id}", owner=owner)
        if job["state"] in states:
            return job
        time.sleep(0.05)
    raise SystemExit(f"job {job_id} did not reach {states}")


@contextmanager
def _studio(**env):
    """app.py with a fresh instance folder (and env) for the benchmark."""
    with tempfile.TemporaryDirectory() as instance:
        saved = dict(os.environ)
        os.environ.update({"CNNVIZ_INSTANCE": instance, "CNNVIZ_MODELS_PER_BROWSER": "100", **env})
        try:
            with Server() as base:
                yield base
        finally:
            os.environ.clear()
            os.environ.update(saved)


def tiny(repeats=2):
    with _studio() as base:
        for i in range(repeats):
            t0 = time.perf_counter()
            job = _call(base, "POST", "/api/jobs", {**TINY_JOB, "seed": i})
            done = _wait(base, job["id"], ("finished", "failed"))
            print(f"tiny job {i + 1}: {100 * done['test_accuracy']:.2f}% of the 1,000 held-out digits, "
                  f"{time.perf_counter() - t0:.1f} s from POST to finished (3 epochs, 9,000 images, Adam 0.003)")


def _cli_rate(epochs):
    """images/s of `python -m cnnviz train tiny` per epoch (its progress line's last figure per epoch)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([sys.executable, "-m", "cnnviz", "train", "tiny", "--epochs", str(epochs),
                              "--no-augment", "--lr", "0.003", "--out", str(Path(tmp) / "t.json")],
                             cwd=ROOT, capture_output=True, text=True, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    rates = []
    for chunk in out.stderr.split("test acc")[:-1]:
        rates.append(float(re.findall(r"([\d,]+) img/s", chunk)[-1].replace(",", "")))
    return statistics.mean(rates)


def _job_rate(base, epochs, seed):
    job = _call(base, "POST", "/api/jobs", {**TINY_JOB, "epochs": epochs, "seed": seed})
    _wait(base, job["id"], ("finished",))
    return statistics.mean(e["images_per_second"] for e in _last_batches(base, job["id"]))


def _last_batches(base, job_id):
    """Each epoch's last batch event (its images/s is measured as the command line's progress line
    measures it: images so far / time since the epoch began), from the job's stored events."""
    req = urllib.request.Request(f"{base}/api/jobs/{job_id}/events", headers={"X-Cnnviz-Owner": "bench-owner-000000"})
    text = urllib.request.urlopen(req, timeout=60).read().decode()
    events = [json.loads(line[6:]) for line in text.splitlines() if line.startswith("data: {\"type")]
    return list({e["epoch"]: e for e in events if e["type"] == "batch"}.values())


def throughput(rounds=3, epochs=2):
    ratios = []
    with _studio(CNNVIZ_WORKER_NICE="0") as base:
        for i in range(rounds):  # interleaved, so drift on a shared machine hits both alike
            cli = _cli_rate(epochs)
            job = _job_rate(base, epochs, i)
            ratios.append(job / cli)
            print(f"round {i + 1}: job {job:,.0f} images/s, python -m cnnviz train {cli:,.0f} images/s: "
                  f"{100 * job / cli:.1f}%")
    print(f"job / command line: min {100 * min(ratios):.1f}%, median {100 * statistics.median(ratios):.1f}%, "
          f"max {100 * max(ratios):.1f}% (tiny, {epochs} epochs, batch 64, one BLAS thread)")


def class_while_training(seconds=30):
    with _studio(CNNVIZ_JOBS_AT_ONCE="2") as base:
        print("baseline, no training:")
        classroom(base, clients=60, seconds=seconds, think=(0.5, 1.0))
        jobs = [_call(base, "POST", "/api/jobs", LONG_JOB, owner=f"bench-teacher-{k}0000000") for k in range(2)]
        for k, job in enumerate(jobs):
            _wait(base, job["id"], ("running",), owner=f"bench-teacher-{k}0000000")
        print("two trainings running (digits preset, all 9,000 images); now the class draws:")
        status = classroom(base, clients=60, seconds=seconds, think=(0.5, 1.0))
        states = [_call(base, "GET", f"/api/jobs/{j['id']}")["state"] for j in jobs]
        print(f"  trainings after the class: {states}")
        for k, job in enumerate(jobs):
            _call(base, "DELETE", f"/api/jobs/{job['id']}", owner=f"bench-teacher-{k}0000000")
    return status


def streams_while_drawing(seconds=20, streams=4):
    """The cost of event streams: the class drawing with `streams` progress streams held open (each
    reconnecting when the server ends it), against the class alone, on one app.py (8 threads)."""
    import threading
    with _studio() as base:
        job = _call(base, "POST", "/api/jobs", LONG_JOB)
        _wait(base, job["id"], ("running",))
        print("baseline, no stream open:")
        classroom(base, clients=60, seconds=seconds, think=(0.5, 1.0))
        stop, events = time.monotonic() + seconds + 2, []

        def watcher():
            last = 0
            while time.monotonic() < stop:
                req = urllib.request.Request(f"{base}/api/jobs/{job['id']}/events", headers={
                    "X-Cnnviz-Owner": "bench-owner-000000", "Last-Event-ID": str(last)})
                try:
                    with urllib.request.urlopen(req, timeout=60) as r:
                        for line in r:
                            if line.startswith(b"id: "):
                                last = int(line[4:])
                                events.append(last)
                            if time.monotonic() > stop:
                                break
                except OSError:
                    time.sleep(1)

        threads = [threading.Thread(target=watcher, daemon=True) for _ in range(streams)]
        for th in threads:
            th.start()
        print(f"with {streams} progress streams open:")
        status = classroom(base, clients=60, seconds=seconds, think=(0.5, 1.0))
        print(f"  the streams delivered {len(events)} events meanwhile")
        _call(base, "DELETE", f"/api/jobs/{job['id']}")
    return status


def run(part="all", seconds=30):
    status = 0
    if part in ("all", "tiny"):
        tiny()
    if part in ("all", "throughput"):
        throughput()
    if part in ("all", "classroom"):
        status = class_while_training(seconds)
    if part in ("all", "streams"):
        status = streams_while_drawing(min(seconds, 20)) or status
    return status
