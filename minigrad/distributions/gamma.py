"""Gamma: Gamma(α, β), shape α and rate β, with a reparameterised sample."""

import math
import numbers

import numpy as np

from ..ops.elementwise import where
from ..size import Size
from ..special import gammainc
from . import constraints
from .exp_family import ExponentialFamily
from .exponential import Exponential, _infinite_like
from .gamma_sample import standard_gamma
from .kl import register_kl
from .laplace import Laplace
from .normal import Normal
from .uniform import Uniform
from .utils import broadcast_all

__all__ = ["Gamma"]

_EULER = 0.5772156649015329  # Euler's constant γ: E[log E] = -γ for E ~ Exp(1)


class Gamma(ExponentialFamily):
    """density(x) = β^α x^(α-1) e^(-βx) / Γ(α) for x >= 0,  α = concentration, β = rate (1/scale).

    log_prob(x) = α log β + (α - 1) log x - βx - log Γ(α);
    entropy = α - log β + log Γ(α) + (1 - α) ψ(α);
    mean = α/β, variance = α/β², mode = max((α - 1)/β, 0);  cdf(x) = P(α, βx), the regularized
    lower incomplete gamma function (minigrad.special.gammainc, differentiable in x only).
    rsample = G/β with G ~ Gamma(α, 1): G is drawn by NumPy/CuPy, and its gradient in α is the
    implicit one, dG/dα = -(∂F/∂α)/f (gamma_sample.py), so a loss of the sample trains α and β.
    As an exponential family: t(x) = (log x, x), η = (α - 1, -β), A(η) = log Γ(η₁ + 1) - (η₁ + 1) log(-η₂),
    k = 0.
    """

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        numbers_only = isinstance(concentration, numbers.Number) and isinstance(rate, numbers.Number)
        super().__init__(Size() if numbers_only else self.concentration.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Gamma, batch_shape, _instance, ("concentration", "rate"))

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate ** 2

    def rsample(self, sample_shape=()):
        shape = tuple(self._extended_shape(sample_shape))
        value = standard_gamma(self.concentration.expand(*shape)) / self.rate.expand(*shape)
        return value.clamp(min=float(np.finfo(value.dtype).tiny))  # a huge rate can round G/β to 0

    def log_prob(self, value):
        value = self._checked(value, self.rate)
        return (self.concentration.xlogy(self.rate) + (self.concentration - 1).xlogy(value)
                - self.rate * value - self.concentration.lgamma())

    def cdf(self, value):
        value = self._checked(value, self.rate)
        return gammainc(self.concentration, self.rate * value)

    def entropy(self):
        return (self.concentration - self.rate.log() + self.concentration.lgamma()
                + (1.0 - self.concentration) * self.concentration.digamma())

    @property
    def _natural_params(self):
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x, y):
        return (x + 1).lgamma() + (x + 1) * (-y.reciprocal()).log()


@register_kl(Gamma, Gamma)
def _kl_gamma_gamma(p, q):
    """(αp - αq) ψ(αp) - log Γ(αp) + log Γ(αq) + αq log(βp/βq) + αp (βq - βp)/βp."""
    return ((p.concentration - q.concentration) * p.concentration.digamma()
            - p.concentration.lgamma() + q.concentration.lgamma()
            + q.concentration * (p.rate / q.rate).log()
            + p.concentration * (q.rate - p.rate) / p.rate)


@register_kl(Gamma, Exponential)
def _kl_gamma_exponential(p, q):
    """-H(p) - E_p[log q] = -H(p) - log λ + λ α/β."""
    return -p.entropy() - q.rate.log() + q.rate * p.concentration / p.rate


@register_kl(Exponential, Gamma)
def _kl_exponential_gamma(p, q):
    """-H(p) - E_p[log q] with H(p) = 1 - log λ, E_p[log x] = -γ - log λ, E_p[x] = 1/λ:
    α log(λ/β) + β/λ + log Γ(α) + (α - 1) γ - 1."""
    return (q.concentration * (p.rate / q.rate).log() + q.rate / p.rate + q.concentration.lgamma()
            + (q.concentration - 1) * _EULER - 1)


@register_kl(Gamma, Normal)
def _kl_gamma_normal(p, q):
    """-H(p) + ½ log(2πσ²) + E_p[(x - μ)²] / (2σ²), E_p[x] = α/β, E_p[x²] = α(α + 1)/β²."""
    var = q.scale ** 2
    mean = p.concentration / p.rate
    second_moment = p.concentration * (p.concentration + 1) / p.rate ** 2 - 2 * q.loc * mean + q.loc ** 2
    return -p.entropy() + 0.5 * (2 * math.pi * var).log() + second_moment / (2 * var)


@register_kl(Uniform, Gamma)
def _kl_uniform_gamma(p, q):
    """E_p[log p - log q] = -log(h - l) + log Γ(α) - α log β - (α - 1) E_p[log x] + β (l + h)/2,
    E_p[log x] = (h log h - l log l)/(h - l) - 1; ∞ where l < 0."""
    outside = p.low < 0
    low, high = where(outside, 1.0, p.low), where(outside, 2.0, p.high)  # no log of a negative number
    width = high - low
    mean_log = (high.xlogy(high) - low.xlogy(low)) / width - 1
    result = (-width.log() + q.concentration.lgamma() - q.concentration * q.rate.log()
              - (q.concentration - 1) * mean_log + q.rate * (high + low) / 2)
    return where(outside, math.inf, result)


@register_kl(Gamma, Uniform)
def _kl_gamma_infinity(p, q):
    """∞: a gamma puts mass on all of (0, ∞), beyond any uniform's interval."""
    return _infinite_like(p.concentration)


@register_kl(Normal, Gamma)
def _kl_normal_gamma(p, q):
    """∞: a normal puts mass below 0, where the gamma has none."""
    return _infinite_like(p.loc)


@register_kl(Laplace, Gamma)
def _kl_laplace_gamma(p, q):
    """∞: a Laplace puts mass below 0, where the gamma has none."""
    return _infinite_like(p.loc)
