"""ExponentialFamily (entropy and KL from the log normaliser by autograd), the families FisherSnedecor,
GeneralizedPareto, InverseGamma and VonMises, and the KLs of kl_more.py.

ExponentialFamily: each family's entropy from its natural parameters equals its closed form, and the
Bregman KL equals the closed-form KL, values and gradients; the natural parameters and log
normalisers equal torch's. The new families against torch.distributions (values and gradients),
VonMises's Bessel function against SciPy; samples by Kolmogorov-Smirnov distances to SciPy's CDFs,
reparameterised gradients against analytic gradients of expectations.
"""

import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.distributions as D
from minigrad.distributions import von_mises
from minigrad.distributions.exp_family import ExponentialFamily, _kl_expfamily_expfamily
from minigrad.distributions.kl import _KL, _dispatch, kl_divergence
from minigrad.errors import ArgumentError, NotSupported

try:  # SciPy is a second reference where it is installed (it is not a test dependency)
    import scipy.special as sp
    import scipy.stats as st
except ImportError:
    sp = st = None
needs_scipy = pytest.mark.skipif(sp is None, reason="needs scipy (a second reference)")

# torch's trigamma, polygamma(1, x), is off by up to ~5e-10 relative (minigrad's agrees with SciPy):
# the gradients of quantities made with digamma are compared to torch at this tolerance.
TRIGAMMA_TOL = 2e-9


def close(a, b, tol=1e-10):
    a = a.detach().numpy() if hasattr(a, "detach") else np.asarray(a)
    b = b.detach().numpy() if hasattr(b, "detach") else np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def leaves(params):
    return {k: mg.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for k, v in params.items()}


def torch_leaves(torch, params):
    return {k: torch.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for k, v in params.items()}


def grads(output, params):
    """d(weighted sum of output)/d(each param), a dict of arrays (zeros where nothing flows); the graph
    is kept, as lazily computed parameters (logits from probs) are shared by the quantities compared."""
    weights = np.random.default_rng(7).uniform(0.5, 1.5, tuple(output.shape))
    keys = list(params)
    got = mg.grad((output * mg.tensor(weights)).sum(), [params[k] for k in keys], retain_graph=True,
                  allow_unused=True)
    return {k: np.zeros(params[k].shape) if g is None else g.numpy() for k, g in zip(keys, got)}


def check_against_torch(a, b, ours, theirs, tol=1e-10, grad_tol=1e-10):
    """a (minigrad) equals b (torch), and so do the gradients of a random weighting of their finite
    entries. torch's gradient is NaN where its value is (an argument set to NaN in place); ours is 0."""
    import torch

    close(a, b, tol)
    if not b.requires_grad:
        return
    finite = np.isfinite(b.detach().numpy())
    weights = np.random.default_rng(7).uniform(0.5, 1.5, tuple(b.shape))
    (mg.where(mg.tensor(finite), a, 0.0) * mg.tensor(weights)).sum().backward()
    (torch.where(torch.tensor(finite), b, 0.0) * torch.tensor(weights)).sum().backward()
    for key, t in theirs.items():
        got = ours[key].grad
        got = np.zeros(tuple(t.shape)) if got is None else got.numpy()
        expected = np.zeros(tuple(t.shape)) if t.grad is None else t.grad.numpy()
        if expected.shape == finite.shape:
            expected = np.where(np.isnan(expected) & ~finite, 0.0, expected)
        close(got, expected, grad_tol)


# ---- ExponentialFamily ------------------------------------------------------------------------------------
SPD_P = [[[2.0, 0.3], [0.3, 1.0]], [[1.0, -0.2], [-0.2, 0.5]]]
SPD_Q = [[[1.0, 0.1], [0.1, 2.0]], [[0.7, 0.2], [0.2, 0.9]]]
# name: (class name, constructor of the class from its parameters, parameters of p, parameters of q)
EF_FAMILIES = {
    "Normal": ("Normal", lambda c, a: c(**a), {"loc": [0.3, -1.0, 2.0], "scale": [0.5, 2.0, 1.1]},
               {"loc": [0.0, 0.5, 1.0], "scale": [1.5, 0.7, 1.0]}),
    "Bernoulli-probs": ("Bernoulli", lambda c, a: c(**a), {"probs": [0.3, 0.8, 0.05]}, {"probs": [0.6, 0.2, 0.5]}),
    "Bernoulli-logits": ("Bernoulli", lambda c, a: c(**a), {"logits": [-1.0, 2.5, 0.1]},
                         {"logits": [0.4, -0.3, 3.0]}),
    "Beta": ("Beta", lambda c, a: c(**a), {"concentration1": [0.5, 2.0, 4.0], "concentration0": [3.0, 0.7, 1.2]},
             {"concentration1": [1.5, 0.6, 2.0], "concentration0": [0.8, 2.5, 3.0]}),
    "Gamma": ("Gamma", lambda c, a: c(**a), {"concentration": [0.5, 2.0, 7.0], "rate": [3.0, 0.7, 1.0]},
              {"concentration": [1.3, 0.6, 4.0], "rate": [2.0, 0.4, 1.5]}),
    "Chi2": ("Chi2", lambda c, a: c(**a), {"df": [0.5, 3.0, 9.0]}, {"df": [1.5, 2.0, 4.0]}),
    "Exponential": ("Exponential", lambda c, a: c(**a), {"rate": [0.5, 3.0, 1.0]}, {"rate": [1.7, 0.3, 2.2]}),
    "Poisson": ("Poisson", lambda c, a: c(**a), {"rate": [0.5, 3.0, 12.0]}, {"rate": [1.7, 0.3, 10.0]}),
    "Dirichlet": ("Dirichlet", lambda c, a: c(**a), {"concentration": [[0.5, 3.0, 1.2], [2.0, 0.4, 0.8]]},
                  {"concentration": [[1.5, 0.5, 2.0], [0.7, 2.4, 1.0]]}),
    # 0.4995 and 0.50001 inside the regions around ½ where the closed forms switch to series
    # (0.50001 also inside the series region of the log normaliser in η = logit)
    "ContinuousBernoulli-probs": ("ContinuousBernoulli", lambda c, a: c(**a),
                                  {"probs": [0.2, 0.4995, 0.50001, 0.9]}, {"probs": [0.7, 0.3, 0.6, 0.4996]}),
    "ContinuousBernoulli-logits": ("ContinuousBernoulli", lambda c, a: c(**a),
                                   {"logits": [-2.0, 0.0005, 1.5, 4.0]}, {"logits": [0.7, -1.0, 0.0002, 2.0]}),
    "Wishart": ("Wishart", lambda c, a: c(a["df"], covariance_matrix=a["covariance_matrix"]),
                {"df": [3.5, 5.0], "covariance_matrix": SPD_P}, {"df": [2.5, 4.0], "covariance_matrix": SPD_Q}),
}
WITH_ENTROPY = [k for k in EF_FAMILIES if k != "Poisson"]
WITH_CLOSED_KL = [k for k in EF_FAMILIES if k != "Wishart"]


def ef_pair(name, which=2):
    """p and q of the family `name`, with their leaves (which=0: p only)."""
    cls_name, build, p_params, q_params = EF_FAMILIES[name]
    cls = getattr(D, cls_name)
    p_leaves, q_leaves = leaves(p_params), leaves(q_params)
    return build(cls, p_leaves), build(cls, q_leaves), p_leaves, q_leaves


@pytest.mark.torch
def test_the_exponential_families_are_torchs(torch):
    theirs = {n for n in torch.distributions.__all__
              if isinstance(getattr(torch.distributions, n), type)
              and issubclass(getattr(torch.distributions, n), torch.distributions.ExponentialFamily)}
    ours = {n for n in D.__all__ if isinstance(getattr(D, n), type) and issubclass(getattr(D, n), ExponentialFamily)}
    assert ours == theirs
    assert {"Normal", "Bernoulli", "Beta", "Gamma", "Chi2", "Exponential", "Poisson", "Dirichlet",
            "ContinuousBernoulli", "Wishart", "ExponentialFamily"} == ours


@pytest.mark.torch
@pytest.mark.parametrize("name", list(EF_FAMILIES))
def test_natural_params_and_log_normalizer_match_torch(torch, name):
    cls_name, build, p_params, _ = EF_FAMILIES[name]
    ours = build(getattr(D, cls_name), leaves(p_params))
    theirs = build(getattr(torch.distributions, cls_name), torch_leaves(torch, p_params))
    assert len(ours._natural_params) == len(theirs._natural_params)
    for a, b in zip(ours._natural_params, theirs._natural_params):
        close(a, b, 1e-12)
    close(ours._log_normalizer(*ours._natural_params), theirs._log_normalizer(*theirs._natural_params), 1e-12)
    if name not in ("Beta", "Dirichlet", "Poisson"):  # torch defines no mean carrier measure for these
        assert ours._mean_carrier_measure == theirs._mean_carrier_measure == 0


@pytest.mark.parametrize("name", WITH_ENTROPY)
def test_entropy_from_the_log_normalizer_equals_the_closed_form(name):
    d, _, params, _ = ef_pair(name)
    bregman = ExponentialFamily.entropy(d)
    closed = d.entropy()
    assert bregman.shape == closed.shape == d.batch_shape
    close(bregman, closed, 1e-12)
    got, expected = grads(bregman, params), grads(closed, params)
    for key in params:
        close(got[key], expected[key], 1e-10)


@pytest.mark.torch
@pytest.mark.parametrize("name", [k for k in WITH_ENTROPY if not k.startswith("Wishart")])
def test_entropy_from_the_log_normalizer_matches_torchs(torch, name):
    cls_name, build, p_params, _ = EF_FAMILIES[name]
    ours = build(getattr(D, cls_name), leaves(p_params))
    theirs = build(getattr(torch.distributions, cls_name), torch_leaves(torch, p_params))
    if name in ("Beta", "Dirichlet"):  # torch has no mean carrier measure here: compare with the closed form
        close(ExponentialFamily.entropy(ours), theirs.entropy(), 1e-12)
    else:
        close(ExponentialFamily.entropy(ours), torch.distributions.ExponentialFamily.entropy(theirs), 1e-12)


@pytest.mark.parametrize("name", WITH_CLOSED_KL)
def test_bregman_kl_equals_the_closed_form_kl(name):
    p, q, p_params, q_params = ef_pair(name)
    bregman = _kl_expfamily_expfamily(p, q)
    closed = kl_divergence(p, q)
    assert _dispatch(type(p), type(q)) is not _kl_expfamily_expfamily  # a closed form is registered
    assert bregman.shape == closed.shape == p.batch_shape
    close(bregman, closed, 1e-12)
    params = {**{"p_" + k: v for k, v in p_params.items()}, **{"q_" + k: v for k, v in q_params.items()}}
    got, expected = grads(bregman, params), grads(closed, params)
    for key in params:
        close(got[key], expected[key], 1e-10)


def _wishart_kl(p, q):
    """KL(W(ν_p, Σ_p) ‖ W(ν_q, Σ_q)) = ν_q/2 (log|Σ_q| - log|Σ_p|) + ν_p/2 (tr(Σ_q⁻¹ Σ_p) - k)
    + log Γ_k(ν_q/2) - log Γ_k(ν_p/2) + (ν_p - ν_q)/2 ψ_k(ν_p/2), written here with minigrad's ops."""
    from minigrad.ops.special import mvlgamma

    k = p.event_shape[-1]
    sp_, sq = p.covariance_matrix, q.covariance_matrix
    logdet = lambda m: mg.linalg.slogdet(m).logabsdet  # noqa: E731
    trace = mg.linalg.solve(sq, sp_).diagonal(dim1=-2, dim2=-1).sum(-1)
    mvdigamma = sum((p.df / 2 - i / 2).digamma() for i in range(k))
    return (q.df / 2 * (logdet(sq) - logdet(sp_)) + p.df / 2 * (trace - k) + mvlgamma(q.df / 2, k)
            - mvlgamma(p.df / 2, k) + (p.df - q.df) / 2 * mvdigamma)


@needs_scipy
def test_wishart_kl_is_the_bregman_divergence():
    p, q, p_params, q_params = ef_pair("Wishart")
    kl = kl_divergence(p, q)  # no closed form registered: the ExponentialFamily pair
    expected = _wishart_kl(p, q)
    close(kl, expected, 1e-12)
    # SciPy's value for the first pair of the batch
    sp_, sq = np.array(SPD_P[0]), np.array(SPD_Q[0])
    value = (2.5 / 2 * (np.linalg.slogdet(sq)[1] - np.linalg.slogdet(sp_)[1])
             + 3.5 / 2 * (np.trace(np.linalg.solve(sq, sp_)) - 2) + sp.multigammaln(1.25, 2)
             - sp.multigammaln(1.75, 2) + (3.5 - 2.5) / 2 * (sp.digamma(1.75) + sp.digamma(1.25)))
    assert kl[0].item() == pytest.approx(value, rel=1e-12)
    params = {**{"p_" + k: v for k, v in p_params.items()}, **{"q_" + k: v for k, v in q_params.items()}}
    got, want = grads(kl, params), grads(expected, params)
    for key in params:
        close(got[key], want[key], 1e-10)


@pytest.mark.torch
def test_wishart_kl_matches_torch_unbatched(torch):
    # (torch's Bregman KL sums the df term over the batch, so only one pair is compared)
    ours = [D.Wishart(mg.tensor(df, dtype=mg.float64), covariance_matrix=mg.tensor(m, dtype=mg.float64))
            for df, m in ((3.5, SPD_P[0]), (2.5, SPD_Q[0]))]
    theirs = [torch.distributions.Wishart(torch.tensor(df, dtype=torch.float64),
                                          covariance_matrix=torch.tensor(m, dtype=torch.float64))
              for df, m in ((3.5, SPD_P[0]), (2.5, SPD_Q[0]))]
    close(kl_divergence(*ours), torch.distributions.kl_divergence(*theirs), 1e-12)


def test_poisson_has_no_entropy():
    d = D.Poisson(mg.tensor([1.0, 2.0]))
    with pytest.raises(NotImplementedError, match="Poisson"):
        d.entropy()
    with pytest.raises(NotImplementedError):
        ExponentialFamily.entropy(d)


def test_bregman_kl_needs_one_family():
    normal, gamma = D.Normal(0.0, 1.0), D.Gamma(2.0, 1.0)
    with pytest.raises(NotSupported, match="same exponential family"):
        _kl_expfamily_expfamily(normal, gamma)
    with pytest.raises(NotImplementedError):  # as torch: the ExponentialFamily pair is the only match
        kl_divergence(D.Normal(0.0, 1.0), D.Bernoulli(0.3))


def test_exponential_family_entropy_and_kl_follow_grad_mode():
    a = mg.tensor([0.5, 2.0], dtype=mg.float64, requires_grad=True)
    with mg.no_grad():
        assert not ExponentialFamily.entropy(D.Gamma(a, 1.0)).requires_grad
        assert not _kl_expfamily_expfamily(D.Gamma(a, 1.0), D.Gamma(1.0, a)).requires_grad
    constant = D.Gamma(mg.tensor([0.5, 2.0], dtype=mg.float64), 1.0)
    assert not ExponentialFamily.entropy(constant).requires_grad
    assert not _kl_expfamily_expfamily(constant, constant).requires_grad
    # only q tracked: the gradient reaches q alone
    kl = _kl_expfamily_expfamily(constant, D.Gamma(a, 2.0))
    close(mg.grad(kl.sum(), a)[0], mg.grad(kl_divergence(constant, D.Gamma(a, 2.0)).sum(), a)[0])


def test_exponential_family_entropy_with_one_tensor_for_two_parameters():
    # Beta(a, a): both natural parameters are the same tensor; each partial derivative of A is its own
    a = mg.tensor([0.5, 2.0, 6.0], dtype=mg.float64, requires_grad=True)
    d = D.Beta(a, a)
    close(ExponentialFamily.entropy(d), d.entropy(), 1e-12)
    close(mg.grad(ExponentialFamily.entropy(d).sum(), a)[0], mg.grad(d.entropy().sum(), a)[0])


def test_exponential_family_entropy_second_derivative():
    a = mg.tensor([0.5, 2.0], dtype=mg.float64, requires_grad=True)
    b = mg.tensor([1.5, 0.3], dtype=mg.float64, requires_grad=True)
    (g,) = mg.grad(ExponentialFamily.entropy(D.Gamma(a, b)).sum(), [a], create_graph=True)
    (expected,) = mg.grad(D.Gamma(a, b).entropy().sum(), [a], create_graph=True)
    close(g, expected)
    close(g, 1 - (a - 1) * mg.polygamma(1, a))  # dH/dα = 1 + ψ(α) - ψ(α) + (1 - α) ψ'(α)
    got, want = grads(g, {"a": a, "b": b}), grads(expected, {"a": a, "b": b})
    close(got["a"], want["a"])
    close(got["b"], want["b"])  # 0: dH/dα does not depend on β


# ---- the new families against torch ----------------------------------------------------------------------
NEW = {
    # df2 <= 2, <= 4 and df1 <= 2 in some entries: NaN mean, variance and mode there
    "FisherSnedecor": ({"df1": [0.7, 2.5, 5.0, 12.0], "df2": [1.5, 3.0, 4.5, 20.0]}, [0.3, 1.0, 2.5, 0.8]),
    # ξ = 0 (the exponential limit), ξ < 0 (bounded above), ξ >= ½ (no variance)
    "GeneralizedPareto": ({"loc": [0.1, -1.0, 0.5, 2.0], "scale": [2.0, 0.5, 1.5, 1.0],
                           "concentration": [0.4, 0.0, -0.25, 0.7]}, [0.5, 0.2, 1.5, 4.0]),
    # α <= 1 and <= 2: infinite mean and variance
    "InverseGamma": ({"concentration": [0.7, 1.5, 2.5, 6.0], "rate": [0.5, 2.0, 1.0, 3.0]}, [0.3, 1.0, 2.5, 0.8]),
}
NEW_QUANTITIES = {
    "FisherSnedecor": ["log_prob", "mean", "mode", "variance", "stddev"],
    "GeneralizedPareto": ["log_prob", "cdf", "log_cdf", "log_survival_function", "icdf", "mean", "mode",
                          "variance", "stddev", "entropy"],
    "InverseGamma": ["log_prob", "cdf", "mean", "mode", "variance", "stddev", "entropy"],
}
CASES = [(name, q) for name, qs in NEW_QUANTITIES.items() for q in qs]


def new_pair(torch, name):
    params = NEW[name][0]
    ours, theirs = leaves(params), torch_leaves(torch, params)
    return getattr(D, name)(**ours), getattr(torch.distributions, name)(**theirs), ours, theirs


@pytest.fixture
def torch64(torch):
    """torch with float64 as its default dtype, for its GeneralizedPareto, which compares the
    concentration with a tensor of the default dtype."""
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield torch
    torch.set_default_dtype(old)


@pytest.mark.torch
@pytest.mark.parametrize("name,quantity", CASES)
def test_new_families_match_torch(torch64, name, quantity):
    torch = torch64
    p, q, ours, theirs = new_pair(torch, name)
    value = np.asarray([0.1, 0.5, 0.7, 0.99] if quantity == "icdf" else NEW[name][1])
    ours["value"], theirs["value"] = mg.tensor(value, requires_grad=True), torch.tensor(value, requires_grad=True)
    if name == "InverseGamma" and quantity == "cdf":  # P(α, x) is not differentiable in α (in torch neither)
        ours["concentration"].requires_grad_(False)
        theirs["concentration"].requires_grad_(False)
    if quantity in ("mean", "mode", "variance", "stddev", "entropy"):
        a, b = getattr(p, quantity), getattr(q, quantity)
        if quantity == "entropy":
            a, b = p.entropy(), q.entropy()
    else:
        a, b = getattr(p, quantity)(ours["value"]), getattr(q, quantity)(theirs["value"])
    tol = TRIGAMMA_TOL if (name, quantity) == ("InverseGamma", "entropy") else 1e-10
    check_against_torch(a, b, ours, theirs, grad_tol=tol)


@pytest.mark.torch
def test_new_families_shapes_support_and_repr_match_torch(torch64):
    torch = torch64
    for name in NEW:
        p, q, _, _ = new_pair(torch, name)
        assert p.batch_shape == q.batch_shape and p.event_shape == q.event_shape
        assert p.has_rsample == q.has_rsample and p.has_enumerate_support == q.has_enumerate_support
        assert set(p.arg_constraints) == set(q.arg_constraints)
        e = p.expand((3, 4))
        assert type(e) is type(p) and e.batch_shape == (3, 4)
        close(e.log_prob(mg.tensor(NEW[name][1])), np.broadcast_to(p.log_prob(mg.tensor(NEW[name][1])).numpy(),
                                                                    (3, 4)))
        scalar = getattr(D, name)(**{k: v[2] for k, v in NEW[name][0].items()})
        theirs = getattr(torch.distributions, name)(**{k: v[2] for k, v in NEW[name][0].items()})
        assert scalar.batch_shape == () == tuple(theirs.batch_shape)
        assert repr(scalar) == repr(theirs)
    gp = D.GeneralizedPareto(mg.tensor([0.5, 0.5]), mg.tensor([2.0, 2.0]), mg.tensor([-0.5, 0.5]))
    close(gp.support.lower_bound, [0.5, 0.5])
    close(gp.support.upper_bound, [4.5, math.inf])
    vm = D.VonMises(mg.tensor([0.5, 1.0]), mg.tensor([2.0, 3.0]))
    tvm = torch.distributions.VonMises(torch.tensor([0.5, 1.0]), torch.tensor([2.0, 3.0]))
    assert repr(vm) == repr(tvm).replace("torch.Size", "minigrad.Size")
    assert vm.has_rsample is tvm.has_rsample is False
    assert vm.expand((3, 2)).batch_shape == (3, 2)


@needs_scipy
def test_generalized_pareto_special_cases():
    z = mg.tensor([0.1, 0.9, 2.5], dtype=mg.float64)
    f64 = lambda v: mg.tensor(v, dtype=mg.float64)  # noqa: E731
    # ξ = 0, μ = 0: the exponential of rate 1/σ
    gp, ex = D.GeneralizedPareto(f64(0.0), 2.0, 0.0), D.Exponential(f64(0.5))
    close(gp.log_prob(z), ex.log_prob(z), 1e-14)
    close(gp.cdf(z), ex.cdf(z), 1e-14)
    # ξ > 0, μ = σ/ξ: the Pareto of scale σ/ξ and index 1/ξ
    gp, pa = D.GeneralizedPareto(f64(1.0 / 0.25), 1.0, 0.25), D.Pareto(f64(4.0), 4.0)
    close(gp.log_prob(z + 4), pa.log_prob(z + 4), 1e-13)
    # ξ = -1: the uniform on [μ, μ + σ], its upper end included
    xi = mg.tensor([-1.0, -1.0, -1.0], dtype=mg.float64, requires_grad=True)
    gp = D.GeneralizedPareto(mg.tensor([2.0, 2.0, 2.0], dtype=mg.float64), mg.tensor([1.5, 1.5, 1.5],
                                                                                      dtype=mg.float64), xi)
    x = mg.tensor([2.3, 3.0, 3.5], dtype=mg.float64)
    lp = gp.log_prob(x)
    close(lp, np.full(3, -math.log(1.5)), 1e-14)
    # d log_prob / dξ = log(1 + ξz)/ξ² - (1/ξ + 1) z/(1 + ξz) = log(1 - z) at ξ = -1 (SciPy's, by differences)
    (g,) = mg.grad(lp[:2].sum(), [xi])
    h = 1e-6
    fd = (st.genpareto.logpdf([2.3, 3.0], -1 + h, 2.0, 1.5) - st.genpareto.logpdf([2.3, 3.0], -1 - h, 2.0, 1.5)) / (2 * h)
    close(g[:2], fd, 1e-7)
    # |ξ| <= 1e-8 is the exponential limit, with finite gradients
    xi = mg.tensor([1e-9, -1e-9], dtype=mg.float64, requires_grad=True)
    gp = D.GeneralizedPareto(0.0, mg.tensor([2.0, 2.0], dtype=mg.float64), xi)
    lp = gp.log_prob(mg.tensor([0.5, 3.0], dtype=mg.float64))
    close(lp, D.Exponential(f64(0.5)).log_prob(f64([0.5, 3.0])), 1e-12)
    assert np.all(np.isfinite(mg.grad(lp.sum(), [xi])[0].numpy()))


@needs_scipy
def test_fisher_snedecor_log_prob_against_scipy():
    df1, df2 = np.array([0.7, 2.5, 5.0, 12.0]), np.array([1.5, 3.0, 4.5, 20.0])
    x = np.array([0.3, 1.0, 2.5, 0.8])
    close(D.FisherSnedecor(mg.tensor(df1), mg.tensor(df2)).log_prob(mg.tensor(x)), st.f.logpdf(x, df1, df2), 1e-12)


# ---- VonMises -------------------------------------------------------------------------------------------
@needs_scipy
def test_scaled_bessel_functions_against_scipy():
    x = np.concatenate([[0.0, 1e-8, 7.999, 8.0, 8.001], np.linspace(1e-3, 40.0, 801), [100.0, 700.0, 1e5]])
    t = mg.tensor(x, requires_grad=True)
    close(mg.special.i0e(t), sp.i0e(x), 1e-14)
    close(mg.special.i1e(t), sp.i1e(x), 1e-14)
    log_i0 = von_mises._log_i0(t)
    np.testing.assert_allclose(log_i0.detach().numpy(), np.log(sp.i0e(x)) + x, rtol=1e-14, atol=1e-15)
    (g,) = mg.grad(log_i0.sum(), [t])  # d log I0 / dx = I1/I0
    close(g, sp.i1e(x) / sp.i0e(x), 1e-12)
    # float32 in, float32 out
    assert von_mises._log_i0(mg.tensor([0.5, 20.0])).dtype == mg.float32


VM_LOC, VM_CONC = [0.1, -1.0, 0.5, 2.0, -3.0], [0.01, 0.5, 4.0, 30.0, 900.0]
VM_VALUES = [0.3, 1.0, 2.5, -0.8, -3.1]


@needs_scipy
def test_von_mises_against_scipy():
    loc, conc = leaves({"loc": VM_LOC, "concentration": VM_CONC}).values()
    d = D.VonMises(loc, conc)
    x = np.asarray(VM_VALUES)
    lp = d.log_prob(mg.tensor(x))
    close(lp, st.vonmises.logpdf(x, np.asarray(VM_CONC), loc=np.asarray(VM_LOC)), 1e-12)
    ratio = sp.i1e(VM_CONC) / sp.i0e(VM_CONC)
    d_loc, d_conc = mg.grad(lp.sum(), [loc, conc])
    close(d_loc, np.asarray(VM_CONC) * np.sin(x - np.asarray(VM_LOC)), 1e-12)
    close(d_conc, np.cos(x - np.asarray(VM_LOC)) - ratio, 1e-12)
    close(d.variance, 1 - ratio, 1e-13)
    close(mg.grad(d.variance.sum(), [conc])[0],  # d(I1/I0)/dκ = 1 - (I1/I0)/κ - (I1/I0)²
          -(1 - ratio / np.asarray(VM_CONC) - ratio ** 2), 1e-10)
    close(d.mean, VM_LOC)
    close(d.mode, VM_LOC)
    close(d.stddev, np.sqrt(1 - ratio), 1e-13)


@pytest.mark.torch
def test_von_mises_matches_torch(torch):
    # torch's log I0 is a polynomial approximation good to about 1e-7: compared at that tolerance
    ours = leaves({"loc": VM_LOC[:4], "concentration": VM_CONC[:4]})
    theirs = torch_leaves(torch, {"loc": VM_LOC[:4], "concentration": VM_CONC[:4]})
    p, q = D.VonMises(**ours), torch.distributions.VonMises(**theirs)
    x = np.asarray(VM_VALUES[:4])
    close(p.log_prob(mg.tensor(x)), q.log_prob(torch.tensor(x)), 1e-6)
    close(p.variance, q.variance, 1e-6)
    assert p.log_prob(mg.tensor(x, dtype=mg.float32)).dtype == mg.float64  # the parameters' dtype


# ---- samples ---------------------------------------------------------------------------------------------
def ks_distance(sample, cdf):
    """sup |F_n - F|, the Kolmogorov-Smirnov statistic of sorted draws against a CDF."""
    n = len(sample)
    f = cdf(np.sort(sample))
    return max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n))


def _wrapped(x, loc):
    return (x - loc + np.pi) % (2 * np.pi) - np.pi


SAMPLED = {
    "FisherSnedecor": (lambda: D.FisherSnedecor(mg.tensor([0.7, 5.0, 30.0]), mg.tensor([1.5, 12.0, 4.0])),
                       lambda x, i: st.f.cdf(x, [0.7, 5.0, 30.0][i], [1.5, 12.0, 4.0][i])),
    "GeneralizedPareto": (lambda: D.GeneralizedPareto(mg.tensor([0.0, 1.0, -2.0]), mg.tensor([1.0, 0.5, 2.0]),
                                                      mg.tensor([0.3, 0.0, -0.4])),
                          lambda x, i: st.genpareto.cdf(x, [0.3, 0.0, -0.4][i], [0.0, 1.0, -2.0][i],
                                                        [1.0, 0.5, 2.0][i])),
    "InverseGamma": (lambda: D.InverseGamma(mg.tensor([0.4, 2.0, 9.0]), mg.tensor([1.0, 0.5, 3.0])),
                     lambda x, i: st.invgamma.cdf(x, [0.4, 2.0, 9.0][i], scale=[1.0, 0.5, 3.0][i])),
    # κ tiny (the envelope's series), moderate, large; loc near ±π so that draws wrap around
    # (the draws are compared as angles from loc, in [-π, π))
    "VonMises": (lambda: D.VonMises(mg.tensor([3.0, -3.1, 0.5, 1.0]), mg.tensor([1e-7, 0.6, 5.0, 200.0])),
                 lambda x, i: st.vonmises.cdf(x, [1e-7, 0.6, 5.0, 200.0][i])),
}


@needs_scipy
@pytest.mark.parametrize("name", list(SAMPLED))
def test_samples_follow_the_cdf(name):
    mg.manual_seed(11)
    build, cdf = SAMPLED[name]
    d = build()
    n = 20_000
    x = d.sample((n,))
    assert x.shape == (n,) + tuple(d.batch_shape) and x.dtype == mg.float32 and not x.requires_grad
    sample = x.numpy().astype(np.float64)
    assert np.all(d.support.check(x).numpy())
    if name == "VonMises":
        assert sample.min() >= -math.pi and sample.max() < math.pi
        sample = _wrapped(sample, d.loc.numpy().astype(np.float64))
    for i in range(sample.shape[1]):
        assert ks_distance(sample[:, i], lambda v: cdf(v, i)) < 1.95 / math.sqrt(n), i  # the 0.1% critical value


@pytest.mark.parametrize("name", list(SAMPLED))
def test_sample_shapes_and_dtypes(name):
    mg.manual_seed(12)
    d = SAMPLED[name][0]()
    batch = tuple(d.batch_shape)
    for dtype in (mg.float32, mg.float64):
        params = {k: getattr(d, k).to(dtype) for k in d.arg_constraints}
        e = type(d)(**params)
        for draw in (e.sample, e.rsample) if e.has_rsample else (e.sample,):
            x = draw((2, 3))
            assert x.shape == (2, 3) + batch and x.dtype == dtype
        assert e.sample().shape == batch
        assert e.expand((5,) + batch).sample((2,)).shape == (2, 5) + batch
    if not d.has_rsample:
        with pytest.raises(NotImplementedError):
            d.rsample()


def test_von_mises_redraws_only_the_rejected_entries(monkeypatch):
    sizes = []
    draw = von_mises.uniform

    def counting(shape, like):
        sizes.append(shape[1])
        return draw(shape, like)

    monkeypatch.setattr(von_mises, "uniform", counting)
    mg.manual_seed(13)
    x = D.VonMises(mg.tensor([0.0, 1.0]), mg.tensor([0.05, 2.0])).sample((5000,))
    assert x.shape == (5000, 2)
    assert sizes[0] == 10_000 and len(sizes) > 1  # the first round draws for every entry, some are rejected
    assert all(later < earlier for earlier, later in zip(sizes, sizes[1:]))  # then only for those
    assert sizes[1] < 0.4 * sizes[0]  # Best-Fisher's acceptance is above 65% for every κ


@needs_scipy
def test_reparameterised_gradients():
    mg.manual_seed(14)
    n = 100_000
    # E[log Y] = ψ(d₁/2) - ψ(d₂/2) + log(d₂/d₁) for Y ~ F(d₁, d₂)
    df1 = mg.tensor(3.0, dtype=mg.float64, requires_grad=True)
    df2 = mg.tensor(7.0, dtype=mg.float64, requires_grad=True)
    g1, g2 = mg.grad(D.FisherSnedecor(df1, df2).rsample((n,)).log().mean(), [df1, df2])
    assert g1.item() == pytest.approx(sp.polygamma(1, 1.5) / 2 - 1 / 3, abs=0.01)
    assert g2.item() == pytest.approx(-sp.polygamma(1, 3.5) / 2 + 1 / 7, abs=0.01)
    # E[log Y] = log β - ψ(α) for Y ~ InverseGamma(α, β)
    alpha = mg.tensor(2.5, dtype=mg.float64, requires_grad=True)
    beta = mg.tensor(1.5, dtype=mg.float64, requires_grad=True)
    ga, gb = mg.grad(D.InverseGamma(alpha, beta).rsample((n,)).log().mean(), [alpha, beta])
    assert ga.item() == pytest.approx(-sp.polygamma(1, 2.5), rel=0.02)
    assert gb.item() == pytest.approx(1 / 1.5, rel=1e-12)
    # E[Y] = μ + σ/(1 - ξ) for the generalized Pareto (ξ < ½: a finite variance)
    loc, scale, xi = (mg.tensor(v, dtype=mg.float64, requires_grad=True) for v in (0.5, 2.0, 0.2))
    gl, gs, gx = mg.grad(D.GeneralizedPareto(loc, scale, xi).rsample((n,)).mean(), [loc, scale, xi])
    assert gl.item() == pytest.approx(1.0, rel=1e-12)
    assert gs.item() == pytest.approx(1 / 0.8, rel=0.02)
    assert gx.item() == pytest.approx(2.0 / 0.8 ** 2, rel=0.05)


def test_generalized_pareto_rsample_is_the_icdf_of_a_uniform():
    from minigrad.distributions.utils import uniform

    d = D.GeneralizedPareto(mg.tensor([0.0, 1.0]), mg.tensor([1.0, 2.0]), mg.tensor([0.3, -0.2]))
    mg.manual_seed(15)
    u = uniform((4, 2), d.loc)
    mg.manual_seed(15)
    close(d.rsample((4,)), d.icdf(u), 0)


# ---- bad inputs ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("make,param", [
    (lambda: D.FisherSnedecor(mg.tensor([1.0, -1.0]), 2.0), "df1"),
    (lambda: D.FisherSnedecor(1.0, mg.tensor([0.0])), "df2"),
    (lambda: D.GeneralizedPareto(0.0, mg.tensor([-1.0]), 0.1), "scale"),
    (lambda: D.GeneralizedPareto(mg.tensor([math.nan]), 1.0, 0.1), "loc"),
    (lambda: D.InverseGamma(mg.tensor([-1.0]), 1.0), "concentration"),
    (lambda: D.InverseGamma(1.0, mg.tensor([0.0])), "rate"),
    (lambda: D.VonMises(0.0, mg.tensor([0.0])), "concentration"),
    (lambda: D.VonMises(mg.tensor([math.nan]), 1.0), "loc"),
])
def test_invalid_parameters(make, param):
    with pytest.raises(ArgumentError, match=param):
        make()


@pytest.mark.parametrize("cls,args,value", [
    (D.FisherSnedecor, (1.0, 2.0), -1.0),
    (D.FisherSnedecor, (1.0, 2.0), 0.0),
    (D.GeneralizedPareto, (1.0, 1.0, 0.5), 0.5),  # below loc
    (D.GeneralizedPareto, (1.0, 1.0, -0.5), 3.5),  # above loc - scale/ξ = 3
    (D.InverseGamma, (2.0, 1.0), -0.5),
    (D.VonMises, (0.0, 1.0), math.nan),
])
def test_values_outside_the_support(cls, args, value):
    with pytest.raises(ArgumentError, match="support"):
        cls(*args).log_prob(mg.tensor([value]))
    cls(*args, validate_args=False).log_prob(mg.tensor([value]))  # no check without validate_args


# ---- the KLs of kl_more.py -------------------------------------------------------------------------------
@pytest.mark.torch
def test_every_kl_torch_registers_is_registered(torch):
    theirs = {(a.__name__, b.__name__) for a, b in torch.distributions.kl._KL_REGISTRY}
    ours = {(a.__name__, b.__name__) for a, b in _KL}
    assert theirs <= ours


KL_MORE = {
    ("Beta", "ContinuousBernoulli"): ({"concentration1": [0.5, 2.0, 4.0, 1.0], "concentration0": [3.0, 0.7, 1.2, 1.0]},
                                      {"probs": [0.2, 0.4995, 0.8, 0.6]}),
    ("ContinuousBernoulli", "Exponential"): ({"probs": [0.2, 0.4995, 0.50001, 0.9]}, {"rate": [0.5, 3.0, 1.0, 2.0]}),
    ("Exponential", "ContinuousBernoulli"): ({"rate": [0.5, 3.0]}, {"probs": [0.2, 0.7]}),
    ("Gamma", "ContinuousBernoulli"): ({"concentration": [0.5, 3.0], "rate": [1.0, 2.0]}, {"probs": [0.2, 0.7]}),
    ("Laplace", "ContinuousBernoulli"): ({"loc": [0.5, 3.0], "scale": [1.0, 2.0]}, {"logits": [0.2, -0.7]}),
}


@pytest.mark.torch
@pytest.mark.parametrize("pair", list(KL_MORE), ids=lambda p: "-".join(p))
def test_kl_more_matches_torch(torch, pair):
    (p_name, q_name), (p_params, q_params) = pair, KL_MORE[pair]
    op, oq = leaves(p_params), leaves(q_params)
    tp, tq = torch_leaves(torch, p_params), torch_leaves(torch, q_params)
    ours = kl_divergence(getattr(D, p_name)(**op), getattr(D, q_name)(**oq))
    theirs = torch.distributions.kl_divergence(getattr(torch.distributions, p_name)(**tp),
                                               getattr(torch.distributions, q_name)(**tq))
    if np.all(np.isinf(theirs.detach().numpy())):
        close(ours, theirs, 0)
        return
    all_ours = {**{"p_" + k: v for k, v in op.items()}, **{"q_" + k: v for k, v in oq.items()}}
    all_theirs = {**{"p_" + k: v for k, v in tp.items()}, **{"q_" + k: v for k, v in tq.items()}}
    check_against_torch(ours, theirs, all_ours, all_theirs, tol=1e-12, grad_tol=TRIGAMMA_TOL)


@needs_scipy
def test_kl_more_against_the_expectation():
    # KL(Beta ‖ CB) = E_p[log p - log q], by the quadrature of SciPy's Beta density
    a, b, lam = 2.0, 3.0, 0.3
    grid = np.linspace(0.0, 1.0, 200_001)[1:-1]
    log_p = st.beta.logpdf(grid, a, b)
    log_c = math.log(2 * math.atanh(1 - 2 * lam) / (1 - 2 * lam))
    log_q = grid * math.log(lam) + (1 - grid) * math.log(1 - lam) + log_c
    expected = np.trapezoid(np.exp(log_p) * (log_p - log_q), grid)
    got = kl_divergence(D.Beta(mg.tensor(a, dtype=mg.float64), mg.tensor(b, dtype=mg.float64)),
                        D.ContinuousBernoulli(mg.tensor(lam, dtype=mg.float64)))
    assert got.item() == pytest.approx(expected, rel=1e-6)


# ---- exports ---------------------------------------------------------------------------------------------
@pytest.mark.torch
def test_torch_distributions_names_are_exported(torch):
    assert set(torch.distributions.__all__) <= set(D.__all__)
    for name in ("ExponentialFamily", "FisherSnedecor", "GeneralizedPareto", "InverseGamma", "VonMises"):
        assert getattr(D, name).__name__ == name
    assert D.__all__ == sorted(D.__all__)


# ---- on the device ---------------------------------------------------------------------------------------
@pytest.mark.gpu
def test_new_families_and_exponential_family_on_the_gpu():
    """On device cuda: samples, log_prob and the quantities stay on the device and equal the CPU's;
    the entropy and KL from the log normaliser too."""
    mg.manual_seed(16)
    c = lambda a: mg.tensor(np.asarray(a, dtype=np.float64), device="cuda", requires_grad=True)  # noqa: E731
    h = lambda a: mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)  # noqa: E731
    cases = [(D.FisherSnedecor, ([2.0, 5.0], [3.0, 9.0])), (D.GeneralizedPareto, ([0.0, 1.0], [1.0, 2.0], [0.2, -0.3])),
             (D.InverseGamma, ([2.0, 5.0], [3.0, 9.0])), (D.VonMises, ([0.5, -2.0], [0.3, 8.0]))]
    for cls, args in cases:
        d, e = cls(*map(c, args)), cls(*map(h, args))
        s = d.sample((500,))
        lp = d.log_prob(s)
        assert s.device.type == "cuda" and lp.device.type == "cuda" and s.dtype == mg.float64, cls.__name__
        assert bool(mg.isfinite(lp).all()), cls.__name__
        close(lp.cpu(), e.log_prob(s.cpu()), 1e-12)
        close(d.variance.cpu(), e.variance, 1e-12)
        if d.has_rsample:
            first = getattr(d, next(iter(d.arg_constraints)))  # df1, loc, concentration: a leaf on the device
            (g,) = mg.grad(d.rsample((50,)).mean(), [first])
            assert g.device.type == "cuda"
    p, q = D.Beta(c([0.5, 2.0]), c([3.0, 0.7])), D.Beta(c([1.5, 0.6]), c([0.8, 2.5]))
    hp, hq = D.Beta(h([0.5, 2.0]), h([3.0, 0.7])), D.Beta(h([1.5, 0.6]), h([0.8, 2.5]))
    close(ExponentialFamily.entropy(p).cpu(), hp.entropy(), 1e-12)
    close(_kl_expfamily_expfamily(p, q).cpu(), kl_divergence(hp, hq), 1e-12)


@pytest.mark.parametrize("name", ["GeneralizedPareto", "InverseGamma"])
def test_samples_follow_their_own_cdf(name):
    """Without SciPy too: the draws against the family's own cdf (itself compared with torch's),
    evaluated in float64 on float64 copies of the parameters."""
    mg.manual_seed(12)
    build, _ = SAMPLED[name]
    d = build()
    n = 20_000
    sample = d.sample((n,)).numpy().astype(np.float64)
    params = {k: getattr(d, k).double() for k in d.arg_constraints}
    for i in range(sample.shape[1]):
        exact = type(d)(**{k: v[i:i + 1] for k, v in params.items()})  # column i alone, in float64
        cdf = lambda v: exact.cdf(mg.tensor(v[:, None]))[:, 0].numpy()  # noqa: E731
        assert ks_distance(sample[:, i], cdf) < 1.95 / math.sqrt(n), i  # the 0.1% critical value
