"""The Explore page's inputs, in a real browser: a photo cropped by mouse, touch and keyboard
and its colours chosen (both kept in the link); a phone's 12-megapixel photo shrunk in the
page and read as the full-size one is; a first example on show before any input; photo
warnings and the preprocessing strip on five screens in both languages."""
import base64
import io
import re
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from cnnviz.bench import photos
from cnnviz.data import DataError, load_digits_10k, load_fashion
from conftest import SCREENS, draw_digit, new_page, open_app, png_bytes
from wcag import contrast

VIEWPORTS = SCREENS


def big_label(page):
    return page.locator("#guess .big")


def query(page):
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


RECORD_SENT = """(() => { const append = FormData.prototype.append;  // the test's own record of what is sent
    FormData.prototype.append = function (name, value, ...rest) {
        if (name === 'image') window.sentImage = value;
        return append.call(this, name, value, ...rest); };
    const send = window.fetch;  // /predict sends the image itself as the body
    window.fetch = function (url, options = {}) {
        if (options.body instanceof Blob) window.sentImage = options.body;
        return send.call(this, url, options); }; })()"""


def upload(page, path):
    """Give the page a photo; -> the image it sent, once its answer is on screen. (Chromium does
    not report a file's bytes in a request body: the test records the Blob the page appends to
    its form, and checks it against the request's length.)"""
    with page.expect_response(re.compile(r"/predict(\?|$)")) as response:
        page.set_input_files("#file-input", str(path))
    expect(page.locator("#status")).to_have_text("")
    data = base64.b64decode(page.evaluate("""async () => {
        const bytes = new Uint8Array(await window.sentImage.arrayBuffer());
        let text = '';
        for (const b of bytes) text += String.fromCharCode(b);
        return btoa(text); }"""))
    length = int(response.value.request.all_headers()["content-length"])
    assert len(data) <= length < len(data) + 1000  # the image (and a few short fields, in a form)
    return data


def two_digits():
    """A 1 on the left half and a 7 on the right half of one white page (small: sent as it is)."""
    sheet = Image.new("RGB", (400, 200), "white")
    sheet.paste(draw_digit("1"), (0, 0))
    sheet.paste(draw_digit("7"), (200, 0))
    return png_bytes(sheet)


def stage_point(page, fx, fy):
    """A point of the photo (fractions of its width and height) in the viewport, scrolled into view."""
    page.locator("#crop-stage").scroll_into_view_if_needed()
    box = page.locator("#crop-photo").bounding_box()
    return box["x"] + fx * box["width"], box["y"] + fy * box["height"]


def crop_in_url(page):
    return [float(v) for v in query(page)["crop"].split(",")]


# ------------------------------------------------------------ crop and invert
def test_crop_by_mouse_and_keyboard_and_keep_it_in_the_link(page, tmp_path):
    page.add_init_script(RECORD_SENT)
    open_app(page)
    photo = tmp_path / "two.png"
    photo.write_bytes(two_digits())
    assert upload(page, photo) == photo.read_bytes()  # a small photo is sent as it is
    expect(page.locator("#cropper")).to_be_visible()
    expect(page.locator("#crop-where")).to_have_text("The whole photo is read.")

    # the mouse draws a box around the 7: the view updates when the button lifts
    page.mouse.move(*stage_point(page, 0.52, 0.03))
    page.mouse.down()
    page.mouse.move(*stage_point(page, 0.97, 0.97), steps=8)
    page.mouse.up()
    expect(big_label(page)).to_have_text("7")
    x0, y0, x1, y1 = crop_in_url(page)
    assert abs(x0 - 0.52) < 0.01 and abs(x1 - 0.97) < 0.01 and y0 < 0.05 and y1 > 0.95
    expect(page.locator("#crop-where")).to_contain_text("52–97 % across")
    expect(page.locator("#crop-apply")).to_be_disabled()  # applied: nothing waits

    # dragging inside the box moves it: over the 1
    page.mouse.move(*stage_point(page, 0.75, 0.5))
    page.mouse.down()
    page.mouse.move(*stage_point(page, 0.25, 0.5), steps=8)
    page.mouse.up()
    expect(big_label(page)).to_have_text("1")
    assert crop_in_url(page)[2] < 0.5

    # keyboard: Escape goes back to the whole photo; Shift+← shrinks, Enter applies
    page.locator("#crop-box").focus()
    page.keyboard.press("Escape")
    expect(page.locator("#crop-where")).to_have_text("The whole photo is read.")
    expect(page.locator("#status")).to_have_text("")
    assert "crop" not in query(page)
    for _ in range(25):  # the right edge from 100 % to 50 %
        page.keyboard.press("Shift+ArrowLeft")
    expect(page.locator("#crop-where")).to_contain_text("Not applied yet")
    page.keyboard.press("Enter")
    expect(page.locator("#crop-where")).to_have_text(
        "Box: 0–50 % across and 0–100 % down (50 % × 100 % of the photo).")
    expect(big_label(page)).to_have_text("1")
    for _ in range(25):  # moved right by half the photo: onto the 7
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(big_label(page)).to_have_text("7")
    assert crop_in_url(page) == [0.5, 0, 1, 1]

    # the focus ring on the box: at least 3 px, and 3:1 against white paper
    ring = page.evaluate("""() => { const s = getComputedStyle(document.getElementById('crop-box'));
        return [s.outlineWidth, s.outlineColor, s.outlineStyle]; }""")
    assert float(ring[0].rstrip("px")) >= 3 and ring[2] != "none"
    assert contrast(ring[1], "rgb(255, 255, 255)") >= 3

    # light ink on a dark background, kept in the link too; the link reopens the input it read
    page.select_option("#invert-select", "false")  # told the ink is light: the white page becomes the ink
    expect(page.locator("#status")).to_have_text("")
    assert query(page)["invert"] == "false"
    pad = page.evaluate("() => document.getElementById('draw-canvas').toDataURL()")
    page.goto(page.url)
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#input-note")).to_contain_text("From a photo")
    expect(page.locator("#input-note")).to_contain_text("50–100 % across")
    assert page.locator("#invert-select").input_value() == "false"
    assert page.evaluate("() => document.getElementById('draw-canvas').toDataURL()") == pad
    assert page.errors == []


def test_crop_by_touch_on_a_phone(browser, server, tmp_path):
    page = new_page(browser, server, **VIEWPORTS["phone"])
    page.add_init_script(RECORD_SENT)
    try:
        open_app(page)
        photo = tmp_path / "two.png"
        photo.write_bytes(two_digits())
        upload(page, photo)
        expect(page.locator("#cropper")).to_be_visible()
        page.locator("#crop-stage").scroll_into_view_if_needed()
        cdp = page.context.new_cdp_session(page)
        path = [stage_point(page, 0.1 + 0.05 * i, 0.25 + 0.1 * i) for i in range(8)]  # over the 1, from off a corner

        def touch(kind, x, y):
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [] if kind == "touchEnd" else [{"x": x, "y": y}]})
        touch("touchStart", *path[0])
        for x, y in path[1:]:
            touch("touchMove", x, y)
        touch("touchEnd", 0, 0)
        expect(big_label(page)).to_have_text("1")
        x0, y0, x1, y1 = crop_in_url(page)
        assert x1 < 0.5 and y1 > 0.85
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    finally:
        page.context.close()


# ------------------------------------------------------------ shrinking a phone's photo
def phone_photo(path):
    """A bench page-edge photo of a digit as a phone writes it: 4000 x 3000 (12 MP), stored on
    its side with EXIF orientation 6 (turn 90° clockwise to show it upright). -> its label."""
    split = load_digits_10k()
    index = 5
    small = Image.open(io.BytesIO(photos.page_edge(split.x_test[index], np.random.default_rng(1))))
    big = small.resize((4000, 3000), Image.Resampling.BICUBIC).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    big.save(path, "JPEG", quality=90, exif=exif)
    return int(split.y_test[index])


def test_a_12_megapixel_photo_is_shrunk_in_the_page_and_read_the_same(page, tmp_path):
    photo = tmp_path / "IMG_0001.jpg"
    label = phone_photo(photo)
    full = page.request.post(f"{page.base}/api/models/digits/predict", multipart={
        "image": {"name": photo.name, "mimeType": "image/jpeg", "buffer": photo.read_bytes()}}).json()
    page.add_init_script(RECORD_SENT)
    open_app(page)
    sent = upload(page, photo)
    expect(big_label(page)).to_have_text(str(full["prediction"]["label"]))
    assert full["prediction"]["index"] == label
    shrunk = Image.open(io.BytesIO(sent))
    assert shrunk.format == "JPEG" and shrunk.size == (1024, 768)  # upright: the EXIF turn applied
    assert len(sent) < photo.stat().st_size / 4
    # the warning and the text on screen are those of the full-size photo
    warnings = page.locator("#guess p.warning")
    expect(warnings).to_have_count(len(full["warnings"]))
    # the cropper shows the photo upright too
    box = page.locator("#crop-photo").bounding_box()
    assert box["width"] > box["height"]


# ------------------------------------------------------------ a first example
@pytest.mark.parametrize("lang,word", [("en", "example"), ("zh", "例子")])
def test_first_load_shows_a_named_example_and_every_view_is_live(browser, server, lang, word):
    page = new_page(browser, server)
    try:
        page.goto(f"{server}/?lang={lang}")  # no state in the URL
        page.wait_for_selector("body[data-ready=true]")
        first = page.locator("#gallery button").first
        note = page.locator("#input-note")
        expect(note).to_be_visible()
        expect(note).to_contain_text(word)
        label = first.get_attribute("data-label")
        assert label in note.text_content()
        expect(big_label(page)).to_have_text(label)
        expect(first).to_have_attribute("aria-checked", "true")
        blank = page.evaluate("""() => [...document.querySelectorAll('#network-view canvas')].filter((c) => {
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < d.length; i += 4) if (d[i]) return false;
            return true; }).length""")
        assert blank == 0 and page.locator("#network-view canvas").count() > 30
        empty = page.evaluate("""() => [...document.querySelectorAll('select')]  // how it learns fills its own on request
            .filter((s) => s.offsetParent && !s.options.length && !s.closest('#backward')).map((s) => s.id || s.name)""")
        assert empty == []
        assert page.locator("#anim-play").is_enabled() and page.locator("#anim-counter").text_content().strip()
        # the learner's first stroke replaces the example
        pad = page.locator("#draw-canvas").bounding_box()
        page.mouse.move(pad["x"] + pad["width"] / 2, pad["y"] + pad["height"] * 0.15)
        page.mouse.down()
        page.mouse.move(pad["x"] + pad["width"] / 2, pad["y"] + pad["height"] * 0.9, steps=10)
        page.mouse.up()
        expect(big_label(page)).to_have_text("1")
        expect(note).to_be_hidden()
        assert "example" not in query(page)
        assert page.errors == []
    finally:
        page.context.close()


# ------------------------------------------------------------ warnings and the strip, five screens
def fashion_or_skip():
    try:
        return load_fashion()
    except DataError:
        pytest.skip("Fashion-MNIST is not installed")


@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_photo_warnings_and_strip_fit_every_screen(browser, server, tmp_path, screen):
    digits, fashion = load_digits_10k(), fashion_or_skip()
    shots = {"digits": photos.page_edge(digits.x_test[5], np.random.default_rng(1)),
             "fashion": photos.wood_floor(fashion.x_test[0], np.random.default_rng(7))}
    page = new_page(browser, server, **VIEWPORTS[screen])
    page.add_init_script(RECORD_SENT)
    try:
        for model, data in shots.items():
            photo = tmp_path / f"{model}.jpg"
            photo.write_bytes(data)
            open_app(page, f"?lang=en&model={model}")
            upload(page, photo)
            for lang in ("en", "zh"):
                page.select_option("#lang-select", lang)
                warning = page.locator("#guess p.warning").first
                expect(warning).to_be_visible()
                expect(warning).to_contain_text("background" if lang == "en" else "背景")
                fits = page.evaluate("""() => {
                    const width = document.documentElement.clientWidth;
                    const inside = (el) => { const r = el.getBoundingClientRect(); return r.left >= 0 && r.right <= width; };
                    return { page: document.documentElement.scrollWidth <= width,
                             warning: inside(document.querySelector('#guess p.warning')),
                             strip: [...document.querySelectorAll('#prep-strip li')].every(inside),
                             photo: inside(document.getElementById('crop-stage')),
                             font: parseFloat(getComputedStyle(document.querySelector('#guess p.warning')).fontSize) }; }""")
                assert fits["page"], f"{screen} {lang}: the page scrolls sideways"
                assert fits["warning"] and fits["strip"] and fits["photo"], (screen, lang, fits)
                assert fits["font"] >= 14, (screen, lang, fits)
        assert page.errors == []
    finally:
        page.context.close()
