"""Registry entries for minigrad/linalg/: inv, det, slogdet, solve, cholesky, qr, svd, eigh, pinv,
matrix_power, matrix_exp, lstsq, cond, tensorinv, tensorsolve, cross, vecdot, diagonal.

Samples are built from their factorizations (minigrad.testing.matrix_samples): invertible
matrices with singular values in [1, 3], symmetric ones with eigenvalues well apart.

Functions that read only one triangle of A (cholesky, eigh) or whose factors are defined up
to signs (svd, eigh) are checked through functions that are well defined for any input
direction, as PyTorch's own tests do:
- cholesky(X X^T + n I) and eigh((X + X^T) / 2) feed a symmetric matrix, so a finite
  difference in any direction of X is one the factorization can follow;
- svd and eigh are seen through U diag(S) Vh, S, |U|, |Vh| and V diag(w^2) V^T, w, V * V,
  which do not change when a singular (eigen) vector flips sign.
"""

import numpy as np

from ... import linalg as LA
from ...linalg.cholesky import Cholesky, CholeskyOfFactor
from ...linalg.determinant import Det, SlogDet
from ...linalg.eigh import Eigh
from ...linalg.inverse import Inv
from ...linalg.pinv import Pinv
from ...linalg.qr import QR
from ...linalg.solve import Solve
from ...linalg.svd import SVD
from ...ops.einsum import Einsum
from ..matrix_samples import symmetric, well_conditioned, with_singular_values
from ..registry import OpInfo, Sample
from ..strategies import smooth_normal

F32 = {"float32_rtol": 1e-3, "float32_atol": 1e-4}  # float32 vs float64 through a factorization


def _square(rng):
    return [Sample((well_conditioned(rng, (3, 3)),)), Sample((well_conditioned(rng, (2, 4, 4)),)),
            Sample((well_conditioned(rng, (1, 1)),))]


def _solve_samples(rng):
    A = well_conditioned
    return [Sample((A(rng, (3, 3)), smooth_normal(rng, (3, 2)))),
            Sample((A(rng, (2, 3, 3)), smooth_normal(rng, (2, 3, 4)))),
            Sample((A(rng, (2, 1, 3, 3)), smooth_normal(rng, (4, 3, 2)))),  # batch dimensions broadcast
            Sample((A(rng, (3, 3)), smooth_normal(rng, (3,)))),  # a vector
            Sample((A(rng, (2, 3, 3)), smooth_normal(rng, (2, 3)))),  # a batch of vectors
            Sample((A(rng, (2, 3, 3)), smooth_normal(rng, (2, 4, 3))), {"left": False})]


def _cholesky_of_gram(X, upper=False):
    n = X.shape[-1]
    return LA.cholesky(X @ X.mT + n * _eye_like(X), upper=upper)


def _torch_cholesky_of_gram(torch, X, upper=False):
    n = X.shape[-1]
    return torch.linalg.cholesky(X @ X.mT + n * torch.eye(n, dtype=X.dtype), upper=upper)


def _cholesky_ex_beside_a_failure(X):
    """cholesky_ex of a batch of Gram matrices and one that is not positive definite (-I), so
    the factors come from its column loop (CholeskyOfFactor); the good factors are returned."""
    from ...ops.shape import cat

    gram = X @ X.mT + X.shape[-1] * _eye_like(X)
    return LA.cholesky_ex(cat([gram, -_eye_like(X)[None]]))[0][:-1]


def _torch_cholesky_ex_beside_a_failure(torch, X):
    n = X.shape[-1]
    gram = X @ X.mT + n * torch.eye(n, dtype=X.dtype)
    return torch.linalg.cholesky_ex(torch.cat([gram, -torch.eye(n, dtype=X.dtype)[None]]))[0][:-1]


def _eye_like(X):
    from ...ops.elementwise import constant

    return constant(X.xp.eye(X.shape[-1], dtype=X.dtype))


def _gram_samples(rng):
    return [Sample((smooth_normal(rng, (3, 3)),)), Sample((smooth_normal(rng, (2, 4, 4)),), {"upper": True})]


def _qr(A, mode="reduced"):
    return tuple(LA.qr(A, mode))


def _qr_samples(rng):
    return [Sample((smooth_normal(rng, (4, 3)),)), Sample((smooth_normal(rng, (3, 3)),)),
            Sample((smooth_normal(rng, (2, 3, 5)),)),  # wide: m < n
            Sample((smooth_normal(rng, (3, 3)),), {"mode": "complete"}),
            Sample((smooth_normal(rng, (2, 3, 4)),), {"mode": "complete"})]


def _svd_view(U, S, Vh):
    return U @ (S[..., :, None] * Vh), S, abs(U), abs(Vh)


def _svd(A, full_matrices=False):
    U, S, Vh = LA.svd(A, full_matrices=full_matrices)
    k = S.shape[-1]
    return _svd_view(U[..., :k], S, Vh[..., :k, :])


def _torch_svd(torch, A, full_matrices=False):
    U, S, Vh = torch.linalg.svd(A, full_matrices=full_matrices)
    k = S.shape[-1]
    return _svd_view(U[..., :k], S, Vh[..., :k, :])


def _svd_samples(rng):
    s = with_singular_values
    return [Sample((s(rng, (4, 3)),)), Sample((s(rng, (3, 3)),)), Sample((s(rng, (2, 3, 5)),)),
            Sample((s(rng, (5, 3)),), {"full_matrices": True})]


def _svdvals_samples(rng):
    return [Sample((with_singular_values(rng, (4, 3)),)), Sample((with_singular_values(rng, (2, 3, 5)),))]


def _svd_legacy(A, some=True):
    U, S, V = LA.svd_legacy(A, some=some)
    k = S.shape[-1]
    return _svd_view(U[..., :k], S, V.mT[..., :k, :])


def _torch_svd_legacy(torch, A, some=True):
    U, S, V = torch.svd(A, some=some)
    k = S.shape[-1]
    return _svd_view(U[..., :k], S, V.mT[..., :k, :])


def _eigh_view(w, V):
    return w, V * V, V @ (w[..., :, None] ** 2 * V.mT)


def _eigh(X, UPLO="L"):
    return _eigh_view(*LA.eigh((X + X.mT) / 2, UPLO))


def _torch_eigh(torch, X, UPLO="L"):
    return _eigh_view(*torch.linalg.eigh((X + X.mT) / 2, UPLO))


def _symmetric_samples(rng):
    return [Sample((symmetric(rng, (3, 3)),)), Sample((symmetric(rng, (2, 4, 4), signs=True),), {"UPLO": "U"})]


def _eigvalsh(X, UPLO="L"):
    return LA.eigvalsh((X + X.mT) / 2, UPLO)


def _pinv_samples(rng):
    s = with_singular_values
    orthogonal = np.linalg.qr(rng.standard_normal((3, 3)))[0]  # all singular values 1: fine for pinv
    return [Sample((s(rng, (4, 3)),)), Sample((s(rng, (2, 3, 5)),)), Sample((orthogonal,)),
            Sample((s(rng, (3, 3)),), {"rtol": 1e-10})]


def _pinv_hermitian(X):
    return LA.pinv((X + X.mT) / 2, hermitian=True)


def _matrix_power_samples(rng):
    A = well_conditioned(rng, (2, 3, 3)) / 1.5
    return [Sample((A,), {"n": n}) for n in (1, 2, 3, 6, -1, -3)]


def _cross_samples(rng):
    return [Sample((smooth_normal(rng, (4, 3)), smooth_normal(rng, (4, 3)))),
            Sample((smooth_normal(rng, (1, 2, 3)), smooth_normal(rng, (4, 1, 3)))),
            Sample((smooth_normal(rng, (3, 2)), smooth_normal(rng, (3, 2))), {"dim": 0})]


def _diagonal_samples(rng):
    return [Sample((smooth_normal(rng, (3, 4)),)), Sample((smooth_normal(rng, (2, 3, 4)),), {"offset": 1}),
            Sample((smooth_normal(rng, (4, 2, 3)),), {"offset": -1, "dim1": 0, "dim2": 2})]


def _matrix_exp_samples(rng):
    small = smooth_normal(rng, (2, 3, 3), scale=0.3)  # no squaring needed
    large = smooth_normal(rng, (3, 3), scale=4.0)  # ||A||_1 > 5.4: scaled down and squared
    return [Sample((small,)), Sample((large,)), Sample((np.stack([small[0], large]),))]


def _lstsq(A, B, driver=None):
    out = LA.lstsq(A, B, driver=driver)
    return (out.solution, out.residuals) if out.residuals.shape != (0,) else out.solution


def _torch_lstsq(torch, A, B, driver=None):
    out = torch.linalg.lstsq(A, B, driver=driver or "gelsd")  # gelsd: also the smallest solution when wide
    return (out.solution, out.residuals) if driver not in (None, "gelsy") and out.residuals.numel() else out.solution


def _lstsq_samples(rng):
    s = with_singular_values
    return [Sample((s(rng, (5, 3)), smooth_normal(rng, (5, 2)))),
            Sample((s(rng, (2, 3, 5)), smooth_normal(rng, (2, 3, 2)))),  # wide: the smallest solution
            Sample((s(rng, (2, 5, 3)), smooth_normal(rng, (2, 5, 1))), {"driver": "gelsd"})]


def _triangular_samples(rng):
    A = well_conditioned(rng, (2, 3, 3)) + 3 * np.eye(3)  # a diagonal far from 0: both triangles invertible
    B = smooth_normal(rng, (2, 3, 2))
    return [Sample((A, B), {"upper": True}), Sample((A, B), {"upper": False}),
            Sample((A, np.swapaxes(B, -1, -2).copy()), {"upper": True, "left": False}),
            Sample((A, B), {"upper": False, "unitriangular": True})]


def _cond_samples(rng):
    A = with_singular_values(rng, (2, 3, 3))
    return [Sample((A,)), Sample((with_singular_values(rng, (3, 5)),), {"p": 2}), Sample((A,), {"p": -2})]


def _cond_norm_samples(rng):
    A = with_singular_values(rng, (2, 3, 3))
    return [Sample((A,), {"p": p}) for p in ("fro", "nuc", 1, -np.inf)]


def _tensorinv_samples(rng):
    return [Sample((well_conditioned(rng, (6, 6)).reshape(2, 3, 6),)),
            Sample((well_conditioned(rng, (4, 4)).reshape(4, 2, 2),), {"ind": 1})]


def _tensorsolve_samples(rng):
    return [Sample((well_conditioned(rng, (6, 6)).reshape(2, 3, 6), smooth_normal(rng, (2, 3)))),
            Sample((well_conditioned(rng, (6, 6)).reshape(6, 2, 3), smooth_normal(rng, (2, 3))), {"dims": (0,)})]


def _torch_linalg(name):
    return lambda torch, *args, **kw: getattr(torch.linalg, name)(*args, **kw)


ENTRIES = [
    OpInfo("linalg.inv", LA.inv, _square, (Inv,), torch_fn=_torch_linalg("inv"), extra=F32),
    OpInfo("linalg.inv_ex", lambda A: LA.inv_ex(A).inverse, _square, (Inv,),
           torch_fn=lambda torch, A: torch.linalg.inv_ex(A).inverse, extra=F32),
    OpInfo("linalg.det", LA.det, _square, (Det, Inv), torch_fn=_torch_linalg("det"), extra=F32),
    OpInfo("linalg.slogdet", lambda A: tuple(LA.slogdet(A)), _square, (SlogDet, Inv),
           torch_fn=lambda torch, A: tuple(torch.linalg.slogdet(A)), extra=F32),
    OpInfo("logdet", LA.logdet, lambda rng: [Sample((symmetric(rng, (2, 3, 3)),))], (SlogDet, Inv),
           torch_fn=lambda torch, A: torch.logdet(A), extra=F32),
    OpInfo("linalg.solve", LA.solve, _solve_samples, (Solve,), torch_fn=_torch_linalg("solve"), extra=F32),
    OpInfo("linalg.solve_triangular", LA.solve_triangular, _triangular_samples, (Solve,),
           torch_fn=_torch_linalg("solve_triangular"), extra=F32),
    OpInfo("linalg.cholesky", _cholesky_of_gram, _gram_samples, (Cholesky, Inv),
           torch_fn=_torch_cholesky_of_gram, extra=F32),
    OpInfo("linalg.cholesky_ex", _cholesky_ex_beside_a_failure, lambda rng: [Sample((smooth_normal(rng, (2, 3, 3)),))],
           (CholeskyOfFactor, Inv), torch_fn=_torch_cholesky_ex_beside_a_failure, extra=F32),
    OpInfo("linalg.qr", _qr, _qr_samples, (QR, Solve), torch_fn=lambda torch, A, mode="reduced":
           tuple(torch.linalg.qr(A, mode)), extra=F32),
    OpInfo("linalg.svd", _svd, _svd_samples, (SVD,), torch_fn=_torch_svd, extra=F32),
    OpInfo("svd", _svd_legacy, lambda rng: [Sample((with_singular_values(rng, (4, 3)),)),
                                            Sample((with_singular_values(rng, (3, 4)),), {"some": False})],
           (SVD,), torch_fn=_torch_svd_legacy, extra=F32),
    OpInfo("linalg.svdvals", LA.svdvals, _svdvals_samples, (SVD,), torch_fn=_torch_linalg("svdvals"), extra=F32),
    OpInfo("linalg.eigh", _eigh, _symmetric_samples, (Eigh,), torch_fn=_torch_eigh, extra=F32),
    OpInfo("linalg.eigvalsh", _eigvalsh, _symmetric_samples, (Eigh,),
           torch_fn=lambda torch, X, UPLO="L": torch.linalg.eigvalsh((X + X.mT) / 2, UPLO), extra=F32),
    OpInfo("linalg.pinv", LA.pinv, _pinv_samples, (Pinv,), torch_fn=_torch_linalg("pinv"), extra=F32),
    OpInfo("linalg.pinv hermitian", _pinv_hermitian, lambda rng: [Sample((symmetric(rng, (3, 3), signs=True),))],
           (Pinv,), torch_fn=lambda torch, X: torch.linalg.pinv((X + X.mT) / 2, hermitian=True), extra=F32),
    OpInfo("linalg.matrix_power", LA.matrix_power, _matrix_power_samples, (Inv,),
           torch_fn=_torch_linalg("matrix_power"), extra=F32),
    OpInfo("linalg.matrix_exp", LA.matrix_exp, _matrix_exp_samples, (Solve,), torch_fn=_torch_linalg("matrix_exp"),
           extra={**F32, "torch_rtol": 1e-10, "torch_atol": 1e-10}),
    OpInfo("linalg.lstsq", _lstsq, _lstsq_samples, (Pinv,), torch_fn=_torch_lstsq, extra=F32),
    OpInfo("linalg.cond", LA.cond, _cond_samples, (SVD,), torch_fn=_torch_linalg("cond"), extra=F32),
    # PyTorch 2.13 cannot differentiate these (an in-place op inside its cond): checked by gradcheck alone
    OpInfo("linalg.cond (norms)", LA.cond, _cond_norm_samples, (Inv, SVD), extra=F32),
    OpInfo("linalg.tensorinv", LA.tensorinv, _tensorinv_samples, (Inv,), torch_fn=_torch_linalg("tensorinv"),
           extra=F32),
    OpInfo("linalg.tensorsolve", LA.tensorsolve, _tensorsolve_samples, (Solve,),
           torch_fn=_torch_linalg("tensorsolve"), extra=F32),
    OpInfo("linalg.cross", LA.cross, _cross_samples, (Einsum,), torch_fn=_torch_linalg("cross")),
    OpInfo("linalg.vecdot", LA.vecdot,
           lambda rng: [Sample((smooth_normal(rng, (2, 3)), smooth_normal(rng, (4, 1, 3))))],
           (), torch_fn=_torch_linalg("vecdot")),
    OpInfo("linalg.diagonal", LA.diagonal, _diagonal_samples, (Einsum,), torch_fn=_torch_linalg("diagonal")),
]
