"""Picking elements: index_select, take, take_along_dim, masked_select, and the index finders
nonzero and argwhere.

The pickers are compositions of ``getitem`` (a GetItem): each output element is one input
element, so dL/dx is g scatter-added back to where each element came from (an element picked
twice gets both gradients). nonzero and argwhere return int64 positions: not differentiable.
"""

from .. import backend
from ..errors import IndexOutOfRange, IndexRuntimeError, ShapeError, UnsupportedDType
from ..tensor import Tensor
from .indexing import gather, getitem
from .scatter import index_array, slice_positions
from .shape import broadcast_to, normalize_dim, reshape


def index_select(input, dim, index):
    """The slices of ``input`` along ``dim`` at the places in the 1-d ``index``:
    out[:, j] = input[:, index[j]] (for dim=1). Negative indices are an error, as in PyTorch."""
    d, pos = slice_positions(input, dim, index, "index_select", error=IndexRuntimeError)  # RuntimeError, as in PyTorch
    if input.ndim == 0:
        return getitem(reshape(input, (1,)), pos)
    return getitem(input, pos)


def take(input, index):
    """input viewed as 1-d, picked at ``index``: out has index's shape, out[j] = input.flatten()[index[j]].
    Negative indices count from the end."""
    idx = index_array(index, input, "take")
    n = input.numel()
    if idx.size and backend.is_host(idx) and (int(idx.min()) < -n or int(idx.max()) >= n):  # CPU only
        bad = int(idx.max()) if int(idx.max()) >= n else int(idx.min())
        raise IndexOutOfRange(f"take: index {bad} is out of range for a tensor of {n} elements "
                              f"(shape {tuple(input.shape)})")
    return getitem(reshape(input, (-1,)), (idx,))


def take_along_dim(input, indices, dim=None):
    """gather with broadcasting: input and indices broadcast together except along ``dim``, then
    out = gather(input, dim, indices). Without ``dim`` both are flattened (take on the flat input).
    Negative indices count from the end."""
    idx = index_array(indices, input, "take_along_dim")
    if dim is None:
        return take(input, idx.reshape(-1))
    if idx.ndim != input.ndim:
        raise ShapeError(f"take_along_dim: input and indices must have the same number of dimensions, got "
                         f"shapes {tuple(input.shape)} and {tuple(idx.shape)}")
    d = normalize_dim(dim, input.ndim, "take_along_dim")
    xs, ix = list(input.shape), list(idx.shape)
    xs[d] = ix[d] = 1
    try:
        import numpy as np

        common = list(np.broadcast_shapes(tuple(xs), tuple(ix)))
    except ValueError:
        raise ShapeError(f"take_along_dim: shapes {tuple(input.shape)} and {tuple(idx.shape)} do not broadcast "
                         f"outside dimension {d}") from None
    x_shape, i_shape = list(common), list(common)
    x_shape[d], i_shape[d] = input.shape[d], idx.shape[d]
    x = broadcast_to(input, tuple(x_shape))
    idx = input.xp.broadcast_to(idx, tuple(i_shape))
    return gather(x, d, Tensor._make(idx))


def masked_select(input, mask):
    """The elements of ``input`` where ``mask`` is True, as a 1-d tensor (row-major order);
    input and mask broadcast together."""
    from .elementwise import check_broadcast

    m = mask.array if isinstance(mask, Tensor) else input.xp.asarray(mask)
    if m.dtype.kind != "b":
        raise UnsupportedDType(f"masked_select: the mask must be a bool tensor, got dtype {m.dtype}")
    shape = check_broadcast("masked_select", input.shape, m.shape)
    x = broadcast_to(input, shape) if tuple(input.shape) != tuple(shape) else input
    m = input.xp.broadcast_to(m, shape)
    if x.ndim == 0:
        x, m = reshape(x, (1,)), m.reshape(1)
    return getitem(x, m)


def nonzero(input, *, as_tuple=False):
    """Where input is nonzero: an int64 tensor of shape (count, ndim), one row per element
    (row-major order); with ``as_tuple=True`` one 1-d int64 tensor per dimension instead
    (what ``x[...]`` takes). Not differentiable."""
    xp = input.xp
    a = input.array
    if as_tuple:
        return tuple(Tensor._make(i.astype("int64")) for i in xp.nonzero(a.reshape(1) if a.ndim == 0 else a))
    if a.ndim == 0:
        return Tensor._make(xp.zeros((int(a != 0), 0), dtype="int64"))
    return Tensor._make(xp.stack(xp.nonzero(a), axis=-1).astype("int64").reshape(-1, a.ndim))


def argwhere(input):
    """nonzero(input): the (count, ndim) int64 positions of the nonzero elements."""
    return nonzero(input)


TENSOR_METHODS = {
    "index_select": index_select, "take": take, "take_along_dim": take_along_dim,
    "masked_select": masked_select, "nonzero": nonzero, "argwhere": argwhere,
}
