"""The Lab page in Chromium: the tutorials' worked examples read off the screen, formulas that add
up, the one clock, editing a real filter, the calculator and its CSV, both languages, five viewports."""
import csv
import io
import re

import pytest
from playwright.sync_api import expect

from conftest import SCREENS, new_page

VIEWPORTS = SCREENS


def open_lab(page, lang="en"):
    page.goto(f"{page.base}/lab?lang={lang}")
    page.wait_for_selector("body[data-ready=true]")


def number(text):
    return float(text.replace(",", "").replace("−", "-").replace("(", "").replace(")", ""))


def table_numbers(locator):
    """A number table on screen -> rows of numbers, as the learner reads them."""
    return [[number(td) for td in row] for row in locator.evaluate(
        "t => [...t.rows].map(r => [...r.cells].map(c => c.textContent))")]


def check_formula(text):
    """'(10 − 3 + 0) / 2 + 1 = 4.5' -> the numbers, after checking that they add up."""
    m = re.search(r"\((\d+) − (\d+) \+ (\d+)\) / (\d+) \+ 1 = ([\d.]+)", text)
    assert m, text
    size, span, pad2, stride, value = (float(v) for v in m.groups())
    assert abs((size - span + pad2) / stride + 1 - value) < 1e-3
    return size, span, pad2, stride, value


def draw_stroke(page, top, bottom):
    """A vertical stroke down the middle of the kernel lab's pad, from top to bottom (fractions of its height)."""
    box = page.locator("#kernel-pad").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * top)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * bottom, steps=8)
    page.mouse.up()


@pytest.fixture
def lab(browser, server):
    page = new_page(browser, server)
    yield page
    page.context.close()


def test_lab_is_in_the_navigation_and_reproduces_the_worked_examples(lab):
    lab.goto(lab.base + "/?lang=en")
    lab.locator("nav.pages a", has_text="Lab").click()
    lab.wait_for_selector("body[data-ready=true]")
    expect(lab.locator("nav.pages a[aria-current=page]")).to_have_text("Lab")
    # Karn's 5 x 5 binary image and 3 x 3 filter
    feature = lab.locator("[data-map=feature] table")
    expect(feature).to_be_visible()
    assert table_numbers(feature) == [[4, 3, 4], [2, 4, 3], [2, 3, 4]]
    assert table_numbers(lab.locator("[data-map=input] table"))[0] == [1, 1, 1, 0, 0]
    # CS231n's 4 x 4 max pooling, window by window on the clock
    pool = lab.locator("#pool-player")
    maxima = []
    for _ in range(4):
        maxima.append(number(lab.locator("#pool-sum").inner_text().split("=")[-1]))
        pool.locator("button", has_text="→").click()
    assert maxima == [6, 8, 3, 4]
    expect(pool.locator(".counter")).to_have_text("step 4 of 4")
    assert lab.errors == []


def test_output_size_formula_refuses_4_5_and_offers_choices(lab):
    open_lab(lab)
    rows = lab.locator("#size-formula [data-axis=rows]")
    check_formula(rows.inner_text())
    lab.locator("#size-presets button", has_text="W=10, F=3, S=2").click()
    problem = lab.locator("#size-problem")
    expect(problem).to_be_visible()
    assert check_formula(problem.locator("[data-axis=bad]").inner_text()) == (10, 3, 0, 2, 4.5)
    assert "(10 − 3 + 0) / 2 + 1 = 4.5" in problem.inner_text()
    problem.locator("button", has_text="stride 1").click()
    expect(problem).to_be_hidden()
    size, span, pad2, stride, value = check_formula(rows.inner_text())
    assert (size, stride, value) == (10, 1, 8)
    expect(lab.locator("#size-formula [data-output]")).to_have_text("Output: 8 × 8 × 1")
    assert lab.locator("#size-stride").input_value() == "1"


def test_alexnet_conv1_parameter_sharing_on_screen(lab):
    open_lab(lab)
    lab.locator("#size-presets button", has_text="AlexNet conv1").click()
    expect(lab.locator("#size-formula [data-output]")).to_have_text("Output: 55 × 55 × 96")
    check_formula(lab.locator("#size-formula [data-axis=cols]").inner_text())
    figures = {k: lab.locator(f"[data-figure={k}]").inner_text() for k in ("neurons", "shared", "unshared")}
    assert figures["neurons"].endswith("290,400")
    shared = [number(v) for v in re.findall(r"[\d,]+", figures["shared"].replace("·", " "))]
    k, c, f1, f2, one, k2, per, total = shared
    assert (k, c, f1, f2) == (96, 3, 11, 11) and k * (c * f1 * f2 + one) == k2 * per == total == 34_944
    neurons, per2, unshared = (number(v) for v in re.findall(r"[\d,]+", figures["unshared"]))
    assert neurons * per2 == unshared == 105_705_600
    expect(lab.locator("#size-player .counter")).to_have_text("step 1 of 3,025")  # 55 x 55 window positions


def test_depth_demo_adds_up_and_the_one_clock_moves_one_widget(lab):
    open_lab(lab)
    sums = lab.locator("#depth-sum")
    expect(sums.locator("[data-total]")).to_contain_text("output 0, row index 0, column index 0")  # indices from 0, as Explore and CS231n's V[0,0,0]
    for _ in range(3):
        lines = sums.locator("li[data-channel]").all_inner_texts()
        partial = []
        for line in lines:
            terms, result = re.split(r"[:：] ?", line, maxsplit=1)[1].rsplit(" = ", 1)
            products = [number(a) * number(b) for a, b in (t.split("·") for t in terms.split(" + "))]
            assert sum(products) == number(result)
            partial.append(number(result))
        total_terms, total = sums.locator("[data-total]").inner_text().split(" → ")[0].rsplit(" = ", 1)
        bias = number(total_terms.rsplit(" ", 1)[-1])
        assert sum(partial) + bias == number(total)
        lab.locator("#depth-player button", has_text="→").click()
    expect(lab.locator("#depth-player .counter")).to_have_text("step 4 of 18")
    # the one clock: playing the window moves it, and touching the demo stops it
    lab.locator("#size-player .play").click()
    expect(lab.locator("#size-player .counter")).not_to_have_text("step 1 of 25")
    lab.locator("#depth-player button", has_text="←").click()
    expect(lab.locator("#size-player .play")).to_have_attribute("aria-pressed", "false")
    expect(lab.locator("#depth-player .counter")).to_have_text("step 3 of 18")


def test_edit_a_real_filter_and_reset(lab):
    open_lab(lab)
    verdict = lab.locator("#edit-compare .verdict")
    expect(verdict).to_contain_text("Trained network: 0")
    expect(lab.locator("#edit-filters button")).to_have_count(6)
    requests = []
    lab.on("request", lambda r: requests.append(r.post_data_json) if r.url.endswith("/predict") else None)
    lab.locator("#edit-actions [data-action=zero]").click()
    expect(lab.locator("#edit-grid input").first).to_have_value("0")
    lab.wait_for_function("() => document.querySelectorAll('#edit-compare .compare-table tr').length > 5")
    sent = [r for r in requests if r and "weights" in r]
    assert sent and sent[-1]["weights"]["conv1.weight"][0] == [[[0] * 5] * 5]
    lab.locator("#edit-filters button").nth(2).click()
    expect(lab.locator("#edit-filter-title")).to_contain_text("Filter 2 of conv1, input channel 0")  # the third button: indices from 0, as Explore names it
    lab.locator("#edit-actions [data-action=reset]").click()
    expect(lab.locator("#edit-grid input").first).not_to_have_value("0")
    trained, edited = verdict.inner_text().split(". With your filter: ")
    assert trained.split(": ")[1] == edited.rstrip(".")  # same class and probability as the trained network
    lab.locator("#edit-model").select_option("fashion")  # the other network: its own filters, input and im2col
    expect(lab.locator("#edit-filters button")).to_have_count(16)
    expect(lab.locator("#im2col-body [data-size=x_col]")).to_contain_text("X_col is 9 × 676")
    lab.locator("#edit-actions [data-preset=edge2]").click()
    expect(lab.locator("#edit-grid input").nth(4)).to_have_value("-4")
    expect(verdict).to_contain_text("With your filter:")
    assert lab.errors == []


def test_im2col_sizes(lab):
    open_lab(lab)
    expect(lab.locator("#im2col-body [data-size=x_col]")).to_contain_text("X_col is 25 × 784")
    expect(lab.locator("#im2col-body [data-size=w_row]")).to_contain_text("W_row is 6 × 25")
    expect(lab.locator("#im2col-body [data-equal]")).to_contain_text("difference from the layer's output in the explorer: 0")
    expect(lab.locator("#im2col-body [data-alexnet]")).to_contain_text("X_col is 363 × 3,025 and W_row is 96 × 363")
    lab.locator("#im2col-layer").select_option("conv2")
    expect(lab.locator("#im2col-body [data-size=x_col]")).to_contain_text("X_col is 150 × 100")


def test_vgg16_table_adds_up_and_exports_csv(lab):
    open_lab(lab)
    table = lab.locator("#calc-table")
    expect(table.locator("[data-total=weights]")).to_have_text("138,344,128")
    weights = [number(v) for v in table.locator("tbody [data-col=weights]").all_inner_texts()]
    assert sum(weights) == 138_344_128 and weights[0] == 1728
    counted = [number(v) for v in table.locator("tbody td[data-col=activations]:not(.in-place)").all_inner_texts()]
    assert sum(counted) == number(table.locator("[data-total=activations]").inner_text()) == 15_237_608
    notes = lab.locator("#calc-notes")
    expect(notes.locator("[data-note=parameters]")).to_contain_text("138,357,544")
    expect(notes.locator("[data-note=memory]")).to_contain_text("61 MB")
    expect(notes.locator("[data-note=claim]")).to_contain_text("24M × 4 bytes ≈ 93 MB")
    expect(notes.locator("[data-note=claim]")).to_contain_text("15.2M")
    with lab.expect_download() as download:
        lab.locator("#calc-csv").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path()).read())))
    assert rows[-1]["weights"] == "138344128" and rows[1]["layer"] == "conv1_1"
    # an edit that does not fit is flagged with its numbers
    stride = table.locator("tr[data-layer=conv1_1] input").nth(2)
    stride.fill("2")
    stride.dispatch_event("change")
    expect(table.locator("tr.invalid .reason")).to_contain_text("(224 − 3 + 2×1) / 2 + 1 = 112.5")
    expect(lab.locator("#calc-preset")).to_have_value("custom")


def test_three_stacked_3x3_convs_see_7x7(lab):
    open_lab(lab)
    lab.locator("#calc-preset").select_option("fashion")
    expect(lab.locator("#calc-table tr[data-layer=conv2_1] [data-col=rf]")).to_have_text("10 × 10")
    expect(lab.locator("#calc-table tr[data-layer=conv1_2] [data-col=rf]")).to_have_text("5 × 5")
    # make the pooling layer a third 3 x 3 convolution: three stacked 3 x 3 convs see 7 x 7
    lab.locator("#calc-table tr[data-layer=pool1] select").select_option("conv")
    expect(lab.locator("#calc-preset")).to_have_value("custom")
    expect(lab.locator("#calc-table tr[data-layer=pool1] [data-col=rf]")).to_have_text("7 × 7")
    expect(lab.locator("#calc-table tr[data-layer=pool1] [data-col=output]")).to_have_text("8 × 22 × 22")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("view", list(VIEWPORTS))
def test_every_viewport_and_language(browser, server, view, lang):
    page = new_page(browser, server, **VIEWPORTS[view], locale="zh-CN" if lang == "zh" else "en-US")
    try:
        open_lab(page, lang)
        expect(page.locator("[data-map=feature] table")).to_be_visible()
        expect(page.locator("#calc-table [data-total=weights]")).to_have_text("138,344,128")
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        assert table_numbers(page.locator("[data-map=feature] table")) == [[4, 3, 4], [2, 4, 3], [2, 3, 4]]
        heading = page.locator("#size-heading").inner_text()
        assert ("输出尺寸" in heading) == (lang == "zh")
        smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll('main p, main li, main td, main button, main label')]
            .filter(e => e.offsetParent && e.textContent.trim()).map(e => parseFloat(getComputedStyle(e).fontSize)))""")
        assert smallest >= 12
        for section in ("#size", "#depth", "#calc"):  # nothing sticks out of its panel
            assert page.evaluate(f"(() => {{ const s = document.querySelector('{section}'); return s.scrollWidth <= s.clientWidth + 1; }})()")
        assert page.errors == []
    finally:
        page.context.close()


def test_kernel_lab_on_a_drawing_and_a_photo(lab, tmp_path):
    from PIL import Image
    from conftest import png_bytes
    open_lab(lab)
    lab.locator("#kernel-sources [data-source=drawing]").click()
    draw_stroke(lab, 0.2, 0.8)
    expect(lab.locator("[data-map=feature] figcaption")).to_have_text("feature map 26 × 26")
    expect(lab.locator("[data-map=pooled] figcaption")).to_have_text("2×2 max pooling → 13 × 13")
    lab.locator("#kernel-presets [data-preset=edge2]").click()
    lab.locator("[data-map=feature] canvas").hover()
    expect(lab.locator("#tooltip")).to_have_text(re.compile(r"^\[\d+, \d+\] = [-−]?[\d.e-]+$"))  # [row, column] from 0, as on Explore; − as the page writes it
    photo = tmp_path / "photo.png"
    photo.write_bytes(png_bytes(Image.new("RGB", (600, 400), (200, 120, 40))))
    lab.locator("#kernel-sources [data-source=photo]").click()
    lab.set_input_files("#kernel-file", str(photo))
    expect(lab.locator("[data-map=input] figcaption")).to_have_text("input 171 × 256")
    expect(lab.locator("[data-map=feature] figcaption")).to_have_text("feature map 169 × 254")
    assert lab.errors == []


def test_depth_demo_with_the_learners_own_numbers(lab):
    open_lab(lab)
    lab.locator("#depth-edit summary").click()
    area = lab.locator("#depth-fields textarea").first
    rows = ["1 1 1 1 1"] * 5
    area.fill("\n\n".join("\n".join(rows) for _ in range(3)))
    lab.locator("#depth-fields textarea").last.fill("10 0")
    lab.locator("#depth-apply").click()
    total = lab.locator("#depth-sum [data-total]")
    expect(lab.locator("#depth-status")).to_be_hidden()
    expect(total).to_contain_text("bias 10")
    terms, value = total.inner_text().split(" → ")[0].rsplit(" = ", 1)
    partial = [number(v) for v in lab.locator("#depth-sum li[data-channel] strong").all_inner_texts()]
    assert sum(partial) + 10 == number(value)
    lab.locator("#depth-fields textarea").first.fill("1 x")
    lab.locator("#depth-apply").click()
    expect(lab.locator("#depth-status")).to_have_text("Some of these are not numbers. Write numbers separated by spaces, one row per line.")
