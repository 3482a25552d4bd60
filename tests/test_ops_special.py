"""Special functions and statistics against torch: poles, tails, nan handling, integer ops, bad input."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ArgumentError, DTypeError, ShapeError

torch = pytest.importorskip("torch")


def same(ours, theirs, rtol=1e-12, atol=0.0):
    theirs = theirs.detach().numpy()
    ours = ours.numpy()
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, equal_nan=True)


@pytest.mark.parametrize("name", ["lgamma", "digamma"])
def test_gamma_family_at_poles_negatives_and_large_values(name):
    x = np.array([-3.0, -2.5, -1.0, -0.5, 0.0, 1e-8, 0.5, 1.0, 2.0, 3.7, 171.5, 1e10, np.inf, np.nan])
    same(getattr(mg, name)(mg.tensor(x)), getattr(torch, name)(torch.tensor(x)), rtol=1e-11)


def test_polygamma_against_the_series_definition():
    x = np.linspace(0.2, 6.0, 30)
    # ψ'(x) = Σ_k 1/(x+k)², summed far enough and closed with the integral tail 1/(x+K)
    k = np.arange(200000)[:, None]
    trigamma = (1 / (x + k) ** 2).sum(0) + 1 / (x + 200000)
    np.testing.assert_allclose(mg.polygamma(1, mg.tensor(x)).numpy(), trigamma, rtol=1e-9)
    same(mg.polygamma(2, mg.tensor(x)), torch.polygamma(2, torch.tensor(x)), rtol=1e-9)


def test_erfinv_tails_and_domain():
    y = np.array([-1.0, -0.999999999, -0.5, 0.0, 1e-300, 0.3, 0.999999, 1.0, 1.5, np.nan])
    same(mg.erfinv(mg.tensor(y)), torch.erfinv(torch.tensor(y)), rtol=1e-10)
    y32 = np.linspace(-0.99, 0.99, 50).astype(np.float32)
    same(mg.erfinv(mg.tensor(y32)), torch.erfinv(torch.tensor(y32)), rtol=2e-6, atol=1e-7)


def test_integer_inputs_become_float_and_mvlgamma_checks_its_domain():
    same(mg.lgamma(mg.tensor([1, 2, 5])), torch.lgamma(torch.tensor([1, 2, 5])), rtol=1e-6)
    same(mg.mvlgamma(mg.tensor([2.5, 3.0], dtype=mg.float64), 3), torch.mvlgamma(torch.tensor([2.5, 3.0],
                                                                                           dtype=torch.float64), 3))
    with pytest.raises(ArgumentError, match="mvlgamma"):
        mg.mvlgamma(mg.tensor([0.5]), 3)
    with pytest.raises(ArgumentError, match="polygamma"):
        mg.polygamma(-1, mg.tensor([1.0]))


@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantile_forms_match_torch(interpolation):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 9))
    q = np.array([0.0, 0.25, 0.5, 0.9, 1.0])
    for dim, keepdim in [(None, False), (1, False), (0, True), (None, True)]:
        same(mg.quantile(mg.tensor(x), mg.tensor(q), dim=dim, keepdim=keepdim, interpolation=interpolation),
             torch.quantile(torch.tensor(x), torch.tensor(q), dim=dim, keepdim=keepdim, interpolation=interpolation))
    same(mg.quantile(mg.tensor(x), 0.3, dim=1), torch.quantile(torch.tensor(x), 0.3, dim=1))


def test_nanquantile_skips_nan_and_quantile_propagates_it():
    x = np.array([[1.0, np.nan, 3.0, 2.0], [np.nan] * 4, [4.0, 1.0, 2.0, 3.0]])
    for fn in ("quantile", "nanquantile"):
        same(getattr(mg, fn)(mg.tensor(x), 0.4, dim=1), getattr(torch, fn)(torch.tensor(x), 0.4, dim=1))
    with pytest.raises(ArgumentError, match="q"):
        mg.quantile(mg.tensor(x), 1.5)


def test_diff_cov_corrcoef_renorm_match_torch():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 6))
    same(mg.diff(mg.tensor(x), n=2, dim=1, prepend=mg.tensor(x[:, :2]), append=mg.tensor(x[:, :1])),
         torch.diff(torch.tensor(x), n=2, dim=1, prepend=torch.tensor(x[:, :2]), append=torch.tensor(x[:, :1])))
    same(mg.diff(mg.tensor([True, False, False])), torch.diff(torch.tensor([True, False, False])))
    fw, aw = np.array([1, 2, 1, 3, 1, 1]), rng.uniform(0.5, 2, 6)
    same(mg.cov(mg.tensor(x), correction=1, fweights=mg.tensor(fw), aweights=mg.tensor(aw)),
         torch.cov(torch.tensor(x), correction=1, fweights=torch.tensor(fw), aweights=torch.tensor(aw)))
    same(mg.cov(mg.tensor(x[0])), torch.cov(torch.tensor(x[0])))
    same(mg.corrcoef(mg.tensor(x)), torch.corrcoef(torch.tensor(x)))
    same(mg.renorm(mg.tensor(x), 1, 0, 2.0), torch.renorm(torch.tensor(x), 1, 0, 2.0))


def test_counting_and_integer_helpers_match_torch():
    v = np.array([0, 3, 1, 3, 3, 7])
    same(mg.bincount(mg.tensor(v)), torch.bincount(torch.tensor(v)))
    w = np.linspace(0, 1, 6)
    same(mg.bincount(mg.tensor(v), weights=mg.tensor(w), minlength=10),
         torch.bincount(torch.tensor(v), weights=torch.tensor(w), minlength=10))
    x = np.array([0.1, 0.5, 0.5, 2.0, -1.0], dtype=np.float32)
    same(mg.histc(mg.tensor(x), bins=4, min=0, max=2), torch.histc(torch.tensor(x), bins=4, min=0, max=2))
    same(mg.histc(mg.tensor(x), bins=3), torch.histc(torch.tensor(x), bins=3))
    same(mg.heaviside(mg.tensor([-1.0, 0.0, 2.0]), mg.tensor([0.5])),
         torch.heaviside(torch.tensor([-1.0, 0.0, 2.0]), torch.tensor([0.5])))
    same(mg.signbit(mg.tensor([-0.0, 0.0, -2.0])), torch.signbit(torch.tensor([-0.0, 0.0, -2.0])))
    a, b = np.array([12, 18, -4, 0]), np.array([8, 27, 6, 5])
    same(mg.gcd(mg.tensor(a), mg.tensor(b)), torch.gcd(torch.tensor(a), torch.tensor(b)))
    same(mg.lcm(mg.tensor(a), mg.tensor(b)), torch.lcm(torch.tensor(a), torch.tensor(b)))
    m, e = mg.frexp(mg.tensor([8.0, 0.3, -5.0]))
    tm, te = torch.frexp(torch.tensor([8.0, 0.3, -5.0]))
    same(m, tm)
    same(e, te)
    same(mg.ldexp(mg.tensor([1.0, 2.0]), mg.tensor([3, -1])), torch.ldexp(torch.tensor([1.0, 2.0]),
                                                                           torch.tensor([3, -1])))


def test_bad_inputs_are_refused_clearly():
    with pytest.raises(ShapeError, match="bincount"):
        mg.bincount(mg.tensor([[1, 2]]))
    with pytest.raises(ArgumentError, match="non-negative"):
        mg.bincount(mg.tensor([1, -2]))
    with pytest.raises(DTypeError, match="gcd"):
        mg.gcd(mg.tensor([1.5]), mg.tensor([2.0]))
    with pytest.raises(ShapeError, match="cov"):
        mg.cov(mg.ones(2, 2, 2))
    with pytest.raises(ShapeError, match="diff"):
        mg.diff(mg.tensor(1.0))


def test_special_namespace_matches_torch_special():
    x = np.linspace(-3, 3, 13)
    for name in ("expit", "ndtr", "log_ndtr", "gammaln", "psi", "entr", "sinc", "erfc"):
        same(getattr(mg.special, name)(mg.tensor(x)), getattr(torch.special, name)(torch.tensor(x)), rtol=1e-10,
             atol=1e-300)
    p = np.linspace(0.05, 0.95, 7)
    same(mg.special.ndtri(mg.tensor(p)), torch.special.ndtri(torch.tensor(p)), rtol=1e-10)
    same(mg.special.logit(mg.tensor(p)), torch.special.logit(torch.tensor(p)))


def test_cov_and_corrcoef_of_one_variable_are_0d_as_torch():
    x = np.random.default_rng(0).standard_normal((1, 6))
    for name in ("cov", "corrcoef"):
        mine, theirs = getattr(mg, name)(mg.tensor(x)), getattr(torch, name)(torch.from_numpy(x))
        assert mine.shape == tuple(theirs.shape) == ()
        np.testing.assert_allclose(mine.numpy(), theirs.numpy())
    assert mg.cov(mg.tensor(np.zeros((0, 6)))).shape == (0, 0)


def test_renorm_refuses_non_positive_p_and_negative_maxnorm():
    x = mg.tensor(np.ones((4, 3)))
    for p, maxnorm in [(0, 1.0), (-1, 1.0), (2, -1.0)]:
        with pytest.raises(RuntimeError):
            torch.renorm(torch.ones(4, 3), p, 0, maxnorm)
        with pytest.raises(ArgumentError, match="renorm"):
            mg.renorm(x, p, 0, maxnorm)


def test_quantiles_of_a_0d_tensor_along_dim_0():
    for name in ("quantile", "nanquantile"):
        mine = getattr(mg, name)(mg.tensor(2.0), 0.3, dim=0)
        theirs = getattr(torch, name)(torch.tensor(2.0), 0.3, dim=0)
        assert mine.shape == tuple(theirs.shape) == () and mine.numpy() == theirs.numpy()


def test_polygamma_in_float16_sums_in_float32():
    """The series' powers z^(2k+m) overflow float16: the float16 result is the float32 one
    rounded (inf beyond float16's range), as in PyTorch, not nan."""
    x = np.array([0.7, 1.3, 2.5, 0.3, -1.5], dtype=np.float16)
    for n in (1, 3, 5):
        half = mg.polygamma(n, mg.tensor(x)).numpy()
        single = mg.polygamma(n, mg.tensor(x.astype(np.float32))).numpy()
        assert half.dtype == np.float16
        with np.errstate(over="ignore"):
            np.testing.assert_array_equal(half, single.astype(np.float16))
    assert np.isinf(mg.polygamma(5, mg.tensor(np.float16([0.3]))).numpy()).all()
