"""Eigenvalues and eigenvectors of symmetric matrices: A = V diag(w) V^T.

Notation: docs/notation.md.
"""

from collections import namedtuple

from ..autograd.function import Function
from ..errors import ArgumentError
from ..ops.elementwise import constant
from ..ops.linalg import matmul
from ..ops.shape import unsqueeze
from .checks import lapack, matrix_input
from .matrices import diag_embed, mT
from .svd import is_zero


class Eigh(Function):
    """(w, V) = eigh(A) for symmetric A (..., n, n): w ascending, V orthogonal, A = V diag(w) V^T.

    Only one triangle of A is read: the lower one (UPLO='L') or the upper one ('U').

    Backward. Differentiate A V = V W (W = diag(w)) and multiply by V^T on the left. With
    dP = V^T dA V (symmetric) and Om = V^T dV (antisymmetric, since V^T V = I):

        dP + W Om = Om W + dW

    On the diagonal Om is 0, so dw = diag(dP). Off it, dP_ij = Om_ij (w_j - w_i), so
    Om = F o dP with F_ij = 1 / (w_j - w_i) (i != j), F_ii = 0, and dV = V (F o dP). Then

        dL = <gw, diag(dP)> + <gV, V (F o dP)> = <V (diag(gw) + F o (V^T gV)) V^T, dA>

    dA can only be symmetric, so the gradient is that matrix's symmetric part; F being
    antisymmetric, it is

        dL/dA = V (diag(gw) + F o (V^T gV - gV^T V) / 2) V^T

    Conditions: F is infinite at repeated eigenvalues, so the gradient through V is then
    undefined (through w alone it is fine: with gV = 0 only V diag(gw) V^T is computed).
    Each eigenvector is defined up to its sign: only losses that do not change when v_i
    flips have a gradient (functions of w, of V diag(f(w)) V^T, of V*V, ...).
    Written with matmul, einsum and elementwise ops: double backward works.
    """

    @staticmethod
    def forward(ctx, A, UPLO):
        xp = _xp(A)
        w, V = lapack("linalg.eigh", lambda a: xp.linalg.eigh(a, UPLO=UPLO), A,
                      what="the algorithm failed to converge")
        w = xp.asarray(w, dtype=A.dtype)
        ctx.save_for_backward(w, V)
        return w, V

    @staticmethod
    def backward(ctx, gw, gV):
        w, V = ctx.saved_tensors
        if is_zero(gV):  # a loss of w alone: V diag(gw) V^T, defined even at repeated eigenvalues
            return matmul(V * unsqueeze(gw, -2), mT(V))
        n = w.shape[-1]
        eye = constant(w.xp.eye(n, dtype=w.dtype))
        F = (1 - eye) / (unsqueeze(w, -2) - unsqueeze(w, -1) + eye)  # F_ij = 1/(w_j - w_i), F_ii = 0
        VtgV = matmul(mT(V), gV)
        inner = diag_embed(gw) + F * (VtgV - mT(VtgV)) * 0.5
        return matmul(matmul(V, inner), mT(V))


def _xp(array):
    from ..backend import get_array_module

    return get_array_module(array)


EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])


def _uplo(UPLO, op):
    if UPLO not in ("L", "U"):
        raise ArgumentError(f"{op}: UPLO must be 'L' or 'U', got {UPLO!r}")
    return UPLO


def eigh(A, UPLO="L"):
    """(eigenvalues, eigenvectors) of each symmetric matrix of A (..., n, n), like
    torch.linalg.eigh: eigenvalues ascending, the eigenvectors the columns of an orthogonal
    matrix. Only the triangle ``UPLO`` names ('L' lower, 'U' upper) is read."""
    A = matrix_input(A, "linalg.eigh", square=True)
    return EighResult(*Eigh.apply(A, UPLO=_uplo(UPLO, "linalg.eigh")))


def eigvalsh(A, UPLO="L"):
    """The eigenvalues of each symmetric matrix of A, ascending, like torch.linalg.eigvalsh."""
    A = matrix_input(A, "linalg.eigvalsh", square=True)
    return Eigh.apply(A, UPLO=_uplo(UPLO, "linalg.eigvalsh"))[0]
