"""Moving entries around: flip, fliplr, flipud, roll, rot90, movedim/moveaxis, swapaxes/swapdims,
narrow, tile, repeat_interleave.

Each output entry is one input entry, so each backward moves g back: Flip is its own adjoint,
Roll's adjoint rolls the other way, and the rest are compositions of permute, getitem and
repeat (their backward comes with them).

Notation: docs/notation.md.
"""

import numpy as np

from .. import backend
from ..autograd.function import Function
from ..backend import get_array_module as _xp  # NumPy or CuPy, whichever holds the arrays
from ..errors import ArgumentRuntimeError, IndexOutOfRange, ShapeError
from ..tensor import Tensor
from .indexing import getitem
from .shape import _dims, normalize_dim, permute, repeat, reshape, transpose


class Flip(Function):
    """z = x with the order of each dim in ``dims`` reversed: z[i] = x[n - 1 - i].

    Reversing is its own inverse, and a permutation's adjoint is its inverse: dL/dx = flip(g).
    A copy, as in PyTorch (NumPy's flip is a view with negative strides).
    """

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return _xp(x).flip(x, axis=dims).copy()

    @staticmethod
    def backward(ctx, g):
        return Flip.apply(g, dims=ctx.dims)


class Roll(Function):
    """z = x shifted cyclically by ``shifts`` along ``dims``: z[(i + s) % n] = x[i].

    The adjoint of a shift by s is the shift by -s: dL/dx = roll(g, -shifts).
    """

    complex_grad = True  # (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return _xp(x).roll(x, shifts, axis=dims)

    @staticmethod
    def backward(ctx, g):
        return Roll.apply(g, shifts=tuple(-s for s in ctx.shifts), dims=ctx.dims)


def _dim_list(dims, ndim, op):
    dims = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    out = tuple(normalize_dim(int(d), ndim, op) for d in dims)
    if len(set(out)) != len(out):
        raise ArgumentRuntimeError(f"{op}: dims {dims} name a dimension twice")
    return out


def flip(input, *args, dims=None):
    """Reverse the order of entries along each dim in ``dims``: flip(x, (0, 1)), x.flip(0, 1)
    or flip(x, dims=(0, 1))."""
    if dims is None:
        if not args:
            raise TypeError("flip: missing the dims to flip")
        dims = _dims(args)
    if input.ndim == 0:
        _dim_list(dims, 0, "flip")
        return input.clone()
    d = _dim_list(dims, input.ndim, "flip")
    return Flip.apply(input, dims=d) if d else input.clone()


def fliplr(input):
    """Flip left-right: reverse dim 1 (needs at least 2 dims)."""
    if input.ndim < 2:
        raise ShapeError(f"fliplr: needs at least 2 dimensions, got shape {tuple(input.shape)}")
    return flip(input, (1,))


def flipud(input):
    """Flip up-down: reverse dim 0 (needs at least 1 dim)."""
    if input.ndim < 1:
        raise ShapeError("flipud: needs at least 1 dimension, got a 0-d tensor")
    return flip(input, (0,))


def roll(input, shifts, dims=None):
    """Shift entries cyclically: ``shifts`` places along each dim of ``dims`` (entries pushed
    off the end come back at the start). Without ``dims`` the flattened tensor is rolled."""
    shifts = (shifts,) if isinstance(shifts, (int, np.integer)) else tuple(int(s) for s in shifts)
    if dims is None:
        if len(shifts) != 1:
            raise ArgumentRuntimeError(f"roll: without dims, shifts must be one number, got {shifts}")
        flat = reshape(input, (-1,))
        return reshape(Roll.apply(flat, shifts=shifts, dims=(0,)), input.shape)
    dims = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    if len(dims) != len(shifts):
        raise ArgumentRuntimeError(f"roll: shifts {shifts} and dims {dims} must have the same length")
    if input.ndim == 0:  # PyTorch gives a 0-d tensor no dim to roll along (IndexError)
        raise IndexOutOfRange(f"roll: dims {dims} out of range for a 0-d tensor (it has no dimensions)")
    d = tuple(normalize_dim(int(k), input.ndim, "roll") for k in dims)
    return Roll.apply(input, shifts=shifts, dims=d)


def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees k times in the plane of ``dims``, from the first towards the second.

    One turn is a flip of dims[1] followed by swapping the two dims; two turns flip both; three
    turns flip dims[0] and swap (PyTorch's construction).
    """
    dims = tuple(dims)
    if len(dims) != 2:
        raise ArgumentRuntimeError(f"rot90: dims must name 2 dimensions, got {dims}")
    if input.ndim < 2:
        raise ShapeError(f"rot90: needs at least 2 dimensions, got shape {tuple(input.shape)}")
    d0, d1 = normalize_dim(dims[0], input.ndim, "rot90"), normalize_dim(dims[1], input.ndim, "rot90")
    if d0 == d1:
        raise ArgumentRuntimeError(f"rot90: the rotation dims must differ, got {dims}")
    k = int(k) % 4
    if k == 1:
        return transpose(flip(input, (d1,)), d0, d1)
    if k == 2:
        return flip(input, (d0, d1))
    if k == 3:
        return transpose(flip(input, (d0,)), d0, d1)
    return input.clone()


def movedim(input, source, destination):
    """Move dims ``source`` to places ``destination`` (ints or sequences); the others keep
    their order. A permute, so a view."""
    src = (source,) if isinstance(source, (int, np.integer)) else tuple(source)
    dst = (destination,) if isinstance(destination, (int, np.integer)) else tuple(destination)
    if len(src) != len(dst):
        raise ArgumentRuntimeError(f"movedim: source {src} and destination {dst} must have the same length")
    nd = input.ndim
    s = [normalize_dim(int(d), nd, "movedim") for d in src]
    t = [normalize_dim(int(d), nd, "movedim") for d in dst]
    if len(set(s)) != len(s) or len(set(t)) != len(t):
        raise ArgumentRuntimeError(f"movedim: repeated dim in source {src} or destination {dst}")
    rest = iter([d for d in range(nd) if d not in s])
    placed = dict(zip(t, s))
    perm = [placed[i] if i in placed else next(rest) for i in range(nd)]
    return permute(input, perm) if nd else input


moveaxis = movedim


def swapaxes(input, axis0, axis1):
    """Swap two dims (transpose); a view."""
    return transpose(input, axis0, axis1)


def swapdims(input, dim0, dim1):
    """Swap two dims (transpose); a view."""
    return transpose(input, dim0, dim1)


def narrow(input, dim, start, length):
    """input[..., start:start + length, ...] along ``dim``: a view. ``start`` may be negative."""
    if input.ndim == 0:
        raise ShapeError("narrow: cannot narrow a 0-d tensor")
    d = normalize_dim(dim, input.ndim, "narrow")
    n = input.shape[d]
    start = int(start.item() if isinstance(start, Tensor) else start)
    length = int(length)
    if not -n <= start <= n:
        from ..errors import IndexOutOfRange

        raise IndexOutOfRange(f"narrow: start {start} is out of range for dimension {d} with size {n}")
    start = start + n if start < 0 else start
    if length < 0 or start + length > n:
        raise ShapeError(f"narrow: start ({start}) + length ({length}) exceeds the size ({n}) of dimension {d}")
    return getitem(input, (slice(None),) * d + (slice(start, start + length),))


def tile(input, *args, dims=None):
    """Repeat input dims[k] times along dim k: tile(x, (2, 3)) or x.tile(2, 3). With fewer
    dims than input has, the leading ones are 1 (unlike ``repeat``, which needs them all)."""
    dims = _dims(args) if dims is None else tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    dims = (1,) * (input.ndim - len(dims)) + tuple(int(r) for r in dims)
    return repeat(input, dims)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each entry (each slice along ``dim``) ``repeats`` times, in place:
    [a, b] with repeats 2 -> [a, a, b, b]; ``repeats`` may be a tensor with one count per entry.
    Without ``dim`` the flattened input is used. ``repeat_interleave(counts)`` alone repeats
    0, 1, 2, ... counts[i] times (PyTorch's form). A getitem with the index
    [0] * r0 + [1] * r1 + ..., so dL/dx sums the gradients of the copies.
    """
    if repeats is None:  # repeat_interleave(repeats_tensor)
        counts = input
        ar = Tensor._make(counts.xp.arange(counts.numel()))
        return repeat_interleave(ar, counts, 0)
    x = reshape(input, (-1,)) if dim is None else input
    if x.ndim == 0:
        x = reshape(x, (1,))
    d = 0 if dim is None else normalize_dim(dim, x.ndim, "repeat_interleave")
    n = x.shape[d]
    xp = x.xp
    r = repeats.array if isinstance(repeats, Tensor) else backend.as_array(repeats)
    if r.dtype.kind not in "iu":
        raise ArgumentRuntimeError(f"repeat_interleave: repeats must be integers, got dtype {r.dtype}")
    r = r.reshape(-1) if r.ndim else r
    if r.ndim == 1 and r.size not in (1, n):
        raise ShapeError(f"repeat_interleave: repeats must have one count per entry along dim {d}: got "
                         f"{r.size} counts for size {n}")
    if r.size and int(r.min()) < 0:
        raise ArgumentRuntimeError("repeat_interleave: repeats cannot be negative")
    from ..backend import to_device

    counts = to_device(r, x.device).astype(np.int64)
    counts = xp.broadcast_to(counts.reshape(-1), (n,)) if counts.size == 1 else counts
    # entry i fills places [end_{i-1}, end_i): place p belongs to the first i with end_i > p
    index = xp.searchsorted(xp.cumsum(counts), xp.arange(int(counts.sum())), side="right")
    if output_size is not None and int(output_size) != index.size:
        raise ShapeError(f"repeat_interleave: output_size {output_size} differs from the {index.size} "
                         "entries the repeats give")
    return getitem(x, (slice(None),) * d + (index,))


TENSOR_METHODS = {
    "flip": flip, "fliplr": fliplr, "flipud": flipud, "roll": roll, "rot90": rot90,
    "movedim": movedim, "moveaxis": moveaxis, "swapaxes": swapaxes, "swapdims": swapdims,
    "narrow": narrow, "tile": tile, "repeat_interleave": repeat_interleave,
}
