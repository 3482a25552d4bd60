"""Products along one axis: the cross product and vecdot; and the diagonal of a batch of matrices."""

from ..errors import ShapeError, UnsupportedDType
from ..ops.einsum import einsum
from ..ops.elementwise import check_broadcast, constant, pair
from ..ops.indexing import getitem
from ..ops.reduction import sum
from ..ops.shape import normalize_dim, permute, transpose


def _levi_civita(xp, dtype):
    """eps[i, j, k]: +1 for an even permutation of (0, 1, 2), -1 for an odd one, 0 otherwise."""
    eps = xp.zeros((3, 3, 3), dtype=dtype)
    for (i, j, k) in ((0, 1, 2), (1, 2, 0), (2, 0, 1)):  # the 6 nonzero entries, not a loop over data
        eps[i, j, k], eps[i, k, j] = 1, -1
    return eps


def cross(input, other, *, dim=-1):
    """The cross product of 3-vectors along ``dim`` (the two broadcast), like torch.linalg.cross.

        (a x b)_k = sum_ij eps_ijk a_i b_j   (eps the Levi-Civita symbol)

    one einsum with eps, so its gradient is einsum's: dL/da_i = sum_jk eps_ijk b_j g_k = (b x g)_i.
    """
    op = "linalg.cross"
    input, other = pair(input, other, op, broadcast=False)
    if input.dtype.kind == "b":  # a - b of bools is not defined (PyTorch: not implemented for Bool)
        raise UnsupportedDType(f"{op}: bool tensors are not supported (shapes {tuple(input.shape)} and "
                               f"{tuple(other.shape)})")
    nd = max(input.ndim, other.ndim)
    d = normalize_dim(dim, nd, op)
    check_broadcast(op, input.shape, other.shape)
    for t in (input, other):
        k = d - (nd - t.ndim)
        if k < 0 or t.shape[k] != 3:
            raise ShapeError(f"{op}: inputs dimension {dim} must have length 3, got shapes {tuple(input.shape)} "
                             f"and {tuple(other.shape)}")
    a = transpose(input, d - (nd - input.ndim), -1)
    b = transpose(other, d - (nd - other.ndim), -1)
    out = einsum("...i,...j,ijk->...k", a, b, constant(_levi_civita(a.xp, a.dtype)))
    return transpose(out, d, -1)


def legacy_cross(input, other, dim=None):
    """torch.cross: like linalg.cross, but with dim=None it takes the first dimension of size 3."""
    if dim is None:
        dim = next((i for i, s in enumerate(input.shape) if s == 3), None)
        if dim is None:
            raise ShapeError(f"cross: no dimension of size 3 in input of shape {tuple(input.shape)}")
    return cross(input, other, dim=dim)


def vecdot(x, y, *, dim=-1):
    """sum(x * y, dim): the dot product along ``dim``, the two broadcast, like torch.linalg.vecdot."""
    x, y = pair(x, y, "linalg.vecdot")
    return sum(x * y, dim=dim)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The diagonal ``offset`` of the matrices in axes (dim1, dim2), as the last axis, like
    torch.linalg.diagonal (offset > 0 above the main diagonal, < 0 below)."""
    op = "linalg.diagonal"
    d1, d2 = normalize_dim(dim1, A.ndim, op), normalize_dim(dim2, A.ndim, op)
    if d1 == d2:
        raise ShapeError(f"{op}: dim1 and dim2 cannot be the same dimension, got {dim1} and {dim2}")
    A = permute(A, [i for i in range(A.ndim) if i not in (d1, d2)] + [d1, d2])
    rows, cols = A.shape[-2], A.shape[-1]
    r0, c0 = (0, offset) if offset >= 0 else (-offset, 0)
    k = max(0, min(rows - r0, cols - c0))
    square = getitem(A, (Ellipsis, slice(r0, r0 + k), slice(c0, c0 + k)))
    return einsum("...ii->...i", square)
