"""Write a tensor into a copy of another, at a view or at positions: select_scatter,
slice_scatter, diagonal_scatter, put, index_reduce; and PyTorch's other names for shape ops
(select, ravel, split_with_sizes, sum_to_size, narrow_copy; the unsafe splits are in tensor_forms.py).

All are compositions: the *_scatter ops and put are an ``index_put`` (the out-of-place
``x[idx] = src``, whose gradient sends g[idx] to src and g with idx zeroed to x), and
index_reduce is a ``scatter_reduce`` with the index spread along its dimension.
"""

from ..errors import ShapeError
from ..tensor import Tensor
from .indexing import index_put
from .scatter import scatter_reduce
from .shape import normalize_dim, split, sum_to


def _leading(dim, ndim, op):
    return (slice(None),) * normalize_dim(dim, ndim, op)


def select(input, dim, index):
    """input[..., index, ...] with ``index`` on dimension ``dim`` (a view, one dimension fewer)."""
    return input[_leading(dim, input.ndim, "select") + (index,)]


def select_scatter(input, src, dim, index):
    """A copy of input with the slice select(input, dim, index) replaced by src."""
    return index_put(input, _leading(dim, input.ndim, "select_scatter") + (index,), src)


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """A copy of input with input[..., start:end:step, ...] (on ``dim``) replaced by src."""
    return index_put(input, _leading(dim, input.ndim, "slice_scatter") + (slice(start, end, step),), src)


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """A copy of input with its diagonal (as ``diagonal(input, offset, dim1, dim2)`` reads it) replaced by src.

    The two dims are moved last, so that the diagonal's positions are one pair of index
    arrays at the end, laid out exactly as src is (the other dims, then the diagonal).
    """
    d1, d2 = normalize_dim(dim1, input.ndim, "diagonal_scatter"), normalize_dim(dim2, input.ndim, "diagonal_scatter")
    moved = input.movedim((d1, d2), (-2, -1))
    n1, n2 = moved.shape[-2], moved.shape[-1]
    s1, s2 = (0, offset) if offset >= 0 else (-offset, 0)
    length = max(0, min(n1 - s1, n2 - s2))
    if tuple(src.shape) != tuple(moved.shape[:-2]) + (length,):
        raise ShapeError(f"diagonal_scatter: src of shape {tuple(src.shape)} does not fit the diagonal of shape "
                         f"{tuple(moved.shape[:-2]) + (length,)}")
    xp = input.xp
    rows, cols = xp.arange(length) + s1, xp.arange(length) + s2
    out = index_put(moved, (Ellipsis, Tensor._make(rows), Tensor._make(cols)), src)
    return out.movedim((-2, -1), (d1, d2))


def put(input, index, source, accumulate=False):
    """A copy of input with input.flatten()[index] = source (+= with ``accumulate``)."""
    flat = index_put(input.reshape(-1), (index.reshape(-1),), source.reshape(-1), accumulate=accumulate)
    return flat.reshape(input.shape)


def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    """out[..., index[i], ...] = reduce of source[..., i, ...] (and input's own value with include_self).

    ``reduce`` is 'prod', 'mean', 'amax' or 'amin'. The 1-D index is spread over source's
    shape along ``dim`` and handed to scatter_reduce.
    """
    d = normalize_dim(dim, input.ndim, "index_reduce")
    if source.ndim != input.ndim:  # source needs dim d (PyTorch's check)
        raise ShapeError(f"index_reduce: indexing dim {d} is out of bounds of the source tensor of shape "
                         f"{tuple(source.shape)} (input of shape {tuple(input.shape)})")
    if input.ndim == 0:  # 0-d input and source: as one-element vectors (PyTorch accepts them)
        return index_reduce(input.reshape(1), 0, index.reshape(-1), source.reshape(1), reduce,
                            include_self=include_self).reshape(())
    if index.ndim != 1 or index.shape[0] != source.shape[d]:
        raise ShapeError(f"index_reduce: index of shape {tuple(index.shape)} must be 1-D with one entry per "
                         f"slice of source along dim {d} ({source.shape[d]})")
    shape = [1] * source.ndim
    shape[d] = -1
    spread = index.reshape(*shape).expand(*source.shape)
    return scatter_reduce(input, d, spread, source, reduce, include_self=include_self)


def split_with_sizes(input, split_sizes, dim=0):
    return split(input, list(split_sizes), dim)


TENSOR_METHODS = {
    "select": select, "select_scatter": select_scatter, "slice_scatter": slice_scatter,
    "diagonal_scatter": diagonal_scatter, "put": put, "index_reduce": index_reduce,
    "put_": lambda self, index, source, accumulate=False: self._write(put(self, index, source, accumulate), "put_"),
    "index_reduce_": lambda self, dim, index, source, reduce, *, include_self=True: self._write(
        index_reduce(self, dim, index, source, reduce, include_self=include_self), "index_reduce_"),
    "ravel": lambda self: self.reshape(-1), "split_with_sizes": split_with_sizes,
    "sum_to_size": lambda self, *size: sum_to(self, *size),
    "narrow_copy": lambda self, dim, start, length: self.narrow(dim, start, length).clone(),
}
