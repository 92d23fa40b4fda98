"""How well a model does on a set of images: its input tensors, predictions, accuracy, confusion.

Serving (the gallery's verdicts) and training both use these; nothing here trains.
"""
import numpy as np


def to_input(images, input_shape):
    """uint8 (N, 28, 28) or float [0, 1] images -> float32 (N, 1, H, W), zero-padded to fit."""
    x = images.astype(np.float32)
    if images.dtype == np.uint8:
        x /= 255
    _, h, w = input_shape
    ph, pw = (h - x.shape[1]) // 2, (w - x.shape[2]) // 2
    if ph or pw:
        x = np.pad(x, ((0, 0), (ph, h - x.shape[1] - ph), (pw, w - x.shape[2] - pw)))
    return x[:, None]


def predictions(model, images, batch_size=500):
    """The predicted class of each uint8 image (N, 28, 28), in batches."""
    return np.concatenate([model.forward(to_input(images[i:i + batch_size], model.input_shape)).argmax(axis=1)
                           for i in range(0, len(images), batch_size)])


def accuracy(model, images, labels):
    return float((predictions(model, images) == labels).mean())


def confusion(model, images, labels, classes=None):
    """(K, K) counts: row = true class, column = predicted class."""
    k = classes or model.output_shape[0]
    matrix = np.zeros((k, k), np.int64)
    np.add.at(matrix, (labels.astype(np.intp), predictions(model, images)), 1)
    return matrix
