"""Every formula a learner reads adds up as displayed: for every layer kind of both models,
click neurons, read the numbers on screen, and check the terms add up to the total shown
within the displayed rounding; the same for the step-by-step captions. No e-notation anywhere."""
import re

import pytest
from playwright.sync_api import expect

from conftest import open_app
from screen_numbers import adds_up, cells, numbers_in, parse, spans


def click_neuron(page, layer, channel=0, fx=0.5, fy=0.5):
    canvas = page.locator(f'section.layer[data-layer="{layer}"] canvas').nth(channel)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    canvas.click(position={"x": fx * box["width"], "y": fy * box["height"]})
    page.wait_for_function("""() => {  // the panel shows the neuron the URL names (not the one before)
        const m = /neuron=([^&]+)/.exec(location.search);
        const [layer, where] = decodeURIComponent(m ? m[1] : '').split(':');
        const heading = document.querySelector('#detail-body .heading');
        return heading && heading.textContent.startsWith(`${layer}, `) && heading.textContent.includes(`[${where.split(',').join(', ')}]`);
    }""")
    return page.locator("#detail-body")


def check(ok_error_tolerance, what):
    ok, error, tolerance = ok_error_tolerance
    assert ok, f"{what}: off by {error:.6f} > {tolerance:.6f}"


def check_conv(detail):
    for block in detail.locator(".channel").all():
        products = cells(block.locator("table.num-grid").nth(2))
        channel_sum = spans(block.locator(".formula"))[-1]
        check(adds_up(products, channel_sum), "products -> channel sum")
    nums = spans(detail.locator(".formula.total"))
    terms, total, output = nums[:-2], nums[-2], nums[-1]
    check(adds_up(terms, total), "channel sums + bias -> total")
    assert parse(total) == parse(output)


def check_pool(detail, kind):
    window = cells(detail.locator("table.num-grid"))
    if kind == "maxpool":
        out = spans(detail.locator(".formula").last)[-1]
        assert max(parse(v) for v in window) == parse(out)
        assert detail.locator("td.win").inner_text() == out
    else:
        nums = spans(detail.locator(".formula.total"))
        check(adds_up(nums[:-1], nums[-1]), "window -> total")


def check_dense(detail):
    rows = detail.locator("table.contrib tr").all()[1:]
    products = [r.locator("td").nth(5).inner_text() for r in rows]
    shown = spans(detail.locator(".formula.shown"))[-1]
    check(adds_up(products, shown), "largest products -> their sum")
    nums = spans(detail.locator(".formula.total"))
    check(adds_up(nums[:3], nums[3]), "shown + rest + bias -> total")


def check_softmax(detail):
    nums = spans(detail.locator(".formula.total"))
    check(adds_up(nums[:-1], nums[-1]), "exponentials -> their sum")
    ratio = detail.locator(".formula.ratio")
    e, s = spans(ratio)
    p = float(re.search(r"([\d.]+)%", ratio.inner_text())[1]) / 100
    assert abs(parse(e) / parse(s) - p) <= 0.0005 + 1e-3 / parse(s) + 1e-9


def check_elementwise(detail, kind):
    x, y = spans(detail.locator(".formula").nth(1))
    if kind == "relu":
        assert parse(y) == max(0.0, parse(x))


def check_detail(page, detail, kind):
    text = detail.inner_text()
    assert not re.search(r"\de[+-]?\d", text), text  # no e-notation
    assert "NaN" not in text and "undefined" not in text
    {"conv": check_conv, "dense": check_dense, "softmax": check_softmax}.get(kind, lambda d: None)(detail)
    if kind in ("maxpool", "avgpool"):
        check_pool(detail, kind)
    if kind in ("relu", "tanh", "sigmoid"):
        check_elementwise(detail, kind)


POSITIONS = [(0.5, 0.5), (0.2, 0.3), (0.8, 0.7)]


@pytest.mark.parametrize("model,example", [("digits", 0), ("digits", 7), ("fashion", 3)])
def test_every_formula_on_screen_adds_up(page, model, example):
    open_app(page, f"?lang=en&model={model}")
    page.locator("#gallery button").nth(example).click()
    expect(page.locator("#status")).to_have_text("")  # its answer drawn (the first example was already on show)
    expect(page.locator("#guess .big")).not_to_be_empty()
    layers = page.evaluate("""async (m) => (await (await fetch('/api/models/' + m)).json()).layers.map((l) => [l.name, l.kind])""", model)
    for name, kind in layers:
        if kind == "flatten":
            continue  # one number, checked by the animation tests
        channels = page.locator(f'section.layer[data-layer="{name}"] canvas').count()
        for k, (fx, fy) in enumerate(POSITIONS):
            detail = click_neuron(page, name, channel=(3 * k + 1) % channels, fx=fx, fy=fy)
            check_detail(page, detail, kind)
    assert page.errors == []


def caption(page):
    return page.locator("#anim-description").inner_text()


def goto_step(page, step):
    page.locator("#anim-scrub").fill(str(step - 1))
    expect(page.locator("#anim-counter")).to_contain_text(f"step {step} of")


def choose(page, layer, channel=None):
    page.select_option("#anim-layer", layer)
    expect(page.locator("#anim-status")).to_have_text("")
    if channel is not None:
        page.select_option("#anim-channel", str(channel))
        expect(page.locator("#anim-status")).to_have_text("")
    if page.locator("#anim-play").get_attribute("aria-pressed") == "true":
        page.locator("#anim-play").click()


@pytest.mark.parametrize("model", ["digits", "fashion"])
def test_every_caption_adds_up(page, model):
    open_app(page, f"?lang=en&model={model}")
    page.locator("#gallery button").nth(2).click()
    expect(page.locator("#status")).to_have_text("")  # its answer drawn (the first example was already on show)
    expect(page.locator("#guess .big")).not_to_be_empty()
    layers = page.evaluate("""async (m) => (await (await fetch('/api/models/' + m)).json()).layers.map((l) => [l.name, l.kind])""", model)
    for name, kind in layers:
        choose(page, name)
        total = int(re.search(r"of (\d+)", page.locator("#anim-counter").inner_text())[1])
        for step in sorted({1, total // 2 + 1, total}):
            goto_step(page, step)
            text = caption(page)
            assert not re.search(r"\de[+-]?\d", text), text
            if kind == "conv":  # "... sum of patch × weights T + bias B = S"
                t, b, s = numbers_in(text.split("weights")[1])
                check(adds_up([t, b], s), f"{name} step {step}")
            if kind == "dense" and step == total and "bias" in text:
                nums = numbers_in(text.split("weights")[1])
                check(adds_up(nums[:3], nums[3]), f"{name} last step")
            if kind == "softmax" and step > 11 and step <= total:
                e, s = numbers_in(text.split(": ")[-1])[:2]
                p = float(re.search(r"([\d.]+)%", text)[1]) / 100 if "<" not in text and ">" not in text else None
                if p is not None:
                    assert abs(parse(e) / parse(s) - p) <= 0.0005 + 1e-3 / parse(s)
    assert page.errors == []
