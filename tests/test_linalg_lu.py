"""The LU factorization and its neighbours against torch: linalg.lu_factor(_ex), lu, lu_solve,
lu_unpack, the legacy torch.lu and torch.lu_solve, linalg.solve_ex and inv_ex's info,
cholesky_inverse, triangular_solve, svd_lowrank and pca_lowrank.

The registry (minigrad/testing/entries/linalg_lu.py) runs the generic checks (gradcheck,
gradgradcheck, float32, non-contiguous inputs, torch parity on its samples). Here: exact pivots
and info codes, singular and rectangular matrices, PyTorch's gradient conventions that a finite
difference cannot see, the randomized functions, and bad inputs.
"""

import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad import linalg as LA
from minigrad.errors import ArgumentError, DTypeError, IndexOutOfRange, LinAlgError, MinigradError, ShapeError
from minigrad.linalg.cholesky_inverse import cholesky_inverse
from minigrad.linalg.lowrank import pca_lowrank, svd_lowrank
from minigrad.linalg.lu import getrf, legacy_lu
from minigrad.linalg.lu_solve import legacy_lu_solve, lu_unpack
from minigrad.linalg.triangular_solve import triangular_solve
from minigrad.testing import gradcheck, gradgradcheck
from minigrad.testing.matrix_samples import well_conditioned, with_singular_values


def T(a, grad=False, dtype=np.float64):
    return mg.tensor(np.asarray(a, dtype=dtype), requires_grad=grad)


def TT(torch, a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def close(ours, theirs, tol=1e-10):
    ours = ours.numpy() if isinstance(ours, mg.Tensor) else np.asarray(ours)
    theirs = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


def weighted_grads(outs, t_outs, inputs, t_inputs, rng):
    """The gradients of sum(w * out) for the same random weights w, in minigrad and torch."""
    import torch

    ws = [rng.standard_normal(tuple(o.shape)) for o in outs]
    mg.autograd.backward(sum((o * T(w)).sum() for o, w in zip(outs, ws)))
    sum((o * torch.tensor(w)).sum() for o, w in zip(t_outs, ws)).backward()
    for x, tx in zip(inputs, t_inputs):
        close(x.grad, tx.grad, 1e-9)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


quiet = pytest.mark.filterwarnings("ignore:torch.(lu|lu_solve|triangular_solve) is deprecated")

SHAPES = [(3, 3), (2, 4, 4), (3, 5), (2, 5, 3), (1, 1), (2, 1, 3, 3), (0, 3, 3), (3, 0)]


# ---- the factorization ---------------------------------------------------------------------------


@pytest.mark.torch
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_lu_factor_and_lu_match_torch_exactly(torch, rng, shape):
    a = rng.standard_normal(shape)
    LU, pivots, info = LA.lu_factor_ex(T(a))
    t_LU, t_pivots, t_info = torch.linalg.lu_factor_ex(TT(torch, a))
    close(LU, t_LU, 1e-12)
    assert pivots.dtype == np.int32 and tuple(pivots.shape) == tuple(t_pivots.shape)
    np.testing.assert_array_equal(pivots.numpy(), t_pivots.numpy())
    np.testing.assert_array_equal(info.numpy(), t_info.numpy())
    for ours, theirs in zip(LA.lu(T(a)), torch.linalg.lu(TT(torch, a))):
        close(ours, theirs, 1e-12)
    P, L, U = LA.lu(T(a))
    np.testing.assert_allclose((P @ L @ U).numpy(), a, atol=1e-12)


@pytest.mark.torch
def test_pivoting_follows_lapack_on_ties_and_zero_columns(torch):
    ties = np.array([[1.0, 2.0, 0.0], [-1.0, 5.0, 1.0], [1.0, 0.0, 3.0]])  # |1| = |-1| = |1|: the first one
    zero_column = np.array([[0.0, 1.0, 2.0], [0.0, 3.0, 4.0], [0.0, 5.0, 7.0]])  # nothing to pivot on at step 0
    singular = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 1.0, 1.0]])
    for a in (ties, zero_column, singular, np.zeros((2, 3, 3))):
        ours, theirs = LA.lu_factor_ex(T(a)), torch.linalg.lu_factor_ex(TT(torch, a))
        close(ours.LU, theirs.LU, 1e-14)
        np.testing.assert_array_equal(ours.pivots.numpy(), theirs.pivots.numpy())
        np.testing.assert_array_equal(ours.info.numpy(), theirs.info.numpy())


def test_getrf_runs_the_batch_at_once(rng):
    a = rng.standard_normal((500, 6, 6))
    lu, pivots, info = getrf(a)
    one = [getrf(a[i]) for i in (0, 123, 499)]
    for i, (l1, p1, _) in zip((0, 123, 499), one):
        np.testing.assert_array_equal(lu[i], l1)
        np.testing.assert_array_equal(pivots[i], p1)
    assert pivots.dtype == np.int32 and info.shape == (500,) and not info.any()


def test_float32_stays_float32(rng):
    a = rng.standard_normal((2, 4, 3)).astype(np.float32)
    LU, pivots = LA.lu_factor(T(a, dtype=np.float32))
    assert LU.dtype == np.float32 and pivots.dtype == np.int32
    P, L, U = LA.lu(T(a, dtype=np.float32))
    assert P.dtype == L.dtype == U.dtype == np.float32
    np.testing.assert_allclose((P @ L @ U).numpy(), a, atol=1e-5)


@pytest.mark.torch
def test_singular_matrices(torch):
    a = np.stack([np.eye(3), [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 1.0, 1.0]]])
    with pytest.raises(LinAlgError, match=r"linalg.lu_factor: \(Batch element 1\): U\[3,3\] is zero"):
        LA.lu_factor(T(a))
    with pytest.raises(RuntimeError):  # PyTorch's type too
        torch.linalg.lu_factor(TT(torch, a))
    with pytest.raises(LinAlgError, match="lu_factor_ex"):
        LA.lu_factor_ex(T(a), check_errors=True)
    np.testing.assert_array_equal(LA.lu_factor_ex(T(a)).info.numpy(), [0, 3])
    P, L, U = LA.lu(T(a))  # lu does not raise
    np.testing.assert_allclose((P @ L @ U).numpy(), a, atol=1e-14)


def test_without_pivoting(rng):
    a = well_conditioned(rng, (2, 3, 3)) + 4 * np.eye(3)  # diagonally dominant: no pivot needed
    LU, pivots, info = LA.lu_factor_ex(T(a), pivot=False)
    np.testing.assert_array_equal(pivots.numpy(), [[1, 2, 3], [1, 2, 3]])
    P, L, U = LA.lu(T(a), pivot=False)
    assert tuple(P.shape) == (0,)
    np.testing.assert_allclose((L @ U).numpy(), a, atol=1e-12)
    np.testing.assert_allclose(np.diagonal(L.numpy(), axis1=-2, axis2=-1), 1.0)
    _, _, info = LA.lu_factor_ex(T([[0.0, 1.0], [1.0, 0.0]]), pivot=False)  # a zero pivot: no LU without swaps
    assert int(info) == 1


@pytest.mark.torch
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (3, 5), (2, 5, 3)], ids=str)
def test_gradients_match_torch(torch, rng, shape):
    a = with_singular_values(rng, shape)
    A, tA = T(a, True), TT(torch, a, True)
    P, L, U = LA.lu(A)
    _, tL, tU = torch.linalg.lu(tA)
    weighted_grads([L, U], [tL, tU], [A], [tA], rng)
    A, tA = T(a, True), TT(torch, a, True)
    weighted_grads([LA.lu_factor(A).LU], [torch.linalg.lu_factor(tA).LU], [A], [tA], rng)
    assert gradcheck(lambda x: LA.lu(x)[1:], [T(a, True)])
    assert gradgradcheck(lambda x: LA.lu_factor(x).LU, [T(a, True)])


# ---- unpacking and solving -----------------------------------------------------------------------


@pytest.mark.torch
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 2), (2, 2, 4)], ids=str)
def test_lu_unpack_matches_torch(torch, rng, shape):
    a = rng.standard_normal(shape)
    LU, pivots = LA.lu_factor(T(a))
    t_LU, t_pivots = torch.linalg.lu_factor(TT(torch, a))
    for flags in [{}, {"unpack_data": False}, {"unpack_pivots": False}]:
        for ours, theirs in zip(lu_unpack(LU, pivots, **flags), torch.lu_unpack(t_LU, t_pivots, **flags)):
            close(ours, theirs, 1e-12)
    LU, t_LU = T(LU.numpy(), True), TT(torch, t_LU.detach().numpy(), True)
    _, L, U = lu_unpack(LU, pivots)
    _, tL, tU = torch.lu_unpack(t_LU, t_pivots)
    weighted_grads([L, U], [tL, tU], [LU], [t_LU], rng)


@pytest.mark.torch
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [False, True])
def test_lu_solve_matches_torch(torch, rng, left, adjoint):
    a = well_conditioned(rng, (2, 3, 3))
    b = rng.standard_normal((4, 1, 3, 2) if left else (4, 1, 2, 3))  # batch axes broadcast
    LU, pivots = LA.lu_factor(T(a))
    t_LU, t_pivots = torch.linalg.lu_factor(TT(torch, a))
    LU, t_LU = T(LU.numpy(), True), TT(torch, t_LU.detach().numpy(), True)
    B, tB = T(b, True), TT(torch, b, True)
    X = LA.lu_solve(LU, pivots, B, left=left, adjoint=adjoint)
    tX = torch.linalg.lu_solve(t_LU, t_pivots, tB, left=left, adjoint=adjoint)
    close(X, tX, 1e-10)
    weighted_grads([X], [tX], [LU, B], [t_LU, tB], rng)
    # through lu_factor the gradient reaches A
    A, tA = T(a, True), TT(torch, a, True)
    X = LA.lu_solve(*LA.lu_factor(A), T(b), left=left, adjoint=adjoint)
    tX = torch.linalg.lu_solve(*torch.linalg.lu_factor(tA), TT(torch, b), left=left, adjoint=adjoint)
    weighted_grads([X], [tX], [A], [tA], rng)
    assert gradcheck(lambda lu, x: LA.lu_solve(lu, pivots, x, left=left, adjoint=adjoint),
                     [T(LU.numpy(), True), T(b[0, 0], True)])


@pytest.mark.torch
@quiet
def test_legacy_names_and_tensor_methods(torch, rng):
    a, b = well_conditioned(rng, (2, 3, 3)), rng.standard_normal((2, 3, 2))
    with pytest.warns(UserWarning, match="torch.lu is deprecated"):
        LU, pivots = legacy_lu(T(a))
    t_LU, t_pivots = torch.lu(TT(torch, a))
    close(LU, t_LU, 1e-12)
    np.testing.assert_array_equal(pivots.numpy(), t_pivots.numpy())
    out = T(a).lu(get_infos=True)
    assert len(out) == 3 and out.info.dtype == np.int32 and not out.info.numpy().any()
    with pytest.warns(UserWarning, match="torch.lu_solve is deprecated"):
        X = legacy_lu_solve(T(b), LU, pivots)
    close(X, torch.lu_solve(TT(torch, b), t_LU, t_pivots), 1e-10)
    close(T(b).lu_solve(LU, pivots), np.linalg.solve(a, b), 1e-10)
    singular = np.zeros((3, 3))
    assert int(legacy_lu(T(singular), get_infos=True).info) == 1  # torch.lu does not raise either way
    legacy_lu(T(singular))


def test_lu_errors():
    A, LU_ok = T(np.eye(3)), LA.lu_factor(T(np.eye(3)))
    with pytest.raises(ShapeError, match=r"linalg.lu_factor: .*at least 2 dimensions.*\(3,\)"):
        LA.lu_factor(T([1.0, 2.0, 3.0]))
    with pytest.raises(DTypeError, match="linalg.lu_factor.*int64"):
        LA.lu_factor(mg.tensor([[1, 2], [3, 4]]))
    with pytest.raises(DTypeError, match="float16"):
        LA.lu(T(np.eye(2), dtype=np.float16))
    with pytest.raises(ArgumentError, match="pivot must be a bool"):
        LA.lu_factor(A, pivot=1)
    with pytest.raises(DTypeError, match="linalg.lu_solve: pivots .* int32.*int64"):
        LA.lu_solve(LU_ok.LU, LU_ok.pivots.long(), A)
    with pytest.raises(ShapeError, match=r"lu_unpack: expected pivots of shape \(3,\).*got \(2,\)"):
        lu_unpack(LU_ok.LU, LU_ok.pivots[:2])
    with pytest.raises(IndexOutOfRange, match="between 1 and"):
        lu_unpack(LU_ok.LU, LU_ok.pivots + 5)
    with pytest.raises(ShapeError, match="square"):
        LA.lu_solve(T(np.ones((2, 3))), LU_ok.pivots[:2], A)
    with pytest.raises(ShapeError, match="B must have at least 2 dimensions"):
        LA.lu_solve(LU_ok.LU, LU_ok.pivots, T([1.0, 2.0, 3.0]))
    with pytest.raises(DTypeError, match="same dtype"):
        LA.lu_solve(LU_ok.LU, LU_ok.pivots, T(np.ones((3, 1)), dtype=np.float32))
    with pytest.raises(ShapeError, match=r"XA = B.*\(3, 2\)"):
        LA.lu_solve(LU_ok.LU, LU_ok.pivots, T(np.ones((3, 2))), left=False)
    with pytest.raises(ShapeError, match="batch dimensions"):
        LA.lu_solve(T(np.ones((2, 3, 3))), LA.lu_factor(T(np.eye(3)[None].repeat(2, 0))).pivots,
                    T(np.ones((3, 3, 1))))
    with pytest.raises(TypeError, match="linalg.lu_solve: B must be a tensor, got ndarray"):
        LA.lu_solve(LU_ok.LU, LU_ok.pivots, np.ones((3, 1)))
    with pytest.raises(TypeError, match="lu_unpack: pivots must be a tensor"):
        lu_unpack(LU_ok.LU, [1, 2, 3])
    for error in (ShapeError, DTypeError, LinAlgError):
        assert issubclass(error, MinigradError)


# ---- solve_ex and inv_ex -------------------------------------------------------------------------


@pytest.mark.torch
def test_solve_ex_matches_torch(torch, rng):
    a = well_conditioned(rng, (2, 3, 3))
    for b, kw in [(rng.standard_normal((2, 3, 2)), {}), (rng.standard_normal((2, 3)), {}),
                  (rng.standard_normal((2, 4, 3)), {"left": False})]:
        A, tA, B, tB = T(a, True), TT(torch, a, True), T(b, True), TT(torch, b, True)
        X, info = LA.solve_ex(A, B, **kw)
        tX, t_info = torch.linalg.solve_ex(tA, tB, **kw)
        close(X, tX, 1e-10)
        np.testing.assert_array_equal(info.numpy(), t_info.numpy())
        assert info.dtype == np.int32
        weighted_grads([X], [tX], [A, B], [tA, tB], rng)


@pytest.mark.torch
def test_solve_ex_and_inv_ex_on_singular_matrices(torch):
    a = np.stack([[[1.0, 2.0], [2.0, 4.0]], [[1.0, 0.0], [0.0, 2.0]]])
    A, b = T(a, True), np.ones((2, 2, 1))
    X, info = LA.solve_ex(A, T(b))
    np.testing.assert_array_equal(info.numpy(), torch.linalg.solve_ex(TT(torch, a), TT(torch, b)).info.numpy())
    assert np.isnan(X.numpy()[0]).all()
    close(X.numpy()[1], [[1.0], [0.5]])
    X.sum().backward()  # the regular matrix keeps its gradient, -A^-T 1 X^T; the singular one gets none
    x1 = np.linalg.solve(a[1], b[1])
    close(A.grad.numpy()[1], -np.linalg.solve(a[1].T, np.ones((2, 1))) @ x1.T)
    close(A.grad.numpy()[0], np.zeros((2, 2)))
    x, info = LA.solve_ex(T(a[0]), T([1.0, 1.0]))  # a vector right-hand side
    assert tuple(x.shape) == (2,) and int(info) == 2
    with pytest.raises(LinAlgError, match=r"linalg.solve_ex: \(Batch element 0\): .*singular"):
        LA.solve_ex(T(a), T(b), check_errors=True)
    np.testing.assert_array_equal(LA.inv_ex(T(a)).info.numpy(), torch.linalg.inv_ex(TT(torch, a)).info.numpy())


# ---- cholesky_inverse ----------------------------------------------------------------------------


def _factor(rng, shape, upper=False):
    L = np.tril(0.5 * rng.standard_normal(shape), -1) + rng.uniform(1, 2, shape[:-1])[..., None] * np.eye(shape[-1])
    return np.swapaxes(L, -1, -2).copy() if upper else L


@pytest.mark.torch
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_inverse_matches_torch(torch, rng, upper):
    f = _factor(rng, (2, 3, 3), upper)
    L, tL = T(f, True), TT(torch, f, True)
    Z, tZ = cholesky_inverse(L, upper=upper), torch.cholesky_inverse(tL, upper=upper)
    close(Z, tZ, 1e-12)
    A = np.swapaxes(f, -1, -2) @ f if upper else f @ np.swapaxes(f, -1, -2)
    close(Z, np.linalg.inv(A), 1e-12)
    weighted_grads([Z], [tZ], [L], [tL], rng)  # PyTorch's dense gradient: the other triangle gets one too
    assert np.abs(np.triu(L.grad.numpy()[0], 1) if not upper else np.tril(L.grad.numpy()[0], -1)).max() > 0
    junk = f + (np.triu(np.ones((3, 3)), 1) if not upper else np.tril(np.ones((3, 3)), -1))
    close(cholesky_inverse(T(junk), upper=upper), torch.cholesky_inverse(TT(torch, junk), upper=upper), 1e-12)
    close(T(f).cholesky_inverse(upper=upper), tZ, 1e-12)
    mask = np.tril if not upper else np.triu
    assert gradgradcheck(lambda x: cholesky_inverse(mg.tril(x) if not upper else mg.triu(x), upper=upper),
                         [T(mask(f[0]), True)])


def test_cholesky_inverse_errors():
    with pytest.raises(ShapeError, match=r"cholesky_inverse: .*at least 2 dimensions"):
        cholesky_inverse(T([1.0, 2.0]))
    with pytest.raises(ShapeError, match=r"cholesky_inverse: .*square.*\(2, 3\)"):
        cholesky_inverse(T(np.ones((2, 3))))
    with pytest.raises(LinAlgError, match=r"cholesky_inverse: .*zero on its diagonal"):
        cholesky_inverse(T([[1.0, 0.0], [1.0, 0.0]]))


# ---- triangular_solve ----------------------------------------------------------------------------


@pytest.mark.torch
@quiet
@pytest.mark.parametrize("upper, transpose, unitriangular",
                         [(True, False, False), (False, False, False), (True, True, False), (False, True, True)])
def test_triangular_solve_matches_torch(torch, rng, upper, transpose, unitriangular):
    a = well_conditioned(rng, (2, 1, 3, 3)) + 3 * np.eye(3)
    b = rng.standard_normal((4, 3, 2))  # batch (2, 1) and (4,) broadcast to (2, 4)
    A, tA, B, tB = T(a, True), TT(torch, a, True), T(b, True), TT(torch, b, True)
    kw = {"upper": upper, "transpose": transpose, "unitriangular": unitriangular}
    X, C = triangular_solve(B, A, **kw)
    tX, tC = torch.triangular_solve(tB, tA, **kw)
    close(X, tX, 1e-10)
    close(C, tC, 0)
    weighted_grads([X, C], [tX, tC], [A, B], [tA, tB], rng)
    X2, _ = B.triangular_solve(A, **kw)
    close(X2, tX, 1e-10)


def test_triangular_solve_warns_and_checks():
    A = T(np.eye(3) * 2)
    with pytest.warns(UserWarning, match="torch.triangular_solve is deprecated"):
        X, C = triangular_solve(T(np.ones((3, 1))), A)
    close(X, np.full((3, 1), 0.5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ShapeError, match=r"triangular_solve: expected b to have at least 2 dimensions.*\(3,\)"):
            triangular_solve(T(np.ones(3)), A)
        with pytest.raises(ShapeError, match=r"triangular_solve: incompatible shapes.*\(2, 1\)"):
            triangular_solve(T(np.ones((2, 1))), A)
        with pytest.raises(DTypeError, match="same dtype"):
            triangular_solve(T(np.ones((3, 1)), dtype=np.float32), A)
        assert gradcheck(lambda b, a: triangular_solve(b, a, upper=False)[0], [T(np.ones((3, 2)), True),
                                                                                T(np.eye(3) * 2 + 0.1, True)])


# ---- svd_lowrank and pca_lowrank -----------------------------------------------------------------


def _low_rank(rng, batch, m, n, q):
    return with_singular_values(rng, batch + (m, q)) @ with_singular_values(rng, batch + (q, n))


@pytest.mark.torch
@pytest.mark.parametrize("shape, q", [((6, 4), 2), ((2, 3, 7), 3), ((5, 5), 5)], ids=str)
def test_svd_lowrank_is_exact_for_rank_q(torch, rng, shape, q):
    a = _low_rank(rng, shape[:-2], shape[-2], shape[-1], q)
    mg.manual_seed(0)
    A, tA = T(a, True), TT(torch, a, True)
    U, S, V = svd_lowrank(A, q=q)
    tU, tS, tV = torch.svd_lowrank(tA, q=q)
    assert (U.shape, S.shape, V.shape) == (tU.shape, tS.shape, tV.shape)
    close(S, tS, 1e-10)
    close((U * S.unsqueeze(-2)) @ V.mT, a, 1e-10)
    np.testing.assert_allclose((U.mT @ U).numpy(), np.broadcast_to(np.eye(q), U.shape[:-2] + (q, q)), atol=1e-12)
    weighted_grads([S], [tS], [A], [tA], rng)  # a function of the singular values alone: the draw does not matter


@pytest.mark.torch
def test_svd_lowrank_shapes_options_and_errors(torch, rng):
    a = rng.standard_normal((5, 4))
    for q in (2, 4, 6):  # q beyond min(m, n) gives min(m, n) values, as in torch
        ours, theirs = svd_lowrank(T(a), q=q), torch.svd_lowrank(TT(torch, a), q=q)
        assert [tuple(o.shape) for o in ours] == [tuple(t.shape) for t in theirs]
    U, S, V = svd_lowrank(T(a), q=4, niter=4)  # q = n: the full SVD
    close(S, np.linalg.svd(a, compute_uv=False), 1e-10)
    m = rng.standard_normal((1, 4))
    _, S, _ = svd_lowrank(T(a), q=4, M=T(m))
    close(S, np.linalg.svd(a - m, compute_uv=False), 1e-10)
    assert svd_lowrank(T(a, dtype=np.float32), q=2)[0].dtype == np.float32
    with pytest.raises(ArgumentError, match=r"svd_lowrank: q\(=-1\) must be non-negative"):
        svd_lowrank(T(a), q=-1)
    with pytest.raises(ArgumentError, match=r"niter\(=-1\)"):
        svd_lowrank(T(a), niter=-1)
    with pytest.raises(DTypeError, match="svd_lowrank.*int64"):
        svd_lowrank(mg.tensor([[1, 2], [3, 4]]))
    with pytest.raises(ShapeError, match="svd_lowrank.*at least 2 dimensions"):
        svd_lowrank(T([1.0, 2.0]))


@pytest.mark.torch
def test_pca_lowrank_matches_torch(torch, rng):
    a = _low_rank(rng, (), 8, 5, 3) + rng.standard_normal((1, 5))  # centered, it has rank 3
    U, S, V = pca_lowrank(T(a), q=3)
    tU, tS, tV = torch.pca_lowrank(TT(torch, a), q=3)
    close(S, tS, 1e-10)
    centered = a - a.mean(0)
    close(np.abs(V.numpy().T @ tV.numpy()), np.eye(3), 1e-8)  # the same principal directions, up to sign
    close((U * S.unsqueeze(-2)) @ V.mT, centered, 1e-10)
    b = rng.standard_normal((2, 4, 6))
    assert [tuple(o.shape) for o in pca_lowrank(T(b))] == [tuple(t.shape) for t in torch.pca_lowrank(TT(torch, b))]
    _, S, _ = pca_lowrank(T(b), q=4, center=False, niter=3)
    close(S, torch.linalg.svdvals(TT(torch, b)), 1e-8)
    with pytest.raises(ArgumentError, match=r"pca_lowrank: q\(=5\) must be .*min\(m, n\)=4"):
        pca_lowrank(T(b), q=5)
    with pytest.raises(ValueError):  # torch's type
        pca_lowrank(T(b), niter=-1)

    def seeded(x):
        mg.manual_seed(0)  # the same random matrix in every call
        return pca_lowrank(x, q=3)[1]

    assert gradcheck(seeded, [T(a, True)])
