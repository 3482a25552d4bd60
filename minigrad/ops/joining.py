"""Cutting tensors apart and putting them together: unbind, tensor_split, hsplit/vsplit/dsplit,
atleast_1d/2d/3d, hstack/vstack/dstack/column_stack/row_stack, broadcast_tensors,
broadcast_shapes, meshgrid, cartesian_prod, combinations, block_diag.

All compositions of reshape, getitem, broadcast_to, cat and pad: their gradients come with
them (a piece's gradient lands back where the piece was; a broadcast copy's gradients add up).
The pieces of unbind, tensor_split and the *split functions are views of the input.
"""

import numpy as np

from ..errors import ArgumentRuntimeError, DTypeRuntimeError, ShapeError
from ..tensor import Tensor
from .indexing import getitem
from .padding import pad
from .shape import _tensor_list, broadcast_to, cat, normalize_dim, reshape, split, squeeze, stack


def _tensors(tensors, op):
    """f(a, b) and f([a, b]) alike."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    return _tensor_list(list(tensors), op)


# ---- cutting apart -----------------------------------------------------------------------------------
def unbind(input, dim=0):
    """The slices of input along ``dim``, each without that dim: a tuple of views."""
    if input.ndim == 0:
        raise ShapeError("unbind: cannot unbind a 0-d tensor")
    d = normalize_dim(dim, input.ndim, "unbind")
    if input.shape[d] == 0:
        return ()
    return tuple(squeeze(p, d) for p in split(input, 1, d))


def tensor_split(input, indices_or_sections, dim=0):
    """Cut input along ``dim``: into ``sections`` pieces as equal as possible (the first
    n % sections ones one longer), or at the places in the list ``indices`` (pieces
    x[:i0], x[i0:i1], ..., x[ik:]; places past the end give empty pieces). Views."""
    if input.ndim == 0:
        raise ShapeError("tensor_split: cannot split a 0-d tensor")
    d = normalize_dim(dim, input.ndim, "tensor_split")
    n = input.shape[d]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        ios = int(ios.item()) if ios.ndim == 0 else [int(i) for i in ios.tolist()]
    if isinstance(ios, (int, np.integer)):
        k = int(ios)
        if k <= 0:
            raise ArgumentRuntimeError(f"tensor_split: the number of sections must be positive, got {k}")
        sizes = [n // k + 1] * (n % k) + [n // k] * (k - n % k)
        bounds = np.concatenate([[0], np.cumsum(sizes)]).tolist()
    else:
        bounds = [0] + [int(i) for i in ios] + [n]
    pieces = []
    # a negative place counts from the end, as a Python slice bound (PyTorch's rule)
    bounds = [min(max(i + n if i < 0 else i, 0), n) for i in bounds]
    for a, b in zip(bounds[:-1], bounds[1:]):  # a loop over pieces: each is a view
        pieces.append(getitem(input, (slice(None),) * d + (slice(a, max(a, b)),)))
    return tuple(pieces)


def _split_along(input, ios, dim, op, min_dims):
    if input.ndim < min_dims:
        raise ShapeError(f"{op}: needs a tensor with at least {min_dims} dimensions, got shape {tuple(input.shape)}")
    if isinstance(ios, (int, np.integer)) and (int(ios) <= 0 or input.shape[dim] % int(ios)):
        raise ShapeError(f"{op}: cannot split dimension {dim} of size {input.shape[dim]} into {ios} equal parts")
    return tensor_split(input, ios, dim)


def hsplit(input, indices_or_sections):
    """tensor_split along dim 1 (dim 0 for a 1-d tensor); sections must divide it evenly."""
    return _split_along(input, indices_or_sections, 1 if input.ndim > 1 else 0, "hsplit", 1)


def vsplit(input, indices_or_sections):
    """tensor_split along dim 0 of a tensor with at least 2 dims; sections must divide it evenly."""
    return _split_along(input, indices_or_sections, 0, "vsplit", 2)


def dsplit(input, indices_or_sections):
    """tensor_split along dim 2 of a tensor with at least 3 dims; sections must divide it evenly."""
    return _split_along(input, indices_or_sections, 2, "dsplit", 3)


# ---- at least n dims, and the stacks built on them ----------------------------------------------------------
def _atleast(tensors, n, op):
    single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    items = _tensors(tensors, op)
    out = []
    for t in items:
        if t.ndim >= n:
            out.append(t)
        elif n == 3 and t.ndim == 2:
            out.append(reshape(t, t.shape + (1,)))  # (m, n) -> (m, n, 1)
        elif n == 3 and t.ndim == 1:
            out.append(reshape(t, (1,) + t.shape + (1,)))  # (n,) -> (1, n, 1)
        else:
            out.append(reshape(t, (1,) * (n - t.ndim) + t.shape))
    return out[0] if single else tuple(out)


def atleast_1d(*tensors):
    """Each tensor with at least 1 dim (0-d -> shape (1,)); one tensor in, one out."""
    return _atleast(tensors, 1, "atleast_1d")


def atleast_2d(*tensors):
    """Each tensor with at least 2 dims: () -> (1, 1), (n,) -> (1, n)."""
    return _atleast(tensors, 2, "atleast_2d")


def atleast_3d(*tensors):
    """Each tensor with at least 3 dims: () -> (1, 1, 1), (n,) -> (1, n, 1), (m, n) -> (m, n, 1)."""
    return _atleast(tensors, 3, "atleast_3d")


def hstack(tensors):
    """Join horizontally: along dim 1, or dim 0 when the tensors are 1-d."""
    ts = list(_atleast(tuple(_tensor_list(tensors, "hstack")), 1, "hstack"))
    return cat(ts, 0 if ts[0].ndim == 1 else 1)


def vstack(tensors):
    """Join vertically: 1-d tensors become rows, then cat along dim 0."""
    return cat(list(_atleast(tuple(_tensor_list(tensors, "vstack")), 2, "vstack")), 0)


row_stack = vstack


def dstack(tensors):
    """Join in depth: along dim 2 of each tensor made at least 3-d."""
    return cat(list(_atleast(tuple(_tensor_list(tensors, "dstack")), 3, "dstack")), 2)


def column_stack(tensors):
    """Join as columns: 0-d and 1-d tensors become columns (n, 1), then cat along dim 1."""
    ts = [reshape(t, (t.numel(), 1)) if t.ndim <= 1 else t for t in _tensor_list(tensors, "column_stack")]
    return cat(ts, 1)


# ---- broadcasting and grids -------------------------------------------------------------------------
def broadcast_shapes(*shapes):
    """The shape that tensors of these shapes broadcast to (a tuple)."""
    shapes = [(s,) if isinstance(s, (int, np.integer)) else tuple(s) for s in shapes]
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        raise ShapeError(f"broadcast_shapes: shapes {', '.join(map(str, shapes))} cannot be broadcast "
                         "together") from None


def broadcast_tensors(*tensors):
    """The tensors broadcast to their common shape (views; gradients sum back)."""
    items = _tensors(tensors, "broadcast_tensors")
    shape = broadcast_shapes(*[t.shape for t in items])
    return tuple(broadcast_to(t, shape) for t in items)


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-d tensors of lengths n1, n2, ...: grid k holds tensor k's values
    along its own dim, copied along the others. ``indexing='ij'`` (the default, as in PyTorch)
    gives shape (n1, n2, ...); ``'xy'`` swaps the first two dims (n2, n1, ...)."""
    items = _tensors(tensors, "meshgrid")
    indexing = "ij" if indexing is None else indexing
    if indexing not in ("ij", "xy"):
        raise ArgumentRuntimeError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    for t in items:
        if t.ndim > 1:
            raise ShapeError(f"meshgrid: expects 0-d or 1-d tensors, got shape {tuple(t.shape)}")
    if len({t.dtype for t in items}) > 1:  # PyTorch does not promote here (a RuntimeError)
        raise DTypeRuntimeError(f"meshgrid: expects all tensors to have the same dtype, got "
                                f"{', '.join(str(t.dtype) for t in items)}")
    axes = list(range(len(items)))
    if indexing == "xy" and len(items) >= 2:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(items)
    for t, a in zip(items, axes):
        shape[a] = t.numel()
    grids = []
    for t, a in zip(items, axes):
        view = [1] * len(items)
        view[a] = t.numel()
        grids.append(broadcast_to(reshape(t, tuple(view)), tuple(shape)))
    return tuple(grids)


def cartesian_prod(*tensors):
    """Every combination of one entry from each 1-d tensor, as rows (like itertools.product):
    shape (n1 * n2 * ..., k); one tensor in, itself out."""
    items = _tensors(tensors, "cartesian_prod")
    for t in items:
        if t.ndim != 1:
            raise ShapeError(f"cartesian_prod: expects 1-d tensors, got shape {tuple(t.shape)}")
    if len(items) == 1:
        return items[0]
    return stack([reshape(g, (-1,)) for g in meshgrid(*items, indexing="ij")], 1)


def _combination_index(n, r, with_replacement):
    """All increasing (non-decreasing with replacement) r-tuples of range(n), in lexicographic
    order, as an (count, r) array. Built one column at a time (a loop over r, not over the
    tuples): each row with last entry l grows into the rows ending in l + 1 .. n - 1 (l .. n - 1)."""
    rows = np.arange(n, dtype=np.int64).reshape(-1, 1)
    for _ in range(r - 1):
        last = rows[:, -1]
        first = last if with_replacement else last + 1
        grow = np.maximum(n - first, 0)
        parent = np.repeat(np.arange(rows.shape[0]), grow)
        starts = np.cumsum(grow) - grow
        nxt = first[parent] + np.arange(parent.size) - starts[parent]
        rows = np.concatenate([rows[parent], nxt.reshape(-1, 1)], axis=1)
    return rows


def combinations(input, r=2, with_replacement=False):
    """The r-element combinations of a 1-d tensor's entries (like itertools.combinations, or
    combinations_with_replacement), as rows of a (count, r) tensor; a getitem, so gradients
    of the copies add up."""
    from ..backend import to_device

    if input.ndim != 1:
        raise ShapeError(f"combinations: expects a 1-d tensor, got shape {tuple(input.shape)}")
    r = int(r)
    if r < 0:
        raise ArgumentRuntimeError(f"combinations: r must be non-negative, got {r}")
    if r == 0:
        return Tensor._make(input.xp.zeros((0,), dtype=input.dtype))
    index = _combination_index(input.shape[0], r, with_replacement)
    if index.shape[0] == 0:  # no combination: (0, r), as PyTorch
        return Tensor._make(input.xp.zeros((0, r), dtype=input.dtype))
    return getitem(input, (to_device(index, input.device),))


def block_diag(*tensors):
    """A block-diagonal matrix: each tensor (0-d, 1-d as a row, or 2-d) a block on the diagonal,
    zeros elsewhere. Each block is padded with zero columns to the full width, then the rows
    are joined (a loop over the blocks, not their entries)."""
    from ..dtypes import result_type
    from .elementwise import cast

    items = _tensors(tensors, "block_diag")
    # PyTorch's promotion of the blocks as given: a 0-d block does not widen a 2-d one's float dtype
    dt = result_type(*items) if items else None
    items = [t if t.dtype == dt else cast(t, dt) for t in items]
    blocks = []
    for t in items:
        if t.ndim > 2:
            raise ShapeError(f"block_diag: expects tensors with at most 2 dimensions, got shape {tuple(t.shape)}")
        blocks.append(reshape(t, (1, 1)) if t.ndim == 0 else reshape(t, (1, -1)) if t.ndim == 1 else t)
    width = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        rows.append(pad(b, (left, width - left - b.shape[1])))
        left += b.shape[1]
    return cat(rows, 0)


TENSOR_METHODS = {
    "unbind": unbind, "tensor_split": tensor_split, "hsplit": hsplit, "vsplit": vsplit, "dsplit": dsplit,
}
