"""Dirichlet: a distribution over the probability simplex, with a reparameterised sample."""

import math

from ..creation import arange
from ..errors import ArgumentError
from ..ops.activation import softmax
from ..ops.elementwise import where
from ..tensor import Tensor
from . import constraints
from .exp_family import ExponentialFamily
from .gamma_sample import log_standard_gamma
from .kl import register_kl
from .utils import as_param

__all__ = ["Dirichlet"]


class Dirichlet(ExponentialFamily):
    """density(x) = Γ(α₀) / Π_i Γ(α_i) · Π_i x_i^(α_i - 1) on the simplex (x_i >= 0, Σ_i x_i = 1),
    α = concentration (the last axis is the event), α₀ = Σ_i α_i.

    log_prob(x) = Σ_i (α_i - 1) log x_i + log Γ(α₀) - Σ_i log Γ(α_i);
    entropy = Σ_i log Γ(α_i) - log Γ(α₀) + (α₀ - k) ψ(α₀) - Σ_i (α_i - 1) ψ(α_i), k the event size;
    mean = α/α₀, variance = α (α₀ - α) / (α₀² (α₀ + 1));
    mode = (α - 1)⁺ / Σ(α - 1)⁺, and (as in PyTorch) the first vertex where every α_i < 1.
    rsample = G / Σ_i G_i = softmax(log G) with G_i ~ Gamma(α_i, 1) independent, drawn in log space
    (small concentrations' draws underflow): each G_i is differentiable in α_i (gamma_sample.py),
    so the normalised draw is differentiable in α.
    As an exponential family: t(x) = log x, η = α, A(η) = Σ_i log Γ(η_i) - log Γ(Σ_i η_i),
    k(x) = -Σ_i log x_i, so E[k] = -Σ_i (ψ(α_i) - ψ(α₀)).
    """

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration, validate_args=None):
        if not isinstance(concentration, Tensor):
            concentration = as_param(concentration)
        if concentration.ndim < 1:
            raise ArgumentError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        super().__init__(concentration.shape[:-1], concentration.shape[-1:], validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Dirichlet, batch_shape, _instance, ("concentration",))

    def rsample(self, sample_shape=()):
        # G/ΣG = softmax(log G): in log space, as small concentrations' draws underflow
        return softmax(log_standard_gamma(self.concentration.expand(*self._extended_shape(sample_shape))), -1)

    def log_prob(self, value):
        value = self._checked(value, self.concentration)
        return ((self.concentration - 1.0).xlogy(value).sum(-1) + self.concentration.sum(-1).lgamma()
                - self.concentration.lgamma().sum(-1))

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, keepdim=True)

    @property
    def mode(self):
        excess = (self.concentration - 1).clamp(min=0.0)
        total = excess.sum(-1, keepdim=True)
        mode = excess / where(total > 0, total, math.nan)  # nan where no α_i exceeds 1 (as 0/0, unwarned)
        k = self.concentration.shape[-1]
        # every α_i < 1: the density is unbounded at each vertex; PyTorch takes the one-hot of the
        # argmax of the mode above (all nan there), which is the first vertex
        vertex = (arange(k, device=mode.device) == mode.argmax(-1, keepdim=True)).to(mode.dtype)
        return where((self.concentration < 1).all(-1, keepdim=True), vertex, mode)

    @property
    def variance(self):
        total = self.concentration.sum(-1, keepdim=True)
        return self.concentration * (total - self.concentration) / (total ** 2 * (total + 1))

    def entropy(self):
        k = self.concentration.shape[-1]
        total = self.concentration.sum(-1)
        return (self.concentration.lgamma().sum(-1) - total.lgamma() - (k - total) * total.digamma()
                - ((self.concentration - 1.0) * self.concentration.digamma()).sum(-1))

    @property
    def _natural_params(self):
        return (self.concentration,)

    def _log_normalizer(self, x):
        return x.lgamma().sum(-1) - x.sum(-1).lgamma()

    @property
    def _mean_carrier_measure(self):
        return -(self.concentration.digamma() - self.concentration.sum(-1, keepdim=True).digamma()).sum(-1)


@register_kl(Dirichlet, Dirichlet)
def _kl_dirichlet_dirichlet(p, q):
    """log Γ(α₀) - log Γ(β₀) - Σ_i (log Γ(α_i) - log Γ(β_i)) + Σ_i (α_i - β_i)(ψ(α_i) - ψ(α₀)),
    α = p's concentration, β = q's (E_p[log x_i] = ψ(α_i) - ψ(α₀))."""
    a, b = p.concentration, q.concentration
    a0 = a.sum(-1)
    return (a0.lgamma() - b.sum(-1).lgamma() - (a.lgamma() - b.lgamma()).sum(-1)
            + ((a - b) * (a.digamma() - a0.digamma().unsqueeze(-1))).sum(-1))
