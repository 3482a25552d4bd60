"""GeneralizedPareto: the law of the excesses over a high threshold (peaks-over-threshold models of tails)."""

import math
import numbers

from ..ops.selections import where
from ..size import Size
from . import constraints
from .distribution import Distribution
from .utils import as_param, broadcast_all, uniform

__all__ = ["GeneralizedPareto"]

_ZERO_CONCENTRATION = 1e-8  # |ξ| at most this is taken as ξ = 0 (the exponential limit)


class GeneralizedPareto(Distribution):
    """GPD(μ, σ, ξ):  μ = loc, σ = scale > 0, ξ = concentration (any real), z = (x - μ)/σ.

    survival S(x) = P(X > x) = (1 + ξz)^(-1/ξ), and e^(-z) at ξ = 0 (its limit);
    density(x) = (1 + ξz)^(-1/ξ - 1) / σ, so
    log_prob(x) = -log σ - (1/ξ + 1) log(1 + ξz)   (-log σ - z at ξ = 0);
    log_survival_function(x) = -log(1 + ξz)/ξ,  log_cdf = log(1 - S),  cdf = 1 - S,
    icdf(u) = μ + σ ((1 - u)^(-ξ) - 1)/ξ = μ + σ expm1(-ξ log(1 - u))/ξ   (μ - σ log(1 - u) at ξ = 0).
    The support is x >= μ, bounded above by μ - σ/ξ when ξ < 0 (ξ = -1 is the uniform on it).
    mean = μ + σ/(1 - ξ) for ξ < 1, variance = σ² / ((1 - ξ)² (1 - 2ξ)) for ξ < ½ (NaN elsewhere),
    mode = μ,  entropy = log σ + ξ + 1.
    Special cases: ξ = 0, μ = 0 the exponential of rate 1/σ; ξ > 0, μ = σ/ξ the Pareto of scale
    σ/ξ and index 1/ξ.  A ξ with |ξ| <= 1e-8 is taken as 0, where the general forms are 0/0.
    rsample = icdf(u), u ~ U(0, 1): differentiable in μ, σ and ξ.
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive, "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc, scale, concentration, validate_args=None):
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        numbers_only = all(isinstance(v, numbers.Number) for v in (loc, scale, concentration))
        super().__init__(Size() if numbers_only else self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(GeneralizedPareto, batch_shape, _instance, ("loc", "scale", "concentration"))

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        bounded = self.concentration < 0
        upper = where(bounded, self.loc - self.scale / where(bounded, self.concentration, -1.0), math.inf)
        return constraints.interval(self.loc, upper)

    def _z(self, value):
        return (value - self.loc) / self.scale

    def _zero_and_safe_concentration(self):
        """(where ξ is taken as 0, ξ with those entries set to 1): the general forms are evaluated
        (and differentiated) only at a ξ away from 0."""
        zero = self.concentration.abs() <= _ZERO_CONCENTRATION
        return zero, where(zero, 1.0, self.concentration)

    def rsample(self, sample_shape=()):
        return self.icdf(uniform(self._extended_shape(sample_shape), self.loc))

    def log_prob(self, value):
        value = self._checked(value, self.loc)
        z = self._z(value)
        zero, xi = self._zero_and_safe_concentration()
        power = 1 / xi + 1
        # at ξ = -1 the power is 0 and the density flat, also at the upper end x = μ + σ, where
        # log(1 + ξz) = -inf: ξz is replaced there only, so that the value is 0 and not 0 · inf
        # (elsewhere the product stays, and with it the gradient in ξ, -log(1 + ξz)/ξ²)
        xi_z = xi * z
        general = power * where((power == 0) & (xi_z <= -1), 0.0, xi_z).log1p()
        return -self.scale.log() - where(zero, z, general)

    def log_survival_function(self, value):
        value = self._checked(value, self.loc)
        z = self._z(value)
        zero, xi = self._zero_and_safe_concentration()
        return where(zero, -z, -(xi * z).log1p() / xi)

    def log_cdf(self, value):
        return (-self.log_survival_function(value).exp()).log1p()

    def cdf(self, value):
        return self.log_cdf(value).exp()

    def icdf(self, value):
        value = as_param(value, self.loc)
        zero, xi = self._zero_and_safe_concentration()
        log1m_u = (-value).log1p()
        return where(zero, self.loc - self.scale * log1m_u, self.loc + self.scale / xi * (-xi * log1m_u).expm1())

    @property
    def mean(self):
        valid = self.concentration < 1
        xi = where(valid, self.concentration, 0.5)  # off the pole at 1: a zero gradient, not NaN, outside
        return where(valid, self.loc + self.scale / (1 - xi), math.nan)

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        valid = self.concentration < 0.5
        xi = where(valid, self.concentration, 0.25)
        return where(valid, self.scale ** 2 / ((1 - xi) ** 2 * (1 - 2 * xi)), math.nan)

    def entropy(self):
        return (self.scale.log() + self.concentration + 1).expand(*self._batch_shape)
