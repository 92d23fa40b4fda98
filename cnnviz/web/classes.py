"""Class mode over HTTP: the teacher opens a class, students join with its code and a nickname,
the teacher sends tasks, students send drawings, and the teacher's wall follows live.

The teacher's secret lives only in an HttpOnly cookie of the teacher's browser (and in the
create response, for scripts); a student's token likewise. The wall is a server-sent event
stream that reconnects from the last event id; students ask for the current task with a
short request instead of holding a connection (60 open streams would hold 60 threads).
"""
import base64
import csv
import io
import time

import numpy as np
from flask import Blueprint, Response, current_app, request, stream_with_context

from ..live.classes import ANSWERS_PER_MINUTE, ClassError, ClassStore, answer_tasks, check_lesson, check_task
from ..teach import exercises
from . import present, serialize
from .api import model_or_404
from .inputs import json_fields, prepared_input, read_body
from .serving import STOPPING, client_gone

bp = Blueprint("classes", __name__, url_prefix="/api/classes")
STREAM_SECONDS = 25   # one wall stream's lifetime; the browser reconnects with Last-Event-ID
POLL_SECONDS = 0.2    # how often a wall stream looks for new events


def store():
    return ClassStore(current_app.extensions["cnnviz.kv"])


def models():
    return current_app.extensions["cnnviz.models"]


def teacher_cookie(code):
    return f"cnnviz_teacher_{code}"


def student_cookie(code):
    return f"cnnviz_student_{code}"


def as_teacher(code):
    secret = request.headers.get("X-Teacher-Secret") or request.cookies.get(teacher_cookie(code.upper()))
    return store().teacher(code, secret)


def as_student(code):
    token = request.headers.get("X-Student-Token") or request.cookies.get(student_cookie(code.upper()))
    return store().student(code, token or "")


def _cookie(response, name, value):
    response.set_cookie(name, value, max_age=12 * 3600, httponly=True, samesite="Strict", path="/")



@bp.post("")
def create():
    fields = json_fields(request) if request.content_length else {}
    model_id = fields.get("model", models().all()[0].meta["id"])
    if not isinstance(model_id, str) or model_id not in models():
        model_or_404(str(model_id)[:40])
    record = store().create(model_id)
    body = serialize.class_created(record, join_url(record), local_only())
    response = current_app.make_response((body, 201))
    _cookie(response, teacher_cookie(record["code"]), record["secret"])
    return response


@bp.get("/<code>")
def info(code):
    """The class as anyone sees it, and whether this browser is its teacher's (a student who opens the
    teacher's link gets the join form, not a panel whose every button is refused)."""
    record = store().get(code)
    try:
        as_teacher(code)
        teacher = True
    except ClassError:
        teacher = False
    return {**serialize.class_info(record, len(store().students(record["code"])), join_url=join_url(record),
                                   local_only=local_only()), "teacher": teacher}


@bp.get("/<code>/qr.svg")
def qr(code):
    record = store().get(code)
    return Response(present.qr(join_url(record))[0], mimetype="image/svg+xml")


@bp.post("/<code>/join")
def join(code):
    fields = json_fields(request)
    student = store().join(code, fields.get("nickname"), request.remote_addr or "?",
                           request.cookies.get(student_cookie(str(code).strip().upper())))
    record = store().get(code)
    response = current_app.make_response((serialize.class_joined(record, student), 201))
    _cookie(response, student_cookie(record["code"]), student["token"])
    return response


@bp.get("/<code>/task")
def task(code):
    """What a student's device shows now: the current task, or that the class has ended."""
    record, sid, nick = as_student(code)
    return serialize.class_info(record, student={"student": sid, "nick": nick}, lesson=store().lesson(record["code"]))


@bp.post("/<code>/tasks")
def send_task(code):
    record = as_teacher(code)
    n = store().set_task(record, check_task(json_fields(request).get("task")))
    return {"event": n, "task": record["task"]}, 201


@bp.post("/<code>/lesson")
def move_lesson(code):
    """The teacher's Learn page moved to another chapter or step; following students' pages go there too
    (they read it with their task poll)."""
    record = as_teacher(code)
    lesson = check_lesson(json_fields(request).get("lesson"), {m.meta["id"] for m in models().all()})
    n = store().set_lesson(record, lesson)
    return {"event": n, "lesson": lesson}, 201


@bp.post("/<code>/answers")
def answer(code):
    """A student's drawing: the class's network reads it; the wall sees it at once."""
    record, sid, nick = as_student(code)
    if record["ended"]:
        raise ClassError("this class has ended", "class.ended")
    store().limit(record["code"], f"answer:{sid}", ANSWERS_PER_MINUTE)
    fields, image = read_body(request)
    if "exercise" in fields:
        return exercise_answer(record, sid, nick, fields["exercise"])
    task_event, task = store().task_shown(record, fields.get("task_event"))
    model = models().get(record["model"]) if record["model"] in models() else models().all()[0]
    prepared = prepared_input(fields, image, model)
    p = model.forward(prepared.tensor)[0].astype(np.float64)
    predicted = int(p.argmax())
    pixels = np.rint(prepared.tensor[0, 0] * 255).astype(np.uint8)
    event = {"type": "answer", "student": sid, "nick": nick, "task": task, "task_event": task_event,
             "predicted": predicted, "probability": float(p[predicted]),
             "input": base64.urlsafe_b64encode(pixels.tobytes()).decode().rstrip("=")}
    n = store().append(record["code"], event)
    return {"event": n, "predicted": predicted, "label": model.classes[predicted],
            "probability": float(p[predicted])}, 201


def exercise_answer(record, sid, nick, answer):
    """A student's answer to the class's exercise sheet, checked here (never trusted from the page)."""
    task = record["task"] or {}
    if task.get("kind") != "exercise" or not isinstance(answer, dict):
        raise ClassError("there is no exercise sheet to answer right now", "class.no_exercise")
    sheet = task["exercise"]
    kind, index = answer.get("kind"), answer.get("index")
    if "seed" in answer and answer["seed"] != sheet["seed"]:  # the device's sheet is not the class's (any more)
        raise ClassError("this answer is for another exercise sheet than the class's", "class.other_sheet")
    if sheet["kind"] != exercises.MIXED and kind != sheet["kind"]:
        raise ClassError("this answer is for another sheet", "class.no_exercise")
    _, verdict = exercises.check(sheet["seed"], kind, index, answer.get("answer"))
    event = {"type": "exercise", "student": sid, "nick": nick, "kind": kind, "index": index,
             "correct": bool(verdict["correct"])}
    return {"event": store().append(record["code"], event), "correct": event["correct"]}, 201


@bp.get("/<code>/events")
def events(code):
    """The teacher's wall: every event of the class as text/event-stream, from Last-Event-ID on."""
    record = as_teacher(code)
    after = _last_event_id()
    class_code, classes = record["code"], store()
    seconds = current_app.config.get("CLASS_STREAM_SECONDS", STREAM_SECONDS)
    gone = client_gone(request.environ)

    def stream():
        nonlocal after
        yield "retry: 1000\n\n"
        end = last = time.monotonic()
        end += seconds
        while time.monotonic() < end and not STOPPING.is_set() and not gone():
            batch = classes.events(class_code, after)
            for event in batch:
                after = event["n"]
                yield f"id: {event['n']}\ndata: {serialize.dumps(event)}\n\n"
            if batch:
                last = time.monotonic()
            else:
                if time.monotonic() - last > 10:  # a comment keeps proxies from closing an idle stream
                    last = time.monotonic()
                    yield ": keep-alive\n\n"
                time.sleep(POLL_SECONDS)

    response = Response(stream_with_context(stream()), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response


def join_url(record):
    """The link students open (the LAN address in place of localhost), with the class code."""
    return f"{present.join_url('/class')['url']}?join={record['code']}"


def local_only():
    """True when students on other devices cannot reach this server (it listens on loopback only)."""
    return present.join_url("/class")["reachable"] is False


def _last_event_id():
    value = request.headers.get("Last-Event-ID") or request.args.get("after") or "0"
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else 0


@bp.get("/<code>/results.csv")
def results(code):
    record = as_teacher(code)
    model = models().get(record["model"]) if record["model"] in models() else models().all()[0]
    out = io.StringIO()
    out.write("\ufeff")  # UTF-8's byte order mark: Excel reads the file as UTF-8 (Chinese nicknames came out garbled)
    writer = csv.writer(out)
    # every drawing sent; "counted" marks each student's last one for a task, the one the wall and the
    # class confusion matrix count (a student counts once per task)
    writer.writerow(["time", "student", "nickname", "task", "target", "predicted", "probability", "task_number",
                     "counted"])
    events = store().events(record["code"], 0, limit=100_000)
    tasks = answer_tasks(events)
    for e in events:
        if e["type"] == "answer":
            task = e.get("task") or {}
            target = task.get("target")
            number, counted = tasks[e["n"]]
            writer.writerow([time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(e["time"])), e["student"],
                             _csv_safe(e["nick"]), task.get("kind", ""),
                             "" if target is None else model.classes[target] if target < len(model.classes) else target,
                             model.classes[e["predicted"]], f"{e['probability']:.4f}", number or "", int(counted)])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="class-{record["code"]}.csv"'})


def _csv_safe(text):
    """A nickname as a spreadsheet cell that cannot become a formula."""
    return "'" + text if text[:1] in "=+-@\t\r" else text


@bp.delete("/<code>")
def end(code):
    record = as_teacher(code)
    store().end(record)
    return {"code": record["code"], "ended": True}
