"""Cauchy: the ratio of two centred normals (Lorentz's distribution), with a reparameterised sample."""

import math
import numbers

from ..creation import full
from ..size import Size
from . import constraints
from .distribution import Distribution
from .kl import register_kl
from .utils import as_param, broadcast_all, open_uniform

__all__ = ["Cauchy"]


class Cauchy(Distribution):
    """density(x) = 1 / (π s (1 + ((x - x₀)/s)²)),  x₀ = loc (the median and mode), s = scale
    (the half width at half maximum).

    log_prob(x) = -log π - log s - log(1 + ((x - x₀)/s)²);  entropy = log 4π + log s.
    cdf(x) = atan((x - x₀)/s) / π + ½,  icdf(u) = x₀ + s tan(π (u - ½)).
    The mean and variance do not exist: they are nan and ∞, as in PyTorch.
    rsample = x₀ + s tan(π (u - ½)), u ~ U(0, 1), a differentiable function of x₀ and s.
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        numbers_only = isinstance(loc, numbers.Number) and isinstance(scale, numbers.Number)
        super().__init__(Size() if numbers_only else self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Cauchy, batch_shape, _instance, ("loc", "scale"))

    @property
    def mean(self):
        return full(tuple(self._extended_shape()), math.nan, dtype=self.loc.dtype, device=self.loc.device)

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return full(tuple(self._extended_shape()), math.inf, dtype=self.loc.dtype, device=self.loc.device)

    def rsample(self, sample_shape=()):
        u = open_uniform(self._extended_shape(sample_shape), self.loc)
        return self.loc + self.scale * (math.pi * (u - 0.5)).tan()

    def log_prob(self, value):
        value = self._checked(value, self.loc)
        return -math.log(math.pi) - self.scale.log() - (((value - self.loc) / self.scale) ** 2).log1p()

    def cdf(self, value):
        value = self._checked(value, self.loc)
        return ((value - self.loc) / self.scale).atan() / math.pi + 0.5

    def icdf(self, value):
        value = as_param(value, self.loc)
        return (math.pi * (value - 0.5)).tan() * self.scale + self.loc

    def entropy(self):
        return math.log(4 * math.pi) + self.scale.log()


@register_kl(Cauchy, Cauchy)
def _kl_cauchy_cauchy(p, q):
    """log(((sp + sq)² + (x₀p - x₀q)²) / (4 sp sq))."""
    return ((p.scale + q.scale) ** 2 + (p.loc - q.loc) ** 2).log() - (4 * p.scale * q.scale).log()
