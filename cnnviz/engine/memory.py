"""Keeping a training loop's speed independent of the C allocator's state.

A training step allocates and frees the same large temporaries (im2col matrices,
their gradients) every batch. glibc serves blocks over its mmap threshold with
fresh mmap() calls, and every one of them is page-faulted and zeroed again; it
raises that threshold only after it has freed such a block, so a step took 9 ms
or 21 ms depending on what the process happened to allocate before. Pinning the
threshold makes every run behave like the fast one: freed blocks are reused.
"""
import ctypes
import ctypes.util

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
LARGEST_REUSED = 32 << 20  # glibc's ceiling for the mmap threshold on 64-bit machines


def reuse_freed_memory():
    """Ask glibc to keep freed blocks up to 32 MB for reuse. True if it agreed; a no-op elsewhere."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl): nothing to pin
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, LARGEST_REUSED)) and bool(mallopt(M_TRIM_THRESHOLD, 2 * LARGEST_REUSED))
