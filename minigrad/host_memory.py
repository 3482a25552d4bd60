"""Keep freed host memory in the process, so that the next large array reuses warm pages.

A training step allocates and frees the same large arrays every iteration (activations,
gradients, attention scores). glibc's malloc gives every block above its *mmap threshold* a
mapping of its own and unmaps it when it is freed, and it hands free memory at the top of its
heap back to the system once that exceeds the *trim threshold*. Either way the next array of
that size lands in fresh pages, which the kernel zeroes and maps 4 KB at a time as the array
is first written: for an 8 MB array about half a millisecond, more than the pass that writes it.
(glibc raises the mmap threshold by itself as large blocks are freed, but only up to 32 MB
and the trim threshold with it, so a step's arrays still come and go through the kernel.)

PyTorch keeps a caching allocator on the GPU for the same reason. On the CPU minigrad asks
glibc to keep what it frees instead:

    mmap threshold = 32 MB   (glibc's largest: blocks up to 32 MB come from the heap)
    trim threshold = 256 MB  (up to 256 MB of freed heap stays mapped for reuse)

Measured on the benchmark (``python -m benchmarks``): W2, W4 and W5 ran 10-15 % faster. The cost
is that up to 256 MB the process no longer needs may stay counted in its resident memory; its
peak is unchanged. This runs once, when minigrad is imported. It changes malloc for the whole
process, so it can be turned off: set ``MINIGRAD_HOST_MALLOC=default`` before importing
minigrad. Elsewhere than glibc (macOS, Windows, musl) nothing is done.
"""

import ctypes
import os
import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt's parameter numbers, from glibc's malloc.h
MMAP_THRESHOLD = 32 * 1024 * 1024
TRIM_THRESHOLD = 256 * 1024 * 1024


def _libc_version():
    """'glibc 2.36' on glibc; '' where the C library does not say (musl) or on other systems."""
    try:
        return os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (AttributeError, ValueError, OSError):
        return ""


def keep_freed_memory():
    """Set glibc's two thresholds as above; True when they were set."""
    if os.environ.get("MINIGRAD_HOST_MALLOC", "") == "default":
        return False
    if not sys.platform.startswith("linux") or not _libc_version().startswith("glibc"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    # mallopt returns 1 on success; setting either threshold also stops glibc adjusting it
    return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))


HOST_MALLOC_TUNED = keep_freed_memory()
