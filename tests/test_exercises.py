"""Exercises: every kind's right answer passes and wrong ones fail, the same seed gives the same
exercise, the worked solutions add up, and the API answers every body with a coded error or a verdict."""
import copy
import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnviz.teach import exercises as ex
from cnnviz.teach.exercises.core import check_answer
from cnnviz.web import create_app

SEEDS = range(12)
APP = create_app({"TESTING": True})


def wrong_value(field, right):
    """A wrong answer of the right type for this field."""
    if field.type == "size":
        return 3 if right == "invalid" else right + 1
    if field.type == "integer":
        return right + 1
    if field.type == "number":
        return right + 3 * field.tolerance + 0.1
    if field.type == "grid":
        bad = copy.deepcopy(right)
        bad[-1][0] += 3 * field.tolerance + 0.1
        return bad
    if field.type == "choice":
        return (right + 1) % field.options
    if field.type == "order":
        return [right[1], right[0], *right[2:]]
    raise AssertionError(field.type)


@pytest.mark.parametrize("kind", ex.KINDS)
def test_right_answers_pass_and_wrong_ones_fail(kind):
    for seed in SEEDS:
        e = ex.generate(seed, kind, seed % 3)
        assert check_answer(e, e.answer)["correct"], (kind, seed)
        for field in e.fields:
            answer = {**e.answer, field.name: wrong_value(field, e.answer[field.name])}
            verdict = check_answer(e, answer)
            assert not verdict["correct"] and not verdict["fields"][field.name]["correct"], (kind, seed)


@pytest.mark.parametrize("kind", ex.KINDS)
def test_same_seed_same_exercise_and_different_seeds_differ(kind):
    a, b = ex.generate(41, kind, 2), ex.generate(41, kind, 2)
    assert a == b
    shown = {json.dumps([e.params, e.data]) for e in (ex.generate(s, kind, 0) for s in range(10))}
    assert len(shown) >= 5, kind
    assert ex.generate(41, kind, 3) != a


def test_a_mixed_set_goes_through_every_kind_and_matches_single_generation():
    items = ex.exercise_set(9, "mixed", 20)
    assert [e.kind for e in items[:10]] == list(ex.KINDS)
    assert items[13] == ex.generate(9, ex.KINDS[3], 1)
    assert ex.exercise_set(9, "relu", 3, start=4)[1] == ex.generate(9, "relu", 5)


def _all(kind, n=40):
    return [ex.generate(s, kind, i) for s in range(n // 4) for i in range(4)]


def test_output_size_solution_adds_up_and_invalid_combinations_are_invalid():
    kinds = set()
    for e in _all("output_size", 80):
        s = e.solution
        w, f, st_, p = s["W"], s["F"], s["S"], s["P"]
        exact = Fraction(w - f + 2 * p, st_) + 1
        assert s["numerator"] == w - f + 2 * p and s["value"] == pytest.approx(float(exact))
        expect = int(exact) if exact.denominator == 1 and exact >= 1 else "invalid"
        assert e.answer["output"] == expect
        kinds.add(expect == "invalid")
    assert kinds == {True, False}, "both valid and invalid combinations are generated"


def test_cs231n_examples_through_the_checker():
    """(7 - 3)/1 + 1 = 5; (7 - 3)/2 + 1 = 3; (7 - 3)/3 + 1 is not whole; AlexNet (227 - 11)/4 + 1 = 55."""
    from cnnviz.teach.exercises.sizes import _size
    assert _size(7, 3, 1, 0)[0] == 5 and _size(7, 3, 2, 0)[0] == 3 and _size(227, 11, 4, 0)[0] == 55
    assert _size(7, 3, 3, 0) == ("invalid", pytest.approx(7 / 3))
    assert _size(10, 3, 2, 0)[0] == "invalid"  # the CS231n invalid case: 10 - 3 = 7 is odd


def test_conv_value_products_and_sum():
    for e in _all("conv_value"):
        s = e.solution
        patch, kernel = np.array(s["patch"]), np.array(s["kernel"])
        assert np.array_equal(patch * kernel, s["products"])
        assert sum(map(sum, s["products"])) == s["products_sum"]
        assert s["products_sum"] + s["bias"] == s["value"] == e.answer["value"]
        assert s["patch"] == e.data["patch"] and s["kernel"] == e.data["kernel"]


@pytest.mark.parametrize("kind", ["maxpool", "avgpool"])
def test_pool_windows_add_up(kind):
    for e in _all(kind):
        s = e.solution
        x = np.array(s["input"])
        assert len(s["windows"]) == 4
        for w in s["windows"]:
            values = x[np.ix_(w["rows"], w["cols"])]
            assert values.tolist() == w["values"]
            assert w["rows"][0] == w["row"] * s["stride"] and len(w["rows"]) == s["size"]
            if kind == "maxpool":
                assert values[tuple(w["winner"])] == values.max() == w["result"]
            else:
                assert values.sum() == w["total"] and w["total"] / w["count"] == pytest.approx(w["result"])
            assert e.answer["output"][w["row"]][w["col"]] == w["result"]


def test_average_answers_are_checked_at_two_decimals():
    e = next(e for e in _all("avgpool") if any(v * 100 % 1 for r in e.answer["output"] for v in r))
    rounded = [[round(v, 2) for v in r] for r in e.answer["output"]]
    assert check_answer(e, rounded)["correct"]
    off = copy.deepcopy(rounded)
    off[0][0] += 0.01
    assert not check_answer(e, off)["correct"]


def test_relu_and_max_pool_gradient():
    for e in _all("relu"):
        x, out = np.array(e.solution["input"]), np.array(e.answer["output"])
        assert np.array_equal(out, np.where(x > 0, x, 0)) and e.solution["zeroed"] == (x < 0).tolist()
    for e in _all("maxpool_grad"):
        s = e.solution
        x, dx = np.array(s["input"]), np.array(s["output"])
        r, c = s["winner"]
        assert x[r, c] == x.max() == s["max"] and dx[r, c] == s["gradient"]
        assert np.count_nonzero(dx) == 1 and dx.sum() == s["gradient"]


def test_conv_params_add_up():
    for e in _all("conv_params"):
        s, p = e.solution, e.params
        assert s["weights_per_filter"] == p["K"] * p["K"] * p["C"] and s["per_filter"] == s["weights_per_filter"] + 1
        assert s["shared"] == s["per_filter"] * p["F"] == e.answer["shared"]
        out = (p["W"] - p["K"] + 2 * p["P"]) // p["S"] + 1
        assert s["output_shape"] == [p["F"], out, out] and s["positions"] == out * out
        assert s["unshared"] == s["neurons"] * s["per_filter"] == e.answer["unshared"]


def test_vertical_edge_detector_is_the_one_with_zero_on_flat_and_horizontal():
    for e in _all("vertical_edge"):
        s = e.solution
        k = np.array(e.data["kernels"][s["choice"]])
        assert (np.abs(k.sum(axis=0)) > 0).any() and k.sum() == 0 and (k.sum(axis=1) == 0).all()
        assert s["detects"].count(True) == 1
        assert np.array(s["on_horizontal"][s["choice"]]).max() == 0


def test_softmax_solutions_add_up():
    for e in _all("softmax_order"):
        s = e.solution
        assert sum(s["exps"]) == pytest.approx(s["exp_sum"])
        assert [x / s["exp_sum"] for x in s["exps"]] == pytest.approx(s["probabilities"])
        assert e.answer["order"] == sorted(range(4), key=lambda i: -e.data["logits"][i])
    for e in _all("softmax_grow"):
        s = e.solution
        g = s["grown"]
        before, after = np.array(s["before"]["probabilities"]), np.array(s["after"]["probabilities"])
        assert after[g] > before[g] and all(after[i] < before[i] for i in range(4) if i != g)
        right = np.array(e.data["options"][e.answer["choice"]])
        assert np.allclose(right, after) and right.sum() == pytest.approx(1)
        assert [o["kind"] for o in s["options"]].index("right") == e.answer["choice"]


# ----------------------------------------------------------------------------- the API
def post(path, body):
    r = APP.test_client().post(path, json=body)
    assert r.is_json and r.status_code < 500, r.get_data(as_text=True)
    return r


def test_api_generates_and_checks():
    r = post("/api/exercises", {"seed": 5, "kind": "mixed", "count": 10})
    assert r.status_code == 200
    items = r.get_json()["exercises"]
    assert [i["kind"] for i in items] == list(ex.KINDS)
    assert all(i["prompt"]["key"] == f"practice.{i['kind']}.prompt" for i in items)
    for item in items:
        right = ex.generate(5, item["kind"], item["index"]).answer
        v = post("/api/exercises/check", {"seed": 5, "kind": item["kind"], "index": item["index"], "answer": right})
        assert v.status_code == 200 and v.get_json()["verdict"] == "right"
    fresh = post("/api/exercises", {"kind": "relu"}).get_json()
    assert 0 <= fresh["seed"] <= ex.MAX_SEED and len(fresh["exercises"]) == 1


@pytest.mark.parametrize("body, code", [
    ({"seed": 1, "kind": "nope", "index": 0, "answer": 1}, "exercise.unknown_kind"),
    ({"seed": 1, "kind": "mixed", "index": 0, "answer": 1}, "exercise.unknown_kind"),
    ({"seed": -1, "kind": "relu", "index": 0, "answer": 1}, "field.range"),
    ({"seed": 2 ** 31, "kind": "relu", "index": 0, "answer": 1}, "field.range"),
    ({"seed": 1, "kind": "relu", "index": 10 ** 4, "answer": 1}, "field.range"),
    ({"seed": 1, "kind": "relu", "index": 0}, "field.missing"),
    ({"seed": 1, "kind": "relu", "index": 0, "answer": [[1, 2]]}, "exercise.answer_shape"),
    ({"seed": 1, "kind": "conv_value", "index": 0, "answer": "7"}, "exercise.answer_type"),
    ({"seed": 1, "kind": "output_size", "index": 0, "answer": "nonsense"}, "exercise.answer_type"),
    ({"seed": 1, "kind": "vertical_edge", "index": 0, "answer": 4}, "exercise.answer_range"),
    ({"seed": 1, "kind": "softmax_order", "index": 0, "answer": [0, 0, 1, 2]}, "exercise.answer_order"),
    ({"seed": 1, "kind": "conv_params", "index": 0, "answer": {"shared": 1}}, "exercise.answer_missing"),
])
def test_bad_checks_get_coded_400s(body, code):
    r = post("/api/exercises/check", body)
    assert r.status_code == 400 and r.get_json()["code"] == code


@pytest.mark.parametrize("body, code", [
    ({"count": 21}, "field.range"), ({"count": 0}, "field.range"), ({"kind": "x"}, "exercise.unknown_kind"),
    ({"start": 9995, "count": 10}, "field.range"), ({"seed": True}, "field.range"),
])
def test_bad_sets_get_coded_400s(body, code):
    r = post("/api/exercises", body)
    assert r.status_code == 400 and r.get_json()["code"] == code


def test_non_json_is_refused_and_openapi_lists_the_kinds():
    r = APP.test_client().post("/api/exercises", data="seed=1")
    assert r.status_code == 415 and r.get_json()["code"] == "request.content_type"
    spec = APP.test_client().get("/api/openapi.json").get_json()
    assert spec["components"]["schemas"]["Exercise"]["properties"]["kind"]["enum"] == list(ex.KINDS)


JSON = st.recursive(st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers(-2 ** 40, 2 ** 40)
                    | st.text(max_size=8) | st.sampled_from(list(ex.KINDS) + ["mixed", "invalid"]),
                    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
                    max_leaves=30)
SMALL = st.integers(-3, 12)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({}, optional={"seed": SMALL | JSON, "kind": st.sampled_from(ex.KINDS) | JSON,
                                           "index": SMALL | JSON, "answer": JSON, "count": SMALL | JSON,
                                           "start": SMALL | JSON}))
def test_any_body_gets_a_clean_answer_from_both_endpoints(body):
    for path in ("/api/exercises", "/api/exercises/check"):
        r = post(path, body)
        got = r.get_json()
        assert ("error" in got and "code" in got) != (r.status_code == 200)


def test_every_catalog_key_the_api_sends_exists_with_the_params_it_names():
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parents[1] / "static/js/i18n"
    for lang in ("en", "zh"):
        text = (root / lang / "practice.js").read_text()
        catalog = dict(re.findall(r"^  '([\w.]+)': '(.*)',$", text, re.M))
        for kind in ex.KINDS:
            e = APP.test_client().post("/api/exercises", json={"seed": 1, "kind": kind}).get_json()["exercises"][0]
            for item in [e["prompt"], *e["hints"]]:
                assert item["key"] in catalog, (lang, item["key"])
                assert set(re.findall(r"\{(\w+)\}", catalog[item["key"]])) <= set(item["params"]), (lang, item["key"])
