"""The Moore-Penrose pseudo-inverse A^+.

Notation: docs/notation.md.
"""

from ..autograd.function import Function
from ..ops.elementwise import constant
from ..ops.linalg import matmul
from .checks import lapack, matrix_input
from .matrices import mT


class Pinv(Function):
    """P = A^+ for A (..., m, n): P (n, m) with A P A = A, P A P = P, and A P, P A symmetric.

    Forward, from the SVD A = U diag(s) V^T: P = V diag(1/s_i where s_i > tol, else 0) U^T.
    Singular values at or below tol = max(atol, rtol * s_max) count as zero. For a symmetric
    A (``hermitian=True``) the eigendecomposition A = V diag(w) V^T is used the same way,
    with |w_i| in place of s_i.

    Backward. Where the rank of A does not change, Golub and Pereyra's formula holds:
        dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P
    Taking <G, .> of each term and moving dA out (<X, dA^T> = <X^T, dA>):

        dL/dA = -P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A)

    Fused rather than composed from the SVD: this formula needs no distinct singular
    values (an orthogonal A, whose singular values are all 1, has a fine gradient here and
    none through svd). It is undefined where a singular value crosses tol (the rank
    jumps). Written with matmul on the saved input and output: double backward works.
    """

    @staticmethod
    def forward(ctx, A, atol, rtol, hermitian):
        xp = _xp(A)
        if hermitian:
            w, V = lapack("linalg.pinv", xp.linalg.eigh, A, what="the algorithm failed to converge")
            s, U, Vh = xp.abs(w), V * xp.sign(w)[..., None, :], xp.swapaxes(V, -1, -2)  # A = (V sign(w)) |w| V^T
        else:
            U, s, Vh = lapack("linalg.pinv", lambda a: xp.linalg.svd(a, full_matrices=False), A,
                              what="the algorithm did not converge")
        s_max = s.max(axis=-1, keepdims=True) if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), dtype=s.dtype)
        tol = xp.maximum(atol, rtol * s_max)
        keep = s > tol
        s_inv = xp.where(keep, 1 / xp.where(keep, s, 1), 0).astype(A.dtype)
        P = xp.matmul(xp.swapaxes(Vh, -1, -2) * s_inv[..., None, :], xp.swapaxes(U, -1, -2))
        ctx.save_for_backward(A, P)
        return P

    @staticmethod
    def backward(ctx, G):
        A, P = ctx.saved_tensors
        xp = A.xp
        Pt, Gt = mT(P), mT(G)
        eye_m = constant(xp.eye(A.shape[-2], dtype=A.dtype))
        eye_n = constant(xp.eye(A.shape[-1], dtype=A.dtype))
        gA = -matmul(matmul(Pt, G), Pt)
        gA = gA + matmul(matmul(eye_m - matmul(A, P), Gt), matmul(P, Pt))
        gA = gA + matmul(matmul(matmul(Pt, P), Gt), eye_n - matmul(P, A))
        return gA


def _xp(array):
    from ..backend import get_array_module

    return get_array_module(array)


def pinv(A, *, atol=None, rtol=None, hermitian=False):
    """The pseudo-inverse of each matrix of A (..., m, n) -> (..., n, m), like torch.linalg.pinv.

    Singular values (for ``hermitian=True``, absolute eigenvalues) s_i <= max(atol, rtol * s_max)
    are treated as zero. Defaults, as in PyTorch: atol = 0; rtol = eps * max(m, n) when neither
    is given, and 0 when only atol > 0 is.
    """
    import numpy as np

    A = matrix_input(A, "linalg.pinv", square=hermitian)
    if rtol is None:
        rtol = 0.0 if (atol is not None and atol > 0) else float(np.finfo(A.dtype).eps) * max(A.shape[-2:])
    atol = 0.0 if atol is None else atol
    return Pinv.apply(A, atol=float(atol), rtol=float(rtol), hermitian=bool(hermitian))


def pinverse(input, rcond=1e-15):
    """torch.pinverse: the pseudo-inverse with singular values <= rcond * s_max treated as zero."""
    return pinv(input, rtol=rcond)
