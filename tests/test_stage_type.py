"""The step-by-step stage read from the back row and on a phone, measured: lib/stage.js notes on the
canvas (data-min-number-px) the smallest size in CSS px of any text with a digit it drew in the
frame; every kind's animation is stepped through at 1920×1080 in large type (≥ 24 px) and on a
390×844 phone (≥ 14 px), and the stage with its play bar fits a 1366×768 screen."""
import pytest
from playwright.sync_api import expect

from conftest import new_page, open_app

# one layer of every kind in the digits network; relu1 is an activation on maps, relu3 on a vector
LAYERS = ["conv1", "conv2", "relu1", "pool1", "flatten", "fc1", "relu3", "fc3", "softmax"]
VIEWPORTS = {"1080p": (1920, 1080, 1), "phone": (390, 844, 1), "1366": (1366, 768, 1), "720p150": (853, 480, 1.5)}


def open_stage(browser, server, name, query):
    w, h, dpr = VIEWPORTS[name]
    phone = name == "phone"
    page = new_page(browser, server, viewport={"width": w, "height": h}, device_scale_factor=dpr,
                    is_mobile=phone, has_touch=phone)
    open_app(page, query)
    page.locator("#gallery button").nth(1).click()
    expect(page.locator("#status")).to_have_text("")  # its answer drawn (the first example was already on show)
    expect(page.locator("#guess .big")).not_to_be_empty()
    return page


def smallest_number(page, layer):
    """The smallest number size drawn over a few steps of a layer's animation (start, middle, end)."""
    page.select_option("#anim-layer", layer)
    expect(page.locator("#anim-status")).to_have_text("")
    if page.locator("#anim-play").get_attribute("aria-pressed") == "true":
        page.locator("#anim-play").click()
    steps = int(page.locator("#anim-scrub").get_attribute("max")) + 1
    sizes = []
    for step in sorted({0, steps // 2, steps - 1}):
        page.locator("#anim-scrub").fill(str(step))
        expect(page.locator("#anim-counter")).to_contain_text(f"{step + 1}")
        sizes.append(float(page.locator("#anim-canvas").get_attribute("data-min-number-px")))
    return min(sizes)


@pytest.mark.parametrize("name,query,least", [
    ("1080p", "?lang=en&large=1", 24), ("1080p", "?lang=zh&large=1", 24), ("phone", "?lang=en", 14),
    ("phone", "?lang=zh&large=1", 14)])
def test_every_kind_draws_its_numbers_large_enough(browser, server, name, query, least):
    page = open_stage(browser, server, name, query)
    sizes = {layer: smallest_number(page, layer) for layer in LAYERS}
    sizes["whole pass"] = smallest_number(page, "*")
    print(f"\n{name} {query}: smallest stage number in CSS px per layer {sizes}")
    assert min(sizes.values()) >= least, sizes
    if name == "phone":  # the tall layout: the whole stage in the phone's width, no sideways scroll
        fits = page.evaluate("""(() => { const c = document.getElementById('anim-canvas');
            return c.classList.contains('tall') && c.getBoundingClientRect().right <= c.parentElement.getBoundingClientRect().right + 0.5
                && c.parentElement.scrollWidth <= c.parentElement.clientWidth; })()""")
        assert fits, "the stage does not fit the phone's width"
    page.context.close()


@pytest.mark.parametrize("query", ["?lang=en", "?lang=en&large=1"])
def test_stage_and_play_bar_fit_a_1366x768_screen(browser, server, query):
    page = open_stage(browser, server, "1366", query)
    page.evaluate("document.getElementById('anim-canvas').scrollIntoView({ block: 'start', behavior: 'instant' })")
    stage = page.locator("#anim-canvas").bounding_box()
    bar = page.locator("#stepper .player").bounding_box()
    assert stage["y"] >= -1 and bar["y"] + bar["height"] <= 768, (stage, bar)
    page.context.close()


def test_turning_the_phone_keeps_the_step_and_changes_the_layout(browser, server):
    page = open_stage(browser, server, "phone", "?lang=en")
    page.select_option("#anim-layer", "conv2")
    expect(page.locator("#anim-status")).to_have_text("")
    if page.locator("#anim-play").get_attribute("aria-pressed") == "true":
        page.locator("#anim-play").click()
    page.locator("#anim-scrub").fill("41")
    expect(page.locator("#anim-counter")).to_have_text("step 42 of 100")
    canvas = page.locator("#anim-canvas")
    expect(canvas).to_have_class("stage tall")
    tall = canvas.bounding_box()
    assert tall["height"] > tall["width"]
    page.set_viewport_size({"width": 844, "height": 390})  # turned sideways: the wide stage, the same step
    expect(canvas).to_have_class("stage")
    wide = canvas.bounding_box()
    assert wide["width"] > wide["height"]
    expect(page.locator("#anim-counter")).to_have_text("step 42 of 100")
    assert float(canvas.get_attribute("data-min-number-px")) >= 11
    page.context.close()
