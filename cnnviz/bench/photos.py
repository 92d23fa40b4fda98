"""Photo-like test images made by code, for bench-inputs and the tests.

Each maker takes a 28x28 uint8 subject (bright on dark, as MNIST and
Fashion-MNIST store it) and a NumPy Generator, and returns JPEG bytes of a
640x480 phone-like photo:
- page_edge: marker ink on paper; the page's edge with a dark table beyond it,
  a cast shadow, uneven light, perspective;
- notebook: thin pen ink on ruled paper (blue lines, sometimes a red margin),
  perspective, uneven light;
- wood_floor / carpet: a garment in colour lying on a textured floor, with a
  soft shadow and uneven light.
Everything is random within ranges a phone photo shows; nothing is tuned to
what the preprocessing does.
"""
import io

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

W, H = 640, 480


# ------------------------------------------------------------------ helpers
def _jpeg(rgb, rng, blur=(0.6, 1.4)):
    """float (H, W, 3) in [0, 1] -> JPEG bytes after sensor noise and a little blur."""
    rgb = np.clip(rgb + rng.normal(0, rng.uniform(0.01, 0.03), rgb.shape), 0, 1)
    img = Image.fromarray((rgb * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(rng.uniform(*blur)))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=int(rng.integers(65, 92)))
    return buf.getvalue()


def _light(rng, low=0.6):
    """A smooth lighting field (H, W) from `low` to 1: a gradient plus a soft bright spot."""
    yy, xx = np.mgrid[0:H, 0:W] / max(H, W)
    angle = rng.uniform(0, 2 * np.pi)
    grad = np.cos(angle) * xx + np.sin(angle) * yy
    grad = (grad - grad.min()) / max(1e-9, np.ptp(grad))
    cy, cx = rng.uniform(0, H / max(H, W)), rng.uniform(0, 1)
    spot = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / rng.uniform(0.1, 0.4))
    field = 0.6 * (1 - grad) + 0.4 * spot
    return low + (1 - low) * (field - field.min()) / max(1e-9, np.ptp(field))


def _perspective(img, rng, strength=0.08, fill=None):
    """Pillow image seen slightly from the side: each corner moves by up to strength x size."""
    w, h = img.size
    d = rng.uniform(-strength, strength, (4, 2)) * (w, h)
    src = np.array([(0, 0), (w, 0), (w, h), (0, h)], float) + d
    dst = [(0, 0), (w, 0), (w, h), (0, h)]
    rows = []
    for (x, y), (u, v) in zip(dst, src):  # output (x, y) samples input (u, v)
        rows.append(([x, y, 1, 0, 0, 0, -u * x, -u * y], u))
        rows.append(([0, 0, 0, x, y, 1, -v * x, -v * y], v))
    a = np.array([r[0] for r in rows])
    b = np.array([r[1] for r in rows])
    coeffs = np.linalg.solve(a, b)
    return img.transform((w, h), Image.Transform.PERSPECTIVE, tuple(coeffs), Image.Resampling.BILINEAR,
                         fillcolor=fill)


def _subject_layer(subject, rng, side_range, centre_jitter=0.12):
    """The 28x28 subject scaled to a random side and placed near the centre: float (H, W) in [0, 1]."""
    side = int(rng.uniform(*side_range) * H)
    big = np.asarray(Image.fromarray(subject).resize((side, side), Image.Resampling.BICUBIC), np.float64) / 255
    layer = np.zeros((H, W))
    cy = H / 2 + rng.uniform(-centre_jitter, centre_jitter) * H
    cx = W / 2 + rng.uniform(-centre_jitter, centre_jitter) * W
    top = int(np.clip(cy - side / 2, 0, H - side))
    left = int(np.clip(cx - side / 2, 0, W - side))
    layer[top:top + side, left:left + side] = np.clip(big, 0, 1)
    return layer


def _polygon_mask(points, blur):
    img = Image.new("L", (W, H), 0)
    ImageDraw.Draw(img).polygon([tuple(p) for p in points], fill=255)
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    return np.asarray(img, np.float64) / 255


def _paper(rng):
    """Paper: off-white, a faint fibre texture. float (H, W, 3)."""
    tone = rng.uniform(0.85, 0.97)
    grain = np.asarray(Image.fromarray(rng.normal(0, 1, (H // 4, W // 4)).astype(np.float32), "F")
                       .resize((W, H), Image.Resampling.BICUBIC))
    tint = np.array([1.0, rng.uniform(0.97, 1.0), rng.uniform(0.9, 1.0)])
    return (tone + 0.015 * grain)[..., None] * tint


def _wood(rng, dark=False):
    """Wood: planks with grain along x and seams between them. float (H, W, 3)."""
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float64)
    plank = rng.uniform(50, 110)
    row = np.floor((yy + rng.uniform(0, plank)) / plank)
    offsets = rng.uniform(0, 1000, int(row.max()) + 2)
    warp = 6 * np.sin(xx / rng.uniform(40, 120) + offsets[row.astype(int)])
    grain = 0.5 + 0.5 * np.sin((yy + warp) * rng.uniform(0.6, 1.4) + offsets[row.astype(int)] * 3)
    grain = grain ** 3
    shade = 1 + 0.15 * (rng.uniform(-1, 1, int(row.max()) + 2))[row.astype(int)]
    seam = ((yy + rng.uniform(0, plank)) % plank < 2).astype(float)
    base = np.array([0.62, 0.42, 0.24]) if not dark else np.array([0.35, 0.22, 0.13])
    base = base * rng.uniform(0.85, 1.2)
    lum = (0.85 + 0.15 * grain) * shade * (1 - 0.5 * seam)
    return np.clip(lum[..., None] * base, 0, 1)


def _carpet(rng):
    """Carpet: dense coloured fibre noise at two scales. float (H, W, 3)."""
    colours = [(0.55, 0.55, 0.58), (0.35, 0.4, 0.55), (0.7, 0.62, 0.5), (0.45, 0.3, 0.3), (0.3, 0.45, 0.35)]
    base = np.array(colours[rng.integers(len(colours))]) * rng.uniform(0.8, 1.15)
    fine = rng.normal(0, 0.08, (H, W))
    coarse = np.asarray(Image.fromarray(rng.normal(0, 1, (H // 16, W // 16)).astype(np.float32), "F")
                        .resize((W, H), Image.Resampling.BICUBIC))
    return np.clip((1 + fine + 0.05 * coarse)[..., None] * base, 0, 1)


def _shadow(rng, strength=(0.25, 0.5)):
    """A cast shadow (a hand or a phone) entering from one side: multiplier (H, W) in (0, 1]."""
    side = rng.integers(4)
    reach = rng.uniform(0.2, 0.45)
    a, b = sorted(rng.uniform(0, 1, 2))
    if side == 0:    # from the left
        pts = [(0, a * H), (reach * W, a * H + 40), (reach * W * 0.8, b * H), (0, b * H + 60)]
    elif side == 1:  # from the right
        pts = [(W, a * H), ((1 - reach) * W, a * H + 30), ((1 - reach * 0.7) * W, b * H), (W, b * H + 60)]
    elif side == 2:  # from the top
        pts = [(a * W, 0), (a * W + 50, reach * H), (b * W, reach * H * 0.8), (b * W + 80, 0)]
    else:            # from the bottom
        pts = [(a * W, H), (a * W + 40, (1 - reach) * H), (b * W, (1 - reach * 0.7) * H), (b * W + 80, H)]
    mask = _polygon_mask(pts, rng.uniform(3, 25))
    return 1 - rng.uniform(*strength) * mask


# ------------------------------------------------------------------ digits
def page_edge(digit, rng):
    """A marker digit on paper; the page's edge and the table beyond it in frame; a shadow."""
    ink = _subject_layer(digit, rng, (0.3, 0.55), centre_jitter=0.08)
    ink = np.clip(ink * 1.3, 0, 1)  # a marker: solid strokes
    colour = np.array([0.08, 0.08, 0.1]) if rng.uniform() < 0.7 else np.array([0.1, 0.15, 0.45])
    scene = _paper(rng) * (1 - ink[..., None]) + colour * ink[..., None]
    # the page edge: a straight line across one side, the table beyond it
    side = rng.integers(4)
    t0, t1 = rng.uniform(0.04, 0.18, 2)
    corners = {0: [(0, 0), (t0 * W, 0), (t1 * W, H), (0, H)],
               1: [(W, 0), ((1 - t0) * W, 0), ((1 - t1) * W, H), (W, H)],
               2: [(0, 0), (W, 0), (W, t1 * H), (0, t0 * H)],
               3: [(0, H), (W, H), (W, (1 - t1) * H), (0, (1 - t0) * H)]}[side]
    table = _polygon_mask(corners, 0.8)[..., None]
    scene = scene * (1 - table) + _wood(rng, dark=True) * table
    scene = scene * _shadow(rng)[..., None] * _light(rng, 0.55)[..., None]
    img = _perspective(Image.fromarray((np.clip(scene, 0, 1) * 255).astype(np.uint8)), rng, 0.06,
                       fill=(60, 40, 25))
    return _jpeg(np.asarray(img, np.float64) / 255, rng)


def notebook(digit, rng):
    """A pen digit on ruled notebook paper, seen slightly from the side, uneven light."""
    ink = _subject_layer(digit, rng, (0.3, 0.5), centre_jitter=0.08)
    ink = np.clip((ink - 0.35) / 0.4, 0, 1)  # a pen: thinner strokes than MNIST's
    scene = _paper(rng)
    spacing = rng.uniform(0.07, 0.11) * H
    first = rng.uniform(0, spacing)
    line_colour = np.array([0.55, 0.7, 0.9]) * rng.uniform(0.85, 1.0)
    lines = Image.new("L", (W, H), 0)
    d = ImageDraw.Draw(lines)
    y = first
    while y < H:
        d.line([(0, y), (W, y)], fill=255, width=int(rng.integers(1, 3)))
        y += spacing
    line = np.asarray(lines, np.float64)[..., None] / 255 * rng.uniform(0.6, 1.0)
    scene = scene * (1 - line) + line_colour * line
    if rng.uniform() < 0.5:  # a red margin
        m = Image.new("L", (W, H), 0)
        x = rng.uniform(0.06, 0.2) * W
        ImageDraw.Draw(m).line([(x, 0), (x, H)], fill=255, width=2)
        margin = np.asarray(m, np.float64)[..., None] / 255 * 0.8
        scene = scene * (1 - margin) + np.array([0.9, 0.35, 0.35]) * margin
    colour = np.array([0.1, 0.12, 0.35]) if rng.uniform() < 0.6 else np.array([0.12, 0.12, 0.12])
    scene = scene * (1 - ink[..., None]) + colour * ink[..., None]
    if rng.uniform() < 0.5:
        scene = scene * _shadow(rng, (0.15, 0.35))[..., None]
    scene = scene * _light(rng, 0.6)[..., None]
    img = _perspective(Image.fromarray((np.clip(scene, 0, 1) * 255).astype(np.uint8)), rng, 0.07,
                       fill=(70, 60, 50))
    return _jpeg(np.asarray(img, np.float64) / 255, rng)


# ------------------------------------------------------------------ clothing
GARMENT_COLOURS = [(0.75, 0.1, 0.1), (0.1, 0.2, 0.55), (0.15, 0.15, 0.15), (0.2, 0.45, 0.2),
                   (0.85, 0.75, 0.2), (0.55, 0.35, 0.6), (0.9, 0.9, 0.88), (0.5, 0.5, 0.5),
                   (0.2, 0.55, 0.75), (0.6, 0.3, 0.15)]


def _garment(item, floor, rng):
    """A Fashion-MNIST item (bright = material) in a random colour lying on `floor`."""
    amount = _subject_layer(item, rng, (0.55, 0.8), centre_jitter=0.06)
    mask = np.asarray(Image.fromarray((amount > 0.12).astype(np.uint8) * 255)
                      .filter(ImageFilter.GaussianBlur(1.0)), np.float64) / 255
    colour = np.array(GARMENT_COLOURS[rng.integers(len(GARMENT_COLOURS))]) * rng.uniform(0.85, 1.1)
    # FMNIST is a negated product photo: amount 1 = the darkest material, 0 = white
    material = 1 - amount[..., None] * (1 - colour)
    material = material * (1 + rng.normal(0, 0.03, material.shape))  # fabric weave
    dy, dx = rng.integers(4, 14, 2)
    shadow = np.roll(np.roll(mask, dy, 0), dx, 1)
    shadow = np.asarray(Image.fromarray((shadow * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(8)),
                        np.float64) / 255
    ground = floor * (1 - 0.35 * shadow)[..., None]
    scene = ground * (1 - mask[..., None]) + material * mask[..., None]
    scene = scene * _light(rng, 0.65)[..., None]
    img = _perspective(Image.fromarray((np.clip(scene, 0, 1) * 255).astype(np.uint8)), rng, 0.05,
                       fill=tuple(int(v * 255) for v in floor[0, 0]))
    return _jpeg(np.asarray(img, np.float64) / 255, rng)


def wood_floor(item, rng):
    return _garment(item, _wood(rng, dark=rng.uniform() < 0.3), rng)


def carpet(item, rng):
    return _garment(item, _carpet(rng), rng)


DIGIT_FAMILIES = {"page edge, table, shadow (JPEG)": page_edge, "ruled notebook, perspective (JPEG)": notebook}
FASHION_FAMILIES = {"on a wooden floor (JPEG)": wood_floor, "on carpet (JPEG)": carpet}
