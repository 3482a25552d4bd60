"""Exponential: the waiting time of a Poisson process of rate λ, with a reparameterised sample."""

import math
import numbers

import numpy as np

from .. import backend
from ..creation import full_like, zeros_like
from ..ops.elementwise import where
from ..size import Size
from ..tensor import Tensor
from . import constraints
from .exp_family import ExponentialFamily
from .kl import register_kl
from .normal import Normal
from .uniform import Uniform
from .utils import as_param, broadcast_all

__all__ = ["Exponential"]


def standard_exponential(shape, like):
    """E ~ Exp(1) of ``shape``, in like's dtype and device (NumPy's and CuPy's own sampler)."""
    dtype = like.dtype if like.dtype in (np.float32, np.float64) else np.float32  # the generators' dtypes
    draw = backend.generator(like.device).standard_exponential(size=tuple(shape), dtype=dtype)
    return Tensor._make(like.xp.asarray(draw, dtype=like.dtype))


class Exponential(ExponentialFamily):
    """density(x) = λ e^(-λx) for x >= 0,  λ = rate.

    log_prob(x) = log λ - λx;  entropy = 1 - log λ;  mean = stddev = 1/λ, variance = 1/λ², mode = 0.
    cdf(x) = 1 - e^(-λx),  icdf(u) = -log(1 - u) / λ.
    rsample = E / λ with E ~ Exp(1): the draw is a differentiable function of λ (dx/dλ = -x/λ).
    As an exponential family: t(x) = x, η = -λ, A(η) = -log(-η), k = 0.
    """

    arg_constraints = {"rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(Size() if isinstance(rate, numbers.Number) else self.rate.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Exponential, batch_shape, _instance, ("rate",))

    @property
    def mean(self):
        return self.rate.reciprocal()

    @property
    def mode(self):
        return zeros_like(self.rate)

    @property
    def stddev(self):
        return self.rate.reciprocal()

    @property
    def variance(self):
        return self.rate ** -2

    def rsample(self, sample_shape=()):
        return standard_exponential(self._extended_shape(sample_shape), self.rate) / self.rate

    def log_prob(self, value):
        value = self._checked(value, self.rate)
        return self.rate.log() - self.rate * value

    def cdf(self, value):
        value = self._checked(value, self.rate)
        return 1 - (-self.rate * value).exp()

    def icdf(self, value):
        value = as_param(value, self.rate)
        return -(-value).log1p() / self.rate

    def entropy(self):
        return 1.0 - self.rate.log()

    @property
    def _natural_params(self):
        return (-self.rate,)

    def _log_normalizer(self, x):
        return -(-x).log()


def _infinite_like(t):
    """KL(p ‖ q) = ∞ where p gives mass to a region q does not: one ∞ per entry of p's parameter."""
    return full_like(t, math.inf)


@register_kl(Exponential, Exponential)
def _kl_exponential_exponential(p, q):
    """log(λp/λq) + λq/λp - 1."""
    ratio = q.rate / p.rate
    return ratio - ratio.log() - 1


@register_kl(Exponential, Normal)
def _kl_exponential_normal(p, q):
    """-H(p) - E_p[log q] with H(p) = 1 - log λ, E_p[(x - μ)²] = 2/λ² - 2μ/λ + μ²:
    log λ - 1 + ½ log(2πσ²) + (2/λ² - 2μ/λ + μ²) / (2σ²)."""
    var = q.scale ** 2
    second_moment = 2 / p.rate ** 2 - 2 * q.loc / p.rate + q.loc ** 2
    return p.rate.log() - 1 + 0.5 * (2 * math.pi * var).log() + second_moment / (2 * var)


@register_kl(Exponential, Uniform)
def _kl_exponential_uniform(p, q):
    """∞: an exponential puts mass on all of [0, ∞), beyond any uniform's interval."""
    return _infinite_like(p.rate)


@register_kl(Normal, Exponential)
def _kl_normal_exponential(p, q):
    """∞: a normal puts mass below 0, where the exponential has none."""
    return _infinite_like(p.loc)


@register_kl(Uniform, Exponential)
def _kl_uniform_exponential(p, q):
    """E_p[log p - log q] = -log(h - l) - log λ + λ (l + h)/2, and ∞ where l < 0."""
    result = q.rate * (p.high + p.low) / 2 - ((p.high - p.low) * q.rate).log()
    return where(p.low < 0, math.inf, result)
