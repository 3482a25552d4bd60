"""Normal: the Gaussian N(loc, scale²), with a reparameterised sample."""

import math
import numbers

from ..size import Size
from . import constraints
from .exp_family import ExponentialFamily
from .utils import as_param, broadcast_all, standard_normal


class Normal(ExponentialFamily):
    """density(x) = exp(-(x - μ)² / (2σ²)) / (σ √(2π)),  μ = loc, σ = scale (broadcast together).

    log_prob(x) = -(x - μ)² / (2σ²) - log σ - ½ log 2π;  entropy = ½ + ½ log 2π + log σ.
    cdf(x) = ½ (1 + erf((x - μ) / (σ √2))),  icdf(u) = μ + σ √2 erfinv(2u - 1).
    rsample = μ + σ ε with ε ~ N(0, 1): the draw is a differentiable function of μ and σ
    (the reparameterisation trick), so a loss of the sample trains μ and σ.
    As an exponential family: t(x) = (x, x²), η = (μ/σ², -1/(2σ²)), A(η) = -η₁²/(4η₂) + ½ log(-π/η₂), k = 0.
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True
    _mean_carrier_measure = 0

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        numbers_only = isinstance(loc, numbers.Number) and isinstance(scale, numbers.Number)
        super().__init__(Size() if numbers_only else self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Normal, batch_shape, _instance, ("loc", "scale"))

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def stddev(self):
        return self.scale

    @property
    def variance(self):
        return self.scale ** 2

    def rsample(self, sample_shape=()):
        eps = standard_normal(self._extended_shape(sample_shape), self.loc)
        return self.loc + eps * self.scale

    def log_prob(self, value):
        value = self._checked(value, self.loc)
        return -((value - self.loc) ** 2) / (2 * self.variance) - self.scale.log() - math.log(math.sqrt(2 * math.pi))

    def cdf(self, value):
        from ..ops.activation import erf

        value = self._checked(value, self.loc)
        return 0.5 * (1 + erf((value - self.loc) / (self.scale * math.sqrt(2))))

    def icdf(self, value):
        value = as_param(value, self.loc)
        return self.loc + self.scale * (2 * value - 1).erfinv() * math.sqrt(2)

    def entropy(self):
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()

    @property
    def _natural_params(self):
        return (self.loc / self.scale ** 2, -0.5 * self.scale ** -2)

    def _log_normalizer(self, x, y):
        return -0.25 * x ** 2 / y + 0.5 * (-math.pi / y).log()
