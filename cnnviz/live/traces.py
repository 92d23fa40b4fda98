"""Work shared between the requests of one stroke: a small bounded cache of prepared
inputs and their traces, and a cap on how many images are decoded at once.

The page sends the same drawing to /predict, /animate and /explain; the first request
decodes, preprocesses and traces it, the others find it here by the SHA-256 of the
input's bytes. Cached arrays are read-only: the shared result is never written to.
"""
import hashlib
import threading
from collections import OrderedDict
from typing import NamedTuple

import numpy as np

from ..errors import CnnvizError


class Traced(NamedTuple):
    prepared: object  # preprocess.Prepared: tensor (1, C, H, W) and the steps
    steps: list  # the model's trace: [TraceStep(name, kind, input_shape, output)]


def input_key(model_id, raw):
    """A cache key for one model and one input given as bytes (an upload) or an array (pixels)."""
    data = raw.tobytes() + str(raw.shape).encode() if isinstance(raw, np.ndarray) else raw
    return model_id, hashlib.sha256(data).hexdigest()


def _freeze(traced):
    for array in [traced.prepared.tensor, *(s.image for s in traced.prepared.steps),
                  *(s.output for s in traced.steps)]:
        array.flags.writeable = False
    return traced


class TraceCache:
    """Least-recently-used {key: Traced}, at most `size` entries, safe across threads."""

    def __init__(self, size=64):
        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()
        self.hits = self.misses = 0

    def get(self, key):
        """The cached Traced for key, or None."""
        with self._lock:
            traced = self._items.get(key)
            if traced is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return traced

    def get_or_make(self, key, make):
        """The cached Traced for key, or make() (outside the lock; errors are not cached)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
        traced = _freeze(make())
        with self._lock:
            self._items[key] = traced
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return traced


class Busy(CnnvizError):
    """Every decoding slot stayed taken: the client should retry shortly (HTTP 503 + Retry-After)."""

    code = "server.busy"


class DecodeSlots:
    """At most `slots` images decoded at once; a request waits at most `wait` seconds for one."""

    def __init__(self, slots=3, wait=1.0, retry_after=1):
        self._semaphore = threading.BoundedSemaphore(slots)
        self.slots, self.wait, self.retry_after = slots, wait, retry_after

    def __enter__(self):
        if not self._semaphore.acquire(timeout=self.wait):
            raise Busy(f"the server is busy decoding other images; try again in {self.retry_after} s",
                       retry_after=self.retry_after)
        return self

    def __exit__(self, *exc):
        self._semaphore.release()
