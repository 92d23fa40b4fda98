"""Auto-checked practice with fresh numbers for each learner, seeded and reproducible:
the same (seed, kind, index) always gives the same exercise, so a teacher's sheet matches
every student's screen, and checking needs no stored state (a class can send a set as
(seed, kind, count) and check answers whenever they arrive).

    generate(seed, kind, index) -> Exercise
    exercise_set(seed, kind, count, start=0) -> [Exercise]   # kind may be "mixed"
    check(seed, kind, index, answer) -> {"correct", "fields", "answer", "solution"}
"""
from ...errors import InputError
from . import maps, scores, sizes
from .core import Exercise, Field, check_answer, rng_for

GENERATORS = {
    "output_size": sizes.output_size,
    "conv_value": maps.conv_value,
    "maxpool": maps.maxpool,
    "avgpool": maps.avgpool,
    "relu": maps.relu,
    "conv_params": sizes.conv_params,
    "vertical_edge": maps.vertical_edge,
    "softmax_order": scores.softmax_order,
    "softmax_grow": scores.softmax_grow,
    "maxpool_grad": maps.maxpool_grad,
}
KINDS = tuple(GENERATORS)  # the order of a mixed set
MIXED = "mixed"
MAX_SEED = 2 ** 31 - 1
MAX_INDEX = 9999
MAX_COUNT = 20


def check_kind(kind, mixed_ok=False):
    known = KINDS + ((MIXED,) if mixed_ok else ())
    if not isinstance(kind, str) or kind not in known:
        raise InputError(f"unknown exercise kind {str(kind)[:40]!r}; known: {', '.join(known)}",
                         "exercise.unknown_kind", kind=str(kind)[:40], kinds=list(known))
    return kind


def _check_number(name, value, high):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise InputError(f"'{name}' must be a whole number from 0 to {high}", "field.range",
                         field=name, low=0, high=high)
    return value


def generate(seed, kind, index):
    """Exercise `index` of `kind` for `seed`."""
    _check_number("seed", seed, MAX_SEED)
    _check_number("index", index, MAX_INDEX)
    check_kind(kind)
    return GENERATORS[kind](rng_for(seed, kind, index), seed, index)


def position(kind, i):
    """Item i of a set of `kind` -> (its kind, its index): a mixed set goes through KINDS in turn."""
    if kind == MIXED:
        return KINDS[i % len(KINDS)], i // len(KINDS)
    return kind, i


def exercise_set(seed, kind, count, start=0):
    """count exercises of kind (or "mixed") starting at item `start`."""
    check_kind(kind, mixed_ok=True)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise InputError(f"'count' must be a whole number from 1 to {MAX_COUNT}", "field.range",
                         field="count", low=1, high=MAX_COUNT)
    _check_number("start", start, MAX_INDEX)
    if start + count - 1 > MAX_INDEX:
        raise InputError(f"'start' + 'count' must stay within {MAX_INDEX + 1} exercises", "field.range",
                         field="start", low=0, high=MAX_INDEX + 1 - count)
    return [generate(seed, *position(kind, i)) for i in range(start, start + count)]


def check(seed, kind, index, answer):
    """The verdict on `answer` for exercise `index` of `kind`, with the right answer and the
    worked solution. A malformed answer raises InputError (exercise.answer_*)."""
    exercise = generate(seed, kind, index)
    verdict = check_answer(exercise, answer)
    return exercise, {**verdict, "answer": exercise.answer, "solution": exercise.solution}


__all__ = ["Exercise", "Field", "KINDS", "MIXED", "MAX_COUNT", "MAX_INDEX", "MAX_SEED", "check",
           "exercise_set", "generate", "position"]
