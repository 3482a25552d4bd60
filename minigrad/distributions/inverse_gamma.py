"""InverseGamma: y = 1/x for x ~ Gamma(concentration, rate)."""

import math

from ..ops.selections import where
from . import constraints
from .elementwise_transforms import PowerTransform
from .gamma import Gamma
from .transformed_distribution import TransformedDistribution

__all__ = ["InverseGamma"]


class InverseGamma(TransformedDistribution):
    """y = 1/x, x ~ Gamma(α, β)  (α = concentration, β = rate; β is the scale of y).

    density(y) = β^α y^(-α-1) e^(-β/y) / Γ(α) on y > 0:  Gamma's density at 1/y times the
    Jacobian |d(1/y)/dy| = 1/y² (PowerTransform(-1)), so log_prob follows from Gamma's.
    cdf(y) = 1 - P(α, β/y) = Q(α, β/y) (1/y is decreasing), from Gamma's cdf.
    mean = β/(α - 1) for α > 1,  variance = β² / ((α - 1)² (α - 2)) for α > 2 (inf elsewhere),
    mode = β/(α + 1),  entropy = α + log β + log Γ(α) - (1 + α) ψ(α).
    rsample = 1/x with x Gamma's reparameterised draw: differentiable in α and β.
    """

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, concentration, rate, validate_args=None):
        base_dist = Gamma(concentration, rate, validate_args=validate_args)
        neg_one = -base_dist.rate.new_ones(())  # in the parameters' dtype and device
        super().__init__(base_dist, PowerTransform(neg_one), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return super().expand(batch_shape, _instance=self._get_checked_instance(InverseGamma, _instance))

    @property
    def concentration(self):
        return self.base_dist.concentration

    @property
    def rate(self):
        return self.base_dist.rate

    @property
    def mean(self):
        valid = self.concentration > 1
        alpha = where(valid, self.concentration, 2.0)  # off the pole at 1: a zero gradient, not NaN, outside
        return where(valid, self.rate / (alpha - 1), math.inf)

    @property
    def mode(self):
        return self.rate / (self.concentration + 1)

    @property
    def variance(self):
        valid = self.concentration > 2
        alpha = where(valid, self.concentration, 3.0)
        return where(valid, self.rate ** 2 / ((alpha - 1) ** 2 * (alpha - 2)), math.inf)

    def entropy(self):
        alpha = self.concentration
        return alpha + self.rate.log() + alpha.lgamma() - (1 + alpha) * alpha.digamma()
