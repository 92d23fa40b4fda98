"""QR codes as SVG, made on the server with segno (offline), for join links shown on a projector."""
import io

import segno


def qr_svg(text, scale=8):
    """text -> an SVG document of its QR code (dark modules on white, a quiet zone around)."""
    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="svg", scale=scale, border=4, dark="#000", light="#fff",
                                     xmldecl=False, svgns=True)
    return buf.getvalue().decode()
