"""Sums and softmaxes of sparse COO tensors (torch.sparse.sum, softmax, log_softmax).

Both work on groups of entries. Summing over sparse dims drops those coordinates: the entries
that then share a place form a group and coalesce adds them up (a scatter-add). A softmax
along sparse dim d normalises each line: the entries that agree on every other sparse
coordinate. Unspecified elements are not zeros to a sparse softmax but absent (-inf, as in
PyTorch), so the result has the input's entries, and

    softmax(v)_e = exp(v_e - m) / sum over the line of e of exp(v_f - m),

with m the line's largest value (a constant: the softmax does not change when every value
of a line is shifted by one number, and exp cannot overflow). The line sums are a scatter-add
into one row per line, read back at each entry by a gather: both differentiable, so the
gradient is autograd's. Along a dense dim the softmax is the dense one, on the values.
"""

import numpy as np

from ..errors import ArgumentRuntimeError, NotSupported, UnsupportedDType
from ..ops import activation
from ..ops.elementwise import constant
from ..ops.indexing import GetItem, ScatterAdd
from ..ops.shape import normalize_dim
from ..tensor import Tensor
from .coo_tensor import SparseCooTensor, place_keys


def sum(input, dim=None, dtype=None):
    """torch.sparse.sum: the sum of all elements (a 0-d dense tensor), or over ``dim``: a sparse
    tensor while sparse dims remain, the dense sum of the values once every sparse dim is summed
    away."""
    return _sum(_need_sparse(input, "sparse.sum"), dim, False, dtype)


def tensor_sum(self, dim=None, keepdim=False, *, dtype=None):
    """``s.sum(dim, keepdim)``: torch.sparse.sum, with summed dims kept as size 1 on request."""
    return _sum(self, dim, keepdim, dtype)


def _need_sparse(input, op):
    if not getattr(input, "is_sparse", False):
        raise NotSupported(f"{op}: expects a sparse COO tensor, got {type(input).__name__}"
                           f"{' (a dense one)' if isinstance(input, Tensor) else ''}")
    return input


def _sum(input, dim, keepdim, dtype):
    values = input._coo_values if dtype is None else input._coo_values.to(dtype=dtype)
    if dim is None:
        return values.sum()
    dims = [normalize_dim(d, input.ndim, "sum") for d in ((dim,) if isinstance(dim, int) else dim)]
    if not dims:  # dim=(): every dim, as a dense tensor's sum takes it
        return values.sum()
    for d in dims:
        if dims.count(d) > 1:
            raise ArgumentRuntimeError(f"sum: dim {d} appears multiple times in the list of dims")
    sparse_dim = input.sparse_dim()
    summed = sorted(d for d in dims if d < sparse_dim)
    dense_axes = tuple(d - sparse_dim + 1 for d in dims if d >= sparse_dim)  # axes of the values
    if dense_axes:
        values = values.sum(dim=dense_axes, keepdim=keepdim)
    dense_size = [1 if d in dims else input.shape[d] for d in range(sparse_dim, input.ndim)
                  if d not in dims or keepdim]
    if not summed:
        return SparseCooTensor._from_parts(input._coo_indices, values, list(input.shape[:sparse_dim]) + dense_size,
                                           input._coo_coalesced)
    kept = [d for d in range(sparse_dim) if d not in summed]
    if not kept:  # no coordinates left: one dense sum over the entries
        total = values.sum(0)
        return total.reshape((1,) * sparse_dim + tuple(dense_size)) if keepdim else total
    if keepdim:  # the summed coordinates become 0, in a dim of size 1
        indices = input._coo_indices.array.copy()
        indices[summed] = 0
        sparse_size = [1 if d in summed else input.shape[d] for d in range(sparse_dim)]
    else:
        indices = input._coo_indices.array[kept]
        sparse_size = [input.shape[d] for d in kept]
    result = SparseCooTensor._from_parts(Tensor._make(indices), values, sparse_size + dense_size, False)
    return result.coalesce()


def softmax(input, dim, *, dtype=None):
    """The softmax along ``dim`` over the specified elements only (module docstring)."""
    return _softmax(input, dim, dtype, log=False, op="softmax")


def log_softmax(input, dim, *, dtype=None):
    """log(softmax) along ``dim`` over the specified elements: v - m - log(sum of exp(v - m))."""
    return _softmax(input, dim, dtype, log=True, op="log_softmax")


def _softmax(input, dim, dtype, log, op):
    s = _need_sparse(input, "sparse." + op).coalesce()
    values = s._coo_values if dtype is None else s._coo_values.to(dtype=dtype)
    if values.dtype.kind != "f":
        raise UnsupportedDType(f"{op}: needs a floating point sparse tensor, got dtype {values.dtype}")
    d = normalize_dim(dim, s.ndim, op)
    sparse_dim = s.sparse_dim()
    if d >= sparse_dim:  # a dense dim: the dense softmax of every entry's block
        fn = activation.log_softmax if log else activation.softmax
        out = fn(values, d - sparse_dim + 1)
    else:
        xp = s.xp
        coords = s._coo_indices.array
        others = [k for k in range(sparse_dim) if k != d]
        lines = place_keys(coords[others], [s.shape[k] for k in others])  # one key per line
        _, line = xp.unique(lines, return_inverse=True)
        line = line.reshape(-1)
        n_lines = int(line.max()) + 1 if line.size else 0
        shape = (n_lines,) + tuple(values.shape[1:])
        peak = xp.full(shape, -np.inf, dtype=values.dtype)
        xp.maximum.at(peak, line, values.array)  # each line's largest value
        shifted = values - constant(peak[line])
        exps = shifted.exp()
        totals = GetItem.apply(ScatterAdd.apply(exps, index=(line,), shape=shape), index=(line,))
        out = shifted - totals.log() if log else exps / totals
    return SparseCooTensor._from_parts(s._coo_indices, out, s.shape, True)


SPARSE_METHODS = {"sum": tensor_sum}
