"""Triangles and diagonals of matrices: tril, triu, diag, diag_embed, diagflat.

All compositions: tril/triu keep x where a constant mask is True (``where``: dL/dx is g on
the kept triangle, 0 elsewhere); diag_embed writes a vector on a diagonal of zeros
(DiagonalScatter, whose adjoint is Diagonal); diag and diagflat are diag_embed or diagonal.

``diagonal`` (k) counts as in PyTorch: 0 is the main diagonal, k > 0 the
k-th above it, k < 0 below it. Entry (i, j) is on diagonal j - i.
"""

from ..errors import ShapeError
from .elementwise import clone, constant, where
from .shape import normalize_dim, reshape
from . import strided
from .strided import DiagonalScatter


def _triangle(input, diagonal, lower, op):
    if input.ndim < 2:
        raise ShapeError(f"{op}: needs at least 2 dimensions, got shape {tuple(input.shape)}")
    xp = input.xp
    n, m = input.shape[-2:]
    keep = xp.tri(n, m, int(diagonal), dtype=bool)  # j - i <= k
    if not lower:
        keep = ~xp.tri(n, m, int(diagonal) - 1, dtype=bool)  # j - i >= k
    return where(constant(keep), input, constant(xp.zeros((), dtype=input.dtype)))


def tril(input, diagonal=0):
    """The lower triangle of the last two dims: x[..., i, j] where j - i <= diagonal, else 0."""
    return _triangle(input, diagonal, True, "tril")


def triu(input, diagonal=0):
    """The upper triangle of the last two dims: x[..., i, j] where j - i >= diagonal, else 0."""
    return _triangle(input, diagonal, False, "triu")


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """A tensor whose (dim1, dim2) diagonals hold the last dim of input (zeros elsewhere):
    out[..., i, i + offset] = input[..., i]. Each output matrix is (n + |offset|) square."""
    nd = input.ndim + 1
    d1, d2 = normalize_dim(dim1, nd, "diag_embed"), normalize_dim(dim2, nd, "diag_embed")
    if d1 == d2:
        raise ShapeError(f"diag_embed: dim1 and dim2 cannot be the same dimension ({dim1}, {dim2})")
    x = reshape(input, (1,)) if input.ndim == 0 else input
    n = x.shape[-1] + abs(int(offset))
    batch = list(x.shape[:-1])
    shape = []
    for k in range(nd):
        shape.append(n if k in (d1, d2) else batch.pop(0))
    return DiagonalScatter.apply(x, shape=tuple(shape), offset=int(offset), dim1=d1, dim2=d2)


def diag(input, diagonal=0):
    """1-d input: the square matrix with input on its ``diagonal``-th diagonal.
    2-d input: its ``diagonal``-th diagonal as a new 1-d tensor (a copy, as in PyTorch)."""
    if input.ndim == 1:
        return diag_embed(input, diagonal)
    if input.ndim == 2:
        return clone(strided.diagonal(input, diagonal))  # the argument hides the function's name
    raise ShapeError(f"diag: supports 1-d and 2-d tensors, got shape {tuple(input.shape)}")


def diagflat(input, offset=0):
    """The square matrix with the flattened input on its ``offset``-th diagonal."""
    return diag_embed(reshape(input, (-1,)), offset)


TENSOR_METHODS = {"tril": tril, "triu": triu, "diag": diag, "diag_embed": diag_embed, "diagflat": diagflat}
