"""Multivariate distributions and wrappers (MultivariateNormal, LowRankMultivariateNormal, Independent,
MixtureSameFamily, LKJCholesky, Wishart) and linalg.cholesky_ex: values, KLs and gradients against
torch; samples by their moments."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import linalg
from minigrad.distributions.bernoulli import Bernoulli
from minigrad.distributions.categorical import Categorical
from minigrad.distributions.independent import Independent
from minigrad.distributions.kl import kl_divergence
from minigrad.distributions.lkj_cholesky import LKJCholesky
from minigrad.distributions.lowrank_multivariate_normal import LowRankMultivariateNormal
from minigrad.distributions.mixture_same_family import MixtureSameFamily
from minigrad.distributions.multivariate_normal import MultivariateNormal, _batch_mahalanobis
from minigrad.distributions.normal import Normal
from minigrad.distributions.wishart import Wishart
from minigrad.errors import ArgumentError, LinAlgError, NotSupported

TOL = 1e-10


def spd(rng, shape, n):
    A = rng.standard_normal(tuple(shape) + (n, n))
    return A @ np.swapaxes(A, -1, -2) + np.eye(n)


def close(a, b, tol=TOL):
    a = a.detach().numpy() if hasattr(a, "detach") else np.asarray(a)
    b = b.detach().numpy() if hasattr(b, "detach") else np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


class Pair:
    """The same float64 arrays as minigrad and torch leaves, to compare values and gradients."""

    def __init__(self, torch, *arrays):
        self.torch = torch
        self.ours = [mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in arrays]
        self.theirs = [torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in arrays]

    def check(self, ours, theirs, tol=TOL):
        """Compare the two results, then the gradients of a weighted sum of them."""
        close(ours, theirs, tol)
        w = np.random.default_rng(7).uniform(0.5, 1.5, tuple(ours.shape))
        (ours * mg.tensor(w)).sum().backward()
        (theirs * self.torch.tensor(w)).sum().backward()
        for o, t in zip(self.ours, self.theirs):
            if t.grad is None:
                assert o.grad is None or not np.any(o.grad.numpy()), "a gradient where torch has none"
            else:
                close(o.grad, t.grad, tol)
            o.grad, t.grad = None, None


# ---- linalg.cholesky_ex --------------------------------------------------------------------------
@pytest.mark.torch
def test_cholesky_ex_matches_torch_on_failures_and_gradients(torch):
    rng = np.random.default_rng(0)
    A = spd(rng, (4, 3), 5) * 0.1 + 0.05 * np.eye(5)
    A[0, 1] -= 3 * np.eye(5)       # not positive definite from the first minor
    A[2, 2, 3, 3] = -5             # fails at the 4th minor
    A[1, 0, 2, 1] = A[1, 0, 1, 2] = 40.0  # fails at the 3rd (an off-diagonal entry too large)
    A[3, 1, 0, 0] = np.nan         # nan: fails at once
    for upper in (False, True):
        L, info = linalg.cholesky_ex(mg.tensor(A), upper=upper)
        Lt, it = torch.linalg.cholesky_ex(torch.tensor(A), upper=upper)
        assert info.dtype == mg.int32 and tuple(info.shape) == (4, 3)
        np.testing.assert_array_equal(info.numpy(), it.numpy())
        assert set(info.numpy().ravel()) == {0, 1, 3, 4}
        # the failed matrices too hold what LAPACK leaves in them
        np.testing.assert_allclose(L.numpy(), Lt.numpy(), rtol=1e-12, atol=1e-12, equal_nan=True)

    # nan alone (NumPy's factorization does not raise on it): info as LAPACK's, at the first nan pivot
    N = np.array([[[1.0, np.nan], [np.nan, 1.0]], [[np.nan, 0.0], [0.0, 1.0]], [[2.0, 0.0], [0.0, 1.0]]])
    np.testing.assert_array_equal(linalg.cholesky_ex(mg.tensor(N)).info.numpy(),
                                  torch.linalg.cholesky_ex(torch.tensor(N)).info.numpy())

    ok = info.numpy() == 0
    pair = Pair(torch, A)
    L, info = linalg.cholesky_ex(pair.ours[0])
    Lt, _ = torch.linalg.cholesky_ex(pair.theirs[0])
    w = rng.standard_normal(A.shape)
    (L * mg.tensor(w)).sum().backward()
    torch.linalg.cholesky(pair.theirs[0][torch.tensor(ok)]).mul(torch.tensor(w[ok])).sum().backward()
    close(pair.ours[0].grad.numpy()[ok], pair.theirs[0].grad.numpy()[ok])
    assert not np.any(pair.ours[0].grad.numpy()[~ok])  # the failed ones are constants

    # all positive definite: the plain factorization, differentiable like cholesky
    B = spd(rng, (3,), 4)
    pair = Pair(torch, B)
    L, info = linalg.cholesky_ex(pair.ours[0], upper=True)
    assert not np.any(info.numpy()) and tuple(info.shape) == (3,)
    pair.check(L, torch.linalg.cholesky_ex(pair.theirs[0], upper=True).L)


def test_cholesky_ex_errors_dtypes_and_out():
    bad = mg.tensor([[[1.0, 2.0], [2.0, 1.0]], [[2.0, 0.0], [0.0, 3.0]]])
    L, info = linalg.cholesky_ex(bad)
    assert L.dtype == mg.float32 and info.numpy().tolist() == [2, 0]
    np.testing.assert_allclose(L.numpy()[1], np.diag(np.sqrt([2.0, 3.0])), rtol=1e-6)
    with pytest.raises(LinAlgError, match="order 2"):
        linalg.cholesky_ex(bad, check_errors=True)
    L, info = linalg.cholesky_ex(bad[1], check_errors=True)
    assert info.ndim == 0 and int(info) == 0
    out = (mg.empty(2, 2, 2), mg.empty(2, dtype=mg.int32))
    result = linalg.cholesky_ex(bad, out=out)
    assert result.L is out[0] and result.info is out[1] and out[1].numpy().tolist() == [2, 0]
    with pytest.raises(Exception, match="dtype"):
        linalg.cholesky_ex(bad, out=(mg.empty(2, 2, 2), mg.empty(2)))
    with pytest.raises(Exception, match="square"):
        linalg.cholesky_ex(mg.ones(2, 3))


# ---- MultivariateNormal --------------------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("given", ["covariance_matrix", "precision_matrix", "scale_tril"])
def test_mvn_matches_torch(torch, given):
    rng = np.random.default_rng(1)
    n = 3
    S = spd(rng, (2, 1), n)
    matrix = np.linalg.cholesky(S) if given == "scale_tril" else S
    loc, x = rng.standard_normal((4, n)), rng.standard_normal((5, 2, 4, n))
    TD = torch.distributions
    pair = Pair(torch, loc, matrix)

    def both(fn):
        p = MultivariateNormal(pair.ours[0], **{given: pair.ours[1]})
        q = TD.MultivariateNormal(pair.theirs[0], **{given: pair.theirs[1]})
        return fn(p, mg.tensor, lambda d: d), fn(q, torch.tensor, lambda d: d)

    p = MultivariateNormal(pair.ours[0], **{given: pair.ours[1]})
    assert p.batch_shape == (2, 4) and p.event_shape == (3,) and p.has_rsample
    assert type(p.batch_shape) is mg.Size
    for fn in (lambda d, T, _: d.log_prob(T(x)), lambda d, T, _: d.log_prob(T(x[0, 0, 0])),
               lambda d, T, _: d.entropy(), lambda d, T, _: d.variance, lambda d, T, _: d.stddev,
               lambda d, T, _: d.mean, lambda d, T, _: d.mode, lambda d, T, _: d.covariance_matrix,
               lambda d, T, _: d.precision_matrix, lambda d, T, _: d.scale_tril):
        pair.check(*both(fn))
    # KL between two of them, the second a function of the same leaves
    p2 = MultivariateNormal(0.5 * pair.ours[0][:1], **{given: 2 * pair.ours[1]})
    q = TD.MultivariateNormal(pair.theirs[0], **{given: pair.theirs[1]})
    q2 = TD.MultivariateNormal(0.5 * pair.theirs[0][:1], **{given: 2 * pair.theirs[1]})
    pair.check(kl_divergence(p, p2), TD.kl_divergence(q, q2))
    assert repr(p) == "MultivariateNormal(loc: minigrad.Size([2, 4, 3]), " + given + ": minigrad.Size([2, 4, 3, 3]))"


def test_mahalanobis_solves_each_factor_once_for_broadcast_batches():
    rng = np.random.default_rng(2)
    L = np.linalg.cholesky(spd(rng, (3, 1), 4))  # shared along the second axis
    x = rng.standard_normal((2, 3, 5, 4))
    ours = _batch_mahalanobis(mg.tensor(L), mg.tensor(x)).numpy()
    Lb = np.broadcast_to(L, (2, 3, 5, 4, 4))
    expected = (np.linalg.solve(Lb, x[..., None])[..., 0] ** 2).sum(-1)
    np.testing.assert_allclose(ours, expected, rtol=1e-12)


def test_mvn_samples_shapes_dtypes_and_moments():
    mg.manual_seed(0)
    S = np.array([[2.0, 0.6, 0.0], [0.6, 1.0, -0.3], [0.0, -0.3, 0.5]])
    loc = np.array([1.0, -2.0, 0.5])
    for kw in ({"covariance_matrix": S}, {"precision_matrix": np.linalg.inv(S)}, {"scale_tril": np.linalg.cholesky(S)}):
        d = MultivariateNormal(mg.tensor(loc), **{k: mg.tensor(v) for k, v in kw.items()})
        s = d.sample((40000,))
        assert s.dtype == mg.float64 and tuple(s.shape) == (40000, 3) and not s.requires_grad
        np.testing.assert_allclose(s.numpy().mean(0), loc, atol=0.03)
        np.testing.assert_allclose(np.cov(s.numpy().T), S, atol=0.04)
    d32 = MultivariateNormal(mg.zeros(2, 3), scale_tril=mg.eye(3))
    s = d32.rsample((4, 5))
    assert s.dtype == mg.float32 and tuple(s.shape) == (4, 5, 2, 3)
    assert d32.log_prob(s).dtype == mg.float32 and tuple(d32.log_prob(s).shape) == (4, 5, 2)


def test_mvn_rsample_gradient():
    """x = μ + L ε: d/dμ of mean(x) is 1 per entry, and E|x|² = |μ|² + tr(L L^T) has the gradient 2L."""
    mg.manual_seed(1)
    loc = mg.tensor([0.5, -1.0], dtype=mg.float64, requires_grad=True)
    L = mg.tensor([[1.0, 0.0], [0.4, 0.7]], dtype=mg.float64, requires_grad=True)
    x = MultivariateNormal(loc, scale_tril=L).rsample((100000,))
    (x ** 2).sum(-1).mean().backward()
    np.testing.assert_allclose(loc.grad.numpy(), 2 * loc.detach().numpy(), atol=0.02)
    np.testing.assert_allclose(np.tril(L.grad.numpy()), 2 * L.detach().numpy(), atol=0.03)
    # and exactly: the gradient of Σ x with the same draws is Σ_s ε_s^T per row of L
    eps = np.linalg.solve(L.detach().numpy(), (x.detach().numpy() - loc.detach().numpy()).T).T
    loc.grad = L.grad = None
    mg.manual_seed(1)
    MultivariateNormal(loc, scale_tril=L).rsample((100000,)).sum().backward()
    np.testing.assert_allclose(L.grad.numpy(), np.broadcast_to(eps.sum(0), (2, 2)), rtol=1e-9)
    np.testing.assert_allclose(loc.grad.numpy(), [100000.0, 100000.0])


def test_mvn_expand_and_bad_arguments():
    S = mg.tensor([[2.0, 0.5], [0.5, 1.0]])
    d = MultivariateNormal(mg.zeros(2), covariance_matrix=S)
    e = d.expand((4, 3))
    assert e.batch_shape == (4, 3) and e.event_shape == (2,)
    assert tuple(e.covariance_matrix.shape) == (4, 3, 2, 2) and tuple(e.precision_matrix.shape) == (4, 3, 2, 2)
    np.testing.assert_allclose(e.log_prob(mg.ones(2)).numpy(), np.full((4, 3), float(d.log_prob(mg.ones(2)))))
    assert tuple(e.sample((2,)).shape) == (2, 4, 3, 2) and tuple(e.entropy().shape) == (4, 3)
    with pytest.raises(ArgumentError, match="one-dimensional"):
        MultivariateNormal(mg.tensor(0.0), covariance_matrix=S)
    with pytest.raises(ArgumentError, match="xactly one"):
        MultivariateNormal(mg.zeros(2))
    with pytest.raises(ArgumentError, match="xactly one"):
        MultivariateNormal(mg.zeros(2), covariance_matrix=S, scale_tril=S)
    with pytest.raises(ArgumentError, match="covariance_matrix"):
        MultivariateNormal(mg.zeros(2), covariance_matrix=mg.tensor([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ArgumentError, match="precision_matrix"):
        MultivariateNormal(mg.zeros(2), precision_matrix=mg.tensor([[1.0, 0.0], [1.0, 1.0]]))  # not symmetric
    with pytest.raises(ArgumentError, match="scale_tril"):
        MultivariateNormal(mg.zeros(2), scale_tril=mg.tensor([[1.0, 0.0], [0.3, -1.0]]))
    with pytest.raises(ArgumentError, match="loc"):
        MultivariateNormal(mg.tensor([0.0, float("nan")]), covariance_matrix=S)
    with pytest.raises(ArgumentError, match="3 x 3"):
        MultivariateNormal(mg.zeros(3), covariance_matrix=S)
    with pytest.raises(ArgumentError, match="event_shape"):
        d.log_prob(mg.zeros(3))
    with pytest.raises(ArgumentError, match="support"):
        d.log_prob(mg.tensor([0.0, float("nan")]))
    with pytest.raises(ArgumentError, match="different event shapes"):
        kl_divergence(d, MultivariateNormal(mg.zeros(3), scale_tril=mg.eye(3)))
    # without validation a matrix that is not positive definite fails in the factorization
    with pytest.raises(LinAlgError):
        MultivariateNormal(mg.zeros(2), covariance_matrix=mg.tensor([[1.0, 2.0], [2.0, 1.0]]), validate_args=False)


# ---- LowRankMultivariateNormal -------------------------------------------------------------------
@pytest.mark.torch
def test_lowrank_mvn_and_its_kls_match_torch(torch):
    rng = np.random.default_rng(3)
    n, m = 4, 2
    loc, W, D = rng.standard_normal((3, n)), rng.standard_normal((2, 1, n, m)), rng.uniform(0.5, 2, n)
    S, x = spd(rng, (3,), n), rng.standard_normal((5, 2, 3, n))
    TD = torch.distributions
    pair = Pair(torch, loc, W, D, S)

    def both(fn):
        (l, w, d, s), (tl, tw, td, ts) = pair.ours, pair.theirs
        ours = fn(LowRankMultivariateNormal(l, w, d), MultivariateNormal(0.3 * l, covariance_matrix=s),
                  LowRankMultivariateNormal(2 * l, 0.5 * w, 3 * d), mg.tensor, kl_divergence)
        theirs = fn(TD.LowRankMultivariateNormal(tl, tw, td), TD.MultivariateNormal(0.3 * tl, covariance_matrix=ts),
                    TD.LowRankMultivariateNormal(2 * tl, 0.5 * tw, 3 * td), torch.tensor, TD.kl_divergence)
        return ours, theirs

    p = LowRankMultivariateNormal(*pair.ours[:3])
    assert p.batch_shape == (2, 3) and p.event_shape == (4,) and tuple(p.cov_factor.shape) == (2, 3, 4, 2)
    for fn in (lambda p, mv, p2, T, kl: p.log_prob(T(x)), lambda p, mv, p2, T, kl: p.entropy(),
               lambda p, mv, p2, T, kl: p.variance, lambda p, mv, p2, T, kl: p.scale_tril,
               lambda p, mv, p2, T, kl: p.covariance_matrix, lambda p, mv, p2, T, kl: p.precision_matrix,
               lambda p, mv, p2, T, kl: p.mean + p.mode,
               lambda p, mv, p2, T, kl: kl(p, p2), lambda p, mv, p2, T, kl: kl(p, mv),
               lambda p, mv, p2, T, kl: kl(mv, p)):
        pair.check(*both(fn))


def test_lowrank_mvn_samples_expand_and_bad_arguments():
    mg.manual_seed(2)
    W, D, loc = np.array([[1.0], [0.5], [-1.0]]), np.array([0.5, 1.0, 0.2]), np.array([0.0, 1.0, -1.0])
    d = LowRankMultivariateNormal(mg.tensor(loc), mg.tensor(W), mg.tensor(D))
    s = d.sample((40000,))
    assert tuple(s.shape) == (40000, 3) and s.dtype == mg.float64
    np.testing.assert_allclose(s.numpy().mean(0), loc, atol=0.03)
    np.testing.assert_allclose(np.cov(s.numpy().T), W @ W.T + np.diag(D), atol=0.04)
    np.testing.assert_allclose(d.covariance_matrix.numpy(), W @ W.T + np.diag(D), rtol=1e-12)
    # the low-rank log_prob is the dense Gaussian's
    dense = MultivariateNormal(mg.tensor(loc), covariance_matrix=mg.tensor(W @ W.T + np.diag(D)))
    close(d.log_prob(s[:10]), dense.log_prob(s[:10]), 1e-12)
    close(kl_divergence(d, dense), mg.tensor(0.0, dtype=mg.float64), 1e-12)
    e = d.expand((2, 5))
    assert e.batch_shape == (2, 5) and tuple(e.rsample((3,)).shape) == (3, 2, 5, 3)
    close(e.entropy(), d.entropy().expand(2, 5))
    d32 = LowRankMultivariateNormal(mg.zeros(3), mg.ones(3, 2), mg.ones(3))
    assert d32.rsample((2,)).dtype == mg.float32 and d32.log_prob(mg.zeros(3)).dtype == mg.float32
    with pytest.raises(ArgumentError, match="cov_diag"):
        LowRankMultivariateNormal(mg.zeros(3), mg.ones(3, 1), mg.tensor([1.0, -1.0, 1.0]))
    with pytest.raises(ArgumentError, match="cov_diag"):  # named before the capacitance I + W^T D^-1 W fails
        LowRankMultivariateNormal(mg.zeros(2), mg.tensor([[1.0], [1.0]]), mg.tensor([1.0, -0.5]))
    with pytest.raises(ArgumentError, match="cov_factor"):
        LowRankMultivariateNormal(mg.zeros(3), mg.ones(2, 1), mg.ones(3))
    with pytest.raises(ArgumentError, match="cov_diag"):
        LowRankMultivariateNormal(mg.zeros(3), mg.ones(3, 1), mg.ones(2))
    with pytest.raises(ArgumentError, match="batch shapes"):
        LowRankMultivariateNormal(mg.zeros(2, 3), mg.ones(4, 3, 1), mg.ones(3))
    with pytest.raises(ArgumentError, match="support"):
        d.log_prob(mg.tensor([0.0, float("nan"), 0.0], dtype=mg.float64))


# ---- Independent ---------------------------------------------------------------------------------
@pytest.mark.torch
def test_independent_matches_torch(torch):
    rng = np.random.default_rng(4)
    loc, scale, x = rng.standard_normal((2, 3, 4)), rng.uniform(0.5, 2, (2, 3, 4)), rng.standard_normal((5, 2, 3, 4))
    TD = torch.distributions
    pair = Pair(torch, loc, scale)
    (ml, ms), (tl, ts) = pair.ours, pair.theirs
    for k in (0, 1, 2):
        p, q = Independent(Normal(ml, ms), k), TD.Independent(TD.Normal(tl, ts), k)
        assert p.batch_shape == q.batch_shape and p.event_shape == q.event_shape
        pair.check(p.log_prob(mg.tensor(x)), q.log_prob(torch.tensor(x)))
        pair.check(p.entropy(), q.entropy())
        pair.check(p.mean + p.variance, q.mean + q.variance)
        p2, q2 = Independent(Normal(0.5 * ml, 2 * ms), k), TD.Independent(TD.Normal(0.5 * tl, 2 * ts), k)
        pair.check(kl_divergence(p, p2), TD.kl_divergence(q, q2))
    # nested: Independent(Independent(Normal, 1), 1) is Independent(Normal, 2)
    p = Independent(Independent(Normal(ml, ms), 1), 1)
    q = TD.Independent(TD.Independent(TD.Normal(tl, ts), 1), 1)
    assert p.event_shape == (3, 4) and repr(p) == f"Independent(Independent({Normal(ml, ms)!r}, 1), 1)"
    pair.check(kl_divergence(p, Independent(Independent(Normal(ml + 1, ms), 1), 1)),
               TD.kl_divergence(q, TD.Independent(TD.Independent(TD.Normal(tl + 1, ts), 1), 1)))


def test_independent_shapes_sampling_and_errors():
    mg.manual_seed(3)
    base = Normal(mg.tensor([[0.0, 1.0, 2.0]] * 2), mg.tensor([[1.0, 0.5, 2.0]] * 2))
    d = Independent(base, 1)
    assert d.batch_shape == (2,) and d.event_shape == (3,) and d.has_rsample
    assert repr(d.support) == "IndependentConstraint(Real(), 1)"
    s = d.rsample((30000,))
    assert tuple(s.shape) == (30000, 2, 3)
    np.testing.assert_allclose(s.numpy().mean(0), [[0.0, 1.0, 2.0]] * 2, atol=0.05)
    np.testing.assert_allclose(s.numpy().std(0), [[1.0, 0.5, 2.0]] * 2, rtol=0.03)
    e = d.expand((4, 2))
    assert e.batch_shape == (4, 2) and e.base_dist.batch_shape == (4, 2, 3) and tuple(e.log_prob(s[0]).shape) == (4, 2)
    with pytest.raises(ArgumentError, match="reinterpreted_batch_ndims"):
        Independent(base, 3)
    with pytest.raises(ArgumentError, match="support"):
        d.log_prob(mg.tensor([0.0, float("nan"), 0.0]))
    b = Bernoulli(probs=mg.tensor([0.2, 0.7]))
    assert Independent(b, 0).has_enumerate_support and not Independent(b, 1).has_enumerate_support
    assert not Independent(b, 1).has_rsample
    with pytest.raises(NotImplementedError):
        Independent(b, 1).enumerate_support()
    with pytest.raises(NotSupported):
        kl_divergence(Independent(base, 1), Independent(base, 2))


# ---- MixtureSameFamily ---------------------------------------------------------------------------
@pytest.mark.torch
def test_mixture_same_family_matches_torch(torch):
    rng = np.random.default_rng(5)
    TD = torch.distributions
    logits, loc, scale = rng.standard_normal((3, 5)), rng.standard_normal((3, 5, 2)), rng.uniform(0.5, 2, (3, 5, 2))
    x = rng.standard_normal((4, 3, 2))
    pair = Pair(torch, logits, loc, scale)

    def vector_mixtures():
        (a, ml, ms), (ta, tl, ts) = pair.ours, pair.theirs
        return (MixtureSameFamily(Categorical(logits=a), Independent(Normal(ml, ms), 1)),
                TD.MixtureSameFamily(TD.Categorical(logits=ta), TD.Independent(TD.Normal(tl, ts), 1)))

    p, q = vector_mixtures()
    assert p.batch_shape == (3,) and p.event_shape == (2,) and not p.has_rsample
    for fn in (lambda d, T: d.log_prob(T(x)), lambda d, T: d.mean, lambda d, T: d.variance):
        p, q = vector_mixtures()
        pair.check(fn(p, mg.tensor), fn(q, torch.tensor))
    # Normal components, the Categorical given probs and shared by the batch of 3
    probs = rng.uniform(0.1, 1.0, 5)
    pair = Pair(torch, probs, loc[..., 0], scale[..., 0])

    def scalar_mixtures():
        (pr, ml, ms), (tp, tl, ts) = pair.ours, pair.theirs
        return (MixtureSameFamily(Categorical(probs=pr), Normal(ml, ms)),
                TD.MixtureSameFamily(TD.Categorical(probs=tp), TD.Normal(tl, ts)))

    p, q = scalar_mixtures()
    assert p.batch_shape == (3,) and p.event_shape == ()
    for fn in (lambda d, T: d.log_prob(T(x[..., 0])), lambda d, T: d.cdf(T(x[..., 0])), lambda d, T: d.mean,
               lambda d, T: d.variance):
        p, q = scalar_mixtures()
        pair.check(fn(p, mg.tensor), fn(q, torch.tensor))


def test_mixture_same_family_samples_shapes_and_errors():
    mg.manual_seed(4)
    pi = np.array([0.2, 0.5, 0.3])
    locs, scales = np.array([-3.0, 0.0, 4.0]), np.array([0.5, 1.0, 0.3])
    # one Categorical shared by a batch of two mixtures (the second shifted by 10)
    comp = Normal(mg.tensor(np.stack([locs, locs + 10])), mg.tensor(np.stack([scales, scales])))
    d = MixtureSameFamily(Categorical(probs=mg.tensor(pi)), comp)
    s = d.sample((50000,))
    assert tuple(s.shape) == (50000, 2) and s.dtype == mg.float64
    mean = (pi * locs).sum()
    var = (pi * scales ** 2).sum() + (pi * (locs - mean) ** 2).sum()
    np.testing.assert_allclose(s.numpy().mean(0), [mean, mean + 10], atol=0.05)
    np.testing.assert_allclose(s.numpy().var(0), [var, var], rtol=0.03)
    np.testing.assert_allclose(d.mean.numpy(), [mean, mean + 10], rtol=1e-12)
    np.testing.assert_allclose(d.variance.numpy(), [var, var], rtol=1e-12)
    for t in (-3.0, -1.5, 0.5, 4.0):  # the draws' distribution function is the mixture's cdf
        np.testing.assert_allclose((s.numpy() < t).mean(0), d.cdf(mg.tensor(t, dtype=mg.float64)).numpy(), atol=0.01)
    # vector components: the draw of a mixture keeps the chosen component's whole vector
    vec = Independent(Normal(mg.tensor([[0.0, 0.0], [5.0, -5.0]]), mg.tensor([[0.1, 0.1], [0.1, 0.1]])), 1)
    v = MixtureSameFamily(Categorical(probs=mg.tensor([0.5, 0.5])), vec).sample((1000, 2))
    assert tuple(v.shape) == (1000, 2, 2)
    first = v.numpy()[..., 0] > 2.5
    np.testing.assert_array_equal(first, v.numpy()[..., 1] < -2.5)
    assert 0.4 < first.mean() < 0.6
    e = d.expand((4, 2))
    assert e.batch_shape == (4, 2) and tuple(e.sample((3,)).shape) == (3, 4, 2)
    close(e.log_prob(mg.tensor(0.5, dtype=mg.float64)), d.log_prob(mg.tensor(0.5, dtype=mg.float64)).expand(4, 2))
    assert repr(d.support) == "MixtureSameFamilyConstraint(Real())"
    with pytest.raises(ArgumentError, match="Categorical"):
        MixtureSameFamily(Normal(0.0, 1.0), comp)
    with pytest.raises(ArgumentError, match="does not equal"):
        MixtureSameFamily(Categorical(probs=mg.ones(4)), comp)
    with pytest.raises(ArgumentError, match="compatible"):
        MixtureSameFamily(Categorical(probs=mg.ones(3, 3)), comp)
    with pytest.raises(ArgumentError, match="support"):
        vec_mix = MixtureSameFamily(Categorical(probs=mg.tensor([0.5, 0.5])), vec)
        vec_mix.log_prob(mg.tensor([0.0, float("nan")]))


# ---- LKJCholesky ---------------------------------------------------------------------------------
@pytest.mark.torch
def test_lkj_cholesky_matches_torch_and_samples_by_moments(torch):
    conc = np.array([0.5, 1.0, 3.0])
    pair = Pair(torch, conc)
    p, q = LKJCholesky(4, pair.ours[0]), torch.distributions.LKJCholesky(4, pair.theirs[0])
    assert p.batch_shape == (3,) and p.event_shape == (4, 4) and not p.has_rsample
    mg.manual_seed(5)
    s = p.sample((20000,))
    assert tuple(s.shape) == (20000, 3, 4, 4) and s.dtype == mg.float64
    assert bool(p.support.check(s).all())
    pair.check(p.log_prob(s[:50]), q.log_prob(torch.tensor(s.numpy()[:50])))
    # every correlation r_ij of an LKJ(η) matrix of size d has E r = 0 and E r² = 1 / (2η + d - 1)
    C = s.numpy() @ np.swapaxes(s.numpy(), -1, -2)
    i, j = np.tril_indices(4, -1)
    np.testing.assert_allclose(C[..., i, j].mean(0), 0.0, atol=0.015)
    np.testing.assert_allclose((C[..., i, j] ** 2).mean(0), np.broadcast_to(1 / (2 * conc + 3)[:, None], (3, 6)),
                               rtol=0.04)
    assert tuple(p.expand((2, 3)).sample((4,)).shape) == (4, 2, 3, 4, 4)
    assert LKJCholesky(3).batch_shape == () and repr(p) == "LKJCholesky(concentration: minigrad.Size([3]))"
    with pytest.raises(ArgumentError, match="dim"):
        LKJCholesky(1)
    with pytest.raises(ArgumentError, match="concentration"):
        LKJCholesky(3, mg.tensor([-1.0]))
    with pytest.raises(ArgumentError, match="support"):
        LKJCholesky(2).log_prob(mg.tensor([[1.0, 0.0], [0.6, 0.6]]))


# ---- Wishart -------------------------------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("given", ["covariance_matrix", "precision_matrix", "scale_tril"])
def test_wishart_matches_torch(torch, given):
    rng = np.random.default_rng(6)
    S = spd(rng, (2,), 3)
    matrix = np.linalg.cholesky(S) if given == "scale_tril" else S
    X = spd(rng, (5, 2), 3)
    TD = torch.distributions
    pair = Pair(torch, np.array([4.5, 7.0]), matrix, X)

    def both(fn):
        (df, m, x), (tdf, tm, tx) = pair.ours, pair.theirs
        return fn(Wishart(df, **{given: m}), x), fn(TD.Wishart(tdf, **{given: tm}), tx)

    for fn in (lambda d, x: d.log_prob(x), lambda d, x: d.mean, lambda d, x: d.mode, lambda d, x: d.variance,
               lambda d, x: d.covariance_matrix, lambda d, x: d.precision_matrix, lambda d, x: d.scale_tril):
        pair.check(*both(fn))
    # entropy: torch's trigamma (in the gradient of digamma) is off by up to ~1e-9 relative, where
    # ours agrees with scipy to rounding; compare the gradient in df to that precision
    ours, theirs = both(lambda d, x: d.entropy())
    close(ours, theirs)
    pair.check(ours, theirs, 1e-8)


def test_wishart_samples_gradients_and_errors():
    mg.manual_seed(6)
    S = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, 0.3], [0.0, 0.3, 0.7]])
    d = Wishart(mg.tensor([4.0, 9.5], dtype=mg.float64), covariance_matrix=mg.tensor(S))
    x = d.sample((40000,)).numpy()
    assert x.shape == (40000, 2, 3, 3)
    np.testing.assert_allclose(x.mean(0), d.mean.numpy(), rtol=0.03, atol=0.03)
    np.testing.assert_allclose(x.var(0), d.variance.numpy(), rtol=0.06)
    # E[X] = ν L L^T: the gradient of E[Σ_ij W_ij X_ij] in L is ν (W + W^T) L (on L's lower triangle)
    L = mg.tensor(np.linalg.cholesky(S), requires_grad=True)
    Wt = np.arange(9.0).reshape(3, 3) / 9
    (Wishart(5.0, scale_tril=L).rsample((40000,)) * mg.tensor(Wt)).sum((-2, -1)).mean().backward()
    np.testing.assert_allclose(np.tril(L.grad.numpy()), np.tril(5 * (Wt + Wt.T) @ L.detach().numpy()), atol=0.06)
    e = Wishart(3.0, scale_tril=mg.eye(3)).expand((2,))
    assert e.batch_shape == (2,) and tuple(e.rsample((4,)).shape) == (4, 2, 3, 3)
    assert Wishart(3.0, scale_tril=mg.eye(3)).rsample().dtype == mg.float32
    with pytest.warns(UserWarning, match="Low df"):
        low = Wishart(2.05, covariance_matrix=mg.tensor(S))
    with pytest.warns(UserWarning):  # near df = p - 1 some draws are singular in floating point: redrawn
        assert bool(low.support.check(low.sample((2000,))).all())
    with pytest.raises(ArgumentError, match="df"):
        Wishart(1.5, covariance_matrix=mg.eye(3))
    with pytest.raises(ArgumentError, match="xactly one"):
        Wishart(4.0)
    with pytest.raises(ArgumentError, match="covariance_matrix"):
        Wishart(4.0, covariance_matrix=mg.tensor([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ArgumentError, match="support"):
        d.log_prob(mg.tensor(-np.eye(3)))


def test_wishart_rsample_gradient_in_df():
    """E[X] = ν Σ, so d/dν E[Σ_ij X_ij] = Σ_ij Σ_ij: the χ² draws carry it (Chi2's rsample)."""
    S = mg.tensor([[2.0, 0.5], [0.5, 1.0]], dtype=mg.float64)
    df = mg.tensor(4.0, dtype=mg.float64, requires_grad=True)
    mg.manual_seed(7)
    Wishart(df, covariance_matrix=S).rsample((40000,)).sum((-2, -1)).mean().backward()
    np.testing.assert_allclose(float(df.grad), float(S.sum()), rtol=0.03)
