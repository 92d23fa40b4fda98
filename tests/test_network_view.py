"""The explorer's network view, read off the screen in Chromium: the colour range chosen per map, per
layer or for the whole network (the legends' numbers against the API's arrays), the trained weights
and their gradients as pictures (pixels against the API's numbers), and the backward pass in the
same maps and the same arithmetic panel (every displayed sum and product adds up), in both languages,
at the five screen sizes."""
import base64
import json
import re
import urllib.request
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from conftest import new_page, open_app
from screen_numbers import gradient_checks, scientific

VIEWPORTS = {"phone": (390, 844, 1), "1024": (1024, 768, 1), "1366": (1366, 768, 1), "1080p": (1920, 1080, 1),
             "720p150": (853, 480, 1.5)}
SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def open_at(browser, server, query, name="1366"):
    w, h, dpr = VIEWPORTS[name]
    page = new_page(browser, server, viewport={"width": w, "height": h}, device_scale_factor=dpr,
                    is_mobile=name == "phone", has_touch=name == "phone")
    open_app(page, query)
    page.locator("#gallery button").nth(1).click()
    expect(page.locator("#status")).to_have_text("")  # its answer drawn (the first example was already on show)
    expect(page.locator("#guess .big")).not_to_be_empty()
    return page


def api(server, path, body=None):
    request = urllib.request.Request(server + path, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as r:
        return json.loads(r.read())


def page_pixels(page, model):
    """The input the page classified, from its link (one byte per pixel), as the page sent it."""
    text = parse_qs(urlparse(page.url).query)["input"][0]
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    side = 32 if model == "digits" else 28
    return [[b / 255 for b in data[y * side:(y + 1) * side]] for y in range(side)]


def shown(text):
    """A displayed number -> (value, half a unit of its last digit)."""
    t = text.strip().replace("−", "-")
    if t == "≈0":
        return 0.0, 0.5
    decimals = len(t.split(".")[1]) if "." in t else 0
    return float(t), 0.5 * 10 ** -decimals


def legend(page, layer):
    """A layer's legend as shown: (max, min, slack) with the common power of ten applied."""
    texts = page.eval_on_selector(f'#network-view section.layer[data-layer="{layer}"] .legend', """l => [
        l.querySelector('.legend-max').textContent, l.querySelector('.legend-min').textContent,
        l.querySelector('.legend-power')?.textContent ?? '']""")
    power = 10 ** int(texts[2].replace("×10", "").translate(SUPERSCRIPT)) if texts[2] else 1
    (top, a), (bottom, b) = shown(texts[0]), shown(texts[1])
    return top * power, bottom * power, max(a, b) * power


def expected_scale(lo, hi, signed=False):
    if lo < 0 or signed:
        limit = max(abs(lo), abs(hi))
        return limit, -limit
    return hi, 0.0


def check_legend(page, layer, lo, hi, signed=False, rel=0.0):
    top, bottom, slack = legend(page, layer)
    want_top, want_bottom = expected_scale(lo, hi, signed)
    assert abs(top - want_top) <= slack + rel * abs(want_top), (layer, top, want_top)
    assert abs(bottom - want_bottom) <= slack + rel * abs(want_bottom), (layer, bottom, want_bottom)


def channel_range(output, c):
    values = [v for row in output[c] for v in row]
    return min(values), max(values)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_colour_range_per_map_layer_and_network(browser, server, lang):
    page = open_at(browser, server, f"?lang={lang}")
    result = api(server, "/api/models/digits/predict?encoding=list", {"pixels": page_pixels(page, "digits")})
    layers = {l["name"]: l for l in result["layers"]}
    for name, l in layers.items():  # per layer (the default): each layer's own min and max
        check_legend(page, name, l["min"], l["max"])
    page.select_option("#net-scale", "global")
    assert "scale=global" in page.url  # the store keeps it in the link
    lo, hi = min(l["min"] for l in layers.values()), max(l["max"] for l in layers.values())
    for name in layers:
        check_legend(page, name, lo, hi)
    assert ("one range" if lang == "en" else "同一个") in page.text_content("#colour-key")
    page.select_option("#net-scale", "unit")
    conv1 = layers["conv1"]["output"]
    check_legend(page, "conv1", *channel_range(conv1, 0), rel=2e-3)  # map 0 until another is pointed at
    page.locator('#network-view section.layer[data-layer="conv1"] canvas').nth(2).hover()
    check_legend(page, "conv1", *channel_range(conv1, 2), rel=2e-3)
    assert page.text_content('#network-view section.layer[data-layer="conv1"] .legend-map') == ("channel 2" if lang == "en" else "通道 2")
    page.reload()  # a link reopens the same choice
    expect(page.locator("#net-scale")).to_have_value("unit")
    page.context.close()


def canvas_pixels(page, selector):
    return page.eval_on_selector(selector, """c => ({ w: c.width, h: c.height,
        data: Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data) })""")


def check_tiles(picture, values, limit, count, h, w, cols, offset=0):
    """Every clearly non-zero weight is drawn orange (positive) or purple (negative) in its tile."""
    checked = 0
    for i in range(count):
        for y in range(h):
            for x in range(w):
                v = values[offset + (i * h + y) * w + x]
                if abs(v) < 0.2 * limit:
                    continue
                px, py = 1 + (i % cols) * (w + 1) + x, 1 + (i // cols) * (h + 1) + y
                r, g, b = picture["data"][4 * (py * picture["w"] + px):][:3]
                assert (r > b) == (v > 0), (i, y, x, v, (r, g, b))
                checked += 1
    assert checked > 10


def flat(a):
    return [v for x in a for v in (flat(x) if isinstance(x, list) else [x])]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_trained_weights_as_pictures(browser, server, lang):
    page = open_at(browser, server, f"?lang={lang}")
    for layer, neuron_canvas, shape_of in (("conv1", 3, "conv"), ("conv2", 5, "conv"), ("fc1", 0, "dense")):
        params = api(server, f"/api/models/digits/params/{layer}?encoding=list")
        weight = params["params"]["weight"]
        values, limit = flat(weight["values"]), max(abs(weight["min"]), abs(weight["max"]))
        page.locator(f'#network-view section.layer[data-layer="{layer}"] canvas').nth(neuron_canvas).click(position={"x": 2, "y": 2})
        expect(page.locator("#detail-weights")).to_have_attribute("data-layer", layer)
        top = page.text_content("#detail-weights .weights-legend .legend-max")
        assert abs(shown(top)[0] - limit) <= shown(top)[1], (layer, top, limit)
        picture = canvas_pixels(page, "#detail-weights > canvas")
        if shape_of == "conv":
            k, c, f, _ = weight["shape"]
            check_tiles(picture, values, limit, k * c, f, f, c if c > 1 else min(k, 8))
            frame = 4 * (0 * picture["w"] + 0)  # filter `neuron_canvas` has the dark frame
            row = neuron_canvas if c > 1 else neuron_canvas // 8
            col = 0 if c > 1 else neuron_canvas % 8
            frame = 4 * (row * (f + 1) * picture["w"] + col * (f + 1))
            assert picture["data"][frame:frame + 3] == [20, 20, 20]
        else:  # fc1 reads pool2's 16 x 5 x 5 maps: its neuron's 400 weights as 16 maps
            assert params["reads"] == [16, 5, 5]
            unit = page.eval_on_selector("#detail-body .heading", "h => h.textContent")
            unit = int(re.search(r"\[(\d+)\]", unit).group(1))
            check_tiles(picture, values, limit, 16, 5, 5, 8, offset=unit * 400)
    page.context.close()


def read_gradient_checks(page):
    return gradient_checks(page, "#detail-body")


def click_neuron(page, layer, where=0.5):
    page.eval_on_selector("#detail-body", "d => d.replaceChildren()")
    canvas = page.locator(f'#network-view section.layer[data-layer="{layer}"] canvas').first
    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] * where, "y": box["height"] * where})
    page.wait_for_selector("#detail-body .gradient-arithmetic .formula strong")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("model", ["digits", "fashion"])
def test_backward_pass_in_the_network_view(browser, server, model, lang):
    page = open_at(browser, server, f"?lang={lang}&model={model}&pass=backward")
    expect(page.locator("#net-label-box")).to_be_visible()
    page.wait_for_selector('#network-view[data-pass="backward"]')
    label = (page.eval_on_selector("#net-label", "s => Number(s.value)") + 3) % 10
    page.select_option("#net-label", str(label))  # a wrong answer: large gradients everywhere
    expect(page.locator("#bw-label")).to_have_value(str(label))  # one true label, shared with how it learns
    bw = api(server, f"/api/models/{model}/backward?encoding=list", {"pixels": page_pixels(page, model), "label": label})
    page.wait_for_selector(f'#network-view[data-gradients-for="{label}"]')
    for l in bw["layers"]:  # the maps show dLoss/dOutput, each layer on its own diverging range
        check_legend(page, l["name"], l["min"], l["max"], signed=True)
    kinds = {}
    for l in bw["layers"]:
        kinds.setdefault(l["kind"], l["name"])
    for kind, layer in kinds.items():  # every layer kind: its gradient's arithmetic, in the same panel
        click_neuron(page, layer, 0.45)
        head = page.text_content("#detail-body .gradient-arithmetic .formula")
        assert "∂L/∂" + layer in head, head
        checks = read_gradient_checks(page)
        assert checks or kind == "softmax", (kind, layer)
    conv = kinds["conv"]  # dW of a conv layer as pictures; a weight clicked: its gradient and the check
    click_neuron(page, conv, 0.45)
    expect(page.locator("#detail-weights")).to_have_attribute("data-pass", "backward")
    page.eval_on_selector("#detail-body", "d => d.replaceChildren()")
    picture = page.locator("#detail-weights canvas.pickable").last
    scale = picture.evaluate("c => c.getBoundingClientRect().width / c.width")
    picture.click(position={"x": 2.5 * scale, "y": 2.5 * scale})  # pixel (2, 2): the first kernel's [1, 1]
    page.wait_for_selector("#detail-body .grad-check")
    assert len(read_gradient_checks(page)) >= 1
    numeric = scientific(page.text_content("#detail-body .numeric"))[0]
    backprop = scientific(page.text_content("#detail-body .backprop"))[0]
    assert numeric == pytest.approx(backprop, rel=2e-2, abs=1e-6)
    page.click("#net-pass-forward")  # back to the values: the forward arithmetic again
    expect(page.locator("#detail-body .gradient-arithmetic")).to_have_count(0)
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", list(VIEWPORTS))
def test_backward_view_fits_every_screen(browser, server, name, lang):
    page = open_at(browser, server, f"?lang={lang}&pass=backward", name)
    page.wait_for_selector('#network-view[data-gradients-for]')
    w, h, _ = VIEWPORTS[name]
    if name in ("1366", "1080p"):  # the whole network in view at once, gradients too
        page.evaluate("document.getElementById('network').scrollIntoView({ block: 'start', behavior: 'instant' })")
        for layer, top, bottom, left, right in page.evaluate("""() => Array.from(document.querySelectorAll('#network-view section.layer'),
                (s) => { const r = s.getBoundingClientRect(); return [s.dataset.layer, r.top, r.bottom, r.left, r.right]; })"""):
            assert top >= 0 and bottom <= h and left >= 0 and right <= w, f"{layer} is outside the {name} screen"
    canvas = page.locator('#network-view section.layer[data-layer="conv2"] canvas').nth(1)
    canvas.scroll_into_view_if_needed()
    canvas.click(position={"x": 2, "y": 2})
    page.wait_for_selector("#detail-body .gradient-arithmetic")
    head = page.evaluate("(() => { const r = document.querySelector('#detail-body .heading').getBoundingClientRect(); return [r.top, r.bottom]; })()")
    assert 0 <= head[0] and head[1] <= h, head
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), "sideways scroll"
    page.context.close()


def test_layer_params_endpoint(client, app):
    """The weights the pictures are drawn from are the model's own, exactly (list) or in float16."""
    model = app.extensions["cnnviz.models"].get("digits")
    body = client.get("/api/models/digits/params/conv2?encoding=list").get_json()
    assert body["kind"] == "conv" and body["reads"] == [6, 14, 14]
    weight = body["params"]["weight"]
    assert weight["values"] == model.params["conv2.weight"].astype(float).tolist()
    assert weight["min"] == float(model.params["conv2.weight"].min())
    fc1 = client.get("/api/models/digits/params/fc1").get_json()
    assert fc1["reads"] == [16, 5, 5] and fc1["params"]["weight"]["values"]["dtype"] == "float16"
    assert client.get("/api/models/digits/params/relu1").get_json()["params"] == {}
    missing = client.get("/api/models/digits/params/nope")
    assert missing.status_code == 404 and missing.get_json()["code"] == "layer.unknown"
    assert "/api/models/{model_id}/params/{layer}" in client.get("/api/openapi.json").get_json()["paths"]


OVERVIEW_SIZES = """() => {
  const cells = {};
  for (const s of document.querySelectorAll('#network-view section.layer')) {
    const c = s.querySelector('canvas');
    if (c && s.querySelector('.meta').textContent.includes('×')) cells[s.dataset.layer] = [c.width, c.getBoundingClientRect().width / c.width];
  }
  let smallest = 99;
  const walk = document.createTreeWalker(document.getElementById('network-view'), NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const e = walk.currentNode.parentElement;
    if (walk.currentNode.textContent.trim() && e.checkVisibility()) smallest = Math.min(smallest, parseFloat(getComputedStyle(e).fontSize));
  }
  return { cells, smallest, zoomIn: document.getElementById('net-zoom-in').disabled,
           zoomOut: document.getElementById('net-zoom-out').disabled,
           sideways: document.documentElement.scrollWidth > document.documentElement.clientWidth + 1 };
}"""


def assert_monotone(cells):
    """A larger map never drawn with smaller neurons than a smaller map (pooling must not enlarge)."""
    for a, (width_a, cell_a) in cells.items():
        for b, (width_b, cell_b) in cells.items():
            if width_a > width_b:
                assert cell_a >= cell_b - 0.01, (a, cell_a, b, cell_b)


@pytest.mark.parametrize("name", ["phone", "1024", "1366", "720p150"])
def test_overview_scale_zoom_limits_and_type(browser, server, name):
    page = open_at(browser, server, "?lang=zh", name)
    got = page.evaluate(OVERVIEW_SIZES)
    assert got["smallest"] >= 12, got
    assert_monotone(got["cells"])
    if name == "phone":  # a neuron a finger can reach, without any zoom
        assert min(cell for _, cell in got["cells"].values()) >= 6, got
    assert got["zoomOut"] and not got["zoomIn"] or name == "phone", got  # the fitted view: "−" has nothing to undo
    clicks = 0
    while not page.locator("#net-zoom-in").is_disabled():
        before = page.evaluate(OVERVIEW_SIZES)["cells"]["conv1"][1]
        page.click("#net-zoom-in")
        clicks += 1
        zoomed = page.evaluate(OVERVIEW_SIZES)
        assert zoomed["cells"]["conv1"][1] > before, (clicks, zoomed)  # every enabled "+" has an effect
        assert_monotone(zoomed["cells"])
        assert not zoomed["sideways"]
        assert clicks <= 6
    assert clicks >= 1 and page.locator("#net-zoom-out").is_enabled()
    conv1 = page.evaluate(OVERVIEW_SIZES)["cells"]["conv1"][1]
    assert conv1 >= 8, conv1  # the largest zoom makes a neuron tappable
    while page.locator("#net-zoom-out").is_enabled():
        page.click("#net-zoom-out")
    assert page.evaluate(OVERVIEW_SIZES)["cells"] == got["cells"]
    page.context.close()


def test_chinese_labels_take_the_full_width_colon(browser, server):
    """A label and what it labels read "卷积：…" on a Chinese page, not "卷积: …" (the layer's title,
    a map's range, the whole pass's caption); English keeps ": "."""
    for lang, colon in (("zh", "："), ("en", ": ")):
        page = open_at(browser, server, f"?lang={lang}")
        try:
            title = page.locator("#network h3").nth(1).get_attribute("title")
            assert colon in title and (lang == "en" or ": " not in title), title
            page.select_option("#anim-layer", "*")
            expect(page.locator("#anim-status")).to_have_text("")
            if page.locator("#anim-play").get_attribute("aria-pressed") == "true":
                page.locator("#anim-play").click()
            caption = page.locator("#anim-description")
            expect(caption).to_contain_text(colon)
            assert lang == "en" or ": " not in caption.inner_text(), caption.inner_text()
        finally:
            page.context.close()
