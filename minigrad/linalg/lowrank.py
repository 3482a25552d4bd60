"""Randomized low-rank SVD and PCA: torch.svd_lowrank and torch.pca_lowrank.

The method is that of Halko, Martinsson and Tropp, "Finding structure with randomness"
(SIAM Review, 2011): for A (m x n) and a small q,

1. range finder (their Algorithm 4.4, randomized subspace iteration): draw a Gaussian
   n x q matrix W; Q = orth(A W), then ``niter`` times Q = orth(A^T Q), Q = orth(A Q).
   Q (m x q) has orthonormal columns spanning (nearly) the range of A's top q singular
   vectors; each iteration sharpens it by a factor (s_q+1 / s_q)^2. orth is a reduced QR;
2. SVD of the small matrix (their Algorithm 5.1): B = Q^T A (q x n) = U_B diag(S) V^T,
   then A ~ Q B = (Q U_B) diag(S) V^T, so U = Q U_B.

When A has rank <= q the result is exact (up to rounding): U diag(S) V^T = A. A wide A
(m < n) is handled as its transpose, so the random matrix is drawn for the shorter side.

A composition of matmul, qr and svd (the random matrix a constant), so it is differentiable
wherever those are. The random draws use minigrad's generator (minigrad.manual_seed), so the
factors are not PyTorch's bit for bit; only what is well defined (singular values, the product
U diag(S) V^T) can be compared.

Notation: docs/notation.md.
"""

from ..errors import ArgumentError, NotSupported
from ..ops.linalg import matmul
from .checks import matrix_input
from .matrices import mT
from .qr import qr
from .svd import svd


def _count(op, name, value, default):
    """A non-negative int argument (None gives the default)."""
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ArgumentError(f"{op}: {name}(={value!r}) must be non-negative integer")
    return value


def get_approximate_basis(A, q, niter=2):
    """Q (..., m, min(m, q)) with orthonormal columns whose span approximates the range of A
    (..., m, n): step 1 of the module docstring (randomized subspace iteration)."""
    from ..creation import randn

    # drawn in float64 whatever A's dtype, so that a float32 A meets the same draw as a float64 one
    W = randn(A.shape[-1], q, dtype="float64", device=A.device).to(A.dtype)
    Q = qr(matmul(A, W)).Q
    for _ in range(niter):
        Q = qr(matmul(mT(A), Q)).Q
        Q = qr(matmul(A, Q)).Q
    return Q


def svd_lowrank(A, q=6, niter=2, M=None):
    """(U, S, V) like torch.svd_lowrank: an approximate rank-q SVD of A - M (M broadcast to A's
    shape, none by default), A (..., m, n): U (..., m, k), S (..., k), V (..., n, k) with
    k = min(q, m, n), and A - M ~ U diag(S) V^T. ``niter`` subspace iterations (2 by default)
    sharpen the range found (module docstring).
    """
    op = "svd_lowrank"
    _dense(op, A)
    A = matrix_input(A, op)
    q, niter = _count(op, "q", q, 6), _count(op, "niter", niter, 2)
    if M is not None:
        A = A - M.expand(*A.shape)
    m, n = A.shape[-2:]
    q = min(q, m, n)  # (an empty A has no direction to find: q = 0, and no basis to differentiate)
    wide = m < n
    if wide:
        A = mT(A)
    Q = get_approximate_basis(A, q, niter)
    U_B, S, Vh = svd(matmul(mT(Q), A), full_matrices=False)
    U, V = matmul(Q, U_B), mT(Vh)
    return (V, S, U) if wide else (U, S, V)


def pca_lowrank(A, q=None, center=True, niter=2):
    """(U, S, V) like torch.pca_lowrank: the principal components of the rows of A (..., m, n),
    by svd_lowrank of A with its column means subtracted (``center=True``) or of A itself.
    The columns of V are the principal directions, S**2 / (m - 1) the variances along them,
    and A V the projections. ``q`` defaults to min(6, m, n) and must be in [0, min(m, n)].
    """
    op = "pca_lowrank"
    _dense(op, A)
    A = matrix_input(A, op)
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif isinstance(q, bool) or not isinstance(q, int) or not 0 <= q <= min(m, n):
        raise ArgumentError(f"{op}: q(={q!r}) must be non-negative integer and not greater than min(m, n)="
                            f"{min(m, n)}")
    niter = _count(op, "niter", niter, 2)
    if center:
        A = A - A.mean(-2, keepdim=True)
    return svd_lowrank(A, q, niter=niter)


def _dense(op, A):
    if getattr(A, "is_sparse", False):
        raise NotSupported(f"{op}: sparse inputs are not supported; pass A.to_dense()")
