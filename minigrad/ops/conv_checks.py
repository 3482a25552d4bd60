"""Argument checking for the convolutions (minigrad/ops/conv.py, conv3d.py, fold.py).

Every check runs before any array is touched, and its message names the op and the shapes,
dtypes or values involved, with PyTorch's error type for the same mistake.
"""

import numpy as np  # int types only

from ..errors import ArgumentError, ArgumentRuntimeError, DTypeError, ShapeError
from ..tensor import Tensor
from .shape import reshape

def _pair(value, name, op, n=2):
    """An int or a sequence of n ints as a tuple of n ints."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),) * n
    try:
        t = tuple(int(v) for v in value)
    except TypeError:
        raise TypeError(f"{op}: {name} must be an int or a tuple of {n} ints, got {value!r}") from None
    if len(t) != n:
        raise ArgumentError(f"{op}: {name} must be an int or a tuple of {n} ints, got {value!r}")
    return t


def _positive(value, name, op, n=2):
    t = _pair(value, name, op, n)
    if any(v <= 0 for v in t):
        raise ArgumentRuntimeError(f"{op}: {name} must be positive, got {value!r}")
    return t


def same_padding(kernel, dilation):
    """'same' padding per dimension: d*(k-1) in total, the odd one out after (as PyTorch)."""
    pads = []
    for k, d in zip(kernel, dilation):
        total = d * (k - 1)
        pads.append((total // 2, total - total // 2))
    return tuple(pads)


def _padding(padding, kernel, stride, dilation, op, n=2):
    """Padding as ((before, after), ...) per spatial dimension; 'same' and 'valid' allowed."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * n
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ArgumentRuntimeError(f"{op}: padding='same' is not supported for strided convolutions "
                                    f"(stride={stride})")
            return same_padding(kernel, dilation)
        raise ArgumentRuntimeError(f"{op}: padding must be 'same', 'valid', an int or a tuple of ints, got {padding!r}")
    p = _pair(padding, "padding", op, n)
    if any(v < 0 for v in p):
        raise ArgumentRuntimeError(f"{op}: padding must be non-negative, got {padding!r}")
    return tuple((v, v) for v in p)


def _check_tensors(op, x, w, b, spatial):
    """Ranks and dtypes of input, weight and bias."""
    dims = spatial + 2
    if not isinstance(x, Tensor) or not isinstance(w, Tensor):
        raise TypeError(f"{op}: input and weight must be Tensors, got {type(x).__name__} and {type(w).__name__}")
    if x.ndim not in (dims - 1, dims):
        raise ShapeError(f"{op}: expected a {dims - 1}-D (unbatched) or {dims}-D (batched) input, "
                         f"got shape {tuple(x.shape)}")
    if w.ndim != dims:
        raise ShapeError(f"{op}: the weight must be {dims}-D, got shape {tuple(w.shape)}")
    for name, t in (("input", x), ("weight", w), ("bias", b)):
        if t is not None and t.dtype.kind != "f":
            raise DTypeError(f"{op}: {name} must be a floating point tensor, got dtype {t.dtype}")
    if w.dtype != x.dtype or (b is not None and b.dtype != x.dtype):
        dts = f"input {x.dtype}, weight {w.dtype}" + ("" if b is None else f", bias {b.dtype}")
        raise DTypeError(f"{op}: input, weight and bias must have the same dtype, got {dts}")


def _check_groups(op, groups, channels, what):
    """groups is a positive int that divides ``channels`` (named ``what`` in the message)."""
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups <= 0:
        raise ArgumentError(f"{op}: groups must be a positive integer, got {groups!r}")
    if channels % groups:
        raise ShapeError(f"{op}: {what} ({channels}) must be divisible by groups ({groups})")


def _check_conv(op, x, w, b, spatial, groups, transposed=False):
    """Check ranks, dtypes, groups and channels; return the input as a batch (and whether it was one)."""
    _check_tensors(op, x, w, b, spatial)
    if 0 in w.shape:
        raise ShapeError(f"{op}: the weight has a zero-size dimension (shape {tuple(w.shape)})")
    if transposed:  # weight (Cin, Cout/groups, *kernel)
        cin = w.shape[0]
        _check_groups(op, groups, cin, "in_channels (weight.shape[0])")
        cout = w.shape[1] * groups
        expected = f"expected input with {cin} channels (weight of shape {tuple(w.shape)})"
    else:  # weight (Cout, Cin/groups, *kernel)
        cout = w.shape[0]
        _check_groups(op, groups, cout, "out_channels (weight.shape[0])")
        cin = w.shape[1] * groups
        expected = f"expected input with {cin} channels (weight of shape {tuple(w.shape)}, groups={groups})"
    c = x.shape[-spatial - 1]
    if c != cin:
        raise ShapeError(f"{op}: {expected}, but got input of shape {tuple(x.shape)} with {c} channels")
    if b is not None and tuple(b.shape) != (cout,):
        raise ShapeError(f"{op}: bias must have shape ({cout},), got {tuple(b.shape)}")
    unbatched = x.ndim == spatial + 1
    return (reshape(x, (1,) + tuple(x.shape)) if unbatched else x), unbatched


def _conv_out_size(op, sizes, kernel, stride, padding, dilation):
    """O = (size + before + after - (d*(k-1) + 1)) // s + 1 per spatial dimension."""
    spans = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    padded = tuple(n + b + a for n, (b, a) in zip(sizes, padding))
    if any(p < s for p, s in zip(padded, spans)):
        raise ShapeError(f"{op}: the input's spatial size {tuple(sizes)} (padded: {padded}) is smaller than "
                         f"the kernel {tuple(kernel)} (with dilation: {spans})")
    return tuple((p - span) // s + 1 for p, span, s in zip(padded, spans, stride))
