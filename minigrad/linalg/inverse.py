"""The matrix inverse and integer matrix powers.

Notation: docs/notation.md.
"""

from collections import namedtuple

from ..autograd.function import Function
from ..errors import ArgumentError, LinAlgError, ShapeError
from ..ops.linalg import matmul
from ..ops.elementwise import constant
from .checks import lapack, matrix_input
from .matrices import mT


class Inv(Function):
    """Z = A^-1 for a batch of invertible square matrices A.

    Differentiate A Z = I:  dA Z + A dZ = 0, so  dZ = -Z dA Z.
    Then dL = <G, dZ> = -tr(G^T Z dA Z) = -tr(Z G^T Z dA) = <-Z^T G Z^T, dA>, so

        dL/dA = -Z^T G Z^T        (Z^T = A^-T)

    written with matmul on the saved output Z, so double backward works (Z's own
    derivative comes back through this same node).
    """

    @staticmethod
    def forward(ctx, A):
        xp = _xp(A)
        Z = lapack("linalg.inv", xp.linalg.inv, A)
        ctx.save_for_backward(Z)
        return Z

    @staticmethod
    def backward(ctx, G):
        (Z,) = ctx.saved_tensors
        Zt = mT(Z)
        return -matmul(matmul(Zt, G), Zt)


def _xp(array):
    from ..backend import get_array_module

    return get_array_module(array)


def inv(A):
    """The inverse of each square matrix of A (..., n, n), like torch.linalg.inv.

    A singular matrix raises LinAlgError (a RuntimeError).
    """
    A = matrix_input(A, "linalg.inv", square=True)
    return Inv.apply(A)


InvEx = namedtuple("InvEx", ["inverse", "info"])


def inv_ex(A, *, check_errors=False):
    """(inverse, info) like torch.linalg.inv_ex: info is 0 for each invertible matrix of the
    batch and i > 0 for a singular one, U[i-1, i-1] = 0 in its LU factorization (its inverse is
    then undefined: nan here)."""
    A = matrix_input(A, "linalg.inv_ex", square=True)
    from ..tensor import Tensor

    xp = A.xp
    try:
        return InvEx(Inv.apply(A), Tensor._make(xp.zeros(A.shape[:-2], dtype="int32")))
    except LinAlgError:
        if check_errors:
            raise
    # some matrix is singular: find which, and where (LAPACK's code, the first zero pivot of
    # its LU factorization: linalg/lu.py), and invert the others
    from .lu import getrf

    code = getrf(A.array)[2]
    singular = code != 0
    info = Tensor._make(code)
    safe = xp.where(singular[..., None, None], xp.eye(A.shape[-1], dtype=A.dtype), A.array)
    Z = xp.linalg.inv(safe)
    Z = xp.where(singular[..., None, None], xp.asarray(float("nan"), dtype=A.dtype), Z)
    return InvEx(Tensor._make(Z), info)


def matrix_power(A, n):
    """A^n for an integer n, like torch.linalg.matrix_power: A^0 = I, A^-n = (A^-1)^n.

    By repeated squaring: A^13 = A^8 A^4 A, about 2 log2(n) matmuls instead of n - 1. It is
    a composition of matmul (and inv for n < 0), so its gradient comes from theirs.
    """
    if not isinstance(n, int) or isinstance(n, bool):
        raise ArgumentError(f"linalg.matrix_power: n must be an integer, got {n!r}")
    A = matrix_input(A, "linalg.matrix_power", square=True, low_precision=True)  # inv refuses float16
    if n == 0:  # the identity, a fresh array (constant: its gradient is 0)
        xp = A.xp
        return constant(xp.broadcast_to(xp.eye(A.shape[-1], dtype=A.dtype), A.shape).copy())
    if n < 0:
        A, n = inv(A), -n
    result, square = None, A
    while True:  # a loop over the bits of n, not over elements
        if n & 1:
            result = square if result is None else matmul(result, square)
        n >>= 1
        if not n:
            return result
        square = matmul(square, square)


def tensorinv(A, ind=2):
    """The tensor X with tensordot(X, A, ind) the identity, like torch.linalg.tensorinv: A of shape
    (i_1, ..., i_ind, j_1, ...) with prod(i) = prod(j) is a square matrix once reshaped to
    (prod(i), prod(j)); X is its inverse reshaped to (j_1, ..., i_1, ...)."""
    import math

    from ..ops.shape import reshape

    op = "linalg.tensorinv"
    if not isinstance(ind, int) or ind <= 0:
        raise ArgumentError(f"{op}: expected a strictly positive integer for 'ind', got {ind!r}")
    rows, cols = A.shape[:ind], A.shape[ind:]
    if math.prod(rows) != math.prod(cols):
        raise ShapeError(f"{op}: the product of the first {ind} dimensions of shape {tuple(A.shape)} "
                         f"({math.prod(rows)}) must equal the product of the rest ({math.prod(cols)})")
    return reshape(inv(reshape(A, (math.prod(rows), math.prod(cols)))), tuple(cols) + tuple(rows))
