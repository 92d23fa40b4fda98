"""Class mode through the API: open, join, tasks, answers, the wall's event stream, results,
and the security rules (teacher secret, student tokens, other classes, limits)."""
import csv
import io
import json
import threading
import time
import urllib.request

import pytest

from cnnviz.live.classes import MAX_STUDENTS, ClassStore, clean_nickname
from conftest import draw_digit, png_bytes

SEVEN = {"image": "data:image/png;base64,"}


def seven_png():
    import base64
    return "data:image/png;base64," + base64.b64encode(png_bytes(draw_digit("7"))).decode()


def open_class(client, **body):
    r = client.post("/api/classes", json=body or {"model": "digits"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def join(client, code, nick="Ada"):
    r = client.post(f"/api/classes/{code}/join", json={"nickname": nick})
    return r


def test_a_class_from_opening_to_results(app, monkeypatch):
    monkeypatch.setitem(app.config, "CLASS_STREAM_SECONDS", 0.3)  # the test client reads a stream to its end
    teacher, student, other = app.test_client(), app.test_client(), app.test_client()
    c = open_class(teacher)
    code = c["code"]
    assert len(code) == 5 and c["join_url"].endswith(f"/class?join={code}") and c["students"] == 0
    r = join(student, code.lower(), "  Ada  ")  # codes are not case-sensitive; names are trimmed
    assert r.status_code == 201 and r.get_json()["nick"] == "Ada"
    assert join(other, code, "Bo").status_code == 201
    assert teacher.get(f"/api/classes/{code}").get_json()["students"] == 2

    r = teacher.post(f"/api/classes/{code}/tasks", json={"task": {"kind": "draw", "target": 7}})
    assert r.status_code == 201
    assert student.get(f"/api/classes/{code}/task").get_json()["task"] == {"kind": "draw", "target": 7}

    r = student.post(f"/api/classes/{code}/answers", json={"image": seven_png()})
    assert r.status_code == 201 and r.get_json()["label"] == "7"

    events = teacher.get(f"/api/classes/{code}/events")
    assert events.mimetype == "text/event-stream"
    text = events.get_data(as_text=True)  # the test client reads the whole (bounded) stream
    kinds = [json.loads(line[6:])["type"] for line in text.splitlines() if line.startswith("data: ")]
    assert kinds == ["joined", "joined", "task", "answer"]
    answer = [json.loads(l[6:]) for l in text.splitlines() if l.startswith("data: ")][-1]
    assert answer["nick"] == "Ada" and answer["predicted"] == 7 and len(answer["input"]) > 1000

    rows = list(csv.reader(io.StringIO(teacher.get(f"/api/classes/{code}/results.csv").data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["time", "student", "nickname"] and rows[1][2:6] == ["Ada", "draw", "7", "7"]

    assert teacher.delete(f"/api/classes/{code}").get_json()["ended"] is True
    assert student.get(f"/api/classes/{code}/task").get_json()["ended"] is True
    r = student.post(f"/api/classes/{code}/answers", json={"image": seven_png()})
    assert r.status_code == 409 and r.get_json()["code"] == "class.ended"


def test_students_cannot_act_as_the_teacher_or_see_other_classes(app, monkeypatch):
    monkeypatch.setitem(app.config, "CLASS_STREAM_SECONDS", 0.3)
    teacher, student, stranger = app.test_client(), app.test_client(), app.test_client()
    code = open_class(teacher)["code"]
    other_code = open_class(app.test_client())["code"]
    join(student, code)
    for method, path, body in [("post", f"/api/classes/{code}/tasks", {"task": {"kind": "wrong"}}),
                               ("get", f"/api/classes/{code}/events", None),
                               ("get", f"/api/classes/{code}/results.csv", None),
                               ("delete", f"/api/classes/{code}", None)]:
        for client in (student, stranger):
            r = getattr(client, method)(path, json=body)
            assert r.status_code == 403 and r.get_json()["code"] == "class.forbidden", path
        r = getattr(stranger, method)(path, json=body, headers={"X-Teacher-Secret": "guess"})
        assert r.status_code == 403
    # a student of one class is nobody in another
    assert student.get(f"/api/classes/{other_code}/task").status_code == 403
    assert stranger.get("/api/classes/ZZZZZ").get_json()["code"] == "class.unknown"
    assert stranger.get("/api/classes/../x").status_code == 404


@pytest.mark.parametrize("nick,ok", [("", False), ("   ", False), ("x" * 25, False), (7, False),
                                     ("<img src=x onerror=1>", True), ("小明", True), ("a\u202eb", True)])
def test_nicknames_are_limited_and_stored_as_text(app, nick, ok):
    code = open_class(app.test_client())["code"]
    r = join(app.test_client(), code, nick)
    assert r.status_code == (201 if ok else 400)
    if ok:
        assert "\u202e" not in r.get_json()["nick"]  # no bidirectional overrides or other invisible marks
    else:
        assert r.get_json()["code"] == "class.nickname"


def test_a_class_is_full_at_its_limit(app):
    kv = app.extensions["cnnviz.kv"]
    store = ClassStore(kv)
    record = store.create("digits")
    kv.incr(f"class:{record['code']}:students", MAX_STUDENTS)  # as if the class had filled up
    r = join(app.test_client(), record["code"])
    assert r.status_code == 429 and r.get_json()["code"] == "class.full"


def test_a_device_is_rate_limited(app, monkeypatch):
    monkeypatch.setattr("cnnviz.live.classes.time.time", lambda: 1_800_000_030.0)  # all within one minute
    teacher, student = app.test_client(), app.test_client()
    code = open_class(teacher)["code"]
    join(student, code)
    pixels = [[0.0] * 28 for _ in range(28)]
    for row in pixels[5:20]:
        row[14] = 1.0
    statuses = [student.post(f"/api/classes/{code}/answers", json={"pixels": pixels}).status_code for _ in range(45)]
    assert statuses.count(201) == 40 and statuses[-1] == 429
    r = student.post(f"/api/classes/{code}/answers", json={"pixels": pixels})
    assert int(r.headers["Retry-After"]) > 0 and r.get_json()["code"] == "class.rate"


def test_classes_expire(app):
    now = [1000.0]
    store = ClassStore(app.extensions["cnnviz.kv"], clock=lambda: now[0])
    record = store.create("digits")
    assert store.get(record["code"])["code"] == record["code"]
    now[0] += 12 * 3600 + 1
    with pytest.raises(Exception) as e:
        store.get(record["code"])
    assert e.value.code == "class.unknown"


def test_bad_tasks_and_answers_are_clear_4xx(app):
    teacher, student = app.test_client(), app.test_client()
    code = open_class(teacher)["code"]
    join(student, code)
    for task in [None, {}, {"kind": "dance"}, {"kind": "draw"}, {"kind": "draw", "target": True},
                 {"kind": "free", "text": ""}, {"kind": "free", "text": "x" * 201}]:
        r = teacher.post(f"/api/classes/{code}/tasks", json={"task": task})
        assert r.status_code == 400 and r.get_json()["code"] == "class.task", task
    r = student.post(f"/api/classes/{code}/answers", json={"pixels": "nope"})
    assert r.status_code == 400 and r.get_json()["code"] == "pixels.not_2d"


def test_nickname_cleaning():
    assert clean_nickname(" Ada\tLovelace ") == "Ada Lovelace"
    assert clean_nickname("a\u200bb") == "ab"


def test_wall_stream_over_the_real_server(server):
    """Over python app.py: the wall hears a student's answer within a second, and resumes from its id."""
    def call(method, path, body=None, headers=None):
        req = urllib.request.Request(server + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json", **(headers or {})})
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    _, c = call("POST", "/api/classes", {"model": "digits"})
    code, secret = c["code"], c["secret"]
    _, s = call("POST", f"/api/classes/{code}/join", {"nickname": "Cy"})
    heard = []

    def listen():
        req = urllib.request.Request(f"{server}/api/classes/{code}/events",
                                     headers={"X-Teacher-Secret": secret, "Last-Event-ID": "1"})
        with urllib.request.urlopen(req, timeout=30) as r:
            for line in r:
                if line.startswith(b"data: "):
                    heard.append((time.monotonic(), json.loads(line[6:])))
                    return
    t = threading.Thread(target=listen)
    t.start()
    time.sleep(0.5)  # the wall is listening before the answer
    sent = time.monotonic()
    status, _ = call("POST", f"/api/classes/{code}/answers", {"image": seven_png()},
                     {"X-Student-Token": s["token"]})
    t.join(10)
    assert status == 201 and heard and heard[0][1]["type"] == "answer" and heard[0][1]["n"] == 2
    assert heard[0][0] - sent < 1.0


def test_an_exercise_sheet_in_class(app, monkeypatch):
    """The teacher sends a seeded sheet; students' answers are checked again on the server and the
    wall counts who tried and who was right."""
    from cnnviz.teach import exercises
    monkeypatch.setitem(app.config, "CLASS_STREAM_SECONDS", 0.3)
    teacher, student = app.test_client(), app.test_client()
    code = open_class(teacher)["code"]
    join(student, code)
    r = student.post(f"/api/classes/{code}/answers", json={"exercise": {"kind": "relu", "index": 0, "answer": 1}})
    assert r.status_code == 409 and r.get_json()["code"] == "class.no_exercise"
    r = teacher.post(f"/api/classes/{code}/tasks", json={"task": {"kind": "exercise", "exercise": {"kind": "output_size", "seed": 42}}})
    assert r.status_code == 201, r.get_json()
    exercise = exercises.generate(42, "output_size", 0)
    right = student.post(f"/api/classes/{code}/answers",
                         json={"exercise": {"kind": "output_size", "index": 0, "answer": exercise.answer}})
    assert right.status_code == 201 and right.get_json()["correct"] is True
    other = student.post(f"/api/classes/{code}/answers", json={"exercise": {"kind": "relu", "index": 0, "answer": 1}})
    assert other.status_code == 409  # another sheet's exercise
    text = teacher.get(f"/api/classes/{code}/events").get_data(as_text=True)
    events = [json.loads(line[6:]) for line in text.splitlines() if line.startswith("data: ")]
    assert events[-1] == {**events[-1], "type": "exercise", "kind": "output_size", "index": 0, "correct": True}
    for bad in [{"kind": "exercise"}, {"kind": "exercise", "exercise": {"kind": "nope", "seed": 1}},
                {"kind": "exercise", "exercise": {"kind": "relu", "seed": -1}}]:
        r = teacher.post(f"/api/classes/{code}/tasks", json={"task": bad})
        assert r.status_code == 400, bad


def test_the_teacher_moves_the_lesson_and_students_read_where_it_is(app, monkeypatch):
    monkeypatch.setitem(app.config, "CLASS_STREAM_SECONDS", 0.3)
    teacher, student, stranger = app.test_client(), app.test_client(), app.test_client()
    code = open_class(teacher)["code"]
    join(student, code)
    assert student.get(f"/api/classes/{code}/task").get_json()["lesson"] is None  # not started yet
    r = teacher.post(f"/api/classes/{code}/lesson", json={"lesson": {"chapter": "relu", "step": 2, "model": "fashion"}})
    assert r.status_code == 201 and r.get_json()["lesson"] == {"chapter": "relu", "step": 2, "model": "fashion"}
    n = r.get_json()["event"]
    assert student.get(f"/api/classes/{code}/task").get_json()["lesson"] == {
        "chapter": "relu", "step": 2, "model": "fashion", "event": n}
    teacher.post(f"/api/classes/{code}/lesson", json={"lesson": {"chapter": "pooling", "step": 1}})
    assert student.get(f"/api/classes/{code}/task").get_json()["lesson"]["chapter"] == "pooling"
    # the moves are events of the class's one log: the teacher's stream carries them
    text = teacher.get(f"/api/classes/{code}/events").get_data(as_text=True)
    moves = [json.loads(l[6:]) for l in text.splitlines() if l.startswith("data: ") and '"lesson"' in l]
    assert [(e["lesson"]["chapter"], e["lesson"]["step"]) for e in moves] == [("relu", 2), ("pooling", 1)]
    # only the teacher moves it
    for client in (student, stranger):
        r = client.post(f"/api/classes/{code}/lesson", json={"lesson": {"chapter": "relu", "step": 1}})
        assert r.status_code == 403 and r.get_json()["code"] == "class.forbidden"
    assert stranger.get(f"/api/classes/{code}/task").status_code == 403


@pytest.mark.parametrize("lesson", [None, "relu", {"chapter": "relu"}, {"chapter": "relu", "step": 0},
                                    {"chapter": "relu", "step": 21}, {"chapter": "relu", "step": True},
                                    {"chapter": "relu", "step": 1.5}, {"chapter": "Relu", "step": 1},
                                    {"chapter": "x" * 33, "step": 1}, {"chapter": "<b>", "step": 1},
                                    {"chapter": "relu", "step": 1, "model": "nope"},
                                    {"chapter": "relu", "step": 1, "model": 3}])
def test_a_lesson_place_is_checked(app, lesson):
    teacher = app.test_client()
    code = open_class(teacher)["code"]
    r = teacher.post(f"/api/classes/{code}/lesson", json={"lesson": lesson})
    assert r.status_code == 400 and r.get_json()["code"] == "class.lesson"
    assert r.get_json()["params"] == {"max_step": 20}


def test_lesson_moves_are_rate_limited_and_stop_when_the_class_ends(app, monkeypatch):
    from cnnviz.live.classes import LESSON_MOVES_PER_MINUTE
    monkeypatch.setattr("cnnviz.live.classes.time.time", lambda: 1_800_000_030.0)
    teacher = app.test_client()
    code = open_class(teacher)["code"]
    move = lambda s: teacher.post(f"/api/classes/{code}/lesson", json={"lesson": {"chapter": "relu", "step": s}})
    statuses = [move(1 + i % 4).status_code for i in range(LESSON_MOVES_PER_MINUTE + 1)]
    assert statuses.count(201) == LESSON_MOVES_PER_MINUTE and statuses[-1] == 429
    assert teacher.delete(f"/api/classes/{code}").status_code == 200
    r = move(1)
    assert r.status_code == 409 and r.get_json()["code"] == "class.ended"


def test_an_answer_counts_for_the_task_the_student_saw(app, monkeypatch):
    """The teacher moves on while a drawing is on its way: the answer carries the number of the task its
    device showed and is counted for that task, not marked wrong against the new one; without the number
    it counts for the current task; a number that set no task is refused."""
    monkeypatch.setitem(app.config, "CLASS_STREAM_SECONDS", 0.3)
    teacher, student = app.test_client(), app.test_client()
    code = open_class(teacher)["code"]
    join(student, code)
    teacher.post(f"/api/classes/{code}/tasks", json={"task": {"kind": "draw", "target": 7}})
    shown = student.get(f"/api/classes/{code}/task").get_json()
    assert shown["task"] == {"kind": "draw", "target": 7} and isinstance(shown["task_event"], int)
    teacher.post(f"/api/classes/{code}/tasks", json={"task": {"kind": "draw", "target": 1}})
    png = png_bytes(draw_digit("7"))
    r = student.post(f"/api/classes/{code}/answers", content_type="multipart/form-data",
                     data={"image": (io.BytesIO(png), "d.png"), "task_event": str(shown["task_event"])})
    assert r.status_code == 201, r.get_json()
    r = student.post(f"/api/classes/{code}/answers", json={"image": seven_png()})  # no number: the current task
    assert r.status_code == 201
    text = teacher.get(f"/api/classes/{code}/events").get_data(as_text=True)
    answers = [json.loads(l[6:]) for l in text.splitlines() if l.startswith("data: ") and '"answer"' in l]
    assert [a["task"] for a in answers] == [{"kind": "draw", "target": 7}, {"kind": "draw", "target": 1}]
    rows = list(csv.reader(io.StringIO(teacher.get(f"/api/classes/{code}/results.csv").get_data(as_text=True))))
    assert [row[4] for row in rows[1:]] == ["7", "1"]  # the target each answer was drawn for
    for bad in [1, "1", "x", -3, 10**9, True]:  # event 1 is the join, not a task
        r = student.post(f"/api/classes/{code}/answers", json={"image": seven_png(), "task_event": bad})
        assert r.status_code == 400 and r.get_json()["code"] == "class.task_unknown", bad


def test_joining_again_from_the_same_browser_is_the_same_student(app):
    """A second tab or the join form used again under the same nickname is the same student (the count
    and the wall stay right); another nickname on the same browser, a tablet passed round, is another."""
    teacher, student = app.test_client(), app.test_client()
    code = open_class(teacher)["code"]
    first = join(student, code, "Ada").get_json()
    again = join(student, code.lower(), " Ada ").get_json()
    assert again["student"] == first["student"] and again["token"] == first["token"]
    assert teacher.get(f"/api/classes/{code}").get_json()["students"] == 1
    other = join(student, code, "Bo").get_json()
    assert other["student"] != first["student"]
    assert teacher.get(f"/api/classes/{code}").get_json()["students"] == 2
    assert join(app.test_client(), code, "Ada").get_json()["student"] not in (first["student"], other["student"])


def test_an_answer_to_another_sheet_is_refused_not_miscounted(app):
    """A device's exercise answer names its sheet: one that is not the class's (the student took new
    numbers, or the teacher sent another sheet) is refused with a code the page says, never checked
    against the class's sheet and counted wrong."""
    from cnnviz.teach import exercises
    teacher, student = app.test_client(), app.test_client()
    code = open_class(teacher)["code"]
    join(student, code)
    teacher.post(f"/api/classes/{code}/tasks", json={"task": {"kind": "exercise", "exercise": {"kind": "output_size", "seed": 42}}})
    mine = exercises.generate(43, "output_size", 0)
    r = student.post(f"/api/classes/{code}/answers",
                     json={"exercise": {"kind": "output_size", "index": 0, "seed": 43, "answer": mine.answer}})
    assert r.status_code == 409 and r.get_json()["code"] == "class.other_sheet"
    right = exercises.generate(42, "output_size", 0)
    r = student.post(f"/api/classes/{code}/answers",
                     json={"exercise": {"kind": "output_size", "index": 0, "seed": 42, "answer": right.answer}})
    assert r.status_code == 201 and r.get_json()["correct"] is True


def test_the_class_says_whether_this_browser_is_its_teacher(app):
    teacher, student = app.test_client(), app.test_client()
    code = open_class(teacher)["code"]
    join(student, code)
    assert teacher.get(f"/api/classes/{code}").get_json()["teacher"] is True
    assert student.get(f"/api/classes/{code}").get_json()["teacher"] is False


def test_a_student_counts_once_per_task_with_their_last_drawing(app, monkeypatch):
    """Each answer names the task it is for (its event number); the CSV keeps every drawing, numbers the
    tasks and marks the one that counts: each student's last drawing for a task, as the wall and the
    class confusion matrix count (the wall said "3 (5)" for four students)."""
    monkeypatch.setitem(app.config, "CLASS_STREAM_SECONDS", 0.3)
    teacher, ada, bo = app.test_client(), app.test_client(), app.test_client()
    code = open_class(teacher)["code"]
    join(ada, code, "Ada")
    join(bo, code, "Bo")
    first = teacher.post(f"/api/classes/{code}/tasks", json={"task": {"kind": "draw", "target": 7}}).get_json()["event"]
    one = "data:image/png;base64," + __import__("base64").b64encode(png_bytes(draw_digit("1"))).decode()
    for client, image in [(ada, seven_png()), (ada, one), (bo, seven_png())]:  # Ada tries again
        assert client.post(f"/api/classes/{code}/answers", json={"image": image}).status_code == 201
    second = teacher.post(f"/api/classes/{code}/tasks", json={"task": {"kind": "draw", "target": 1}}).get_json()["event"]
    assert ada.post(f"/api/classes/{code}/answers", json={"image": one}).status_code == 201
    text = teacher.get(f"/api/classes/{code}/events").get_data(as_text=True)
    answers = [json.loads(l[6:]) for l in text.splitlines() if l.startswith("data: ") and '"answer"' in l]
    assert [a["task_event"] for a in answers] == [first, first, first, second]
    rows = list(csv.DictReader(io.StringIO(teacher.get(f"/api/classes/{code}/results.csv").get_data(as_text=True))))
    assert [(r["nickname"], r["task_number"], r["predicted"], r["counted"]) for r in rows] == [
        ("Ada", "1", "7", "0"), ("Ada", "1", "1", "1"), ("Bo", "1", "7", "1"), ("Ada", "2", "1", "1")]


def test_answers_before_any_task_and_from_before_answers_named_their_task():
    """answer_tasks, the one rule for which drawings count: an answer without a task number (stored by an
    older server) is for the task set last before it; before the first task, for no task."""
    from cnnviz.live.classes import answer_tasks
    events = [{"n": 1, "type": "answer", "student": 1}, {"n": 2, "type": "task", "task": {"kind": "wrong"}},
              {"n": 3, "type": "answer", "student": 1}, {"n": 4, "type": "answer", "student": 1, "task_event": 2},
              {"n": 5, "type": "joined", "student": 2}, {"n": 6, "type": "answer", "student": 2, "task_event": None}]
    assert answer_tasks(events) == {1: (None, True), 3: (1, False), 4: (1, True), 6: (None, True)}


def test_the_csv_opens_in_a_spreadsheet_with_chinese_nicknames_whole(app):
    """The results CSV starts with UTF-8's byte order mark, which tells Excel the file is UTF-8: without it
    Excel read it in the computer's own code page and a nickname such as 小明 came out garbled."""
    teacher = app.test_client()
    code = open_class(teacher)["code"]
    student = app.test_client()
    join(student, code, "小明")
    assert student.post(f"/api/classes/{code}/answers", json={"image": seven_png()}).status_code == 201
    r = teacher.get(f"/api/classes/{code}/results.csv")
    assert r.mimetype == "text/csv" and r.data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert list(rows[0])[0] == "time" and rows[0]["nickname"] == "小明"
