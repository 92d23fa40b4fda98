"""The practice page in Chromium: every kind solved by keyboard from the numbers on screen (the
answer computed here from what the page shows, not from the API), a wrong answer's worked
solution read back and added up, a phone with touch, Chinese, and five viewports."""
import math
import re

import pytest
from playwright.sync_api import expect

from conftest import SCREENS, new_page

MINUS = "\u2212"
VIEWPORTS = SCREENS


def number(text):
    return float(text.strip().replace(MINUS, "-").replace(",", ""))


def open_practice(page, query):
    page.goto(page.base + "/practice" + query)
    page.wait_for_selector("body[data-ready=true]")


def grids(page, scope):
    """Every number grid inside scope, as lists of rows of numbers read off the screen."""
    return [[[number(c) for c in row] for row in g] for g in page.eval_on_selector_all(
        f"{scope} table.num-grid:not(.answer-grid)",
        "ts => ts.map(t => [...t.rows].map(r => [...r.cells].map(c => c.textContent)))")]


def settings(page):
    return dict(page.eval_on_selector_all(
        "#exercise-body .settings-list div", "ds => ds.map(d => [d.querySelector('dt').textContent, d.querySelector('dd').textContent])"))


def prompt(page):
    return page.text_content("#exercise-prompt")


def softmax(z):
    e = [math.exp(v - max(z)) for v in z]
    return [v / sum(e) for v in e]


def class_column(page, column):
    """A column of the class table in the exercise, as numbers."""
    return [number(t) for t in page.eval_on_selector_all(
        "#exercise-body .class-table tbody tr", f"rs => rs.map(r => r.cells[{column}].textContent)")]


def fmt(v):
    return f"{v:.4f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))


def solve(page, kind):
    """-> the keys to type for this exercise, computed from the numbers on screen."""
    text = prompt(page)
    if kind == "output_size":
        s = {k[-1]: int(v) for k, v in settings(page).items()}
        room = s["W"] - s["F"] + 2 * s["P"]
        return ["Tab", " "] if room % s["S"] else [str(room // s["S"] + 1)]  # Tab to "Not a whole number"
    if kind == "conv_value":
        patch, kernel = grids(page, "#exercise-body")
        bias = number(page.text_content("#exercise-body .scalar"))
        return [fmt(sum(p * k for pr, kr in zip(patch, kernel) for p, k in zip(pr, kr)) + bias)]
    if kind in ("maxpool", "avgpool"):
        size, stride = map(int, re.search(r"(\d+) × \d+ window and stride (\d+)", text).groups())
        (x,) = grids(page, "#exercise-body")
        cells = []
        for i in range(2):
            for j in range(2):
                window = [x[r][c] for r in range(i * stride, i * stride + size) for c in range(j * stride, j * stride + size)]
                cells.append(max(window) if kind == "maxpool" else round(sum(window) / len(window), 2))
        return cells
    if kind == "relu":
        (x,) = grids(page, "#exercise-body")
        return [max(0.0, v) for row in x for v in row]
    if kind == "conv_params":
        s = list(settings(page).values())
        w, _, c = map(int, s[0].split(" × "))
        f, k, stride, pad = int(s[1]), int(s[2].split(" × ")[0]), int(s[3]), int(s[4])
        out = (w - k + 2 * pad) // stride + 1
        shared = f * (k * k * c + 1)
        return [str(shared), str(shared * out * out)]
    if kind == "vertical_edge":
        kernels = grids(page, "#answer-fields")
        right = next(i for i, k in enumerate(kernels) if all(sum(r) == 0 for r in k) and any(any(r) for r in k))
        return ["ArrowRight"] * right
    if kind == "softmax_order":
        z = class_column(page, 1)
        return [" ".join("ABCD"[i] for i in sorted(range(4), key=lambda i: -z[i]))]
    if kind == "softmax_grow":
        z = class_column(page, 1)
        grown, delta = re.search(r"class ([A-D]) grows by ([\d.]+)", text).groups()
        z["ABCD".index(grown)] += float(delta)
        want = softmax(z)
        options = page.eval_on_selector_all("#answer-fields .prob-list", "ls => ls.map(l => l.textContent)")
        right = next(i for i, o in enumerate(options)
                     if all(abs(float(v) - p) < 0.0006 for v, p in zip(re.findall(r"\d\.\d+|\d", o.replace("A:", "").replace("B:", "").replace("C:", "").replace("D:", "")), want)))
        return ["ArrowRight"] * right
    if kind == "maxpool_grad":
        (x,) = grids(page, "#exercise-body")
        g = number(page.text_content("#exercise-body .scalar"))
        flat = [v for row in x for v in row]
        return [g if v == max(flat) else 0 for v in flat]
    raise AssertionError(kind)


def type_answer(page, keys):
    """Type the answer from the first answer box on: numbers into successive boxes (Tab between),
    or the named keys."""
    page.focus("#answer-fields input")
    for i, key in enumerate(keys):
        if isinstance(key, float) or isinstance(key, int):
            if i:
                page.keyboard.press("Tab")
            page.keyboard.type(fmt(float(key)))
        elif key in ("Tab", " ", "ArrowRight"):
            page.keyboard.press("Space" if key == " " else key)
        else:
            if i:
                page.keyboard.press("Tab")
            page.keyboard.type(key)
    page.keyboard.press("Enter")


KINDS = ["output_size", "conv_value", "maxpool", "avgpool", "relu", "conv_params", "vertical_edge",
         "softmax_order", "softmax_grow", "maxpool_grad"]


@pytest.fixture(scope="module")
def kinds(server):
    import json
    import urllib.request
    got = json.load(urllib.request.urlopen(server + "/api/exercises"))["kinds"]
    assert got == KINDS
    return got


def test_a_mixed_sheet_solved_by_keyboard_from_the_screen(page, kinds):
    """Ten exercises, one of each kind, each answered from the numbers shown, Enter to check,
    Enter again for the next; the score counts them."""
    open_practice(page, "?lang=en&seed=2024&kind=mixed")
    for n, kind in enumerate(kinds, start=1):
        assert page.text_content("#exercise-heading").startswith(f"Exercise {n} ·")
        type_answer(page, solve(page, kind))
        page.wait_for_selector("#verdict.is-right, #verdict.is-wrong")
        assert page.text_content("#verdict") == "Right!", (kind, page.text_content("#solution"))
        assert page.evaluate("document.activeElement.id") == "next"
        page.keyboard.press("Enter")
        expect(page.locator("#exercise-heading")).to_have_text(re.compile(f"^Exercise {n + 1} "))
        assert page.evaluate("document.querySelector('#answer-fields').contains(document.activeElement)")
    assert page.text_content("#score") == "Score: 10 of 10 right"
    assert "item=11" in page.url and "seed=2024" in page.url
    assert page.errors == []


def test_a_wrong_answer_shows_the_worked_solution_and_it_adds_up(page):
    open_practice(page, "?lang=en&seed=7&kind=conv_value")
    patch, kernel = grids(page, "#exercise-body")
    bias = number(page.text_content("#exercise-body .scalar"))
    right = sum(p * k for pr, kr in zip(patch, kernel) for p, k in zip(pr, kr)) + bias
    page.click("#hint")
    assert page.locator("#hints li").count() == 1
    type_answer(page, [fmt(right + 1)])
    page.wait_for_selector("#verdict.is-wrong")
    assert page.text_content("#verdict") == f"Not quite. The right answer: {fmt(right).replace('-', MINUS)}."
    shown_patch, shown_kernel, products = grids(page, "#solution")
    assert (shown_patch, shown_kernel) == (patch, kernel)
    assert products == [[p * k for p, k in zip(pr, kr)] for pr, kr in zip(patch, kernel)]
    sum_line, bias_line = [number_terms(t) for t in page.eval_on_selector_all(
        "#solution .formula", "ps => ps.map(p => p.textContent)")]
    assert sum_line[:-1] == [v for row in products for v in row] and sum(sum_line[:-1]) == sum_line[-1]
    assert bias_line == [sum_line[-1], bias, right]
    assert page.text_content("#score") == "Score: 0 of 1 right"
    assert page.is_disabled("#check") and page.is_disabled("#hint")


def number_terms(text):
    """"(−10) + 4 + 0 = −6" -> [-10, 4, 0, -6]."""
    return [number(t) for t in re.findall(r"[−-]?\d+(?:\.\d+)?", text.replace("(", "").replace(")", ""))]


def test_phone_with_touch(browser, server):
    page = new_page(browser, server, **VIEWPORTS["phone"])
    try:
        open_practice(page, "?lang=en&seed=11&kind=softmax_order")
        z = class_column(page, 1)
        for i in sorted(range(4), key=lambda i: -z[i]):
            page.tap(f"#answer-fields .letter-taps button:nth-child({i + 1})")
        page.tap("#check")
        page.wait_for_selector("#verdict.is-right")
        verdict = page.eval_on_selector("#verdict", "e => e.getBoundingClientRect().toJSON()")
        assert 0 <= verdict["top"] and verdict["bottom"] <= 844, "the verdict is in view after checking"
        page.tap("#next")
        expect(page.locator("#exercise-heading")).to_have_text(re.compile("^Exercise 2 "))
        # a grid answer typed on the phone's keyboard after tapping the first box
        page.select_option("#kind-select", "maxpool_grad")
        expect(page.locator("#exercise-heading")).to_have_text(re.compile("Max-pool gradient"))
        keys = solve(page, "maxpool_grad")
        page.tap("#answer-fields input")
        for i, v in enumerate(keys):
            if i:
                page.keyboard.press("Tab")
            page.keyboard.type(fmt(v))
        page.tap("#check")
        page.wait_for_selector("#verdict.is-right")
        assert page.text_content("#score") == "Score: 2 of 2 right"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        modes = page.eval_on_selector_all("#answer-fields input", "is => is.map(i => i.inputMode)")
        assert set(modes) == {"text"} or set(modes) <= {"decimal", "text"}
        assert page.errors == []
    finally:
        page.context.close()


def test_chinese(page):
    open_practice(page, "?lang=zh&seed=5&kind=relu")
    assert page.text_content("#exercise-heading") == "第 1 题 · ReLU"
    assert "激活函数" in prompt(page) and page.text_content("nav a[aria-current=page]") == "练习"
    keys = solve(page, "relu")
    type_answer(page, keys[:-1] + [keys[-1] + 1])
    page.wait_for_selector("#verdict.is-wrong")
    assert page.text_content("#verdict") == "还不对。"
    assert "负数（灰色）变成 0" in page.text_content("#solution")
    page.select_option("#lang-select", "en")  # the checked exercise is redrawn in English, typed answers kept
    assert page.text_content("#verdict") == "Not quite."
    assert page.input_value("#answer-fields input >> nth=0") == fmt(keys[0])
    assert "lang=en" in page.url


def _check_viewport(page, name, width, lang):
    open_practice(page, f"?lang={lang}&seed=3&kind=vertical_edge")
    page.focus("#answer-fields input")
    page.keyboard.press("Enter")  # nothing picked: asked to pick, nothing sent
    assert page.text_content("#status") == {"en": "Pick one of the options.", "zh": "请选择一个选项。"}[lang]
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_selector("#verdict.is-right, #verdict.is-wrong")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, lang)
    sizes = page.eval_on_selector_all("table.num-grid td", "ts => ts.map(t => parseFloat(getComputedStyle(t).fontSize))")
    assert min(sizes) >= 14, (name, lang, min(sizes))


def test_five_viewports_two_languages_readable_grids_no_sideways_scroll(browser, server):
    """A checked exercise with the longest worked solution (16 grids), at every viewport in both
    languages: no sideways scroll, no number smaller than 14 px."""
    desktops = ("1024", "1366", "1080p")
    groups = [("phone",), desktops, ("720p150",)]  # one browser context per device kind
    for group in groups:
        page = new_page(browser, server, **VIEWPORTS[group[0]])
        try:
            for name in group:
                page.set_viewport_size(VIEWPORTS[name]["viewport"])
                for lang in ("en", "zh"):
                    _check_viewport(page, name, VIEWPORTS[name]["viewport"]["width"], lang)
            assert page.errors == []
        finally:
            page.context.close()
