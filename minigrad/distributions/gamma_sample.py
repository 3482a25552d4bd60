"""The standard gamma draw G ~ Gamma(α, 1), differentiable in α (implicit reparameterisation).

Gamma, Chi2, Beta, Dirichlet and StudentT build their reparameterised samples from it:
Gamma(α, β) is G/β, Beta(α, β) is X/(X + Y) and Dirichlet(α) is G/ΣG (both normalised in log
space), StudentT needs a Chi2.

Why the draw has a gradient. NumPy (or CuPy) draws G by rejection (Marsaglia and Tsang), which
is no smooth function of α. But G has the distribution of F⁻¹(u; α), u ~ U(0, 1), with F the
Gamma(α, 1) CDF, F(x; α) = P(α, x) (the regularized incomplete gamma function). Holding u
fixed while α moves, F(G(α); α) = u, and differentiating both sides

    f(G; α) dG/dα + (∂F/∂α)(G; α) = 0   ⇒   dG/dα = -(∂F/∂α)(G; α) / f(G; α),

f the density. This is the gradient the sample would have if it had been drawn by inversion,
without ever inverting F.

∂F/∂α comes from differentiating, term by term, the expansions minigrad.special uses for P:
- for x < α + 1, P = x^α e^-x / Γ(α + 1) · S, S = Σ_n x^n / ((α+1)...(α+n)), ∂S/∂α = -T with
  T = Σ_n t_n H_n, H_n = Σ_{k<=n} 1/(α + k). The density is f = x^α e^-x / Γ(α + 1) · α/x,
  so the common factor cancels:  dG/dα = -(x/α) (S (log x - ψ(α + 1)) - T);
- for x >= α + 1, Q = 1 - P = x^α e^-x / Γ(α) · h (a continued fraction), f = x^(α-1) e^-x / Γ(α):
  dG/dα = ∂Q/∂α / f = x h (log x - ψ(α) + ∂(log h)/∂α).
Neither needs the factor x^α e^-x itself, so no underflow for tiny or huge draws; divided by x,
they give d(log G)/dα from log G alone, for the draws in log space that Beta and Dirichlet
normalise (LogStandardGamma: a small α's draws underflow).
"""

import numpy as np

from .. import backend
from ..autograd.function import Function
from ..ops.elementwise import constant
from ..ops.special import _polygamma_array
from ..ops.incomplete_gamma import _lower_series, _upper_fraction

__all__ = ["log_standard_gamma", "standard_gamma"]


def standard_gamma_log_grad(alpha, log_x):
    """d(log G)/dα = (dG/dα)/G at the draws G = exp(log_x) of Gamma(alpha, 1), as arrays (see the
    module docstring, divided by G). It needs G only through log G and through the series S and T,
    which tend to 1 and 0 as G -> 0, so it holds for draws too small for the dtype."""
    xp = backend.get_array_module(alpha, log_x)
    a, log_g = xp.broadcast_arrays(alpha.astype(np.float64), log_x.astype(np.float64))
    shape = a.shape
    a, log_g = a.ravel(), log_g.ravel()
    out = xp.zeros(a.shape)
    with np.errstate(all="ignore"):
        g = xp.exp(log_g)
        series = g < a + 1
        i = xp.nonzero(series)[0]
        ai, gi, li = a[i], g[i], log_g[i]
        s, t = _lower_series(ai, gi, derivative=True)
        out[i] = -(s * (li - _polygamma_array(0, ai + 1)) - t) / ai
        i = xp.nonzero(~series)[0]
        ai, gi, li = a[i], g[i], log_g[i]
        h, dlog_h = _upper_fraction(ai, gi, derivative=True)
        out[i] = h * (li - _polygamma_array(0, ai) + dlog_h)
    return out.reshape(shape).astype(alpha.dtype)


def standard_gamma_grad(alpha, x):
    """dG/dα at the draws x of Gamma(alpha, 1), as arrays (see the module docstring)."""
    xp = backend.get_array_module(alpha, x)
    x = x.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        grad = x * standard_gamma_log_grad(alpha.astype(np.float64), xp.log(x))
    return xp.where(x > 0, grad, 0.0).astype(alpha.dtype)  # dG/dα -> 0 as G -> 0


class StandardGamma(Function):
    """G ~ Gamma(α, 1), one draw per element of α;  dL/dα = g · dG/dα (see the module docstring).

    Draws are kept at or above the dtype's ``tiny`` (a tiny α can round a draw to 0, where
    log G, which every gamma-based log_prob takes, would be -inf). The backward is computed
    on arrays, so there is no second derivative (as in PyTorch).
    """

    supports_double_backward = False

    @staticmethod
    def forward(ctx, alpha):
        xp = backend.get_array_module(alpha)
        gen = backend.generator(backend.device_of(alpha))
        dtype = alpha.dtype if alpha.dtype in (np.float32, np.float64) else np.float32  # the generators' dtypes
        draw = gen.standard_gamma(alpha.astype(dtype), size=alpha.shape, dtype=dtype)
        draw = xp.maximum(xp.asarray(draw, dtype=alpha.dtype), np.finfo(alpha.dtype).tiny)
        ctx.save_for_backward(alpha, draw)
        return draw

    @staticmethod
    def backward(ctx, g):
        alpha, draw = ctx.saved_arrays
        return g * constant(standard_gamma_grad(alpha, draw))


class LogStandardGamma(Function):
    """log G with G ~ Gamma(α, 1), drawn in log space;  dL/dα = g · d(log G)/dα.

    For α < 1 a draw is often below the dtype's smallest number (for α = 0.01 in float32, four
    draws in ten), and normalising such draws (Beta, Dirichlet) would give 0/0. In log space
    nothing underflows: for α < 1, log G = log G' + (log U)/α with G' ~ Gamma(α + 1, 1) and
    U ~ U(0, 1], since G' U^(1/α) ~ Gamma(α, 1) (computed in float64). The gradient is the
    implicit one, which depends on the draw's value only, not on how it was drawn.
    """

    supports_double_backward = False

    @staticmethod
    def forward(ctx, alpha):
        xp = backend.get_array_module(alpha)
        gen = backend.generator(backend.device_of(alpha))
        a = alpha.astype(np.float64)
        boosted = xp.where(a < 1, a + 1, a)
        log_g = xp.log(gen.standard_gamma(boosted, size=alpha.shape, dtype=np.float64))
        u = 1 - gen.random(size=alpha.shape, dtype=np.float64)  # in (0, 1]
        log_g = xp.where(a < 1, log_g + xp.log(u) / a, log_g).astype(alpha.dtype)
        ctx.save_for_backward(alpha, log_g)
        return log_g

    @staticmethod
    def backward(ctx, g):
        alpha, log_g = ctx.saved_arrays
        return g * constant(standard_gamma_log_grad(alpha, log_g))


def standard_gamma(concentration):
    """G ~ Gamma(concentration, 1), of concentration's shape, dtype and device, differentiable in it."""
    return StandardGamma.apply(concentration)


def log_standard_gamma(concentration):
    """log G, G ~ Gamma(concentration, 1), differentiable in concentration (see LogStandardGamma)."""
    return LogStandardGamma.apply(concentration)
