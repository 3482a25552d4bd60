"""Kumaraswamy: a Beta-like law on (0, 1) whose cdf has a closed form, so it samples by inversion."""

from . import constraints
from .elementwise_transforms import AffineTransform, PowerTransform
from .gumbel import EULER_GAMMA
from .transformed_distribution import TransformedDistribution
from .utils import broadcast_all


def _moment(a, b, n):
    """E[y^n] = b B(1 + n/a, b) = b Γ(1 + n/a) Γ(b) / Γ(1 + n/a + b)."""
    arg = 1 + n / a
    return b * (arg.lgamma() + b.lgamma() - (arg + b).lgamma()).exp()


class Kumaraswamy(TransformedDistribution):
    """Kumaraswamy(a, b)  (a = concentration1, b = concentration0), on (0, 1):

    density(y) = a b y^(a-1) (1 - y^a)^(b-1),  cdf(y) = 1 - (1 - y^a)^b,
    so icdf(u) = (1 - (1 - u)^(1/b))^(1/a). Built as u ~ U(0, 1), y = (1 - u^(1/b))^(1/a)
    (1 - u is as uniform as u): PowerTransform(1/b), AffineTransform(1, -1), PowerTransform(1/a);
    log_prob and cdf follow by the change of variables, and rsample is differentiable in a and b.
    mean = E[y] and variance = E[y²] - E[y]² with E[y^n] = b B(1 + n/a, b);
    mode = ((a - 1) / (ab - 1))^(1/a) for a, b >= 1 (NaN otherwise: the density peaks at an end);
    entropy = (1 - 1/b) + (1 - 1/a) H_b - log(ab), H_b = ψ(b + 1) + γ the harmonic number.
    """

    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1, concentration0, validate_args=None):
        from ..creation import full_like
        from .uniform import Uniform

        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        base_dist = Uniform(full_like(self.concentration0, 0), full_like(self.concentration0, 1),
                            validate_args=validate_args)
        transforms = [PowerTransform(exponent=self.concentration0.reciprocal()), AffineTransform(loc=1.0, scale=-1.0),
                      PowerTransform(exponent=self.concentration1.reciprocal())]
        super().__init__(base_dist, transforms, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Kumaraswamy, _instance)
        new.concentration1 = self.concentration1.expand(*batch_shape)
        new.concentration0 = self.concentration0.expand(*batch_shape)
        return super().expand(batch_shape, _instance=new)

    @property
    def mean(self):
        return _moment(self.concentration1, self.concentration0, 1)

    @property
    def mode(self):
        from ..ops.selections import where

        a, b = self.concentration1, self.concentration0
        ratio = where((a < 1) | (b < 1), float("nan"), (a - 1) / (a * b - 1))
        return ratio ** a.reciprocal()

    @property
    def variance(self):
        return _moment(self.concentration1, self.concentration0, 2) - self.mean ** 2

    def entropy(self):
        t1 = 1 - self.concentration1.reciprocal()
        t0 = 1 - self.concentration0.reciprocal()
        harmonic = (self.concentration0 + 1).digamma() + EULER_GAMMA
        return t0 + t1 * harmonic - self.concentration1.log() - self.concentration0.log()
