"""Server benchmarks over HTTP on this machine (loopback only).

  python -m cnnviz bench-api            # one client: /predict latency and response size
  python -m cnnviz classroom            # 60 students drawing for 30 s, as the page sends strokes

Without --url each command starts `python app.py` (classroom --workers 2: as the Docker
image does) on a free loopback port itself, and stops it afterwards. Requests are bounded in count and time.
"""
import gzip
import http.client
import io
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[2]



def drawing_png(seed):
    """A drawing-pad-like PNG: a random stroke digit-ish shape on white, 280x280."""
    rng = random.Random(seed)
    img = Image.new("RGB", (280, 280), "white")
    d = ImageDraw.Draw(img)
    points = [(rng.randint(50, 230), rng.randint(40, 240)) for _ in range(rng.randint(2, 5))]
    d.line(points, fill="black", width=20, joint="curve")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def multipart(data):
    boundary = "cnnvizbench"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"d.png\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class Server:
    """`python app.py` on a free loopback port, or an existing --url."""

    last_pid = None  # the process id of the last server started (for CPU accounting)

    def __init__(self, url=None, threads=8, workers=1, root=None):
        """root: the checkout whose app.py to start (default: this one), e.g. main's, to compare."""
        self.url, self.proc, self.threads, self.workers = url, None, threads, workers
        self.root = root or ROOT

    def __enter__(self):
        if self.url:
            return self.url
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        command = [sys.executable, "app.py", "--port", str(port), "--threads", str(self.threads)]
        if self.workers != 1:
            command += ["--workers", str(self.workers)]
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        self.proc = subprocess.Popen(command, cwd=self.root, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        Server.last_pid = self.proc.pid
        self.url = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(self.url + "/api/models", timeout=1)
                return self.url
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def __exit__(self, *exc):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(10)


def _connection(url):
    u = urlparse(url)
    if u.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("benchmarks only talk to this machine (127.0.0.1 / localhost)")
    return http.client.HTTPConnection(u.hostname, u.port, timeout=30)


def post_drawing(conn, model, body, ctype):
    conn.request("POST", f"/api/models/{model}/predict", body=body,
                 headers={"Content-Type": ctype, "Accept-Encoding": "gzip"})
    response = conn.getresponse()
    raw = response.read()
    return response.status, raw, response.getheader("Content-Encoding")


def bench_api(url=None, model="digits", requests=300):
    with Server(url) as base:
        conn = _connection(base)
        bodies = [multipart(drawing_png(i)) for i in range(requests + 20)]  # each a new drawing: no cache hits
        times, sizes, raw_sizes = [], [], []
        for i in range(requests + 20):
            body, ctype = bodies[i % len(bodies)]
            t = time.perf_counter()
            status, raw, encoding = post_drawing(conn, model, body, ctype)
            elapsed = time.perf_counter() - t
            if status != 200:
                raise SystemExit(f"HTTP {status}: {raw[:200]!r}")
            if i >= 20:  # warm-up excluded
                times.append(elapsed)
                sizes.append(len(raw))
                raw_sizes.append(len(gzip.decompress(raw)) if encoding == "gzip" else len(raw))
        conn.close()
    q = statistics.quantiles(times, n=20)
    print(f"POST /api/models/{model}/predict with a 280x280 drawing, {requests} requests, one client, keep-alive")
    print(f"  latency median {statistics.median(times) * 1e3:.2f} ms, p95 {q[18] * 1e3:.2f} ms")
    print(f"  response {statistics.median(sizes) / 1024:.1f} KB gzipped "
          f"({statistics.median(raw_sizes) / 1024:.1f} KB uncompressed, default float16 encoding)")


def _student(k, base, bodies, stop_at, think, record, stroke_requests):
    """One student: a stroke (the page's requests, in order: stroke_requests(png)) every think[0]..think[1] s."""
    from .stroke import ACCEPT_ENCODING, stroke_bodies
    rng = random.Random(k)
    conn = _connection(base)
    time.sleep(rng.uniform(0, think[1] or 0.05))  # students do not all lift the pen at once
    while time.perf_counter() < stop_at:
        t0 = time.perf_counter()
        ok = True
        requests = stroke_bodies(stroke_requests(bodies[rng.randrange(len(bodies))]))
        sent = next(requests)
        while ok:
            path, body, ctype = sent
            t = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers={"Content-Type": ctype, "Accept-Encoding": ACCEPT_ENCODING})
                response = conn.getresponse()
                status, raw = response.status, response.read()
            except (OSError, http.client.HTTPException) as e:
                status, raw = None, str(e).encode()
                conn.close()
                conn = _connection(base)
            record("request", status, time.perf_counter() - t, raw)
            ok = status == 200
            try:  # the next request may carry what this one answered (the input's id)
                sent = requests.send((raw, response.getheader("Content-Encoding"))) if ok else None
            except StopIteration:
                break
        if ok:
            record("stroke", 200, time.perf_counter() - t0, b"")
        if think[1]:
            time.sleep(max(0.0, rng.uniform(*think) - (time.perf_counter() - t0)))
    conn.close()


def run_class(base, clients, seconds, think, model="digits", view="explore"):
    """-> {"request": [latency s], "stroke": [latency s], "errors": [(status, body)]}."""
    from .learning_stroke import learning_requests
    from .stroke import canvas_png, pad_png, stroke_requests
    bodies = [pad_png(canvas_png(i)) for i in range(40)]  # the drawing pad's grey PNGs
    if view == "explore":
        requests = lambda png: stroke_requests(model, png)  # noqa: E731
    else:
        conn = _connection(base)
        conn.request("GET", f"/api/models/{model}")
        layers = json.loads(conn.getresponse().read())["layers"]
        conn.close()
        requests = lambda png: learning_requests(model, png, layers, together=view == "learning")  # noqa: E731
    results, lock = {"request": [], "stroke": [], "errors": []}, threading.Lock()

    def record(kind, status, elapsed, raw):
        with lock:
            if status == 200:
                results[kind].append(elapsed)
            else:
                results["errors"].append((status, raw[:80]))

    stop_at = time.perf_counter() + seconds
    threads = [threading.Thread(target=_student, args=(k, base, bodies, stop_at, think, record, requests))
               for k in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return results


def _p(latencies, q):
    return statistics.quantiles(latencies, n=100)[q - 1] * 1e3 if len(latencies) > 1 else float("nan")


VIEWS = {  # what the page sends for a stroke in each view (bench.stroke, bench.learning_stroke)
    "explore": "one /predict with its animation",
    "learning": "one /predict with its animation and the \"how it learns\" answers (backward pass, its "
                "animation, two gradients)",
    "learning-before": "the \"how it learns\" view as the page sent it before: /predict, /backward, /backward/animate "
                       "and three /backward/explain",
}


def classroom(url=None, clients=60, seconds=30.0, think=(0.5, 1.0), model="digits", sweep=None, workers=1,
              view="explore"):
    """clients threads, each drawing a stroke every think[0]..think[1] s as the page does in `view` (one of
    VIEWS; the explorer's default: one POST /predict with the stepper's animation asked for beside the
    drawing); with sweep, the class sizes to try."""
    where = f"python app.py --workers {workers}"
    print(f"classroom: each student sends a stroke ({VIEWS[view]}, as the page sends it) every "
          f"{think[0]}-{think[1]} s, for {seconds:.0f} s, against {where} on {os.cpu_count()} cores")
    failed = 0
    with Server(url, workers=workers) as base:
        for n in (sweep or [clients]):
            r = run_class(base, n, seconds, think, model, view)
            strokes = r["stroke"]
            print(f"  {n:3d} students: {len(strokes) / seconds:5.1f} strokes/s, {len(r['request']) / seconds:5.1f} "
                  f"requests/s, {len(r['errors'])} errors; stroke p50 {_p(strokes, 50):.0f} ms, "
                  f"p95 {_p(strokes, 95):.0f} ms, p99 {_p(strokes, 99):.0f} ms; request p99 {_p(r['request'], 99):.0f} ms")
            if r["errors"]:
                print(f"      first errors: {r['errors'][:3]}")
                failed = 1
    return failed
