"""HalfNormal: y = |x| for x ~ Normal(0, scale)."""

import math

from . import constraints
from .elementwise_transforms import AbsTransform
from .kl import register_kl
from .normal import Normal
from .transformed_distribution import TransformedDistribution


class HalfNormal(TransformedDistribution):
    """y = |x|, x ~ N(0, σ²)  (σ = scale): the normal folded onto y >= 0.

    density(y) = 2 N(y; 0, σ²) = √(2/π) / σ · exp(-y² / (2σ²)),  so
    log_prob(y) = Normal.log_prob(y) + log 2 (-inf for y < 0),
    cdf(y) = 2 Φ(y/σ) - 1 = erf(y / (σ√2)),  icdf(u) = Normal icdf((u + 1) / 2).
    mean = σ √(2/π),  mode = 0,  variance = σ² (1 - 2/π),  entropy = Normal entropy - log 2.
    rsample = σ |ε|: differentiable in σ.
    """

    arg_constraints = {"scale": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, scale, validate_args=None):
        super().__init__(Normal(0, scale, validate_args=False), AbsTransform(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return super().expand(batch_shape, _instance=self._get_checked_instance(HalfNormal, _instance))

    @property
    def scale(self):
        return self.base_dist.scale

    @property
    def mean(self):
        return self.scale * math.sqrt(2 / math.pi)

    @property
    def mode(self):
        from ..creation import zeros_like

        return zeros_like(self.scale)

    @property
    def variance(self):
        return self.scale ** 2 * (1 - 2 / math.pi)

    def log_prob(self, value):
        from ..ops.selections import where

        value = self._checked(value, self.scale)
        log_prob = self.base_dist.log_prob(value) + math.log(2)
        return where(value >= 0, log_prob, float("-inf"))

    def cdf(self, value):
        value = self._checked(value, self.scale)
        return 2 * self.base_dist.cdf(value) - 1

    def icdf(self, prob):
        return self.base_dist.icdf((prob + 1) / 2)

    def entropy(self):
        return self.base_dist.entropy() - math.log(2)


@register_kl(HalfNormal, HalfNormal)
def _kl_halfnormal_halfnormal(p, q):
    """Folding both at 0 keeps the ratio of densities: KL = KL(N(0, σp²) ‖ N(0, σq²))
    = log(σq/σp) + σp² / (2σq²) - ½."""
    var_ratio = (p.scale / q.scale) ** 2
    return 0.5 * (var_ratio - 1 - var_ratio.log())
