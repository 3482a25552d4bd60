"""Poisson: the number of events in a unit of time when they arrive at ``rate`` per unit."""

import math
import numbers

from ..size import Size
from . import constraints
from .bernoulli import Bernoulli
from .binomial import Binomial
from .exp_family import ExponentialFamily
from .utils import _draw, broadcast_all


def poisson_draw(rate, shape):
    """Counts k ~ Poisson(rate) of ``shape`` (rate broadcast to it), from the generator of the
    rate's device, as a constant tensor of the rate's dtype (counts are floats, as in PyTorch)."""
    rate = rate.detach()
    return _draw(rate, "poisson", shape, rate.xp.broadcast_to(rate.array, tuple(shape)))


class Poisson(ExponentialFamily):
    """P(X = k) = λ^k e^-λ / k!  for k = 0, 1, 2, ...;  λ = rate ≥ 0.

    log_prob(k) = k log λ - λ - log Γ(k + 1), with k log λ = 0 at k = 0 even where λ = 0
    (xlogy), so Poisson(0) puts all its mass on 0. d log_prob / dλ = k / λ - 1.
    mean = variance = λ, mode = ⌊λ⌋.
    sample: NumPy's (or CuPy's) Poisson generator; no reparameterised sample (draws are integers).
    As an exponential family: t(k) = k, η = log λ, A(η) = e^η, carrier measure -log k!, whose mean
    has no closed form: there is no entropy (ExponentialFamily.entropy says so); KLs need none.
    """

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(Size() if isinstance(rate, numbers.Number) else self.rate.shape,
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Poisson, batch_shape, _instance, ("rate",))

    @property
    def mean(self):
        return self.rate

    @property
    def mode(self):
        return self.rate.floor()

    @property
    def variance(self):
        return self.rate

    def sample(self, sample_shape=()):
        return poisson_draw(self.rate, self._extended_shape(sample_shape))

    def log_prob(self, value):
        value = self._checked(value, self.rate)
        return value.xlogy(self.rate) - self.rate - (value + 1).lgamma()

    @property
    def _natural_params(self):
        return (self.rate.log(),)

    def _log_normalizer(self, x):
        return x.exp()


def _inf_like(t):
    from ..creation import full_like

    return full_like(t, math.inf)


def _register_kl():
    from .kl import register_kl

    @register_kl(Poisson, Poisson)
    def _poisson_poisson(p, q):
        """λp log(λp / λq) - (λp - λq)."""
        return p.rate * (p.rate.log() - q.rate.log()) - (p.rate - q.rate)

    @register_kl(Bernoulli, Poisson)
    def _bernoulli_poisson(p, q):
        """E_p[log p(x) - log q(x)] = -H(p) - (p log λ - λ), since log q(x) = x log λ - λ for x ∈ {0, 1}."""
        return -p.entropy() - (p.probs * q.rate.log() - q.rate)

    @register_kl(Poisson, Bernoulli)
    @register_kl(Poisson, Binomial)
    def _poisson_bounded(p, q):
        """+inf: a Poisson puts mass on counts above any bound."""
        return _inf_like(p.rate)


_register_kl()
