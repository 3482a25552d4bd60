"""Weibull: y = λ · e^(1/k) for e ~ Exponential(1), the law of lifetimes with a power-law hazard."""

from . import constraints
from .elementwise_transforms import AffineTransform, PowerTransform
from .gumbel import EULER_GAMMA
from .transformed_distribution import TransformedDistribution
from .utils import broadcast_all


class Weibull(TransformedDistribution):
    """Weibull(λ, k)  (λ = scale, k = concentration), on y > 0:

    density(y) = (k/λ) (y/λ)^(k-1) exp(-(y/λ)^k),  cdf(y) = 1 - exp(-(y/λ)^k).
    Built as e ~ Exponential(1), y = λ e^(1/k) (the chain PowerTransform(1/k), then
    AffineTransform(0, λ)), so log_prob, cdf and icdf follow from the Exponential's through
    the change of variables, and rsample is differentiable in λ and k.
    mean = λ Γ(1 + 1/k),  variance = λ² (Γ(1 + 2/k) - Γ(1 + 1/k)²),
    mode = λ ((k - 1)/k)^(1/k) (NaN for k < 1, where the density is largest at 0),
    entropy = γ (1 - 1/k) + log(λ/k) + 1.
    """

    arg_constraints = {"scale": constraints.positive, "concentration": constraints.positive}
    support = constraints.positive

    def __init__(self, scale, concentration, validate_args=None):
        from ..creation import ones_like
        from .exponential import Exponential

        self.scale, self.concentration = broadcast_all(scale, concentration)
        self.concentration_reciprocal = self.concentration.reciprocal()
        base_dist = Exponential(ones_like(self.scale), validate_args=validate_args)
        transforms = [PowerTransform(exponent=self.concentration_reciprocal), AffineTransform(loc=0, scale=self.scale)]
        super().__init__(base_dist, transforms, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Weibull, _instance)
        new.scale = self.scale.expand(*batch_shape)
        new.concentration = self.concentration.expand(*batch_shape)
        new.concentration_reciprocal = new.concentration.reciprocal()
        transforms = [PowerTransform(exponent=new.concentration_reciprocal), AffineTransform(loc=0, scale=new.scale)]
        TransformedDistribution.__init__(new, self.base_dist.expand(batch_shape), transforms, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        return self.scale * (1 + self.concentration_reciprocal).lgamma().exp()

    @property
    def mode(self):
        return self.scale * ((self.concentration - 1) / self.concentration) ** self.concentration.reciprocal()

    @property
    def variance(self):
        return self.scale ** 2 * ((1 + 2 * self.concentration_reciprocal).lgamma().exp()
                                  - (2 * (1 + self.concentration_reciprocal).lgamma()).exp())

    def entropy(self):
        return (EULER_GAMMA * (1 - self.concentration_reciprocal)
                + (self.scale * self.concentration_reciprocal).log() + 1)
