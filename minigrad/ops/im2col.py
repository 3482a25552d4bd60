"""im2col and col2im: the column matrix of a convolution, and its adjoint, on raw arrays.

im2col copies every (C, KH, KW) input patch of a zero-padded image into one column,

    cols[c, i, j, n, p, q] = xpad[n, c, p*sh + i*dh, q*sw + j*dw]      (xpad: x zero-padded)

(one more kernel and output index for volumes), through a strided *view* of the padded input
copied once. col2im is its adjoint: every column entry is added back where it was read, one
vectorised add per kernel offset, never a loop over pixels. Convolution (conv.py), unfold and
fold (fold.py) and pooling's window offsets (pooling.py) are built on these.
"""

import itertools
import threading

import numpy as np  # shape arithmetic only

from ..backend import device_of, get_array_module


# ---- scratch memory for the column matrix ----------------------------------------------------
# The column matrix is large (KH*KW times the input: 75 MB for a 3x3 conv of a (32, 64, 32, 32)
# batch) and lives only for the duration of one GEMM. A fresh allocation of that size is served
# by the operating system with fresh pages, which it zeroes first: that costs about as much as
# filling the columns. So each thread keeps one buffer (on the CPU; on a GPU CuPy's pool does
# this, stream-safely) and reuses it. The columns
# never leave the function that fills them (they are not saved for backward; backward rebuilds
# them), so reusing the buffer is safe. The shifted convolution (conv.py) keeps its other
# temporaries in further named slots for the same reason.
_scratch_local = threading.local()


def scratch(shape, dtype, like, slot="cols"):
    """An uninitialised array of ``shape`` and ``dtype`` on ``like``'s device, reusing (on the
    CPU) the memory of the last array asked for under the same ``slot`` name."""
    xp = get_array_module(like)
    if xp is not np:  # CuPy's memory pool already reuses blocks, per stream; a buffer kept here
        return xp.empty(shape, dtype=dtype)  # could still be read by a kernel queued on another stream
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape)) * dtype.itemsize
    buffers = getattr(_scratch_local, "buffers", None)
    if buffers is None:
        buffers = _scratch_local.buffers = {}
    key = (str(device_of(like)), slot)
    buf = buffers.get(key)
    if buf is None or buf.size < nbytes:
        buf = buffers[key] = xp.empty(max(nbytes, 1), dtype=xp.uint8)
    return buf[:nbytes].view(dtype).reshape(shape)


# ---- the array-level building blocks (raw NumPy/CuPy arrays) -------------------------------------
# Every helper below works for any number of spatial dimensions (2 for images, 3 for volumes):
# the formula above with one index per spatial axis. conv1d runs as a height-1 conv2d.
def zero_pad(x, padding):
    """x (N, C, *spatial) with padding[d] = (before, after) zeros added along spatial axis d."""
    if not any(b or a for b, a in padding):
        return x
    shape = x.shape[:2] + tuple(n + b + a for n, (b, a) in zip(x.shape[2:], padding))
    out = get_array_module(x).zeros(shape, dtype=x.dtype)
    out[_inside(padding, x.shape[2:])] = x
    return out


def _inside(padding, sizes):
    """The index of the unpadded middle of a padded (N, C, *spatial) array."""
    return (slice(None), slice(None)) + tuple(slice(b, b + n) for (b, _), n in zip(padding, sizes))


def window_slices(offset, stride, dilation, out_sizes):
    """For the kernel offset (i, j, ...): the strided slices of the padded input that hold that
    window element of every output position (i*dh, i*dh + sh, ... cut to OH, and so on)."""
    return tuple(slice(i * d, i * d + s * (o - 1) + 1, s) for i, s, d, o in zip(offset, stride, dilation, out_sizes))


def kernel_offsets(kernel):
    """Every kernel offset (i, j, ...) in row-major order (i*KW + j for 2-D kernels)."""
    return itertools.product(*(range(k) for k in kernel))


def im2col(x, kernel, stride, padding, dilation, out_hw, batch_first=False):
    """The column matrix of x: cols[c, i, j, n, p, q] = xpad[n, c, p*sh + i*dh, q*sw + j*dw].

    Shape (C, KH, KW, N, OH, OW) (with one more kernel and output axis for 3-D), contiguous, in
    scratch memory (read it before the next call). The strided view reads xpad in place; the one
    copy into ``cols`` is the only data movement. With ``batch_first`` the batch axis comes
    first instead, (N, C, KH, KW, OH, OW): one column matrix per image.
    """
    xp = get_array_module(x)
    x = zero_pad(x, padding)
    n, c = x.shape[:2]
    s_n, s_c, space = x.strides[0], x.strides[1], x.strides[2:]
    shape = (c,) + tuple(kernel) + tuple(out_hw)
    strides = (s_c,) + tuple(s * d for s, d in zip(space, dilation)) + tuple(s * st for s, st in zip(space, stride))
    at = 0 if batch_first else 1 + len(kernel)  # where the batch axis goes
    view = xp.lib.stride_tricks.as_strided(x, shape=shape[:at] + (n,) + shape[at:],
                                           strides=strides[:at] + (s_n,) + strides[at:])
    cols = scratch(view.shape, x.dtype, x)
    cols[...] = view
    return cols


def col2im(cols, x_shape, stride, padding, dilation):
    """The adjoint of im2col: x[n, c, p*sh + i*dh - pt, q*sw + j*dw - pl] += cols[c, i, j, n, p, q].

    One vectorised add per kernel offset (i, j) into a zero-padded buffer, then the padding is cut.
    """
    xp = get_array_module(cols)
    spatial = len(x_shape) - 2
    c, kernel, n, out_sizes = cols.shape[0], cols.shape[1:1 + spatial], cols.shape[1 + spatial], cols.shape[2 + spatial:]
    padded = tuple(s + b + a for s, (b, a) in zip(x_shape[2:], padding))
    out = xp.zeros((n, c) + padded, dtype=cols.dtype)
    for offset in kernel_offsets(kernel):
        out[(slice(None), slice(None)) + window_slices(offset, stride, dilation, out_sizes)] += \
            cols[(slice(None),) + offset].swapaxes(0, 1)
    if any(b or a for b, a in padding):
        out = xp.ascontiguousarray(out[_inside(padding, x_shape[2:])])
    return out


def by_group(a, groups):
    """(N, OC, OH, OW) -> (groups, OC/groups, N*OH*OW): channels first, one matrix per group."""
    xp = get_array_module(a)
    oc = a.shape[1]
    a = xp.ascontiguousarray(a.swapaxes(0, 1))
    return a.reshape(groups, oc // groups, -1)
