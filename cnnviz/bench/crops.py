"""Cropped phone photos: a small digit on a big page, and the box a learner draws around it.

  python -m cnnviz.bench.crops --against /path/to/other/checkout [--photos 300] [--timing 40]
                               [--fashion] [--boxes 0.15 0.40] [--seed 0]

Each photo is what the page sends (static/js/lib/photo.js): 1024x768, JPEG. A sheet of paper
(sometimes ruled, sometimes with a red margin) lies on a wooden desk whose edge shows on one or
two sides; a few other digits are written elsewhere on the page; a shadow, uneven light, a slight
perspective, sensor noise and blur. The digit to read is marker or pen ink, anywhere on the page,
and the learner's box around it spans 15-40 % of the photo's width with a margin of 10-50 % of the
digit's size on each side, each edge off by up to 8 % of the box (people are not precise).
--fashion: a Fashion-MNIST item in colour, small on a wooden floor or a carpet, and the fashion model.

Both checkouts read every photo with its box the way the server does (web.inputs.cached_input:
decode, crop, prepare with the digits model's recipe) and the digits model answers; prints the
accuracy of each, and of the whole photo uncropped. --timing: decode + prepare milliseconds
(time.thread_time) of both, taking turns to go first, for cropped and uncropped uploads of these
photos and of a 12-megapixel JPEG (stroke.photo_jpeg) with a 20 % box: min / median / max.
The other checkout's package is imported as in bench.prepare (relative imports only).
"""
import argparse
import functools
import inspect
import io
import statistics
import time

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from . import photos
from .prepare import other_module

W, H = 1024, 768  # the page's photo, landscape (photo.js MAX_SIDE)


def _field(rng, low):
    """Uneven light (H, W) from low to 1: a gradient and a soft bright spot."""
    yy, xx = np.mgrid[0:H, 0:W] / W
    angle = rng.uniform(0, 2 * np.pi)
    grad = np.cos(angle) * xx + np.sin(angle) * yy
    spot = np.exp(-((yy - rng.uniform(0, H / W)) ** 2 + (xx - rng.uniform(0, 1)) ** 2) / rng.uniform(0.1, 0.4))
    field = 0.6 * (grad.max() - grad) / np.ptp(grad) + 0.4 * spot
    return low + (1 - low) * (field - field.min()) / np.ptp(field)


def _mask(points, blur):
    img = Image.new("L", (W, H), 0)
    ImageDraw.Draw(img).polygon([tuple(p) for p in points], fill=255)
    return np.asarray(img.filter(ImageFilter.GaussianBlur(blur)) if blur else img, np.float64) / 255


INKS = ("marker", "felt pen", "ballpoint")


def _ink(digit, side, ink, rng):
    """28x28 MNIST digit -> ink amount (side, side) in [0, 1]: a marker's solid strokes, a felt pen's
    thinner ones (both as thick as MNIST's, ~1/10 of the digit), or a ballpoint's line 2-4 pixels
    wide whatever the digit's size (the digit's skeleton, Lantuejoul's, drawn with that pen)."""
    big = Image.fromarray(digit).resize((side, side), Image.Resampling.BICUBIC)
    if ink != "ballpoint":
        big = np.asarray(big, np.float64) / 255
        return np.clip((big - 0.35) / 0.4, 0, 1) if ink == "felt pen" else np.clip(big * 1.3, 0, 1)
    shape = big.filter(ImageFilter.GaussianBlur(side / 60)).point(lambda v: 255 if v > 100 else 0)
    skeleton, level = np.zeros((side, side), np.uint8), 0
    while shape.getbbox():
        opened = shape.filter(ImageFilter.MinFilter(3)).filter(ImageFilter.MaxFilter(3))
        if level:  # the outermost level is the outline's roughness: whiskers, not strokes
            skeleton |= np.asarray(shape) & ~np.asarray(opened)
        shape, level = shape.filter(ImageFilter.MinFilter(3)), level + 1
    pen = Image.fromarray(skeleton).filter(ImageFilter.MaxFilter(3)).filter(
        ImageFilter.GaussianBlur(rng.uniform(0.4, 0.9)))
    return np.clip(np.asarray(pen, np.float64) / 255 * 1.6, 0, 1)


DESKS = 8  # wooden desks made once and reused (flipped): a desk costs more than the rest of a photo


@functools.lru_cache(maxsize=DESKS)
def _desk(which):
    rng = np.random.default_rng(1000 + which)
    wood = photos._wood(rng, dark=which % 2 == 1)
    return np.asarray(Image.fromarray((wood * 255).astype(np.uint8)).resize((W, H), Image.Resampling.BICUBIC),
                      np.float32) / 255


def _paper(rng):
    """A sheet on a desk: float (H, W, 3), and where the sheet is (H, W) in [0, 1]."""
    desk = _desk(int(rng.integers(DESKS)))
    desk = desk[:, ::-1] if rng.uniform() < 0.5 else desk
    grain = np.asarray(Image.fromarray(rng.normal(0, 1, (H // 4, W // 4)).astype(np.float32), "F")
                       .resize((W, H), Image.Resampling.BICUBIC))
    tint = np.array([1.0, rng.uniform(0.97, 1.0), rng.uniform(0.9, 1.0)])
    paper = (rng.uniform(0.85, 0.97) + 0.015 * grain)[..., None] * tint
    if rng.uniform() < 0.6:  # ruled: blue lines, sometimes a red margin
        lines = Image.new("L", (W, H), 0)
        draw, spacing = ImageDraw.Draw(lines), rng.uniform(0.05, 0.08) * H
        for y in np.arange(rng.uniform(0, spacing), H, spacing):
            draw.line([(0, y), (W, y)], fill=255, width=int(rng.integers(1, 3)))
        if rng.uniform() < 0.5:
            x = rng.uniform(0.05, 0.15) * W
            draw.line([(x, 0), (x, H)], fill=255, width=2)
        line = np.asarray(lines, np.float64)[..., None] / 255 * rng.uniform(0.5, 0.9)
        paper = paper * (1 - line) + np.array([0.55, 0.7, 0.9]) * line
    # the sheet's edges: on one or two sides the desk shows
    inset = rng.uniform(0, 0.12, 4) * (rng.uniform(size=4) < 0.4)
    left, top, right, bottom = inset[0] * W, inset[1] * H, (1 - inset[2]) * W, (1 - inset[3]) * H
    tilt = rng.uniform(-0.03, 0.03, 4) * W
    sheet = _mask([(left + tilt[0], top), (right + tilt[1], top), (right + tilt[2], bottom),
                   (left + tilt[3], bottom)], 0.8)[..., None]
    return paper * sheet + desk * (1 - sheet), sheet[..., 0]


def _place(layer, ink, rng, taken, sheet):
    """Add ink at a random free spot on the sheet; -> its (top, left) or None."""
    side = ink.shape[0]
    for _ in range(30):
        top, left = int(rng.integers(0, H - side)), int(rng.integers(0, W - side))
        if sheet[top:top + side, left:left + side].min() < 0.99:
            continue
        if any(top < t + s and t < top + side and left < l + s and l < left + side for t, l, s in taken):
            continue
        layer[top:top + side, left:left + side] = np.maximum(layer[top:top + side, left:left + side], ink)
        taken.append((top, left, side))
        return top, left
    return None


def photo(digit, others, rng, boxes=(0.15, 0.40)):
    """MNIST digit (28x28 uint8) and other digits to write elsewhere -> (JPEG bytes, crop box as fractions, ink)."""
    while True:
        scene, sheet = _paper(rng)
        box_share, margin = rng.uniform(*boxes), rng.uniform(0.1, 0.5)
        side = int(box_share * W / (1 + 2 * margin) * 28 / 20)  # MNIST's ink fills ~20 of its 28 pixels
        ink = INKS[int(rng.integers(len(INKS)))]
        drawn = _ink(digit, side, ink, rng)
        layer, taken = np.zeros((H, W)), []
        where = _place(layer, drawn, rng, taken, sheet)
        if where is not None:
            break
    target = np.zeros((H, W))
    target[where[0]:where[0] + side, where[1]:where[1] + side] = drawn
    for other in others:
        _place(layer, _ink(other, int(side * rng.uniform(0.7, 1.3)), ink, rng), rng, taken, sheet)
    colour = np.array([0.1, 0.12, 0.35]) if rng.uniform() < 0.5 else np.array([0.1, 0.1, 0.12])
    scene = scene * (1 - layer[..., None]) + colour * layer[..., None]
    shadow_side = rng.uniform(0.2, 0.5)
    a, b = sorted(rng.uniform(0, 1, 2))
    shadow = _mask([(0, a * H), (shadow_side * W, a * H + 40), (shadow_side * W * 0.8, b * H), (0, b * H + 60)],
                   rng.uniform(3, 25))
    shadow = shadow[:, ::-1] if rng.uniform() < 0.5 else shadow
    scene = scene * (1 - rng.uniform(0, 0.35) * shadow)[..., None] * _field(rng, 0.6)[..., None]
    img, box = _photographed(scene, target, rng, margin, box_share, (60, 40, 25))
    return img, box, ink


def _photographed(scene, target, rng, margin, box_share, fill):
    """Scene (H, W, 3) and where the subject is (H, W) -> (JPEG bytes, the learner's box around the subject):
    the same slight perspective for both, then noise, blur and JPEG; the box is the subject's extent
    grown by margin x its size on each side, each edge off by up to 8 % of the intended box width."""
    tilt = int(rng.integers(1 << 30))
    img = photos._perspective(Image.fromarray((np.clip(scene, 0, 1) * 255).astype(np.uint8)),
                              np.random.default_rng(tilt), 0.05, fill=fill)
    seen = np.asarray(photos._perspective(Image.fromarray((target * 255).astype(np.uint8)),
                                          np.random.default_rng(tilt), 0.05, fill=0)) > 80
    rows, cols = np.nonzero(seen.any(axis=1))[0], np.nonzero(seen.any(axis=0))[0]
    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    grow = margin * max(bottom - top, right - left)
    jitter = rng.uniform(-0.08, 0.08, 4) * (box_share * W)
    box = (max(0.0, (left - grow + jitter[0]) / W), max(0.0, (top - grow + jitter[1]) / H),
           min(1.0, (right + grow + jitter[2]) / W), min(1.0, (bottom + grow + jitter[3]) / H))
    return photos._jpeg(np.asarray(img, np.float64) / 255, rng, blur=(0.3, 0.9)), box


@functools.lru_cache(maxsize=DESKS)
def _carpet(which):
    carpet = photos._carpet(np.random.default_rng(2000 + which))
    return np.asarray(Image.fromarray((carpet * 255).astype(np.uint8)).resize((W, H), Image.Resampling.BICUBIC),
                      np.float32) / 255


def garment_photo(item, rng, boxes=(0.15, 0.40)):
    """A Fashion-MNIST item (28x28, bright = material) in colour, small on a wooden floor or a carpet, as
    bench.photos._garment lays it (its shadow, the weave, uneven light) -> (JPEG bytes, box, floor)."""
    floor_kind = ("wood", "carpet")[int(rng.integers(2))]
    floor = (_desk if floor_kind == "wood" else _carpet)(int(rng.integers(DESKS)))
    box_share, margin = rng.uniform(*boxes), rng.uniform(0.1, 0.4)
    side = int(box_share * W / (1 + 2 * margin) * 28 / 26)  # a garment fills ~26 of its 28 pixels
    big = np.asarray(Image.fromarray(item).resize((side, side), Image.Resampling.BICUBIC), np.float64) / 255
    top, left = int(rng.integers(0, H - side)), int(rng.integers(0, W - side))
    amount = np.zeros((H, W))
    amount[top:top + side, left:left + side] = np.clip(big, 0, 1)
    mask = np.asarray(Image.fromarray((amount > 0.12).astype(np.uint8) * 255)
                      .filter(ImageFilter.GaussianBlur(1.0)), np.float64) / 255
    colour = np.array(photos.GARMENT_COLOURS[rng.integers(len(photos.GARMENT_COLOURS))]) * rng.uniform(0.85, 1.1)
    material = (1 - amount[..., None] * (1 - colour)) * (1 + rng.normal(0, 0.03, (H, W, 1)))
    dy, dx = rng.integers(2, 4 + side // 20, 2)
    shadow = np.asarray(Image.fromarray((np.roll(mask, (dy, dx), (0, 1)) * 255).astype(np.uint8))
                        .filter(ImageFilter.GaussianBlur(4 + side / 40)), np.float64) / 255
    scene = floor * (1 - 0.35 * shadow)[..., None] * (1 - mask[..., None]) + material * mask[..., None]
    scene = scene * _field(rng, 0.65)[..., None]
    img, box = _photographed(scene, mask, rng, margin, box_share, tuple(int(v * 255) for v in floor[0, 0]))
    return img, box, floor_kind


def photo_set(count, seed=0, boxes=(0.15, 0.40)):
    """[(JPEG bytes, crop box, ink, label)]: count photos of held-out MNIST digits (a random sample of the
    1,000), each with 0-3 other digits written elsewhere on the page."""
    from ..data import load_digits_10k
    split = load_digits_10k()
    x, y = split.x_test, split.y_test
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))  # the held-out digits are stored class by class
    made = []
    for i in order[:count]:
        others = [x[j] for j in rng.choice(order[count:] if count < len(x) else order, int(rng.integers(0, 4)))]
        made.append((*photo(x[i], others, rng, boxes), int(y[i])))
    return made


def garment_set(count, seed=0, boxes=(0.15, 0.40)):
    """[(JPEG bytes, crop box, floor, label)]: count photos of Fashion-MNIST test items (a random sample)."""
    from ..data import load_fashion
    split = load_fashion()
    rng = np.random.default_rng(seed)
    return [(*garment_photo(split.x_test[i], rng, boxes), int(split.y_test[i]))
            for i in rng.permutation(len(split.x_test))[:count]]


def read(decode, preprocess, data, crop):
    """How the server reads an upload with its crop: decode (with the box, when decode takes it), crop, prepare."""
    if crop is not None and "crop" in inspect.signature(decode.decode_image).parameters:
        return decode.decode_image(data, crop)
    img = decode.decode_image(data)
    return img if crop is None else preprocess.crop_image(img, crop)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="another checkout of this repository (e.g. main)")
    parser.add_argument("--photos", type=int, default=300)
    parser.add_argument("--timing", type=int, default=40, help="uploads timed per form (0: none)")
    parser.add_argument("--seed", type=int, default=0, help="another seed makes other photos")
    parser.add_argument("--fashion", action="store_true", help="garments on floors, the fashion model")
    parser.add_argument("--boxes", type=float, nargs=2, default=(0.15, 0.40), metavar=("LOW", "HIGH"),
                        help="the box's intended width, as a share of the photo's (default 0.15 0.40)")
    args = parser.parse_args(argv)
    from ..engine.model import Model, models_dir
    from ..teach import decode, preprocess
    model = Model.load(models_dir() / ("fashion.json" if args.fashion else "digits.json"))
    recipe = model.meta.get("preprocess", "digit")
    sides = {"this": (decode, preprocess), "other": (other_module(args.against, "teach.decode"),
                                                     other_module(args.against, "teach.preprocess"))}
    started = time.perf_counter()
    made = (garment_set if args.fashion else photo_set)(args.photos, args.seed, tuple(args.boxes))
    widths = [box[2] - box[0] for _, box, _, _ in made]
    print(f"{len(made)} photos made in {time.perf_counter() - started:.0f} s; the boxes span "
          f"{min(widths):.2f}-{max(widths):.2f} of the width (median {statistics.median(widths):.2f})")
    groups = {"all": lambda ink, width: True, **{kind: (lambda i, w, k=kind: i == k) for kind in sorted({m[2] for m in made})},
              "box < 25 %": lambda ink, width: width < 0.25, "box >= 25 %": lambda ink, width: width >= 0.25}
    right = {(side, form): [] for side in sides for form in ("cropped", "whole photo")}
    sure, inputs = {side: [] for side in sides}, {side: [] for side in sides}
    sizes, refused = {side: [] for side in sides}, {key: [] for key in right}
    for jpeg, box, ink, label in made:
        for side, (dec, prep) in sides.items():
            for form, crop in (("cropped", box), ("whole photo", None)):
                img = read(dec, prep, jpeg, crop)
                if crop is not None:
                    sizes[side].append(max(img.size))
                try:
                    prepared = prep.prepare(img, model.input_shape, recipe, "auto")
                except Exception as e:  # an ImageError of that checkout (e.g. image.no_ink): read wrong
                    if not getattr(e, "code", None):
                        raise
                    refused[side, form].append(e.code)
                    prepared = None
                scores = (model.forward(prepared.tensor).ravel() if prepared is not None
                          else np.full(10, np.nan))
                right[side, form].append(prepared is not None and scores.argmax() == label)
                if crop is not None:
                    sure[side].append(float(np.nan_to_num(scores[label])))
                    inputs[side].append(prepared.tensor if prepared is not None else None)
    print(f"accuracy of the {model.meta['id']} model, % (photos){'':5s}" + "".join(f"{g:>16s}" for g in groups))
    for (side, form), hits in right.items():
        cells = []
        for keep in groups.values():
            chosen = [hit for hit, (_, box, ink, _) in zip(hits, made) if keep(ink, box[2] - box[0])]
            cells.append(f"{100 * sum(chosen) / max(1, len(chosen)):9.1f} ({len(chosen):3d})")
        print(f"  {side:5s} {form:12s} {'':22s}" + "".join(f"{c:>16s}" for c in cells))
    for key, codes in refused.items():
        if codes:
            print(f"  {key[0]} {key[1]}: refused {len(codes)} ({', '.join(sorted(set(codes)))}), counted as wrong")
    changed = sum(a != b for a, b in zip(right["this", "cropped"], right["other", "cropped"]))
    print(f"cropped photos read right by one checkout and not the other: {changed}")
    for side, values in sure.items():
        print(f"{side:5s} cropped: the right class's probability, mean {100 * np.mean(values):.2f} %, "
              f"median {100 * np.median(values):.2f} %, below 90 % for {sum(v < 0.9 for v in values)}")
    moved = [np.abs(a - b).mean() for a, b in zip(inputs["this"], inputs["other"]) if a is not None and b is not None]
    print(f"the network's input, this vs other: mean |difference| per pixel {np.mean(moved):.4f} "
          f"(max over photos {max(moved):.4f}); identical for {sum(m == 0 for m in moved)}")
    for side, longest in sizes.items():
        print(f"{side:5s} the box's longer side as read: median {statistics.median(longest):.0f} px, "
              f"min {min(longest)}, max {max(longest)}")
    if args.timing:
        _timing(sides, made[:args.timing], model, recipe)
    return 0


def _timing(sides, made, model, recipe):
    from .stroke import photo_jpeg
    big = photo_jpeg(seed=1)
    forms = {"page photo, cropped": [(j, b) for j, b, _, _ in made],
             "page photo, whole": [(j, None) for j, _, _, _ in made],
             "12 MP JPEG, 20 % box": [(big, (0.4, 0.3, 0.6, 0.6))] * min(10, len(made)),
             "12 MP JPEG, whole": [(big, None)] * min(10, len(made))}
    for form, uploads in forms.items():
        ms = {side: [] for side in sides}
        for i, (data, crop) in enumerate(uploads):
            for side in sorted(sides, reverse=i % 2 == 1):  # who goes first alternates
                dec, prep = sides[side]
                start = time.thread_time()
                prep.prepare(read(dec, prep, data, crop), model.input_shape, recipe, "auto")
                ms[side].append(1000 * (time.thread_time() - start))
        ratios = [a / b for a, b in zip(ms["this"], ms["other"])]
        print(f"{form:22s} " + "  ".join(f"{side} {statistics.median(v):6.1f} ms ({min(v):.1f}-{max(v):.1f})"
                                          for side, v in ms.items())
              + f"  this/other median {statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})")


if __name__ == "__main__":
    main()
