"""Beta: a distribution over [0, 1] (a two-entry Dirichlet), with a reparameterised sample."""

import math
import numbers

from ..ops.activation import sigmoid
from ..ops.elementwise import where
from ..ops.joining import stack
from ..size import Size
from . import constraints
from .dirichlet import Dirichlet
from .exp_family import ExponentialFamily
from .exponential import Exponential, _infinite_like
from .gamma import Gamma
from .gamma_sample import log_standard_gamma
from .kl import register_kl
from .laplace import Laplace
from .normal import Normal
from .uniform import Uniform
from .utils import broadcast_all

__all__ = ["Beta"]


def _log_beta(a, b):
    """log B(a, b) = log Γ(a) + log Γ(b) - log Γ(a + b)."""
    return a.lgamma() + b.lgamma() - (a + b).lgamma()


class Beta(ExponentialFamily):
    """density(x) = x^(α-1) (1 - x)^(β-1) / B(α, β) on [0, 1],  α = concentration1, β = concentration0.

    log_prob(x) = (α - 1) log x + (β - 1) log(1 - x) - log B(α, β);
    entropy = log B(α, β) - (α - 1) ψ(α) - (β - 1) ψ(β) + (α + β - 2) ψ(α + β);
    mean = α/(α + β), variance = αβ / ((α + β)² (α + β + 1)), mode = (α - 1)/(α + β - 2) where
    α, β > 1 (the Dirichlet's rule, with its conventions, elsewhere).
    rsample = X/(X + Y) = sigmoid(log X - log Y) with X ~ Gamma(α, 1), Y ~ Gamma(β, 1) independent,
    drawn in log space (small shapes' draws underflow): both are differentiable in their shapes
    (gamma_sample.py), so the draw is differentiable in α and β.
    As an exponential family: t(x) = (log x, log(1 - x)), η = (α, β), A(η) = log B(η₁, η₂),
    k(x) = -log x - log(1 - x), so E[k] = -(ψ(α) + ψ(β) - 2 ψ(α + β)).
    """

    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1, concentration0, validate_args=None):
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        numbers_only = isinstance(concentration1, numbers.Number) and isinstance(concentration0, numbers.Number)
        super().__init__(Size() if numbers_only else self.concentration1.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Beta, batch_shape, _instance, ("concentration1", "concentration0"))

    @property
    def mean(self):
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self):
        both = stack([self.concentration1, self.concentration0], -1)
        return Dirichlet(both, validate_args=False).mode[..., 0]

    @property
    def variance(self):
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total ** 2 * (total + 1))

    def rsample(self, sample_shape=()):
        shape = tuple(self._extended_shape(sample_shape))
        # X/(X + Y) = sigmoid(log X - log Y): in log space, as small shapes' draws underflow
        log_x = log_standard_gamma(self.concentration1.expand(*shape))
        log_y = log_standard_gamma(self.concentration0.expand(*shape))
        return sigmoid(log_x - log_y)

    def log_prob(self, value):
        value = self._checked(value, self.concentration1)
        return ((self.concentration1 - 1).xlogy(value) + (self.concentration0 - 1).xlogy(1 - value)
                - _log_beta(self.concentration1, self.concentration0))

    def entropy(self):
        a, b = self.concentration1, self.concentration0
        return (_log_beta(a, b) - (a - 1) * a.digamma() - (b - 1) * b.digamma()
                + (a + b - 2) * (a + b).digamma())

    def _mean_log(self):
        """E[log x] = ψ(α) - ψ(α + β)."""
        return self.concentration1.digamma() - (self.concentration1 + self.concentration0).digamma()

    @property
    def _natural_params(self):
        return (self.concentration1, self.concentration0)

    def _log_normalizer(self, x, y):
        return _log_beta(x, y)

    @property
    def _mean_carrier_measure(self):
        a, b = self.concentration1, self.concentration0
        return -(a.digamma() + b.digamma() - 2 * (a + b).digamma())


@register_kl(Beta, Beta)
def _kl_beta_beta(p, q):
    """log B(αq, βq) - log B(αp, βp) + (αp - αq) ψ(αp) + (βp - βq) ψ(βp)
    + (αq - αp + βq - βp) ψ(αp + βp)."""
    ap, bp, aq, bq = p.concentration1, p.concentration0, q.concentration1, q.concentration0
    return (_log_beta(aq, bq) - _log_beta(ap, bp) + (ap - aq) * ap.digamma() + (bp - bq) * bp.digamma()
            + (aq - ap + bq - bp) * (ap + bp).digamma())


@register_kl(Beta, Exponential)
def _kl_beta_exponential(p, q):
    """-H(p) - E_p[log q] = -H(p) - log λ + λ E_p[x]."""
    return -p.entropy() - q.rate.log() + q.rate * p.mean


@register_kl(Beta, Gamma)
def _kl_beta_gamma(p, q):
    """-H(p) - E_p[log q] = -H(p) + log Γ(α) - α log β - (α - 1) E_p[log x] + β E_p[x]."""
    return (-p.entropy() + q.concentration.lgamma() - q.concentration * q.rate.log()
            - (q.concentration - 1) * p._mean_log() + q.rate * p.mean)


@register_kl(Beta, Normal)
def _kl_beta_normal(p, q):
    """-H(p) + ½ log(2πσ²) + E_p[(x - μ)²] / (2σ²), E_p[x²] = variance + mean²."""
    var = q.scale ** 2
    mean = p.mean
    second_moment = p.variance + mean ** 2 - 2 * q.loc * mean + q.loc ** 2
    return -p.entropy() + 0.5 * (2 * math.pi * var).log() + second_moment / (2 * var)


@register_kl(Beta, Uniform)
def _kl_beta_uniform(p, q):
    """-H(p) + log(h - l), and ∞ where [l, h] does not cover [0, 1]."""
    result = -p.entropy() + (q.high - q.low).log()
    return where((q.low > 0) | (q.high < 1), math.inf, result)


@register_kl(Uniform, Beta)
def _kl_uniform_beta(p, q):
    """E_p[log p - log q] = -log(h - l) + log B(α, β) - (α - 1) E_p[log x] - (β - 1) E_p[log(1 - x)],
    with over U(l, h): E[log x] = (h log h - l log l)/(h - l) - 1,
    E[log(1 - x)] = ((1 - l) log(1 - l) - (1 - h) log(1 - h))/(h - l) - 1; ∞ outside [0, 1]."""
    outside = (p.high > 1) | (p.low < 0)
    low, high = where(outside, 0.25, p.low), where(outside, 0.75, p.high)  # no log of a negative number
    width = high - low
    mean_log = (high.xlogy(high) - low.xlogy(low)) / width - 1
    mean_log1m = ((1 - low).xlogy(1 - low) - (1 - high).xlogy(1 - high)) / width - 1
    result = (-width.log() + _log_beta(q.concentration1, q.concentration0)
              - (q.concentration1 - 1) * mean_log - (q.concentration0 - 1) * mean_log1m)
    return where(outside, math.inf, result)


@register_kl(Exponential, Beta)
def _kl_exponential_beta(p, q):
    """∞: an exponential puts mass above 1, where the beta has none."""
    return _infinite_like(p.rate)


@register_kl(Gamma, Beta)
def _kl_gamma_beta(p, q):
    """∞: a gamma puts mass above 1, where the beta has none."""
    return _infinite_like(p.concentration)


@register_kl(Laplace, Beta)
@register_kl(Normal, Beta)
def _kl_real_line_beta(p, q):
    """∞: a distribution over the whole line puts mass outside [0, 1]."""
    return _infinite_like(p.loc)
