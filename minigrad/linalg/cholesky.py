"""The Cholesky factorization A = L L^T of a symmetric positive-definite matrix.

Notation: docs/notation.md.
"""

from ..autograd.function import Function
from ..ops.elementwise import constant
from ..ops.linalg import matmul
from .checks import lapack, matrix_input
from .inverse import inv
from .matrices import mT


class Cholesky(Function):
    """L = cholesky(A): L lower triangular with a positive diagonal and L L^T = A.

    Only A's lower triangle is read (A is taken to be symmetric).

    Backward. Differentiate A = L L^T:  dA = dL L^T + L dL^T. Multiply by L^-1 on the left
    and L^-T on the right:

        S := L^-1 dA L^-T = L^-1 dL + (L^-1 dL)^T

    L^-1 dL is lower triangular (both factors are), so it is S's lower triangle with the
    diagonal halved (the diagonal is counted twice in S): L^-1 dL = Phi(S), where
    Phi(X) = tril(X) with its diagonal times 1/2. So dL = L Phi(L^-1 dA L^-T), and with
    G = dL/dL_out,

        dL = <G, L Phi(S)> = <Phi(L^T G), S> = <L^-T Phi(L^T G) L^-1, dA>

    (Phi is a mask, so it is its own adjoint). dA can only be symmetric, so the gradient is
    the symmetric part of that matrix, as in PyTorch:

        P = Phi(L^T G),   dL/dA = sym(L^-T P L^-1),   sym(X) = (X + X^T) / 2

    Everything is matmul, inv and masks, so double backward works.
    """

    @staticmethod
    def forward(ctx, A):
        xp = _xp(A)
        L = lapack("linalg.cholesky", xp.linalg.cholesky, A,
                   what="the factorization could not be completed because the input is not positive-definite")
        ctx.save_for_backward(L)
        return L

    @staticmethod
    def backward(ctx, G):
        (L,) = ctx.saved_tensors
        P = matmul(mT(L), G) * _phi_mask(L)
        L_inv = inv(L)
        gA = matmul(matmul(mT(L_inv), P), L_inv)
        return 0.5 * (gA + mT(gA))


def _phi_mask(L):
    """Phi as a mask: 1 below the diagonal, 1/2 on it, 0 above (a constant)."""
    xp, n = L.xp, L.shape[-1]
    return constant(xp.tri(n, dtype=L.dtype) - 0.5 * xp.eye(n, dtype=L.dtype))


def _xp(array):
    from ..backend import get_array_module

    return get_array_module(array)


def cholesky(A, *, upper=False):
    """The Cholesky factor of each symmetric positive-definite matrix of A (..., n, n), like
    torch.linalg.cholesky: L lower triangular with L L^T = A, or U = L^T with ``upper=True``
    (U^T U = A). A matrix that is not positive definite raises LinAlgError.
    """
    L = Cholesky.apply(matrix_input(A, "linalg.cholesky", square=True))
    return mT(L) if upper else L
