"""Gumbel: the law of the maximum of many light-tailed draws, y = loc - scale · log(-log u)."""

import math
import numbers

import numpy as np

from . import constraints
from .elementwise_transforms import AffineTransform, ExpTransform
from .kl import register_kl
from .normal import Normal
from .transformed_distribution import TransformedDistribution
from .utils import as_param, broadcast_all

EULER_GAMMA = 0.57721566490153286060  # γ = -Γ'(1), the mean of a standard Gumbel


class Gumbel(TransformedDistribution):
    """Gumbel(μ, β)  (μ = loc, β = scale): with z = (y - μ) / β,

    density(y) = exp(-(z + exp(-z))) / β,  log_prob(y) = -z - exp(-z) - log β,
    cdf(y) = exp(-exp(-z)),  icdf(u) = μ - β log(-log u).
    mean = μ + β γ (γ Euler's constant),  mode = μ,  stddev = π β / √6,
    entropy = log β + 1 + γ.
    rsample = μ - β log(-log u), u ~ U(tiny, 1 - eps): the icdf applied to a uniform draw
    (built as the chain u -> -log u -> log(-log u) -> μ - β · of transforms), differentiable
    in μ and β.
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real

    def __init__(self, loc, scale, validate_args=None):
        from ..creation import full_like, ones_like
        from .uniform import Uniform

        self.loc, self.scale = broadcast_all(loc, scale)
        finfo = np.finfo(self.loc.dtype)
        tiny, top = float(finfo.tiny), 1 - float(finfo.eps)  # u stays off 0 and 1: log(-log u) is finite
        if isinstance(loc, numbers.Number) and isinstance(scale, numbers.Number):
            base_dist = Uniform(tiny, top, validate_args=validate_args)
        else:
            base_dist = Uniform(full_like(self.loc, tiny), full_like(self.loc, top), validate_args=validate_args)
        transforms = [ExpTransform().inv, AffineTransform(loc=0, scale=-ones_like(self.scale)),
                      ExpTransform().inv, AffineTransform(loc=loc, scale=-self.scale)]
        super().__init__(base_dist, transforms, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Gumbel, _instance)
        new.loc = self.loc.expand(*batch_shape)
        new.scale = self.scale.expand(*batch_shape)
        return super().expand(batch_shape, _instance=new)

    def log_prob(self, value):
        value = self._checked(value, self.loc)
        z = (self.loc - value) / self.scale
        return (z - z.exp()) - self.scale.log()

    def cdf(self, value):
        value = self._checked(value, self.loc)
        return (-(-(value - self.loc) / self.scale).exp()).exp()

    def icdf(self, value):
        value = as_param(value, self.loc)
        return self.loc - self.scale * (-value.log()).log()

    @property
    def mean(self):
        return self.loc + self.scale * EULER_GAMMA

    @property
    def mode(self):
        return self.loc

    @property
    def stddev(self):
        return (math.pi / math.sqrt(6)) * self.scale

    @property
    def variance(self):
        return self.stddev ** 2

    def entropy(self):
        return self.scale.log() + (1 + EULER_GAMMA)


@register_kl(Gumbel, Gumbel)
def _kl_gumbel_gumbel(p, q):
    """With r = βp/βq: KL = -log r + (μp - μq)/βq + γ r + exp((μq - μp)/βq) Γ(1 + r) - (1 + γ)."""
    ratio = p.scale / q.scale
    t1 = -ratio.log() + (p.loc - q.loc) / q.scale
    t3 = ((q.loc - p.loc) / q.scale + (1 + ratio).lgamma()).exp()
    return t1 + ratio * EULER_GAMMA + t3 - (1 + EULER_GAMMA)


@register_kl(Gumbel, Normal)
def _kl_gumbel_normal(p, q):
    """E_p[log p] = -log βp - 1 - γ, and E_p[(y - μq)²] = (π βp)²/6 + (μp + γ βp - μq)²."""
    ratio = p.scale / q.scale
    t1 = (ratio / math.sqrt(2 * math.pi)).log()
    t2 = (math.pi * ratio * 0.5) ** 2 / 3
    t3 = ((p.loc + p.scale * EULER_GAMMA - q.loc) / q.scale) ** 2 * 0.5
    return -t1 + t2 + t3 - (EULER_GAMMA + 1)


@register_kl(Normal, Gumbel)
def _kl_normal_gumbel(p, q):
    """E_p[exp(-(x - μq)/βq)] = exp(-(μp - μq)/βq + σp²/(2βq²)) (the normal's moment generating function)."""
    mean_ratio = p.loc / q.scale
    var_ratio = (p.scale / q.scale) ** 2
    loc_ratio = q.loc / q.scale
    t3 = (-mean_ratio + 0.5 * var_ratio + loc_ratio).exp()
    return -0.5 * var_ratio.log() + mean_ratio - loc_ratio + t3 - 0.5 * (1 + math.log(2 * math.pi))


def _register_with_other_families():
    from ..creation import full_like
    from .beta import Beta
    from .continuous_bernoulli import ContinuousBernoulli
    from .exponential import Exponential
    from .gamma import Gamma
    from .uniform import Uniform

    @register_kl(Gumbel, Beta)
    @register_kl(Gumbel, ContinuousBernoulli)
    @register_kl(Gumbel, Exponential)
    @register_kl(Gumbel, Gamma)
    @register_kl(Gumbel, Uniform)
    def _kl_gumbel_infinity(p, q):
        """A Gumbel puts mass where q has none (below 0, or outside a bounded interval): KL = inf."""
        return full_like(p.loc, math.inf)

    @register_kl(Uniform, Gumbel)
    def _kl_uniform_gumbel(p, q):
        """With c = βq / (b - a), h = (b - μq)/βq, l = (a - μq)/βq: log c + (h + l)/2 - c (exp(-h) - exp(-l))."""
        common = q.scale / (p.high - p.low)
        high = (p.high - q.loc) / q.scale
        low = (p.low - q.loc) / q.scale
        return common.log() + 0.5 * (high + low) - common * ((-high).exp() - (-low).exp())

    @register_kl(Exponential, Gumbel)
    def _kl_exponential_gumbel(p, q):
        """With r = λ βq and m = μq / βq: log r - 1 - m + e^m r / (r + 1) + 1/r
        (E_p[exp(-x/βq)] = λ / (λ + 1/βq) is the exponential's moment generating function)."""
        rate_scale = p.rate * q.scale
        loc_ratio = q.loc / q.scale
        return (rate_scale.log() - 1 - loc_ratio + loc_ratio.exp() * rate_scale / (rate_scale + 1)
                + rate_scale.reciprocal())

    @register_kl(Gamma, Gumbel)
    def _kl_gamma_gumbel(p, q):
        """For Gamma(α, λ): -entropy(p) + log βq + E[x]/βq - m + e^m (1 + 1/(λ βq))^(-α), m = μq / βq."""
        rate_scale = p.rate * q.scale
        loc_ratio = q.loc / q.scale
        t1 = (p.concentration - 1) * p.concentration.digamma() - p.concentration.lgamma() - p.concentration
        t2 = rate_scale.log() + p.concentration / rate_scale
        t3 = loc_ratio.exp() * (1 + rate_scale.reciprocal()) ** (-p.concentration) - loc_ratio
        return t1 + t2 + t3


_register_with_other_families()
