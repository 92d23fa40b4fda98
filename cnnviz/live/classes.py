"""Classes: a teacher's session that students join from their own devices.

Everything of a class lives in a key/value storage with counters (huey's, on
SQLite or Redis: the store the training jobs use), so any web process answers:

  class:<code>              JSON record {"code", "secret", "model", "created", "expires", "task",
                            "task_event" (the number of the event that set the task), "ended"}
  class:<code>:students     counter: students joined       class:<code>:s:<id>  JSON {"nick", "token"}
  class:<code>:n            counter: events so far         class:<code>:e:<n>   JSON event number n
  class:<code>:rate:<who>:<minute>  counter for rate limits
  class:<code>:lesson       JSON {"chapter", "step", "model", "event"}: where the teacher's lesson is

Nothing personal is kept beyond the nickname; a class expires after LIFETIME and
the teacher can end it at once. Secrets are compared in constant time.
"""
import hmac
import json
import re
import secrets
import time
import unicodedata

from huey.constants import EmptyData

from ..errors import CnnvizError
from ..teach import exercises
from .events import EventLog

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to confuse
CODE_LENGTH = 5
LIFETIME = 12 * 3600
MAX_STUDENTS = 200
NICK_LENGTH = 24
ANSWERS_PER_MINUTE = 40   # per student: one every 1.5 s on average
JOINS_PER_MINUTE = 250    # per address: a whole class behind one school router still fits
TASKS = ("draw", "wrong", "filter", "free", "exercise")
LESSON_MOVES_PER_MINUTE = 240  # the teacher's page sends every chapter and step change: a clicker held down still fits
LESSON_MAX_STEP = 20
CHAPTER_ID = re.compile(r"[a-z][a-z0-9_-]{0,31}")


class ClassError(CnnvizError):
    code = "class.invalid"


class ClassStore:
    def __init__(self, kv, clock=None):
        self.kv, self.clock = kv, clock or time.time

    # --------------------------------------------------------------- classes
    def create(self, model_id):
        """A new class: -> its record, with the teacher's secret (shown once)."""
        for _ in range(20):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            now = self.clock()
            record = {"code": code, "secret": secrets.token_urlsafe(24), "model": model_id, "created": now,
                      "expires": now + LIFETIME, "task": None, "ended": False}
            if self.kv.put_if_empty(f"class:{code}", json.dumps(record).encode()):
                return record
        raise ClassError("could not find a free class code; try again", "class.busy")

    def get(self, code):
        """The class's record; ClassError class.unknown if there is none or it expired."""
        record = self._get(f"class:{_clean_code(code)}")
        if record is None or record["expires"] < self.clock():
            raise ClassError(f"there is no class {code!r} (it may have ended or expired)", "class.unknown",
                             class_code=str(code)[:12])
        return record

    def teacher(self, code, secret):
        """The record, if secret is the teacher's; ClassError class.forbidden otherwise."""
        record = self.get(code)
        if not isinstance(secret, str) or not hmac.compare_digest(secret.encode(), record["secret"].encode()):
            raise ClassError("only the teacher who opened this class can do that", "class.forbidden")
        return record

    def end(self, record):
        record["ended"] = True
        self._put(f"class:{record['code']}", record)
        self.append(record["code"], {"type": "ended"})

    def set_task(self, record, task):
        n = self.append(record["code"], {"type": "task", "task": task})
        record["task"], record["task_event"] = task, n
        self._put(f"class:{record['code']}", record)
        return n

    def task_shown(self, record, event):
        """The task a student's device showed when it sent an answer -> (its event number, the task):
        the one set by event number `event` (the device sends the number it was given with the task),
        so an answer that crosses the teacher's next task is counted for the task the student saw.
        None or the current number: the current task ((None, None) before the first). ClassError
        class.task_unknown for a number that set no task here."""
        if event is None or event == record.get("task_event"):
            return record.get("task_event"), record["task"]
        if isinstance(event, str) and event.isascii() and event.isdigit() and len(event) < 10:
            event = int(event)
        if isinstance(event, bool) or not isinstance(event, int) or not 0 < event < 10**9:
            raise ClassError("task_event is the number of the task the device showed", "class.task_unknown")
        found = self.events(record["code"], event - 1, limit=1)
        if not found or found[0]["n"] != event or found[0]["type"] != "task":
            raise ClassError("this class never set that task", "class.task_unknown")
        return event, found[0]["task"]

    def set_lesson(self, record, lesson):
        """The teacher's lesson moved to lesson {"chapter", "step", "model"}: an event in the class's log,
        and the class's current place (what a following student's poll reads) -> the event's number."""
        if record["ended"]:
            raise ClassError("this class has ended", "class.ended")
        self.limit(record["code"], "lesson", LESSON_MOVES_PER_MINUTE)
        n = self.append(record["code"], {"type": "lesson", "lesson": lesson})
        self._put(f"class:{record['code']}:lesson", {**lesson, "event": n})
        return n

    def lesson(self, code):
        """Where the teacher's lesson is: {"chapter", "step", "model", "event"}, or None before it starts."""
        return self._get(f"class:{code}:lesson")

    # -------------------------------------------------------------- students
    def join(self, code, nickname, device, token=None):
        """A student joins: -> {"student", "nick", "token"}. token: the one this browser holds for the
        class, if any; joining again under the same nickname is then the same student (a second tab,
        or the join form used again), not one more. Another nickname on the same browser is a new
        student: a tablet the class passes round."""
        record = self.get(code)
        if record["ended"]:
            raise ClassError("this class has ended", "class.ended")
        self.limit(code, f"join:{device}", JOINS_PER_MINUTE)
        nick = clean_nickname(nickname)
        if token:
            try:
                _, sid, known = self.student(code, token)
            except ClassError:
                pass
            else:
                if known == nick:
                    return {"student": sid, "nick": nick, "token": token}
        sid = self.kv.incr(f"class:{record['code']}:students")
        if sid > MAX_STUDENTS:
            raise ClassError(f"this class is full: it holds at most {MAX_STUDENTS} students", "class.full",
                             limit=MAX_STUDENTS)
        token = f"{sid}.{secrets.token_urlsafe(18)}"
        self._put(f"class:{record['code']}:s:{sid}", {"nick": nick, "token": token})
        self.append(record["code"], {"type": "joined", "student": sid, "nick": nick})
        return {"student": sid, "nick": nick, "token": token}

    def student(self, code, token):
        """(class record, student id, nickname) for a student's token; ClassError class.forbidden otherwise."""
        record = self.get(code)
        sid, _, _ = str(token).partition(".")
        student = self._get(f"class:{record['code']}:s:{sid}") if sid.isascii() and sid.isdigit() else None
        if student is None or not hmac.compare_digest(str(token).encode(), student["token"].encode()):
            raise ClassError("join the class first (the student token is not valid here)", "class.forbidden")
        return record, int(sid), student["nick"]

    def students(self, code):
        count = min(self.kv.incr(f"class:{code}:students", 0), MAX_STUDENTS)
        keys = [f"class:{code}:s:{i}" for i in range(1, count + 1)]
        found = self.kv.peek_many(keys) if keys else {}
        return {i: json.loads(found[k])["nick"] for i, k in enumerate(keys, 1) if k in found}

    # ---------------------------------------------------------------- events
    def log(self, code):
        return EventLog(self.kv, f"class:{code}", self.clock)

    def append(self, code, event):
        """Number the event and keep it; -> its number (the event stream's id)."""
        return self.log(code).append(event)

    def events(self, code, after=0, limit=500):
        return self.log(code).read(after, limit)

    def last_event(self, code):
        return self.log(code).last()

    # ------------------------------------------------------------ rate limits
    def limit(self, code, who, per_minute):
        minute = int(self.clock() // 60)
        count = self.kv.incr(f"class:{code}:rate:{who}:{minute}")
        if count == 1:
            self.kv.delete_data(f"class:{code}:rate:{who}:{minute - 2}")  # keys of old minutes go
        if count > per_minute:
            raise ClassError(f"too many requests from this device: at most {per_minute} a minute",
                             "class.rate", limit=per_minute, retry_after=60 - int(self.clock() % 60))

    # ---------------------------------------------------------------- storage
    def _get(self, key):
        value = self.kv.peek_data(key)
        return None if value is EmptyData else json.loads(value)

    def _put(self, key, value):
        self.kv.put_data(key, json.dumps(value).encode())


def answer_tasks(events):
    """Which task each answer is for, and whether it counts, from a class's events in order -> {answer's
    event number: (the task's number in the class: 1, 2, ... or None before the first task, counted)}.
    A student counts once per task, with their last drawing for it: the wall, the class confusion matrix
    and the CSV agree on this. An answer names the task its device showed (task_event); one stored
    without it is for the task set last before it."""
    number, current, shown, last = {}, None, {}, {}
    for e in events:
        if e["type"] == "task":
            number[e["n"]] = current = len(number) + 1
        elif e["type"] == "answer":
            task = number.get(e["task_event"]) if "task_event" in e else current
            shown[e["n"]] = task
            last[(task, e["student"])] = e["n"]
    counted = set(last.values())
    return {n: (task, n in counted) for n, task in shown.items()}


def _clean_code(code):
    code = str(code).strip().upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        raise ClassError(f"a class code is {CODE_LENGTH} letters and digits, e.g. K7PQM", "class.unknown",
                         class_code=code[:12])
    return code


def clean_nickname(nickname):
    """A nickname of 1 to NICK_LENGTH visible characters; no control or format characters."""
    if not isinstance(nickname, str):
        raise ClassError("give a nickname", "class.nickname", max=NICK_LENGTH)
    text = "".join(" " if c.isspace() else c for c in unicodedata.normalize("NFC", nickname))
    nick = " ".join("".join(c for c in text if unicodedata.category(c)[0] not in "CZ" or c == " ").split())
    if not nick or len(nick) > NICK_LENGTH:
        raise ClassError(f"a nickname has 1 to {NICK_LENGTH} characters", "class.nickname", max=NICK_LENGTH)
    return nick


def check_task(task):
    """A task the teacher sends: {"kind": draw|wrong|filter|free, "digit": 0-9 (draw), "text": (free)}."""
    if not isinstance(task, dict) or task.get("kind") not in TASKS:
        raise ClassError(f"a task has a kind: {', '.join(TASKS)}", "class.task")
    kind = task["kind"]
    out = {"kind": kind}
    if kind == "draw":
        digit = task.get("target")
        if isinstance(digit, bool) or not isinstance(digit, int) or not 0 <= digit <= 99:
            raise ClassError("a drawing task names the class to draw, e.g. 7", "class.task")
        out["target"] = digit
    if kind == "exercise":  # a practice sheet: every device gets the same seeded exercises
        sheet = task.get("exercise")
        if not isinstance(sheet, dict):
            raise ClassError("an exercise task names its sheet: {\"kind\": ..., \"seed\": ...}", "class.task")
        seed = sheet.get("seed")
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= exercises.MAX_SEED:
            raise ClassError(f"an exercise sheet's seed is a whole number from 0 to {exercises.MAX_SEED}",
                             "class.task")
        out["exercise"] = {"kind": exercises.check_kind(sheet.get("kind"), mixed_ok=True), "seed": seed}
    if kind == "free":
        text = task.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > 200:
            raise ClassError("a free task has a text of 1 to 200 characters", "class.task")
        out["text"] = text.strip()
    return out


def check_lesson(lesson, model_ids):
    """A place in the lesson the teacher sends: {"chapter": id, "step": 1-LESSON_MAX_STEP, "model": id (optional)}."""
    if not isinstance(lesson, dict):
        raise ClassError('a lesson place is {"chapter": "relu", "step": 2}', "class.lesson", max_step=LESSON_MAX_STEP)
    chapter, step, model = lesson.get("chapter"), lesson.get("step"), lesson.get("model")
    if not isinstance(chapter, str) or not CHAPTER_ID.fullmatch(chapter):
        raise ClassError("a chapter is named by its id: 1 to 32 small letters, digits, - or _", "class.lesson",
                         max_step=LESSON_MAX_STEP)
    if isinstance(step, bool) or not isinstance(step, int) or not 1 <= step <= LESSON_MAX_STEP:
        raise ClassError(f"a step is a whole number from 1 to {LESSON_MAX_STEP}", "class.lesson",
                         max_step=LESSON_MAX_STEP)
    if model is not None and (not isinstance(model, str) or model not in model_ids):
        raise ClassError("the lesson's network is not on this server", "class.lesson", max_step=LESSON_MAX_STEP)
    return {"chapter": chapter, "step": step, "model": model}
