"""Determinants: det, and slogdet (its sign and the log of its absolute value).

Notation: docs/notation.md.
"""

from collections import namedtuple

from ..autograd.function import Function
from ..errors import LinAlgError
from ..ops.linalg import matmul
from ..ops.shape import reshape, unsqueeze
from .checks import matrix_input
from .inverse import inv
from .matrices import mT


class Det(Function):
    """d = det(A) for a batch of square matrices.

    Jacobi's formula: expanding det along row i, det A = sum_j A[i, j] C[i, j] with C the
    cofactors, so d det / dA[i, j] = C[i, j], and the cofactor matrix of an invertible A is
    C = det(A) A^-T. Hence

        dL/dA = g * det(A) * A^-T

    At a singular A the cofactors still exist but A^-T does not. Then (as PyTorch does) they
    come from the SVD A = U diag(s) Vh: det A = det(U) det(Vh) prod_i s_i, and differentiating
    the product, d det / dA = det(U) det(Vh) U diag(prod_{j != i} s_j) Vh, finite at any rank.
    inv, svd and prod are differentiable, so double backward works (through the SVD it needs
    distinct singular values).
    """

    @staticmethod
    def forward(ctx, A):
        xp = _xp(A)
        d = xp.asarray(xp.linalg.det(A), dtype=A.dtype)
        ctx.save_for_backward(A, d)
        return d

    @staticmethod
    def backward(ctx, g):
        A, d = ctx.saved_tensors
        g = reshape(g, g.shape + (1, 1))
        try:
            return g * reshape(d, d.shape + (1, 1)) * mT(inv(A))
        except LinAlgError:  # some matrix of the batch is singular
            return g * _cofactors(A)


def _cofactors(A):
    """The matrix of cofactors of each square matrix of A, from its SVD (any rank)."""
    from ..ops.elementwise import constant, where
    from ..ops.reduction_more import prod
    from .svd import svd

    U, S, Vh = svd(A)
    xp = A.xp
    signs = xp.linalg.det(U.array) * xp.linalg.det(Vh.array)  # +-1, piecewise constant in A
    off = constant(xp.eye(S.shape[-1], dtype=bool))
    others = prod(where(off, 1.0, unsqueeze(S, -2)), dim=-1)  # prod_{j != i} s_j
    return constant(signs[..., None, None].astype(A.dtype)) * matmul(U * unsqueeze(others, -2), Vh)


class SlogDet(Function):
    """(sign, logabsdet) with det(A) = sign * exp(logabsdet), for a batch of square matrices.

    Computed from the LU factorization, so it neither overflows nor underflows where det
    itself would (det of a 500 x 500 matrix is easily beyond float64's range).

    sign is piecewise constant (its gradient is 0). For logabsdet, log|det A| has
    d/dA = (1/det A) * d det/dA = (1/det A) det(A) A^-T = A^-T, so

        dL/dA = g_logabsdet * A^-T

    Like det it needs A invertible (logabsdet = -inf at a singular A).
    """

    @staticmethod
    def forward(ctx, A):
        xp = _xp(A)
        sign, logabs = xp.linalg.slogdet(A)
        ctx.save_for_backward(A)
        return xp.asarray(sign, dtype=A.dtype), xp.asarray(logabs, dtype=A.dtype)

    @staticmethod
    def backward(ctx, g_sign, g_logabs):
        (A,) = ctx.saved_tensors
        try:
            A_inv = inv(A)
        except LinAlgError:
            # a singular matrix: log|det| has no derivative there, its gradient is nan (PyTorch's
            # LU gives inf or nan); the batch's invertible matrices still get theirs
            from .inverse import inv_ex

            A_inv = inv_ex(A).inverse
        return reshape(g_logabs, g_logabs.shape + (1, 1)) * mT(A_inv)


def _xp(array):
    from ..backend import get_array_module

    return get_array_module(array)


def det(A):
    """The determinant of each square matrix of A (..., n, n) -> (...), like torch.linalg.det."""
    return Det.apply(matrix_input(A, "linalg.det", square=True))


SlogDetResult = namedtuple("SlogDetResult", ["sign", "logabsdet"])


def slogdet(A):
    """(sign, logabsdet) of each square matrix of A, like torch.linalg.slogdet."""
    return SlogDetResult(*SlogDet.apply(matrix_input(A, "linalg.slogdet", square=True)))


def logdet(A):
    """log det(A), like torch.logdet: nan where det < 0, -inf where det = 0."""
    sign, logabs = slogdet(A)
    from ..ops.elementwise import log

    return log(sign) + logabs
