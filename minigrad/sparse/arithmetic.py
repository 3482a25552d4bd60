"""Arithmetic and transposes of sparse COO tensors, each an op on the values (so autograd
differentiates it through the dense ops it uses):

    s * c, s / c, -s      c a number or 0-d tensor: values scaled, same entries
    s * d, d * s          d dense of s's shape: values * d[places], same entries
    s1 * s2               the product at the places both specify (sorted-key intersection)
    s1 + s2, s1 - s2      the entries of both, one after the other; two coalesced tensors give
                          a coalesced sum
    d + s, d - s          dense: d + s.to_dense() (PyTorch's add(dense, sparse))
    s + d                 refused, as in PyTorch ("use add(dense, sparse)")
    transpose(s, i, j)    two sparse dims swapped: the coordinate rows swapped, values unchanged

Shapes must be equal: as in PyTorch, nothing broadcasts between a sparse and another tensor.
"""

import numbers

from ..errors import NotSupported, ShapeError
from ..ops.indexing import GetItem
from ..ops.shape import cat, normalize_dim
from ..tensor import Tensor
from .coo_tensor import SparseCooTensor, place_keys, share_values


def _with_values(s, values):
    """s's entries holding new values (made by an op, so a Tensor of their own)."""
    return SparseCooTensor._from_parts(s._coo_indices, values, s._coo_size, s._coo_coalesced)


def _same_size(op, a, b):
    if tuple(a.shape) != tuple(b.shape):
        raise ShapeError(f"{op}: expected sizes to match (no broadcasting with sparse tensors), got "
                         f"{tuple(a.shape)} and {tuple(b.shape)}")


def neg(input):
    return _with_values(input, -input._coo_values)


def mul(input, other):
    """s * other: a number or 0-d tensor scales the values; a dense tensor of s's shape is read
    at s's places; a sparse one meets s at the places both specify."""
    if isinstance(other, SparseCooTensor):
        return _mul_sparse(input, other)
    if isinstance(other, Tensor) and other.ndim > 0:
        _same_size("mul", input, other)
        other = GetItem.apply(other, index=tuple(input._coo_indices.array))  # (nnz, *dense sizes)
    elif not isinstance(other, (Tensor, numbers.Number)):
        raise NotSupported(f"mul: a sparse tensor times {type(other).__name__} is not supported")
    return _with_values(input, input._coo_values * other)


def _mul_sparse(a, b):
    """The places both a and b specify, holding a's value times b's. Coalesced, both lists of
    place keys are sorted, so searchsorted finds each of a's places among b's in one call."""
    _same_size("mul", a, b)
    if a.sparse_dim() != b.sparse_dim():
        raise NotSupported(f"mul: sparse tensors of {a.sparse_dim()} and {b.sparse_dim()} sparse dims")
    a, b = a.coalesce(), b.coalesce()
    xp = a.xp
    keys_a = place_keys(a._coo_indices.array, a.shape)
    keys_b = place_keys(b._coo_indices.array, b.shape)
    at = xp.clip(xp.searchsorted(keys_b, keys_a), 0, max(keys_b.size - 1, 0))
    hit = (keys_b[at] == keys_a) if keys_b.size else xp.zeros(keys_a.shape, dtype=bool)
    in_a = xp.nonzero(hit)[0]
    in_b = at[in_a]
    values = GetItem.apply(a._coo_values, index=(in_a,)) * GetItem.apply(b._coo_values, index=(in_b,))
    indices = Tensor._make(a._coo_indices.array[:, in_a])
    return SparseCooTensor._from_parts(indices, values, a.shape, True)


def div(input, other):
    """s / c for a number or 0-d tensor c (dividing by a tensor's zeros would not stay sparse)."""
    if isinstance(other, Tensor) and (other.ndim > 0 or other.is_sparse):
        raise NotSupported("div: a sparse tensor can be divided by a number or a 0-d tensor only")
    if not isinstance(other, (Tensor, numbers.Number)):
        raise NotSupported(f"div: a sparse tensor divided by {type(other).__name__} is not supported")
    return _with_values(input, input._coo_values / other)


def rdiv(input, other):
    raise NotSupported("div: dividing by a sparse tensor is not supported (its zeros would give inf)")


def add(input, other, *, alpha=1):
    """s1 + alpha * s2 for two sparse tensors of one size: the entries of both."""
    if not isinstance(other, SparseCooTensor):
        raise NotSupported("add(sparse, dense) is not supported. Use add(dense, sparse) instead.")
    _same_size("add", input, other)
    if input.sparse_dim() != other.sparse_dim():
        raise NotSupported(f"add: sparse tensors of {input.sparse_dim()} and {other.sparse_dim()} sparse dims")
    theirs = other._coo_values if alpha == 1 else other._coo_values * alpha
    values = cat([input._coo_values, theirs], 0)  # promotes to one dtype
    indices = Tensor._make(input.xp.concatenate([input._coo_indices.array, other._coo_indices.array], axis=1))
    result = SparseCooTensor._from_parts(indices, values, input.shape, False)
    return result.coalesce() if input._coo_coalesced and other._coo_coalesced else result


def sub(input, other, *, alpha=1):
    return add(input, other, alpha=-alpha)


def radd(input, other):
    """other + s for a dense ``other``: a dense tensor."""
    if not isinstance(other, Tensor):
        raise NotSupported(f"add: {type(other).__name__} + sparse tensor is not supported")
    _same_size("add", other, input)
    return other + input.to_dense()


def rsub(input, other):
    """other - s for a dense ``other``: a dense tensor."""
    if not isinstance(other, Tensor):
        raise NotSupported(f"sub: {type(other).__name__} - sparse tensor is not supported")
    _same_size("sub", other, input)
    return other - input.to_dense()


def transpose(input, dim0, dim1):
    """Two sparse dims swapped: swap their rows of coordinates (the values are unchanged)."""
    d0, d1 = normalize_dim(dim0, input.ndim, "transpose"), normalize_dim(dim1, input.ndim, "transpose")
    if d0 == d1:
        return input
    sparse_dim = input.sparse_dim()
    if d0 >= sparse_dim or d1 >= sparse_dim:
        raise NotSupported(f"transpose: only sparse dims can be transposed, got dims {dim0} and {dim1} of a tensor "
                           f"with {sparse_dim} sparse and {input.dense_dim()} dense dims")
    order = list(range(sparse_dim))
    order[d0], order[d1] = d1, d0
    size = list(input.shape)
    size[d0], size[d1] = size[d1], size[d0]
    indices = Tensor._make(input._coo_indices.array[order])
    return SparseCooTensor._from_parts(indices, share_values(input._coo_values), size, input._nnz() <= 1)


def t(input):
    """The transpose of a sparse matrix (a vector is its own)."""
    if input.ndim > 2 or input.dense_dim() > 0:
        raise NotSupported(f"t: expects a sparse tensor with <= 2 sparse and 0 dense dims, got {input.sparse_dim()} "
                           f"sparse and {input.dense_dim()} dense dims")
    return input if input.ndim < 2 else transpose(input, 0, 1)


SPARSE_METHODS = {
    "neg": neg, "__neg__": neg,
    "mul": mul, "__mul__": mul, "__rmul__": mul,
    "div": div, "__truediv__": div, "__rtruediv__": rdiv,
    "add": add, "__add__": add, "__radd__": radd,
    "sub": sub, "__sub__": sub, "__rsub__": rsub,
    "transpose": transpose, "t": t, "T": property(t),
}
