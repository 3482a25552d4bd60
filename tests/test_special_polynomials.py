"""torch.special's orthogonal polynomials (ops/orthogonal_polynomials.py): values against torch
over x in [-2, 2] and n in -2..12 plus large n, torch's conventions (n truncated, n < 0 gives
0, the values at x = ±1), dtypes, out=, refused inputs, and no gradient (as torch)."""

import numpy as np
import pytest

import minigrad
from minigrad import special
from minigrad.errors import ArgumentTypeError, UnsupportedDType

NAMES = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
         "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
         "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l",
         "legendre_polynomial_p"]
DEGREES = list(range(-2, 13)) + [-0.5, 2.5, 7.9, 50, 100, np.inf, -np.inf, np.nan]


def _grid(dtype):
    rng = np.random.default_rng(0)
    x = np.concatenate([np.linspace(-2, 2, 81), rng.uniform(-1.2, 1.2, 40), [0.25, 0.75, 1e-20, np.inf, -np.inf]])
    return np.meshgrid(x.astype(dtype), np.array(DEGREES, dtype=dtype))


def _pair(torch, name, x, n):
    ours = getattr(special, name)(minigrad.tensor(x), minigrad.tensor(n)).numpy()
    theirs = getattr(torch.special, name)(torch.from_numpy(x), torch.from_numpy(n)).numpy()
    return ours, theirs


@pytest.mark.torch
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_match_torch(torch, name, dtype):
    x, n = _grid(dtype)
    ours, theirs = _pair(torch, name, x, n)
    assert ours.dtype == theirs.dtype
    finite = np.isfinite(theirs) & (np.abs(theirs) < 1e30)  # float32 Hermite overflows: inf or nan by order
    assert np.array_equal(np.isfinite(ours) & (np.abs(ours) < 1e30), finite)
    # each degree's values compared on the scale of its largest one: the closed forms and the
    # recurrence round differently near the roots, where the value is a cancellation
    scale = np.maximum(1.0, np.max(np.where(finite, np.abs(theirs), 0), axis=1, keepdims=True))
    tol = 1e-11 if dtype == "float64" else 2e-4
    error = np.abs(np.where(finite, ours, 0) - np.where(finite, theirs, 0))
    assert np.all(error <= tol * scale)


@pytest.mark.torch
@pytest.mark.parametrize("name", NAMES)
def test_edges_and_negative_degrees_match_torch(torch, name):
    x = np.array([-1.0, 0.0, 1.0, 0.5, -1.0, 1.0, 0.0, 0.3])
    n = np.array([7.0, 7.0, 9.0, -1.0, 10.0, 0.0, 1.0, np.nan])
    ours, theirs = _pair(torch, name, x, n)
    np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=0)


@pytest.mark.torch
def test_numbers_dtypes_and_truncation_match_torch(torch):
    f = special.chebyshev_polynomial_t
    assert f(0.5, minigrad.tensor(2.5)).item() == torch.special.chebyshev_polynomial_t(0.5, torch.tensor(2.5)).item()
    assert f(minigrad.tensor(0.5), 2.5).item() == -0.5  # degree 2: 2x^2 - 1
    cases = [(minigrad.tensor([1, 2]), 2, torch.tensor([1, 2]), 2),
             (minigrad.tensor([1, 2]), minigrad.tensor([2.5]), torch.tensor([1, 2]), torch.tensor([2.5])),
             (minigrad.tensor([1.0], dtype=minigrad.float64), minigrad.tensor([3], dtype=minigrad.int32),
              torch.tensor([1.0], dtype=torch.float64), torch.tensor([3], dtype=torch.int32)),
             (minigrad.tensor([1.0]), minigrad.tensor(3.0, dtype=minigrad.float64),
              torch.tensor([1.0]), torch.tensor(3.0, dtype=torch.float64)),
             (minigrad.tensor([True]), minigrad.tensor([True]), torch.tensor([True]), torch.tensor([True]))]
    for x, n, tx, tn in cases:
        for name in NAMES:
            ours, theirs = getattr(special, name)(x, n), getattr(torch.special, name)(tx, tn)
            assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1], name
            np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, err_msg=name)


def test_broadcasting_and_out():
    x = minigrad.tensor([[0.1], [0.2], [0.3]], dtype=minigrad.float64)
    n = minigrad.tensor([0, 1, 2, 3])
    y = special.legendre_polynomial_p(x, n)
    assert y.shape == (3, 4)
    xs = x.numpy()[:, 0]
    np.testing.assert_allclose(y.numpy()[:, 3], (5 * xs ** 3 - 3 * xs) / 2, rtol=1e-14)
    out = minigrad.empty(3, 4, dtype=minigrad.float64)
    assert special.legendre_polynomial_p(x, n, out=out) is out
    np.testing.assert_array_equal(out.numpy(), y.numpy())


def test_known_polynomials():
    x = minigrad.tensor(np.linspace(-1.5, 1.5, 13), dtype=minigrad.float64)
    a = x.numpy()
    known = {"chebyshev_polynomial_t": 4 * a ** 3 - 3 * a, "chebyshev_polynomial_u": 8 * a ** 3 - 4 * a,
             "hermite_polynomial_h": 8 * a ** 3 - 12 * a, "hermite_polynomial_he": a ** 3 - 3 * a,
             "laguerre_polynomial_l": (-a ** 3 + 9 * a ** 2 - 18 * a + 6) / 6,
             "shifted_chebyshev_polynomial_t": 4 * (2 * a - 1) ** 3 - 3 * (2 * a - 1)}
    for name, value in known.items():
        np.testing.assert_allclose(getattr(special, name)(x, 3).numpy(), value, rtol=1e-12, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("name", NAMES)
def test_bad_inputs_are_refused(name):
    fn = getattr(special, name)
    for bad in (minigrad.tensor([1j]), minigrad.tensor([1.0], dtype=minigrad.float16)):
        with pytest.raises(UnsupportedDType, match=name):
            fn(bad, 2)
    with pytest.raises(ArgumentTypeError, match=name):
        fn(0.5, 2)


@pytest.mark.parametrize("name", NAMES)
def test_no_gradient_as_torch(name):
    x = minigrad.tensor([0.3, 0.6], requires_grad=True)
    n = minigrad.tensor([3.0, 4.0], requires_grad=True)
    assert not getattr(special, name)(x, n).requires_grad
