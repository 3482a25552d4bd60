"""minigrad.linalg against torch.linalg: what the registry's generic checks do not cover.

The registry (tests/test_registry.py) runs gradcheck, gradgradcheck, float32, non-contiguous
and torch parity for every entry. Here: every Function of minigrad.linalg has an entry,
bad inputs raise the right errors, outputs without gradients (ranks, info codes, signs)
match torch, gradients of raw (not symmetrized) inputs follow PyTorch's conventions, and
the Tensor methods and top-level names exist.
"""

import importlib
import inspect
import math
import pkgutil

import numpy as np
import pytest

import minigrad as mg
import minigrad.linalg
from minigrad import linalg as LA
from minigrad.autograd.function import Function
from minigrad.errors import ArgumentError, LinAlgError, MinigradError, ShapeError
from minigrad.testing.matrix_samples import symmetric, well_conditioned, with_singular_values
from minigrad.testing.registry import functions_covered

torch = pytest.importorskip("torch")


def T(a, grad=False):
    return mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def TT(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def close(a, b, tol=1e-9):
    a = a.numpy() if hasattr(a, "numpy") and not isinstance(a, np.ndarray) else a
    b = b.detach().numpy() if isinstance(b, torch.Tensor) else b
    np.testing.assert_allclose(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), rtol=tol, atol=tol)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# ---- every Function is checked by the registry ------------------------------------------------------


def test_every_function_in_linalg_has_a_registry_entry():
    covered = functions_covered()
    missing = []
    for info in pkgutil.walk_packages(minigrad.linalg.__path__, minigrad.linalg.__name__ + "."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Function) and cls.__module__ == module.__name__ and cls not in covered:
                missing.append(f"{cls.__module__}.{cls.__qualname__}")
    assert not missing, "Functions in minigrad.linalg without a registry entry: " + ", ".join(missing)


def test_linalg_names():
    for name in ["norm", "vector_norm", "matrix_norm", "inv", "inv_ex", "det", "slogdet", "solve", "cholesky",
                 "qr", "svd", "svdvals", "eigh", "eigvalsh", "pinv", "matrix_power", "matrix_rank", "multi_dot",
                 "cross", "vecdot", "diagonal", "LinAlgError"]:
        assert hasattr(mg.linalg, name), name
    for name in ["einsum", "bmm", "mm", "mv", "dot", "vdot", "outer", "ger", "inner", "kron", "tensordot", "addmm",
                 "addmv", "addr", "baddbmm", "addbmm", "det", "logdet", "slogdet", "inverse", "cholesky", "svd", "qr",
                 "pinverse", "matrix_power", "trace", "norm", "cdist", "dist", "cross", "chain_matmul"]:
        assert hasattr(mg, name), name
    assert mg.linalg.LinAlgError is LinAlgError
    assert issubclass(LinAlgError, RuntimeError) and issubclass(LinAlgError, MinigradError)


# ---- errors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fn, name", [(LA.inv, "linalg.inv"), (LA.det, "linalg.det"), (LA.slogdet, "linalg.slogdet"),
                                      (LA.cholesky, "linalg.cholesky"), (LA.eigh, "linalg.eigh"),
                                      (LA.eigvalsh, "linalg.eigvalsh"), (lambda A: LA.matrix_power(A, 2),
                                                                         "linalg.matrix_power"),
                                      (lambda A: LA.solve(A, T(np.ones((2, 1)))), "linalg.solve")])
def test_non_square_is_a_shape_error_naming_the_op(fn, name):
    with pytest.raises(ShapeError, match=name) as info:
        fn(T(np.ones((2, 3))))
    assert isinstance(info.value, RuntimeError)
    with pytest.raises(RuntimeError):  # torch agrees that it is an error
        {"linalg.inv": torch.linalg.inv, "linalg.det": torch.linalg.det}.get(name, torch.linalg.inv)(
            torch.ones(2, 3, dtype=torch.float64))


def test_one_dimensional_input_is_a_shape_error():
    for fn in (LA.inv, LA.det, LA.svd, LA.qr, LA.pinv):
        with pytest.raises(ShapeError, match="at least 2 dimensions"):
            fn(T(np.ones(3)))


def test_integer_input_is_a_runtime_error_like_torch():
    A = mg.tensor(np.eye(3, dtype=np.int64))
    for fn in (LA.inv, LA.det, LA.cholesky, LA.svd, LA.eigh):
        with pytest.raises(RuntimeError, match="floating point"):
            fn(A)
    with pytest.raises(RuntimeError):
        torch.linalg.inv(torch.eye(3, dtype=torch.int64))


def test_singular_matrix_raises_linalg_error():
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    for fn in (LA.inv, lambda A: LA.solve(A, T(np.ones(2)))):
        with pytest.raises(LinAlgError, match="singular") as info:
            fn(T(singular))
        assert isinstance(info.value, RuntimeError)
    with pytest.raises(torch.linalg.LinAlgError):
        torch.linalg.inv(TT(singular))
    batch = np.stack([np.eye(2), singular])
    with pytest.raises(LinAlgError):
        LA.inv(T(batch))


def test_cholesky_of_a_matrix_that_is_not_positive_definite():
    A = np.array([[1.0, 2.0], [2.0, 1.0]])  # eigenvalues 3 and -1
    with pytest.raises(LinAlgError, match="positive-definite"):
        LA.cholesky(T(A))
    with pytest.raises(torch.linalg.LinAlgError):
        torch.linalg.cholesky(TT(A))


def test_argument_errors():
    A = T(np.eye(3))
    with pytest.raises(ArgumentError, match="mode"):
        LA.qr(A, mode="full")
    with pytest.raises(ArgumentError, match="UPLO"):
        LA.eigh(A, UPLO="X")
    with pytest.raises(ArgumentError, match="integer"):
        LA.matrix_power(A, 1.5)
    with pytest.raises(ArgumentError, match="order"):
        LA.matrix_norm(A, ord=3)
    with pytest.raises(ArgumentError, match="2-tuple"):
        LA.matrix_norm(A, dim=0)
    with pytest.raises(ShapeError, match="1-D or 2-D"):
        LA.norm(T(np.ones((2, 2, 2))), ord=2)


def test_solve_shape_errors():
    A = T(np.eye(3))
    with pytest.raises(ShapeError, match="AX = B"):
        LA.solve(A, T(np.ones((4, 2))))
    with pytest.raises(ShapeError, match="XA = B"):
        LA.solve(A, T(np.ones((2, 4))), left=False)
    with pytest.raises(ShapeError):
        LA.solve(T(np.stack([np.eye(3)] * 2)), T(np.ones((3, 3, 1))))  # batch 2 vs 3
    with pytest.raises(RuntimeError):
        torch.linalg.solve(torch.eye(3, dtype=torch.float64), torch.ones(4, 2, dtype=torch.float64))


def test_qr_without_a_gradient_says_why():
    A = T(np.random.default_rng(0).standard_normal((4, 3)), grad=True)
    Q, R = LA.qr(A, mode="r")
    assert Q.shape == (0,)
    close(R.abs(), torch.linalg.qr(TT(A.numpy()), mode="r")[1].abs())
    with pytest.raises(RuntimeError, match="mode='r'"):
        R.sum().backward()
    Q, R = LA.qr(A, mode="complete")
    with pytest.raises(RuntimeError, match="complete"):
        (Q.sum() + R.sum()).backward()


# ---- outputs without gradients; conventions on raw inputs ---------------------------------------------------


def test_matrix_rank(rng):
    low = rng.standard_normal((2, 5, 2)) @ rng.standard_normal((2, 2, 4))
    for kwargs in ({}, {"atol": 1e-8}, {"rtol": 0.5}):
        got = LA.matrix_rank(T(low), **kwargs)
        want = torch.linalg.matrix_rank(TT(low), **kwargs)
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    sym = symmetric(rng, (4, 4), signs=True)
    assert int(LA.matrix_rank(T(sym), hermitian=True).item()) == 4


def test_inv_ex_reports_which_matrix_is_singular():
    batch = np.stack([np.eye(2) * 2, np.array([[1.0, 2.0], [2.0, 4.0]])])
    inverse, info = LA.inv_ex(T(batch))
    np.testing.assert_array_equal(info.numpy(), [0, 2])  # LAPACK's code, as torch's: U[1, 1] = 0
    close(inverse.numpy()[0], np.eye(2) / 2)
    assert np.isnan(inverse.numpy()[1]).all()
    with pytest.raises(LinAlgError):
        LA.inv_ex(T(batch), check_errors=True)


def test_slogdet_sign_and_large_matrices(rng):
    A = well_conditioned(rng, (3, 3))
    A[0] *= -1
    sign, logabs = LA.slogdet(T(A))
    t_sign, t_logabs = torch.linalg.slogdet(TT(A))
    close(sign, t_sign)
    close(logabs, t_logabs)
    big = 10.0 * np.eye(400)  # det = 1e400 overflows float64; its log does not
    assert math.isinf(LA.det(T(big)).item())
    close(LA.slogdet(T(big)).logabsdet, 400 * math.log(10.0))
    assert LA.slogdet(T(A))._fields == ("sign", "logabsdet")


def test_eigh_and_cholesky_gradients_on_raw_symmetric_input_match_torch(rng):
    """Given a symmetric A itself (not a symmetrized X), the gradient is the symmetric one,
    as in PyTorch, though the forward reads only one triangle."""
    A = symmetric(rng, (2, 4, 4))
    for uplo in ("L", "U"):
        a, ta = T(A, grad=True), TT(A, grad=True)
        w, V = LA.eigh(a, UPLO=uplo)
        tw, tV = torch.linalg.eigh(ta, UPLO=uplo)
        weights = rng.standard_normal(A.shape)
        ((V * V * T(weights)).sum() + (w ** 3).sum()).backward()
        ((tV * tV * TT(weights)).sum() + (tw ** 3).sum()).backward()
        close(w, tw)
        close(a.grad, ta.grad, 1e-8)
        close(a.grad, np.swapaxes(a.grad.numpy(), -1, -2))
    a, ta = T(A, grad=True), TT(A, grad=True)
    weights = rng.standard_normal(A.shape)
    (LA.cholesky(a) * T(weights)).sum().backward()
    (torch.linalg.cholesky(ta) * TT(weights)).sum().backward()
    close(a.grad, ta.grad, 1e-8)


def test_svd_shapes_and_legacy_form(rng):
    A = with_singular_values(rng, (2, 5, 3))
    U, S, Vh = LA.svd(T(A))
    assert (U.shape, S.shape, Vh.shape) == ((2, 5, 5), (2, 3), (2, 3, 3))
    U, S, Vh = LA.svd(T(A), full_matrices=False)
    assert (U.shape, Vh.shape) == ((2, 5, 3), (2, 3, 3))
    close(U @ (S[..., :, None] * Vh), A)
    U, S, V = mg.svd(T(A))
    close(U @ (S[..., :, None] * V.mT), A)
    U, S, V = mg.svd(T(A), compute_uv=False)
    tU, tS, tV = torch.svd(TT(A), compute_uv=False)
    assert U.shape == tuple(tU.shape) and V.shape == tuple(tV.shape)
    assert not U.numpy().any()
    close(S, tS)


def test_svdvals_gradient_is_defined_at_repeated_singular_values():
    """d(sum s)/dA = U V^T needs no distinct singular values (only U, V's own gradients do)."""
    A = T(np.diag([2.0, 2.0, 1.0]), grad=True)
    LA.svdvals(A).sum().backward()
    close(A.grad, np.eye(3))


def test_pinv_of_a_rank_deficient_matrix(rng):
    low = rng.standard_normal((4, 2)) @ rng.standard_normal((2, 5))
    a, ta = T(low, grad=True), TT(low, grad=True)
    P, tP = LA.pinv(a), torch.linalg.pinv(ta)
    close(P, tP, 1e-8)
    w = rng.standard_normal((5, 4))
    (P * T(w)).sum().backward()
    (tP * TT(w)).sum().backward()
    close(a.grad, ta.grad, 1e-7)
    close(mg.pinverse(T(low)), torch.pinverse(TT(low)), 1e-8)
    close(LA.pinv(T(low), atol=1e-3), torch.linalg.pinv(TT(low), atol=1e-3), 1e-8)


def test_matrix_power_zero_is_the_identity(rng):
    A = T(well_conditioned(rng, (2, 3, 3)), grad=True)
    P = LA.matrix_power(A, 0)
    close(P, np.broadcast_to(np.eye(3), (2, 3, 3)))
    P.add_(1.0)  # a fresh, writable array, not a broadcast view
    close(P, np.broadcast_to(np.eye(3), (2, 3, 3)) + 1)


def test_float32_stays_float32(rng):
    A = mg.tensor(well_conditioned(rng, (3, 3)).astype(np.float32))
    S = mg.tensor(symmetric(rng, (3, 3)).astype(np.float32))
    outs = [LA.inv(A), LA.det(A), LA.slogdet(A)[1], LA.solve(A, A), LA.cholesky(S), LA.qr(A)[0], LA.svd(A)[1],
            LA.eigh(S)[0], LA.pinv(A), LA.matrix_power(A, 3), LA.norm(A), LA.matrix_norm(A, "nuc"),
            LA.vector_norm(A, 3)]
    for out in outs:
        assert out.dtype == np.float32


# ---- Tensor methods ----------------------------------------------------------------------------------------


def test_tensor_methods(rng):
    A = well_conditioned(rng, (3, 3))
    S = symmetric(rng, (3, 3))
    a, s, ta, ts = T(A), T(S), TT(A), TT(S)
    close(a.det(), ta.det())
    close(s.logdet(), ts.logdet())
    close(a.inverse(), ta.inverse())
    close(s.cholesky(), ts.cholesky())
    close(s.cholesky(upper=True), ts.cholesky(upper=True))
    close(a.pinverse(), ta.pinverse(), 1e-8)
    close(a.matrix_power(3), ta.matrix_power(3))
    close(a.norm(), ta.norm())
    close(a.norm(p=1, dim=0), ta.norm(p=1, dim=0))
    close(a.norm(p="nuc"), ta.norm(p="nuc"))
    close(a.slogdet()[1], ta.slogdet()[1])
    close(a.trace(), ta.trace())
    Q, R = a.qr()
    tQ, tR = ta.qr()
    close(Q, tQ)
    close(R, tR)
    close(T(A[0]).cross(T(A[1])), torch.linalg.cross(ta[0], ta[1]))


def test_eigvalsh_gradient_is_defined_at_repeated_eigenvalues():
    A = T(np.diag([1.0, 1.0, 3.0]), grad=True)
    (LA.eigvalsh(A) * T([1.0, 1.0, 2.0])).sum().backward()
    close(A.grad, np.diag([1.0, 1.0, 2.0]))


def test_lstsq_fields_follow_torch_drivers(rng):
    A, B = with_singular_values(rng, (2, 5, 3)), rng.standard_normal((2, 5, 2))
    for driver in ("gelsy", "gelsd", "gelss", "gels"):
        got, want = LA.lstsq(T(A), T(B), driver=driver), torch.linalg.lstsq(TT(A), TT(B), driver=driver)
        close(got.solution, want.solution, 1e-9)
        assert got.residuals.shape == tuple(want.residuals.shape), driver
        if want.residuals.numel():
            close(got.residuals, want.residuals, 1e-9)
        assert got.rank.shape == tuple(want.rank.shape), driver
        if want.rank.numel():
            np.testing.assert_array_equal(got.rank.numpy(), want.rank.numpy())
        assert got.singular_values.shape == tuple(want.singular_values.shape), driver
        if want.singular_values.numel():
            close(got.singular_values, want.singular_values, 1e-9)
    with pytest.raises(ArgumentError, match="driver"):
        LA.lstsq(T(A), T(B), driver="fast")
    with pytest.raises(ShapeError):
        LA.lstsq(T(A), T(B[:, :4]))


def test_matrix_exp_known_values():
    close(LA.matrix_exp(T(np.zeros((2, 2)))), np.eye(2))
    theta = 0.7  # exp of a rotation generator is the rotation
    close(LA.matrix_exp(T([[0.0, -theta], [theta, 0.0]])),
          np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]]), 1e-12)
    close(LA.matrix_exp(T(np.diag([1.0, 20.0]))), np.diag(np.exp([1.0, 20.0])), 1e-12)
    assert mg.randn(3, 3).matrix_exp().dtype == np.float32


def test_det_gradient_at_a_singular_matrix_matches_torch(rng):
    """d det / dA is the cofactor matrix, finite at a singular A (rank n - 1 here)."""
    A = rng.standard_normal((3, 2)) @ rng.standard_normal((2, 3))
    batch = np.stack([A, well_conditioned(rng, (3, 3))])
    a, ta = T(batch, grad=True), TT(batch, grad=True)
    LA.det(a).sum().backward()
    torch.linalg.det(ta).sum().backward()
    assert np.abs(a.grad.numpy()[0]).max() > 1e-3  # a real, nonzero gradient
    close(a.grad, ta.grad, 1e-8)


def test_det_gradient_at_an_exactly_singular_matrix_is_the_cofactor_matrix():
    """inv fails here (a zero pivot), so the cofactors come from the SVD. (PyTorch 2.13 returns
    zeros for this matrix; finite differences agree with the cofactors.)"""
    A = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])  # row 2 = 2 * row 1
    with pytest.raises(LinAlgError):
        LA.inv(T(A))
    a = T(A, grad=True)
    LA.det(a).backward()
    cofactors = np.array([[4.0, 4.0, -4.0], [-2.0, -2.0, 2.0], [0.0, 0.0, 0.0]])
    close(a.grad, cofactors, 1e-12)
    from minigrad.testing import gradcheck

    assert gradcheck(LA.det, [T(A, grad=True)])


def test_cond_tensorinv_tensorsolve(rng):
    A = with_singular_values(rng, (3, 3))
    for p in (None, "fro", "nuc", 1, -1, math.inf, -math.inf, 2, -2):
        close(LA.cond(T(A), p), torch.linalg.cond(TT(A), p), 1e-9)
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    assert math.isinf(LA.cond(T(singular), "fro").item())
    with pytest.raises(ArgumentError, match="ind"):
        LA.tensorinv(T(np.eye(4)), ind=0)
    with pytest.raises(ShapeError, match="product"):
        LA.tensorinv(T(np.ones((2, 3, 4))), ind=1)
    with pytest.raises(ShapeError, match="does not fit"):
        LA.tensorsolve(T(np.ones((2, 3, 5))), T(np.ones((2, 3))))
    assert LA.matmul is mg.matmul


# ---- float16: refused where PyTorch's CPU LAPACK refuses it, computed where it is not needed -------------
@pytest.mark.parametrize("name,call", [
    ("linalg.inv", lambda A: LA.inv(A)), ("linalg.det", lambda A: LA.det(A)),
    ("linalg.slogdet", lambda A: LA.slogdet(A)), ("linalg.cholesky", lambda A: LA.cholesky(A)),
    ("linalg.svd", lambda A: LA.svd(A)), ("linalg.eigh", lambda A: LA.eigh(A)),
    ("linalg.qr", lambda A: LA.qr(A)), ("linalg.solve", lambda A: LA.solve(A, A)),
    ("linalg.matrix_norm", lambda A: LA.matrix_norm(A, 2)), ("linalg.matrix_power", lambda A: LA.matrix_power(A, -1)),
])
def test_float16_is_refused_by_lapack_functions(name, call):
    A = mg.tensor(np.eye(3) * 2.0, dtype="float16")
    with pytest.raises(RuntimeError, match="low precision") as info:
        call(A)
    assert isinstance(info.value, MinigradError) and "float16" in str(info.value)


def test_float16_products_and_sums_work_as_in_torch():
    x = np.array([[1.0, 0.5, 0.0], [0.25, 1.0, 0.5], [0.0, 0.5, 1.0]])
    A, T = mg.tensor(x, dtype="float16"), torch.tensor(x, dtype=torch.float16)
    # (torch's own float16 matrix_exp overflows its Pade coefficients to inf: compare with float32's)
    for mine, theirs in [(LA.matrix_exp(A), torch.linalg.matrix_exp(T.float())), (LA.matrix_power(A, 3), torch.linalg.matrix_power(T, 3)),
                         (LA.matrix_norm(A), torch.linalg.matrix_norm(T)), (LA.matrix_norm(A, 1), torch.linalg.matrix_norm(T, 1)),
                         (LA.norm(A), torch.linalg.norm(T))]:
        assert mine.dtype == np.float16
        np.testing.assert_allclose(mine.numpy().astype(float), theirs.float().numpy(), rtol=3e-3)


def test_cross_refuses_bool_as_torch():
    a = mg.tensor(np.ones((2, 3), dtype=bool))
    with pytest.raises(NotImplementedError, match="linalg.cross"):
        LA.cross(a, a)
    with pytest.raises(NotImplementedError):
        torch.linalg.cross(torch.ones(2, 3, dtype=torch.bool), torch.ones(2, 3, dtype=torch.bool))


def test_slogdet_backward_at_a_singular_matrix_does_not_raise():
    A = mg.tensor([[[0.0, 0.0], [0.0, 0.0]], [[2.0, 1.0], [1.0, 3.0]]], dtype="float64", requires_grad=True)
    (g,) = mg.grad(LA.slogdet(A).logabsdet.sum(), [A])
    assert np.isnan(g.numpy()[0]).all()  # no derivative at the singular matrix
    np.testing.assert_allclose(g.numpy()[1], np.linalg.inv(A.numpy()[1]).T)  # the invertible one gets A^-T
