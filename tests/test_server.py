"""The real server: `python app.py` as a subprocess, spoken to over HTTP."""
import gzip
import json
import socket
import sys
import urllib.error
import urllib.request

import pytest

from conftest import ROOT, draw_digit, png_bytes, start_server

def multipart(field, filename, data):
    boundary = "cnnvizboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_page_and_api_over_http(server):
    with urllib.request.urlopen(server + "/") as r:
        assert r.status == 200 and "Content-Security-Policy" in r.headers
        assert r.headers["Server"] == "cnnviz"
    with urllib.request.urlopen(server + "/api/models") as r:
        assert [m["id"] for m in json.load(r)["models"]] == ["digits", "fashion"]


def test_predict_upload_over_http_gzipped(server):
    body, ctype = multipart("image", "seven.png", png_bytes(draw_digit("7")))
    req = urllib.request.Request(server + "/api/models/digits/predict", data=body,
                                 headers={"Content-Type": ctype, "Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req) as r:
        assert r.headers["Content-Encoding"] == "gzip"
        raw = r.read()
    assert len(raw) < 40_000
    assert json.loads(gzip.decompress(raw))["prediction"]["label"] == "7"


def test_gzip_is_done_by_isal_through_flask_compress(client):
    """web/compression.py points Flask-Compress's `compression` name at ISA-L's gzip: the names it
    relies on are still there (an upgrade that moves them fails here), and the answer is plain gzip."""
    import flask_compress.flask_compress as fc
    from isal import igzip
    assert fc.compression.gzip is igzip and callable(fc._compress_data)
    assert gzip.compress.__module__ == "gzip"  # the standard library's own is untouched
    r = client.get("/api/openapi.json", headers={"Accept-Encoding": "gzip, deflate"})
    assert r.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(r.data))["openapi"].startswith("3.")


def test_bad_input_over_http_and_server_keeps_serving(server):
    req = urllib.request.Request(server + "/api/models/digits/predict", data=b"garbage",
                                 headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req)
    assert e.value.code == 400 and "error" in json.load(e.value)
    with urllib.request.urlopen(server + "/api/models") as r:
        assert r.status == 200


def test_oversized_body_refused_before_buffering(server):
    """A Content-Length over the limit is refused at once, without sending the body."""
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(b"POST /api/models/digits/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 500000000\r\n\r\n")
        reply = s.recv(4096).decode(errors="replace")
    assert reply.startswith("HTTP/1.1 413")


def test_host_flag_prints_lan_address():
    proc, base = start_server("--host", "0.0.0.0", "--threads", "2")
    proc.terminate()
    out = proc.communicate(timeout=10)[0]
    assert "cnnviz is running: open http://localhost:" in out
    sys.path.insert(0, str(ROOT))
    from app import lan_address
    lan = lan_address()
    if lan:  # a machine with no network route has no LAN address to print
        assert f"students on the same network open: http://{lan}:" in out


def _attack(base, idle=150, slow_header=30, slow_body=30):
    """One misbehaving device on 127.0.0.1: idle sockets, requests that never finish their
    headers, uploads that never finish their body. Returns the sockets (keep them open)."""
    host, port = base.removeprefix("http://").split(":")
    socks = []
    for i in range(idle + slow_header + slow_body):
        s = socket.create_connection((host, int(port)), timeout=10)
        if i >= idle + slow_header:
            s.sendall(b"POST /api/models/digits/predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                      b"Content-Length: 100000\r\n\r\n\x89PNG")
        elif i >= idle:
            s.sendall(b"GET /api/models HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        socks.append(s)
    return socks


def _student_gets_through(base, source):
    import http.client
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=8, source_address=(source, 0))
    body, ctype = multipart("image", "seven.png", png_bytes(draw_digit("7")))
    conn.request("POST", "/api/models/digits/predict", body=body, headers={"Content-Type": ctype})
    response = conn.getresponse()
    label = json.loads(response.read())["prediction"]["label"]
    conn.close()
    return response.status, label


@pytest.mark.parametrize("workers", ["1", "2"])
def test_one_device_cannot_lock_the_class_out(workers):
    """Idle, slow-header and slow-body connections beyond the connection limit from one
    address: a student on another address, and one behind the same address, still get answers."""
    proc, base = start_server("--threads", "4", "--workers", workers, "--connection-limit", "100")
    try:
        socks = _attack(base)
        assert _student_gets_through(base, "127.0.0.2") == (200, "7")
        assert _student_gets_through(base, "127.0.0.1") == (200, "7")
        socks += _attack(base, idle=50, slow_header=0, slow_body=0)  # and it keeps coming
        assert _student_gets_through(base, "127.0.0.3") == (200, "7")
    finally:
        for s in locals().get("socks", []):
            s.close()
        proc.terminate()
        proc.communicate(timeout=10)


def test_static_files_compressed_and_immutable_with_their_imports(server):
    """Every module the page loads, followed through its relative imports, comes from one
    versioned prefix, gzipped, cacheable for good."""
    import re
    from urllib.parse import urljoin
    with urllib.request.urlopen(server + "/?lang=en") as r:
        html = r.read().decode()
    queue = re.findall(r'(?:src|href)="(/static/[0-9a-f]{12}/[^"]+)"', html)
    assert any(u.endswith("/js/pages/explore.js") for u in queue) and any(u.endswith("/css/app.css") for u in queue)
    prefix = queue[0][:len("/static/") + 13]
    seen = set()
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        assert url.startswith(prefix)
        req = urllib.request.Request(server + url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(req) as r:
            assert r.headers["Cache-Control"] == "max-age=315360000, public, immutable"
            assert r.headers["X-Content-Type-Options"] == "nosniff"
            body = r.read()
            if r.headers["Content-Encoding"] == "gzip":
                body = gzip.decompress(body)
            else:
                assert len(body) < 1024, f"{url} not compressed"
        if url.endswith(".js") and "vendor" not in url:
            for target in re.findall(r"""(?:import|from)\s*['"](\.[^'"]+)['"]""", body.decode()):
                queue.append(urljoin(url, target))
    assert len(seen) > 10


def test_static_version_follows_the_content(tmp_path):
    from cnnviz.web.assets import folder_version
    (tmp_path / "a.js").write_text("export const a = 1;")
    before = folder_version(tmp_path)
    assert folder_version(tmp_path) == before
    (tmp_path / "a.js").write_text("export const a = 2;")
    assert folder_version(tmp_path) != before


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGINT"])
def test_an_open_event_stream_does_not_hold_up_stopping(stop):
    """A teacher's wall left open (its tab closed without a word) keeps a thread busy until the
    stream's next write; the server's stop ends every event stream at once, so `docker stop` or
    Ctrl-C take well under a second instead of waitress's 5 s wait for busy threads."""
    import http.cookiejar
    import signal
    import time
    proc, base = start_server()
    try:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        opened = opener.open(urllib.request.Request(base + "/api/classes", data=b"{}", method="POST",
                                                    headers={"Content-Type": "application/json"}))
        wall = opener.open(base + f"/api/classes/{json.load(opened)['code']}/events")
        assert wall.read(5) == b"retry"
        wall.close()
        time.sleep(0.5)
        started = time.monotonic()
        proc.send_signal(getattr(signal, stop))
        proc.wait(20)
        # 0.4 s on a quiet machine; waitress's wait for busy threads alone is 5 s
        assert time.monotonic() - started < 4.5, "the server waited for the stream's thread"
        assert "still running" not in proc.stdout.read()  # waitress's warning about busy threads
    finally:
        proc.kill()


def test_the_thread_idle_last_takes_the_next_request():
    """waitress's idle threads wait on NewestIdleFirst: a request goes to the thread that finished
    last (its caches warm), not the one idle longest; notify_all still wakes every one, and a
    request served through make_servers' dispatcher runs on one thread when they come one by one."""
    import threading
    import time
    from cnnviz.web.serving import NewestIdleFirst, make_servers
    cv = NewestIdleFirst(threading.Lock())
    woke = []

    def idle(name):
        with cv:
            cv.wait()
            woke.append(name)
    threads = []
    for name in ("oldest", "middle", "newest"):
        threads.append(threading.Thread(target=idle, args=(name,)))
        threads[-1].start()
        while len(cv._waiters) < len(threads):  # each waiting before the next starts
            time.sleep(0.001)
    with cv:
        cv.notify()
    threads[2].join(5)
    assert woke == ["newest"]
    with cv:
        cv.notify_all()
    for t in threads:
        t.join(5)
    assert sorted(woke) == ["middle", "newest", "oldest"]

    served_by = []

    def app(environ, start_response):
        served_by.append(threading.get_ident())
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    server = make_servers(app, host="127.0.0.1", port=0, threads=8)[0]
    threading.Thread(target=server.run, daemon=True).start()
    idle = server.task_dispatcher.queue_cv._waiters
    try:
        for _ in range(20):
            deadline = time.monotonic() + 5
            while len(idle) < 8 and time.monotonic() < deadline:  # the last request's thread back waiting
                time.sleep(0.001)  # (on a loaded machine it may not be yet, and another would rightly take it)
            with urllib.request.urlopen(f"http://127.0.0.1:{server.effective_port}/") as r:
                assert r.read() == b"ok"
    finally:
        server.task_dispatcher.shutdown()
        server.close()
    assert len(set(served_by)) == 1, f"{len(set(served_by))} threads took 20 requests in turn"


def test_a_closed_wall_frees_its_thread_at_once():
    """A teacher who reloads the wall leaves its old stream behind; the server notices the closed
    connection within a poll and frees the thread (it held it until the stream's next write, up to
    10 s: with two threads, two reloads kept every student waiting that long)."""
    import http.cookiejar
    import time
    proc, base = start_server("--threads", "2")
    try:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        opened = opener.open(urllib.request.Request(base + "/api/classes", data=b"{}", method="POST",
                                                    headers={"Content-Type": "application/json"}))
        code = json.load(opened)["code"]
        for _ in range(2):  # every thread of the server holds a stream
            wall = opener.open(base + f"/api/classes/{code}/events")
            assert wall.read(5) == b"retry"
            wall.close()
        time.sleep(0.5)
        started = time.monotonic()
        with opener.open(base + f"/api/classes/{code}", timeout=15) as r:
            assert r.status == 200
        assert time.monotonic() - started < 2, f"waited {time.monotonic() - started:.1f} s for a thread"
    finally:
        proc.terminate()
        proc.wait(10)
