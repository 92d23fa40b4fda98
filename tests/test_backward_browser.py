"""How it learns, in Chromium: the numbers on screen add up (loss, gradient arithmetic, the
numerical check, Karn's example), a step lowers the loss and the next step starts where it ended,
in English and Chinese, at a laptop, projector and phone size."""
import math
import re

import pytest
from playwright.sync_api import expect

from conftest import SCREENS, new_page, open_app
from screen_numbers import SCIENTIFIC, gradient_checks, scientific

def number(text):
    return scientific(text)[0]


def assert_adds_up(terms, total, what):
    slack = 1e-3 * (sum(abs(v) for v in terms) + abs(total)) + 1e-12
    assert abs(sum(terms) - total) <= slack, (what, terms, total)


def read_checks(page):
    """Every .sum-check and .product-check in the gradient panel adds up as shown."""
    return gradient_checks(page, "#bw-detail")


def click_map(page, selector, x=3, y=3):
    page.eval_on_selector("#bw-detail", "d => d.replaceChildren()")
    page.locator(selector).first.click(position={"x": x, "y": y})
    page.wait_for_selector("#bw-detail .total, #bw-detail .formula strong")


def wrong_label(page):
    predicted = page.eval_on_selector("#bw-label", "s => Number(s.value)")
    return (predicted + 3) % 10


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_numbers_on_screen_add_up(page, lang):
    open_app(page, f"?lang={lang}")
    page.click("#gallery button >> nth=0")
    expect(page.locator("#status")).to_have_text("")  # its answer drawn (the first example was already on show)
    expect(page.locator("#prep-strip li").first).to_be_visible()
    # no gradients' player before there are gradients (it showed empty menus, a blank stage and a dead ▶)
    expect(page.locator(".bw-anim")).to_be_hidden()
    page.click("#bw-show")
    page.wait_for_selector("#bw-layers canvas")
    expect(page.locator(".bw-anim")).to_be_visible()
    label = wrong_label(page)
    page.select_option("#bw-label", str(label))
    expect(page.locator("#bw-loss-body .formula")).to_contain_text(f"p[{label}]")
    # the loss: L = -ln p = value
    text = page.text_content("#bw-loss-body .formula")
    p, loss = [number(v) for v in SCIENTIFIC.findall(text.split("ln", 2)[2])][:2]
    assert loss == pytest.approx(-math.log(p), rel=2e-3)
    assert loss > 1  # a wrong answer costs a lot
    # a layer output's gradient through each rule: ReLU (fc2, conv1), dense (relu3 via fc2), conv (pool1 via
    # conv2, the input via conv1), max pooling (relu2 via pool2), cross-entropy (softmax)
    for layer, rule_count in (("fc2", 1), ("relu3", 1), ("conv1", 1), ("pool1", 1), ("relu2", 1), ("input", 1), ("softmax", 0)):
        click_map(page, f"#bw-layers section[data-layer={layer}] canvas", 4, 4)
        assert len(read_checks(page)) >= rule_count, layer
    # the logits: p - one-hot
    logits = page.locator("#bw-layers section[data-layer=fc3] canvas").first.bounding_box()
    click_map(page, "#bw-layers section[data-layer=fc3] canvas", (label + 0.5) * logits["width"] / 10, 3)
    (check,) = read_checks(page)  # the label's: p − 1 (it read "p 8.42×10⁻⁹ + − one-hot (−1) = −1")
    assert check["kind"] == "difference" and number(check["parts"][1]) == 1
    assert re.fullmatch(r"p − (one-hot|独热) = \S+ − 1 = \S+", check["text"]), check["text"]
    # a weight's gradient and its numerical check
    click_map(page, "#bw-params section[data-param='conv2.weight'] canvas", 8, 8)
    page.wait_for_selector("#bw-detail .grad-check")
    read_checks(page)
    numeric, backprop = number(page.text_content("#bw-detail .numeric")), number(page.text_content("#bw-detail .backprop"))
    assert numeric == pytest.approx(backprop, rel=2e-2)
    # Karn's example, as printed
    page.click(".bw-karn summary")
    (karn,) = page.eval_on_selector_all("#bw-karn .sum-check", "els => els.map(e => e.textContent)")
    terms = [number(v) for v in page.eval_on_selector_all("#bw-karn .sum-check .term", "els => els.map(e => e.textContent)")]
    assert terms == [0.02, 0.08, 0.405, 0.045] and number(page.text_content("#bw-karn .total")) == 0.55
    assert not page.errors


def step(page, n):
    page.click("#bw-step")
    page.wait_for_selector(f"#bw-history tr >> nth={n}")
    page.wait_for_selector("#backward[data-state=ready]")  # the maps and the loss show the new weights
    cells = page.eval_on_selector_all(f"#bw-history tr:nth-child({n + 1}) td", "tds => tds.map(t => t.textContent)")
    before, after = [number(v) for v in cells[2].split("→")]
    return before, after, cells


def test_steps_lower_the_loss_and_continue_from_the_stepped_weights(page):
    open_app(page, "?lang=en")
    gallery_label = page.get_attribute("#gallery button >> nth=0", "data-label")
    page.click("#gallery button >> nth=0")
    expect(page.locator("#status")).to_have_text("")  # its answer drawn (the first example was already on show)
    expect(page.locator("#prep-strip li").first).to_be_visible()
    page.click("#bw-show")
    page.wait_for_selector("#bw-layers canvas")
    assert page.eval_on_selector("#bw-label", "s => s.value") == gallery_label  # the default right answer
    label = wrong_label(page)
    page.select_option("#bw-label", str(label))
    expect(page.locator("#bw-loss-body .formula")).to_contain_text(f"p[{label}]")
    page.select_option("#bw-rate", "0.001")
    b1, a1, cells = step(page, 1)
    b2, a2, _ = step(page, 2)
    assert a1 < b1 and b2 == pytest.approx(a1, rel=1e-3) and a2 < b2
    assert "down" in page.text_content("#bw-step-note") or "forget" in page.text_content("#bw-step-note")
    shown = number(page.text_content("#bw-loss-body .formula").split("=")[-1])
    assert shown == pytest.approx(a2, rel=2e-3)  # the maps now show the stepped weights
    loss_text = page.text_content("#bw-loss-body .formula strong")
    page.select_option("#lang-select", "zh")  # the panel speaks Chinese and keeps the learner's weights and steps
    expect(page.locator("#bw-heading")).to_have_text("它怎样学习")
    expect(page.locator("#bw-history tr")).to_have_count(3)
    expect(page.locator("#bw-loss-body .formula strong")).to_have_text(loss_text)
    expect(page.locator("#bw-loss-body p").first).to_contain_text("交叉熵")
    page.click("#bw-reset")
    expect(page.locator("#bw-history tr")).to_have_count(0)
    expect(page.locator("#bw-loss-body .formula strong")).to_have_text(cells[2].split("→")[0].strip())
    assert not page.errors


def test_squared_error_and_a_too_large_learning_rate(page):
    open_app(page, "?lang=en&model=fashion")
    page.click("#gallery button >> nth=0")
    expect(page.locator("#status")).to_have_text("")  # its answer drawn (the first example was already on show)
    expect(page.locator("#prep-strip li").first).to_be_visible()
    page.click("#bw-show")
    page.wait_for_selector("#bw-layers canvas")
    page.select_option("#bw-loss", "squared_error")
    page.wait_for_selector("#bw-loss-body .sum-check")
    terms = [number(v) for v in page.eval_on_selector_all("#bw-loss-body .term", "els => els.map(e => e.textContent)")]
    assert_adds_up(terms, number(page.text_content("#bw-loss-body .total")), "squared error")
    old = page.text_content("#bw-loss-body .total")
    page.select_option("#bw-label", str((page.eval_on_selector("#bw-label", "s => Number(s.value)") + 1) % 10))
    expect(page.locator("#bw-loss-body .total")).not_to_have_text(old)
    page.select_option("#bw-rate", "1")
    before, after, cells = step(page, 1)
    assert after > before, cells  # overshoot: the loss jumps up
    assert "UP" in page.text_content("#bw-step-note")
    assert page.eval_on_selector("#bw-history tr:nth-child(2)", "tr => tr.className") == "worse"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", [SCREENS[name] for name in ("phone", "1366", "1080p")], ids=["phone", "1366", "1080p"])
def test_panel_fits_and_the_arithmetic_comes_into_view(browser, server, lang, size):
    page = new_page(browser, server, **size)
    try:
        open_app(page, f"?lang={lang}")
        page.click("#gallery button >> nth=0")
        expect(page.locator("#status")).to_have_text("")  # its answer drawn (the first example was already on show)
        expect(page.locator("#prep-strip li").first).to_be_visible()
        page.click("#bw-show")
        page.wait_for_selector("#bw-layers canvas")
        click_map(page, "#bw-layers section[data-layer=pool2] canvas", 3, 3)
        box = page.locator("#bw-detail").bounding_box()
        height = page.evaluate("innerHeight")
        assert box["y"] < height and box["y"] + min(box["height"], 50) > 0  # in view after the click
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
        assert page.eval_on_selector("#bw-heading", "h => parseFloat(getComputedStyle(h).fontSize)") >= 18
        heading = page.text_content("#bw-heading")
        assert heading == ("How it learns" if lang == "en" else "它怎样学习")
        assert not page.errors
    finally:
        page.context.close()


def test_every_backward_animation_plays_on_the_player(page):
    open_app(page, "?lang=zh")
    page.click("#gallery button >> nth=1")
    expect(page.locator("#status")).to_have_text("")  # its answer drawn (the first example was already on show)
    expect(page.locator("#prep-strip li").first).to_be_visible()
    page.click("#bw-show")
    page.wait_for_selector("#bw-layers canvas")
    layers = page.eval_on_selector("#bw-anim-layer", "s => [...s.options].map(o => o.value)")
    assert layers[0] == "conv1" and len(layers) == 13
    for layer in layers:
        page.eval_on_selector("#bw-anim-description", "d => d.replaceChildren()")
        page.select_option("#bw-anim-layer", layer)
        expect(page.locator("#bw-anim-description")).to_have_text(re.compile(r"\S"))
        counter = page.text_content("#bw-anim-counter")
        total = int(counter.split("/")[1])
        page.click("#bw-anim-canvas")
        page.keyboard.press("End")
        expect(page.locator("#bw-anim-counter")).to_have_text(f"{total} / {total}")
        # every number drawn at least the stage's MIN_TEXT (18 of its 1000 logical px), as on the forward stage
        smallest, width = page.eval_on_selector("#bw-anim-canvas", "c => [Number(c.dataset.minNumberPx), c.clientWidth]")
        assert smallest >= 18 * width / 1000 - 0.01, (layer, smallest, width)
    assert not page.errors


GRADIENT_LAYOUT = """() => {
  const maps = document.querySelector('.bw-maps');
  const conv1 = [...document.querySelectorAll('#bw-layers section[data-layer=conv1] canvas')];
  const tops = new Set(conv1.map((c) => Math.round(c.getBoundingClientRect().top)));
  const fonts = [];
  for (const e of maps.querySelectorAll('.layer-head, .layer-head *')) {
    for (const n of e.childNodes) if (n.nodeType === 3 && n.textContent.trim()) fonts.push(parseFloat(getComputedStyle(e).fontSize));
  }
  const cut = [...maps.querySelectorAll('.layer-head > *')].filter((e) => {
    const r = e.getBoundingClientRect(), box = e.closest('section').getBoundingClientRect();
    return e.scrollWidth > e.clientWidth + 1 || r.right > box.right + 1 || r.left < box.left - 1;
  }).length;
  return { height: maps.getBoundingClientRect().height, conv1Maps: conv1.length, conv1Rows: tops.size,
           smallest: Math.min(...fonts), cut };
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", [
    dict(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, device_scale_factor=2),
    dict(viewport={"width": 1366, "height": 768}),
], ids=["phone", "laptop"])
def test_gradient_maps_sit_side_by_side_with_readable_legends(browser, server, lang, size):
    """Each layer's maps side by side (conv1's six in at most two rows), its range and legend whole
    and at least 12 px, and the maps at most six screens tall (they were one 84 px column, 8,800-9,400 px)."""
    page = new_page(browser, server, **size)
    try:
        open_app(page, f"?lang={lang}")
        page.click("#bw-show")
        page.wait_for_selector("#bw-layers section[data-layer=conv1] canvas")
        got = page.evaluate(GRADIENT_LAYOUT)
        assert got["conv1Maps"] == 6 and got["conv1Rows"] <= 2, got
        assert got["smallest"] >= 12, got
        assert got["cut"] == 0, got
        assert got["height"] <= 6 * size["viewport"]["height"], got
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
    finally:
        page.context.close()
