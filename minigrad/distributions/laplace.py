"""Laplace: the double exponential around loc, with a reparameterised sample."""

import math
import numbers

import numpy as np

from ..ops.activation import erf
from ..size import Size
from . import constraints
from .distribution import Distribution
from .exponential import Exponential, _infinite_like
from .kl import register_kl
from .normal import Normal
from .uniform import Uniform
from .utils import as_param, broadcast_all, open_uniform

__all__ = ["Laplace"]


class Laplace(Distribution):
    """density(x) = exp(-|x - μ| / b) / (2b),  μ = loc, b = scale.

    log_prob(x) = -log 2b - |x - μ| / b;  entropy = 1 + log 2b;  mean = mode = μ, variance = 2b².
    cdf(x) = ½ - ½ sign(x - μ) (e^(-|x - μ|/b) - 1),  icdf(u) = μ - b sign(u - ½) log(1 - 2|u - ½|).
    rsample = μ - b sign(u) log(1 - |u|) with u ~ U(-1, 1): the inverse CDF at (u + 1)/2, a
    differentiable function of μ and b.
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        numbers_only = isinstance(loc, numbers.Number) and isinstance(scale, numbers.Number)
        super().__init__(Size() if numbers_only else self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Laplace, batch_shape, _instance, ("loc", "scale"))

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return 2 * self.scale ** 2

    @property
    def stddev(self):
        return math.sqrt(2) * self.scale

    def rsample(self, sample_shape=()):
        eps = float(np.finfo(self.loc.dtype).eps)
        # u in (-1, 1), kept off -1 (and 1) so that log(1 - |u|) stays finite
        u = (2 * open_uniform(self._extended_shape(sample_shape), self.loc) - 1).clamp(min=eps - 1)
        return self.loc - self.scale * u.sign() * (-u.abs()).log1p()

    def log_prob(self, value):
        value = self._checked(value, self.loc)
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def cdf(self, value):
        value = self._checked(value, self.loc)
        z = value - self.loc
        return 0.5 - 0.5 * z.sign() * (-z.abs() / self.scale).expm1()

    def icdf(self, value):
        value = as_param(value, self.loc)
        term = value - 0.5
        return self.loc - self.scale * term.sign() * (-2 * term.abs()).log1p()

    def entropy(self):
        return 1 + (2 * self.scale).log()


@register_kl(Laplace, Laplace)
def _kl_laplace_laplace(p, q):
    """With d = |μp - μq|: log(bq/bp) + d/bq + (bp/bq) e^(-d/bp) - 1."""
    ratio = p.scale / q.scale
    d = (p.loc - q.loc).abs()
    return -ratio.log() + d / q.scale + ratio * (-d / p.scale).exp() - 1


@register_kl(Laplace, Normal)
def _kl_laplace_normal(p, q):
    """-H(p) - E_p[log q] with H(p) = 1 + log 2b, E_p[(x - μq)²] = 2b² + (μp - μq)²:
    ½ log(πσ²/(2b²)) - 1 + (2b² + (μp - μq)²) / (2σ²)."""
    var = q.scale ** 2
    return (0.5 * (math.pi * var / (2 * p.scale ** 2)).log() - 1
            + (2 * p.scale ** 2 + (p.loc - q.loc) ** 2) / (2 * var))


@register_kl(Normal, Laplace)
def _kl_normal_laplace(p, q):
    """-H(p) - E_p[log q] with H(p) = ½ log(2πe σ²) and, for d = μp - μq,
    E_p|x - μq| = σ √(2/π) e^(-d²/(2σ²)) + d erf(d / (σ√2)):
    log(2bq/σ) - ½ log(2πe) + E_p|x - μq| / bq."""
    d = p.loc - q.loc
    mean_abs = (math.sqrt(2 / math.pi) * p.scale * (-0.5 * (d / p.scale) ** 2).exp()
                + d * erf(d / (p.scale * math.sqrt(2))))
    return (2 * q.scale / p.scale).log() - 0.5 * math.log(2 * math.pi * math.e) + mean_abs / q.scale


@register_kl(Laplace, Exponential)
@register_kl(Laplace, Uniform)
def _kl_laplace_infinity(p, q):
    """∞: a Laplace puts mass on the whole line, beyond the other's support."""
    return _infinite_like(p.loc)
