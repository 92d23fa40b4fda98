"""Every number on the stage is the engine's: the conv animation's products grid, read off the
canvas as drawn (fillText is recorded), equals patch × weights multiplied in float32 from the
animate response's own arrays, within the displayed rounding; and the page multiplies nothing."""
import re
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from cnnviz.web.serialize import dense
from conftest import ROOT, open_app
from screen_numbers import half_unit, parse
from test_animation import choose, description, gallery_pixels, go_to, pick_example

RECORD_TEXT = """(() => {
  const fill = CanvasRenderingContext2D.prototype.fillText;
  window.__drawn = [];
  CanvasRenderingContext2D.prototype.fillText = function (s, x, y, ...rest) {
    if (this.canvas.id === 'anim-canvas') window.__drawn.push(String(s));
    return fill.call(this, s, x, y, ...rest);
  };
})();"""


def drawn_frame(page, step):
    """The strings drawn for one step, in drawing order (the last frame drawn)."""
    go_to(page, step + 1 if step == 1 else step - 1)  # elsewhere first, so the step is drawn afresh
    page.evaluate("window.__drawn = []")
    go_to(page, step)
    return page.evaluate("window.__drawn")


def products_on_screen(drawn, kernel):
    """The kernel × kernel strings drawn right after the "Products" heading."""
    at = max(i for i, s in enumerate(drawn) if s == "Products")
    cells = drawn[at + 1:at + 1 + kernel * kernel]
    return [cells[r * kernel:(r + 1) * kernel] for r in range(kernel)]


@pytest.mark.parametrize("layer,channel,focus,steps", [("conv1", 2, 0, (200, 333)), ("conv2", 3, 4, (1, 37, 100))])
def test_products_on_screen_are_the_engines(page, layer, channel, focus, steps):
    page.add_init_script(RECORD_TEXT)
    open_app(page)
    pick_example(page)
    choose(page, layer, channel)
    if focus:
        page.select_option("#anim-focus", str(focus))
        expect(page.locator("#anim-status")).to_have_text("")
    pixels = gallery_pixels(page)
    r = page.request.post(f"{page.base}/api/models/digits/animate",
                          data={"layer": layer, "channel": channel, "focus": focus, "pixels": pixels})
    assert r.ok, r.text()
    data = r.json()
    assert data["focus"] == focus
    k, s, p = data["kernel"], data["stride"], data["padding"]
    numbers = lambda v: dense(v) if isinstance(v, dict) else np.array(v)  # sparse or nested lists
    x = np.pad(numbers(data["input"])[focus].astype(np.float32), p)
    w = np.array(data["weights"][focus], np.float32)
    products = numbers(data["products"])
    for step in steps:
        drawn = drawn_frame(page, step)
        y0, x0 = map(int, re.search(r"row index (\d+), column index (\d+)", description(page)).groups())
        truth = x[y0 * s:y0 * s + k, x0 * s:x0 * s + k] * w  # float32 products, as the network multiplies
        # the server's products are exact (float64); the network's float32 ones round in the 7th digit
        np.testing.assert_allclose(products[y0, x0], truth, rtol=1e-6, atol=1e-30)
        shown = products_on_screen(drawn, k)
        tolerance = half_unit([c for row in shown for c in row]) + 1e-9
        for r in range(k):
            for c in range(k):
                assert abs(parse(shown[r][c]) - truth[r, c]) <= tolerance, (step, r, c, shown[r][c], truth[r, c])
    assert page.errors == []


def test_the_page_multiplies_no_displayed_number():
    """No kind module computes a product or a sum of values it shows: the server sends them."""
    product = re.compile(r"\b(v|value|p|x|input)\w* \* (w|weight)\w*\b|\.reduce\(")
    for path in sorted((ROOT / "static/js/kinds").glob("*.js")):
        assert not product.search(path.read_text()), path.name
