"""LogNormal: y = exp(x) for x ~ Normal(loc, scale)."""

from . import constraints
from .elementwise_transforms import ExpTransform
from .normal import Normal
from .transformed_distribution import TransformedDistribution


class LogNormal(TransformedDistribution):
    """y = exp(x), x ~ N(μ, σ²)  (μ = loc, σ = scale: the mean and deviation of log y).

    density(y) = exp(-(log y - μ)² / (2σ²)) / (y σ √(2π)) on y > 0, so
    log_prob(y) = Normal.log_prob(log y) - log y   (the Jacobian of exp is y).
    mean = exp(μ + σ²/2),  mode = exp(μ - σ²),  variance = (exp(σ²) - 1) exp(2μ + σ²),
    entropy = Normal entropy + μ = ½ + ½ log 2π + log σ + μ.
    rsample = exp(μ + σ ε): differentiable in μ and σ.
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        super().__init__(Normal(loc, scale, validate_args=validate_args), ExpTransform(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return super().expand(batch_shape, _instance=self._get_checked_instance(LogNormal, _instance))

    @property
    def loc(self):
        return self.base_dist.loc

    @property
    def scale(self):
        return self.base_dist.scale

    @property
    def mean(self):
        return (self.loc + self.scale ** 2 / 2).exp()

    @property
    def mode(self):
        return (self.loc - self.scale ** 2).exp()

    @property
    def variance(self):
        scale_sq = self.scale ** 2
        return scale_sq.expm1() * (2 * self.loc + scale_sq).exp()

    def entropy(self):
        return self.base_dist.entropy() + self.loc
