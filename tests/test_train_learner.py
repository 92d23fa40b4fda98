"""The training studio as a new learner meets it, in Chromium on the real server: the chart in sight
when training starts, a legend clear of the axis titles, a bad model file said in words, a stopped
epoch said as it happened, a trained model's title, and the number fields checked where they are."""
import io
import json
import re
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from conftest import SCREENS, new_page, ROOT
from test_train_page import studio  # noqa: F401  (the module's server, with its own instance folder)

SHORT = {"size": "1000", "epochs": "1"}  # the tiny network: under a second
TWO_EPOCHS = {"size": "1000", "epochs": "2"}  # x up to 2,000: labels of 4 digits, turned on a phone


def open_studio(browser, base, lang="en", screen="1366"):
    page = new_page(browser, base, **SCREENS[screen])
    page.goto(f"{base}/train?lang={lang}")
    page.wait_for_selector("body[data-ready=true]")
    return page


def set_job(page, size, epochs, preset=None):
    if preset:
        page.select_option("#preset", preset)
    page.select_option("#train-size", size)
    page.fill("#epochs", epochs)
    expect(page.locator("#start")).to_be_enabled()


def train(page, job):
    """Start a job of the network on the form and wait for its end (the results on screen)."""
    set_job(page, **job)
    page.click("#start")
    page.wait_for_selector("body[data-job-state]", timeout=60_000)


# a batch report early in an epoch of 9,000 images (under 4,000 seen), in either language
EARLY_IN_AN_EPOCH = re.compile(r"(Epoch \d+ of 40: |第 \d+/40 轮：)([1-3],)?\d{1,3}( of |/)9,000")


@contextmanager
def long_job(page):
    """Tiny VGG on 9,000 digits for 40 epochs, under way early in an epoch when the block starts, and
    stopped when it ends, however it ends: on two cores the server trains one job at a time, and one
    left running would hold up the next test's. Its epochs take seconds (LeNet's took 1.7 s, less than
    the progress line may lag behind the worker, so a stop meant for mid-epoch could land between two)."""
    set_job(page, "all", "40", preset="fashion")
    page.click("#start")
    try:  # a worker's first job loads the data first
        expect(page.locator("#progress")).to_have_text(EARLY_IN_AN_EPOCH, timeout=30_000)
        yield
    finally:
        if page.is_enabled("#stop"):
            page.click("#stop")
        page.wait_for_selector("body[data-job-state=cancelled]", timeout=30_000)


# ------------------------------------------------------------------ 1. the chart in sight
IN_WINDOW = """() => {
  const box = (id) => { const r = document.getElementById(id).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  return { stop: box('stop'), curves: box('curves'), progress: box('progress'), width: innerWidth, height: innerHeight, y: scrollY };
}"""


def settled(page):
    """The boxes of Stop, the chart and the progress line once the page's smooth scroll has ended."""
    last = None
    for _ in range(40):
        now = page.evaluate(IN_WINDOW)
        if now == last:
            return now
        last = now
        page.wait_for_timeout(150)
    return last


def inside(box, got):
    left, top, right, bottom = box
    return left >= 0 and top >= 0 and right <= got["width"] and bottom <= got["height"]


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_chart_and_stop_are_in_sight_when_training_starts(browser, studio, screen):  # noqa: F811
    """A learner goes to Start from wherever the network's layers left them and clicks it: the loss and
    accuracy chart, the progress line and the Stop button are in the window while it trains, measured
    with getBoundingClientRect (Start was at y 1,760 at 1366x768 with the chart 1,021 px above the
    window; at 1280x720 at 150 % the page scrolled to the chart and Stop was 92 px above the window)."""
    page = open_studio(browser, studio, screen=screen)
    page.evaluate("() => scrollTo(0, document.body.scrollHeight)")  # down the layer table, then back to Start
    page.locator("#start").scroll_into_view_if_needed()
    with long_job(page):
        got = settled(page)
        for what in ("stop", "curves", "progress"):
            assert inside(got[what], got), (what, got)
        expect(page.locator("#stop")).to_be_enabled()
    assert page.errors == []
    page.context.close()


# ------------------------------------------------------------------ 2. the chart's legend
BOXES = """(chart) => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  return { legend: [...chart.querySelectorAll('.legend .traces')].map(box),
           titles: [...chart.querySelectorAll('.g-xtitle text, .g-x2title text')].map(box),
           ticks: [...chart.querySelectorAll('.xtick text, .x2tick text')].map(box),
           svg: box(chart.querySelector('svg.main-svg')),

           words: [...chart.querySelectorAll('.g-xtitle text, .legend .traces text')].map((t) => t.textContent) };
}"""


def overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_legend_leaves_the_axis_titles_readable(browser, studio, screen, lang):  # noqa: F811
    """After two short epochs, no legend entry covers an axis title or a tick label, and the legend is
    inside the chart (on a phone "images seen" was printed over "training (running mean)": the x-axis
    labels of 4 digits, turned, took the room the legend had under the plot)."""
    page = open_studio(browser, studio, lang, screen)
    train(page, TWO_EPOCHS)
    got = page.locator("#curves").evaluate(BOXES)
    assert len(got["legend"]) == 2 and len(got["titles"]) == 2, got
    assert ("images seen" if lang == "en" else "已看过的图片数") in got["words"], got["words"]
    for entry in got["legend"]:
        assert not [b for b in got["titles"] + got["ticks"] if overlap(entry, b)], (entry, got)
        assert got["svg"][0] <= entry[0] and entry[2] <= got["svg"][2] and entry[3] <= got["svg"][3], got
    assert not overlap(*got["titles"]), got["titles"]
    page.context.close()


PANELS = """(chart) => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left - 2, r.top - 2, r.right + 2, r.bottom + 2]; };
  return { loss: [...chart.querySelectorAll('.xtick text, .ytick text')].map(box),
           accuracy: [...chart.querySelectorAll('.x2tick text, .y2tick text')].map(box) };
}"""


@pytest.mark.parametrize("screen", ["phone", "1366"])
def test_the_two_panels_numbers_stay_apart(browser, studio, screen):  # noqa: F811
    """A phone's chart has the accuracy panel under the loss panel: side by side in 330 px, the loss
    panel's last x label ("80k" after 30 epochs) ran into the accuracy panel's "0%". No number of one
    panel comes within 2 px of one of the other's, at either width."""
    page = open_studio(browser, studio, "en", screen)
    train(page, {"size": "all", "epochs": "3"})
    got = page.locator("#curves").evaluate(PANELS)
    assert got["loss"] and got["accuracy"], got
    assert not [(a, b) for a in got["loss"] for b in got["accuracy"] if overlap(a, b)], got
    if screen == "phone":  # one above the other: every accuracy number below every loss number
        assert min(b[1] for b in got["accuracy"]) > max(a[3] for a in got["loss"]), got
    page.context.close()


# ------------------------------------------------------------------ 3. a model file that cannot be used
@pytest.mark.parametrize("lang, said", [
    ("en", "The model file is not a .json file cnnviz can read. Choose the .json you downloaded from this page."),
    ("zh", "这个模型文件不是 cnnviz 能读的 .json 文件。请选择从这个页面下载的 .json 文件。")])
def test_a_file_that_is_not_a_model_is_said_in_the_learners_words(browser, studio, lang, said):  # noqa: F811
    """Not Python's "not valid JSON (Expecting value: line 1 column 1 (char 0))"."""
    page = open_studio(browser, studio, lang)
    page.set_input_files("#upload-json", files=[{"name": "notes.json", "mimeType": "application/json",
                                                 "buffer": b"my notes on the model"}])
    page.set_input_files("#upload-npz", files=[{"name": "w.npz", "mimeType": "application/octet-stream",
                                                "buffer": b"PK\x03\x04"}])
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#upload-status")).to_have_text(said)
    page.context.close()


def upload(client, owner, json_bytes, npz_bytes):
    return client.post("/api/models", headers={"X-Cnnviz-Owner": owner}, content_type="multipart/form-data",
                       data={"model": (io.BytesIO(json_bytes), "m.json"), "weights": (io.BytesIO(npz_bytes), "m.npz")})


def shipped(name):
    spec = (ROOT / "cnnviz/models" / f"{name}.json").read_bytes()
    return spec, (ROOT / "cnnviz/models" / json.loads(spec).get("weights_file", f"{name}.npz")).read_bytes()


@pytest.mark.parametrize("problem, code", [
    ("not_json", "models.upload_not_json"), ("nested", "models.upload_not_json"), ("not_model", "models.upload_not_model"),
    ("architecture", "models.upload_architecture"), ("weights", "models.upload_weights")])
def test_each_wrong_upload_has_a_code_of_its_own(client, problem, code):
    """Each way a pair can be wrong has its stable code (the page's catalogs say it); no refusal sends
    Python's words in its params for a page to show. The pair as downloaded is taken."""
    digits_json, digits_npz = shipped("digits")
    _, fashion_npz = shipped("fashion")
    spec = json.loads(digits_json)
    wrong = {"not_json": (b"\x89PNG\r\n", digits_npz),
             "nested": (b"[" * 200_000 + b"]" * 200_000, digits_npz),  # too deep to read: it was a 500
             "not_model": (json.dumps({"layers": []}).encode(), digits_npz),
             "architecture": (json.dumps({**spec, "layers": [{"name": "c", "kind": "conv", "filters": 4,
                                                             "kernel": 99}]}).encode(), digits_npz),
             "weights": (digits_json, fashion_npz)}[problem]
    r = upload(client, f"{problem}-0123456789abcdef", *wrong)
    assert r.status_code == 422 and r.get_json()["code"] == code and r.get_json()["params"] == {}, r.get_json()
    assert upload(client, f"{problem}-0123456789abcdef", digits_json, digits_npz).status_code == 201


# ------------------------------------------------------------------ 4. stopped part-way through an epoch
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_stopped_epoch_is_said_and_drawn_as_it_happened(browser, studio, lang):  # noqa: F811
    """Stopped at N of the 9,000 images of epoch K: the progress line, the results card and the
    held-out point (at x = (K - 1) x 9,000 + N, not K x 9,000) say so; it used to read "Epoch 1 done
    in 3.6 s", "1 epochs", with the point at the epoch's end."""
    page = open_studio(browser, studio, lang)
    with long_job(page):
        pass
    progress, card = page.text_content("#progress"), page.text_content("#card")
    if lang == "en":
        said = re.fullmatch(r"Stopped in epoch (\d+) after ([\d,]+) of its 9,000 images \(.*", progress)
        assert said, progress
        epoch, seen = said.groups()
        assert f"Stopped by you in epoch {epoch} of 40, after {seen} of its 9,000 images." in card, card
        assert not re.search(r"\b1 epochs", card), card
    else:
        said = re.fullmatch(r"第 (\d+) 轮中途停止：这一轮的 9,000 张图片看了 ([\d,]+) 张.*", progress)
        assert said, progress
        epoch, seen = said.groups()
        assert f"你在第 {epoch} 轮（共 40 轮）中途停止了训练：这一轮的 9,000 张图片只看了 {seen} 张。" in card, card
    images = int(seen.replace(",", ""))
    assert 0 < images < 9000 and images % 64 == 0  # whole batches of 64
    where = (int(epoch) - 1) * 9000 + images  # the held-out loss and accuracy where it stopped
    traces = page.locator("#curves").evaluate("(chart) => chart.data.map((t) => ({ name: t.name, x: [...t.x] }))")
    assert traces[1]["x"][-1] == where
    # its point is in the trace whose legend says it is from when training stopped, not from an epoch's end
    holding = [t["name"] for t in traces if where in t["x"] and t["name"] != traces[1]["name"]]
    assert holding == [STOPPED[lang]], traces
    assert all(where not in t["x"] for t in traces if t["name"] == END_OF_EPOCH[lang]), traces
    legend = page.locator("#curves .legend .traces text").all_text_contents()
    assert STOPPED[lang] in legend and (END_OF_EPOCH[lang] in legend) == (epoch != "1"), legend
    page.context.close()


STOPPED = {"en": "held-out (when stopped)", "zh": "留出测试集（停止时）"}
END_OF_EPOCH = {"en": "held-out (end of epoch)", "zh": "留出测试集（每轮结束）"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_figure_draws_a_stopped_epoch_apart_from_finished_ones(lang):
    """The server's chart (the page's, and a notebook's) of a job stopped in its second epoch: the first
    epoch's held-out point under "end of epoch", the stopped one under "when stopped", each at the
    images seen."""
    from cnnviz import figures
    batches = [{"type": "batch", "epoch": e, "seen": s, "total": 1000, "loss": 1.0, "accuracy": 0.5}
               for e, s in ((1, 500), (1, 1000), (2, 320))]
    epochs = [{"type": "epoch", "epoch": 1, "seen": 1000, "total": 1000, "loss": 0.9, "test_accuracy": 0.8},
              {"type": "epoch", "epoch": 2, "seen": 320, "total": 1000, "loss": 0.7, "test_accuracy": 0.85}]
    data = figures.as_json(figures.training_curves(batches + epochs, lang))["data"]
    named = {trace["name"]: trace for trace in data[3:]}
    assert list(named) == [END_OF_EPOCH[lang], STOPPED[lang]]
    assert (named[END_OF_EPOCH[lang]]["x"], named[END_OF_EPOCH[lang]]["y"]) == ([1000], [0.8])
    assert (named[STOPPED[lang]]["x"], named[STOPPED[lang]]["y"]) == ([1320], [0.85])
    assert data[1]["x"] == [1000, 1320]  # the training loss of both, as before
    whole = figures.as_json(figures.training_curves(batches[:2] + epochs[:1], lang))["data"]
    assert whole[4]["x"] == []  # nothing stopped: an empty trace, which Plotly leaves out of the legend


# ------------------------------------------------------------------ 5. a trained model's title
@pytest.mark.parametrize("lang, change, title", [
    ("zh", None, "很小的网络，在这里用手写数字训练（"),
    ("en", "4", "Your own network, trained here on handwritten digits (")])
def test_a_trained_model_is_named_by_its_network_and_data(browser, studio, lang, change, title):  # noqa: F811
    """The tiny preset left as it was is the tiny network; with 4 filters it is the learner's own; both
    in the page's language under "Your models" and in the explorer's model menu (it was "custom" in
    both languages, even for the preset left as it was)."""
    page = open_studio(browser, studio, lang)
    if change:
        page.fill("#layer-rows tr:first-child input[data-field=filters]", change)
        expect(page.locator("#layer-rows tr:first-child td.shape")).to_have_text("4×24×24")
    train(page, SHORT)
    listed = page.locator("#mine-list li .title")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text(re.compile(re.escape(title) + r"\d\d:\d\d[)）]"))
    assert "custom" not in listed.text_content()
    if lang == "en":  # one epoch, not "1 epochs"
        assert "Trained for 1 epoch: the network saw each training image once." in page.text_content("#card")
    page.click("#open-explorer")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#model-select option:checked")).to_contain_text(title)
    page.context.close()


# ------------------------------------------------------------------ 6. the number fields
CHECKS = {
    "en": {"epochs": "A whole number from 1 to 50: how many times the network sees every training image.",
           "lr": "A number from 0.00001 to 1. At 0 the weights never change; a large rate makes every step "
                 "overshoot."},
    "zh": {"epochs": "填一个 1 到 50 之间的整数：网络把每张训练图片看多少遍。",
           "lr": "填一个 0.00001 到 1 之间的数。学习率为 0 时权重永远不变；学习率太大，每一步都会走过头。"},
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_epochs_and_learning_rate_are_checked_at_their_field(browser, studio, lang):  # noqa: F811
    """Epochs 0 or empty and a learning rate of 0 or 5 are said under the field, which turns red, and
    Start waits; the work figure is not "0 multiply-adds". A value put right clears its message."""
    page = open_studio(browser, studio, lang)
    start, summary = page.locator("#start"), page.locator("#arch-summary")
    for field, values, good in (("epochs", ["0", "", "2.5"], "3"), ("lr", ["0", "5"], "0.003")):
        check = page.locator(f"#{field}-check")
        for value in values:
            page.fill(f"#{field}", value)
            expect(check).to_have_text(CHECKS[lang][field])
            expect(check).to_be_visible()
            expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
            expect(start).to_be_disabled()
            if field == "epochs":
                expect(summary).not_to_contain_text(re.compile("Work|计算量："))
            page.fill(f"#{field}", good)
            expect(check).to_be_hidden()
            expect(start).to_be_enabled()
    expect(summary).to_contain_text(re.compile("Work|计算量："))
    assert page.errors == []
    page.context.close()


def test_a_stop_answered_after_the_job_ended_leaves_the_status_saying_stopped(browser, studio):  # noqa: F811
    """Stop pressed, and the job's end (its 'cancelled' event) reaching the page before the answer to
    the stop request: the status line says the job stopped and the model is kept; it then said
    "Stopping after this batch…" for good (seen at 1366x768 while the server was busy)."""
    page = open_studio(browser, studio, "en")
    held = []

    def hold(route):  # the answer to Stop held back until the page has shown the job's end
        if route.request.method == "DELETE":
            held.append((route, route.fetch()))
        else:
            route.continue_()
    page.route("**/api/jobs/*", hold)
    with long_job(page):
        pass
    assert len(held) == 1
    status = page.locator("#status")
    expect(status).to_have_text(re.compile(r"^Stopped\. The model is kept"))
    route, response = held[0]
    route.fulfill(response=response)
    page.wait_for_timeout(500)  # the page's answer to the stop request
    expect(status).to_have_text(re.compile(r"^Stopped\. The model is kept"))
    assert page.errors == []
    page.context.close()
