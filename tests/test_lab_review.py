"""The Lab page as a new learner met it: a refusal is said in the section that caused it and in view
(not in the page's status line a long scroll above), named as the form labels it in both languages;
a filter wider than its input is said to be wider, with its numbers; the "same" padding formula adds up
with dilation; im2col's maps sit in rows; and the small slips (a plural, totals of a broken network,
the drawing pad's tones, Clear)."""
import json
import re

import pytest
from playwright.sync_api import Error as PlaywrightError, expect

from conftest import SCREENS, new_page
from test_lab_browser import draw_stroke, open_lab


@pytest.fixture
def lab(browser, server):
    page = new_page(browser, server)
    yield page
    page.context.close()


@pytest.fixture
def lab_zh(browser, server):
    page = new_page(browser, server, locale="zh-CN")
    yield page
    page.context.close()


def in_view(page, locator):
    """The element is on screen: inside the viewport, not above or below it."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box["y"] >= 0 and box["y"] + box["height"] <= height


def bugs(page):
    """The page's console errors, but for the refusals these tests ask for (the browser logs each 4xx)."""
    return [e for e in page.errors if not e.startswith("Failed to load resource")]


def set_number(page, selector, value):
    page.locator(selector).fill(str(value))
    page.locator(selector).dispatch_event("change")


ENGLISH_FIELD = re.compile(  # a request field's own name in quotes, as the server calls it
    r"[“\"](stride|width|height|kernel|input|bias|channels|filters|padding|dilation|side)[”\"]")


# ------------------------------------------------------------------ 1. errors where the learner is
@pytest.fixture(params=["phone", "1366"])
def lab_on_screen(browser, server, request):
    page = new_page(browser, server, **SCREENS[request.param])
    yield page
    page.context.close()


def test_depth_editor_refusal_is_shown_under_its_button_in_view(lab_on_screen):
    lab = lab_on_screen
    open_lab(lab)
    lab.locator("#depth-edit summary").click()
    lab.locator("#depth-fields textarea").first.fill("1 2 x")
    lab.locator("#depth-apply").click()
    message = lab.locator("#depth-status")
    expect(message).to_have_text("Some of these are not numbers. Write numbers separated by spaces, one row per line.")
    assert in_view(lab, message)
    expect(lab.locator("#status")).to_have_text("")  # not at the top of the page, a long scroll away
    # the server's refusal too (ragged rows), and the old pictures are dimmed: they are not of these numbers
    lab.locator("#depth-fields textarea").first.fill("1 2 3\n4 5")
    lab.locator("#depth-apply").click()
    expect(message).to_contain_text("\"Input\" must be a rectangular table of numbers")
    assert in_view(lab, message)
    expect(lab.locator("#depth-canvas")).to_have_class(re.compile(r"\bstale\b"))
    # numbers that work clear the message and the dimming
    lab.locator("#depth-random").click()
    expect(message).to_be_hidden()
    expect(lab.locator("#depth-canvas")).not_to_have_class(re.compile(r"\bstale\b"))
    assert bugs(lab) == []


def test_kernel_lab_refusals_are_shown_in_the_section_in_view(lab_on_screen, tmp_path):
    lab = lab_on_screen
    open_lab(lab)
    cell = lab.locator("#kernel-grid input").nth(4)
    cell.fill("1e308")
    message = lab.locator("#kernel-status")
    expect(message).to_have_text("\"Filter\" must hold finite numbers within ±1,000,000.")
    assert in_view(lab, message)
    expect(lab.locator("#kernel-maps")).to_have_class(re.compile(r"\bstale\b"))
    cell.fill("1")
    expect(message).to_be_hidden()
    # an upload that is not an image
    not_image = tmp_path / "notes.png"
    not_image.write_text("these are not pixels")
    lab.locator("#kernel-sources [data-source=photo]").click()
    lab.set_input_files("#kernel-file", str(not_image))
    expect(message).not_to_be_empty()
    assert in_view(lab, message)
    expect(lab.locator("#status")).to_have_text("")


# ------------------------------------------------------------------ 1b. limits as the page prints numbers
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_limits_and_counts_are_grouped_in_thousands(browser, server, lang):
    """A refusal's limits read as the page's other counts do, in both languages (the rest of the app
    prints 9,000 and 138,344,128 in Chinese too): "±1,000,000", "1 to 4,096", not "±1000000"."""
    page = new_page(browser, server, locale="zh-CN" if lang == "zh" else "en-US")
    try:
        open_lab(page, lang)
        page.locator("#kernel-grid input").nth(4).fill("1e308")
        expect(page.locator("#kernel-status")).to_contain_text("±1,000,000")
        set_number(page, "#size-width", 5000)
        expect(page.locator("#size-problem")).to_contain_text("4,096")
        page.locator("#size-presets button", has_text="AlexNet conv1" if lang == "en" else "AlexNet 第一层").click()
        expect(page.locator("#size-player .counter")).to_have_text(
            "step 1 of 3,025" if lang == "en" else "第 1 步，共 3,025 步")  # 55 x 55 window positions
        for where in ("#kernel-status", "#size-problem", "#size-player .counter"):
            assert not re.search(r"\d{4}", page.locator(where).inner_text()), page.locator(where).inner_text()
        assert bugs(page) == []
    finally:
        page.context.close()


# ------------------------------------------------------------------ 1c. the CSV export's failures
CSV_URL = "**/api/lab/architecture?format=csv"
UNREACHABLE = {"en": "Could not reach the cnnviz server.", "zh": "无法连接 cnnviz 服务器。"}
TOO_WIDE = {"en": "The input must be channels × height × width, each a whole number from 1 to 4,096.",
            "zh": "输入必须是 通道 × 高 × 宽，每个都是 1 到 4,096 的整数。"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_failed_csv_export_says_what_happened(browser, server, lang):
    """The server's refusal of an export is said by its code (here a side over its bound of 4,096), in
    view under the calculator's buttons; "cannot reach the server" only when the request itself fails
    (it said so for every refusal, and a request that failed left an unhandled rejection and no word)."""
    page = new_page(browser, server, locale="zh-CN" if lang == "zh" else "en-US", **SCREENS["1366"])
    try:
        open_lab(page, lang)
        expect(page.locator("#calc-table [data-total=weights]")).to_have_text("138,344,128")
        message, button = page.locator("#calc-status"), page.locator("#calc-csv")
        # what the server says of an input 5,000 high (the table asked for VGG16, which fits)
        too_high = {"input_shape": [3, 5000, 224], "layers": [{"name": "c", "kind": "conv", "filters": 8, "kernel": 3}]}
        refused = page.request.post(f"{server}/api/lab/architecture?format=csv", data=too_high)
        assert refused.status == 400 and refused.json()["code"] == "architecture.input_shape", refused.text()
        page.route(CSV_URL, lambda route: route.continue_(post_data=json.dumps(too_high)))
        with page.expect_response(CSV_URL):
            button.click()
        expect(message).to_have_text(TOO_WIDE[lang])
        assert in_view(page, message)
        # the request itself fails: no answer from the server at all
        page.unroute(CSV_URL)
        page.route(CSV_URL, lambda route: route.abort("connectionrefused"))
        button.click()
        expect(message).to_have_text(UNREACHABLE[lang])
        assert in_view(page, message)
        expect(page.locator("#calc-table")).not_to_have_class(re.compile(r"\bstale\b"))  # the table is still right
        # reachable again: the file, and the message gone
        page.unroute(CSV_URL)
        with page.expect_download() as download:
            button.click()
        assert open(download.value.path()).readline().startswith("layer,kind,")
        expect(message).to_be_hidden()
        assert bugs(page) == [], page.errors
    finally:
        page.context.close()


# ------------------------------------------------------------------ 2. fields named as labelled
def test_chinese_refusals_name_the_fields_as_the_page_labels_them(lab_zh):
    page = lab_zh
    open_lab(page, "zh")
    problem = page.locator("#size-problem")
    set_number(page, "#size-stride", 0)
    expect(problem).to_contain_text("“步长 S”必须是 1 到 64 的整数。")
    set_number(page, "#size-stride", 1)
    set_number(page, "#size-width", 0)
    expect(problem).to_contain_text("“宽 W”必须是 1 到 4,096 的整数。")
    page.locator("#depth-edit summary").click()
    page.locator("#depth-fields textarea").first.fill("1 2 3\n4 5")
    page.locator("#depth-apply").click()
    expect(page.locator("#depth-status")).to_have_text("“输入”必须是一张整齐的数字表。")
    page.locator("#kernel-grid input").first.fill("1e308")
    expect(page.locator("#kernel-status")).to_contain_text("“卷积核”中的数字必须是有限的")
    for where in (problem, page.locator("#depth-status"), page.locator("#kernel-status")):
        text = where.inner_text()
        assert not ENGLISH_FIELD.search(text), text
    assert bugs(page) == []


# ------------------------------------------------------------------ 3. a filter wider than its input
def check_does_not_fit(text):
    """'… dilation·(F − 1) + 1 = 1·(9 − 1) + 1 = 9 cells … W + 2P = 7 + 2×0 = 7 …' -> (span, padded),
    after checking that both formulas add up and that the span is the wider."""
    span = re.search(r"(\d+)·\((\d+) − 1\) \+ 1 = (\d+)", text)
    padded = re.search(r"W \+ 2P = (\d+) \+ 2×(\d+) = (\d+)", text)
    assert span and padded, text
    d, f, s = (int(v) for v in span.groups())
    w, p, wp = (int(v) for v in padded.groups())
    assert d * (f - 1) + 1 == s and w + 2 * p == wp and s > wp, text
    return s, wp


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_filter_wider_than_the_input_is_said_to_be_wider(browser, server, lang):
    page = new_page(browser, server, locale="zh-CN" if lang == "zh" else "en-US")
    try:
        open_lab(page, lang)
        set_number(page, "#size-kernel", 9)  # on the 7 x 7 input
        problem = page.locator("#size-problem [data-reason=does_not_fit]")
        expect(problem).to_be_visible()
        assert check_does_not_fit(problem.inner_text()) == (9, 7)
        assert "whole number" not in page.locator("#size-problem").inner_text()
        assert "不是整数" not in page.locator("#size-problem").inner_text()
        # with dilation: a 3-wide filter at dilation 4 spans 9 cells
        set_number(page, "#size-kernel", 3)
        set_number(page, "#size-dilation", 4)
        assert check_does_not_fit(problem.inner_text()) == (9, 7)
        # the architecture calculator: the same words in the layer's row
        page.locator("#calc-preset").select_option("digits")
        # the first conv's F, once digits' rows are on screen (filled into the last preset's rows, the
        # edit was lost, as in a CI run)
        expect(page.locator("#calc-table tbody tr[data-layer]").first).to_contain_text("6 × 28 × 28")
        kernel = page.locator("#calc-table tbody tr[data-layer] input").nth(1)
        kernel.fill("40")
        kernel.dispatch_event("change")
        reason = page.locator("#calc-table tr.invalid .reason")
        expect(reason).to_be_visible()
        span, padded = check_does_not_fit(reason.inner_text())
        assert span == 40 and padded < 40
    finally:
        page.context.close()


def test_a_step_off_the_edge_still_says_not_whole(lab):
    open_lab(lab)
    lab.locator("#size-presets button", has_text="W=10, F=3, S=2").click()
    expect(lab.locator("#size-problem [data-reason=uneven]")).to_contain_text("4.5, not a whole number")


# ------------------------------------------------------------------ 4. "same" padding with dilation
def test_same_padding_formula_adds_up_and_keeps_the_size_with_dilation(lab):
    open_lab(lab)
    lab.locator("#size-presets button", has_text="Dilation 2").click()
    hint = lab.locator("#size-formula .same")
    expect(hint).to_contain_text("dilation 2")
    m = re.search(r"P = dilation·\(F − 1\) / 2 = (\d+)·\((\d+) − 1\) / 2 = (\d+)", hint.inner_text())
    assert m, hint.inner_text()
    d, f, p = (int(v) for v in m.groups())
    assert (d, f) == (2, 3) and d * (f - 1) / 2 == p == 2
    set_number(lab, "#size-padding", p)  # the learner follows the tip: the output keeps the input's size
    expect(lab.locator("#size-formula [data-output]")).to_have_text("Output: 9 × 9 × 1")


# ------------------------------------------------------------------ 5. im2col's maps in rows
def test_im2col_maps_sit_in_rows_on_a_wide_screen(browser, server):
    page = new_page(browser, server, **SCREENS["1080p"])
    try:
        open_lab(page)
        layers = page.locator("#im2col-layer option").all_inner_texts()
        page.locator("#im2col-layer").select_option(layers[-1])  # the deepest conv: the most maps (16)
        expect(page.locator("[data-matrix=reshaped] figcaption")).to_contain_text("16 maps")
        maps = page.locator("[data-matrix=reshaped] .maps canvas")
        expect(maps.first).to_be_visible()
        tops = {round(box["y"]) for box in (maps.nth(i).bounding_box() for i in range(maps.count()))}
        assert maps.count() >= 8 and len(tops) <= 2, (maps.count(), tops)
        one = maps.first.bounding_box()["height"]  # the figure is two rows of maps tall, not 16
        assert page.locator("[data-matrix=reshaped]").bounding_box()["height"] < 3 * one
    finally:
        page.context.close()


# ------------------------------------------------------------------ 6. small slips
def test_channel_mismatch_has_no_1_channels(lab):
    open_lab(lab)
    lab.locator("#depth-edit summary").click()
    lab.locator("#depth-fields textarea").first.fill("\n".join(["1 1 1 1 1"] * 5))  # one channel, filters of three
    lab.locator("#depth-apply").click()
    message = lab.locator("#depth-status")
    expect(message).to_contain_text("the input has 1, the filter has 3")
    assert not re.search(r"\b1 channels\b", message.inner_text())


def test_a_broken_network_has_no_totals(lab):
    open_lab(lab)
    lab.locator("#calc-preset").select_option("lenet5")
    kernel = lab.locator("#calc-table tr[data-layer=c1] input").nth(1)
    kernel.fill("40")  # wider than the 32 x 32 input: the first layer is the broken one
    kernel.dispatch_event("change")
    expect(lab.locator("#calc-table tr.invalid")).to_have_count(1)
    for key in ("activations", "bytes", "weights", "biases", "macs"):
        expect(lab.locator(f"#calc-table [data-total={key}]")).to_have_text("—")
    notes = lab.locator("#calc-notes")
    expect(notes.locator("[data-note=error]")).to_contain_text("Layer c1 does not fit")
    assert "MB" not in notes.inner_text() and "million" not in notes.inner_text()


def value_at(page, figure, fx, fy):
    """The number the tooltip shows at (fx, fy) of a map figure's picture (fractions of its size)."""
    canvas = page.locator(f"[data-map={figure}] canvas")
    canvas.scroll_into_view_if_needed(timeout=1000)
    box = canvas.bounding_box(timeout=1000)
    page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    tip = page.locator("#tooltip")
    expect(tip).to_be_visible(timeout=1000)
    return float(tip.inner_text().split("=")[-1].replace("−", "-"))


def wait_for_input_value(page, fx, fy, check, seconds=5):
    """Reads the input map at (fx, fy) until check(value): the maps follow the pad a request later,
    and a map redrawn under the mouse is read again."""
    value = None
    for _ in range(seconds * 5):
        try:
            value = value_at(page, "input", fx, fy)
        except (PlaywrightError, AssertionError, TypeError):  # replaced while being read
            value = None
        if value is not None and check(value):
            return value
        page.wait_for_timeout(200)
    raise AssertionError(f"the input map at ({fx}, {fy}) stayed {value}")


def test_drawing_is_ink_1_on_paper_0_like_the_digits_and_clear_redraws(lab):
    open_lab(lab)
    lab.locator("#kernel-sources [data-source=gallery]").click()
    lab.locator("#kernel-gallery button").first.click()
    expect(lab.locator("[data-map=input] figcaption")).to_have_text("input 28 × 28")
    wait_for_input_value(lab, 0.02, 0.02, lambda v: v == 0)  # a digit's paper is 0, its ink near 1
    lab.locator("#kernel-sources [data-source=drawing]").click()
    draw_stroke(lab, 0.15, 0.85)
    wait_for_input_value(lab, 0.5, 0.5, lambda v: v > 0.5)  # the stroke: ink
    wait_for_input_value(lab, 0.02, 0.02, lambda v: v == 0)  # the paper around it
    lab.locator("#kernel-clear").click()
    wait_for_input_value(lab, 0.5, 0.5, lambda v: v == 0)  # the maps follow the cleared pad
    assert bugs(lab) == []


# ------------------------------------------------------------------ the API behind them
def test_output_size_refusal_says_which_case_with_the_numbers(client):
    wide = client.post("/api/lab/shape", json={"input_shape": [1, 7, 7], "kernel": 9}).get_json()
    assert wide["code"] == "shape.output_size" and wide["params"]["case"] == "does_not_fit"
    assert (wide["params"]["span"], wide["params"]["padded"]) == (9, 7)
    uneven = client.post("/api/lab/shape", json={"input_shape": [1, 10, 10], "kernel": 3, "stride": 2}).get_json()
    assert uneven["params"]["case"] == "uneven" and uneven["params"]["value"] == 4.5


@pytest.mark.parametrize("kernel, dilation, same", [(3, 1, 1), (3, 2, 2), (4, 2, 3), (4, 1, None)])
def test_same_padding_is_dilation_times_f_minus_1_over_2(client, kernel, dilation, same):
    r = client.post("/api/lab/shape", json={"input_shape": [1, 20, 20], "kernel": kernel, "dilation": dilation,
                                            "padding": same or 0}).get_json()
    assert r["same_padding"] == same
    if same is not None:  # it keeps the size, as the tip says
        assert r["output_shape"][1:] == [20, 20]


def test_a_filter_too_large_names_its_size_not_its_numbers(client):
    r = client.post("/api/lab/convolve", json={"input": [[0] * 20] * 20, "kernel": [[0] * 12] * 12})
    assert r.status_code == 422 and r.get_json()["params"]["field"] == "kernel_size"


@pytest.mark.parametrize("lang,rows", [("en", "rows: "), ("zh", "行：")])
def test_the_size_formula_labels_its_axes_in_the_pages_punctuation(browser, server, lang, rows):
    """"行：(7 − 3 …" on a Chinese page (it read "行: "), "rows: " in English."""
    page = new_page(browser, server, locale="zh-CN" if lang == "zh" else "en-US")
    try:
        open_lab(page, lang)
        expect(page.locator("#size-formula [data-axis=rows]")).to_contain_text(rows)
    finally:
        page.context.close()
