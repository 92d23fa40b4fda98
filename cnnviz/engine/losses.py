"""The losses a network is trained with, each returning (loss, gradient of the loss)."""
import numpy as np

from .kinds.softmax import softmax


def softmax_cross_entropy(z, y):
    """Mean cross-entropy of logits z (N, K) against labels y (N,): (loss, dz); dz = (p - one-hot) / N."""
    n = z.shape[0]
    p = softmax(z)
    loss = -np.log(np.maximum(p[np.arange(n), y], 1e-300)).mean()
    dz = p.copy()
    dz[np.arange(n), y] -= 1
    return float(loss), dz / n


def squared_error(output, target):
    """The lesson's total error: sum of 1/2 (target - output)^2, averaged over the batch.

    output, target: (N, K) -> (loss, doutput).
    """
    n = output.shape[0]
    diff = output - target
    return float(0.5 * (diff * diff).sum() / n), diff / n


LOSSES = {"cross_entropy": softmax_cross_entropy, "squared_error": squared_error}
