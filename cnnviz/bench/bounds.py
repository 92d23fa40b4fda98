"""What costly and broken uploads cost: python -m cnnviz bench-bounds

Each file is decoded and preprocessed in a fresh process, which reports its wall time
and how much its peak memory grew; then 8 of the worst allowed uploads go to one
`python app.py` at once, and its peak memory is read from /proc.
"""
import json
import subprocess
import sys
import threading
from pathlib import Path

from .api import ROOT, Server

FILES = {
    "35-byte GIF, 6324x6324 logical screen": "gif_huge_screen()",
    "1 x 39,999,999 PNG": "tall_png()",
    "6000x6000 transparent PNG": "transparent_png()",
    "corrupt AVIF": "corrupt_avif()",
    "largest colour PNG allowed (1999x1999 RGBA)": "png_of_zeros(1999, 1999, 6)",
    "largest grey PNG allowed (3999x3999)": "png_of_zeros(3999, 3999, 0)",
    "12-megapixel JPEG photo": "__import__('cnnviz.bench.stroke', fromlist=['x']).photo_jpeg()",
}
ONE = """
import json, resource, sys, time
from cnnviz.bench.bad_images import *
from cnnviz.errors import ImageError
from cnnviz.teach.decode import decode_image
from cnnviz.teach.preprocess import prepare
data = {expr}
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
try:
    prepare(decode_image(data), (1, 32, 32)); answer = "accepted"
except ImageError as e:
    answer = e.code
ms = (time.perf_counter() - t) * 1e3
print(json.dumps([len(data), answer, ms, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024]))
"""


def _peak_rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run():
    print("one upload each, decoded and preprocessed in a fresh process:")
    for name, expr in FILES.items():
        out = subprocess.run([sys.executable, "-c", ONE.format(expr=expr)], cwd=ROOT, capture_output=True,
                             text=True, timeout=300)
        size, answer, ms, grew = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"  {name:44s} {size:>9,} bytes  {answer:22s} {ms:7.1f} ms  peak +{grew:.0f} MB")
    from .bad_images import gif_huge_screen, png_of_zeros, transparent_png
    from .stroke import multipart
    worst = [png_of_zeros(1999, 1999, 6), png_of_zeros(3999, 3999, 0), gif_huge_screen(), transparent_png()] * 2
    with Server() as base:
        import http.client
        from urllib.parse import urlparse
        u = urlparse(base)
        statuses = []

        def send(data):
            body, ctype = multipart(data)
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
            conn.request("POST", "/api/models/digits/predict", body=body, headers={"Content-Type": ctype})
            r = conn.getresponse()
            statuses.append((r.status, json.loads(r.read()).get("code")))

        threads = [threading.Thread(target=send, args=(d,)) for d in worst]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        peak = _peak_rss_mb(Server.last_pid)
    print(f"8 worst uploads at once to python app.py: peak memory {peak:.0f} MB; answers {sorted(statuses, key=str)}")
    return 0
