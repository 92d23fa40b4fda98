"""The exercises API: generate a seeded set and check one answer. Stateless: (seed, kind,
index) rebuilds an exercise, so any worker can check any answer, now or later."""
import secrets

from flask import Blueprint, request

from ..errors import InputError
from ..teach import exercises
from . import serialize
from .inputs import json_fields, whole_number

bp = Blueprint("exercises", __name__, url_prefix="/api/exercises")


@bp.get("")
def kinds():
    return {"kinds": list(exercises.KINDS), "mixed": exercises.MIXED,
            "limits": {"seed": exercises.MAX_SEED, "count": exercises.MAX_COUNT, "index": exercises.MAX_INDEX}}


@bp.post("")
def generate():
    fields = json_fields(request)
    seed = fields.get("seed")
    if seed is None:
        seed = secrets.randbelow(exercises.MAX_SEED + 1)  # fresh numbers for this learner
    seed = whole_number(fields, "seed", seed, 0, exercises.MAX_SEED)
    kind = exercises.check_kind(fields.get("kind", exercises.MIXED), mixed_ok=True)
    count = whole_number(fields, "count", 1, 1, exercises.MAX_COUNT)
    start = whole_number(fields, "start", 0, 0, exercises.MAX_INDEX)
    return serialize.exercise_set(seed, kind, start, exercises.exercise_set(seed, kind, count, start))


@bp.post("/check")
def check():
    fields = json_fields(request)
    seed = whole_number(fields, "seed", None, 0, exercises.MAX_SEED)
    kind = exercises.check_kind(fields.get("kind"))
    index = whole_number(fields, "index", None, 0, exercises.MAX_INDEX)
    if "answer" not in fields:
        raise InputError("give 'answer'", "field.missing", field="answer")
    exercise, verdict = exercises.check(seed, kind, index, fields["answer"])
    return serialize.exercise_verdict(exercise, verdict)
