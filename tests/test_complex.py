"""Complex tensors: dtypes and promotion, the ops of ops/complex_numbers.py, the gradient
convention (dL/dz = dL/dx + i dL/dy), rotary embeddings as LLaMA-style programs write them,
and the refusals (ops without complex gradients, bad inputs)."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import DTypeError, MinigradError, NotSupported, ShapeError

torch = None
try:
    import torch
except ImportError:
    pass


def test_dtypes_and_promotion_follow_pytorch():
    assert mg.cfloat == mg.complex64 and mg.cdouble == mg.complex128
    assert mg.tensor([1 + 2j]).dtype == mg.complex64  # Python complex numbers: the default complex
    assert mg.promote_types(mg.float64, mg.complex64) == mg.complex128
    assert mg.promote_types(mg.int64, mg.complex64) == mg.complex64
    assert (mg.ones(2) * 1j).dtype == mg.complex64
    assert (mg.ones(2, dtype=mg.float64) * 1j).dtype == mg.complex128
    assert (mg.ones(2, dtype=mg.int64) + 1j).dtype == mg.complex64
    assert (mg.tensor([1j]) * 2.5).dtype == mg.complex64
    assert (mg.tensor([1j]) / 2).dtype == mg.complex64  # true division keeps complex
    z = mg.tensor([3 + 4j, -1j])
    assert z.is_complex() and not mg.ones(1).is_complex()
    np.testing.assert_array_equal(z.abs().numpy(), [5.0, 1.0])
    np.testing.assert_array_equal(mg.isreal(mg.tensor([1 + 0j, 1j])).numpy(), [True, False])


def test_parts_views_and_polar_give_the_formulas():
    z = mg.tensor([3 + 4j, -2 + 0.5j])
    np.testing.assert_array_equal(z.real.numpy(), [3.0, -2.0])
    np.testing.assert_array_equal(z.imag.numpy(), [4.0, 0.5])
    np.testing.assert_array_equal(mg.view_as_real(z).numpy(), [[3.0, 4.0], [-2.0, 0.5]])
    np.testing.assert_array_equal(mg.view_as_complex(mg.view_as_real(z)).numpy(), z.numpy())
    np.testing.assert_array_equal(z.conj().numpy(), [3 - 4j, -2 - 0.5j])
    np.testing.assert_allclose(z.angle().numpy(), np.arctan2([4.0, 0.5], [3.0, -2.0]), rtol=1e-6)
    r, theta = mg.tensor([2.0, 1.0]), mg.tensor([np.pi / 2, np.pi])
    np.testing.assert_allclose(mg.polar(r, theta).numpy(), [2j, -1], atol=1e-6)
    np.testing.assert_array_equal(mg.complex(r, theta).numpy(), r.numpy() + 1j * theta.numpy())
    x = mg.ones(3)
    assert x.real is x and x.conj() is x  # a real tensor is its own real part and conjugate
    m = mg.tensor([[1 + 1j, 2j], [3.0 + 0j, 4 - 1j]])
    np.testing.assert_array_equal(m.mH.numpy(), m.numpy().conj().T)
    np.testing.assert_array_equal(m.H.numpy(), m.numpy().conj().T)
    np.testing.assert_array_equal(mg.angle(mg.tensor([-2.0, 0.0, 3.0])).numpy(), np.float32([np.pi, 0.0, 0.0]))


def test_gradient_convention_is_that_of_pairs_of_reals():
    """For L = |z|², dL/dz = dL/dx + i dL/dy = 2x + 2iy = 2z; through a product with a
    constant c, dL/dz = g conj(c); a real input of a complex op keeps the real part."""
    z = mg.tensor([1 + 2j, -0.5 + 1j], requires_grad=True)
    (z.abs() ** 2).sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), 2 * z.detach().numpy(), rtol=1e-6)

    z = mg.tensor([1 + 2j], requires_grad=True)
    c = mg.tensor([0.5 - 1j])
    mg.view_as_real(z * c)[..., 0].sum().backward()  # L = Re(z c): dL/dz = conj(c)
    np.testing.assert_allclose(z.grad.numpy(), np.conj(c.numpy()), rtol=1e-6)

    x = mg.tensor([2.0, -1.0], requires_grad=True)
    mg.view_as_real(x * (1 + 1j)).sum().backward()  # L = Re + Im = 2x: a real gradient of 2
    assert x.grad.dtype == mg.float32
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


def _rope(lib, xq, theta):
    """LLaMA's apply_rotary_emb, as its public code writes it."""
    freqs_cis = lib.polar(lib.ones_like(theta), theta)
    xq_ = lib.view_as_complex(xq.float().reshape(*xq.shape[:-1], -1, 2))
    shape = [d if i == 1 or i == xq_.ndim - 1 else 1 for i, d in enumerate(xq_.shape)]
    return lib.view_as_real(xq_ * freqs_cis.view(*shape)).flatten(3).type_as(xq)


def test_rotary_embedding_rotates_pairs_and_keeps_their_norms():
    rng = np.random.default_rng(0)
    xq = mg.tensor(rng.standard_normal((2, 5, 3, 8)).astype(np.float32))
    theta = mg.tensor(rng.uniform(-3, 3, (5, 4)).astype(np.float32))
    out = _rope(mg, xq, theta).numpy()
    pairs, turned = xq.numpy().reshape(2, 5, 3, 4, 2), out.reshape(2, 5, 3, 4, 2)
    np.testing.assert_allclose(np.hypot(*np.moveaxis(turned, -1, 0)), np.hypot(*np.moveaxis(pairs, -1, 0)), rtol=1e-5)
    c, s = np.cos(theta.numpy())[None, :, None], np.sin(theta.numpy())[None, :, None]
    np.testing.assert_allclose(turned[..., 0], pairs[..., 0] * c - pairs[..., 1] * s, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(turned[..., 1], pairs[..., 0] * s + pairs[..., 1] * c, rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(torch is None, reason="needs torch for the parity check")
def test_rotary_embedding_matches_torch_values_and_gradients():
    rng = np.random.default_rng(1)
    xq, theta, w = rng.standard_normal((2, 6, 4, 16)), rng.uniform(-3, 3, (6, 8)), rng.standard_normal((2, 6, 4, 16))
    results = []
    for lib in (torch, mg):
        x, t = lib.tensor(xq, requires_grad=True), lib.tensor(theta, requires_grad=True)
        out = _rope(lib, x, t)
        (out * lib.tensor(w)).sum().backward()
        results.append([out.detach().numpy(), x.grad.numpy(), t.grad.numpy()])
    for got, want in zip(results[1], results[0]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_ops_without_complex_gradients_refuse_instead_of_guessing():
    z = mg.tensor([1 + 1j, 2 - 1j], requires_grad=True)
    with pytest.raises(NotSupported, match="Exp: no gradient for complex inputs"):
        z.exp()
    with mg.no_grad():  # without a gradient NumPy's complex arithmetic runs
        np.testing.assert_allclose(z.exp().numpy(), np.exp(z.detach().numpy()), rtol=1e-6)


def test_bad_inputs_are_named():
    with pytest.raises(ShapeError, match=r"view_as_complex: the last dimension must have size 2, got shape \(2, 3\)"):
        mg.view_as_complex(mg.ones(2, 3))
    with pytest.raises(DTypeError, match="view_as_complex: expected float32 or float64"):
        mg.view_as_complex(mg.ones(2, 2, dtype=mg.float16))
    with pytest.raises(DTypeError, match="view_as_real: expected a complex tensor, got dtype float32"):
        mg.view_as_real(mg.ones(2))
    with pytest.raises(DTypeError, match="imag: expected a complex tensor"):
        mg.ones(2).imag
    with pytest.raises(DTypeError, match="polar: expected float32 or float64 tensors of one dtype, got float32, float64"):
        mg.polar(mg.ones(2), mg.ones(2, dtype=mg.float64))
    with pytest.raises(ShapeError, match=r"complex: shapes \(2,\) and \(3,\) cannot be broadcast together"):
        mg.complex(mg.ones(2), mg.ones(3))
    assert issubclass(DTypeError, MinigradError)


def test_a_users_custom_function_may_take_complex_inputs():
    class Double(mg.autograd.Function):
        @staticmethod
        def forward(ctx, z):
            return z * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    z = mg.tensor([1 + 1j], requires_grad=True)
    mg.view_as_real(Double.apply(z)).sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), [2 + 2j])
