"""Registry entries for the LU factorization and the solvers and factor-based functions next to it:
linalg.lu_factor, lu_factor_ex, lu, lu_solve, lu_unpack, torch.lu, torch.lu_solve, linalg.solve_ex,
cholesky_inverse, triangular_solve, svd_lowrank, pca_lowrank.

Samples are matrices with known singular values (minigrad.testing.matrix_samples), so every
leading block that partial pivoting factors is invertible and no two pivot candidates tie (a
finite difference never changes the row swaps). Pivots are integer arrays: passed as they are
and made tensors inside the op, as lu_factor would return them.

Two conventions of PyTorch are checked elsewhere (tests/test_linalg_lu.py), because a finite
difference cannot see them: cholesky_inverse reads one triangle but gives the whole matrix a
gradient, so here it is fed tril(L) (or triu(U)); and the randomized svd_lowrank and
pca_lowrank draw their own random matrix, so here they run with a fixed seed, on matrices of
rank q, through their singular values (which do not depend on the draw).
"""

import warnings

import numpy as np

from ... import linalg as LA
from ...linalg.cholesky_inverse import cholesky_inverse
from ...linalg.lowrank import pca_lowrank, svd_lowrank
from ...linalg.lu import LUFactor, getrf, legacy_lu
from ...linalg.lu_solve import legacy_lu_solve, lu_unpack
from ...linalg.matrices import tril, triu
from ...linalg.solve import Solve
from ...linalg.triangular_solve import triangular_solve
from ...linalg.qr import QR
from ...linalg.svd import SVD
from ..matrix_samples import well_conditioned, with_singular_values
from ..registry import OpInfo, Sample
from ..strategies import smooth_normal

F32 = {"float32_rtol": 1e-3, "float32_atol": 1e-4}  # float32 vs float64 through a factorization


def _pivots(array):
    from ...tensor import Tensor

    return Tensor._make(array)


def _factor_samples(rng):
    s = with_singular_values
    return [Sample((well_conditioned(rng, (3, 3)),)), Sample((well_conditioned(rng, (2, 4, 4)),)),
            Sample((well_conditioned(rng, (1, 1)),)),
            Sample((s(rng, (3, 5)),)), Sample((s(rng, (2, 5, 3)),))]  # wide and tall


def _packed(A):
    """(LU, pivots) of a sample matrix, as lu_factor gives them."""
    lu, pivots, _ = getrf(A)
    return lu, pivots


def _unpack_samples(rng):
    return [Sample(_packed(well_conditioned(rng, (2, 3, 3)))), Sample(_packed(with_singular_values(rng, (4, 2)))),
            Sample(_packed(with_singular_values(rng, (2, 4)))),
            Sample(_packed(well_conditioned(rng, (3, 3))), {"unpack_pivots": False})]


def _lu_solve_samples(rng):
    lu, piv = _packed(well_conditioned(rng, (2, 3, 3)))
    B = smooth_normal(rng, (2, 3, 2))
    return [Sample((lu, piv, B)), Sample((lu, piv, B), {"adjoint": True}),
            Sample((lu, piv, smooth_normal(rng, (2, 4, 3))), {"left": False}),
            Sample((lu, piv, smooth_normal(rng, (2, 4, 3))), {"left": False, "adjoint": True}),
            Sample((lu[0], piv[0], smooth_normal(rng, (2, 3, 4))))]  # B's batch broadcasts


def _through_factor_samples(rng):
    return [Sample((well_conditioned(rng, (3, 3)), smooth_normal(rng, (3, 2)))),
            Sample((well_conditioned(rng, (2, 4, 4)), smooth_normal(rng, (2, 4, 1))), {"adjoint": True}),
            Sample((well_conditioned(rng, (2, 3, 3)), smooth_normal(rng, (2, 2, 3))), {"left": False})]


def _solve_ex_samples(rng):
    A = well_conditioned
    return [Sample((A(rng, (3, 3)), smooth_normal(rng, (3, 2)))),
            Sample((A(rng, (2, 3, 3)), smooth_normal(rng, (2, 3)))),  # a batch of vectors
            Sample((A(rng, (2, 3, 3)), smooth_normal(rng, (2, 4, 3))), {"left": False})]


def _factor_of(rng, shape, upper=False):
    """A triangular Cholesky-like factor with a diagonal in [1, 2]."""
    X = 0.5 * smooth_normal(rng, shape)
    d = rng.uniform(1.0, 2.0, size=shape[:-1])
    L = np.tril(X, -1) + d[..., None] * np.eye(shape[-1])
    return np.swapaxes(L, -1, -2).copy() if upper else L


def _cholesky_inverse_samples(rng):
    return [Sample((_factor_of(rng, (3, 3)),)), Sample((_factor_of(rng, (2, 4, 4)),)),
            Sample((_factor_of(rng, (2, 3, 3), upper=True),), {"upper": True})]


def _cholesky_inverse(L, upper=False):
    return cholesky_inverse(triu(L) if upper else tril(L), upper=upper)


def _torch_cholesky_inverse(torch, L, upper=False):
    return torch.cholesky_inverse(torch.triu(L) if upper else torch.tril(L), upper=upper)


def _triangular_solve_samples(rng):
    A = well_conditioned(rng, (2, 3, 3)) + 3 * np.eye(3)  # a diagonal far from 0: both triangles invertible
    b = smooth_normal(rng, (2, 3, 2))
    return [Sample((b, A)), Sample((b, A), {"upper": False}), Sample((b, A), {"transpose": True}),
            Sample((b, A), {"upper": False, "transpose": True, "unitriangular": True}),
            Sample((smooth_normal(rng, (4, 1, 3, 2)), A))]  # batch axes broadcast


def _quiet(fn):
    """fn with the deprecation warnings of torch.lu and torch.lu_solve silenced."""
    def quiet(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return fn(*args, **kwargs)
    return quiet


def _low_rank(rng, batch, m, n, q):
    """An m x n matrix of rank q with singular values 1, 1.5, 2, ... (well apart)."""
    return with_singular_values(rng, batch + (m, q)) @ with_singular_values(rng, batch + (q, n))


def _svd_lowrank_samples(rng):
    return [Sample((_low_rank(rng, (), 5, 4, 2),), {"q": 2}), Sample((_low_rank(rng, (2,), 3, 6, 3),), {"q": 3}),
            Sample((_low_rank(rng, (), 6, 5, 3),), {"q": 3, "niter": 0})]


def _seeded(fn):
    def seeded(*args, **kwargs):
        from ...random import manual_seed

        manual_seed(0)  # the same random matrix in every call of a gradient check
        return fn(*args, **kwargs)[1]
    return seeded


def _pca_samples(rng):
    offset = smooth_normal(rng, (1, 4))  # the same row added to every row: centering removes it
    return [Sample((_low_rank(rng, (), 6, 4, 2) + offset,), {"q": 2}),
            Sample((_low_rank(rng, (2,), 5, 6, 3),), {"q": 3, "center": False})]


ENTRIES = [
    OpInfo("linalg.lu_factor", lambda A: LA.lu_factor(A).LU, _factor_samples, (LUFactor, Solve),
           torch_fn=lambda torch, A: torch.linalg.lu_factor(A).LU, extra=F32),
    OpInfo("linalg.lu_factor_ex", lambda A: LA.lu_factor_ex(A).LU, _factor_samples, (LUFactor, Solve),
           torch_fn=lambda torch, A: torch.linalg.lu_factor_ex(A).LU, extra=F32),
    OpInfo("linalg.lu", lambda A: tuple(LA.lu(A)), _factor_samples, (LUFactor, Solve),
           torch_fn=lambda torch, A: tuple(torch.linalg.lu(A)), extra=F32),
    OpInfo("lu", _quiet(lambda A: legacy_lu(A)[0]), _factor_samples, (LUFactor, Solve),
           torch_fn=_quiet(lambda torch, A: torch.lu(A)[0]), extra=F32),
    OpInfo("lu_unpack", lambda LU, piv, **kw: tuple(lu_unpack(LU, _pivots(piv), **kw)), _unpack_samples, (),
           torch_fn=lambda torch, LU, piv, **kw: tuple(torch.lu_unpack(LU, piv, **kw))),
    OpInfo("linalg.lu_solve", lambda LU, piv, B, **kw: LA.lu_solve(LU, _pivots(piv), B, **kw), _lu_solve_samples,
           (Solve,), torch_fn=lambda torch, LU, piv, B, **kw: torch.linalg.lu_solve(LU, piv, B, **kw), extra=F32),
    OpInfo("lu_solve", _quiet(lambda B, LU, piv: legacy_lu_solve(B, LU, _pivots(piv))),
           lambda rng: [Sample((s.args[2], s.args[0], s.args[1])) for s in _lu_solve_samples(rng)[:1]], (Solve,),
           torch_fn=_quiet(lambda torch, B, LU, piv: torch.lu_solve(B, LU, piv)), extra=F32),
    OpInfo("linalg.lu_solve (of lu_factor)", lambda A, B, **kw: LA.lu_solve(*LA.lu_factor(A), B, **kw),
           _through_factor_samples, (LUFactor, Solve),
           torch_fn=lambda torch, A, B, **kw: torch.linalg.lu_solve(*torch.linalg.lu_factor(A), B, **kw), extra=F32),
    OpInfo("linalg.solve_ex", lambda A, B, **kw: LA.solve_ex(A, B, **kw).result, _solve_ex_samples, (Solve,),
           torch_fn=lambda torch, A, B, **kw: torch.linalg.solve_ex(A, B, **kw).result, extra=F32),
    OpInfo("cholesky_inverse", _cholesky_inverse, _cholesky_inverse_samples, (Solve,),
           torch_fn=_torch_cholesky_inverse, extra=F32),
    OpInfo("triangular_solve", _quiet(lambda b, A, **kw: tuple(triangular_solve(b, A, **kw))),
           _triangular_solve_samples, (Solve,),
           torch_fn=_quiet(lambda torch, b, A, **kw: tuple(torch.triangular_solve(b, A, **kw))), extra=F32),
    OpInfo("svd_lowrank", _seeded(svd_lowrank), _svd_lowrank_samples, (QR, SVD),
           torch_fn=lambda torch, A, **kw: torch.svd_lowrank(A, **kw)[1], extra=F32,
           notes="singular values of rank-q matrices: independent of the random draw"),
    OpInfo("pca_lowrank", _seeded(pca_lowrank), _pca_samples, (QR, SVD),
           torch_fn=lambda torch, A, **kw: torch.pca_lowrank(A, **kw)[1], extra=F32,
           notes="singular values of centered rank-q matrices: independent of the random draw"),
]
