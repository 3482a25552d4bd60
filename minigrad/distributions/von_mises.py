"""VonMises: the circular analogue of the normal distribution, for angles."""

import math

import numpy as np

from ..autograd.grad_mode import no_grad
from ..ops.bessel import i0e, i1e
from ..size import Size
from ..ops.selections import where
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, lazy_property, uniform

__all__ = ["VonMises"]


# e^-x I0(x) and e^-x I1(x): the exponentially scaled Bessel functions of ops/bessel.py
def _log_i0(x):
    """log I0(x) = log(e^-|x| I0(x)) + |x|, finite for every x (I0 itself overflows above ~713)."""
    return i0e(x).log() + x.abs()  # (I0 is even: |x| keeps the slope I1/I0, 0 at x = 0)


# ---- sampling ------------------------------------------------------------------------------------------
def _best_fisher(loc, concentration, proposal_r, shape):
    """Best & Fisher's (1979) rejection sampler, in rounds: each round draws u₁, u₂, u₃ ~ U(0, 1)
    for the entries not yet accepted only, and keeps those it accepts. Arrays of float64."""
    xp = loc.xp
    kappa = xp.broadcast_to(concentration.array, shape).ravel()
    r = xp.broadcast_to(proposal_r.array, shape).ravel()
    theta = xp.zeros(kappa.shape, dtype=kappa.dtype)
    pending = xp.arange(kappa.size)
    while pending.size:
        u = uniform((3, pending.size), loc).array
        z = xp.cos(math.pi * u[0])
        f = (1 + r[pending] * z) / (r[pending] + z)
        c = kappa[pending] * (r[pending] - f)
        with np.errstate(divide="ignore"):  # u₂ = 0 accepts (c/u₂ = inf)
            accept = (c * (2 - c) - u[1] > 0) | (xp.log(c / u[1]) + 1 - c >= 0)
        theta[pending[accept]] = xp.sign(u[2][accept] - 0.5) * xp.arccos(f[accept])
        pending = pending[~accept]
    return theta.reshape(shape)


class VonMises(Distribution):
    """density(θ) = exp(κ cos(θ - μ)) / (2π I0(κ)) for angles θ (any real, read modulo 2π),
    μ = loc (an angle in radians), κ = concentration > 0 (κ → 0: uniform on the circle; large κ:
    close to N(μ, 1/κ)).

    log_prob(θ) = κ cos(θ - μ) - log 2π - log I0(κ), with log I0(κ) = log(e^-κ I0(κ)) + κ from
    Cephes' Chebyshev expansions of the scaled Bessel function (finite for any κ, and
    differentiable: d log I0/dκ = I1(κ)/I0(κ)).
    mean = mode = μ (the circular mean),  variance = 1 - I1(κ)/I0(κ) (the circular variance
    1 - |E e^(iθ)|), the ratio taken as e^-κ I1(κ) / e^-κ I0(κ).
    sample (no reparameterised sample): Best & Fisher's wrapped-Cauchy envelope. With
    τ = 1 + √(1 + 4κ²), ρ = (τ - √(2τ))/(2κ), r = (1 + ρ²)/(2ρ) (≈ 1/κ + κ for κ < 1e-5):
    z = cos(π u₁), f = (1 + r z)/(r + z), c = κ (r - f); accept if c (2 - c) > u₂ or
    log(c/u₂) + 1 - c >= 0, and then θ = sign(u₃ - ½) arccos f. Rejected entries are drawn again,
    in rounds, until all are accepted; the draw is returned as an angle in [-π, π) around μ,
    computed in float64 (in float32 the envelope degenerates for small κ) and given in loc's dtype.
    """

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc, concentration, validate_args=None):
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(self.loc.shape, Size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(VonMises, batch_shape, _instance, ("loc", "concentration"))

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return 1 - i1e(self.concentration) / i0e(self.concentration)

    def log_prob(self, value):
        value = self._checked(value, self.loc)
        return self.concentration * (value - self.loc).cos() - math.log(2 * math.pi) - _log_i0(self.concentration)

    @lazy_property
    def _loc(self):
        return self.loc.detach().double()

    @lazy_property
    def _concentration(self):
        return self.concentration.detach().double()

    @lazy_property
    def _proposal_r(self):
        kappa = self._concentration
        tau = 1 + (1 + 4 * kappa ** 2).sqrt()
        rho = (tau - (2 * tau).sqrt()) / (2 * kappa)
        # ρ is 0/0-like for small κ (τ - √(2τ) cancels): there, r's expansion 1/κ + κ
        return where(kappa < 1e-5, 1 / kappa + kappa, (1 + rho ** 2) / (2 * rho))

    def sample(self, sample_shape=()):
        shape = tuple(self._extended_shape(sample_shape))
        with no_grad():
            theta = Tensor._make(_best_fisher(self._loc, self._concentration, self._proposal_r, shape))
            return ((theta + math.pi + self._loc) % (2 * math.pi) - math.pi).to(self.loc.dtype)
