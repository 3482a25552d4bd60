"""Adaptive pooling: adaptive_avg_pool1d/2d/3d and adaptive_max_pool1d/2d/3d.

Adaptive pooling picks its windows so that the output has a given size. Along an axis of
length L pooled to O outputs, window o covers

    [start_o, end_o) = [floor(o*L/O), ceil((o+1)*L/O))

(the windows may overlap by one element and differ in length by one), and the spatial windows
are the products of these intervals, as in PyTorch.

Average.  Averaging is separable and linear: along each axis y = A @ x with A (O, L),
A[o, l] = 1/(end_o - start_o) inside window o. So a 2-D pool is y = A_h @ x @ A_w^T, and it
is written with matmul, whose gradient is the transpose: dL/dx = A_h^T G A_w.

Max.  Each window is gathered whole with integer index arrays: along an axis, row o of the
(O, K) index array lists start_o, start_o + 1, ..., end_o - 1 and then repeats end_o - 1 up to
K = the longest window (a repeated element never changes a maximum, and it comes after the
original, so the first maximum still wins on a tie, as in PyTorch). The arg-max of each window
is found on the raw arrays; the output is then x gathered at those positions, through getitem,
so dL/dx is the scatter-add of G onto the arg-max positions and second derivatives (zero) work.
Composites both: no Function of their own.
"""

import numpy as np  # shape arithmetic only

from ..errors import ArgumentError, DTypeError, ShapeError
from ..tensor import Tensor
from .indexing import gather
from .linalg import matmul
from .pooling import _as_batch
from .shape import reshape


def _windows(n, o):
    """start and end (exclusive) of the o adaptive windows over a length n."""
    r = np.arange(o)
    return (r * n) // o, -((-(r + 1) * n) // o)


def _adaptive_matrix(n, o, dtype, xp):
    """A (o, n) with row r = 1/len on window r, 0 elsewhere."""
    start, end = _windows(n, o)
    cols = np.arange(n)
    inside = (cols >= start[:, None]) & (cols < end[:, None])
    return Tensor._make(xp.asarray(inside / (end - start)[:, None], dtype=dtype))


def _adaptive_sizes(op, output_size, sizes):
    spatial = len(sizes)
    if output_size is None:
        raise TypeError(f"{op}: output_size must be an int or a tuple (None only inside the tuple)")
    if isinstance(output_size, (int, np.integer)):
        output_size = (output_size,) * spatial
    output_size = tuple(output_size)
    if len(output_size) != spatial:
        raise ArgumentError(f"{op}: output_size must be an int or a tuple of {spatial}, got {output_size!r}")
    out = tuple(n if o is None else int(o) for o, n in zip(output_size, sizes))
    if any(o <= 0 for o in out):
        raise ArgumentError(f"{op}: output_size must be positive, got {output_size!r}")
    if any(n <= 0 for n in sizes):
        raise ShapeError(f"{op}: the input's spatial size {tuple(sizes)} must be positive")
    return out


def _batch(op, input, spatial, kinds="f"):
    x, unbatched = _as_batch(op, input, spatial)
    if x.dtype.kind not in kinds:
        kind = "floating point" if kinds == "f" else "numeric"
        raise DTypeError(f"{op}: expected a {kind} tensor, got dtype {x.dtype}")
    return x, unbatched


def _adaptive_avg(op, input, output_size, spatial):
    """Average along each spatial axis in turn: y = A @ x on x viewed as (B, L, R)."""
    x, unbatched = _batch(op, input, spatial)
    out = _adaptive_sizes(op, output_size, x.shape[2:])
    y = x
    for d, o in enumerate(out):
        axis = 2 + d
        n = y.shape[axis]
        if o == n:
            continue
        a = _adaptive_matrix(n, o, x.dtype, x.xp)
        if axis == y.ndim - 1:  # the last axis: y @ A^T, no reshape needed
            y = matmul(y, a.mT)
        else:
            shape = tuple(y.shape)
            rows = int(np.prod(shape[:axis]))
            y = matmul(a, reshape(y, (rows, n, -1)))
            y = reshape(y, shape[:axis] + (o,) + shape[axis + 1:])
    return reshape(y, y.shape[1:]) if unbatched else y


def adaptive_avg_pool1d(input, output_size):
    """Average pooling of (N, C, L) or (C, L) to length ``output_size``: y = x @ A^T.

    Composition: of reshape, add, mul, neg, sub, div (no Function of its own).
    """
    return _adaptive_avg("adaptive_avg_pool1d", input, output_size, 1)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed output size (an int, a pair, None keeps that input size).

    y = A_h @ x @ A_w^T with the window-averaging matrices of the module docstring.

    Composition: of reshape, add, mul, neg, sub, div (no Function of its own).
    """
    return _adaptive_avg("adaptive_avg_pool2d", input, output_size, 2)


def adaptive_avg_pool3d(input, output_size):
    """Average pooling of (N, C, D, H, W) or (C, D, H, W) to (OD, OH, OW) (an int, a triple, None keeps).

    Composition: of reshape, add, mul, neg, sub, div (no Function of its own).
    """
    return _adaptive_avg("adaptive_avg_pool3d", input, output_size, 3)


def _adaptive_max(op, input, output_size, return_indices, spatial):
    x, unbatched = _batch(op, input, spatial, kinds="fiu")
    sizes = tuple(x.shape[2:])
    out = _adaptive_sizes(op, output_size, sizes)
    xp = x.xp
    # one (O, K) index array per axis, laid out to broadcast to (O_0, ..., O_s-1, K_0, ..., K_s-1)
    index, longest = [], []
    for d, (n, o) in enumerate(zip(sizes, out)):
        start, end = _windows(n, o)
        k = int((end - start).max())
        rows = np.minimum(start[:, None] + np.arange(k), end[:, None] - 1)
        shape = [1] * (2 * spatial)
        shape[d], shape[spatial + d] = o, k
        index.append(rows.reshape(shape))
        longest.append(k)
    windows = x.array[(slice(None), slice(None)) + tuple(xp.asarray(i) for i in index)]
    # (N, C, *out, K_0 * K_1 * ...); sizes spelled out, as -1 is ambiguous for an empty batch
    windows = windows.reshape(x.shape[:2] + out + (int(np.prod(longest)),))
    best = xp.argmax(windows, axis=-1)  # the first maximum; NaN counts as the largest (NumPy and PyTorch)
    # the winning window element (t_0, t_1, ...) -> its input position -> the flat index in a channel
    flat = xp.zeros(best.shape, dtype=xp.int64)
    rest = best
    for d in reversed(range(spatial)):
        t, rest = rest % longest[d], rest // longest[d]
        rows = xp.asarray(index[d].reshape(out[d], longest[d]))
        o = xp.arange(out[d]).reshape((-1,) + (1,) * (spatial - 1 - d))
        flat += rows[o, t] * int(np.prod(sizes[d + 1:]))
    plane = reshape(x, x.shape[:2] + (int(np.prod(sizes)),))
    y = reshape(gather(plane, -1, flat.reshape(x.shape[:2] + (int(np.prod(out)),))), x.shape[:2] + out)
    if unbatched:
        y, flat = reshape(y, y.shape[1:]), flat[0]
    return (y, Tensor._make(flat)) if return_indices else y


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max pooling of (N, C, L) or (C, L) to length ``output_size``; with ``return_indices``
    also the arg-max of each window as an index into its input channel (int64).

    Composition: of reshape, add, mul, neg, max, minimum, prod (no Function of its own).
    """
    return _adaptive_max("adaptive_max_pool1d", input, output_size, return_indices, 1)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling of (N, C, H, W) or (C, H, W) to ``output_size`` (int, pair, None keeps);
    indices are flat positions h*W + w in each input channel.

    Composition: of reshape, add, mul, neg, max, minimum, prod (no Function of its own).
    """
    return _adaptive_max("adaptive_max_pool2d", input, output_size, return_indices, 2)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Max pooling of (N, C, D, H, W) or (C, D, H, W) to ``output_size``; indices d*H*W + h*W + w.

    Composition: of reshape, add, mul, neg, max, minimum, prod (no Function of its own).
    """
    return _adaptive_max("adaptive_max_pool3d", input, output_size, return_indices, 3)


TENSOR_METHODS = {}
