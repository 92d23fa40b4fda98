"""A stroke in the "how it learns" views, in Chromium: one request (/predict, asking for the backward
pass, the player's animation and the selected gradients with the prediction) where there were four,
and the panel's numbers on screen still add up; the stepper's whole pass is one request too."""
import json
import re
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from conftest import open_app
from screen_numbers import SCIENTIFIC, gradient_checks, scientific
from test_browser import big_label, draw

SEVEN = [[(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]]


def assert_loss_shown(formula, value):
    """'L = −ln p[7] = −ln 0.845 = 0.169' shows value; a loss below 0.0001 is shown as a bound."""
    formula = formula.replace("\u00a0", " ")
    if "< 0.0001" in formula:  # p so close to 1 that float32 may round the loss to 0: never "0"
        assert 0 <= value < 1e-4, formula
        return
    loss = scientific(SCIENTIFIC.findall(formula.split("ln", 2)[2])[1])
    assert abs(loss[0] - value) <= loss[1] + 1e-12, formula


def listen(page):
    sent = []
    page.on("request", lambda r: sent.append(r) if "/api/models/digits/" in r.url else None)
    return sent


def endpoints(sent):
    return [urlparse(r.url).path.split("/api/models/digits/", 1)[1] for r in sent]


def predicted(r):
    return urlparse(r.url).path.endswith("/predict") and r.status == 200


def test_a_stroke_with_the_panel_open_and_a_gradient_selected_is_one_request(page):
    open_app(page)
    expect(page.locator("#status")).to_have_text("")
    page.click("#bw-show")
    page.wait_for_selector("#bw-layers canvas")
    expect(page.locator("#bw-anim-counter")).to_contain_text("/")
    page.locator("#bw-layers section[data-layer=fc2] canvas").first.click(position={"x": 4, "y": 4})
    detail = page.locator("#bw-detail")
    expect(detail).to_contain_text("fc2")
    page.click("#net-pass-backward")  # the network view shows gradients too, a neuron of it selected
    page.locator('section.layer[data-layer="conv2"] canvas').nth(2).click()
    expect(page.locator("#detail-body")).to_contain_text("conv2")
    expect(page.locator("#status")).to_have_text("")
    before = (detail.inner_text(), page.locator("#detail-body").inner_text(), page.locator("#bw-loss-body").inner_text())
    page.locator("#draw-canvas").scroll_into_view_if_needed()
    sent = listen(page)
    with page.expect_response(predicted) as answered:
        draw(page, SEVEN)
    expect(big_label(page)).to_have_text("7")
    expect(detail).not_to_have_text(before[0])
    expect(page.locator("#detail-body")).not_to_have_text(before[1])
    expect(page.locator("#bw-loss-body")).not_to_have_text(before[2])
    expect(page.locator("#backward")).to_have_attribute("data-state", "ready")
    expect(page.locator("#anim-status")).to_have_text("")
    assert endpoints(sent) == ["predict"]  # no /backward, /backward/animate or /backward/explain
    asked = json.loads(parse_qs(urlparse(sent[0].url).query)["backward"][0])
    assert asked["label"] == "predicted" and asked["loss"] == "cross_entropy" and "weights" not in asked
    assert [a["layer"] for a in asked["animate"]] == [page.input_value("#bw-anim-layer")]
    assert [e["layer"] for e in asked["explain"]] == ["fc2", "conv2"]
    answer = answered.value.json()
    bw = answer["backward"]
    assert bw["answer"]["label"] == answer["prediction"]["index"] == int(page.input_value("#bw-label")) == 7
    assert not [a for a in bw["animations"] + bw["explanations"] if "code" in a]
    assert bw["animations"][0]["channel"] == int(page.input_value("#bw-anim-channel"))  # the page's own pick
    # the numbers on screen are the answer's, and add up
    checks = gradient_checks(page, "#bw-detail")
    assert checks
    shown = scientific(page.locator("#bw-detail .total").last.text_content())
    assert abs(shown[0] - bw["explanations"][0]["sum"]) <= shown[1] + 1e-12
    assert gradient_checks(page, "#detail-body")
    formula = page.text_content("#bw-loss-body .formula")
    assert_loss_shown(formula, bw["answer"]["value"])
    expect(page.locator("#bw-anim-counter")).to_contain_text("1 /")

    # a step of gradient descent: the next stroke carries the learner's own weights (in a form: too long
    # for the query string), still one request, and the loss shown is the stepped network's
    page.click("#bw-step")
    page.wait_for_selector("#bw-history tr >> nth=1")
    expect(page.locator("#backward")).to_have_attribute("data-state", "ready")
    page.locator("#draw-canvas").scroll_into_view_if_needed()
    sent.clear()
    page.eval_on_selector("#bw-loss-body .formula", "f => f.dataset.old = 'yes'")  # drawn again for the stroke
    with page.expect_response(predicted) as answered:
        draw(page, [[(0.3, 0.5), (0.7, 0.5)]])
    expect(page.locator("#bw-loss-body .formula[data-old]")).to_have_count(0)
    expect(page.locator("#backward")).to_have_attribute("data-state", "ready")
    assert endpoints(sent) == ["predict"] and sent[0].headers["content-type"].startswith("multipart/form-data")
    bw = answered.value.json()["backward"]
    assert bw["answer"]["label"] == int(page.input_value("#bw-label"))
    assert_loss_shown(page.text_content("#bw-loss-body .formula"), bw["answer"]["value"])
    gradient_checks(page, "#bw-detail")
    assert not page.errors


def test_the_whole_pass_by_the_stepper_is_one_request(page):
    """Switching the stepper to the whole forward pass (no stroke): one /predict by the input's id with the
    layers' animations, not thirteen /animate; a miss (409) sends the image again, once."""
    open_app(page)
    expect(page.locator("#status")).to_have_text("")
    expect(page.locator("#anim-status")).to_have_text("")
    sent = listen(page)
    with page.expect_response(predicted):
        page.select_option("#anim-layer", "*")
    expect(page.locator("#anim-status")).to_have_text("")
    expect(page.locator("#anim-counter")).to_contain_text("step ")
    assert endpoints(sent) == ["predict"]
    asked = sent[0].post_data_json
    layers = page.evaluate("async () => (await (await fetch('/api/models/digits')).json()).layers")
    assert re.fullmatch(r"[0-9a-f]{64}", asked["input_id"])
    assert [a["layer"] for a in asked["animate"]] == [l["name"] for l in layers]  # every layer's strongest channel
    # the same on another input whose id the server no longer holds
    page.select_option("#anim-layer", "conv1")
    expect(page.locator("#anim-status")).to_have_text("")
    page.click("#gallery button >> nth=2")
    expect(page.locator("#status")).to_have_text("")
    expect(page.locator("#anim-status")).to_have_text("")
    page.route(re.compile(r"/api/models/digits/predict$"), lambda route: route.fulfill(
        status=409, content_type="application/json", body=json.dumps({"error": "gone", "code": "input.expired", "params": {}}))
        if route.request.post_data_json.get("input_id") else route.continue_())
    sent.clear()
    page.select_option("#anim-layer", "*")
    expect(page.locator("#anim-counter")).to_contain_text("step ")
    expect(page.locator("#anim-status")).to_have_text("")
    assert endpoints(sent) == ["predict", "predict"]
    assert "input_id" in sent[0].post_data_json and "pixels" in sent[1].post_data_json
    assert [e for e in page.errors if "409" not in e] == []
