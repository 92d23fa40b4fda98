"""The drawing pad's grey PNG as Chromium makes it (static/js/lib/png.js through the browser's
CompressionStream): a valid zlib stream in IDAT whose pixels are exactly the canvas's grey levels."""
import io
import re
import struct
import zlib

from PIL import Image

from cnnviz.teach.decode import PAD_MARK
from conftest import open_app
from test_browser import draw

CANVAS_GREY = """(() => {
  const c = document.getElementById('draw-canvas');
  const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
  return Array.from({ length: c.width * c.height }, (_, i) => data[4 * i]);
})()"""


def chunks(png):
    """PNG bytes -> [(type, data)], each chunk's CRC checked."""
    out, at = [], 8
    while at < len(png):
        (length,), kind = struct.unpack(">I", png[at:at + 4]), png[at + 4:at + 8]
        data = png[at + 8:at + 8 + length]
        assert struct.unpack(">I", png[at + 8 + length:at + 12 + length])[0] == zlib.crc32(kind + data)
        out.append((kind.decode("latin-1"), data))
        at += 12 + length
    return out


def test_the_pads_png_holds_the_canvas_grey_levels_exactly(page):
    open_app(page)
    bodies = []  # read while routed: a multipart body made of a Blob is not reported otherwise

    def keep(route):
        bodies.append(route.request.post_data_buffer)
        route.continue_()
    page.route(re.compile(r"/api/models/digits/predict(\?|$)"), keep)
    with page.expect_response(lambda r: r.url.split("?")[0].endswith("/predict")) as answered:
        draw(page, [[(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]])
    assert answered.value.ok and len(bodies) == 1
    body = bodies[0]
    png = body[body.index(b"\x89PNG"):body.index(b"IEND") + 8]
    parts = chunks(png)
    assert [k for k, _ in parts] == ["IHDR", "tEXt", "IDAT", "IEND"]
    idat = parts[2][1]
    assert idat[0] == 0x78 and (idat[0] * 256 + idat[1]) % 31 == 0  # a zlib header (RFC 1950), not raw deflate
    raw = zlib.decompress(idat)  # checks the stream's Adler-32 too
    assert len(raw) == 280 * 281 and set(raw[::281]) == {0}  # filter type 0 on every row
    img = Image.open(io.BytesIO(png))
    assert img.mode == "L" and img.size == (280, 280) and img.info[PAD_MARK[0]] == PAD_MARK[1]
    grey = list(img.getdata())
    assert grey == page.evaluate(CANVAS_GREY)  # bit-equal to the canvas the learner drew on
    assert min(grey) == 0 and max(grey) == 255  # ink and paper, and the grey edges between
    assert len(set(grey)) > 10
