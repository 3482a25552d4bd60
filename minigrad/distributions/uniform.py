"""Uniform: U(low, high), with a reparameterised sample."""

import math
import numbers

from ..size import Size
from . import constraints
from .distribution import Distribution
from .normal import Normal
from .utils import as_param, broadcast_all, uniform


class Uniform(Distribution):
    """density(x) = 1 / (high - low) on [low, high), 0 elsewhere (low < high, broadcast together).

    log_prob(x) = -log(high - low) inside, -inf outside;  entropy = log(high - low).
    cdf(x) = (x - low) / (high - low) clamped to [0, 1];  icdf(u) = low + u (high - low).
    mean = (low + high) / 2, variance = (high - low)² / 12; the mode is NaN (every point ties).
    rsample = low + (high - low) u with u ~ U(0, 1): a differentiable function of low and high.
    """

    has_rsample = True

    @property
    def arg_constraints(self):
        return {"low": constraints.less_than(self.high), "high": constraints.greater_than(self.low)}

    def __init__(self, low, high, validate_args=None):
        self.low, self.high = broadcast_all(low, high)
        numbers_only = isinstance(low, numbers.Number) and isinstance(high, numbers.Number)
        super().__init__(Size() if numbers_only else self.low.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Uniform, batch_shape, _instance, ("low", "high"))

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        return constraints.interval(self.low, self.high)

    @property
    def mean(self):
        return (self.high + self.low) / 2

    @property
    def mode(self):
        return math.nan * self.high

    @property
    def stddev(self):
        return (self.high - self.low) / math.sqrt(12)

    @property
    def variance(self):
        return (self.high - self.low) ** 2 / 12

    def rsample(self, sample_shape=()):
        u = uniform(self._extended_shape(sample_shape), self.low)
        return self.low + u * (self.high - self.low)

    def log_prob(self, value):
        value = self._checked(value, self.low)
        inside = ((self.low <= value) & (self.high > value)).to(self.low.dtype)  # log 0 = -inf outside
        return inside.log() - (self.high - self.low).log()

    def cdf(self, value):
        value = self._checked(value, self.low)
        return ((value - self.low) / (self.high - self.low)).clamp(min=0, max=1)

    def icdf(self, value):
        value = as_param(value, self.low)
        return value * (self.high - self.low) + self.low

    def entropy(self):
        return (self.high - self.low).log()


def _inf_like(t):
    from ..creation import full_like

    return full_like(t, math.inf)


def _register_kl():
    from .kl import register_kl

    @register_kl(Uniform, Uniform)
    def _uniform_uniform(p, q):
        """log((high_q - low_q) / (high_p - low_p)) when [low_p, high_p] lies inside q's
        interval; +inf otherwise (p puts mass where q's density is 0)."""
        result = ((q.high - q.low) / (p.high - p.low)).log()
        return result.masked_fill((q.low > p.low) | (q.high < p.high), math.inf)

    @register_kl(Uniform, Normal)
    def _uniform_normal(p, q):
        """E_p[-log q] - H(p), with E_p[(x - μ)²] = (high - low)² / 12 + ((high + low) / 2 - μ)²:
        log(√(2π) σ / (high - low)) + E_p[(x - μ)²] / (2σ²)."""
        width = p.high - p.low
        t1 = (math.sqrt(2 * math.pi) * q.scale / width).log()
        t2 = width ** 2 / 12
        t3 = ((p.high + p.low - 2 * q.loc) / 2) ** 2
        return t1 + 0.5 * (t2 + t3) / q.scale ** 2

    @register_kl(Normal, Uniform)
    def _normal_uniform(p, q):
        """+inf: a Normal puts mass outside every bounded interval."""
        return _inf_like(p.loc)


_register_kl()
