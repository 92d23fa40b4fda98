"""The arithmetic a learner reads adds up as shown, read off the screen in English and Chinese on a
1366×768 laptop and a 390×844 phone: the step-by-step conv stage (the strings drawn on the canvas),
a fully connected neuron's panel, and the loss and steps of "How it learns" after two steps.
Rules (static/js/lib/numbers.js): a shown product follows from its shown factors; the shown terms of
a sum give its shown total within the total's rounding (or the line says it sums the exact values);
no factor reads "≈0" beside a product that does not; no loss reads 0 and no probability 100 %."""
import math
import re

import pytest
from playwright.sync_api import expect

from conftest import new_page, open_app
from screen_numbers import decimals, half_unit, numbers_in, parse, scientific

SIZES = {"1366": dict(viewport={"width": 1366, "height": 768}),
         "390": dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=3)}
CASES = [("en", "1366"), ("zh", "1366"), ("en", "390"), ("zh", "390")]
RECORD_TEXT = """(() => {
  const fill = CanvasRenderingContext2D.prototype.fillText;
  window.__drawn = [];
  CanvasRenderingContext2D.prototype.fillText = function (s, ...rest) {
    if (this.canvas.id === 'anim-canvas') window.__drawn.push(String(s));
    return fill.call(this, s, ...rest);
  };
})();"""
CELL = re.compile(r"^(≈0|[−-]?\d+(\.\d+)?)$")


@pytest.fixture
def sized(browser, server, request):
    lang, size = request.param
    page = new_page(browser, server, **SIZES[size])
    page.add_init_script(RECORD_TEXT)
    open_app(page, f"?lang={lang}")
    page.locator("#gallery button").first.click()
    expect(page.locator("#status")).to_have_text("")
    expect(page.locator("#guess .big")).not_to_be_empty()
    page.lang = lang
    yield page
    page.context.close()


def product_follows(a, b, p, ha, hb, hp):
    """The shown a × the shown b is the shown p within the rounding of all three (ha, hb, hp: half a
    unit in the last place of each; a "≈0" is 0 within that)."""
    if a == "0" or b == "0":
        return parse(p) == 0
    slack = abs(parse(a)) * hb + abs(parse(b)) * ha + ha * hb + hp + 1e-9
    return abs(parse(a) * parse(b) - parse(p)) <= slack


def stage_frame(page, layer, channel, step):
    """The strings drawn for one step of a layer's animation."""
    page.select_option("#anim-layer", layer)
    expect(page.locator("#anim-status")).to_have_text("")
    page.select_option("#anim-channel", str(channel))
    expect(page.locator("#anim-status")).to_have_text("")
    if page.locator("#anim-play").get_attribute("aria-pressed") == "true":
        page.locator("#anim-play").click()
    page.locator("#anim-scrub").fill(str(step))  # elsewhere first, so the step is drawn afresh
    page.wait_for_function("() => window.__drawn.length > 0")
    page.evaluate("window.__drawn = []")
    page.locator("#anim-scrub").fill(str(step - 1))
    page.wait_for_function("() => window.__drawn.some((s) => s.includes(' = '))")
    return page.evaluate("window.__drawn")


def grids(drawn, k):
    """The three k × k grids drawn (patch, weights, products): runs of k² numbers in a row."""
    runs, run = [], []
    for s in drawn + [""]:
        if CELL.match(s):
            run.append(s)
            continue
        if len(run) == k * k:
            runs.append(run)
        run = []
    assert len(runs) == 3, drawn
    return runs


@pytest.mark.parametrize("sized", CASES, indirect=True, ids=["-".join(c) for c in CASES])
def test_the_stage_and_the_fc_panel_add_up(sized):
    page = sized
    exact_words = "exact" if page.lang == "en" else "精确"
    for layer, channel, step in (("conv1", 0, 465), ("conv2", 3, 40)):  # the walk's frames
        drawn = stage_frame(page, layer, channel, step)
        patch, weights, products = grids(drawn, 5)
        halves = [half_unit(grid) for grid in (patch, weights, products)]
        for a, b, p in zip(patch, weights, products):
            assert product_follows(a, b, p, *halves), (layer, a, b, p)
            if p not in ("0", "≈0"):
                assert "≈0" not in (a, b), (layer, a, b, p)
                assert min(decimals(a), decimals(b)) >= decimals(p), (layer, a, b, p)  # at least the product's digits
        # the channel's sum: said to be of the exact products, and within their shown rounding
        at = next(i for i, s in enumerate(drawn) if exact_words in s)
        line = " ".join(drawn[at:at + 3])  # wrapped on a phone: the line and the next ones
        total = re.search(r"=\s*(≈0|[−-]?\d+(?:\.\d+)?)", line)[1]
        tolerance = len(products) * half_unit(products) + half_unit([total]) + 1e-9
        assert abs(sum(parse(p) for p in products) - parse(total)) <= tolerance, (layer, line, products)
        # total + bias = sum, exactly as shown (the caption under the stage has the same numbers)
        t, b, s = numbers_in(page.locator("#anim-description").inner_text())[-3:]
        assert abs(parse(t) + parse(b) - parse(s)) <= half_unit([s]) + 1e-9, (t, b, s)
        assert any(f"{t} + " in d for d in drawn) and any(d.rstrip().endswith(s) for d in drawn), (t, s, drawn[-8:])

    # the fc output neuron's panel
    canvas = page.locator('section.layer[data-layer="fc3"] canvas').first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    canvas.click(position={"x": 0.5 * box["width"], "y": 0.05 * box["height"]})
    detail = page.locator("#detail-body")
    expect(detail.locator(".heading")).to_contain_text("fc3")
    expect(detail.locator("table.contrib")).to_be_visible()
    assert "(0)" not in detail.inner_text()
    expect(detail.locator(".class-of")).to_contain_text("0")
    rows = detail.locator("table.contrib tr").all()[1:]
    cells = [[r.locator("td").nth(i).inner_text() for i in (1, 3, 5)] for r in rows]
    for a, b, p in cells:  # each shown input × shown weight, rounded as the product, is the product
        assert abs(parse(a) * parse(b) - parse(p)) <= half_unit([p]) + 1e-12, (a, b, p)
    products = [p for *_, p in cells]
    shown_sum = detail.locator(".formula.shown .num").last.inner_text()
    assert abs(sum(parse(p) for p in products) - parse(shown_sum)) <= half_unit([shown_sum]), (products, shown_sum)
    nums = detail.locator(".formula.total .num").all_inner_texts()
    terms, total = nums[:3], nums[3]
    assert terms[0] == shown_sum
    assert abs(sum(parse(v) for v in terms) - parse(total)) <= half_unit([total]), nums
    assert not page.errors


@pytest.mark.parametrize("sized", CASES, indirect=True, ids=["-".join(c) for c in CASES])
def test_the_loss_and_the_steps_read_true(sized):
    """Right answer 6, learning rate 0.01, two steps: the loss on the stepped copy is tiny, not 0."""
    page = sized
    page.click("#bw-show")
    page.wait_for_selector("#bw-layers canvas")
    page.select_option("#bw-label", "6")
    expect(page.locator("#bw-loss-body .formula")).to_contain_text("p[6]")
    page.select_option("#bw-rate", "0.01")
    for n in (1, 2):
        page.click("#bw-step")
        page.wait_for_selector(f"#bw-history tr >> nth={n}")
        page.wait_for_selector("#backward[data-state=ready]")
        formula = page.text_content("#bw-loss-body .formula").replace("\u00a0", " ")
        value = page.text_content("#bw-loss-body .formula strong").replace("\u00a0", " ")
        assert not re.search(r"=\s*0$", formula.strip()) and "ln 1 " not in formula + " ", formula
        if value.startswith("<"):  # a bound: p > 0.9999 and L < 0.0001, both said
            assert "> 0.9999" in formula and value == "< 0.0001", formula
        else:  # −ln (the shown p), rounded as the shown L, is the shown L
            p_text = formula.split("ln")[-1].split("=")[0]
            p, _ = scientific(p_text)
            digits = len(re.sub(r"[^\d]", "", p_text.split("×")[0]).lstrip("0"))
            assert digits <= 5, formula  # the fewest digits the loss needs, not seven
            loss, half = scientific(value)
            assert abs(-math.log(p) - loss) <= half * 1.0001, formula
    table = page.locator("#bw-history").inner_text().replace("\u00a0", " ")
    assert "100%" not in table.replace("> 99.99%", ""), table
    for row in page.locator("#bw-history tr").all()[1:]:
        before, after = row.locator("td").nth(2).inner_text().split("→")
        for v in (before, after):
            assert v.strip().startswith("<") or parse(v.replace("×10", "e").split("e")[0]) > 0, row.inner_text()
    # the table is about the stepped copy: said next to it, so it does not contradict the Prediction panel
    note = page.text_content("#bw-step-note")
    assert ("your own copy" if page.lang == "en" else "副本") in note, note
    assert not page.errors



@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_certain_answer_never_reads_100_percent(page, lang):
    """float32 softmax rounds a very sure answer to exactly 1 (a thick stroke of 1 does): the guess, the
    bar chart's table and the softmax arithmetic say "> 99.99%", as every other probability does (the
    guess read "The network says 1 (100%)"). The server's answer is the real one with its top
    probability set to that float32 1."""
    def certain(route):
        answer = route.fetch().json()
        top = answer["prediction"]["index"]
        answer["probabilities"] = [1.0 if i == top else 0.0 for i in range(len(answer["probabilities"]))]
        answer["prediction"]["probability"] = answer["top"][0]["probability"] = 1.0
        answer["top"][1]["probability"] = 0.0
        route.fulfill(json=answer)
    open_app(page, f"?lang={lang}")
    page.route("**/api/models/digits/predict*", certain)
    page.locator("#gallery button").nth(1).click()
    expect(page.locator("#guess")).to_contain_text("> 99.99%")
    shown = page.locator("#guess").inner_text() + page.locator("#prob-chart").inner_text()
    assert "100%" not in shown.replace("> 99.99%", "") and " 0%" not in shown, shown
    page.unroute_all(behavior="ignoreErrors")  # a stroke's request still on its way when the page closes
