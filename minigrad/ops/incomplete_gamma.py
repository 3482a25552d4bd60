"""The regularized incomplete gamma functions: torch.special.gammainc and gammaincc
(torch.igamma, torch.igammac), differentiable in x.

See docs/notation.md for the notation of the ops modules.
"""

import math

import numpy as np

from ..autograd.function import Function
from ..backend import get_array_module as _xp
from ..errors import NotSupported
from .elementwise import exp
from .exponential import _floating_pair, xlogy
from .special import _B2K, _lgamma_array, lgamma


# ---- the regularized incomplete gamma functions --------------------------------------------------
# P(a, x) = γ(a, x) / Γ(a) = (1/Γ(a)) ∫_0^x t^(a-1) e^(-t) dt   (gammainc, the Gamma(a, 1) CDF),
# Q(a, x) = 1 - P(a, x) = Γ(a, x) / Γ(a)                          (gammaincc), for a > 0, x >= 0.
#
# Three expansions, each used where it converges fast and keeps its digits:
# - the series, for x < a + 1 (where P is not close to 1):
#     P = x^a e^-x / Γ(a + 1) · S,   S = Σ_{n>=0} t_n,   t_0 = 1,   t_n = t_{n-1} · x / (a + n);
# - the continued fraction, for x >= a + 1 (where Q is the small one):
#     Q = x^a e^-x / Γ(a) · h,   h = 1/(x+1-a - 1(1-a)/(x+3-a - 2(2-a)/(x+5-a - ...))),
#   evaluated by the modified Lentz method (each step multiplies h by a factor that tends to 1);
# - for small a and x <= 1.1, where Q is small although x < a + 1 (1 - P would lose its digits):
#     Q = -expm1(a log x - log Γ(1 + a)) - x^a / Γ(a) · Σ_{n>=1} (-x)^n / (n! (a + n)).
# The series and the fraction step over the whole array at once; an element leaves the loop
# when its remaining terms no longer count, so the loop runs as long as its slowest element
# (about √a steps where x is close to a). Everything is computed in float64.

_UNIT = 2.0 ** -53  # float64's unit roundoff: the loops stop when a step changes less than this
_EULER = 0.5772156649015329  # Euler's constant γ = -ψ(1)


def _max_steps(a):
    """A bound on the steps of the series or the fraction: about 8.6 √a are needed for x ≈ a."""
    return 100 + int(20 * math.sqrt(float(a.max()))) if a.size else 0


def _log_prefactor(a, x):
    """log(x^a e^-x / Γ(a)), the factor in front of the fraction (and, over a, of the series).

    For a >= 10 Stirling's series log Γ(a) = (a - ½) log a - a + ½ log 2π + σ(a), with
    σ(a) = Σ_k B_2k / (2k (2k-1) a^(2k-1)), cancels the two large terms a log x and log Γ(a)
    exactly: with t = (x - a)/a the logarithm is a (log(1 + t) - t) + ½ log a - ½ log 2π - σ(a).
    """
    xp = _xp(a)
    direct = a * xp.log(x) - x - _lgamma_array(a)
    big = xp.maximum(a, 10.0)
    t = (x - big) / big
    sigma, inv, inv2 = 0.0, 1 / big, 1 / (big * big)
    for k, b in enumerate(_B2K, start=1):
        sigma = sigma + b / (2 * k * (2 * k - 1)) * inv
        inv = inv * inv2
    # log(1 + t) is log1p(t) near t = 0, where the difference with t cancels; far from 0 it is
    # log(x/a), which keeps its digits when x/a is small (1 + t would round them away)
    log_ratio = xp.where(xp.abs(t) < 0.5, xp.log1p(t), xp.log(x / big))
    stirling = big * (log_ratio - t) + 0.5 * xp.log(big) - 0.5 * math.log(2 * math.pi) - sigma
    return xp.where(a < 10, direct, stirling)


def _lower_series(a, x, derivative=False):
    """S = Σ_n t_n of P = x^a e^-x / Γ(a + 1) · S, for 1-D float64 a, x with x < a + 1.

    With ``derivative`` also T = Σ_n t_n H_n, H_n = Σ_{k<=n} 1/(a + k): since
    ∂t_n/∂a = -t_n H_n, ∂S/∂a = -T. From n on the terms fall at least by r = x/(a + n + 1) < 1
    each, so the rest of S is below t_n r / (1 - r): the loop stops an element there.
    """
    xp = _xp(a)
    S, T = xp.empty_like(a), xp.empty_like(a)
    todo = xp.arange(a.size)
    t, s, H, tH = xp.ones_like(a), xp.ones_like(a), xp.zeros_like(a), xp.zeros_like(a)
    steps, n = _max_steps(a), 0
    while todo.size:
        n += 1
        an = a + n
        t = t * x / an
        s = s + t
        r = x / (an + 1)
        rest = t * r / (1 - r)
        done = rest <= _UNIT * s
        if derivative:
            H = H + 1 / an
            tH = tH + t * H
            done &= rest * (H + 1) <= _UNIT * tH  # H grows by less than 1 over the rest
        if n >= steps:
            done[:] = True
        if done.any():
            S[todo[done]], T[todo[done]] = s[done], tH[done]
            keep = ~done
            todo, a, x, t, s, H, tH = (v[keep] for v in (todo, a, x, t, s, H, tH))
    return (S, T) if derivative else S


def _upper_fraction(a, x, derivative=False):
    """h of Q = x^a e^-x / Γ(a) · h, for 1-D float64 a, x with x >= a + 1.

    The fraction h = 1/(b_0 + a_1/(b_1 + a_2/(b_2 + ...))), a_i = -i (i - a), b_i = x + 2i + 1 - a,
    by Lentz: D_i = 1/(b_i + a_i D_(i-1)), C_i = b_i + a_i / C_(i-1), h_i = h_(i-1) C_i D_i
    (C_0 = ∞, D_0 = h_0 = 1/b_0). With ``derivative`` the same recurrences are differentiated
    in a (∂a_i/∂a = i, ∂b_i/∂a = -1), giving also ∂(log h)/∂a = Σ_i ∂(C_i D_i)/∂a / (C_i D_i).
    """
    xp = _xp(a)
    H, L = xp.empty_like(a), xp.empty_like(a)
    todo = xp.arange(a.size)
    b = x + 1 - a
    c, dc = xp.full_like(a, xp.inf), xp.zeros_like(a)
    d = 1 / b
    h, dd, dlh = d, d * d, d  # ∂(1/b_0)/∂a = 1/b_0², so ∂(log h_0)/∂a = 1/b_0
    steps, i = _max_steps(a), 0
    with np.errstate(invalid="ignore"):
        while todo.size:
            i += 1
            ai = -i * (i - a)
            b = b + 2
            pre = ai * d + b
            c_new = b + ai / c
            if derivative:
                dpre = i * d + ai * dd - 1
                dc = -1 + i / c - ai * dc / (c * c)
            d = 1 / pre
            c = c_new
            delta = c * d
            h = h * delta
            done = xp.abs(delta - 1) <= _UNIT
            if derivative:
                dd = -dpre * d * d
                ddelta = dc * d + c * dd
                dlh = dlh + ddelta / delta
                done &= xp.abs(ddelta) <= _UNIT * xp.abs(dlh * delta)
            if i >= steps:
                done[:] = True
            if done.any():
                H[todo[done]], L[todo[done]] = h[done], dlh[done]
                keep = ~done
                todo, a, x, b, c, dc, d, dd, h, dlh = (v[keep] for v in (todo, a, x, b, c, dc, d, dd, h, dlh))
    return (H, L) if derivative else H


_ZETA = []  # ζ(2), ζ(3), ... for the Taylor series of log Γ(1 + y), computed on first use


def _zeta_values(kmax=56, n=10.0):
    """ζ(k) for k = 2..kmax, by Euler–Maclaurin summation:
    ζ(s) = Σ_{m<N} m^-s + N^(1-s)/(s-1) + N^-s/2 + Σ_j B_2j/(2j)! · s(s+1)...(s+2j-2) · N^(-s-2j+1)."""
    if not _ZETA:
        for s in range(2, kmax + 1):
            z = sum(m ** -s for m in range(1, int(n))) + n ** (1 - s) / (s - 1) + 0.5 * n ** -s
            rising, power = float(s), n ** (-s - 1)
            for j, b in enumerate(_B2K, start=1):
                z += b / math.factorial(2 * j) * rising * power
                rising *= (s + 2 * j - 1) * (s + 2 * j)
                power /= n * n
            _ZETA.append(z)
    return _ZETA


def _lgamma1p(a):
    """log Γ(1 + a) for 0 < a < 1.5 without forming 1 + a (whose rounding would lose a small a):
    the Taylor series log Γ(1 + y) = -γ y + Σ_{k>=2} (-1)^k ζ(k) y^k / k for |y| <= ½, and
    log Γ(1 + a) = log a + log Γ(1 + (a - 1)) above ½."""
    xp = _xp(a)
    shifted = a > 0.5
    y = xp.where(shifted, a - 1, a)
    series = 0.0
    for k in range(len(_zeta_values()) + 1, 1, -1):  # Horner, from the highest power down
        series = (series + (-1) ** k * _ZETA[k - 2] / k) * y
    series = (series - _EULER) * y
    return xp.where(shifted, xp.log(a) + series, series)


def _small_a_upper(a, x):
    """Q(a, x) for x <= 1.1 and small a (see the section's comment): the sum's n-th term is
    below 1.1^n / n!, so 25 terms reach double precision."""
    xp = _xp(a)
    log_x = xp.log(x)
    total, factor = 0.0, xp.ones_like(a)
    for n in range(1, 26):
        factor = factor * -x / n
        total = total + factor / (a + n)
    return -xp.expm1(a * log_x - _lgamma1p(a)) - xp.exp(a * log_x - _lgamma_array(a)) * total


def _incomplete_gamma_arrays(a, x):
    """(P(a, x), Q(a, x)) in float64, a and x broadcast together. At the edges PyTorch's
    values: nan for a < 0, x < 0 or a = x = 0 (and both infinite), P = 1 for a = 0 < x or
    x = ∞, P = 0 for x = 0 < a or a = ∞."""
    xp = _xp(a, x)
    a, x = xp.broadcast_arrays(a.astype(np.float64), x.astype(np.float64))
    shape = a.shape
    a, x = a.ravel(), x.ravel()
    lower, upper = xp.full(a.shape, xp.nan), xp.full(a.shape, xp.nan)
    with np.errstate(all="ignore"):
        finite_a = (a > 0) & (a < xp.inf)
        one = ((a == 0) & (x > 0)) | (finite_a & (x == xp.inf))
        zero = (finite_a & (x == 0)) | ((a == xp.inf) & (x >= 0) & (x < xp.inf))
        lower[one], upper[one], lower[zero], upper[zero] = 1.0, 0.0, 0.0, 1.0
        inside = finite_a & (x > 0) & (x < xp.inf)
        fraction = inside & (x >= a + 1)
        small_a = xp.where(x <= 0.5, a * -xp.log(x) <= 0.4, a <= 1.1 * x)  # PyTorch's choice of method
        small = inside & ~fraction & (x <= 1.1) & small_a
        series = inside & ~fraction & ~small

        i = xp.nonzero(series)[0]
        p = xp.exp(_log_prefactor(a[i], x[i])) / a[i] * _lower_series(a[i], x[i])
        lower[i], upper[i] = p, 1 - p
        i = xp.nonzero(fraction)[0]
        q = xp.exp(_log_prefactor(a[i], x[i])) * _upper_fraction(a[i], x[i])
        lower[i], upper[i] = 1 - q, q
        i = xp.nonzero(small)[0]
        q = _small_a_upper(a[i], x[i])
        lower[i], upper[i] = 1 - q, q
    return lower.reshape(shape), upper.reshape(shape)


class GammaInc(Function):
    """z = P(a, x) = γ(a, x) / Γ(a) (``upper`` False), or Q(a, x) = 1 - P(a, x) (``upper`` True).

    dP/dx = x^(a-1) e^-x / Γ(a) (the integrand, over Γ(a)), and dQ/dx = -dP/dx: the backward
    is a composition of exp, xlogy and lgamma, so it can be differentiated again. The
    derivative in a has no closed form; as in PyTorch, asking for it raises NotSupported.
    """

    upper = False

    @staticmethod
    def forward(ctx, a, x):
        ctx.save_for_backward(a, x)
        lower, upper = _incomplete_gamma_arrays(a, x)
        return (upper if ctx.upper else lower).astype(a.dtype)

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            name = "gammaincc" if ctx.upper else "gammainc"
            raise NotSupported(f"{name}: the derivative with respect to input (the shape a) is not implemented "
                               "(as in PyTorch); only other (x) is differentiable")
        density = exp(xlogy(a - 1, x) - x - lgamma(a))
        return None, (-g if ctx.upper else g) * density


class GammaIncC(GammaInc):
    """z = Q(a, x) = 1 - P(a, x) (see GammaInc)."""

    upper = True


def gammainc(input, other):
    """The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a), a = input,
    x = other (a fused Function: see the section above; differentiable in other only)."""
    return GammaInc.apply(*_floating_pair(input, other, "gammainc"))


def gammaincc(input, other):
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x) = Γ(a, x) / Γ(a)."""
    return GammaIncC.apply(*_floating_pair(input, other, "gammaincc"))


TENSOR_METHODS = {"igamma": gammainc, "igammac": gammaincc,
                  "igamma_": lambda self, other: self._write(gammainc(self, other), "igamma_"),
                  "igammac_": lambda self, other: self._write(gammaincc(self, other), "igammac_")}
