"""HalfCauchy: y = |x| for x ~ Cauchy(0, scale)."""

import math

from . import constraints
from .elementwise_transforms import AbsTransform
from .transformed_distribution import TransformedDistribution
from .utils import as_param


class HalfCauchy(TransformedDistribution):
    """y = |x|, x ~ Cauchy(0, σ)  (σ = scale): the Cauchy folded onto y >= 0.

    density(y) = 2 / (π σ (1 + (y/σ)²)) on y >= 0, so
    log_prob(y) = log 2 - log π - log σ - log(1 + (y/σ)²)   (-inf for y < 0),
    cdf(y) = (2/π) atan(y/σ),  icdf(u) = σ tan(π u / 2),
    entropy = log(4πσ) - log 2 = log(2πσ)  (the Cauchy's, less the bit the fold removes).
    The tail is so heavy that the mean and variance are infinite; mode = 0.
    rsample = |x| for the Cauchy's reparameterised draw x: differentiable in σ.
    """

    arg_constraints = {"scale": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, scale, validate_args=None):
        from .cauchy import Cauchy

        super().__init__(Cauchy(0, scale, validate_args=False), AbsTransform(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return super().expand(batch_shape, _instance=self._get_checked_instance(HalfCauchy, _instance))

    @property
    def scale(self):
        return self.base_dist.scale

    def _infinite(self):
        from ..creation import full

        return full(tuple(self._extended_shape()), math.inf, dtype=self.scale.dtype, device=self.scale.device)

    @property
    def mean(self):
        return self._infinite()

    @property
    def mode(self):
        from ..creation import zeros_like

        return zeros_like(self.scale)

    @property
    def variance(self):
        return self._infinite()

    def log_prob(self, value):
        from ..ops.selections import where

        value = self._checked(value, self.scale)
        log_prob = math.log(2 / math.pi) - self.scale.log() - (value / self.scale).square().log1p()
        return where(value >= 0, log_prob, float("-inf"))

    def cdf(self, value):
        value = self._checked(value, self.scale)
        return (value / self.scale).atan() * (2 / math.pi)

    def icdf(self, prob):
        return self.scale * (as_param(prob, self.scale) * (math.pi / 2)).tan()

    def entropy(self):
        return math.log(2 * math.pi) + self.scale.log()
