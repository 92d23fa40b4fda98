"""A cropped photo is read at the detail the upload has: the crop is cut while decoding, before the
image is reduced (cnnviz/teach/decode.py decode_image(data, crop)), in upright coordinates whatever
the EXIF orientation, and a tiny box in a huge JPEG still decodes at most CROP_DECODE_PIXELS."""
import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from cnnviz.teach import decode
from cnnviz.teach.cropbox import crop_pixels
from cnnviz.teach.decode import UPRIGHT, WORK_SIZE, decode_image
from cnnviz.teach.preprocess import crop_image, prepare

from conftest import draw_digit, png_bytes

UNDO = {Image.Transpose.ROTATE_90: Image.Transpose.ROTATE_270, Image.Transpose.ROTATE_270: Image.Transpose.ROTATE_90}


def notebook_page(size=(2000, 1500), at=(1200, 900), side=300):
    """A ruled page with a 7 of `side` px at `at` and a 1 far from it: Pillow RGB image."""
    page = Image.new("RGB", size, (235, 232, 220))
    draw = ImageDraw.Draw(page)
    for y in range(40, size[1], 60):
        draw.line([(0, y), (size[0], y)], fill=(150, 180, 230), width=2)
    page.paste(draw_digit("7", size=side, paper=(235, 232, 220), ink=(20, 30, 90)), at)
    page.paste(draw_digit("1", size=side, paper=(235, 232, 220), ink=(20, 30, 90)), (150, 200))
    return page


def stored_as(upright, orientation):
    """The picture as a camera stores it with this EXIF orientation: transposing it by UPRIGHT makes `upright`."""
    method = UPRIGHT.get(orientation)
    return upright if method is None else upright.transpose(UNDO.get(method, method))


def with_exif(img, orientation, fmt="PNG", **options):
    exif = Image.Exif()
    exif[0x0112] = orientation
    return png_bytes(img, fmt, exif=exif.tobytes(), **options)


def test_a_small_digit_in_a_big_photo_is_read_as_if_cut_out_and_uploaded_alone(client):
    page = notebook_page()
    crop = (0.575, 0.57, 0.8, 0.83)  # the 7 with a margin: 450 x 390 pixels of the upload
    region = page.crop(crop_pixels(page.size, crop))
    cropped, alone = decode_image(png_bytes(page), crop), decode_image(png_bytes(region))
    assert cropped.size == alone.size == region.size  # today: 64 x 56, the page reduced by 7 first
    assert max(cropped.size) >= 2 * WORK_SIZE
    a, b = prepare(cropped, (1, 32, 32)), prepare(alone, (1, 32, 32))
    assert np.array_equal(a.tensor, b.tensor)
    assert [s.name for s in a.steps] == [s.name for s in b.steps]
    # through the API: the same answer, the same numbers at every step
    post = lambda data, **f: client.post("/api/models/digits/predict", content_type="multipart/form-data",
                                         data={"image": (io.BytesIO(data), "p.png"), **f}).get_json()
    whole, one = post(png_bytes(page), crop=str(list(crop))), post(png_bytes(region))
    assert whole["prediction"] == one["prediction"] and whole["prediction"]["label"] == "7"
    assert whole["preprocessing"] == one["preprocessing"]


def test_the_page_photo_cropped_keeps_its_pixels():
    """static/js/lib/photo.js sends 1024 x 768: a 30 % box is 307 pixels wide there, and stays so
    (an uncropped photo is decoded at 1/4, where the box would be 77 pixels)."""
    data = png_bytes(notebook_page((1024, 768), at=(600, 400), side=250), "JPEG", quality=90)
    crop = (0.55, 0.5, 0.85, 0.9)
    assert decode_image(data).size == (256, 192)  # unchanged: the whole photo at 1/4
    img = decode_image(data, crop)
    assert img.size == (307, 307)  # pixels 563-870 across, 384-691 down: decoded whole, not at 1/4
    big = png_bytes(notebook_page((2048, 1536), at=(1200, 800), side=500), "JPEG", quality=90)
    longer = max(decode_image(big, crop).size)  # decoded at 1/2: 1024 x 768, the box 307 x 307
    assert 2 * WORK_SIZE <= longer < 4 * WORK_SIZE


@pytest.mark.parametrize("orientation", range(1, 9))
def test_the_crop_is_upright_for_every_exif_orientation(orientation):
    rng = np.random.default_rng(orientation)
    upright = Image.fromarray((rng.random((300, 420, 3)) * 255).astype(np.uint8))
    crop = (0.13, 0.27, 0.61, 0.9)
    expected = np.asarray(crop_image(upright, crop))
    got = decode_image(with_exif(stored_as(upright, orientation), orientation), crop)
    assert np.array_equal(np.asarray(got), expected)
    # a JPEG decoded at 1/2 and a large PNG reduced after the crop: the same picture, upright
    big = notebook_page((2000, 1500), at=(1100, 700), side=400)
    box = (0.5, 0.4, 0.8, 0.85)
    for fmt, options in (("JPEG", {"quality": 95}), ("PNG", {})):
        reference = np.asarray(decode_image(png_bytes(big, fmt, **options), box), np.float64)
        turned = np.asarray(decode_image(with_exif(stored_as(big, orientation), orientation, fmt, **options), box),
                            np.float64)
        assert turned.shape == reference.shape and 2 * WORK_SIZE <= max(turned.shape) < 4 * WORK_SIZE
        assert np.abs(turned - reference).mean() < 2.0, (fmt, np.abs(turned - reference).mean())


def test_a_tiny_crop_of_a_huge_jpeg_stays_within_the_decode_cap(monkeypatch):
    decoded, check = [], decode._check_decoded_bytes
    monkeypatch.setattr(decode, "_check_decoded_bytes", lambda img: decoded.append(img.size) or check(img))
    huge = Image.new("L", (7000, 5000), 200)
    ImageDraw.Draw(huge).rectangle([3550, 2550, 3600, 2600], fill=20)
    data = png_bytes(huge, "JPEG", quality=80)
    img = decode_image(data, (0.5, 0.5, 0.52, 0.53))  # 140 x 150 pixels of a 35-megapixel photo
    (w, h), = decoded
    assert w * h <= decode.CROP_DECODE_PIXELS and (w, h) == (1750, 1250)  # at 1/4, not whole
    assert img.size == (35, 37)
    assert np.asarray(img).min() < 60  # the dark square is in the box
    # a box that needs no more than 1/8 is decoded at 1/8, as the whole photo is
    decoded.clear()
    assert max(decode_image(data, (0.0, 0.0, 0.8, 0.8)).size) >= 2 * WORK_SIZE and decoded == [(875, 625)]


def test_uncropped_and_whole_box_decode_alike():
    data = png_bytes(notebook_page((1600, 1200), at=(700, 500), side=300), "JPEG", quality=90)
    whole = decode_image(data)
    assert np.array_equal(np.asarray(decode_image(data, (0, 0, 1, 1))), np.asarray(whole))
