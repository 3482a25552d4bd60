"""max_unpool1d/2d/3d: the partial inverse of max pooling.

Max pooling with ``return_indices=True`` keeps each window's maximum and where it was (the
flat position in its channel). max_unpool puts every value back at that position and zeros
everywhere else:

    y = zeros(N, C, *output_size);   y[n, c, indices[n, c, p]] = x[n, c, p]

A composite: index_put (indexing.py) writes the values into zeros, so dL/dx = G read at the
same positions (a gather), and second derivatives come for free. With overlapping pooling
windows one element can be the maximum of two windows: both write the same value there, and
each gets that position's gradient, as in PyTorch.
"""

import numpy as np  # shape arithmetic only

from ..errors import ArgumentError, DTypeError, IndexRuntimeError, ShapeError
from ..tensor import Tensor
from .indexing import index_put
from .pooling import _as_batch, _ints
from .shape import reshape


def _default_sizes(sizes, kernel, stride, padding):
    """The input size of the pooling that made ``sizes``: (L - 1)*s - 2p + k per axis."""
    return tuple((n - 1) * s - 2 * p + k for n, k, s, p in zip(sizes, kernel, stride, padding))


def _output_sizes(op, output_size, default, stride):
    if output_size is None:
        return default
    size = tuple(int(s) for s in output_size)[-len(default):]
    if len(size) != len(default):
        raise ArgumentError(f"{op}: output_size {tuple(output_size)} must end with {len(default)} spatial sizes")
    for s, d, st in zip(size, default, stride):
        if not d - st < s < d + st:
            raise ArgumentError(f"{op}: output_size {tuple(output_size)} is invalid: each spatial size must lie "
                                f"strictly between default - stride and default + stride, default {default}, "
                                f"stride {stride}")
    return size


def _max_unpool(op, input, indices, kernel_size, stride, padding, output_size, spatial):
    x, unbatched = _as_batch(op, input, spatial)
    if x.dtype.kind != "f":
        raise DTypeError(f"{op}: expected a floating point input, got dtype {x.dtype}")
    idx = indices.array if isinstance(indices, Tensor) else x.xp.asarray(indices)
    if idx.dtype.kind not in "iu":
        raise DTypeError(f"{op}: indices must be an integer tensor, got dtype {idx.dtype}")
    if tuple(idx.shape) != tuple(input.shape):
        raise ShapeError(f"{op}: indices of shape {tuple(idx.shape)} must have the input's shape "
                         f"{tuple(input.shape)}")
    kernel = _ints(kernel_size, "kernel_size", op, spatial, 1)
    stride = kernel if stride is None or stride == () else _ints(stride, "stride", op, spatial, 1)
    padding = _ints(padding, "padding", op, spatial, 0)
    sizes = _output_sizes(op, output_size, _default_sizes(x.shape[2:], kernel, stride, padding), stride)
    if any(s <= 0 for s in sizes):
        raise ShapeError(f"{op}: the output size {sizes} would not be positive (input of shape {tuple(input.shape)})")
    n, c = x.shape[:2]
    plane = int(np.prod(sizes))
    per_channel = int(np.prod(x.shape[2:]))  # spelled out: -1 is ambiguous for an empty batch
    flat = idx.reshape(n, c, per_channel)
    if flat.size and (int(flat.min()) < 0 or int(flat.max()) >= plane):
        raise IndexRuntimeError(f"{op}: found an invalid max index {int(flat.max()) if flat.max() >= plane else int(flat.min())}"
                                f" (each output channel holds {plane} = {'x'.join(map(str, sizes))} elements)")
    xp = x.xp
    where = (xp.arange(n).reshape(n, 1, 1), xp.arange(c).reshape(1, c, 1), flat.astype(xp.int64))
    zeros = Tensor._make(xp.zeros((n, c, plane), dtype=x.dtype))
    y = index_put(zeros, where, reshape(x, (n, c, per_channel)))
    y = reshape(y, (n, c) + tuple(sizes))
    return reshape(y, y.shape[1:]) if unbatched else y


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """(N, C, L) max-pooled values and their indices -> (N, C, L_in), zeros off the maxima.

    L_in = (L - 1)*stride - 2*padding + kernel_size unless ``output_size`` says otherwise.

    Composition: of reshape, add, mul, neg, sub, prod, min (no Function of its own).
    """
    return _max_unpool("max_unpool1d", input, indices, kernel_size, stride, padding, output_size, 1)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """(N, C, H, W) max-pooled values and their flat indices h*W + w -> (N, C, H_in, W_in).

    Composition: of reshape, add, mul, neg, sub, prod, min (no Function of its own).
    """
    return _max_unpool("max_unpool2d", input, indices, kernel_size, stride, padding, output_size, 2)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """(N, C, D, H, W) max-pooled values and their flat indices -> (N, C, D_in, H_in, W_in).

    Composition: of reshape, add, mul, neg, sub, prod, min (no Function of its own).
    """
    return _max_unpool("max_unpool3d", input, indices, kernel_size, stride, padding, output_size, 3)


TENSOR_METHODS = {}
