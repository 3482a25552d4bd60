"""Pooling: max_pool1d/2d, avg_pool1d/2d (3-D in pooling3d.py, adaptive pooling in adaptive_pooling.py).

A pooling layer slides a KH x KW window over each channel (stride s, dilation d, padding p)
and summarises it: its maximum or its mean. For the output pixel (p, q) and the kernel offset
(i, j), the window element is

    xpad[n, c, p*sh + i*dh, q*sw + j*dw]       (xpad: x with its padding; docs/notation.md)

For a fixed offset (i, j) these elements, over all (p, q), form the strided slice
``xpad[:, :, i*dh :: sh, j*dw :: sw]`` (cut to OH x OW). So every op here loops over the KH*KW
kernel offsets, each step one vectorised operation on a whole (N, C, OH, OW) slab; nothing
loops over pixels.

Max pooling.   y = max over the window;  dy/dx = 1 at the window's arg-max, 0 elsewhere.
    Ties (a convention, PyTorch's: at a tie y has no derivative): the gradient goes to one
    element, the *first* maximum in window order (row by row, i.e. the smallest i*KW + j).
    NaN counts as larger than any number, and a later NaN replaces an earlier one, so with
    several NaNs in a window the gradient goes to the *last* NaN (as in PyTorch).
    The backward is a scatter (each output's gradient added at its arg-max) and the gradient
    of that scatter is the gather of the same positions: two linear Functions that are each
    other's transpose, so max pooling has second derivatives (zero with respect to x, since
    it is piecewise linear; the arg-max is a constant of the graph).

Average pooling.   y = (sum over the window) / count.
    The window sum is linear; its transpose adds each output's gradient to every element of
    its window (a loop over the offsets again). The two are each other's gradient.
    count is the number of window elements inside the padded input (KH*KW, except for the
    windows that ``ceil_mode`` lets run past it: those count only the elements they cover),
    or with count_include_pad=False the number of elements of x itself in the window.
"""

import functools
import math

import numpy as np  # shape arithmetic only

from ..autograd.function import Function
from ..autograd.grad_mode import is_grad_enabled
from ..backend import get_array_module, is_host
from ..errors import ArgumentError, ArgumentRuntimeError, DTypeError, ShapeError
from ..tensor import Tensor
from .im2col import kernel_offsets, scratch, window_slices
from .shape import reshape


# ---- window geometry --------------------------------------------------------------------------------
# Every helper takes any number of spatial axes: (N, C, H, W) images, (N, C, D, H, W) volumes
# (3-D pooling lives in pooling3d.py), 1-D inputs as height-1 images.
def _offsets(kernel, stride, dilation, out_hw):
    """(k, slices) for each kernel offset k = i*KW + j (row-major): the index of the padded input
    that holds window element (i, j) of every output pixel."""
    everything = (slice(None), slice(None))
    for k, offset in enumerate(kernel_offsets(kernel)):
        yield k, everything + window_slices(offset, stride, (1,) * len(kernel) if dilation is None else dilation,
                                            out_hw)


def _padded_shape(shape, padding):
    return tuple(shape[:2]) + tuple(n + b + a for n, (b, a) in zip(shape[2:], padding))


def _pad(x, padding, value):
    """x (N, C, *spatial) with padding[d] = (before, after) entries of ``value`` around axis d."""
    if not any(b or a for b, a in padding):
        return x
    out = get_array_module(x).full(_padded_shape(x.shape, padding), value, dtype=x.dtype)
    out[_middle(padding, x.shape[2:])] = x
    return out


def _middle(padding, sizes):
    return (slice(None), slice(None)) + tuple(slice(b, b + n) for (b, _), n in zip(padding, sizes))


def _crop(xp_, padding, hw):
    """The inverse of _pad: the unpadded middle of a padded array."""
    if xp_.shape[2:] == tuple(hw):
        return xp_
    return get_array_module(xp_).ascontiguousarray(xp_[_middle(padding, hw)])


def _scatter(parts, shape, padding, kernel, stride, dilation, out_hw):
    """Add each offset's (N, C, OH, OW) slab back at its window positions: the transpose of
    reading the slabs. ``parts(k)`` gives the slab for offset k. Returns the unpadded (N, C, H, W)."""
    xp = get_array_module(parts(0))
    out = xp.zeros(_padded_shape(shape, padding), dtype=parts(0).dtype)
    for k, window in _offsets(kernel, stride, dilation, out_hw):
        out[window] += parts(k)
    return _crop(out, padding, shape[2:])


def _lowest(dtype):
    """The fill value of max pooling's padding: smaller than every entry."""
    return -math.inf if dtype.kind == "f" else np.iinfo(dtype).min


# ---- max pooling -----------------------------------------------------------------------------------
def _max_and_argmax(x, kernel, stride, padding, dilation, out_hw, with_indices):
    """The window maxima of x (N, C, H, W) and, when asked, the offset k = i*KW + j of each
    window's first maximum (None otherwise).

    One pass per kernel offset over (N, C, OH, OW) slabs. (Reducing a (N, C, OH, KH, OW, KW)
    view of x with .max(axis=(3, 5)) needs no loop, but NumPy reduces such short, strided
    axes several times slower than these few whole-slab passes.)
    """
    # (on CPU only: its NaN test needs the answer on the host, a wait for the GPU every call)
    if is_host(x) and _is_2x2_tiling(x.shape, kernel, stride, padding, dilation):
        found = _max_and_argmax_2x2(x, with_indices)
        if found is not None:
            return found
    xp = get_array_module(x)
    x = _pad(x, padding, _lowest(x.dtype))
    y = idx = None
    for k, window in _offsets(kernel, stride, dilation, out_hw):
        v = x[window]
        if y is None:
            y = v.copy()
            if with_indices:  # the smallest integer type that holds every offset
                idx = xp.zeros(y.shape, dtype=xp.int8 if np.prod(kernel) <= 127 else xp.int32)
            continue
        if with_indices:
            # strictly larger (or NaN, which wins as in PyTorch): on a tie the earlier offset stays
            better = v > y
            if v.dtype.kind == "f":
                better |= v != v
            # idx = k where better, else idx; as arithmetic, which runs faster than a masked write
            step = xp.subtract(k, idx, dtype=idx.dtype)
            step *= better
            idx += step
        xp.maximum(y, v, out=y)
    return y, idx


def _is_2x2_tiling(shape, kernel, stride, padding, dilation):
    """Whether 2 x 2 windows at stride 2 tile an (N, C, H, W) input exactly (the common max_pool2d(2))."""
    return (len(shape) == 4 and tuple(kernel) == (2, 2) and tuple(stride) == (2, 2)
            and all(d == 1 for d in dilation) and not any(b or a for b, a in padding)
            and shape[2] % 2 == 0 and shape[3] % 2 == 0)


def _max_and_argmax_2x2(x, with_indices):
    """_max_and_argmax for 2 x 2 windows tiling x, in two halving steps; None if x holds a NaN.

    The window (p, q) is a = x[2p, 2q], b = x[2p, 2q+1] (top row), c, d (bottom row). First
    the four corners are copied apart into contiguous planes, planes[col, row][m, p, q] =
    x[m, 2p + row, 2q + col] (m = n*C + c): the one pass that reads x with strides. Then every
    other pass runs over contiguous planes, which NumPy does several times faster than over
    strided slabs of W/2-element rows: the maximum of each horizontal pair,
    h[row] = max(planes[0, row], planes[1, row]), then of the two rows, y = max(h[0], h[1]).

    The arg-max offset k = 2*row + col of the first maximum: the bottom row wins only if its
    maximum is strictly larger (ties go to the top row, whose elements come first), and within
    the winning row the right element wins only if strictly larger. So
        k = col_top + row * (2 + col_bottom - col_top),
    with row = [max(c, d) > max(a, b)], col_top = [b > a], col_bottom = [d > c]: the same k as
    the general loop. A NaN would make these comparisons false where PyTorch lets the NaN win,
    so inputs with a NaN in some window take the general path.
    """
    xp = get_array_module(x)
    n, c, h, w = x.shape
    quarter = (n * c, h // 2, w // 2)
    planes = scratch((2, 2) + quarter, x.dtype, x, "pool planes")  # reused by the next call
    planes[...] = x.reshape(n * c, h // 2, 2, w // 2, 2).transpose(4, 2, 0, 1, 3)
    left, right = planes[0], planes[1]  # (row, m, p, q): the left and the right column
    if with_indices:  # (before left is overwritten by the row maxima)
        col = xp.greater(right, left, out=scratch(left.shape, bool, x, "pool col")).view(xp.int8)
    rows = xp.maximum(left, right, out=left)  # h[row]
    y = xp.maximum(rows[0], rows[1]).reshape(n, c, h // 2, w // 2)
    if x.dtype.kind == "f" and bool(xp.isnan(y).any()):  # NaN propagates through maximum
        return None
    if not with_indices:
        return y, None
    col_top, col_bottom = col[0], col[1]
    idx = xp.subtract(col_bottom, col_top)  # int8, in [-1, 1]
    idx += 2
    idx *= xp.greater(rows[1], rows[0], out=scratch(quarter, bool, x, "pool row")).view(xp.int8)
    idx += col_top
    return y, idx.reshape(y.shape)


class MaxPool2d(Function):
    """y[n, c, p, q] = max over window (p, q) of x, and the arg-max offset of each window.

    dL/dx = scatter of G to the arg-max of each window (MaxPoolScatter); see the module docstring.
    """

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, dilation, out_hw, with_indices):
        ctx.geometry = (x.shape, padding, kernel, stride, dilation, out_hw)
        y, ctx.indices = _max_and_argmax(x, kernel, stride, padding, dilation, out_hw, with_indices)
        return y

    @staticmethod
    def backward(ctx, g):
        return MaxPoolScatter.apply(g, indices=ctx.indices, geometry=ctx.geometry)


class MaxPoolScatter(Function):
    """gx = g routed to the arg-max positions: gx[window (p, q) at offset idx[p, q]] += g[p, q].

    Linear in g; its transpose (and so its gradient) is MaxPoolGather: read the same positions.
    """

    @staticmethod
    def forward(ctx, g, indices, geometry):
        ctx.indices, ctx.geometry = indices, geometry
        shape, padding, kernel, stride, dilation, out_hw = geometry
        xp = get_array_module(g)
        spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
        if any(s < span for s, span in zip(stride, spans)):  # overlapping windows: accumulate
            zero = xp.zeros((), dtype=g.dtype)
            return _scatter(lambda k: xp.where(indices == k, g, zero), shape, padding, kernel, stride,
                            dilation, out_hw)
        # disjoint windows (e.g. kernel == stride): every position gets at most one value, so each
        # slab is written straight into place, g where the offset won and 0 elsewhere
        padded = _padded_shape(shape, padding)
        tiled = (kernel == stride and all(d == 1 for d in dilation)
                 and all(o * k == n for o, k, n in zip(out_hw, kernel, padded[2:])))
        out = (xp.empty if tiled else xp.zeros)(padded, dtype=g.dtype)
        for k, window in _offsets(kernel, stride, dilation, out_hw):
            xp.multiply(g, indices == k, out=out[window])
        return _crop(out, padding, shape[2:])

    @staticmethod
    def backward(ctx, gg):
        return MaxPoolGather.apply(gg, indices=ctx.indices, geometry=ctx.geometry)


class MaxPoolGather(Function):
    """y[p, q] = z at the arg-max position of window (p, q) (positions fixed by ``indices``).

    Linear in z; its gradient is MaxPoolScatter of G to the same positions.
    """

    @staticmethod
    def forward(ctx, z, indices, geometry):
        ctx.indices, ctx.geometry = indices, geometry
        shape, padding, kernel, stride, dilation, out_hw = geometry
        xp = get_array_module(z)
        z = _pad(z, padding, 0)
        y = xp.zeros(indices.shape, dtype=z.dtype)
        for k, window in _offsets(kernel, stride, dilation, out_hw):
            y = xp.where(indices == k, z[window], y)
        return y

    @staticmethod
    def backward(ctx, g):
        return MaxPoolScatter.apply(g, indices=ctx.indices, geometry=ctx.geometry)


# ---- average pooling ---------------------------------------------------------------------------------
class WindowSum(Function):
    """y[n, c, p, q] = sum over window (p, q) of the zero-padded x.

    Linear; dL/dx adds G[p, q] to every element of window (p, q): WindowSumTranspose.
    """

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, out_hw):
        ctx.geometry = (x.shape, kernel, stride, padding, out_hw)
        x = _pad(x, padding, 0)
        y = None
        for _, window in _offsets(kernel, stride, None, out_hw):
            if y is None:
                y = x[window].copy()
            else:
                y += x[window]
        return y

    @staticmethod
    def backward(ctx, g):
        shape, kernel, stride, padding, out_hw = ctx.geometry
        return WindowSumTranspose.apply(g, shape=shape, kernel=kernel, stride=stride, padding=padding)


class WindowSumTranspose(Function):
    """gx = the transpose of WindowSum applied to g: every window element gets its window's g.

    Linear; its gradient is WindowSum again.
    """

    @staticmethod
    def forward(ctx, g, shape, kernel, stride, padding):
        ctx.geometry = (kernel, stride, padding, g.shape[2:])
        return _scatter(lambda k: g, shape, padding, kernel, stride, None, g.shape[2:])

    @staticmethod
    def backward(ctx, gg):
        kernel, stride, padding, out_hw = ctx.geometry
        return WindowSum.apply(gg, kernel=kernel, stride=stride, padding=padding, out_hw=out_hw)


# ---- argument checking -------------------------------------------------------------------------------
def _ints(value, name, op, n, minimum):
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        t = (int(value),) * n
    else:
        try:
            t = tuple(int(v) for v in value)
        except TypeError:
            raise TypeError(f"{op}: {name} must be an int or a tuple of {n} ints, got {value!r}") from None
        if len(t) == 1:
            t = t * n
        if len(t) != n:
            raise ArgumentError(f"{op}: {name} must be an int or a tuple of {n} ints, got {value!r}")
    if any(v < minimum for v in t):
        raise ArgumentRuntimeError(f"{op}: {name} must be {'positive' if minimum else 'non-negative'}, got {value!r}")
    return t


def _as_batch(op, x, spatial):
    """(N, C, *spatial) from an input that may lack the batch axis."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(x).__name__}")
    if x.ndim not in (spatial + 1, spatial + 2):
        raise ShapeError(f"{op}: expected a {spatial + 1}-D (unbatched) or {spatial + 2}-D (batched) input, "
                         f"got shape {tuple(x.shape)}")
    if x.ndim == spatial + 1:
        return reshape(x, (1,) + tuple(x.shape)), True
    return x, False


def _pool_geometry(op, sizes, kernel, stride, padding, dilation, ceil_mode, input_shape):
    """Output sizes and the padding (before, after) per dimension, the after side enlarged so that
    ceil_mode's last window fits. PyTorch's rule: ceil_mode may add a window only if it starts
    inside the input or the left padding."""
    out, pads = [], []
    for n, k, s, p, d in zip(sizes, kernel, stride, padding, dilation):
        span = d * (k - 1) + 1
        if p > k // 2:  # PyTorch's rule; it keeps every window partly inside the input
            raise ArgumentRuntimeError(f"{op}: padding {tuple(padding)} must be at most half of the kernel size "
                                f"{tuple(kernel)}")
        room = n + 2 * p - span
        if room < 0:
            raise ShapeError(f"{op}: the input of shape {tuple(input_shape)} is smaller than the kernel "
                             f"{tuple(kernel)} (with dilation {tuple(dilation)} and padding {tuple(padding)})")
        o = (room + (s - 1 if ceil_mode else 0)) // s + 1
        if ceil_mode and (o - 1) * s >= n + p:
            o -= 1
        if d > 1:  # with holes in the window, a window could see nothing but padding
            pos = (np.arange(o) * s - p)[:, None] + np.arange(k) * d
            if not ((pos >= 0) & (pos < n)).any(axis=1).all():
                raise ArgumentError(f"{op}: with padding {tuple(padding)} and dilation {tuple(dilation)} some "
                                    f"windows hold only padding (input of shape {tuple(input_shape)})")
        out.append(o)
        pads.append((p, p + max(0, (o - 1) * s + span - (n + 2 * p))))
    return tuple(out), tuple(pads)


def _flat_indices(idx, kernel, stride, padding, dilation, hw):
    """Window offsets -> PyTorch's indices: the flat position h*W + w (d*H*W + h*W + w for
    volumes) in each input channel."""
    xp = get_array_module(idx)
    spatial = len(kernel)
    rest = idx.astype(xp.int64)  # the offsets may be int8; positions need more room
    flat = 0
    for d in reversed(range(spatial)):  # peel the row-major offset k = (i*KH + j)*KW + ... apart
        i, rest = rest % kernel[d], rest // kernel[d]
        along = xp.arange(idx.shape[2 + d]).reshape((-1,) + (1,) * (spatial - 1 - d))
        position = along * stride[d] - padding[d][0] + i * dilation[d]
        flat = flat + position * int(np.prod(hw[d + 1:]))
    return flat.astype(xp.int64)


# ---- the functions users call ---------------------------------------------------------------------
def _max_pool(op, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, spatial):
    x, unbatched = _as_batch(op, input, spatial)
    if x.dtype.kind not in "fiu":
        raise DTypeError(f"{op}: expected a numeric tensor, got dtype {x.dtype}")
    kernel = _ints(kernel_size, "kernel_size", op, spatial, 1)
    stride = kernel if stride is None or stride == () else _ints(stride, "stride", op, spatial, 1)
    padding = _ints(padding, "padding", op, spatial, 0)
    dilation = _ints(dilation, "dilation", op, spatial, 1)
    out, pads = _pool_geometry(op, x.shape[2:], kernel, stride, padding, dilation, ceil_mode, input.shape)
    if spatial == 1:  # a height-1 image
        x = reshape(x, x.shape[:2] + (1, x.shape[2]))
        kernel, stride, dilation, out, pads = ((1,) + kernel, (1,) + stride, (1,) + dilation, (1,) + out,
                                               ((0, 0),) + pads)
    need = bool(return_indices) or (is_grad_enabled() and x.requires_grad)
    y = MaxPool2d.apply(x, kernel=kernel, stride=stride, padding=pads, dilation=dilation, out_hw=out,
                        with_indices=need)
    shape = tuple(input.shape[:-spatial]) + out[-spatial:]
    if not return_indices:
        return reshape(y, shape)
    if y.grad_fn is not None:  # the node kept the arg-max offsets for its backward
        offsets = y.grad_fn.indices
    else:  # no graph recorded: find them again
        offsets = _max_and_argmax(x.array, kernel, stride, pads, dilation, out, True)[1]
    idx = _flat_indices(offsets, kernel, stride, pads, dilation, x.shape[2:])
    return reshape(y, shape), Tensor._make(idx.reshape(shape))


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """2-D max pooling of (N, C, H, W) or (C, H, W); stride defaults to kernel_size.

    Padding (at most half the kernel) counts as -inf. With ``return_indices`` also returns the
    arg-max of each window as the flat index h*W + w into its input channel (int64).
    Ties go to the first maximum in window order, as in PyTorch.

    Function: ops/pooling.py MaxPool2d (through _max_pool).
    """
    return _max_pool("max_pool2d", input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 2)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """1-D max pooling of (N, C, L) or (C, L), run as max_pool2d on a height-1 view.

    Function: ops/pooling.py MaxPool2d (through _max_pool).
    """
    return _max_pool("max_pool1d", input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 1)


def _avg_pool(op, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, spatial):
    x, unbatched = _as_batch(op, input, spatial)
    if x.dtype.kind != "f":
        raise DTypeError(f"{op}: expected a floating point tensor, got dtype {x.dtype}")
    kernel = _ints(kernel_size, "kernel_size", op, spatial, 1)
    stride = kernel if stride is None or stride == () else _ints(stride, "stride", op, spatial, 1)
    padding = _ints(padding, "padding", op, spatial, 0)
    if divisor_override is not None and (isinstance(divisor_override, bool) or int(divisor_override) <= 0):
        raise ArgumentError(f"{op}: divisor_override must be a positive integer, got {divisor_override!r}")
    sizes = tuple(x.shape[2:])
    out, pads = _pool_geometry(op, sizes, kernel, stride, padding, (1,) * spatial, ceil_mode, input.shape)
    # the count of each window, separable: count[p, q] = count_h[p] * count_w[q]
    counts = []
    for n, k, s, p, o in zip(sizes, kernel, stride, padding, out):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)  # the window never counts the extra ceil_mode padding
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, n)
        counts.append(end - start)
    divisor = float(divisor_override) if divisor_override is not None else \
        functools.reduce(np.multiply.outer, counts)
    if spatial == 1:
        x = reshape(x, x.shape[:2] + (1, x.shape[2]))
        kernel, stride, out, pads = (1,) + kernel, (1,) + stride, (1,) + out, ((0, 0),) + pads
    y = WindowSum.apply(x, kernel=kernel, stride=stride, padding=pads, out_hw=out)
    scale = 1.0 / np.asarray(divisor, dtype=np.float64)
    y = y * Tensor._make(x.xp.asarray(scale.reshape(out) if scale.ndim else scale, dtype=x.dtype))
    return reshape(y, tuple(input.shape[:-spatial]) + out[-spatial:])


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """2-D average pooling of (N, C, H, W) or (C, H, W); stride defaults to kernel_size.

    Zero padding (at most half the kernel). The divisor is the window size KH*KW, or, with
    ``count_include_pad=False``, the number of input (non-padding) elements in the window, or
    ``divisor_override``. With ceil_mode the extra last window divides by what it covers.

    Function: ops/pooling.py WindowSum (through _avg_pool).
    """
    return _avg_pool("avg_pool2d", input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, 2)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling of (N, C, L) or (C, L), run as avg_pool2d on a height-1 view.

    Function: ops/pooling.py WindowSum (through _avg_pool).
    """
    return _avg_pool("avg_pool1d", input, kernel_size, stride, padding, ceil_mode, count_include_pad, None, 1)


TENSOR_METHODS = {}
