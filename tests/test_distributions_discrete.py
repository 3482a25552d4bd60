"""The discrete families (and Uniform, ContinuousBernoulli) against torch.distributions: log_prob,
entropy, cdf/icdf, moments, KL and their gradients; samples by their moments, shapes and dtypes;
argument and support checks."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad.distributions.bernoulli import Bernoulli
from minigrad.distributions.binomial import Binomial
from minigrad.distributions.categorical import Categorical
from minigrad.distributions.continuous_bernoulli import ContinuousBernoulli
from minigrad.distributions.geometric import Geometric
from minigrad.distributions.kl import kl_divergence
from minigrad.distributions.multinomial import Multinomial
from minigrad.distributions.negative_binomial import NegativeBinomial
from minigrad.distributions.normal import Normal
from minigrad.distributions.one_hot_categorical import OneHotCategorical, OneHotCategoricalStraightThrough
from minigrad.distributions.poisson import Poisson
from minigrad.distributions.uniform import Uniform
from minigrad.errors import ArgumentError

F64 = np.float64
# log 0 and x / 0 at the edges of the supports (p = 1, rate 0, values outside [low, high)) are
# meant: NumPy's warnings about them say nothing here
pytestmark = pytest.mark.filterwarnings("ignore:.*encountered in:RuntimeWarning")


def m64(a):
    return mg.tensor(np.asarray(a, dtype=F64))


def parity(torch, ours, theirs, params, fields, tol=1e-10):
    """For each field f: f(ours(**P), m64) against f(theirs(**Q), torch64) in value and shape, and
    the gradients of the sum of its finite entries w.r.t. every parameter in ``params``."""
    def t64(a):
        return torch.tensor(np.asarray(a, dtype=F64))

    for name, field in fields.items():
        P = {k: mg.tensor(np.asarray(v, dtype=F64), requires_grad=True) for k, v in params.items()}
        Q = {k: torch.tensor(np.asarray(v, dtype=F64), requires_grad=True) for k, v in params.items()}
        a, b = field(ours(**P), m64), field(theirs(**Q), t64)
        assert tuple(a.shape) == tuple(b.shape), name
        assert a.dtype == mg.float64 or b.dtype != torch.float64, name
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=tol, atol=tol, err_msg=name)
        if not b.requires_grad:
            continue
        infinite = ~np.isfinite(b.detach().numpy())
        a.masked_fill(mg.tensor(infinite), 0.0).sum().backward()
        b.masked_fill(torch.tensor(infinite), 0.0).sum().backward()
        for k in params:
            ga = np.zeros(P[k].shape) if P[k].grad is None else P[k].grad.numpy()
            gb = np.zeros(tuple(Q[k].shape)) if Q[k].grad is None else Q[k].grad.numpy()
            np.testing.assert_allclose(ga, gb, rtol=tol, atol=tol, err_msg=f"d {name} / d {k}")


def moments_fields(*names):
    return {n: (lambda d, t, n=n: getattr(d, n)) for n in names}


# ---- parity with torch -----------------------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("param", ["probs", "logits"])
def test_bernoulli_matches_torch(torch, param):
    T = torch.distributions
    values = np.array([[0.0, 1.0, 1.0, 0.0, 1.0], [1.0, 0.0, 0.0, 1.0, 0.0]])
    x = np.array([0.05, 0.3, 0.5, 0.8, 0.999]) if param == "probs" else np.array([-30.0, -1.0, 0.0, 2.0, 40.0])
    fields = {"log_prob": lambda d, t: d.log_prob(t(values)), "entropy": lambda d, t: d.entropy(),
              **moments_fields("mean", "variance", "stddev", "mode", "probs", "logits"),
              "kl_poisson": lambda d, t: _kl(torch, d, (Poisson if isinstance(d, Bernoulli) else T.Poisson)(
                  t([0.5, 1.0, 2.0, 0.1, 3.0])))}
    parity(torch, lambda x: Bernoulli(**{param: x}), lambda x: T.Bernoulli(**{param: x}), {"x": x}, fields)


@pytest.mark.torch
@pytest.mark.parametrize("param", ["probs", "logits"])
def test_categorical_matches_torch(torch, param):
    T = torch.distributions
    rng = np.random.default_rng(0)
    x = rng.uniform(0.0, 2.0, (4, 5)) if param == "probs" else rng.standard_normal((4, 5)) * 3
    if param == "probs":
        x[1, 2] = 0.0  # a class of probability 0: entropy and its gradient stay finite
    values = np.array([[0, 1, 3, 4], [4, 0, 2, 1], [2, 2, 0, 3]])
    fields = {"log_prob": lambda d, t: d.log_prob(mg.tensor(values) if t is m64 else torch.tensor(values)),
              "log_prob_scalar": lambda d, t: d.log_prob(mg.tensor(3) if t is m64 else torch.tensor(3)),
              "entropy": lambda d, t: d.entropy(), **moments_fields("mean", "variance", "mode", "probs", "logits")}
    parity(torch, lambda x: Categorical(**{param: x}), lambda x: T.Categorical(**{param: x}), {"x": x}, fields)


@pytest.mark.torch
def test_categorical_kl_matches_torch(torch):
    T = torch.distributions
    p, q = np.array([[0.2, 0.3, 0.5], [0.0, 0.4, 0.6]]), np.array([[0.1, 0.6, 0.3], [0.5, 0.0, 0.5]])
    fields = {"kl": lambda d, t: _kl(torch, d, (Categorical if isinstance(d, Categorical) else T.Categorical)(probs=t(q)))}
    parity(torch, lambda x: Categorical(probs=x), lambda x: T.Categorical(probs=x), {"x": p}, fields)
    fields = {"kl": lambda d, t: _kl(torch, d, (OneHotCategorical if isinstance(d, OneHotCategorical)
                                                else T.OneHotCategorical)(logits=t(q[:1] + 1)))}
    parity(torch, lambda x: OneHotCategorical(logits=x), lambda x: T.OneHotCategorical(logits=x), {"x": p}, fields)


def _kl(torch, p, q):
    return torch.distributions.kl_divergence(p, q) if isinstance(p, torch.distributions.Distribution) \
        else kl_divergence(p, q)


@pytest.mark.torch
def test_one_hot_categorical_matches_torch(torch):
    T = torch.distributions
    logits = np.array([[0.5, -1.0, 2.0], [0.0, 0.0, 1.0]])
    values = np.array([[[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]], [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]]])
    fields = {"log_prob": lambda d, t: d.log_prob(t(values)), "entropy": lambda d, t: d.entropy(),
              **moments_fields("mean", "variance", "mode", "probs", "logits"),
              "enumerate_support": lambda d, t: d.enumerate_support(),
              "straight_through": lambda d, t: d.rsample((4,)) * t(np.arange(3.0))}
    ours = lambda x: OneHotCategoricalStraightThrough(logits=x)  # noqa: E731
    parity(torch, ours, lambda x: T.OneHotCategoricalStraightThrough(logits=x), {"x": logits},
           {k: v for k, v in fields.items() if k != "straight_through"})
    # the straight-through estimate: its value is a one-hot draw, its gradient that of probs (any draw)
    P = mg.tensor(logits, requires_grad=True)
    Q = torch.tensor(logits, requires_grad=True)
    d = ours(P)
    s = d.rsample((4,))
    assert tuple(s.shape) == (4, 2, 3) and bool(((s.detach().sum(-1) - 1).abs() < 1e-12).all())
    (s * m64(np.arange(3.0))).sum().backward()
    (T.OneHotCategoricalStraightThrough(logits=Q).rsample((4,)) * torch.arange(3.0, dtype=torch.float64)).sum().backward()
    np.testing.assert_allclose(P.grad.numpy(), Q.grad.numpy(), atol=1e-12)


@pytest.mark.torch
def test_uniform_matches_torch(torch):
    T = torch.distributions
    low, high = np.array([0.0, -1.0, 2.0]), np.array([2.0, 3.0, 2.5])
    x = np.array([[1.0, 0.5, 2.25], [0.1, -0.9, 2.4]])
    fields = {"log_prob": lambda d, t: d.log_prob(t(x)), "cdf": lambda d, t: d.cdf(t(x)),
              "icdf": lambda d, t: d.icdf(t([0.1, 0.5, 0.9])), "entropy": lambda d, t: d.entropy(),
              **moments_fields("mean", "variance", "stddev", "mode")}
    parity(torch, Uniform, T.Uniform, {"low": low, "high": high}, fields)
    # outside the support, with the checks off: log_prob -inf, cdf clamped to 0 or 1
    p, q = Uniform(m64(low), m64(high), validate_args=False), T.Uniform(torch.tensor(low), torch.tensor(high),
                                                                         validate_args=False)
    out = np.array([-5.0, 3.0, 10.0])
    np.testing.assert_array_equal(p.log_prob(m64(out)).numpy(), q.log_prob(torch.tensor(out)).numpy())
    np.testing.assert_array_equal(p.cdf(m64(out)).numpy(), q.cdf(torch.tensor(out)).numpy())


@pytest.mark.torch
def test_uniform_kls_match_torch(torch):
    T = torch.distributions
    low, high = np.array([0.0, -1.0, 0.5]), np.array([1.0, 3.0, 2.0])
    ql, qh = np.array([-0.5, -1.0, 1.0]), np.array([1.5, 2.0, 3.0])  # inside; sticks out above; below
    ours = {"uu": lambda d, t: kl_divergence(d, Uniform(t(ql), t(qh))),
            "un": lambda d, t: kl_divergence(d, Normal(t([0.3, -2.0, 1.0]), t([0.5, 2.0, 1.5])))}
    theirs = {"uu": lambda d, t: T.kl_divergence(d, T.Uniform(t(ql), t(qh))),
              "un": lambda d, t: T.kl_divergence(d, T.Normal(t([0.3, -2.0, 1.0]), t([0.5, 2.0, 1.5])))}
    for key in ours:
        parity(torch, Uniform, T.Uniform, {"low": low, "high": high},
               {key: lambda d, t, key=key: (ours if isinstance(d, Uniform) else theirs)[key](d, t)})
    r = kl_divergence(Normal(m64([0.0, 1.0]), m64([1.0, 2.0])), Uniform(m64([0.0, 0.0]), m64([1.0, 1.0])))
    assert tuple(r.shape) == (2,) and bool((r == math.inf).all())
    assert float(kl_divergence(Uniform(0.0, 1.0), Uniform(-1.0, 3.0))) == pytest.approx(math.log(4))


@pytest.mark.torch
def test_poisson_matches_torch(torch):
    T = torch.distributions
    rate = np.array([0.3, 1.0, 4.5, 20.0])
    values = np.array([[0.0, 1.0, 3.0, 25.0], [2.0, 0.0, 7.0, 18.0]])
    fields = {"log_prob": lambda d, t: d.log_prob(t(values)), **moments_fields("mean", "variance", "mode"),
              "kl": lambda d, t: _kl(torch, d, (Poisson if isinstance(d, Poisson) else T.Poisson)(t([1.0, 0.5, 5.0, 2.0])))}
    parity(torch, Poisson, T.Poisson, {"rate": rate}, fields)
    # a Poisson reaches every count: infinite KL from a bounded family
    assert float(kl_divergence(Poisson(2.0), Bernoulli(0.3))) == math.inf
    assert float(kl_divergence(Poisson(2.0), Binomial(4, probs=0.3))) == math.inf
    # rate 0 puts all its mass on 0
    assert float(Poisson(m64(0.0)).log_prob(m64(0.0))) == 0.0


@pytest.mark.torch
@pytest.mark.parametrize("param", ["probs", "logits"])
def test_binomial_matches_torch(torch, param):
    T = torch.distributions
    x = np.array([0.1, 0.5, 0.73, 0.98]) if param == "probs" else np.array([-3.0, 0.0, 1.2, 25.0])
    values = np.array([[0.0, 3.0, 7.0, 10.0], [10.0, 5.0, 1.0, 9.0]])
    fields = {"log_prob": lambda d, t: d.log_prob(t(values)), "entropy": lambda d, t: d.entropy(),
              "enumerate_support": lambda d, t: d.enumerate_support(),
              **moments_fields("mean", "variance", "mode", "probs", "logits"),
              "kl": lambda d, t: _kl(torch, d, (Binomial if isinstance(d, Binomial) else T.Binomial)(
                  10, probs=t([0.3, 0.4, 0.5, 0.6])))}
    parity(torch, lambda x: Binomial(10, **{param: x}), lambda x: T.Binomial(10, **{param: x}), {"x": x}, fields)
    # total_count as a tensor, different per distribution
    n = np.array([3.0, 10.0, 0.0, 6.0])
    fields = {"log_prob": lambda d, t: d.log_prob(t([1.0, 4.0, 0.0, 6.0])), **moments_fields("mean", "variance", "mode")}
    parity(torch, lambda x: Binomial(m64(n), **{param: x}), lambda x: T.Binomial(torch.tensor(n), **{param: x}),
           {"x": x}, fields)


@pytest.mark.torch
def test_binomial_kl_bounds(torch):
    p, q = Binomial(m64([5.0, 7.0]), probs=m64([0.3, 0.3])), Binomial(m64([5.0, 5.0]), probs=m64([0.4, 0.4]))
    kl = kl_divergence(p, q).numpy()
    T = torch.distributions
    expected = T.kl_divergence(T.Binomial(torch.tensor([5.0, 7.0]), probs=torch.tensor([0.3, 0.3], dtype=torch.float64)),
                               T.Binomial(torch.tensor([5.0, 5.0]), probs=torch.tensor([0.4, 0.4], dtype=torch.float64)))
    np.testing.assert_allclose(kl, expected.numpy(), rtol=1e-12)
    assert kl[1] == math.inf
    with pytest.raises(NotImplementedError, match="total_count"):
        kl_divergence(q, p)
    with pytest.raises(NotImplementedError, match="inhomogeneous"):
        p.entropy()
    with pytest.raises(NotImplementedError, match="inhomogeneous"):
        p.enumerate_support()


@pytest.mark.torch
@pytest.mark.parametrize("param", ["probs", "logits"])
def test_geometric_matches_torch(torch, param):
    T = torch.distributions
    x = np.array([0.05, 0.3, 0.5, 0.9]) if param == "probs" else np.array([-4.0, -0.5, 0.0, 3.0])
    values = np.array([[0.0, 2.0, 5.0, 1.0], [30.0, 0.0, 1.0, 0.0]])
    fields = {"log_prob": lambda d, t: d.log_prob(t(values)), "entropy": lambda d, t: d.entropy(),
              **moments_fields("mean", "variance", "stddev", "mode"),
              "kl": lambda d, t: _kl(torch, d, (Geometric if isinstance(d, Geometric) else T.Geometric)(
                  probs=t([0.2, 0.6, 0.5, 0.1])))}
    parity(torch, lambda x: Geometric(**{param: x}), lambda x: T.Geometric(**{param: x}), {"x": x}, fields)
    # p = 1: the only count is 0, with log-probability 0 (not NaN)
    parity(torch, lambda x: Geometric(probs=x), lambda x: T.Geometric(probs=x), {"x": np.array([1.0, 1.0])},
           {"log_prob": lambda d, t: d.log_prob(t([0.0, 2.0]))})


@pytest.mark.torch
@pytest.mark.parametrize("param", ["probs", "logits"])
def test_negative_binomial_matches_torch(torch, param):
    T = torch.distributions
    r = np.array([0.5, 2.0, 3.5, 10.0])
    x = np.array([0.1, 0.5, 0.7, 0.3]) if param == "probs" else np.array([-2.0, 0.0, 0.8, 1.5])
    values = np.array([[0.0, 1.0, 4.0, 12.0], [3.0, 0.0, 20.0, 2.0]])
    fields = {"log_prob": lambda d, t: d.log_prob(t(values)), **moments_fields("mean", "variance", "stddev", "mode")}
    parity(torch, lambda r, x: NegativeBinomial(r, **{param: x}), lambda r, x: T.NegativeBinomial(r, **{param: x}),
           {"r": r, "x": x}, fields)
    # total_count 0: all the mass on 0
    d = NegativeBinomial(m64([0.0]), probs=m64([0.4]))
    assert float(d.log_prob(m64([0.0]))) == 0.0


@pytest.mark.torch
@pytest.mark.parametrize("param", ["probs", "logits"])
def test_multinomial_matches_torch(torch, param):
    T = torch.distributions
    x = np.array([[0.2, 0.3, 0.5], [0.0, 0.6, 0.4]]) if param == "probs" else np.array([[0.5, -1.0, 1.0], [2.0, 0.0, -3.0]])
    values = np.array([[[1.0, 2.0, 3.0], [0.0, 4.0, 2.0]], [[6.0, 0.0, 0.0], [0.0, 0.0, 6.0]]])
    fields = {"log_prob": lambda d, t: d.log_prob(t(values)), **moments_fields("mean", "variance", "probs", "logits")}
    parity(torch, lambda x: Multinomial(6, **{param: x}), lambda x: T.Multinomial(6, **{param: x}), {"x": x}, fields)
    # torch computes the log n! of the entropy in float32; the rest (and the gradient) in float64
    parity(torch, lambda x: Multinomial(6, **{param: x}), lambda x: T.Multinomial(6, **{param: x}), {"x": x},
           {"entropy": lambda d, t: d.entropy()}, tol=1e-6)
    P = mg.tensor(x, requires_grad=True)
    Q = torch.tensor(x, requires_grad=True)
    Multinomial(6, **{param: P}).entropy().sum().backward()
    T.Multinomial(6, **{param: Q}).entropy().sum().backward()
    np.testing.assert_allclose(P.grad.numpy(), Q.grad.numpy(), atol=1e-10)


def test_multinomial_entropy_is_the_sum_over_the_support():
    probs = np.array([0.2, 0.3, 0.5])
    d = Multinomial(4, probs=m64(probs))
    counts = np.array([(a, b, 4 - a - b) for a in range(5) for b in range(5 - a)], dtype=F64)
    log_p = d.log_prob(m64(counts)).numpy()
    assert np.exp(log_p).sum() == pytest.approx(1.0, abs=1e-12)
    assert float(d.entropy()) == pytest.approx(-(np.exp(log_p) * log_p).sum(), abs=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize("param", ["probs", "logits"])
def test_continuous_bernoulli_matches_torch(torch, param):
    T = torch.distributions
    # inside the region around 1/2 (0.4995, 0.5005), where the Taylor series take over, and outside
    x = np.array([0.02, 0.3, 0.4995, 0.5005, 0.7, 0.97])
    if param == "logits":
        x = np.log(x) - np.log1p(-x)
    values = np.array([[0.0, 0.25, 0.5, 0.9, 1.0, 0.1], [0.6, 0.999, 0.2, 0.5, 0.3, 0.75]])
    fields = {"log_prob": lambda d, t: d.log_prob(t(values)), "cdf": lambda d, t: d.cdf(t(values)),
              "icdf": lambda d, t: d.icdf(t(values)), "entropy": lambda d, t: d.entropy(),
              **moments_fields("mean", "variance", "stddev", "probs", "logits")}
    parity(torch, lambda x: ContinuousBernoulli(**{param: x}), lambda x: T.ContinuousBernoulli(**{param: x}),
           {"x": x}, fields, tol=1e-10)
    # a wide region around 1/2, so the series are tested where their terms are large enough to see
    x = np.array([0.41, 0.45, 0.5, 0.55, 0.59, 0.3])
    if param == "logits":
        x = np.log(x) - np.log1p(-x)
    parity(torch, lambda x: ContinuousBernoulli(**{param: x}, lims=(0.4, 0.6)),
           lambda x: T.ContinuousBernoulli(**{param: x}, lims=(0.4, 0.6)), {"x": x}, fields, tol=1e-10)


@pytest.mark.torch
def test_continuous_bernoulli_kls_match_torch(torch):
    T = torch.distributions
    x = np.array([0.02, 0.3, 0.4999, 0.8])
    q = [0.6, 0.1, 0.4, 0.5002]
    cases = {
        "cb": (lambda t: ContinuousBernoulli(t(q)), lambda t: T.ContinuousBernoulli(t(q))),
        "normal": (lambda t: Normal(t([0.0, 1.0, 0.5, -1.0]), t([1.0, 0.5, 2.0, 0.3])),
                   lambda t: T.Normal(t([0.0, 1.0, 0.5, -1.0]), t([1.0, 0.5, 2.0, 0.3]))),
        "uniform": (lambda t: Uniform(t([-1.0, 0.0, -0.5, -2.0]), t([2.0, 3.0, 1.0, 0.5])),
                    lambda t: T.Uniform(t([-1.0, 0.0, -0.5, -2.0]), t([2.0, 3.0, 1.0, 0.5]))),
    }
    for key, (mine, theirs) in cases.items():
        parity(torch, lambda x: ContinuousBernoulli(x), lambda x: T.ContinuousBernoulli(x), {"x": x},
               {key: lambda d, t, mine=mine, theirs=theirs: _kl(torch, d, (mine if isinstance(d, ContinuousBernoulli)
                                                                          else theirs)(t))}, tol=1e-9)
    # a Uniform against a ContinuousBernoulli: finite only for (low, high) strictly inside [0, 1]
    parity(torch, Uniform, T.Uniform, {"low": np.array([0.1, 0.0, 0.3]), "high": np.array([0.6, 0.5, 1.2])},
           {"kl": lambda d, t: _kl(torch, d, (ContinuousBernoulli if isinstance(d, Uniform) else T.ContinuousBernoulli)(
               t([0.3, 0.7, 0.5004])))}, tol=1e-9)
    r = kl_divergence(Normal(m64([0.0]), m64([1.0])), ContinuousBernoulli(m64([0.3])))
    assert float(r) == math.inf


# ---- samples --------------------------------------------------------------------------------------
def test_discrete_samples_have_the_right_moments():
    mg.manual_seed(0)
    n = 40000

    def check(d, mean, var, rtol=0.03):
        s = d.sample((n,)).numpy()
        np.testing.assert_allclose(s.mean(0), mean, rtol=rtol)
        np.testing.assert_allclose(s.var(0), var, rtol=2 * rtol)
        assert np.all(s == np.round(s)) and s.min() >= 0

    check(Poisson(m64([0.5, 4.0, 30.0])), [0.5, 4.0, 30.0], [0.5, 4.0, 30.0])
    check(Binomial(m64([5.0, 20.0]), probs=m64([0.3, 0.85])), [1.5, 17.0], [1.05, 2.55])
    check(Geometric(probs=m64([0.2, 0.7])), [4.0, 3 / 7], [20.0, (1 / 0.7 - 1) / 0.7])
    check(NegativeBinomial(m64([2.0, 5.5]), probs=m64([0.4, 0.25])), [2 * 0.4 / 0.6, 5.5 / 3],
          [2 * 0.4 / 0.6 ** 2, 5.5 * 0.25 / 0.75 ** 2])
    b = Bernoulli(logits=m64([-2.0, 0.0, 1.5])).sample((n,)).numpy()
    assert set(np.unique(b)) == {0.0, 1.0}
    np.testing.assert_allclose(b.mean(0), 1 / (1 + np.exp([2.0, 0.0, -1.5])), atol=0.01)


def test_categorical_and_multinomial_samples():
    mg.manual_seed(1)
    probs = np.array([[0.1, 0.2, 0.7], [0.5, 0.0, 0.5]])
    c = Categorical(probs=m64(probs)).sample((30000,)).numpy()
    assert c.dtype == np.int64
    freq = (c[..., None] == np.arange(3)).mean(0)
    np.testing.assert_allclose(freq, probs, atol=0.012)
    assert not (c[:, 1] == 1).any()  # probability 0 is never drawn
    oh = OneHotCategorical(probs=m64(probs)).sample((30000,)).numpy()
    assert oh.shape == (30000, 2, 3) and np.all(oh.sum(-1) == 1)
    np.testing.assert_allclose(oh.mean(0), probs, atol=0.012)

    m = Multinomial(10, probs=m64(probs))
    for s in (m.sample((20000,)), m._counted_sample((20000,))):  # NumPy's generator; the CuPy path
        s = s.numpy()
        assert s.shape == (20000, 2, 3) and s.dtype == F64 and np.all(s.sum(-1) == 10)
        np.testing.assert_allclose(s.mean(0), 10 * probs, atol=0.06)
        np.testing.assert_allclose(s.var(0), 10 * probs * (1 - probs), atol=0.1)


def test_samplers_at_the_ends_of_the_uniform_draw(monkeypatch):
    """u = 0 and u just under 1: no class of probability 0 is drawn, no count is infinite."""
    import minigrad.distributions.categorical as categorical_module
    import minigrad.distributions.geometric as geometric_module

    for u in (0.0, 1 - 2 ** -53):
        draw = lambda shape, like, u=u: mg.full(tuple(shape), u, dtype=like.dtype)  # noqa: E731
        monkeypatch.setattr(categorical_module, "uniform", draw)
        monkeypatch.setattr(geometric_module, "uniform", draw)
        c = Categorical(probs=m64([[0.0, 0.5, 0.5, 0.0], [0.0, 0.0, 1.0, 0.0]])).sample((3,)).numpy()
        np.testing.assert_array_equal(c, [[1 if u == 0 else 2, 2]] * 3)
        g = Geometric(probs=m64([0.3, 1.0])).sample((2,)).numpy()
        assert np.isfinite(g).all() and (g >= 0).all() and (g[:, 1] == 0).all()


def test_continuous_samples_and_their_gradients():
    mg.manual_seed(2)
    low, high = mg.tensor([0.0, -2.0], dtype=mg.float64, requires_grad=True), m64([1.0, 3.0]).requires_grad_()
    s = Uniform(low, high).rsample((50000,))
    assert float(s.detach().min()) >= -2.0 and bool((s.detach()[:, 0] < 1).all())
    np.testing.assert_allclose(s.detach().numpy().mean(0), [0.5, 0.5], atol=0.02)
    s.sum().backward()
    u = (s.detach() - low.detach()) / (high.detach() - low.detach())  # s = low + u (high - low)
    np.testing.assert_allclose(low.grad.numpy(), (1 - u).sum(0).numpy(), rtol=1e-10)
    np.testing.assert_allclose(high.grad.numpy(), u.sum(0).numpy(), rtol=1e-10)

    # ContinuousBernoulli: the gradient of the mean of many rsamples is that of the mean (outside
    # the region around 1/2, where the draw is u itself and its gradient 0, as in PyTorch)
    probs = mg.tensor([0.2, 0.45, 0.85], dtype=mg.float64, requires_grad=True)
    d = ContinuousBernoulli(probs)
    r = d.rsample((100000,))
    assert bool((r >= 0).all()) and bool((r <= 1).all())
    r.mean(0).sum().backward()
    sample_grad = probs.grad.numpy().copy()
    probs.grad = None
    ContinuousBernoulli(probs).mean.sum().backward()
    np.testing.assert_allclose(sample_grad, probs.grad.numpy(), rtol=0.03)
    np.testing.assert_allclose(r.detach().numpy().mean(0), d.mean.detach().numpy(), atol=0.005)
    assert not d.sample((3,)).requires_grad


@pytest.mark.parametrize("dtype", [mg.float32, mg.float64])
def test_shapes_dtypes_and_expand(dtype):
    t = lambda a: mg.tensor(np.asarray(a), dtype=dtype)  # noqa: E731
    p = [[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]]
    cases = [  # distribution, its event shape, its sample dtype
        (Bernoulli(t([0.2, 0.9])), (), dtype), (Geometric(logits=t([0.2, -1.0])), (), dtype),
        (Poisson(t([1.0, 3.0])), (), dtype), (Binomial(7, probs=t([0.2, 0.9])), (), dtype),
        (NegativeBinomial(t([2.0, 3.0]), logits=t([0.1, 0.2])), (), dtype),
        (ContinuousBernoulli(t([0.2, 0.9])), (), dtype), (Uniform(t([0.0, 1.0]), t([2.0, 5.0])), (), dtype),
        (Categorical(t(p)), (), mg.int64), (OneHotCategorical(t(p)), (3,), dtype),
        (Multinomial(4, t(p)), (3,), dtype),
    ]
    for d, event, sample_dtype in cases:
        name = type(d).__name__
        assert d.batch_shape == (2,) and d.event_shape == event, name
        s = d.sample((5, 4))
        assert tuple(s.shape) == (5, 4, 2) + event and s.dtype == sample_dtype, name
        assert d.log_prob(s).shape == (5, 4, 2) and d.log_prob(s).dtype == dtype, name
        e = d.expand((3, 2))
        assert type(e) is type(d) and e.batch_shape == (3, 2) and e.event_shape == event, name
        assert tuple(e.sample((6,)).shape) == (6, 3, 2) + event, name
        np.testing.assert_allclose(e.log_prob(s[:, :1]).numpy(), np.broadcast_to(d.log_prob(s[:, :1]).numpy(),
                                                                                   (5, 3, 2)), err_msg=name)
        assert e.mean.shape == (3, 2) + event, name
    assert Bernoulli(0.3).batch_shape == () and Bernoulli(0.3).sample().dtype == mg.float32
    assert Poisson(2.0).sample((3,)).shape == (3,)
    assert Uniform(0.0, 1.0).batch_shape == () and Geometric(0.5).batch_shape == ()


def test_enumerate_support():
    b = Bernoulli(m64([[0.2, 0.4, 0.6]]))
    assert tuple(b.enumerate_support().shape) == (2, 1, 3) and tuple(b.enumerate_support(False).shape) == (2, 1, 1)
    np.testing.assert_array_equal(b.enumerate_support()[:, 0, 0].numpy(), [0.0, 1.0])
    c = Categorical(logits=m64(np.zeros((2, 4))))
    support = c.enumerate_support()
    assert tuple(support.shape) == (4, 2) and support.dtype == mg.int64
    np.testing.assert_allclose(c.log_prob(support).exp().sum(0).numpy(), [1.0, 1.0])
    n = Binomial(5, probs=m64([0.1, 0.7]))
    np.testing.assert_allclose(n.log_prob(n.enumerate_support()).exp().sum(0).numpy(), [1.0, 1.0], rtol=1e-12)
    o = OneHotCategorical(probs=m64([[0.1, 0.9], [0.5, 0.5]]))
    assert tuple(o.enumerate_support().shape) == (2, 2, 2) and tuple(o.enumerate_support(False).shape) == (2, 1, 2)
    assert all(cls.has_enumerate_support for cls in (Bernoulli, Categorical, Binomial, OneHotCategorical))
    assert not any(cls.has_enumerate_support for cls in (Poisson, Geometric, NegativeBinomial, Multinomial, Uniform))


@pytest.mark.torch
def test_flags_supports_and_reprs_match_torch(torch):
    T = torch.distributions
    pairs = [(Bernoulli(0.3), T.Bernoulli(0.3)), (Categorical(m64([0.2, 0.8])), T.Categorical(torch.tensor([0.2, 0.8]))),
             (Uniform(0.0, 2.0), T.Uniform(0.0, 2.0)), (Poisson(m64([1.0])), T.Poisson(torch.tensor([1.0]))),
             (Binomial(3, probs=m64(0.3)), T.Binomial(3, probs=torch.tensor(0.3))),
             (Geometric(m64(0.3)), T.Geometric(torch.tensor(0.3))),
             (NegativeBinomial(2.0, logits=m64(0.3)), T.NegativeBinomial(2.0, logits=torch.tensor(0.3))),
             (Multinomial(3, m64([0.2, 0.8])), T.Multinomial(3, torch.tensor([0.2, 0.8]))),
             (OneHotCategorical(m64([0.2, 0.8])), T.OneHotCategorical(torch.tensor([0.2, 0.8]))),
             (OneHotCategoricalStraightThrough(m64([0.2, 0.8])), T.OneHotCategoricalStraightThrough(torch.tensor([0.2, 0.8]))),
             (ContinuousBernoulli(0.3), T.ContinuousBernoulli(0.3))]
    for ours, theirs in pairs:
        name = type(ours).__name__
        assert ours.has_rsample == theirs.has_rsample and ours.has_enumerate_support == theirs.has_enumerate_support, name
        assert repr(ours.support) == repr(theirs.support).replace("tensor(", "").replace(")", "") or \
            type(ours.support).__name__ == type(theirs.support).__name__, name
        assert ours.support.is_discrete == theirs.support.is_discrete, name
        assert ours.support.event_dim == theirs.support.event_dim, name
        assert sorted(ours.arg_constraints) == sorted(theirs.arg_constraints), name
        assert repr(ours).split("(")[0] == repr(theirs).split("(")[0], name
        if hasattr(theirs, "param_shape"):
            assert tuple(ours.param_shape) == tuple(theirs.param_shape), name
    assert repr(Poisson(m64([1.0, 2.0]))) == "Poisson(rate: minigrad.Size([2]))"


# ---- bad arguments and values ------------------------------------------------------------------
def test_invalid_parameters_are_refused():
    bad = [
        (lambda: Bernoulli(probs=m64([0.5, 1.5])), "probs"), (lambda: Poisson(m64([-1.0])), "rate"),
        (lambda: Categorical(probs=m64([0.5, -0.5, 1.0])), "probs"),
        (lambda: Binomial(m64([2.5]), probs=m64([0.5])), "total_count"),
        (lambda: Binomial(3, probs=m64([1.5])), "probs"),
        (lambda: Geometric(probs=m64([0.0, 0.5])), "probs"), (lambda: Geometric(probs=m64([1.2])), "probs"),
        (lambda: NegativeBinomial(m64([-1.0]), probs=m64([0.5])), "total_count"),
        (lambda: NegativeBinomial(m64([1.0]), probs=m64([1.0])), "probs"),
        (lambda: Uniform(m64([1.0]), m64([1.0])), "low"), (lambda: ContinuousBernoulli(m64([1.2])), "probs"),
        (lambda: OneHotCategorical(probs=m64([[0.5, -0.5, 1.0]])), "probs"),
        (lambda: Multinomial(3, probs=m64([0.5, -0.1, 0.6])), "probs"),
        (lambda: Categorical(logits=m64([0.0, math.inf])), "logits"),
    ]
    for make, param in bad:
        with pytest.raises(ArgumentError, match=param):
            make()
    for cls in (Bernoulli, Categorical, Geometric, ContinuousBernoulli, OneHotCategorical):
        with pytest.raises(ValueError, match="exactly one"):
            cls()
        with pytest.raises(ValueError, match="exactly one"):
            cls(probs=m64([0.5, 0.5]), logits=m64([0.0, 0.0]))
    with pytest.raises(ValueError, match="one-dimensional"):
        Categorical(probs=m64(0.5))
    with pytest.raises(NotImplementedError, match="total_count"):
        Multinomial(m64([2.0]), probs=m64([0.5, 0.5]))
    # with the checks off, nothing is refused
    Bernoulli(probs=m64([1.5]), validate_args=False)
    Geometric(probs=m64([0.0]), validate_args=False)


def test_values_outside_the_support_are_refused():
    bad = [
        (Bernoulli(m64([0.3])), [0.5]), (Categorical(m64([0.2, 0.8])), 2), (Categorical(m64([0.2, 0.8])), -1),
        (Poisson(m64([1.0])), [1.5]), (Poisson(m64([1.0])), [-1.0]), (Binomial(3, probs=m64([0.2])), [4.0]),
        (Geometric(m64([0.2])), [0.5]), (NegativeBinomial(2.0, probs=m64([0.2])), [-2.0]),
        (Uniform(m64([0.0]), m64([1.0])), [1.5]), (ContinuousBernoulli(m64([0.3])), [1.1]),
        (OneHotCategorical(m64([0.2, 0.8])), [1.0, 1.0]), (Multinomial(3, m64([0.2, 0.8])), [2.0, 2.0]),
    ]
    for d, value in bad:
        value = mg.tensor(value) if isinstance(value, int) else m64(value)
        with pytest.raises(ArgumentError, match="support"):
            d.log_prob(value)
    with pytest.raises(ArgumentError, match="support"):
        Uniform(m64([0.0]), m64([1.0])).cdf(m64([2.0]))
    with pytest.raises(ArgumentError, match="event_shape"):
        OneHotCategorical(m64([0.2, 0.8])).log_prob(m64([0.0, 0.0, 1.0]))
    # with the checks off, log_prob answers outside the support too
    assert float(Uniform(0.0, 1.0, validate_args=False).log_prob(2.0)) == -math.inf


@pytest.mark.gpu
def test_sampling_and_log_prob_on_the_gpu():
    """Every family samples with the device's own generator (CuPy's has no multinomial: the
    Multinomial counts categorical draws there) and keeps its results on the device."""
    mg.manual_seed(3)
    c = lambda a: mg.tensor(np.asarray(a, dtype=np.float32), device="cuda")  # noqa: E731
    p = [[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]]
    cases = [Bernoulli(c([0.2, 0.9])), Geometric(logits=c([0.2, -1.0])), Poisson(c([1.0, 3.0])),
             Binomial(7, probs=c([0.2, 0.9])), NegativeBinomial(c([2.0, 3.0]), logits=c([0.1, 0.2])),
             ContinuousBernoulli(c([0.2, 0.9])), Uniform(c([0.0, 1.0]), c([2.0, 5.0])), Categorical(c(p)),
             OneHotCategorical(c(p)), OneHotCategoricalStraightThrough(c(p)), Multinomial(4, c(p))]
    for d in cases:
        s = d.sample((2000,))
        lp = d.log_prob(s)
        assert s.device.type == "cuda" and lp.device.type == "cuda", type(d).__name__
        assert bool(mg.isfinite(lp).all()), type(d).__name__
    counts = Multinomial(4, c(p)).sample((20000,)).cpu().numpy()
    assert np.all(counts.sum(-1) == 4)
    np.testing.assert_allclose(counts.mean(0), 4 * np.array(p), atol=0.05)
    rates = Poisson(c([1.0, 30.0])).sample((20000,)).cpu().numpy()
    np.testing.assert_allclose(rates.mean(0), [1.0, 30.0], rtol=0.03)
