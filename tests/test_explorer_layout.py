"""The Explore page fits the screen, measured: the whole network in view at once on laptop and
projector screens, the arithmetic in view after a click at every width from 320 px, the
stage with its play bar in one screen, readable font sizes, large type, no sideways scroll."""
import pytest
from playwright.sync_api import expect

from conftest import new_page, open_app
from wcag import contrast

VIEWPORTS = {  # name: (width, height, device scale factor)
    "phone": (390, 844, 1), "narrow": (320, 640, 1), "1024": (1024, 768, 1), "1366": (1366, 768, 1),
    "1080p": (1920, 1080, 1), "720p150": (853, 480, 1.5),
}


def open_at(browser, server, name, query="?lang=en"):
    w, h, dpr = VIEWPORTS[name]
    page = new_page(browser, server, viewport={"width": w, "height": h}, device_scale_factor=dpr,
                    is_mobile=name in ("phone", "narrow"), has_touch=name in ("phone", "narrow"))
    open_app(page, query)
    page.locator("#gallery button").nth(1).click()
    expect(page.locator("#status")).to_have_text("")  # its answer drawn (the first example was already on show)
    expect(page.locator("#guess .big")).not_to_be_empty()
    return page


def box_in_view(page, selector):
    return page.evaluate("""(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, w: innerWidth, h: innerHeight }; }""", selector)


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), "the page scrolls sideways"


@pytest.mark.parametrize("name", ["1366", "1080p"])
@pytest.mark.parametrize("model", ["digits", "fashion"])
def test_whole_network_in_view_at_once(browser, server, name, model):
    page = open_at(browser, server, name, f"?lang=en&model={model}")
    page.evaluate("document.getElementById('network').scrollIntoView({ block: 'start', behavior: 'instant' })")
    layers = page.evaluate("""() => Array.from(document.querySelectorAll('section.layer'), (s) => {
        const r = s.getBoundingClientRect(); return [s.dataset.layer, r.top, r.bottom, r.left, r.right]; })""")
    w, h, _ = VIEWPORTS[name]
    for layer, top, bottom, left, right in layers:
        assert top >= 0 and bottom <= h and left >= 0 and right <= w, f"{layer} is outside the {name} screen"
    assert page.evaluate("(() => { const c = document.getElementById('network-view'); return c.scrollWidth <= c.clientWidth + 1; })()")
    no_sideways_scroll(page)
    page.context.close()


OVERVIEW = """() => {
    const layers = Array.from(document.querySelectorAll('section.layer'), (s) => {
        const r = s.getBoundingClientRect(); return { name: s.dataset.layer, top: r.top, bottom: r.bottom, right: r.right }; });
    const canvas = document.querySelector('section.layer[data-layer^="conv2"] canvas');
    const mark = document.querySelector('.links rect.self')?.getBoundingClientRect();
    const detail = document.getElementById('detail');
    return { layers, cell: canvas.getBoundingClientRect().width / canvas.width, w: innerWidth, h: innerHeight,
             detail: detail.checkVisibility() ? detail.getBoundingClientRect().left : null,
             mark: mark && { left: mark.left, top: mark.top, right: mark.right, bottom: mark.bottom } };
}"""


def overview(page):
    """Where the overview's layers are, its neurons' size (CSS px), the arithmetic column's left edge
    (None while hidden) and the chosen neuron's mark, the network scrolled to the top of the screen."""
    page.evaluate("document.getElementById('network').scrollIntoView({ block: 'start', behavior: 'instant' })")
    return page.evaluate(OVERVIEW)


def in_view(box, view):
    return box["top"] >= 0 and box["bottom"] <= view["h"] and box.get("right", 0) <= view["w"]


# fashion's 16 layers needed two bands of 1 px neurons beside an empty column 710 px wide at 1080p
ONE_BAND_CELL = {("digits", "1366"): 2, ("digits", "1080p"): 4, ("fashion", "1366"): 1, ("fashion", "1080p"): 2}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", ["1366", "1080p"])
@pytest.mark.parametrize("model", ["digits", "fashion"])
def test_the_network_has_the_whole_width_until_a_neuron_is_chosen(browser, server, model, name, lang):
    """On wide screens the arithmetic sits beside the network once a neuron is chosen, not before: a
    network of many layers then lies in one band across the screen. After a click the network refits
    beside the arithmetic at once, every layer and the chosen neuron still in view; closing the
    arithmetic gives the width back."""
    page = open_at(browser, server, name, f"?lang={lang}&model={model}")
    before = overview(page)
    assert before["detail"] is None, "an empty arithmetic column takes the network's room"
    assert len({round(l["top"]) for l in before["layers"]}) == 1, f"the layers wrap into bands: {before['layers']}"
    assert all(in_view(l, before) for l in before["layers"]), before["layers"]
    assert before["cell"] >= ONE_BAND_CELL[model, name], before["cell"]

    canvas = page.locator('section.layer[data-layer^="conv2"] canvas').nth(3)
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#detail-body .formula.total")).to_be_visible()
    after = overview(page)
    assert after["detail"] is not None and all(l["right"] <= after["detail"] for l in after["layers"]), after
    assert all(in_view(l, after) for l in after["layers"]), after["layers"]
    assert after["mark"] and in_view(after["mark"], after), after["mark"]  # the chosen neuron, marked, in view
    if model == "digits":  # a network that fits beside the arithmetic does not move under the click
        assert after["layers"] == before["layers"] and after["cell"] == before["cell"]
    heading = box_in_view(page, "#detail-body .heading")
    assert 0 <= heading["top"] and heading["bottom"] <= heading["h"], heading

    page.locator("#detail-close").click()
    closed = overview(page)
    assert closed["detail"] is None and closed["layers"] == before["layers"] and closed["cell"] == before["cell"]
    no_sideways_scroll(page)
    page.context.close()


@pytest.mark.parametrize("name", list(VIEWPORTS))
def test_arithmetic_in_view_after_a_click(browser, server, name):
    page = open_at(browser, server, name)
    canvas = page.locator('section.layer[data-layer="conv2"] canvas').nth(1)
    canvas.scroll_into_view_if_needed()
    canvas.click(position={"x": 2, "y": 2})
    expect(page.locator("#detail-body .formula.total")).to_be_visible()
    heading = box_in_view(page, "#detail-body .heading")
    assert 0 <= heading["top"] and heading["bottom"] <= heading["h"], heading
    products = box_in_view(page, "#detail-body .channel")
    assert products["top"] < products["h"], "the first products are below the screen"
    # patch × weights = products side by side where there is room
    if VIEWPORTS[name][0] >= 1366:
        tops = page.evaluate("Array.from(document.querySelectorAll('#detail-body .channel')[0].querySelectorAll('figure'), (f) => f.getBoundingClientRect().top)")
        assert tops[0] == tops[1], "patch and weights are not side by side"
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#detail-body .formula.total')).fontSize)")
    assert size >= 16
    grids = page.evaluate("Array.from(document.querySelectorAll('#detail-body table.num-grid td'), (td) => parseFloat(getComputedStyle(td).fontSize))")
    assert grids and min(grids) >= 12, min(grids)  # the patch, weights and products: 9.6-11.7 px before (0.6rem)
    no_sideways_scroll(page)
    page.context.close()


@pytest.mark.parametrize("name", ["1366", "1080p", "1024"])
def test_stage_and_play_bar_fit_one_screen(browser, server, name):
    page = open_at(browser, server, name)
    page.evaluate("document.getElementById('stepper').scrollIntoView({ block: 'start', behavior: 'instant' })")
    stage, bar = box_in_view(page, "#anim-canvas"), box_in_view(page, ".player")
    assert stage["top"] >= 0 and bar["bottom"] <= bar["h"], (stage, bar)
    page.context.close()


def test_phone_reads_without_zoom(browser, server):
    page = open_at(browser, server, "phone")
    stage = box_in_view(page, "#anim-canvas")
    assert stage["right"] - stage["left"] >= 0.8 * 390  # the stage spans the phone's width or more
    # the stage's smallest number, as drawn (lib/stage.js notes it): readable without pinch-zoom
    assert float(page.locator("#anim-canvas").get_attribute("data-min-number-px")) >= 14
    for selector in ("#anim-description", ".bar-row", "#guess .text"):
        assert page.evaluate("(s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)", selector) >= 14
    no_sideways_scroll(page)
    page.context.close()


@pytest.mark.parametrize("name", ["1366", "1080p"])
def test_large_type_for_projectors(browser, server, name):
    page = open_at(browser, server, name)
    page.locator("#large-type").check()
    assert "large=1" in page.url
    page.locator('section.layer[data-layer="fc1"] canvas').click(position={"x": 1, "y": 1})
    expect(page.locator("#detail-body .formula.total")).to_be_visible()
    sizes = page.evaluate("""Array.from(document.querySelectorAll('#detail-body table.contrib td, #detail-body .formula.total'),
        (e) => parseFloat(getComputedStyle(e).fontSize))""")
    assert min(sizes) >= 24, sizes
    # the products, the table's last column, inside the panel (they were cut off by 73 and 160 px)
    table, panel = (page.locator(s).bounding_box() for s in ("#detail-body table.contrib", "#detail"))
    assert table["x"] + table["width"] <= panel["x"] + panel["width"], (table, panel)
    no_sideways_scroll(page)
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_large_type_on_a_phone_shows_every_product(browser, server, lang):
    """A neuron's ten contributions in large type on a phone: the products (the table's last column)
    inside the sheet (they were 82 px beyond its edge), no number under 14 px, and each product
    readable on its colour (black on the darkest brown before)."""
    page = open_at(browser, server, "phone", f"?lang={lang}&large=1")
    page.locator('section.layer[data-layer="fc1"] canvas').click(position={"x": 1, "y": 1})
    expect(page.locator("#detail-body .formula.total")).to_be_visible()
    table, panel = (page.locator(s).bounding_box() for s in ("#detail-body table.contrib", "#detail"))
    assert table["x"] + table["width"] <= panel["x"] + panel["width"], (table, panel)
    cells = page.locator("#detail-body table.contrib td")
    assert min(cells.evaluate_all("(cs) => cs.map((c) => parseFloat(getComputedStyle(c).fontSize))")) >= 14
    products = page.locator("#detail-body table.contrib tr td:last-child")
    colours = products.evaluate_all("(cs) => cs.map((c) => [getComputedStyle(c).color, getComputedStyle(c).backgroundColor])")
    ratios = [contrast(text, background) for text, background in colours]
    assert len(ratios) == 10 and min(ratios) >= 4.5, ratios
    no_sideways_scroll(page)
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", ["phone", "1366"])
def test_the_pad_stays_under_the_pen(browser, server, name, lang):
    """The starter example's note goes at the learner's first stroke; the pad must not move: it sat
    under the note and jumped 76-102 px up, so the next stroke of the digit landed below the first."""
    w, h, dpr = VIEWPORTS[name]
    page = new_page(browser, server, viewport={"width": w, "height": h}, device_scale_factor=dpr,
                    is_mobile=name == "phone", has_touch=name == "phone")
    open_app(page, f"?lang={lang}")
    expect(page.locator("#input-note")).to_be_visible()  # the starter's note
    pad = page.locator("#draw-canvas")
    pad.scroll_into_view_if_needed()
    before = pad.bounding_box()
    page.mouse.move(before["x"] + 0.5 * before["width"], before["y"] + 0.2 * before["height"])
    page.mouse.down()
    page.mouse.move(before["x"] + 0.5 * before["width"], before["y"] + 0.8 * before["height"], steps=8)
    page.mouse.up()
    expect(page.locator("#input-note")).to_be_hidden()
    expect(page.locator("#guess .big")).to_have_text("1")
    assert pad.bounding_box() == before
    page.context.close()


@pytest.mark.parametrize("name", ["phone", "1024", "720p150"])
def test_the_sheet_leaves_the_chosen_neuron_in_sight(browser, server, name):
    """Where the arithmetic opens as a sheet over the bottom of the screen, a neuron clicked low on the
    screen scrolls up above it: the sheet covered it and its receptive field's lines."""
    page = open_at(browser, server, name)
    canvas = page.locator('section.layer[data-layer="conv2"] canvas').nth(2)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.wheel(0, box["y"] - 0.75 * VIEWPORTS[name][1])  # the map three quarters down the screen
    page.wait_for_timeout(200)
    box = canvas.bounding_box()
    assert box["y"] > 0.5 * VIEWPORTS[name][1], box
    if name == "phone":
        page.touchscreen.tap(box["x"] + 3, box["y"] + 3)
    else:
        page.mouse.click(box["x"] + 3, box["y"] + 3)
    expect(page.locator("#detail-body .formula.total")).to_be_visible()
    sheet = page.locator("#detail").bounding_box()
    mark = page.evaluate("(() => { const r = document.querySelector('#network-view .links rect.self').getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; })()")
    assert 0 <= mark["top"] and mark["bottom"] <= sheet["y"], (mark, sheet)
    no_sideways_scroll(page)
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", ["phone", "720p150", "1366"])
def test_the_answer_shows_where_the_learner_draws(browser, server, name, lang):
    """On one column (phone, 1280x720 at 150 %) the result panel is a screen or two below the pad: the
    network's answer is also said under the pad, in view with it, as the result panel says it. Two
    columns have the result beside the pad: no second line there."""
    page = open_at(browser, server, name, f"?lang={lang}")
    line = page.locator("#pad-guess")
    if name == "1366":
        expect(line).to_be_hidden()
    else:
        expect(line).to_have_text(page.locator("#guess .text").inner_text())
        pad, said = page.locator("#draw-canvas").bounding_box(), line.bounding_box()
        result = page.locator("#guess").bounding_box()
        below = said["y"] + said["height"] - (pad["y"] + pad["height"])  # the pad's tools between
        assert below < 240 and result["y"] - pad["y"] > 2 * VIEWPORTS[name][1] / 3, (pad, said, result)
        if name == "phone":  # pad and answer on one screen
            assert said["y"] + said["height"] - pad["y"] <= VIEWPORTS[name][1], (pad, said)
    page.context.close()
