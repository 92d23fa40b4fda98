"""What every exercise shares: the seeded generator, answer fields and the checker.

An exercise is data only (numbers, grids, catalog keys with params): the page
renders its text in the learner's language. The right answer and the worked
solution come from the engine's own functions, never from a second copy here.
"""
import math
import zlib
from typing import NamedTuple

import numpy as np

from ...errors import InputError

FIELD_TYPES = ("integer", "number", "size", "grid", "choice", "order")


class Field(NamedTuple):
    """One answer box. type: integer (exact), number (to `decimals` places), size (a whole
    number or "invalid"), grid (rows x cols numbers to `decimals` places), choice (one of
    `options`), order (a ranking of `options` items). signed: can the answer be negative."""
    name: str
    type: str
    decimals: int = 0
    shape: tuple = ()
    options: int = 0
    signed: bool = True

    @property
    def tolerance(self):
        """How far a given number may be from the exact one: half a unit of the last shown decimal."""
        if self.type in ("number", "grid") and self.decimals:
            return 0.5 * 10 ** -self.decimals
        return 0.0


class Exercise(NamedTuple):
    kind: str
    seed: int
    index: int
    params: dict    # the numbers the prompt names
    data: dict      # grids and lists the page shows
    fields: tuple   # (Field, ...)
    answer: dict    # {field name: the right value}
    solution: dict  # the worked solution, as structured data
    hints: tuple    # ((catalog key, params), ...)


def rng_for(seed, kind, index):
    """The one random stream of exercise `index` of `kind` for `seed`: same inputs, same numbers."""
    return np.random.default_rng([seed, zlib.crc32(kind.encode()), index])


def whole(value):
    """An engine result that must be a whole number, as an int (it is checked, not rounded blindly)."""
    n = int(round(float(value)))
    assert abs(float(value) - n) < 1e-9, value
    return n


# ------------------------------------------------------------------------ checking
def _number(field, value, where=None):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(f"the answer '{field.name}' must be a number", "exercise.answer_type",
                         field=field.name, expected="number")
    return value


def _close(field, given, right):
    return abs(given - right) <= field.tolerance + 1e-9


def _grid(field, value):
    rows, cols = field.shape
    if (not isinstance(value, list) or len(value) != rows
            or any(not isinstance(r, list) or len(r) != cols for r in value)):
        raise InputError(f"the answer '{field.name}' must be a {rows}x{cols} grid of numbers",
                         "exercise.answer_shape", field=field.name, rows=rows, cols=cols)
    return [[_number(field, v) for v in r] for r in value]


def check_field(field, given, right):
    """-> (correct, cells) for one field; cells is a grid of booleans for a grid, else None.
    Raises InputError (exercise.answer_*) for an answer of the wrong type or shape."""
    if field.type == "size":
        if given == "invalid" or right == "invalid":
            if given != "invalid":
                _number(field, given)
            return given == right, None
        given = _number(field, given)
        return given == right, None
    if field.type in ("integer", "number"):
        given = _number(field, given)
        return (given == right if field.type == "integer" else _close(field, given, right)), None
    if field.type == "grid":
        cells = [[_close(field, g, r) for g, r in zip(gr, rr)] for gr, rr in zip(_grid(field, given), right)]
        return all(map(all, cells)), cells
    if field.type == "choice":
        if isinstance(given, bool) or not isinstance(given, int) or not 0 <= given < field.options:
            raise InputError(f"the answer '{field.name}' must be one of 0 to {field.options - 1}",
                             "exercise.answer_range", field=field.name, low=0, high=field.options - 1)
        return given == right, None
    if field.type == "order":
        if (not isinstance(given, list) or any(isinstance(v, bool) or not isinstance(v, int) for v in given)
                or sorted(given) != list(range(field.options))):
            raise InputError(f"the answer '{field.name}' must list each of 0 to {field.options - 1} once",
                             "exercise.answer_order", field=field.name, count=field.options)
        return given == right, None
    raise AssertionError(field.type)


def check_answer(exercise, answer):
    """answer: {field name: value} (or the bare value when there is one field)
    -> {"correct": bool, "fields": {name: {"correct", "given", "right", "cells"?}}}."""
    fields = exercise.fields
    if len(fields) == 1 and not (isinstance(answer, dict) and fields[0].name in answer):
        answer = {fields[0].name: answer}
    if not isinstance(answer, dict):
        raise InputError("give 'answer' as an object {field name: value}", "exercise.answer_type",
                         field="answer", expected="object")
    results = {}
    for field in fields:
        if field.name not in answer:
            raise InputError(f"the answer has no '{field.name}'", "exercise.answer_missing", field=field.name)
        correct, cells = check_field(field, answer[field.name], exercise.answer[field.name])
        results[field.name] = {"correct": correct, "given": answer[field.name],
                               "right": exercise.answer[field.name], **({"cells": cells} if cells else {})}
    return {"correct": all(r["correct"] for r in results.values()), "fields": results}
