"""Step by step, in Chromium: the one player clock, every operation's animation
checked against the server's explain response, export, URL state, reduced motion."""
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from conftest import new_page, open_app
from screen_numbers import half_unit, numbers_in, parse


def pick_example(page, index=0):
    page.locator("#gallery button").nth(index).click()
    expect(page.locator("#status")).to_have_text("")  # its answer drawn (the first example was already on show)
    expect(page.locator("#guess .big")).not_to_be_empty()


def loaded(page):
    """The stepper says "Working…" while it fetches an animation, and nothing once it has it."""
    expect(page.locator("#anim-status")).to_have_text("")
    expect(page.locator("#anim-counter")).to_contain_text("step")


def choose(page, layer, channel=None):
    page.select_option("#anim-layer", layer)
    loaded(page)
    if channel is not None:
        page.select_option("#anim-channel", str(channel))
        loaded(page)
    pause(page)


def pause(page):
    if page.locator("#anim-play").get_attribute("aria-pressed") == "true":
        page.locator("#anim-play").click()
    expect(page.locator("#anim-play")).to_have_attribute("aria-pressed", "false")


def counter(page):
    m = re.match(r"step (\d+) of (\d+)", page.locator("#anim-counter").inner_text())
    return int(m[1]), int(m[2])


def go_to(page, step):
    """Scrub to a 1-based step."""
    page.locator("#anim-scrub").fill(str(step - 1))
    expect(page.locator("#anim-counter")).to_contain_text(f"step {step} of")


def description(page):
    return page.locator("#anim-description").inner_text()


def gallery_pixels(page, index=0):
    return page.evaluate("""(i) => {
        const img = document.querySelectorAll('#gallery img')[i];
        const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
        const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        return Array.from({ length: c.height }, (_, y) => Array.from({ length: c.width }, (_, x) => d[4 * (c.width * y + x)] / 255));
    }""", index)


def explain(page, layer, neuron, pixels, model="digits"):
    r = page.request.post(f"{page.base}/api/models/{model}/explain", data={"layer": layer, "neuron": neuron, "pixels": pixels})
    assert r.ok, r.text()
    return r.json()


def fmt(page, value):
    return page.evaluate("async (v) => (await import('/static/js/lib/grid.js')).fmt(v)", value)


def shows(text, value):
    """The number a caption shows (as the learner reads it) is value, rounded to the decimals shown."""
    shown = numbers_in(text)[-1] if not isinstance(text, list) else text[-1]
    return abs(parse(shown) - value) <= half_unit([shown]) + 1e-9


def test_convolution_steps_match_explain(page):
    open_app(page)
    pick_example(page)
    choose(page, "conv2", 3)
    assert counter(page)[1] == 100  # it autoplays: how far it got before the pause depends on timing
    pixels = gallery_pixels(page)
    for step in (1, 42, 100):
        go_to(page, step)
        y, x = divmod(step - 1, 10)
        truth = explain(page, "conv2", [3, y, x], pixels)
        assert f"row index {y}, column index {x}" in description(page)
        assert shows(description(page), truth["sum"])
    # step forward and back with the buttons
    page.locator("#anim-forward").click()
    expect(page.locator("#anim-counter")).to_have_text("step 100 of 100")  # already the last step
    page.locator("#anim-back").click()
    page.locator("#anim-back").click()
    expect(page.locator("#anim-counter")).to_have_text("step 98 of 100")
    page.locator("#anim-start").click()
    expect(page.locator("#anim-counter")).to_have_text("step 1 of 100")
    page.locator("#anim-end").click()
    expect(page.locator("#anim-counter")).to_have_text("step 100 of 100")
    assert page.errors == []


def test_relu_pool_flatten_steps_match_the_engine(page):
    open_app(page)
    pick_example(page, 3)
    pixels = gallery_pixels(page, 3)
    r = page.request.post(f"{page.base}/api/models/digits/predict?encoding=list", data={"pixels": pixels}).json()
    conv1 = {l["name"]: l["output"] for l in r["layers"]}["conv1"]
    choose(page, "relu1", 2)
    assert counter(page)[1] == 28
    go_to(page, 15)
    negatives = sum(1 for v in conv1[2][14] if v < 0)
    assert f"row index 14: {negatives} negative values become 0" in description(page)

    choose(page, "pool1", 4)
    assert counter(page)[1] == 196
    go_to(page, 30)
    truth = explain(page, "pool1", [4, 2, 1], pixels)
    assert description(page).endswith("becomes the output")
    assert shows(description(page).split("largest value")[1].split("becomes")[0], truth["output"])

    choose(page, "flatten")
    assert counter(page)[1] == 16
    go_to(page, 6)
    truth = explain(page, "flatten", [125], pixels)
    assert truth["source"][0] == 5 and "channel 5 becomes positions 125–149" in description(page)


def test_dense_and_softmax_steps_match_explain(page):
    open_app(page)
    pick_example(page, 8)
    pixels = gallery_pixels(page, 8)
    choose(page, "fc1", 17)
    steps = counter(page)[1]
    assert steps == 10 + 1 + 1 + 1  # the 10 largest contributions, the rest, the bias, the ReLU
    truth = explain(page, "fc1", [17], pixels)
    for k in (1, 5, 10):
        go_to(page, k)
        i = truth["largest"][k - 1]
        # the numbers multiplied, not the input's index ("input 0 × its weight = 2.7064" read as 0 × w)
        head, product = description(page).split("; running")[0].split(" = ")
        assert head.startswith(f"contribution {k}, from input no. {i}: ")
        x, w = head.split(": ")[1].split(" × its weight ")
        assert shows(x, truth["inputs"][i]) and shows(w, truth["weights"][i]) and shows(product, truth["products"][i])
        slack = abs(parse(w)) * half_unit([x]) + abs(parse(x)) * half_unit([w]) + half_unit([product])
        assert abs(parse(x) * parse(w) - parse(product)) <= slack  # as shown, it multiplies out
        assert shows(description(page), truth["running"][k - 1])
    go_to(page, steps - 1)
    assert shows(description(page), truth["sum"])

    choose(page, "softmax")
    assert counter(page)[1] == 21
    truth = explain(page, "softmax", [0], pixels)
    go_to(page, 4)
    assert shows(description(page), truth["exps"][3])
    go_to(page, 11)
    assert description(page).startswith("sum of exponentials = ") and shows(description(page), truth["exp_sum"])


def test_one_clock_play_pause_speed_and_keys(page):
    open_app(page)
    pick_example(page)
    choose(page, "conv1")
    page.select_option("#anim-speed", "50")
    stage = page.locator("#anim-canvas")
    stage.focus()
    page.keyboard.press(" ")
    expect(page.locator("#anim-play")).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(600)
    page.keyboard.press(" ")
    expect(page.locator("#anim-play")).to_have_attribute("aria-pressed", "false")
    paused_at = counter(page)[0]
    assert paused_at > 10  # ~50 steps/s for 0.6 s
    page.wait_for_timeout(400)
    assert counter(page)[0] == paused_at  # paused means paused
    page.keyboard.press("ArrowRight")
    expect(page.locator("#anim-counter")).to_have_text(f"step {paused_at + 1} of 784")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#anim-counter")).to_have_text(f"step {paused_at - 1} of 784")
    page.keyboard.press("End")
    expect(page.locator("#anim-counter")).to_have_text("step 784 of 784")
    page.keyboard.press("Home")
    expect(page.locator("#anim-counter")).to_have_text("step 1 of 784")
    page.locator("#anim-play").focus()  # space on a focused button presses it once, not twice
    page.keyboard.press(" ")
    expect(page.locator("#anim-play")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press(" ")
    expect(page.locator("#anim-play")).to_have_attribute("aria-pressed", "false")


def test_whole_pass_plays_every_layer(page):
    open_app(page)
    pick_example(page)
    choose(page, "*")
    steps = counter(page)[1]
    assert 13 <= steps <= 40  # a story of a few dozen meaningful steps, not 1,229
    assert page.locator("#anim-speed").input_value() == "1"
    captions = []
    for step in range(1, steps + 1):
        go_to(page, step)
        captions.append(description(page))
    for i, layer in enumerate(page.evaluate("async () => (await (await fetch('/api/models/digits')).json()).layers.map((l) => l.name)")):
        assert any(c.startswith(f"{layer} · layer {i + 1} of 13") for c in captions), layer
    predicted = page.locator("#guess .big").inner_text()
    assert captions[-1].startswith(f"softmax · layer 13 of 13: {predicted}: ")  # it ends on the prediction


@pytest.mark.parametrize("layer,button,frames", [("relu2", "#anim-gif", 10), ("conv1", "#anim-gif-short", 24)])
def test_export_gif_and_png(page, layer, button, frames):
    open_app(page)
    pick_example(page)
    choose(page, layer)
    with page.expect_download(timeout=120_000) as info:
        page.locator(button).click()
    gif = Image.open(info.value.path())
    assert gif.format == "GIF" and gif.n_frames == frames and gif.size == (1280, 768)  # legible on a slide
    durations = []
    for i in range(gif.n_frames):
        gif.seek(i)
        durations.append(gif.info["duration"])
    if button == "#anim-gif-short":
        assert sum(durations) <= 15_000, sum(durations)  # the short version: under 15 s on a slide
    expect(page.locator("#anim-status")).to_have_text(f"GIF saved ({frames} frames).")
    with page.expect_download() as info:
        page.locator("#anim-png").click()
    png = Image.open(io.BytesIO(open(info.value.path(), "rb").read()))
    assert png.format == "PNG" and png.size == (1920, 1152)  # a frame for a full-HD slide, whatever the screen
    assert info.value.suggested_filename.startswith(f"cnnviz-{layer}-")


def test_url_reopens_the_same_view(page, browser, server):
    open_app(page)
    pick_example(page, 2)
    choose(page, "conv2", 5)
    go_to(page, 37)
    pool1 = page.locator('section.layer[data-layer="pool1"] canvas').nth(2)
    box = pool1.bounding_box()  # the overview's size for this screen: click a neuron by where it sits
    pool1.click(position={"x": 0.5 * box["width"], "y": 0.7 * box["height"]})
    expect(page.locator("#detail-body")).to_contain_text("pool1, neuron")
    expect(page.locator("#anim-counter")).to_contain_text("of 196")  # the stepper follows the neuron
    go_to(page, 9)
    shown = (description(page), page.locator("#detail-body").inner_text(), page.locator("#guess").inner_text())
    url = page.url
    assert all(f"{k}=" in url for k in ("model", "input", "layer", "channel", "step", "neuron"))
    again = new_page(browser, server)
    again.goto(url)
    again.wait_for_selector("body[data-ready=true]")
    expect(again.locator("#anim-counter")).to_have_text("step 9 of 196")
    expect(again.locator("#detail-body")).to_contain_text("pool1, neuron")
    assert (description(again), again.locator("#detail-body").inner_text(), again.locator("#guess").inner_text()) == shown
    assert again.locator("#anim-layer").input_value() == "pool1"
    again.context.close()


def test_reduced_motion_starts_paused(browser, server):
    page = new_page(browser, server, reduced_motion="reduce")
    open_app(page)
    pick_example(page)
    expect(page.locator("#anim-counter")).to_contain_text("of 784")
    start = counter(page)[0]
    assert start > 1  # it starts where the picture is: the strongest output, not the empty corner
    page.wait_for_timeout(500)
    assert counter(page)[0] == start and page.locator("#anim-play").get_attribute("aria-pressed") == "false"
    page.locator("#anim-forward").click()
    expect(page.locator("#anim-counter")).to_have_text(f"step {start + 1} of 784")
    page.context.close()


def test_fashion_architecture_animates_too(page):
    open_app(page, "?lang=en&model=fashion")
    pick_example(page, 30)
    choose(page, "conv1_2", 7)
    assert counter(page)[1] == 24 * 24
    page.select_option("#anim-focus", "9")
    go_to(page, 100)
    pixels = gallery_pixels(page, 30)
    truth = explain(page, "conv1_2", [7, 4, 3], pixels, model="fashion")
    assert shows(description(page), truth["sum"])
    choose(page, "conv2_2", 0)
    assert counter(page)[1] == 8 * 8
    choose(page, "fc1", 3)
    assert counter(page)[1] == 13
    assert page.errors == []


def test_url_of_a_drawing_reproduces_it_exactly(page, browser, server):
    open_app(page)
    box = page.locator("#draw-canvas").bounding_box()
    page.mouse.move(box["x"] + 70, box["y"] + 60)
    page.mouse.down()
    page.mouse.move(box["x"] + 200, box["y"] + 60, steps=10)
    page.mouse.move(box["x"] + 110, box["y"] + 240, steps=10)
    page.mouse.up()
    expect(page.locator("#guess .big")).to_have_text("7")
    choose(page, "fc1", 5)
    go_to(page, 13)
    shown = (page.locator("#guess").inner_text(), description(page))
    again = new_page(browser, server)
    again.goto(page.url)
    again.wait_for_selector("body[data-ready=true]")
    expect(again.locator("#anim-counter")).to_have_text("step 13 of 13")
    assert (again.locator("#guess").inner_text(), description(again)) == shown
    again.context.close()


def test_click_while_playing_pauses_on_that_neuron(page):
    open_app(page)
    pick_example(page)
    choose(page, "conv1")
    page.select_option("#anim-speed", "20")
    page.locator("#anim-play").click()
    expect(page.locator("#anim-play")).to_have_attribute("aria-pressed", "true")
    conv2 = page.locator('section.layer[data-layer="conv2"] canvas').nth(4)
    conv2.scroll_into_view_if_needed()
    box = conv2.bounding_box()
    cell = box["width"] / 10
    conv2.click(position={"x": 6.5 * cell, "y": 3.5 * cell})  # neuron [4, 3, 6]
    expect(page.locator("#anim-counter")).to_have_text("step 37 of 100")
    expect(page.locator("#anim-play")).to_have_attribute("aria-pressed", "false")
    assert "filter 4, row index 3, column index 6" in description(page)
    assert page.locator("#anim-channel").input_value() == "4"
    page.wait_for_timeout(400)
    assert counter(page)[0] == 37  # paused on the neuron, not running on
    expect(page.locator("#detail-body .heading")).to_contain_text("conv2, neuron [4, 3, 6]")


def test_caption_follows_every_step_while_playing(page):
    open_app(page)
    pick_example(page)
    choose(page, "pool1", 2)
    page.select_option("#anim-speed", "5")
    page.locator("#anim-start").click()
    page.locator("#anim-play").click()
    seen = set()
    for _ in range(6):  # picture, counter and caption show the same step while playing
        step, caption = page.evaluate("[document.getElementById('anim-counter').textContent, document.getElementById('anim-description').textContent]")
        n = int(re.match(r"step (\d+)", step)[1]) - 1
        if f"row index {n // 14}, column index {n % 14}:" in caption:
            seen.add(n)
        page.wait_for_timeout(250)
    pause(page)
    assert len(seen) >= 3


def test_shared_link_reopens_exactly_the_view(page, browser, server):
    open_app(page, "?lang=en&model=fashion")
    pick_example(page, 12)
    choose(page, "conv1_2", 5)
    page.select_option("#anim-focus", "7")
    page.select_option("#anim-speed", "50")
    fc1 = page.locator('section.layer[data-layer="pool2"] canvas').nth(3)
    fc1.scroll_into_view_if_needed()
    fc1.click(position={"x": 1, "y": 1})
    expect(page.locator("#detail-body .heading")).to_contain_text("pool2, neuron [3, ")
    selected = page.locator("#detail-body .heading strong").inner_text()
    go_to(page, 1)
    choose(page, "conv1_2", 5)
    page.select_option("#anim-focus", "7")
    go_to(page, 50)
    shown = description(page)
    again = new_page(browser, server, viewport={"width": 1366, "height": 768})
    again.goto(page.url)
    again.wait_for_selector("body[data-ready=true]")
    expect(again.locator("#anim-counter")).to_have_text(page.locator("#anim-counter").inner_text())
    assert description(again) == shown
    assert again.locator("#anim-focus").input_value() == "7"
    assert again.locator("#anim-speed").input_value() == "50"
    assert again.locator("#anim-channel").input_value() == "5"
    expect(again.locator("#detail-body .heading strong")).to_have_text(selected)
    ink = again.evaluate("""(() => { const c = document.getElementById('draw-canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let dark = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 128) dark++; return dark; })()""")
    assert ink > 500  # the input is shown on the pad, not a blank pad
    row = again.locator('section.layer[data-layer="pool2"]').bounding_box()
    assert 0 <= row["y"] and row["y"] + row["height"] <= 768  # scrolled to the selected part
    again.context.close()


def test_skip_all_zero_patches(page):
    open_app(page)
    pick_example(page)
    choose(page, "conv1")
    assert counter(page)[1] == 784
    page.locator("#anim-skip").check()
    loaded(page)
    pause(page)
    steps = counter(page)[1]
    assert 100 < steps < 784 and "skip=1" in page.url
    pixels = gallery_pixels(page)
    go_to(page, 1)  # the first step played reads some ink
    f, y, x = map(int, re.search(r"filter (\d+), row index (\d+), column index (\d+)", description(page)).groups())
    truth = explain(page, "conv1", [f, y, x], pixels)
    assert any(v != 0 for row in truth["patch"][0] for v in row)
    assert shows(description(page), truth["sum"])
