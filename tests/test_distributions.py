"""Distributions: log_prob, entropy, KL and their gradients against torch.distributions; samples by their moments."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.distributions import Bernoulli, Categorical, Normal, Uniform, kl_divergence
from minigrad.errors import ArgumentError


def leaf(a):
    return mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def close(a, b, tol=1e-12):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=tol, atol=tol)


@pytest.mark.torch
def test_categorical_matches_torch(torch):
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((4, 5))
    value = rng.integers(0, 5, (3, 4))
    ours, theirs = leaf(logits), torch.tensor(logits, requires_grad=True)
    p, q = Categorical(logits=ours), torch.distributions.Categorical(logits=theirs)
    a = p.log_prob(mg.tensor(value)).sum() + p.entropy().sum()
    b = q.log_prob(torch.tensor(value)).sum() + q.entropy().sum()
    close(a, b)
    a.backward()
    b.backward()
    close(ours.grad, theirs.grad)
    probs = rng.uniform(0.1, 1.0, (2, 3))
    close(Categorical(probs=mg.tensor(probs)).entropy(), torch.distributions.Categorical(probs=torch.tensor(probs)).entropy())


@pytest.mark.torch
def test_normal_bernoulli_uniform_and_kl_match_torch(torch):
    rng = np.random.default_rng(1)
    loc, scale, x = rng.standard_normal(6), rng.uniform(0.5, 2, 6), rng.standard_normal(6)
    ml, ms = leaf(loc), leaf(scale)
    tl, ts = torch.tensor(loc, requires_grad=True), torch.tensor(scale, requires_grad=True)
    p, q = Normal(ml, ms), torch.distributions.Normal(tl, ts)
    p2, q2 = Normal(0.5 * ml, 2 * ms), torch.distributions.Normal(0.5 * tl, 2 * ts)
    a = p.log_prob(mg.tensor(x)).sum() + p.entropy().sum() + kl_divergence(p, p2).sum() + p.cdf(mg.tensor(x)).sum()
    b = q.log_prob(torch.tensor(x)).sum() + q.entropy().sum() + torch.distributions.kl_divergence(q, q2).sum() \
        + q.cdf(torch.tensor(x)).sum()
    close(a, b, 1e-10)
    a.backward()
    b.backward()
    close(ml.grad, tl.grad, 1e-10)
    close(ms.grad, ts.grad, 1e-10)

    logits, y = rng.standard_normal(5) * 3, rng.integers(0, 2, 5).astype(np.float64)
    pb, qb = Bernoulli(logits=mg.tensor(logits)), torch.distributions.Bernoulli(logits=torch.tensor(logits))
    close(pb.log_prob(mg.tensor(y)), qb.log_prob(torch.tensor(y)))
    close(pb.entropy(), qb.entropy())
    pb2, qb2 = Bernoulli(probs=mg.tensor([0.2, 0.7])), torch.distributions.Bernoulli(probs=torch.tensor([0.2, 0.7]))
    close(kl_divergence(pb2, Bernoulli(probs=mg.tensor([0.5, 0.5]))),
          torch.distributions.kl_divergence(qb2, torch.distributions.Bernoulli(probs=torch.tensor([0.5, 0.5]))), 1e-6)

    pu, qu = Uniform(mg.tensor([0.0, -1.0]), mg.tensor([2.0, 3.0])), torch.distributions.Uniform(
        torch.tensor([0.0, -1.0]), torch.tensor([2.0, 3.0]))
    close(pu.log_prob(mg.tensor([1.0, 0.5])), qu.log_prob(torch.tensor([1.0, 0.5])), 1e-6)
    close(pu.entropy(), qu.entropy(), 1e-6)


def test_samples_have_the_right_shape_and_moments():
    mg.manual_seed(0)
    c = Categorical(probs=mg.tensor([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]))
    s = c.sample((20000,))
    assert tuple(s.shape) == (20000, 2) and s.dtype == mg.int64
    freq = np.stack([(s.numpy()[:, i, None] == np.arange(3)).mean(0) for i in range(2)])
    np.testing.assert_allclose(freq, [[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]], atol=0.015)
    n = Normal(mg.tensor([1.0, -2.0]), mg.tensor([0.5, 3.0])).sample((20000,)).numpy()
    np.testing.assert_allclose(n.mean(0), [1.0, -2.0], atol=0.06)
    np.testing.assert_allclose(n.std(0), [0.5, 3.0], rtol=0.03)
    b = Bernoulli(probs=mg.tensor(0.3)).sample((20000,)).numpy()
    assert set(np.unique(b)) <= {0.0, 1.0} and abs(b.mean() - 0.3) < 0.015


def test_rsample_carries_gradients_and_sample_does_not():
    loc, scale = leaf([0.0, 1.0]), leaf([1.0, 2.0])
    d = Normal(loc, scale)
    (d.rsample((5,)) ** 2).sum().backward()
    assert loc.grad is not None and scale.grad is not None
    assert not d.sample((5,)).requires_grad


def test_reinforce_loss_trains_a_policy():
    """The REINFORCE pattern: -log π(a|s) · return, on a two-armed bandit paying off for arm 1."""
    mg.manual_seed(0)
    policy = mg.nn.Linear(1, 2)
    opt = mg.optim.Adam(policy.parameters(), lr=0.1)
    state = mg.ones(16, 1)
    for _ in range(60):
        m = Categorical(logits=policy(state))
        action = m.sample()
        reward = (action == 1).float()
        loss = -(m.log_prob(action) * (reward - reward.mean())).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert float(Categorical(logits=policy(state[:1])).probs[0, 1]) > 0.9


def test_bad_arguments():
    with pytest.raises(ArgumentError, match="exactly one"):
        Categorical()
    with pytest.raises(ArgumentError, match="exactly one"):
        Bernoulli(probs=mg.tensor(0.5), logits=mg.tensor(0.0))
    with pytest.raises(NotImplementedError, match="no KL"):
        kl_divergence(Normal(0.0, 1.0), Categorical(logits=mg.zeros(3)))


@pytest.mark.torch
def test_bernoulli_kl_at_certain_outcomes_matches_torch(torch):
    pairs = [(0.5, 0.0), (0.5, 1.0), (0.0, 0.0), (1.0, 1.0), (0.3, 0.6), (0.0, 0.5), (1.0, 0.5)]
    p, q = np.array(pairs).T
    ours = kl_divergence(Bernoulli(probs=mg.tensor(p)), Bernoulli(probs=mg.tensor(q)))
    theirs = torch.distributions.kl_divergence(torch.distributions.Bernoulli(probs=torch.tensor(p)),
                                               torch.distributions.Bernoulli(probs=torch.tensor(q)))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
