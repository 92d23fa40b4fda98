"""The page's stroke in Chromium: one request, /predict with the drawing as the pad's 8-bit grey PNG
(the request's body itself) and the stepper's animation asked for in its query; the stepper shows that animation without asking
again. A later animation of the same drawing (another channel) sends only the input_id, and a miss
(409 input.expired) is answered by sending the image again, with nothing shown to the learner."""
import io
import json
import re
from urllib.parse import parse_qs, urlparse

from PIL import Image
from playwright.sync_api import expect

from cnnviz.teach.decode import PAD_MARK
from conftest import open_app
from test_browser import big_label, draw


def predicted_with_animation(r):
    return urlparse(r.url).path.endswith("/predict") and r.status == 200


def test_a_stroke_is_one_request_and_a_later_animation_recovers_from_a_miss(page):
    open_app(page)  # the first example on show, its answer and animation loaded before we listen
    expect(page.locator("#status")).to_have_text("")
    expect(page.locator("#anim-status")).to_have_text("")
    sent, answered = [], []
    page.on("request", lambda r: sent.append(r) if "/api/models/digits/" in r.url else None)
    page.on("response", lambda r: answered.append((r.url, r.status)) if "/api/models/digits/" in r.url else None)
    expired = []

    def first_reference_expires(route):
        if b"input_id" in (route.request.post_data_buffer or b"")[:200] and not expired:
            expired.append(route.request.post_data_json["input_id"])
            route.fulfill(status=409, content_type="application/json",
                          body=json.dumps({"error": "gone", "code": "input.expired", "params": {}}))
        else:
            route.continue_()
    page.route("**/api/models/digits/animate", first_reference_expires)
    bodies = []  # read while routed: Chromium does not report a Blob body otherwise

    def keep(route):
        bodies.append(route.request.post_data_buffer)
        route.continue_()
    page.route(re.compile(r"/api/models/digits/predict(\?|$)"), keep)
    counter = page.locator("#anim-counter")
    before = counter.text_content()
    with page.expect_response(predicted_with_animation):
        draw(page, [[(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]])  # a 7
    expect(big_label(page)).to_have_text("7")
    expect(page.locator("#anim-status")).to_have_text("")
    with page.expect_response(predicted_with_animation) as second:
        draw(page, [[(0.3, 0.5), (0.7, 0.5)]])  # a second stroke
    expect(page.locator("#anim-status")).to_have_text("")
    assert re.search(r"\d", counter.text_content()) and before
    predicts = [r for r in sent if urlparse(r.url).path.endswith("/predict")]
    assert len(predicts) == 2 == len(bodies) and [r for r in sent if r.url.endswith("/animate")] == []  # one a stroke
    for r in predicts:  # the pad's grey PNG, marked as the pad's, and the stepper's animation asked for
        assert r.headers["content-type"] == "image/png"
        asked = parse_qs(urlparse(r.url).query)["animate"]
        assert [json.loads(a) for a in asked] == [[{"layer": "conv1", "channel": 0, "focus": 0}]]
    for body in bodies:  # the request's body is the PNG itself
        img = Image.open(io.BytesIO(body))
        assert img.mode == "L" and img.size == (280, 280) and img.info[PAD_MARK[0]] == PAD_MARK[1]
        assert 0 in img.getextrema() and 255 in img.getextrema()
    answer = second.value.json()
    assert answer["animations"][0]["layer"] == "conv1" and answer["animations"][0]["products"]["sparse"]

    # another channel of the same drawing: by id; the miss, then the image again, once
    with page.expect_response(lambda r: r.url.endswith("/animate") and r.status == 200):
        page.select_option("#anim-channel", "3")
    expect(page.locator("#anim-status")).to_have_text("")
    animates = [r for r in sent if r.url.endswith("/animate")]
    kinds = ["id" if r.headers["content-type"] == "application/json" else "image" for r in animates]
    assert kinds == ["id", "image"]
    assert animates[0].post_data_json["input_id"] == expired[0] == answer["input_id"]
    assert animates[0].post_data_json["channel"] == 3
    assert [s for u, s in answered if u.endswith("/animate")] == [409, 200]
    expect(page.locator("#status")).to_have_text("")
    assert [e for e in page.errors if "409" not in e] == []  # Chromium logs the 409 itself


def test_a_stroke_while_the_whole_pass_shows_is_one_request(page):
    """The whole forward pass shows every layer at its strongest channel, which only the answer knows:
    the stroke asks for each layer's "strongest" with the prediction, and the stepper finds all
    thirteen animations in that one answer (the channels the page picks are the ones the server said)."""
    open_app(page)
    expect(page.locator("#status")).to_have_text("")
    page.select_option("#anim-layer", "*")
    expect(page.locator("#anim-status")).to_have_text("")
    sent = []
    page.on("request", lambda r: sent.append(r) if "/api/models/digits/" in r.url else None)
    with page.expect_response(predicted_with_animation) as answered:
        draw(page, [[(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]])  # a 7
    expect(big_label(page)).to_have_text("7")
    expect(page.locator("#anim-status")).to_have_text("")
    expect(page.locator("#anim-counter")).to_contain_text("step ")
    assert [urlparse(r.url).path.rsplit("/", 1)[1] for r in sent] == ["predict"]  # no /animate at all
    asked = json.loads(parse_qs(urlparse(sent[0].url).query)["animate"][0])
    layers = page.evaluate("async () => (await (await fetch('/api/models/digits')).json()).layers")
    assert [a["layer"] for a in asked] == [l["name"] for l in layers]
    assert {a["channel"] for a in asked} == {"strongest"}
    answer = answered.value.json()
    assert [a["layer"] for a in answer["animations"]] == [l["name"] for l in layers]
    assert all("error" not in a for a in answer["animations"])


def _shown(text):
    """A number as the page writes it (a typographic minus) -> (value, half of its last digit)."""
    text = text.replace("−", "-")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return float(text), 0.5 * 10 ** -decimals


def test_a_stroke_with_a_neuron_selected_is_one_request(page):
    """The neuron selected stays selected while the learner draws: its arithmetic for the new drawing
    comes with the stroke's /predict (no /explain), and the panel shows that answer's numbers."""
    open_app(page)
    expect(page.locator("#status")).to_have_text("")
    page.locator('section.layer[data-layer="conv2"] canvas').nth(3).click()
    detail = page.locator("#detail-body")
    expect(detail).to_contain_text("conv2, neuron [3, ")
    before = detail.inner_text()
    page.locator("#draw-canvas").scroll_into_view_if_needed()  # the click brought the arithmetic into view
    sent = []
    page.on("request", lambda r: sent.append(r) if "/api/models/digits/" in r.url else None)
    with page.expect_response(predicted_with_animation) as answered:
        draw(page, [[(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]])  # a 7
    expect(big_label(page)).to_have_text("7")
    expect(detail).not_to_have_text(before)
    expect(page.locator("#anim-status")).to_have_text("")
    assert [urlparse(r.url).path.rsplit("/", 1)[1] for r in sent] == ["predict"]  # no /explain, no /animate
    asked = json.loads(parse_qs(urlparse(sent[0].url).query)["explain"][0])
    assert len(asked) == 1 and asked[0]["layer"] == "conv2" and asked[0]["neuron"][0] == 3
    explanation = answered.value.json()["explanations"][0]
    assert explanation["neuron"] == asked[0]["neuron"]
    text = detail.inner_text()
    assert text.startswith("conv2, neuron [" + ", ".join(map(str, asked[0]["neuron"])) + "]")
    sums = re.findall(r"sum of the products of input channel (\d+) = (\S+)", text)
    assert len(sums) >= 4
    for channel, shown in sums:
        value, half = _shown(shown)
        assert abs(value - explanation["channel_sums"][int(channel)]) <= half + 1e-12, (channel, shown)
