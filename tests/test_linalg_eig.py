"""minigrad.linalg.eig and eigvals against torch.linalg: values (up to each eigenvector's phase),
dtypes, batches, gradients and second derivatives of phase-free losses, the error for a loss
that depends on the phases, and bad inputs. The registry (minigrad/testing/entries/linalg_eig.py)
adds gradcheck, gradgradcheck, float32 and non-contiguous checks.

Matrices are built as A = P diag(w) P^-1 from a well-conditioned P and eigenvalues w at
least 0.5 apart, so the eigenvectors and their gradients are well defined.
"""

import numpy as np
import pytest

import minigrad as mg
from minigrad import linalg as LA
from minigrad.errors import GraphError, MinigradError, ShapeError
from minigrad.testing import gradcheck, gradgradcheck
from minigrad.testing.matrix_samples import well_conditioned


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def unitary(rng, shape):
    return np.linalg.qr(rng.standard_normal(shape) + 1j * rng.standard_normal(shape))[0]


def complex_well_conditioned(rng, shape):
    """U diag(s) W^H with unitary U, W and s in [1, 3]."""
    s = np.linspace(1.0, 3.0, shape[-1])
    return (unitary(rng, shape) * s) @ np.swapaxes(unitary(rng, shape), -1, -2).conj()


def with_eigenvalues(rng, w, complex_vectors=False):
    """P diag(w) P^-1 for w (..., n) and a random well-conditioned P (complex if asked)."""
    shape = w.shape + w.shape[-1:]
    P = complex_well_conditioned(rng, shape) if complex_vectors else well_conditioned(rng, shape)
    return (P * w[..., None, :]) @ np.linalg.inv(P)


def real_matrix(rng, batch=()):
    """Real, 4 x 4: eigenvalues -2, 0.5 and the conjugate pair 1.5 +- 1.2i (a real block)."""
    D = np.zeros(batch + (4, 4))
    D[..., 0, 0], D[..., 1, 1] = -2.0, 0.5
    D[..., 2:, 2:] = [[1.5, -1.2], [1.2, 1.5]]
    P = well_conditioned(rng, batch + (4, 4))
    return P @ D @ np.linalg.inv(P)


def complex_matrix(rng, batch=()):
    w = np.array([1.0 + 1.0j, -2.0 + 0.5j, 0.5 - 1.5j, 2.5 + 0.0j])
    return with_eigenvalues(rng, np.broadcast_to(w, batch + (4,)).copy(), complex_vectors=True)


def same_up_to_phase(V, W, tol):
    """Each column of V is the same column of W times a number of modulus 1."""
    inner = (V.conj() * W).sum(-2, keepdims=True)
    np.testing.assert_allclose(np.abs(inner), 1.0, atol=tol)
    np.testing.assert_allclose(V * inner / np.abs(inner), W, atol=tol)


def phase_free_loss(lib, w, V, weights):
    """sum(weights |V|^2) + sum Re(w)^3 - sum Re(w) Im(w): unchanged when a column of V turns."""
    return (weights * (V * V.conj()).real).sum() + (w.real ** 3).sum() - (w.real * w.imag).sum()


# ---- values ---------------------------------------------------------------------------------------------


@pytest.mark.torch
@pytest.mark.parametrize("kind", ["float64", "float32", "complex128", "complex64"])
@pytest.mark.parametrize("batch", [(), (3,), (2, 2)])
def test_values_match_torch_up_to_phase(torch, rng, kind, batch):
    A = (real_matrix if kind.startswith("float") else complex_matrix)(rng, batch).astype(kind)
    w, V = LA.eig(mg.tensor(A))
    tw, tV = torch.linalg.eig(torch.tensor(A))
    expect = "complex64" if kind in ("float32", "complex64") else "complex128"
    assert w.dtype == expect and V.dtype == expect
    assert tuple(w.shape) == batch + (4,) and tuple(V.shape) == batch + (4, 4)
    tol = 1e-4 if expect == "complex64" else 1e-10
    order = slice(None)
    if expect == "complex64":  # two LAPACK builds (NumPy's, torch's) may order single precision results apart
        order = np.abs(w.numpy()[..., :, None] - tw.numpy()[..., None, :]).argmin(-2)
        assert (np.sort(order, -1) == np.arange(4)).all()
    mine_w = np.take_along_axis(w.numpy(), order, -1) if expect == "complex64" else w.numpy()
    mine_V = np.take_along_axis(V.numpy(), order[..., None, :], -1) if expect == "complex64" else V.numpy()
    np.testing.assert_allclose(mine_w, tw.numpy(), atol=tol)  # in double precision the same order: LAPACK's
    same_up_to_phase(mine_V, tV.numpy(), tol)
    np.testing.assert_allclose(np.linalg.norm(V.numpy(), axis=-2), 1.0, atol=tol)
    np.testing.assert_allclose(A @ V.numpy(), V.numpy() * w.numpy()[..., None, :], atol=10 * tol)
    np.testing.assert_allclose(LA.eigvals(mg.tensor(A)).numpy(), w.numpy(), atol=tol)
    assert LA.eigvals(mg.tensor(A)).dtype == expect


def test_result_is_a_named_tuple_like_torchs(rng):
    A = mg.tensor(real_matrix(rng))
    out = LA.eig(A)
    assert out._fields == ("eigenvalues", "eigenvectors")
    w, V = out
    assert w is out.eigenvalues and V is out.eigenvectors
    assert out[0] is w


def test_out_argument_as_torch(rng):
    A = mg.tensor(real_matrix(rng))
    w, V = mg.empty(4, dtype=mg.complex128), mg.empty(4, 4, dtype=mg.complex128)
    out = LA.eig(A, out=(w, V))
    assert out.eigenvalues is w and out.eigenvectors is V
    np.testing.assert_array_equal(w.numpy(), LA.eig(A).eigenvalues.numpy())
    o = mg.empty(4, dtype=mg.complex128)
    assert LA.eigvals(A, out=o) is o
    np.testing.assert_array_equal(o.numpy(), LA.eigvals(A).numpy())


@pytest.mark.torch
def test_real_matrices_with_a_real_spectrum_still_give_complex_results(torch):
    A = np.array([[2.0, 1.0], [0.0, 3.0]])
    w, V = LA.eig(mg.tensor(A))
    assert w.dtype == mg.complex128 and V.dtype == mg.complex128
    tw, tV = torch.linalg.eig(torch.tensor(A))
    np.testing.assert_allclose(w.numpy(), tw.numpy())
    same_up_to_phase(V.numpy(), tV.numpy(), 1e-12)
    assert LA.eigvals(mg.tensor(A, dtype="float32")).dtype == mg.complex64


def test_conjugate_pairs_of_a_real_matrix(rng):
    w = LA.eigvals(mg.tensor(real_matrix(rng))).numpy()
    pair = w[np.abs(w.imag) > 1e-9]
    np.testing.assert_allclose(np.sort_complex(pair), [1.5 - 1.2j, 1.5 + 1.2j], atol=1e-10)


@pytest.mark.torch
def test_empty_matrices(torch):
    for shape in [(0, 0), (2, 0, 0)]:
        w, V = LA.eig(mg.zeros(*shape))
        tw, tV = torch.linalg.eig(torch.zeros(*shape))
        assert tuple(w.shape) == tuple(tw.shape) and tuple(V.shape) == tuple(tV.shape)
        assert w.dtype == V.dtype == mg.complex64


def test_eigvals_with_and_without_a_gradient_agree(rng):
    A = real_matrix(rng, (2,))
    a = mg.tensor(A, requires_grad=True)
    with_grad = LA.eigvals(a)
    assert with_grad.requires_grad
    with mg.no_grad():
        without = LA.eigvals(a)
    assert not without.requires_grad
    np.testing.assert_allclose(without.numpy(), with_grad.detach().numpy(), atol=1e-12)


# ---- gradients --------------------------------------------------------------------------------------------


@pytest.mark.torch
@pytest.mark.parametrize("complex_input", [False, True])
@pytest.mark.parametrize("batch", [(), (2,)])
def test_gradients_match_torch(torch, rng, complex_input, batch):
    A = (complex_matrix if complex_input else real_matrix)(rng, batch)
    weights = rng.standard_normal(A.shape)
    a, ta = mg.tensor(A, requires_grad=True), torch.tensor(A, requires_grad=True)
    phase_free_loss(mg, *LA.eig(a), mg.tensor(weights)).backward()
    phase_free_loss(torch, *torch.linalg.eig(ta), torch.tensor(weights)).backward()
    assert a.grad.dtype == A.dtype  # real A: a real gradient (the real part)
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), atol=1e-10)

    a.grad, ta.grad = None, None  # the eigenvalues alone: V^-H diag(gw) V^H
    c = rng.standard_normal(4) + 1j * rng.standard_normal(4)
    (LA.eigvals(a) * mg.tensor(c)).real.sum().backward()
    (torch.linalg.eigvals(ta) * torch.tensor(c)).real.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), atol=1e-10)


@pytest.mark.torch
def test_float32_gradients_stay_float32(torch, rng):
    A = real_matrix(rng).astype(np.float32)
    a = mg.tensor(A, requires_grad=True)
    phase_free_loss(mg, *LA.eig(a), mg.ones(4, 4)).backward()
    assert a.grad.dtype == mg.float32
    ta = torch.tensor(A, requires_grad=True)
    phase_free_loss(torch, *torch.linalg.eig(ta), torch.ones(4, 4)).backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-3, atol=1e-3)


def test_gradcheck_real_and_complex(rng):
    weights = mg.tensor(rng.standard_normal((4, 4)))
    A = mg.tensor(real_matrix(rng), requires_grad=True)
    assert gradcheck(lambda A: phase_free_loss(mg, *LA.eig(A), weights), (A,))
    assert gradgradcheck(lambda A: phase_free_loss(mg, *LA.eig(A), weights), (A,))

    Z = complex_matrix(rng)  # complex input through its real and imaginary parts
    re, im = mg.tensor(Z.real.copy(), requires_grad=True), mg.tensor(Z.imag.copy(), requires_grad=True)
    def fn(re, im):
        w, V = LA.eig(mg.complex(re, im))
        return (V * V.conj()).real * weights, w.real, w.imag
    assert gradcheck(fn, (re, im))
    assert gradgradcheck(fn, (re, im))


@pytest.mark.torch
@pytest.mark.parametrize("complex_input", [False, True])
def test_second_derivatives_match_torch(torch, rng, complex_input):
    A = (complex_matrix if complex_input else real_matrix)(rng)
    weights, direction = rng.standard_normal((4, 4)), rng.standard_normal(A.shape)
    if complex_input:
        direction = direction + 1j * rng.standard_normal(A.shape)
    results = []
    for lib, a in [(mg, mg.tensor(A, requires_grad=True)), (torch, torch.tensor(A, requires_grad=True))]:
        loss = phase_free_loss(lib, *lib.linalg.eig(a), lib.tensor(weights))
        grad_fn = mg.grad if lib is mg else torch.autograd.grad
        (g,) = grad_fn(loss, [a], create_graph=True)
        (hv,) = grad_fn((g * lib.tensor(direction).conj()).real.sum(), [a])  # Hessian times direction
        results.append(hv.numpy())
    np.testing.assert_allclose(results[0], results[1], atol=1e-9)


def test_eigenvalue_gradient_is_defined_at_repeated_eigenvalues(rng):
    """sum(w) = trace(A): its gradient is I even where two eigenvalues coincide."""
    A = mg.tensor(with_eigenvalues(rng, np.array([1.0, 1.0, 2.0])), requires_grad=True)
    LA.eigvals(A).real.sum().backward()
    np.testing.assert_allclose(A.grad.numpy(), np.eye(3), atol=1e-10)


# ---- a loss that depends on the eigenvectors' phases --------------------------------------------------------


@pytest.mark.torch
@pytest.mark.parametrize("complex_input", [False, True])
def test_phase_dependent_loss_raises_as_in_torch(torch, rng, complex_input):
    A = (complex_matrix if complex_input else real_matrix)(rng)
    a = mg.tensor(A, requires_grad=True)
    with pytest.raises(GraphError, match=r"linalg\.eig backward: .*e\^\{i phi\}") as info:
        LA.eig(a).eigenvectors.imag.sum().backward()
    assert isinstance(info.value, RuntimeError) and isinstance(info.value, MinigradError)
    ta = torch.tensor(A, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"e\^\{i phi\}"):
        torch.linalg.eig(ta).eigenvectors.imag.sum().backward()


@pytest.mark.torch
def test_the_phase_test_has_torchs_tolerance(torch, rng):
    """An incoming gV with |Im (V^H gV)_ii| = 0.005 passes (as a rounding error would), 0.02 does not."""
    A = complex_matrix(rng)
    g0 = rng.standard_normal(A.shape) + 1j * rng.standard_normal(A.shape)
    for share, fails in [(0.005, False), (0.02, True)]:
        outcomes = []
        for lib, a in [(mg, mg.tensor(A, requires_grad=True)), (torch, torch.tensor(A, requires_grad=True))]:
            V = lib.linalg.eig(a).eigenvectors
            Vn = V.detach().numpy()
            imag = ((Vn.conj() * g0).sum(-2)).imag  # Im (V^H g0)_ii, set to `share` below
            gV = g0 - Vn * (1j * (imag - share))
            try:
                (mg.grad if lib is mg else torch.autograd.grad)([V], [a], [lib.tensor(gV)])
                outcomes.append(False)
            except RuntimeError:
                outcomes.append(True)
        assert outcomes == [fails, fails]


# ---- bad inputs -----------------------------------------------------------------------------------------------


@pytest.mark.torch
@pytest.mark.filterwarnings("ignore:ComplexHalf support is experimental")
@pytest.mark.parametrize("name", ["eig", "eigvals"])
def test_bad_inputs_raise_errors_naming_the_op(torch, name):
    fn, tfn, op = getattr(LA, name), getattr(torch.linalg, name), f"linalg.{name}"
    with pytest.raises(ShapeError, match=rf"{op}: A must be batches of square matrices.*\(shape \(2, 3\)\)"):
        fn(mg.ones(2, 3))
    with pytest.raises(ShapeError, match=rf"{op}: .*at least 2 dimensions, got shape \(3,\)"):
        fn(mg.ones(3))
    for dtype in ["int64", "bool"]:
        message = rf"{op}: expected a floating point or complex tensor, got dtype {dtype}"
        with pytest.raises(RuntimeError, match=message):
            fn(mg.ones(3, 3, dtype=dtype))
    with pytest.raises(NotImplementedError, match=rf"{op}: low precision .* float16"):
        fn(mg.ones(3, 3, dtype="float16"))
    with pytest.raises(RuntimeError, match=rf"{op}: the input should not contain infs or NaNs"):
        fn(mg.tensor([[1.0, float("nan")], [0.0, 1.0]]))
    with pytest.raises(TypeError):
        fn(np.eye(2))
    for bad in [torch.ones(2, 3), torch.ones(3), torch.ones(3, 3, dtype=torch.int64),  # torch agrees
                torch.ones(3, 3, dtype=torch.bool)]:
        with pytest.raises(RuntimeError):
            tfn(bad)
    with pytest.raises(RuntimeError):  # (torch's eigvals checks only when it needs eig: with a gradient)
        tfn(torch.tensor([[1.0, float("nan")], [0.0, 1.0]], requires_grad=True))
    with pytest.raises(NotImplementedError):
        tfn(torch.ones(3, 3, dtype=torch.float16))
