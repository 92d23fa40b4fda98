"""Random distortions of training digits, so hand-drawn and photographed digits
are recognised and not only clean MNIST ones. All vectorised over the batch."""
import numpy as np


def random_affine(x, rng, max_rotate=12, max_shift=2.0, scale=(0.85, 1.12), max_shear=0.2):
    """Rotate, scale, shear and shift each image of x (N, H, W) by its own random amount.

    Inverse mapping with bilinear interpolation; outside the image is 0 (background).
    """
    n, h, w = x.shape
    theta = np.deg2rad(rng.uniform(-max_rotate, max_rotate, n))
    s = rng.uniform(*scale, n)
    shear = rng.uniform(-max_shear, max_shear, n)
    cos, sin = np.cos(theta), np.sin(theta)
    # forward map M = R(theta) @ Shear @ Scale; sample the source at M^-1 (p - c - t) + c
    m = np.empty((n, 2, 2))
    m[:, 0, 0], m[:, 0, 1] = cos * s, (cos * shear - sin) * s
    m[:, 1, 0], m[:, 1, 1] = sin * s, (sin * shear + cos) * s
    inv = np.linalg.inv(m)
    shift = rng.uniform(-max_shift, max_shift, (n, 2))
    cy, cx = (h - 1) / 2, (w - 1) / 2
    gy, gx = np.mgrid[0:h, 0:w].astype(np.float64)
    py = gy.ravel()[None] - cy - shift[:, :1]  # (N, H*W)
    px = gx.ravel()[None] - cx - shift[:, 1:]
    sx = inv[:, 0, 0, None] * px + inv[:, 0, 1, None] * py + cx
    sy = inv[:, 1, 0, None] * px + inv[:, 1, 1, None] * py + cy
    return bilinear(x, sy, sx).reshape(n, h, w).astype(x.dtype)


def bilinear(x, sy, sx):
    """Sample images x (N, H, W) at float coordinates sy, sx (N, P); zero outside."""
    n, h, w = x.shape
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1)))  # a ring of zeros, so neighbours are always valid
    sy = np.clip(sy + 1, 0, h + 0.999)
    sx = np.clip(sx + 1, 0, w + 0.999)
    y0, x0 = np.floor(sy).astype(np.intp), np.floor(sx).astype(np.intp)
    fy, fx = sy - y0, sx - x0
    flat = padded.reshape(n, -1)
    stride = w + 2
    at = lambda yy, xx: np.take_along_axis(flat, yy * stride + xx, axis=1)
    top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx
    bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx
    return top * (1 - fy) + bottom * fy


def random_thickness(x, rng, p_thicker=0.15, p_thinner=0.1):
    """Thicken some strokes (3x3 grey dilation) and thin others (a soft erosion)."""
    roll = rng.uniform(size=len(x))
    thick, thin = roll < p_thicker, roll > 1 - p_thinner
    if thick.any():
        x[thick] = _filter3(x[thick], np.maximum, 0.0)
    if thin.any():
        x[thin] = 0.5 * x[thin] + 0.5 * _filter3(x[thin], np.minimum, 1.0)
    return x


def _filter3(x, reduce, fill):
    p = np.pad(x, ((0, 0), (1, 1), (1, 1)), constant_values=fill)
    h, w = x.shape[1:]
    out = p[:, 1:h + 1, 1:w + 1].copy()
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            out = reduce(out, p[:, dy:dy + h, dx:dx + w])
    return out


def augment_digits(x, rng):
    """x (N, H, W) floats in [0, 1], ink bright -> distorted copy."""
    return random_thickness(random_affine(x, rng), rng)


def augment_fashion(x, rng):
    """Fashion-MNIST items: mirror half of them and shift a little."""
    x = x.copy()
    flip = rng.uniform(size=len(x)) < 0.5
    x[flip] = x[flip, :, ::-1]
    return random_affine(x, rng, max_rotate=0, max_shift=1.5, scale=(1.0, 1.0), max_shear=0.0)


# by preprocessing recipe: what kind of picture the data are, not which network learns them
AUGMENTERS = {"digit": augment_digits, "fashion": augment_fashion}
