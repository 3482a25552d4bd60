"""LogisticNormal: a point of the simplex whose stick-breaking logits are normal."""

from . import constraints
from .normal import Normal
from .simplex_transforms import StickBreakingTransform
from .transformed_distribution import TransformedDistribution


class LogisticNormal(TransformedDistribution):
    """y = StickBreakingTransform(x), x ~ Normal(loc, scale) with K - 1 independent entries:
    y lies on the K-simplex, and x_i = log(y_i / (1 - Σ_{j<=i} y_j)) + log(K - i) are normal.

    log_prob(y) = Σ_i Normal.log_prob(x_i) - log |det dy/dx| (the stick-breaking Jacobian,
    Σ_i log y_i + log(1 - z_i));  rsample is differentiable in loc and scale.
    A scalar loc and scale give one 2-class simplex (x has one entry).
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        base_dist = Normal(loc, scale, validate_args=validate_args)
        if not base_dist.batch_shape:
            base_dist = base_dist.expand([1])
        super().__init__(base_dist, StickBreakingTransform(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return super().expand(batch_shape, _instance=self._get_checked_instance(LogisticNormal, _instance))

    @property
    def loc(self):
        return self.base_dist.base_dist.loc

    @property
    def scale(self):
        return self.base_dist.base_dist.scale
