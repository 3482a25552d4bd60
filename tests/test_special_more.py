"""torch.special's Bessel functions (ops/bessel_more.py): values against torch (and SciPy when
installed), torch's edge conventions, dtypes, refused inputs, and gradients."""

import numpy as np
import pytest

import minigrad
from minigrad import special
from minigrad.errors import UnsupportedDType
from minigrad.testing import gradcheck

NAMES = ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
         "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
         "spherical_bessel_j0"]
# torch's J and Y (x > 5 branch) are off by up to ~6e-7 in float64: compared with an absolute tolerance
COARSE = {"bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1"}
EDGES = [-3.0, -0.0, 0.0, 1e-300, 1e-8, 1.99999, 2.0, 2.00001, 7.99999, 8.0, 8.00001, 1e3, 1e20,
         np.inf, -np.inf, np.nan]


def _points():
    rng = np.random.default_rng(0)
    return np.concatenate([rng.uniform(-30, 30, 500), rng.uniform(-3, 3, 300), EDGES])


@pytest.mark.torch
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_match_torch(torch, name, dtype):
    x = _points().astype(dtype)
    ours = getattr(special, name)(minigrad.tensor(x)).numpy()
    theirs = getattr(torch.special, name)(torch.from_numpy(x)).numpy()
    assert ours.dtype == theirs.dtype
    assert np.array_equal(np.isnan(ours), np.isnan(theirs))
    infinite = np.isinf(theirs)
    assert np.array_equal(ours[infinite], theirs[infinite])
    if dtype == "float64":
        rtol, atol = (1e-6, 1e-6) if name in COARSE else (1e-12, 1e-300)
    else:
        rtol, atol = (1e-4, 2e-6) if name in COARSE else (1e-5, 1e-30)
    finite = ~infinite & ~np.isnan(theirs)
    np.testing.assert_allclose(ours[finite], theirs[finite], rtol=rtol, atol=atol)


def test_values_match_scipy_closely():
    sp = pytest.importorskip("scipy.special")
    x = np.abs(_points()[:800]) + 1e-3
    pairs = {"bessel_j0": sp.j0, "bessel_j1": sp.j1, "bessel_y0": sp.y0, "bessel_y1": sp.y1,
             "modified_bessel_k0": sp.k0, "modified_bessel_k1": sp.k1, "scaled_modified_bessel_k0": sp.k0e,
             "scaled_modified_bessel_k1": sp.k1e, "spherical_bessel_j0": lambda v: sp.spherical_jn(0, v)}
    for name, reference in pairs.items():
        np.testing.assert_allclose(getattr(special, name)(minigrad.tensor(x)).numpy(), reference(x),
                                   rtol=1e-12, atol=1e-14, err_msg=name)


def test_edge_conventions():
    x = minigrad.tensor([0.0, -1.0, np.inf], dtype=minigrad.float64)
    np.testing.assert_array_equal(special.bessel_y0(x).numpy(), [-np.inf, np.nan, np.nan])
    np.testing.assert_array_equal(special.bessel_y1(x).numpy(), [-np.inf, np.nan, np.nan])
    np.testing.assert_array_equal(special.modified_bessel_k0(x).numpy(), [np.inf, np.nan, 0.0])
    np.testing.assert_array_equal(special.scaled_modified_bessel_k1(x).numpy(), [np.inf, np.nan, 0.0])
    np.testing.assert_array_equal(special.spherical_bessel_j0(x).numpy()[[0, 2]], [1.0, 0.0])
    assert np.signbit(special.bessel_j1(minigrad.tensor([-0.0])).numpy()[0])


@pytest.mark.parametrize("name", NAMES)
def test_integers_become_float32_and_bad_dtypes_are_refused(name):
    fn = getattr(special, name)
    assert fn(minigrad.tensor([1, 2])).dtype == minigrad.float32
    for bad in (minigrad.tensor([1j]), minigrad.tensor([1.0], dtype=minigrad.float16)):
        with pytest.raises(UnsupportedDType, match=name):
            fn(bad)


# d/dx of each, from the Bessel recurrences, to check the composed backward against
DERIVATIVES = {
    "bessel_j0": lambda sp, x: -sp.j1(x),
    "bessel_j1": lambda sp, x: sp.j0(x) - sp.j1(x) / x,
    "bessel_y0": lambda sp, x: -sp.y1(x),
    "bessel_y1": lambda sp, x: sp.y0(x) - sp.y1(x) / x,
    "modified_bessel_k0": lambda sp, x: -sp.k1(x),
    "modified_bessel_k1": lambda sp, x: -sp.k0(x) - sp.k1(x) / x,
    "scaled_modified_bessel_k0": lambda sp, x: sp.k0e(x) - sp.k1e(x),
    "scaled_modified_bessel_k1": lambda sp, x: sp.k1e(x) - sp.k0e(x) - sp.k1e(x) / x,
    "spherical_bessel_j0": lambda sp, x: (x * np.cos(x) - np.sin(x)) / x ** 2,
}


@pytest.mark.parametrize("name", NAMES)
def test_gradcheck(name):
    x = np.array([0.3, 1.7, 2.5, 5.0, 9.0, 14.0])
    if name in ("bessel_j0", "bessel_j1", "modified_bessel_i0", "modified_bessel_i1", "spherical_bessel_j0"):
        x = np.concatenate([x, -x, [0.1]])
    fn = getattr(special, name)
    assert gradcheck(fn, (minigrad.tensor(x, dtype=minigrad.float64, requires_grad=True),))


@pytest.mark.parametrize("name", sorted(DERIVATIVES))
def test_gradient_is_the_true_derivative(name):
    sp = pytest.importorskip("scipy.special")
    x = np.array([0.05, 0.3, 1.7, 1.99, 2.01, 5.0, 7.99, 8.01, 14.0])
    t = minigrad.tensor(x, dtype=minigrad.float64, requires_grad=True)
    getattr(special, name)(t).sum().backward()
    np.testing.assert_allclose(t.grad.numpy(), DERIVATIVES[name](sp, x), rtol=1e-10, atol=1e-13)
