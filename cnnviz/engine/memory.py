"""Buffers a training loop reuses from one step to the next.

A training step needs the same large temporaries every batch (im2col matrices,
feature maps and their gradients, a few MB each). Allocated afresh, each one is
a new mmap() that the kernel page-faults and zeroes again, or a reused heap
block, depending on what the C allocator happened to see before: a step took
9 ms or 21 ms for that reason alone. With a Workspace every step writes into
the arrays of the step before, so its speed does not depend on the allocator.

Arrays handed out by a Workspace are overwritten by the next step that uses it:
only the training loop that owns one passes it in; everything else (the
server's explain, trace and backward) allocates as usual and is unaffected.
"""
from math import prod

import numpy as np


_SHARED = object()  # the scope of scratch arrays


class Workspace:
    """Named scratch arrays kept between calls: scope(i).empty("cols", shape) gives the same memory each
    step (a view of the first prod(shape) elements of a flat block, grown when a step needs more)."""

    def __init__(self):
        self._blocks = {}
        self._scopes = {}

    def scope(self, name):
        """The buffers of one layer (or any other user), named apart from everyone else's."""
        if name not in self._scopes:
            self._scopes[name] = Buffers(self, name)
        return self._scopes[name]

    def block(self, key, size, dtype):
        """A flat array of size elements of dtype, in the same memory every time for key."""
        flat = self._blocks.get(key)
        if flat is None or flat.dtype != dtype or flat.size < size:
            flat = self._blocks[key] = np.empty(size, dtype)
        return flat[:size]

    def nbytes(self):
        return sum(a.nbytes for a in self._blocks.values())


class Buffers:
    """One scope of a Workspace: arrays by role ("cols", "out", "dx", ...)."""

    def __init__(self, workspace, name):
        self.workspace, self.name = workspace, name

    def empty(self, role, shape, dtype=np.float32, axes=None):
        """An uninitialised array of shape. axes (a permutation, outermost first) lays it out in memory
        in that axis order, as np.empty_like(x) keeps x's: empty(..., axes=memory_axes(x))."""
        flat = self.workspace.block((self.name, role), prod(shape), dtype)
        return _in_axis_order(flat, shape, axes)

    def scratch(self, role, shape, dtype=np.float32, axes=None):
        """Like empty, for an array used only inside one call (an im2col gradient, a mask): every
        scope shares it, so a deep network keeps one of each rather than one per layer."""
        flat = self.workspace.block((_SHARED, role), prod(shape), dtype)
        return _in_axis_order(flat, shape, axes)


def memory_axes(x):
    """x's axes from the one with the largest stride to the smallest: the order its memory is laid out in."""
    return tuple(sorted(range(x.ndim), key=lambda a: (-abs(x.strides[a]), a)))


def empty(shape, dtype=np.float32, axes=None, buffers=None, role=None, scratch=False):
    """np.empty(shape) laid out in memory in the axis order axes; from buffers (a Workspace scope)
    under role when given (shared by every scope if scratch), else newly allocated."""
    if buffers is not None:
        return (buffers.scratch if scratch else buffers.empty)(role, shape, dtype, axes)
    if axes is None:
        return np.empty(shape, dtype)
    return _in_axis_order(np.empty(prod(shape), dtype), shape, axes)


def _in_axis_order(flat, shape, axes):
    if axes is None or axes == _IDENTITY[len(axes)]:
        return flat.reshape(shape)
    stored = flat.reshape([shape[a] for a in axes])
    return stored.transpose(_inverse(axes))


_IDENTITY = [tuple(range(n)) for n in range(8)]


def _inverse(axes):
    inverse = [0] * len(axes)
    for position, axis in enumerate(axes):
        inverse[axis] = position
    return inverse
