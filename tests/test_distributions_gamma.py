"""The gamma-based and simple continuous families (Gamma, Chi2, Beta, Dirichlet, StudentT,
Exponential, Laplace, Cauchy) and the incomplete gamma functions behind them.

Against torch.distributions / torch.special: log_prob, entropy, moments, cdf/icdf and KL with
their gradients. The reparameterised gradients against the analytic gradients of expectations
(the gamma draw's implicit gradient also against exact values); samples by their moments and
by Kolmogorov-Smirnov distances to their CDFs.
"""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad.distributions.beta import Beta
from minigrad.distributions.cauchy import Cauchy
from minigrad.distributions.chi2 import Chi2
from minigrad.distributions.dirichlet import Dirichlet
from minigrad.distributions.exponential import Exponential
from minigrad.distributions.gamma import Gamma
from minigrad.distributions.gamma_sample import standard_gamma, standard_gamma_grad
from minigrad.distributions.kl import kl_divergence
from minigrad.distributions.laplace import Laplace
from minigrad.distributions.normal import Normal
from minigrad.distributions.student_t import StudentT
from minigrad.distributions.uniform import Uniform
from minigrad.errors import ArgumentError, NotSupported
from minigrad.special import gammainc, gammaincc

CLASSES = {c.__name__: c for c in (Gamma, Chi2, Beta, Dirichlet, StudentT, Exponential, Laplace, Cauchy,
                                   Normal, Uniform)}

# two parameter sets per family (p and q of the KL tests), a batch of 4 (Dirichlet: 2 of 3)
PARAMS = {
    "Gamma": ({"concentration": [0.4, 1.0, 2.5, 7.0], "rate": [0.5, 1.0, 2.0, 3.5]},
              {"concentration": [1.3, 0.6, 4.0, 2.0], "rate": [2.0, 0.7, 1.1, 0.4]}),
    "Chi2": ({"df": [0.7, 2.0, 3.0, 9.0]}, {"df": [1.5, 4.0, 2.2, 5.0]}),
    "Exponential": ({"rate": [0.5, 1.0, 2.0, 3.5]}, {"rate": [1.7, 0.3, 1.0, 2.2]}),
    "Laplace": ({"loc": [-1.0, 0.0, 0.5, 2.0], "scale": [0.3, 1.0, 2.0, 0.7]},
                {"loc": [0.5, -0.4, 0.5, 1.0], "scale": [1.2, 0.5, 1.0, 2.5]}),
    "Cauchy": ({"loc": [-1.0, 0.0, 0.5, 2.0], "scale": [0.3, 1.0, 2.0, 0.7]},
               {"loc": [0.5, -0.4, 0.5, 1.0], "scale": [1.2, 0.5, 1.0, 2.5]}),
    "StudentT": ({"df": [0.8, 1.5, 3.0, 12.0], "loc": [-1.0, 0.0, 0.5, 2.0], "scale": [0.3, 1.0, 2.0, 0.7]},
                 {"df": [2.5, 5.0, 1.2, 4.0], "loc": [0.5, -0.4, 0.5, 1.0], "scale": [1.2, 0.5, 1.0, 2.5]}),
    "Beta": ({"concentration1": [0.4, 1.0, 2.5, 7.0], "concentration0": [3.0, 0.6, 1.0, 2.2]},
             {"concentration1": [1.5, 2.0, 0.7, 3.0], "concentration0": [0.8, 1.4, 2.5, 0.5]}),
    "Dirichlet": ({"concentration": [[0.4, 1.0, 2.5], [3.0, 0.6, 1.2]]},
                  {"concentration": [[1.5, 0.5, 2.0], [0.7, 2.4, 1.0]]}),
    "Normal": ({"loc": [-1.0, 0.0, 0.5, 2.0], "scale": [0.3, 1.0, 2.0, 0.7]},
               {"loc": [0.5, -0.4, 0.5, 1.0], "scale": [1.2, 0.5, 1.0, 2.5]}),
    # p inside [0, 1] but for one interval; q covering [0, 1] in two entries out of four
    "Uniform": ({"low": [0.05, 0.2, -0.3, 0.3], "high": [0.9, 0.95, 0.5, 0.8]},
                {"low": [-0.5, 0.0, 0.1, -1.0], "high": [1.5, 1.0, 2.0, 0.9]}),
}
VALUES = {
    "Gamma": [0.1, 0.8, 2.0, 5.0], "Chi2": [0.2, 1.5, 3.0, 12.0], "Exponential": [0.1, 0.8, 2.0, 5.0],
    "Laplace": [-1.5, 0.3, 0.5, 4.0], "Cauchy": [-1.5, 0.3, 0.5, 4.0], "StudentT": [-1.5, 0.3, 0.5, 4.0],
    "Beta": [0.1, 0.45, 0.8, 0.97], "Dirichlet": [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]],
}
FAMILIES = list(VALUES)


def close(a, b, tol=1e-10):
    a = a.detach().numpy() if hasattr(a, "detach") else np.asarray(a)
    b = b.detach().numpy() if hasattr(b, "detach") else np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def make(torch, name, which=0):
    """The family `name` with parameter set `which`, in minigrad and in torch (float64 leaves)."""
    params = PARAMS[name][which]
    ours = {k: mg.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for k, v in params.items()}
    theirs = {k: torch.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for k, v in params.items()}
    return CLASSES[name](**ours), getattr(torch.distributions, name)(**theirs), ours, theirs


# torch's trigamma, polygamma(1, x), is off by up to ~5e-10 relative (minigrad's agrees with mpmath
# to 1e-16): the gradients of the quantities made with digamma are compared to this tolerance.
TRIGAMMA_TOL = 2e-9


def check_grads(a, b, ours, theirs, grad_tol=1e-10, infinite_is_constant=False):
    """a (minigrad) and b (torch) agree, and so do the gradients of a random weighting of them."""
    import torch

    close(a, b, 1e-10)
    weights = np.random.default_rng(7).uniform(0.5, 1.5, tuple(b.shape))
    if not b.requires_grad:
        assert not a.requires_grad
        return
    finite = np.isfinite(b.detach().numpy())
    # no gradient flows from an infinite or nan entry
    (mg.where(mg.tensor(finite), a, 0.0) * mg.tensor(weights)).sum().backward()
    (torch.where(torch.tensor(finite), b, 0.0) * torch.tensor(weights)).sum().backward()
    for key in theirs:
        expected = theirs[key].grad
        got = ours[key].grad
        if expected is None:
            assert got is None or not np.any(got.numpy()), key
        else:
            expected = expected.numpy()
            if infinite_is_constant and expected.shape == finite.shape:
                # torch's gradient is nan at the entries of a KL it overwrote with inf (its formula
                # ran on the log of a negative number there); the gradient of a constant is 0
                expected = np.where(np.isnan(expected) & np.isinf(b.detach().numpy()), 0.0, expected)
            close(got, expected, grad_tol)


QUANTITIES = {
    "log_prob": lambda d, v: d.log_prob(v),
    "entropy": lambda d, v: d.entropy(),
    "mean": lambda d, v: d.mean,
    "variance": lambda d, v: d.variance,
    "stddev": lambda d, v: d.stddev,
    "mode": lambda d, v: d.mode,
}


@pytest.mark.torch
@pytest.mark.parametrize("name", FAMILIES)
@pytest.mark.parametrize("quantity", list(QUANTITIES))
def test_quantities_and_their_gradients_match_torch(torch, name, quantity):
    p, q, ours, theirs = make(torch, name)
    value = np.asarray(VALUES[name], dtype=np.float64)
    ours["value"] = mg.tensor(value, requires_grad=True)
    theirs["value"] = torch.tensor(value, requires_grad=True)
    fn = QUANTITIES[quantity]
    tol = TRIGAMMA_TOL if quantity == "entropy" else 1e-10
    check_grads(fn(p, ours["value"]), fn(q, theirs["value"]), ours, theirs, tol)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["Exponential", "Laplace", "Cauchy"])
def test_cdf_and_icdf_match_torch(torch, name):
    p, q, ours, theirs = make(torch, name)
    value = np.asarray(VALUES[name], dtype=np.float64)
    ours["value"], theirs["value"] = mg.tensor(value, requires_grad=True), torch.tensor(value, requires_grad=True)
    check_grads(p.cdf(ours["value"]), q.cdf(theirs["value"]), ours, theirs)
    p, q, ours, theirs = make(torch, name)
    u = np.array([0.05, 0.3, 0.5, 0.9])
    ours["u"], theirs["u"] = mg.tensor(u, requires_grad=True), torch.tensor(u, requires_grad=True)
    check_grads(p.icdf(ours["u"]), q.icdf(theirs["u"]), ours, theirs)
    close(p.icdf(p.cdf(mg.tensor(value))), value, 1e-10)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["Gamma", "Chi2"])
def test_gamma_cdf_matches_torch_with_its_gradient_in_the_value(torch, name):
    p, q, _, _ = make(torch, name)
    value = np.asarray(VALUES[name], dtype=np.float64)
    close(p.cdf(mg.tensor(value)), q.cdf(torch.tensor(value)))
    params = {k: mg.tensor(np.asarray(v)) for k, v in PARAMS[name][0].items()}  # constants: only x is differentiable
    tparams = {k: torch.tensor(np.asarray(v)) for k, v in PARAMS[name][0].items()}
    ours, theirs = {"value": mg.tensor(value, requires_grad=True)}, {"value": torch.tensor(value, requires_grad=True)}
    check_grads(CLASSES[name](**params).cdf(ours["value"]),
                getattr(torch.distributions, name)(**tparams).cdf(theirs["value"]), ours, theirs)
    # the density is the derivative of the cdf
    close(ours["value"].grad, CLASSES[name](**params).log_prob(mg.tensor(value)).exp()
          * mg.tensor(np.random.default_rng(7).uniform(0.5, 1.5, 4)))


@pytest.mark.torch
def test_gamma_cdf_gradient_in_the_concentration_raises_as_in_torch(torch):
    alpha = mg.tensor([2.0], dtype=mg.float64, requires_grad=True)
    with pytest.raises(NotSupported, match="gammainc.*input"):
        Gamma(alpha, 1.0).cdf(mg.tensor([0.5], dtype=mg.float64)).sum().backward()
    talpha = torch.tensor([2.0], requires_grad=True)
    with pytest.raises(NotImplementedError):
        torch.distributions.Gamma(talpha, 1.0).cdf(torch.tensor([0.5])).sum().backward()


KL_PAIRS = [("Gamma", "Gamma"), ("Beta", "Beta"), ("Dirichlet", "Dirichlet"), ("Exponential", "Exponential"),
            ("Laplace", "Laplace"), ("Cauchy", "Cauchy"), ("Chi2", "Chi2"), ("Chi2", "Gamma"), ("Gamma", "Chi2"),
            ("Exponential", "Gamma"), ("Gamma", "Exponential"), ("Exponential", "Normal"), ("Gamma", "Normal"),
            ("Laplace", "Normal"), ("Normal", "Laplace"), ("Beta", "Normal"), ("Beta", "Exponential"),
            ("Beta", "Gamma"), ("Beta", "Uniform"), ("Uniform", "Beta"), ("Uniform", "Exponential"),
            ("Uniform", "Gamma"),
            # infinite: p puts mass where q has none
            ("Exponential", "Beta"), ("Exponential", "Uniform"), ("Gamma", "Beta"), ("Gamma", "Uniform"),
            ("Laplace", "Beta"), ("Laplace", "Exponential"), ("Laplace", "Gamma"), ("Laplace", "Uniform"),
            ("Normal", "Beta"), ("Normal", "Exponential"), ("Normal", "Gamma")]


@pytest.mark.torch
@pytest.mark.parametrize("pair", KL_PAIRS, ids=lambda pair: f"{pair[0]}-{pair[1]}")
def test_kl_and_its_gradients_match_torch(torch, pair):
    p, tp, ours, theirs = make(torch, pair[0], 0)
    q, tq, ours_q, theirs_q = make(torch, pair[1], 1)
    ours.update({"q_" + k: v for k, v in ours_q.items()})
    theirs.update({"q_" + k: v for k, v in theirs_q.items()})
    a, b = kl_divergence(p, q), torch.distributions.kl_divergence(tp, tq)
    check_grads(a, b, ours, theirs, TRIGAMMA_TOL, infinite_is_constant=True)
    # p ‖ p is 0 for the pairs of one family
    if pair[0] == pair[1]:
        close(kl_divergence(p, p), np.zeros(tuple(p.batch_shape)), 1e-12)


def test_kl_is_infinite_where_the_supports_do_not_nest():
    low, high = mg.tensor([-0.5, 0.0, 0.1], dtype=mg.float64), mg.tensor([1.5, 1.0, 2.0], dtype=mg.float64)
    kl = kl_divergence(Beta(2.0, 3.0), Uniform(low, high)).numpy()
    assert np.isfinite(kl[:2]).all() and kl[2] == np.inf
    # a uniform ending on the support's edge has a finite KL (x log x -> 0 there)
    edge = kl_divergence(Uniform(mg.tensor([0.0], dtype=mg.float64), mg.tensor([1.0], dtype=mg.float64)),
                         Beta(mg.tensor([2.0], dtype=mg.float64), mg.tensor([3.0], dtype=mg.float64)))
    # KL(U(0, 1) ‖ Beta(2, 3)) = log B(2, 3) - E[log x] - 2 E[log(1 - x)] = log(1/12) + 1 + 2
    close(edge, [math.log(1 / 12) + 3], 1e-12)
    assert kl_divergence(Gamma(2.0, 1.0), Uniform(0.0, 1.0)).item() == math.inf


# ---- the incomplete gamma functions --------------------------------------------------------------
@pytest.mark.torch
def test_gammainc_matches_torch(torch):
    rng = np.random.default_rng(3)
    a = np.exp(rng.uniform(np.log(0.01), np.log(15), 2000))  # below 20, where torch uses no asymptotic series
    x = a * np.exp(rng.normal(0, 1.2, a.size))
    for ours, theirs in ((gammainc, torch.special.gammainc), (gammaincc, torch.special.gammaincc)):
        close(ours(mg.tensor(a), mg.tensor(x)), theirs(torch.tensor(a), torch.tensor(x)), 1e-11)
    inf, nan = math.inf, math.nan
    a = [0.0, 0.0, 0.0, -1.0, 1.0, 1.0, inf, inf, inf, 2.0, 1.0, nan, 1.0, 5.0, 1e-10, 1e-5]
    x = [0.0, 1.0, inf, 1.0, -1.0, 0.0, 1.0, inf, 0.0, inf, nan, 1.0, 1e-300, 1e-300, 0.5, 0.9]
    for ours, theirs in ((gammainc, torch.special.gammainc), (gammaincc, torch.special.gammaincc)):
        close(ours(mg.tensor(a), mg.tensor(x)), theirs(torch.tensor(a), torch.tensor(x)), 1e-6)


def test_gammainc_against_exact_values():
    """P and Q at points of every method, against mpmath's values (50 digits)."""
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 50
    points = [(1e-10, 0.5), (1e-5, 0.9), (0.3, 1e-3), (0.5, 0.4), (0.5, 3.0), (2.0, 10.0), (3.0, 0.01),
              (20.005832563203555, 14.02187375070634), (30.0, 25.0), (30.0, 40.0), (100.0, 60.0), (1e3, 1100.0),
              (1e4, 9800.0), (28.0, 2.2e-9), (1e6, 1.001e6), (0.2, 1.1), (1.5, 2.6)]
    a, x = (mg.tensor([p[i] for p in points], dtype=mg.float64) for i in (0, 1))
    lower, upper = gammainc(a, x).numpy(), gammaincc(a, x).numpy()
    for (a0, x0), p, q in zip(points, lower, upper):
        exact_q = float(mpmath.gammainc(mpmath.mpf(a0), mpmath.mpf(x0), mpmath.inf, regularized=True))
        exact_p = float(mpmath.gammainc(mpmath.mpf(a0), 0, mpmath.mpf(x0), regularized=True))
        # a relative error of a few ulps times a: log x^a e^-x/Γ(a) is a sum of terms of that size
        tol = 1e-14 * max(1.0, math.sqrt(a0)) + 1e-15
        assert abs(p - exact_p) <= tol * abs(exact_p), (a0, x0, p, exact_p)
        assert abs(q - exact_q) <= tol * abs(exact_q), (a0, x0, q, exact_q)


@pytest.mark.torch
def test_gammainc_gradient_in_x_matches_torch_to_second_order(torch):
    a, x = np.array([0.5, 1.0, 2.5, 7.0]), np.array([0.3, 2.0, 1.5, 9.0])
    for ours_fn, theirs_fn in ((gammainc, torch.special.gammainc), (gammaincc, torch.special.gammaincc)):
        ox, tx = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        (og,) = mg.grad(ours_fn(mg.tensor(a), ox).sum(), ox, create_graph=True)
        (tg,) = torch.autograd.grad(theirs_fn(torch.tensor(a), tx).sum(), tx, create_graph=True)
        close(og, tg, 1e-12)
        og.sum().backward()
        tg.sum().backward()
        close(ox.grad, tx.grad, 1e-12)


def test_gammainc_dtypes_and_errors():
    a32, x32 = mg.tensor([0.5, 2.0]), mg.tensor([1.0, 3.0])
    assert gammainc(a32, x32).dtype == mg.float32 and gammaincc(a32, x32).dtype == mg.float32
    assert gammainc(a32, mg.tensor([1.0, 3.0], dtype=mg.float64)).dtype == mg.float64
    close(gammainc(a32, x32) + gammaincc(a32, x32), np.ones(2, dtype=np.float32), 1e-6)
    assert gammainc(mg.tensor([[1.0], [2.0]]), mg.tensor([0.5, 1.0, 2.0])).shape == (2, 3)
    with pytest.raises(NotImplementedError):  # PyTorch: "igamma_cpu" not implemented for 'Long'
        gammainc(mg.tensor([1, 2]), mg.tensor([1, 2]))
    a = mg.tensor([2.0], requires_grad=True)
    with pytest.raises(NotSupported, match="gammaincc.*input"):
        gammaincc(a, mg.tensor([1.0])).backward()


# ---- the gamma draw's implicit gradient --------------------------------------------------------------
def test_standard_gamma_grad_against_exact_values():
    """dG/dα = -(∂P/∂α)(G; α) / f(G; α), with ∂P/∂α by mpmath's differentiation (50 digits)."""
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 50
    points = [(1e-3, 1e-200), (1e-3, 0.5), (0.01, 1e-30), (0.05, 2.0), (0.5, 0.4), (0.5, 3.0), (1.0, 1.0),
              (2.0, 10.0), (3.0, 0.01), (30.0, 25.0), (30.0, 40.0), (100.0, 60.0), (1e3, 1100.0), (0.2, 1.1)]
    alpha, x = (np.array([p[i] for p in points]) for i in (0, 1))
    got = standard_gamma_grad(alpha, x)
    for (a0, x0), g in zip(points, got):
        a, xx = mpmath.mpf(a0), mpmath.mpf(x0)
        dp = mpmath.diff(lambda s: mpmath.gammainc(s, 0, xx, regularized=True), a)
        density = xx ** (a - 1) * mpmath.exp(-xx) / mpmath.gamma(a)
        exact = float(-dp / density)
        assert abs(g - exact) <= 1e-13 * abs(exact), (a0, x0, g, exact)
    assert standard_gamma_grad(alpha.astype(np.float32), x.astype(np.float32)).dtype == np.float32


def test_standard_gamma_grad_keeps_the_cdf_fixed():
    """Moving α by h and the draw by h dG/dα leaves P(α, G) unchanged to O(h²): checked on draws
    of many shapes, with minigrad's own gammainc."""
    rng = np.random.default_rng(5)
    alpha = np.exp(rng.uniform(np.log(0.05), np.log(500), 3000))
    g = np.maximum(rng.gamma(alpha), 1e-300)
    dg = standard_gamma_grad(alpha, g)
    h = 1e-6 * alpha
    P = lambda a, x: gammainc(mg.tensor(a), mg.tensor(x)).numpy()  # noqa: E731
    Q = lambda a, x: gammaincc(mg.tensor(a), mg.tensor(x)).numpy()  # noqa: E731
    upper = P(alpha, g) > 0.5
    f = np.where(upper, Q(alpha, g), P(alpha, g))  # the smaller of P and Q: its change keeps its digits
    moved = np.where(upper, Q(alpha + h, g + h * dg), P(alpha + h, g + h * dg))
    back = np.where(upper, Q(alpha - h, g - h * dg), P(alpha - h, g - h * dg))
    density_step = np.exp((alpha - 1) * np.log(g) - g - np.vectorize(math.lgamma)(alpha)) * h * np.abs(dg)
    change = np.abs(moved - back) / 2
    keep = density_step > 1e-200
    assert np.all(change[keep] <= 1e-5 * density_step[keep] + 1e-15 * f[keep])


def test_standard_gamma_draws_are_positive_and_keep_their_dtype():
    mg.manual_seed(0)
    for dtype in (mg.float32, mg.float64):
        g = standard_gamma(mg.full((20000,), 0.01, dtype=dtype))
        assert g.dtype == dtype and bool((g > 0).all())
    alpha = mg.tensor([1.5], dtype=mg.float64, requires_grad=True)
    (dg,) = mg.grad(standard_gamma(alpha).sum(), alpha, create_graph=True)
    with pytest.raises(Exception, match="StandardGamma"):  # no second derivative, as in PyTorch
        dg.sum().backward()


# ---- reparameterised gradients -------------------------------------------------------------------------
N = 200_000


def leaves(*values):
    return [mg.tensor(v, dtype=mg.float64, requires_grad=True) for v in values]


def grads(loss, *params):
    return [g.item() if g.numel() == 1 else g.numpy() for g in mg.grad(loss, list(params), retain_graph=True)]


@pytest.mark.parametrize("alpha, beta", [(2.5, 1.5), (0.3, 0.8), (40.0, 2.0)])
def test_gamma_rsample_gradient_is_the_gradient_of_the_moments(alpha, beta):
    mg.manual_seed(1)
    a, b = leaves(alpha, beta)
    x = Gamma(a, b).rsample((N,))
    assert x.shape == (N,) and x.dtype == mg.float64
    # E[x] = α/β, E[x²] = α(α + 1)/β²
    da, db = grads(x.mean(), a, b)
    assert da == pytest.approx(1 / beta, rel=0.01) and db == pytest.approx(-alpha / beta ** 2, rel=0.01)
    da, db = grads((x ** 2).mean(), a, b)
    assert da == pytest.approx((2 * alpha + 1) / beta ** 2, rel=0.02)
    assert db == pytest.approx(-2 * alpha * (alpha + 1) / beta ** 3, rel=0.02)


def test_chi2_rsample_gradient():
    mg.manual_seed(2)
    (df,) = leaves(3.0)
    x = Chi2(df).rsample((N,))
    assert grads(x.mean(), df)[0] == pytest.approx(1.0, rel=0.01)  # E[x] = df
    assert grads((x ** 2).mean(), df)[0] == pytest.approx(2 * 3.0 + 2, rel=0.02)  # E[x²] = df² + 2 df


@pytest.mark.parametrize("alpha, beta", [(1.7, 0.6), (0.3, 4.0)])
def test_beta_rsample_gradient_is_the_gradient_of_the_mean(alpha, beta):
    mg.manual_seed(3)
    a, b = leaves(alpha, beta)
    x = Beta(a, b).rsample((N,))
    da, db = grads(x.mean(), a, b)
    total = alpha + beta
    assert da == pytest.approx(beta / total ** 2, rel=0.02) and db == pytest.approx(-alpha / total ** 2, rel=0.02)


def test_dirichlet_rsample_gradient_is_the_gradient_of_the_mean():
    mg.manual_seed(4)
    conc = np.array([0.5, 1.5, 3.0])
    (c,) = leaves(conc)
    x = Dirichlet(c).rsample((N,))
    assert x.shape == (N, 3) and np.allclose(x.sum(-1).numpy(), 1)
    (dc,) = grads(x[:, 0].mean(), c)
    total = conc.sum()
    expected = -conc[0] / total ** 2 * np.ones(3)
    expected[0] += 1 / total  # d(α₀/Σα)/dα_j
    np.testing.assert_allclose(dc, expected, rtol=0.02, atol=2e-3)


def test_student_t_rsample_gradient_is_the_gradient_of_the_moments():
    mg.manual_seed(5)
    df, loc, scale = leaves(9.0, 0.4, 1.3)
    x = StudentT(df, loc, scale).rsample((N,))
    assert grads(x.mean(), loc)[0] == pytest.approx(1.0, rel=1e-12)
    # E[(x - μ)²] = σ² ν/(ν - 2)
    d_df, d_scale = grads(((x - loc.detach()) ** 2).mean(), df, scale)
    assert d_df == pytest.approx(-2 * 1.3 ** 2 / 7 ** 2, rel=0.05)
    assert d_scale == pytest.approx(2 * 1.3 * 9 / 7, rel=0.02)


def test_exponential_laplace_cauchy_rsample_gradients():
    mg.manual_seed(6)
    (rate,) = leaves(2.0)
    x = Exponential(rate).rsample((N,))
    assert grads(x.mean(), rate)[0] == pytest.approx(-1 / 4, rel=0.01)  # E[x] = 1/λ
    loc, scale = leaves(0.5, 1.5)
    x = Laplace(loc, scale).rsample((N,))
    d_loc, d_scale = grads((x - 0.5).abs().mean(), loc, scale)  # E|x - μ| = b
    assert abs(d_loc) < 0.01 and d_scale == pytest.approx(1.0, rel=0.01)
    x = Cauchy(loc, scale).rsample((1000,))
    d_loc, d_scale = mg.grad(x.sum(), [loc, scale])
    assert d_loc.item() == pytest.approx(1000) and d_scale.item() == pytest.approx(((x - 0.5) / 1.5).sum().item())


# ---- samples --------------------------------------------------------------------------------------------
def ks_distance(sample, cdf):
    """sup |F_n - F|, the Kolmogorov-Smirnov statistic of sorted draws against a CDF."""
    n = len(sample)
    f = cdf(np.sort(sample))
    return max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n))


@pytest.mark.parametrize("dist", [lambda: Gamma(0.3, 2.0), lambda: Gamma(4.5, 0.7), lambda: Chi2(3.0),
                                  lambda: Exponential(2.5), lambda: Laplace(1.0, 0.5), lambda: Cauchy(-1.0, 2.0)],
                         ids=["gamma-small", "gamma", "chi2", "exponential", "laplace", "cauchy"])
def test_samples_follow_the_cdf(dist):
    mg.manual_seed(8)
    d = dist()
    n = 50_000
    x = d.sample((n,))
    assert x.shape == (n,) and x.dtype == mg.float32 and not x.requires_grad
    sample = x.numpy().astype(np.float64)
    ks = ks_distance(sample, lambda v: d.cdf(mg.tensor(v, dtype=mg.float32)).numpy().astype(np.float64))
    assert ks < 1.95 / math.sqrt(n)  # the 0.1% critical value


def test_beta_dirichlet_student_t_sample_moments():
    mg.manual_seed(9)
    n = 100_000
    for d in (Beta(0.7, 2.5), Beta(3.0, 3.0)):
        x = d.sample((n,)).numpy().astype(np.float64)
        assert abs(x.mean() - d.mean.item()) < 5 * math.sqrt(d.variance.item() / n)
        assert x.var() == pytest.approx(d.variance.item(), rel=0.03)
    d = Dirichlet(mg.tensor([0.5, 1.5, 3.0]))
    x = d.sample((n,)).numpy()
    np.testing.assert_allclose(x.mean(0), d.mean.numpy(), atol=5 * math.sqrt(d.variance.numpy().max() / n))
    np.testing.assert_allclose(x.var(0), d.variance.numpy(), rtol=0.03)
    d = StudentT(9.0, 0.4, 1.3)
    x = d.sample((n,)).numpy().astype(np.float64)
    assert abs(x.mean() - 0.4) < 5 * math.sqrt(d.variance.item() / n)
    assert x.var() == pytest.approx(d.variance.item(), rel=0.05)
    assert abs((np.abs(x - 0.4) < 1.3).mean() - 0.6561) < 0.01  # P(|T| < 1) for ν = 9


@pytest.mark.parametrize("name", FAMILIES)
def test_shapes_dtypes_and_expand(name):
    params = {k: mg.tensor(v) for k, v in PARAMS[name][0].items()}  # float32
    d = CLASSES[name](**params)
    event = (3,) if name == "Dirichlet" else ()
    batch = (2,) if name == "Dirichlet" else (4,)
    assert d.batch_shape == batch and d.event_shape == event and d.has_rsample
    assert not d.has_enumerate_support
    for draw in (d.sample(), d.sample((5,)), d.rsample((2, 3))):
        assert draw.dtype == mg.float32
    assert d.rsample((2, 3)).shape == (2, 3) + batch + event
    value = mg.tensor(VALUES[name])
    assert d.log_prob(value).dtype == mg.float32 and d.log_prob(value).shape == batch
    e = d.expand((5,) + batch)
    assert type(e) is type(d) and e.batch_shape == (5,) + batch and e.event_shape == event
    assert e.rsample((2,)).shape == (2, 5) + batch + event
    close(e.log_prob(value), np.broadcast_to(d.log_prob(value).numpy(), (5,) + batch), 1e-6)
    close(e.entropy(), np.broadcast_to(d.entropy().numpy(), (5,) + batch), 1e-6)


def test_scalar_parameters_and_repr():
    for d in (Gamma(2.0, 3.0), Chi2(3.0), Beta(0.5, 2.0), StudentT(3.0), Exponential(2.0), Laplace(0.0, 1.0),
              Cauchy(0.0, 1.0)):
        assert d.batch_shape == () and d.sample().shape == () and d.sample().dtype == mg.float32
    assert repr(Gamma(2.0, 3.0)) == "Gamma(concentration: 2.0, rate: 3.0)"
    assert repr(StudentT(3.0)) == "StudentT(df: 3.0, loc: 0.0, scale: 1.0)"
    assert repr(Dirichlet(mg.ones(3))) == "Dirichlet(concentration: minigrad.Size([3]))"
    assert repr(Chi2(3.0)) == "Chi2(df: 3.0)"
    assert isinstance(Chi2(3.0), Gamma) and Chi2(mg.tensor([3.0])).df.item() == 3.0
    assert Chi2(mg.tensor([3.0, 4.0])).expand((3, 2)).df.shape == (3, 2)
    assert StudentT(3.0).expand((4,))._chi2.batch_shape == (4,)


@pytest.mark.torch
def test_supports_and_constraints_match_torch(torch):
    for name in FAMILIES:
        ours, theirs = CLASSES[name], getattr(torch.distributions, name)
        assert repr(ours.support) == repr(theirs.support), name
        assert set(ours.arg_constraints) == set(theirs.arg_constraints), name
        for key, constraint in ours.arg_constraints.items():
            assert repr(constraint).replace("IndependentConstraint(", "").split(",")[0] == \
                repr(theirs.arg_constraints[key]).replace("IndependentConstraint(", "").split(",")[0], (name, key)


@pytest.mark.parametrize("make_bad, parameter", [
    (lambda: Gamma(-1.0, 1.0), "concentration"), (lambda: Gamma(1.0, 0.0), "rate"), (lambda: Chi2(-2.0), "df"),
    (lambda: Beta(0.0, 1.0), "concentration1"), (lambda: Beta(1.0, -1.0), "concentration0"),
    (lambda: Dirichlet(mg.tensor([1.0, -1.0])), "concentration"), (lambda: StudentT(0.0), "df"),
    (lambda: StudentT(1.0, 0.0, -1.0), "scale"), (lambda: StudentT(1.0, math.nan), "loc"),
    (lambda: Exponential(-1.0), "rate"), (lambda: Laplace(0.0, 0.0), "scale"), (lambda: Cauchy(0.0, -2.0), "scale"),
])
def test_invalid_parameters_raise(make_bad, parameter):
    with pytest.raises(ArgumentError, match=f"parameter {parameter}"):
        make_bad()


def test_invalid_values_raise_and_validation_can_be_turned_off():
    for d, bad in ((Gamma(2.0, 1.0), -1.0), (Chi2(2.0), -0.5), (Exponential(1.0), -1.0), (Beta(2.0, 2.0), 1.5),
                   (Laplace(0.0, 1.0), math.nan), (StudentT(3.0), math.nan)):
        with pytest.raises(ArgumentError, match="support"):
            d.log_prob(mg.tensor([bad]))
    with pytest.raises(ArgumentError, match="support"):
        Dirichlet(mg.ones(3)).log_prob(mg.tensor([0.5, 0.2, 0.2]))
    with pytest.raises(ArgumentError, match="one-dimensional"):
        Dirichlet(mg.tensor(1.0))
    assert Gamma(-1.0, 1.0, validate_args=False).concentration.item() == -1.0
    assert math.isnan(Gamma(2.0, 1.0, validate_args=False).log_prob(mg.tensor([-1.0])).item())  # as torch's
    assert Beta(2.0, 2.0).log_prob(mg.tensor([0.0, 1.0])).numpy().tolist() == [-math.inf, -math.inf]
    assert Gamma(1.0, 2.0).log_prob(mg.tensor([0.0])).item() == pytest.approx(math.log(2.0))


@pytest.mark.gpu
def test_families_and_the_gamma_draw_on_the_gpu():
    """On device cuda (CuPy): the incomplete gamma and the draw's gradient equal the CPU's;
    samples stay on the device with their gradients."""
    a_host, x_host = np.array([0.003, 0.3, 2.5, 40.0, 900.0]), np.array([0.5, 0.1, 2.0, 39.0, 950.0])
    a, x = mg.tensor(a_host, device="cuda"), mg.tensor(x_host, device="cuda")
    for fn in (gammainc, gammaincc):
        close(fn(a, x).cpu(), fn(mg.tensor(a_host), mg.tensor(x_host)), 1e-13)
    close(mg.tensor(standard_gamma_grad(a.array, x.array)).cpu(), standard_gamma_grad(a_host, x_host), 1e-13)
    mg.manual_seed(0)
    conc = mg.tensor([0.5, 2.0, 7.0], dtype=mg.float64, device="cuda", requires_grad=True)
    families = (Gamma(conc, 1.5), Chi2(conc), Beta(conc, 2.0), Dirichlet(conc), StudentT(conc, 0.0, 1.0),
                Exponential(conc), Laplace(0.0, conc), Cauchy(0.0, conc))
    for d in families:
        s = d.rsample((50,))
        assert s.device.type == "cuda" and s.dtype == mg.float64
        lp = d.log_prob(s.detach())
        assert lp.device.type == "cuda" and bool(lp.isfinite().all())
        (g,) = mg.grad(s.sum() + lp.sum(), conc)
        assert g.device.type == "cuda" and bool(g.isfinite().all())


def test_small_concentrations_sample_in_log_space():
    """Beta(0.01, 0.01) puts 4.48% of its mass in (0.01, 0.99); in float32 four gamma draws in ten
    underflow at this shape, so the normalisation runs on log-gammas."""
    mg.manual_seed(10)
    x = Beta(0.01, 0.01).sample((100_000,)).numpy()
    assert abs(((x > 0.01) & (x < 0.99)).mean() - 0.044758) < 0.003
    assert abs((x < 0.5).mean() - 0.5) < 0.01
    x = Dirichlet(mg.full((3,), 0.02)).sample((100_000,)).numpy()
    assert np.isfinite(x).all() and np.allclose(x.sum(-1), 1, atol=1e-6)
    # no coordinate above 0.99: 1 - 3 P(x_1 > 0.99), x_1 ~ Beta(0.02, 0.04) (scipy's betainc: 0.166871)
    assert abs((x.max(-1) < 0.99).mean() - 0.166871) < 0.006
    conc = mg.tensor([0.01, 0.3, 2.0], dtype=mg.float64)
    alpha = np.array([0.01, 0.3, 2.0])
    from minigrad.distributions.gamma_sample import log_standard_gamma, standard_gamma_log_grad

    log_g = log_standard_gamma(conc).numpy()
    close(mg.tensor(np.exp(log_g) * standard_gamma_log_grad(alpha, log_g)), standard_gamma_grad(alpha, np.exp(log_g)),
          1e-12)
    assert standard_gamma_log_grad(np.array([0.01]), np.array([-2000.0]))[0] == pytest.approx(
        -(-2000.0 - float(mg.digamma(mg.tensor([1.01], dtype=mg.float64)).item())) / 0.01, rel=1e-12)
