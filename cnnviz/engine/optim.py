"""Optimisers that update a model's parameters in place from {name: gradient}."""
import numpy as np


class SGD:
    """Stochastic gradient descent with (classical) momentum and L2 weight decay."""

    def __init__(self, params, lr=0.01, momentum=0.9, weight_decay=0.0):
        self.params, self.lr, self.momentum, self.weight_decay = params, lr, momentum, weight_decay
        self.velocity = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, grads):
        for k, p in self.params.items():
            g = grads[k] + self.weight_decay * p if self.weight_decay else grads[k]
            v = self.velocity[k]
            v *= self.momentum
            v -= float(self.lr) * g
            p += v


class Adam:
    """Adam (Kingma & Ba, 2015) with bias correction, in the parameters' own dtype (float32), in place."""

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        self.params, self.lr = params, lr
        self.beta1, self.beta2, self.eps, self.weight_decay = beta1, beta2, eps, weight_decay
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self._scratch = {k: np.empty_like(v) for k, v in params.items()}
        self.t = 0

    def step(self, grads):
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        scale = float(self.lr) * (1 - b2 ** self.t) ** 0.5 / (1 - b1 ** self.t)  # a Python float: no float64
        for k, p in self.params.items():
            g = grads[k] + self.weight_decay * p if self.weight_decay else grads[k]
            m, v, step = self.m[k], self.v[k], self._scratch[k]
            m *= b1                                    # m = b1 m + (1 - b1) g
            m += np.multiply(g, 1 - b1, out=step)
            v *= b2                                    # v = b2 v + (1 - b2) g^2
            np.multiply(g, g, out=step)
            step *= 1 - b2
            v += step
            np.sqrt(v, out=step)                       # p -= scale m / (sqrt(v) + eps)
            step += self.eps
            np.divide(m, step, out=step)
            step *= scale
            p -= step


OPTIMISERS = {"sgd": SGD, "adam": Adam}
