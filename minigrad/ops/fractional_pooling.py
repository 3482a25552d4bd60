"""Fractional max pooling (Graham, 2014): fractional_max_pool2d and fractional_max_pool3d.

Ordinary max pooling shrinks an axis by a whole factor (the stride). Fractional pooling
reaches any output size O by placing its O windows of K samples at pseudo-random, slowly
increasing starts: along an axis of length L, with one sample u in [0, 1) per image and
channel (PyTorch's ``_random_samples``),

    a = (L - K) / (O - 1)
    start_i = floor((i + u) * a) - floor(u * a)      for i = 0 .. O - 2
    start_{O-1} = L - K                              (the last window ends at the last sample)

so the steps start_{i+1} - start_i are floor(a) or ceil(a), mixed as u decides, and the
windows cover the axis from 0 to L. The spatial windows are the products of these
intervals; y is the maximum of each. As in PyTorch the starts are computed in the input's
float dtype (a in float32 for a float32 input), so the same samples give the same windows;
a 2-D input takes samples[..., 0] for the width and samples[..., 1] for the height, a 3-D
one samples[..., 0], [1], [2] for depth, height and width.

The maximum and its place: one pass per kernel offset (the loop of ops/pooling.py), each a
gather of the (N, C, *out) slab of window elements at that offset, keeping the larger value
and its flat position in the channel (h*W + w; d*H*W + h*W + w for volumes). Ties keep the
first maximum in window order and a NaN wins, a later NaN over an earlier one, as in
PyTorch. Those positions are constants of the graph.

    y[n, c, o] = x[n, c, p_o]            (p_o: the arg-max of window o)
    dL/dx[n, c, j] = Σ_{o : p_o = j} g[n, c, o]

y is x read at fixed positions, linear in x; its gradient adds each output's g at its
arg-max (windows overlap, so one element can win several), and the gradient of that
scatter reads the same positions again: two Functions, each the other's transpose, so
second derivatives (zero) work. The scatter adds the outputs one after another in row-major
order, as PyTorch's kernel does, so even float32 gradients are bit for bit PyTorch's.

Notation: docs/notation.md.
"""

import itertools

import numpy as np  # shape arithmetic (and np.errstate around a cast)

from .. import backend
from ..autograd.function import Function
from ..errors import (ArgumentError, ArgumentRuntimeError, ArgumentTypeError, DeviceError, DTypeRuntimeError,
                      ShapeError, UnsupportedDType)
from ..tensor import Tensor
from .pooling import _as_batch
from .shape import reshape


class FractionalMaxPool(Function):
    """y[n, c, o] = x[n, c, positions[n, c, o]] (x (N, C, P) with its spatial axes flattened,
    positions (N, C, O) the windows' arg-maxes): each output its window's maximum.

    Linear in x for the fixed positions: dL/dx = FractionalMaxPoolScatter of g (see the module
    docstring).
    """

    @staticmethod
    def forward(ctx, x, positions):
        ctx.positions, ctx.shape = positions, x.shape
        return backend.get_array_module(x).take_along_axis(x, positions, axis=-1)

    @staticmethod
    def backward(ctx, g):
        return FractionalMaxPoolScatter.apply(g, positions=ctx.positions, shape=ctx.shape)


class FractionalMaxPoolScatter(Function):
    """gx = zeros(shape) with gx[n, c, positions[n, c, o]] += g[n, c, o], the outputs o added
    one after another in row-major order (PyTorch's order, so float32 sums round alike).

    Linear in g; its transpose, and so its gradient, reads the same positions: FractionalMaxPool.
    """

    @staticmethod
    def forward(ctx, g, positions, shape):
        ctx.positions = positions
        xp = backend.get_array_module(g)
        out = xp.zeros(shape, dtype=g.dtype)
        n, c = shape[:2]
        xp.add.at(out, (xp.arange(n).reshape(-1, 1, 1), xp.arange(c).reshape(1, -1, 1), positions), g)
        return out

    @staticmethod
    def backward(ctx, gg):
        return FractionalMaxPool.apply(gg, positions=ctx.positions)


def interval_starts(samples, size, out, kernel):
    """The window starts along one axis (see the module docstring) for samples u of any
    shape: an int64 array of shape u.shape + (out,). Computed in u's dtype, as PyTorch does."""
    xp = backend.get_array_module(samples)
    dtype = samples.dtype.type
    starts = xp.empty(samples.shape + (out,), dtype=xp.int64)
    if out > 1:
        alpha = dtype(size - kernel) / dtype(out - 1)
        i = xp.arange(out - 1, dtype=samples.dtype)
        u = samples[..., None]
        # trunc and floor agree for u in [0, 1); truncation is PyTorch's cast to int. (A NaN
        # sample casts to the most negative int twice over, so its windows start at 0, as there.)
        with np.errstate(invalid="ignore"):
            starts[..., :-1] = ((i + u) * alpha).astype(xp.int64) - (u * alpha).astype(xp.int64)
    if out > 0:
        starts[..., -1] = size - kernel
    return starts


def _sizes(op, value, name, spatial, minimum):
    """An int or a tuple of ``spatial`` ints (one int stands for all), each at least ``minimum``."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        t = (int(value),) * spatial
    else:
        try:
            t = tuple(value)
        except TypeError:
            raise ArgumentTypeError(f"{op}: {name} must be an int or a tuple of ints, got {value!r}") from None
        if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in t):
            raise ArgumentTypeError(f"{op}: {name} must be an int or a tuple of ints, got {value!r}")
        t = tuple(int(v) for v in t) * (spatial if len(t) == 1 else 1)
        if len(t) != spatial:
            raise ArgumentRuntimeError(f"{op}: {name} must be an int or a tuple of {spatial} ints, got {value!r}")
    if any(v < minimum for v in t):
        raise ArgumentRuntimeError(f"{op}: {name} must be {'positive' if minimum else 'non-negative'}, "
                                   f"got {value!r}")
    return t


def _output_sizes(op, output_size, output_ratio, sizes):
    """output_size, or the input sizes times output_ratio (rounded down), as PyTorch reads them."""
    spatial = len(sizes)
    if output_size is None and output_ratio is None:
        raise ArgumentError(f"{op} requires specifying either an output_size or an output_ratio")
    if output_size is not None:  # (PyTorch lets output_size win when both are given)
        return _sizes(op, output_size, "output_size", spatial, 0)
    ratio = (output_ratio,) * spatial if isinstance(output_ratio, (int, float, np.number)) else tuple(output_ratio)
    if len(ratio) == 1:
        ratio = ratio * spatial
    if len(ratio) != spatial:
        raise ArgumentError(f"{op}: output_ratio must be a number or a tuple of {spatial} numbers, "
                            f"got {output_ratio!r}")
    return tuple(int(n * float(r)) for n, r in zip(sizes, ratio))


def _check_samples(op, samples, x, spatial):
    if not isinstance(samples, Tensor):
        raise ArgumentTypeError(f"{op}: _random_samples must be a tensor, got {type(samples).__name__}")
    n, c = x.shape[:2]
    if samples.ndim != 3 or samples.shape[0] < n or samples.shape[1] != c or samples.shape[2] != spatial:
        raise ShapeError(f"{op}: _random_samples must have shape (N, C, {spatial}) with N at least the batch "
                         f"size, for an input of shape {tuple(x.shape)}: (at least {n}, {c}, {spatial}); "
                         f"got shape {tuple(samples.shape)}")
    if samples.dtype != x.dtype:
        raise DTypeRuntimeError(f"{op}: _random_samples must have the input's dtype {x.dtype}, got {samples.dtype}")
    if samples.device != x.device:
        raise DeviceError(f"{op}: _random_samples on {samples.device}, the input on {x.device}")
    return samples.array[:n]


def _fractional_max_pool(op, input, kernel_size, output_size, output_ratio, return_indices, samples, spatial):
    x, unbatched = _as_batch(op, input, spatial)
    if x.dtype.kind != "f":
        raise UnsupportedDType(f"{op}: expected a floating point input, got dtype {x.dtype}")
    sizes = tuple(x.shape[2:])
    if x.shape[1] == 0 or any(s == 0 for s in sizes):
        raise ShapeError(f"{op}: expected an input with a non-zero size in every non-batch dimension, "
                         f"got shape {tuple(input.shape)}")
    kernel = _sizes(op, kernel_size, "kernel_size", spatial, 1)
    out = _output_sizes(op, output_size, output_ratio, sizes)
    names = ("depth", "height", "width")[-spatial:]
    room = 0 if spatial == 2 else 1  # PyTorch's 3-D check is one stricter: output + kernel - 1 < size
    for name, n, k, o in zip(names, sizes, kernel, out):
        if o + k - 1 > n - room:
            raise ShapeError(f"{op}: the kernel {kernel} is too large for the output size {out} from the input "
                             f"of shape {tuple(input.shape)}: along the {name}, output + kernel - 1 = {o + k - 1} "
                             f"must be {'at most' if room == 0 else 'below'} {n}")
    xp = x.xp
    if samples is None:
        draw = backend.generator(x.device).random((x.shape[0], x.shape[1], spatial),
                                                  dtype=x.dtype if x.dtype.itemsize >= 4 else np.float32)
        u = draw.astype(x.dtype, copy=False)
    else:
        u = _check_samples(op, samples, x, spatial)
    # the sample of each axis (PyTorch's order: width first in 2-D), then that axis's window starts
    column = (1, 0) if spatial == 2 else (0, 1, 2)
    starts = [interval_starts(xp.ascontiguousarray(u[..., k]), n, o, kk)
              for k, n, o, kk in zip(column, sizes, out, kernel)]
    for name, s, n, k in zip(names, starts, sizes, kernel):
        if s.size and (int(s.min()) < 0 or int(s.max()) + k > n):
            raise ArgumentRuntimeError(f"{op}: _random_samples put a window outside the {name} of the input of shape "
                                f"{tuple(input.shape)}; the samples must lie in [0, 1)")
    # the flat position in a channel of window element (t_0, t_1, ...) of every output: each
    # axis's starts laid out along its own output axis, scaled by that axis's stride
    strides = [int(np.prod(sizes[d + 1:])) for d in range(spatial)]
    laid = [s.reshape(s.shape[:2] + (1,) * d + (s.shape[2],) + (1,) * (spatial - 1 - d)) * stride
            for d, (s, stride) in enumerate(zip(starts, strides))]
    corner = sum(laid[1:], laid[0])  # (N, C, *out): the window's first element
    corner_flat = corner.shape[:2] + (int(np.prod(out)),)
    flat = tuple(x.shape[:2]) + (int(np.prod(sizes)),)  # (sizes spelled out: -1 is ambiguous for an empty batch)
    plane = x.array.reshape(flat)
    best = where = None
    for offset in itertools.product(*(range(k) for k in kernel)):
        place = corner + sum(t * stride for t, stride in zip(offset, strides))
        value = xp.take_along_axis(plane, place.reshape(corner_flat), axis=-1).reshape(place.shape)
        if best is None:
            best, where = value, place
            continue
        better = (value > best) | (value != value)  # strictly larger, or NaN: the first maximum, the last NaN
        best = xp.where(better, value, best)
        where = xp.where(better, place, where)
    y = reshape(FractionalMaxPool.apply(reshape(x, flat), positions=where.reshape(corner_flat)), x.shape[:2] + out)
    if unbatched:
        y, where = reshape(y, y.shape[1:]), where[0]
    return (y, Tensor._make(where)) if return_indices else y


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """Fractional max pooling of (N, C, H, W) or (C, H, W) to ``output_size`` (OH, OW), or to
    output_ratio times the input size (rounded down); windows of ``kernel_size`` placed by
    the samples (N, C, 2) in [0, 1) (drawn from minigrad's generator when not given).
    With ``return_indices`` also the arg-max of each window as h*W + w (int64). See the
    module docstring. minigrad also takes a single number as output_ratio (PyTorch's
    functional form wants a tuple) and refuses a kernel_size below 1 (PyTorch's takes 0).

    Function: ops/fractional_pooling.py FractionalMaxPool (the arg-max positions found on the arrays).
    """
    return _fractional_max_pool("fractional_max_pool2d", input, kernel_size, output_size, output_ratio,
                                return_indices, _random_samples, 2)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """Fractional max pooling of (N, C, D, H, W) or (C, D, H, W) to ``output_size`` (OD, OH, OW)
    or output_ratio times the input size; samples (N, C, 3); indices d*H*W + h*W + w.

    Function: ops/fractional_pooling.py FractionalMaxPool (the arg-max positions found on the arrays).
    """
    return _fractional_max_pool("fractional_max_pool3d", input, kernel_size, output_size, output_ratio,
                                return_indices, _random_samples, 3)


TENSOR_METHODS = {}
