"""Server CPU per stroke: exactly the requests the page sends when a stroke ends.

  python -m cnnviz bench-stroke     # in-process (the WSGI app alone) and through `python app.py`
  python -m cnnviz bench-stroke --against ../main   # and that checkout's app.py, alternating rounds

The page (static/js/pages/explore.js, views/stepper.js, core/api.js) sends, per stroke,
one request: the drawing pad's PNG to /predict as the request's body, with "animate" in the
query: the stepper's layer (conv1, channel 0, input channel 0), whose animation comes back in
the same answer. An older checkout (for --against) gets a multipart form (with a fresh
browser-style boundary) unless it reads an image body, and if it answers without
"animations", what its page sent next: {"input_id", "layer", "channel"} as
JSON to /animate, or the image again if it answered without an id either. A photo upload
sends the same request with the photo. Each stroke is a new drawing; each photo carries
distinct bytes (a JPEG ignores bytes after its end).

Compression: what Chromium accepts from a classroom server on the local network over plain
http ("gzip, deflate": brotli and zstd only for https and localhost), so the server gzips.
"""
import contextlib
import gzip
import io
import json
import random
import re
import secrets
import statistics
import struct
import time
import zlib
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from .api import Server, _connection

ANIMATED_LAYER, ANIMATED_CHANNEL = "conv1", 0


def canvas_png(seed, size=280):
    """A drawing as the canvas's toBlob wrote it (the page before grey PNGs): RGBA PNG, black strokes
    on white, anti-aliased."""
    rng = random.Random(seed)
    big = Image.new("L", (size * 4, size * 4), 255)
    d = ImageDraw.Draw(big)
    points = [(rng.randint(200, size * 4 - 200), rng.randint(160, size * 4 - 160)) for _ in range(rng.randint(2, 5))]
    d.line(points, fill=0, width=rng.choice([48, 64, 80]), joint="curve")
    buf = io.BytesIO()
    big.resize((size, size), Image.Resampling.LANCZOS).convert("RGBA").save(buf, "PNG")
    return buf.getvalue()


def pad_png(canvas):
    """The drawing as the pad sends it now (static/js/lib/png.js): 8-bit grey PNG, rows unfiltered,
    zlib at its default level, marked with decode.PAD_MARK."""
    from ..teach.decode import PAD_MARK
    grey = np.asarray(Image.open(io.BytesIO(canvas)).getchannel("R"))
    h, w = grey.shape
    rows = np.zeros((h, w + 1), np.uint8)
    rows[:, 1:] = grey

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"tEXt", "\0".join(PAD_MARK).encode("latin-1")) + chunk(b"IDAT", zlib.compress(rows.tobytes()))
            + chunk(b"IEND", b""))


def photo_jpeg(width=4000, height=3000, seed=0):
    """A 12-megapixel phone photo of a digit in ink on paper (uneven light, noise), JPEG."""
    rng = np.random.default_rng(seed)
    small = Image.new("L", (width // 8, height // 8), 0)
    ImageDraw.Draw(small).line([(width // 16, height // 40), (width // 16, height // 10)], fill=255, width=width // 100)
    ink = np.asarray(small.resize((width, height), Image.Resampling.BILINEAR), np.float32) / 255
    light = np.linspace(0.95, 0.7, width, dtype=np.float32)[None, :]
    paper = light * (1 - 0.8 * ink) + rng.normal(0, 0.03, (height, width)).astype(np.float32)
    rgb = (np.clip(paper, 0, 1)[..., None] * np.array([1.0, 0.96, 0.88], np.float32) * 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(rgb).filter(ImageFilter.GaussianBlur(1.2)).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def page_shrunk(jpeg, longest=1024, quality=90):
    """A photo as the page sends it (static/js/lib/photo.js): redrawn at most `longest` px on its
    long side and encoded as JPEG at quality 0.9."""
    img = Image.open(io.BytesIO(jpeg))
    img.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def multipart(image, **fields):
    """(body, content type) as a browser's FormData: the image first, then text fields."""
    boundary = "----WebKitFormBoundary" + secrets.token_urlsafe(12)
    parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"input.png\"\r\n"
             "Content-Type: image/png\r\n\r\n".encode() + image + b"\r\n"]
    parts += [f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode()
              for k, v in fields.items()]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


ACCEPT_ENCODING = "gzip, deflate"  # a browser's, to a server on the local network over http
ASKED = json.dumps([{"layer": ANIMATED_LAYER, "channel": ANIMATED_CHANNEL, "focus": 0}])


def stroke_requests(model, image, raw=True):
    """[(path, body, content type)] the page sends for one stroke (or one upload); a body may be
    a function of the previous answer (its bytes, content encoding) giving (body, content type),
    or None: nothing more to send. raw: the image itself is the body, its fields in the query (the
    page now); else a multipart form (older checkouts' pages)."""
    base = f"/api/models/{model}"
    first = ((f"{base}/predict?{urlencode({'animate': ASKED})}", image, image_type(image)) if raw
             else (f"{base}/predict", *multipart(image, animate=ASKED)))

    def animate(predicted):
        text = _decompressed(*predicted)
        if ANSWERED.search(text):  # the animation came with the prediction
            return None
        input_id = _input_id(text)
        if input_id:
            return json.dumps({"input_id": input_id, "layer": ANIMATED_LAYER,
                               "channel": ANIMATED_CHANNEL}).encode(), "application/json"
        return multipart(image, layer=ANIMATED_LAYER, channel=ANIMATED_CHANNEL)
    return [first, (f"{base}/animate", animate, None)]


def whole_pass_requests(model, image, layers, together=True):
    """The page's stroke while its stepper shows the whole forward pass (layers: the model's, as
    /api/models/<id> lists them). together: one /predict asking for every layer's "strongest" channel
    (the page now); else as the page did before: /predict, then one /animate by id per layer at the
    channel the answer's layer outputs show strongest."""
    base = f"/api/models/{model}"
    asked = [{"layer": l["name"], "channel": "strongest", **({"focus": 0} if l["kind"] == "conv" else {})}
             for l in layers]
    if together:
        return [(f"{base}/predict?{urlencode({'animate': json.dumps(asked)})}", image, image_type(image))]
    predicted = {}

    def by_id(i, a):
        def body(previous):
            if i == 0:  # the first /animate is sent once the prediction is in
                predicted.update(json.loads(_decompressed(*previous)))
            channel = _strongest(predicted["layers"][i])
            return json.dumps({"input_id": predicted["input_id"], **a, "channel": channel}).encode(), "application/json"
        return body
    return [(f"{base}/predict", image, image_type(image))] + [(f"{base}/animate", by_id(i, a), None)
                                                              for i, a in enumerate(asked)]


def _strongest(layer):
    """The channel (or unit) the page picks in a /predict answer's layer: its first largest value."""
    import base64
    shape = layer["shape"]
    if not (len(shape) == 3 or layer["kind"] == "dense"):
        return 0
    values = np.frombuffer(base64.b64decode(layer["output"]["data"]), "<f2")
    return int(np.argmax(values)) // (values.size // shape[0])


def image_type(image):
    """The Content-Type a browser gives the blob: image/png or image/jpeg."""
    return "image/png" if image.startswith(b"\x89PNG") else "image/jpeg"


INPUT_ID = re.compile(rb'"input_id":\s*"([0-9a-f]{1,128})"')
ANSWERED = re.compile(rb'"animations":\s*\[')


def _input_id(text):
    """The input_id in a /predict answer; None from a server without ids. Only this one field
    is read: a benchmark client that parsed every answer as JSON would spend more CPU than the
    server it measures, on the same cores."""
    m = INPUT_ID.search(text)
    return m.group(1).decode() if m else None


def _decompressed(data, encoding):
    """An answer's bytes, whatever compression the server chose."""
    if data is None:
        return b""
    if encoding == "gzip":
        data = gzip.decompress(data)
    elif encoding == "br":
        import brotli
        data = brotli.decompress(data)
    elif encoding == "zstd":
        from flask_compress.compat import compression
        data = compression.zstd.decompress(data)
    return data


def stroke_bodies(requests):
    """(path, body, content type) one by one; send the previous answer's (data, encoding) back in
    (a body that is a function of it gets it as it came)."""
    answer = (None, None)
    for path, body, ctype in requests:
        if callable(body):
            made = body(answer)
            if made is None:
                return
            body, ctype = made
        answer = yield path, body, ctype


def _environ(path, body, ctype):
    """The WSGI environ of the page's POST of body to path, as a browser on the class's network sends it."""
    from werkzeug.test import EnvironBuilder
    return EnvironBuilder(path=path, method="POST", input_stream=io.BytesIO(body), content_type=ctype,
                          content_length=len(body), headers={"Accept-Encoding": ACCEPT_ENCODING}).get_environ()


def _in_process(app, requests):
    """CPU seconds the WSGI app spends on these requests (the body fully read, gzipped)."""
    cpu = 0.0
    bodies = stroke_bodies(requests)
    sent = next(bodies)
    while True:
        environ = _environ(*sent)
        status = []
        t = time.thread_time()
        out = b"".join(app(environ, lambda s, h, exc=None: status.append((s, dict(h)))))
        cpu += time.thread_time() - t
        if not status[0][0].startswith("200"):
            raise SystemExit(f"{sent[0]}: {status[0][0]} {out[:200]!r}")
        try:
            sent = bodies.send((out, status[0][1].get("Content-Encoding")))
        except StopIteration:
            return cpu


def _recorded_answer(app, request):
    """(body, headers) of the app's answer to one request (path, body, content type), as sent."""
    status = []
    data = b"".join(app(_environ(*request), lambda s, h, exc=None: status.append(h)))
    return data, list(status[0])


def _server_cpu(pid):
    """User + system CPU seconds of a process so far (Linux /proc)."""
    import os
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _over_http(conn, requests):
    bodies = stroke_bodies(requests)
    sent = next(bodies)
    while True:
        path, body, ctype = sent
        conn.request("POST", path, body=body, headers={"Content-Type": ctype, "Accept-Encoding": ACCEPT_ENCODING})
        r = conn.getresponse()
        data = r.read()
        if r.status != 200:
            raise SystemExit(f"{path}: HTTP {r.status} {data[:200]!r}")
        try:
            sent = bodies.send((data, r.getheader("Content-Encoding")))
        except StopIteration:
            return


def _summary(values):
    return f"min {min(values):.2f}, median {statistics.median(values):.2f}, max {max(values):.2f}"


def _per_stroke(pid, conn, bodies):
    """Server CPU ms per stroke for these strokes' requests, sent one after another."""
    before = _server_cpu(pid)
    for requests in bodies:
        _over_http(conn, requests)
    return 1e3 * (_server_cpu(pid) - before) / len(bodies)


def _answering(answer):
    """A WSGI app that reads the request's body and answers `answer` ((bytes, headers)) at once."""
    data, headers = answer

    def app(environ, start_response):
        environ["wsgi.input"].read()
        start_response("200 OK", headers)
        return [data]
    return app


def _under_waitress(app, model, warm_up, batches):
    """The app served as app.py serves it (FairServer, its settings) by threads of this process, the
    drawings' strokes sent one after another: per batch, (server CPU ms per stroke: the process's
    minus this client thread's, the app's own CPU ms per stroke in waitress's threads)."""
    import resource
    import threading
    from ..web.serving import class_settings, make_servers
    own = []

    def timed(environ, start_response):  # the app's CPU, its answer iterated, in the thread serving it
        t = time.thread_time()
        out = b"".join(app(environ, start_response))
        own.append(time.thread_time() - t)
        return [out]
    server = make_servers(timed, host="127.0.0.1", port=0, **class_settings())[0]
    threading.Thread(target=server.run, daemon=True).start()
    conn = _connection(f"http://127.0.0.1:{server.effective_port}")
    try:
        for d in warm_up:
            _over_http(conn, stroke_requests(model, d))
        rounds = []
        for batch in batches:
            own.clear()
            usage, client = resource.getrusage(resource.RUSAGE_SELF), time.thread_time()
            for d in batch:
                _over_http(conn, stroke_requests(model, d))
            client = time.thread_time() - client
            after = resource.getrusage(resource.RUSAGE_SELF)
            process = (after.ru_utime + after.ru_stime) - (usage.ru_utime + usage.ru_stime)
            rounds.append((1e3 * (process - client) / len(batch), 1e3 * sum(own) / len(batch)))
        return rounds
    finally:
        conn.close()
        server.task_dispatcher.shutdown()  # its threads done before the server closes (their last wake-up call)
        server.close()


def bench_stroke(strokes=200, photos=12, rounds=3, model="digits", against=None):
    """against: another checkout (e.g. /work/main) whose `python app.py` runs beside this one's,
    the two measured in alternating rounds."""
    from ..web import create_app
    canvases = [canvas_png(i) for i in range(strokes * rounds + 20)]
    drawings = [pad_png(c) for c in canvases]  # what this checkout's page sends
    photo = photo_jpeg()
    shrunk = page_shrunk(photo)
    tails = iter(range(10**9))

    def photo_inputs(jpeg=photo):  # distinct bytes (after the JPEG's end), the same picture
        return jpeg + next(tails).to_bytes(8, "big")

    app = create_app()
    for png in drawings[:20]:  # warm-up
        _in_process(app, stroke_requests(model, png))
    answer = _recorded_answer(app, stroke_requests(model, drawings[0])[0])
    print(f"server CPU per stroke (the page's one request: /predict with the stepper's animation, {ANIMATED_LAYER}; "
          f"Accept-Encoding: {ACCEPT_ENCODING}) on {model}, ms; {rounds} rounds")
    drawing_rounds, photo_rounds, canvas_rounds, shrunk_rounds = [], [], [], []
    for r in range(rounds):
        batch = slice(20 + r * strokes, 20 + (r + 1) * strokes)
        drawing_rounds.append(1e3 * statistics.median(_in_process(app, stroke_requests(model, d))
                                                      for d in drawings[batch]))
        canvas_rounds.append(1e3 * statistics.median(_in_process(app, stroke_requests(model, d))
                                                     for d in canvases[batch]))
        photo_rounds.append(1e3 * statistics.median(_in_process(app, stroke_requests(model, photo_inputs()))
                                                    for _ in range(photos)))
        shrunk_rounds.append(1e3 * statistics.median(_in_process(app, stroke_requests(model, photo_inputs(shrunk)))
                                                     for _ in range(photos)))
    print(f"  in-process, 280x280 drawing, the pad's grey PNG (median of {strokes} strokes per round): "
          f"{_summary(drawing_rounds)}")
    print(f"  in-process, the same drawings as the canvas's RGBA PNG (the page before): {_summary(canvas_rounds)}")
    print(f"  in-process, 12-megapixel JPEG photo ({len(photo) // 1024} KB, median of {photos}): "
          f"{_summary(photo_rounds)}")
    print(f"  in-process, the same photo as the page sends it (shrunk to 1024 px, JPEG 0.9, {len(shrunk) // 1024} KB): "
          f"{_summary(shrunk_rounds)}")
    layers = app.test_client().get(f"/api/models/{model}").get_json()["layers"]
    whole = {True: [], False: []}
    for r in range(rounds):  # the two ways alternate round by round
        batch = drawings[20 + r * strokes:20 + r * strokes + strokes // 4]
        for together in whole:
            whole[together].append(1e3 * statistics.median(
                _in_process(app, whole_pass_requests(model, d, layers, together)) for d in batch))
    print(f"  in-process, drawing while the stepper shows the whole pass ({len(layers)} animations, median of "
          f"{strokes // 4}): one request {_summary(whole[True])}; "
          f"as the page sent it before (/predict and {len(layers)} /animate by id) {_summary(whole[False])}")
    from .learning_stroke import bench_learning
    bench_learning(app, model, drawings[20:20 + rounds * (strokes // 4)], rounds)

    servers = {"this checkout": None, **({f"{against}": against} if against else {})}
    # each checkout gets what its page sends: the pad's grey PNG where it knows the pad's mark, else
    # the RGBA canvas; then, if its /predict answered without the animation, /animate by id, or the
    # image again if it answered without an id either
    pad = {name: root is None or "PAD_MARK" in (Path(root) / "cnnviz/teach/decode.py").read_text()
           for name, root in servers.items()}
    raw = {name: root is None or 'startswith("image/")' in (Path(root) / "cnnviz/web/inputs.py").read_text()
           for name, root in servers.items()}  # reads the image as the body
    results = {name: ([], [], []) for name in servers}
    with contextlib.ExitStack() as stack:
        started = {}
        for name, root in servers.items():
            base = stack.enter_context(Server(root=root))
            started[name] = (Server.last_pid, _connection(base))
            for png in drawings[:20]:
                _over_http(started[name][1], stroke_requests(model, png, raw[name]))
        for r in range(rounds):  # the checkouts alternate round by round: drift hits both alike
            for name, (pid, conn) in started.items():
                sent = drawings if pad[name] else canvases  # as each checkout's page sends
                batch = sent[20 + r * strokes:20 + (r + 1) * strokes]
                drawing_rounds, photo_rounds, shrunk_rounds = results[name]
                drawing_rounds.append(_per_stroke(pid, conn, [stroke_requests(model, d, raw[name]) for d in batch]))
                photo_rounds.append(_per_stroke(pid, conn, [stroke_requests(model, photo_inputs(), raw[name])
                                                            for _ in range(photos * 3)]))
                shrunk_rounds.append(_per_stroke(pid, conn, [stroke_requests(model, photo_inputs(shrunk), raw[name])
                                                             for _ in range(photos * 3)]))
        for _, conn in started.values():
            conn.close()
    for name, (drawing_rounds, photo_rounds, shrunk_rounds) in results.items():
        print(f"  python app.py process ({name}), drawing (mean of {strokes} strokes per round): "
              f"{_summary(drawing_rounds)}")
        print(f"  python app.py process ({name}), 12-megapixel photo (mean of {photos * 3}): {_summary(photo_rounds)}")
        print(f"  python app.py process ({name}), the photo as the page sends it: {_summary(shrunk_rounds)}")
    batches = [drawings[20 + r * strokes:20 + (r + 1) * strokes] for r in range(rounds)]
    alone = _under_waitress(_answering(answer), model, drawings[:20], batches)
    served = _under_waitress(app, model, drawings[:20], batches)
    print(f"  waitress alone (app.py's server, in this process, in front of an app that answers a stroke's "
          f"{len(answer[0]) // 1024} KB at once): {_summary([cpu for cpu, _ in alone])}")
    print(f"  the app under waitress in this process: {_summary([cpu for cpu, _ in served])}; of it the app's own "
          f"CPU in waitress's threads {_summary([own for _, own in served])} (in a loop, above: the in-process rows)")
    if against:
        (mine, mine_photo, mine_shrunk), (theirs, theirs_photo, theirs_shrunk) = results.values()
        print(f"  drawing, this checkout / {against}, round by round: "
              f"{_summary([a / b for a, b in zip(mine, theirs)])}")
        print(f"  photo, this checkout / {against}, round by round: "
              f"{_summary([a / b for a, b in zip(mine_photo, theirs_photo)])}")
        print(f"  the photo as the page sends it, this checkout / {against}, round by round: "
              f"{_summary([a / b for a, b in zip(mine_shrunk, theirs_shrunk)])}")
    return 0
