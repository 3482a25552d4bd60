"""minigrad.linalg.vander, minigrad.fft.hfft2 / hfftn / ihfft2 / ihfftn and
minigrad.linalg.householder_product (with its orgqr aliases) against PyTorch: values, dtypes,
batches, gradients (float64 gradcheck and torch's own gradients) and the errors for bad input.

All three are compositions of differentiable ops, so they have no registry entry.
"""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ArgumentRuntimeError, DTypeError, MinigradError, ShapeError
from minigrad.testing import gradcheck


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def crandn(rng, *shape):
    return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)


def to_numpy(t):
    """A torch tensor's values (conjugate views resolved)."""
    return t.detach().resolve_conj().numpy()


def torch_grads(torch, fn, arrays, weight):
    """Gradients of sum(real(fn(*arrays) * weight)) in torch."""
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*ts)
    (out * torch.tensor(weight)).real.sum().backward()
    return [to_numpy(t.grad) for t in ts]


def minigrad_grads(fn, arrays, weight):
    ts = [mg.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*ts)
    loss = out * mg.tensor(weight)
    (loss.real if loss.dtype.kind == "c" else loss).sum().backward()
    return [t.grad.numpy() for t in ts]


# ---------------------------------------------------------------- linalg.vander

@pytest.mark.torch
@pytest.mark.parametrize("x, N", [
    (np.array([1.0, 2.0, 3.0]), None), (np.array([1.0, 2.0, 3.0]), 5), (np.array([0.5, -2.0]), 2),
    (np.arange(24.0).reshape(2, 3, 4) / 10, None), (np.array([[1, 2], [3, 4]]), None),
    (np.array([1, 2], dtype=np.int32), 3), (np.array([1 + 1j, 2 - 0.5j]), 4), (np.zeros((2, 0, 3)), None),
    (np.array([1.0, 2.0], dtype=np.float32), 3),
])
def test_vander_matches_torch(torch, x, N):
    got = mg.linalg.vander(mg.tensor(x), N=N)
    want = torch.linalg.vander(torch.tensor(x), N=N)
    assert tuple(got.shape) == tuple(want.shape)
    assert str(got.dtype) == str(want.dtype).replace("torch.", "")
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)


@pytest.mark.torch
def test_vander_gradient(torch, rng):
    x = rng.standard_normal((2, 3))
    x[0, 0] = 0.0  # the gradient stays finite at 0
    gradcheck(lambda t: mg.linalg.vander(t, N=4), (mg.tensor(x, requires_grad=True),))
    w = rng.standard_normal((2, 3, 4))
    got, = minigrad_grads(lambda t: mg.linalg.vander(t, N=4), [x], w)
    want, = torch_grads(torch, lambda t: torch.linalg.vander(t, N=4), [x], w)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("make, N, error", [
    (lambda: mg.tensor(1.0), None, ShapeError),
    (lambda: mg.tensor([1.0, 2.0]), 1, ArgumentRuntimeError),
    (lambda: mg.tensor([1.0, 2.0]), 0, ArgumentRuntimeError),
    (lambda: mg.zeros(0), None, ArgumentRuntimeError),
    (lambda: mg.tensor([True, False]), None, DTypeError),
])
def test_vander_bad_input(make, N, error):
    with pytest.raises(error, match="linalg.vander") as info:
        mg.linalg.vander(make(), N=N)
    assert isinstance(info.value, MinigradError) and isinstance(info.value, RuntimeError)


# ---------------------------------------------------------------- fft.hfft2 / hfftn / ihfft2 / ihfftn

HERMITIAN_CASES = [
    ("hfft2", {}), ("hfftn", {}), ("hfft2", {"norm": "forward"}), ("hfftn", {"norm": "ortho"}),
    ("hfftn", {"s": (3, 6)}), ("hfftn", {"dim": (0, 2)}), ("hfftn", {"s": (5, 7), "dim": (2, 0)}),
    ("hfft2", {"s": (-1, 7)}), ("hfftn", {"dim": 1}),
    ("ihfft2", {}), ("ihfftn", {}), ("ihfft2", {"norm": "forward"}), ("ihfftn", {"norm": "ortho"}),
    ("ihfftn", {"s": (3, 6)}), ("ihfftn", {"dim": (0, 2)}), ("ihfft2", {"s": (2, 7)}), ("ihfftn", {"dim": 1}),
]


def fft_input(rng, name, shape=(3, 4, 5)):
    return crandn(rng, *shape) if name.startswith("hfft") else rng.standard_normal(shape)


@pytest.mark.torch
@pytest.mark.parametrize("name, kwargs", HERMITIAN_CASES)
def test_hermitian_ffts_match_torch(torch, rng, name, kwargs):
    x = fft_input(rng, name)
    got = getattr(mg.fft, name)(mg.tensor(x), **kwargs)
    want = getattr(torch.fft, name)(torch.tensor(x), **kwargs)
    assert tuple(got.shape) == tuple(want.shape)
    assert str(got.dtype) == str(want.dtype).replace("torch.", "")
    np.testing.assert_allclose(got.numpy(), to_numpy(want), rtol=1e-9, atol=1e-9)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["hfft2", "hfftn", "ihfft2", "ihfftn"])
def test_hermitian_ffts_float32_and_integers(torch, rng, name):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    for a in (x, np.arange(12).reshape(3, 4)):
        got = getattr(mg.fft, name)(mg.tensor(a))
        want = getattr(torch.fft, name)(torch.tensor(a))
        assert str(got.dtype) == str(want.dtype).replace("torch.", "")
        np.testing.assert_allclose(got.numpy(), to_numpy(want), rtol=1e-4, atol=1e-4)


@pytest.mark.torch
@pytest.mark.parametrize("name, kwargs", [c for c in HERMITIAN_CASES if "norm" in c[1] or "s" in c[1]])
def test_hermitian_ffts_gradients(torch, rng, name, kwargs):
    x = fft_input(rng, name, (3, 4, 4))
    if name.startswith("hfft"):  # complex in: check through a real view
        fn = lambda t: getattr(mg.fft, name)(mg.view_as_complex(t), **kwargs)  # noqa: E731
        gradcheck(fn, (mg.tensor(np.stack([x.real, x.imag], -1), requires_grad=True),))
    else:  # complex out: check its real view
        fn = lambda t: mg.view_as_real(getattr(mg.fft, name)(t, **kwargs))  # noqa: E731
        gradcheck(fn, (mg.tensor(x, requires_grad=True),))
    out_shape = tuple(getattr(torch.fft, name)(torch.tensor(x), **kwargs).shape)
    w = rng.standard_normal(out_shape) if name.startswith("hfft") else crandn(rng, *out_shape)
    got, = minigrad_grads(lambda t: getattr(mg.fft, name)(t, **kwargs), [x], w)
    want, = torch_grads(torch, lambda t: getattr(torch.fft, name)(t, **kwargs), [x], w)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("call, error", [
    (lambda: mg.fft.ihfftn(mg.tensor(np.ones((2, 3), dtype=np.complex128))), DTypeError),
    (lambda: mg.fft.ihfft2(mg.ones(3)), MinigradError),
    (lambda: mg.fft.hfftn(mg.ones(2, 3), s=(2, 3), dim=(0,)), ShapeError),
    (lambda: mg.fft.hfft2(mg.ones(2, 3), norm="sideways"), ArgumentRuntimeError),
])
def test_hermitian_ffts_bad_input(call, error):
    with pytest.raises(error, match="hfft"):
        call()


# ---------------------------------------------------------------- linalg.householder_product

def reflectors(rng, shape, k, complex_=False):
    A = crandn(rng, *shape) if complex_ else rng.standard_normal(shape)
    tau = crandn(rng, *shape[:-2], k) if complex_ else rng.standard_normal(shape[:-2] + (k,))
    return A, tau


@pytest.mark.torch
@pytest.mark.parametrize("shape, k, complex_", [
    ((4, 3), 2, False), ((4, 3), 3, False), ((2, 5, 5), 5, False), ((2, 3, 4, 3), 3, True), ((4, 3), 0, False),
    ((3, 2, 0), 0, False), ((5, 2), 1, True),
])
def test_householder_product_matches_torch(torch, rng, shape, k, complex_):
    A, tau = reflectors(rng, shape, k, complex_)
    got = mg.linalg.householder_product(mg.tensor(A), mg.tensor(tau))
    want = torch.linalg.householder_product(torch.tensor(A), torch.tensor(tau))
    assert tuple(got.shape) == tuple(want.shape) and str(got.dtype) == str(want.dtype).replace("torch.", "")
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.torch
def test_householder_product_of_geqrf_is_qr(torch, rng):
    A = torch.tensor(rng.standard_normal((3, 5, 4)))
    a, tau = torch.geqrf(A)
    Q = mg.linalg.householder_product(mg.tensor(a.numpy()), mg.tensor(tau.numpy()))
    np.testing.assert_allclose(Q.numpy(), torch.linalg.qr(A).Q.numpy(), atol=1e-12)
    a32, tau32 = (mg.tensor(t.numpy().astype(np.float32)) for t in (a, tau))
    assert mg.linalg.householder_product(a32, tau32).dtype == mg.float32


@pytest.mark.torch
def test_orgqr_aliases(torch, rng):
    A, tau = reflectors(rng, (4, 3), 2)
    want = torch.orgqr(torch.tensor(A), torch.tensor(tau)).numpy()
    np.testing.assert_allclose(mg.orgqr(mg.tensor(A), mg.tensor(tau)).numpy(), want, atol=1e-12)
    np.testing.assert_allclose(mg.tensor(A).orgqr(mg.tensor(tau)).numpy(), want, atol=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize("complex_", [False, True])
def test_householder_product_gradients(torch, rng, complex_):
    A, tau = reflectors(rng, (2, 4, 3), 2, complex_)
    if complex_:
        def fn(a, t):
            return mg.view_as_real(mg.linalg.householder_product(mg.view_as_complex(a), mg.view_as_complex(t)))
        inputs = tuple(mg.tensor(np.stack([z.real, z.imag], -1), requires_grad=True) for z in (A, tau))
    else:
        fn = mg.linalg.householder_product
        inputs = (mg.tensor(A, requires_grad=True), mg.tensor(tau, requires_grad=True))
    gradcheck(fn, inputs)
    w = crandn(rng, 2, 4, 3) if complex_ else rng.standard_normal((2, 4, 3))
    got = minigrad_grads(mg.linalg.householder_product, [A, tau], w)
    want = torch_grads(torch, torch.linalg.householder_product, [A, tau], w)
    for g, t in zip(got, want):
        np.testing.assert_allclose(g, t, rtol=1e-9, atol=1e-12)
    assert np.all(np.triu(got[0]) == 0)  # the diagonal and above do not enter


@pytest.mark.parametrize("A, tau, error", [
    (lambda: mg.ones(4), lambda: mg.ones(2), ShapeError),
    (lambda: mg.ones(3, 4), lambda: mg.ones(2), ShapeError),
    (lambda: mg.ones(4, 3), lambda: mg.ones(4), ShapeError),
    (lambda: mg.ones(2, 4, 3), lambda: mg.ones(2), ShapeError),
    (lambda: mg.ones(2, 4, 3), lambda: mg.ones(3, 2), ShapeError),
    (lambda: mg.ones(4, 3, dtype=mg.float64), lambda: mg.ones(2), DTypeError),
    (lambda: mg.ones(4, 3, dtype=mg.int64), lambda: mg.ones(2, dtype=mg.int64), DTypeError),
])
def test_householder_product_bad_input(A, tau, error):
    with pytest.raises(error, match="householder_product") as info:
        mg.linalg.householder_product(A(), tau())
    assert isinstance(info.value, MinigradError) and isinstance(info.value, RuntimeError)
