"""A live class over HTTP: python -m cnnviz bench-class

A teacher opens a class and listens to the wall's event stream; N students join
and each posts a drawing every ~2 s. Reports the drawing requests' latency, how
long each answer took to reach the teacher's wall (from the moment its POST was
sent), and errors. Loopback only; starts `python app.py` unless --url is given.
"""
import http.client
import json
import random
import statistics
import threading
import time

from .api import Server, _connection, drawing_png, multipart


def _json(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers={"Content-Type": "application/json", **(headers or {})})
    r = conn.getresponse()
    return r.status, json.loads(r.read() or b"{}")


def bench_class(url=None, students=60, seconds=60.0, every=2.0):
    bodies = [multipart(drawing_png(i)) for i in range(30)]
    sent, arrived, latencies, errors, lock = {}, {}, [], [], threading.Lock()
    with Server(url) as base:
        conn = _connection(base)
        status, c = _json(conn, "POST", "/api/classes", {"model": "digits"})
        code, secret = c["code"], c["secret"]
        stop, wall_stop = threading.Event(), threading.Event()

        def wall():
            last = 0
            while not wall_stop.is_set():
                w = _connection(base)
                w.request("GET", f"/api/classes/{code}/events",
                          headers={"X-Teacher-Secret": secret, "Last-Event-ID": str(last)})
                r = w.getresponse()
                for line in r:
                    if line.startswith(b"id: "):
                        last = int(line[4:])
                    elif line.startswith(b"data: "):
                        event = json.loads(line[6:])
                        if event["type"] == "answer":
                            with lock:
                                arrived[event["n"]] = time.perf_counter()
                    if wall_stop.is_set():
                        break
                w.close()

        def student(k):
            rng = random.Random(k)
            s = _connection(base)
            status, joined = _json(s, "POST", f"/api/classes/{code}/join", {"nickname": f"student {k}"})
            if status != 201:
                with lock:
                    errors.append(("join", status))
                return
            token = {"X-Student-Token": joined["token"]}
            time.sleep(rng.uniform(0, every))
            while not stop.is_set():
                body, ctype = bodies[rng.randrange(len(bodies))]
                t = time.perf_counter()
                try:
                    s.request("POST", f"/api/classes/{code}/answers", body=body, headers={"Content-Type": ctype, **token})
                    r = s.getresponse()
                    answer = json.loads(r.read())
                    status = r.status
                except (OSError, http.client.HTTPException) as e:
                    status, answer = None, {"error": str(e)}
                    s.close()
                    s = _connection(base)
                with lock:
                    if status == 201:
                        latencies.append(time.perf_counter() - t)
                        sent[answer["event"]] = t
                    else:
                        errors.append((status, str(answer)[:80]))
                time.sleep(rng.uniform(0.75 * every, 1.25 * every))

        listener = threading.Thread(target=wall, daemon=True)
        listener.start()
        threads = [threading.Thread(target=student, args=(k,)) for k in range(students)]
        for th in threads:
            th.start()
        time.sleep(seconds)
        stop.set()
        for th in threads:
            th.join()
        time.sleep(1.5)  # the last answers reach the wall
        wall_stop.set()
    delays = [arrived[n] - t for n, t in sent.items() if n in arrived]
    missing = len(sent) - len(delays)
    q = statistics.quantiles(latencies, n=100)
    d = statistics.quantiles(delays, n=100) if len(delays) > 1 else [0] * 99
    print(f"live class: {students} students posting a drawing every ~{every:g} s for {seconds:.0f} s, "
          f"a teacher's wall listening (python app.py)")
    print(f"  {len(latencies)} drawings, {len(errors)} errors, {missing} answers never reached the wall")
    print(f"  drawing latency median {statistics.median(latencies) * 1e3:.0f} ms, p99 {q[98] * 1e3:.0f} ms")
    print(f"  answer -> wall median {statistics.median(delays) * 1e3:.0f} ms, p99 {d[98] * 1e3:.0f} ms, "
          f"max {max(delays) * 1e3:.0f} ms")
    if errors:
        print(f"  first errors: {errors[:3]}")
    return 1 if errors or missing else 0
