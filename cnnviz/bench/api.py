"""Server benchmarks over HTTP on this machine (loopback only).

  python -m cnnviz bench-api            # one client: /predict latency and response size
  python -m cnnviz classroom            # 60 clients posting drawings for 30 s

Without --url each command starts `python app.py` on a free loopback port
itself, and stops it afterwards. Requests are bounded in count and time.
"""
import gzip
import http.client
import io
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

    def __init__(self, url=None, threads=8):
        self.url, self.proc, self.threads = url, None, threads

    def __enter__(self):
        if self.url:
            return self.url
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--threads", str(self.threads)],
                                     cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
        bodies = [multipart(drawing_png(i)) for i in range(20)]
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


def classroom(url=None, clients=60, seconds=30.0, think=0.5, model="digits"):
    """clients threads, each posting a drawing, waiting `think` s (a stroke), and again."""
    bodies = [multipart(drawing_png(i)) for i in range(30)]
    latencies, errors, lock = [], [], threading.Lock()

    def student(k, base, stop_at):
        rng = random.Random(k)
        conn = _connection(base)
        time.sleep(rng.uniform(0, think or 0.05))  # students do not all lift the pen at once
        while time.perf_counter() < stop_at:
            body, ctype = bodies[rng.randrange(len(bodies))]
            t = time.perf_counter()
            try:
                status, raw, _ = post_drawing(conn, model, body, ctype)
            except (OSError, http.client.HTTPException) as e:
                status, raw = None, str(e).encode()
                conn.close()
                conn = _connection(base)
            elapsed = time.perf_counter() - t
            with lock:
                (latencies if status == 200 else errors).append(elapsed if status == 200 else (status, raw[:80]))
            if think:
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))
        conn.close()

    with Server(url) as base:
        stop_at = time.perf_counter() + seconds
        threads = [threading.Thread(target=student, args=(k, base, stop_at)) for k in range(clients)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    print(f"classroom: {clients} clients posting drawings for {seconds:.0f} s "
          f"(each waits ~{think} s between posts) against python app.py on {os.cpu_count()} cores")
    print(f"  {len(latencies)} requests ({len(latencies) / seconds:.0f}/s), {len(errors)} errors")
    print(f"  latency median {statistics.median(latencies) * 1e3:.1f} ms, p95 {q[94] * 1e3:.1f} ms, "
          f"p99 {q[98] * 1e3:.1f} ms, max {max(latencies) * 1e3:.1f} ms")
    if errors:
        print(f"  first errors: {errors[:3]}")
    return 1 if errors else 0
