"""Special functions: lgamma, digamma, polygamma, mvlgamma, erfinv, logit, sinc, xlog1py.

NumPy has none of the gamma family, so they are computed here, vectorised over the array
with a fixed number of steps (no loop over elements):

- **Shift, then expand.** log Γ and ψ⁽ᵐ⁾ have asymptotic series accurate to double
  precision once z >= 10. Smaller x are moved up by the recurrences
  Γ(x + 1) = x Γ(x)   ⇒  log Γ(x) = log Γ(x + n) - Σ_{k<n} log(x + k),
  ψ(x + 1) = ψ(x) + 1/x  ⇒  ψ⁽ᵐ⁾(x) = ψ⁽ᵐ⁾(x + n) + (-1)^(m+1) m! Σ_{k<n} 1/(x + k)^(m+1),
  with n = 10 for every element (enough for any x >= 0).
- **Reflect** negative x: Γ(x) Γ(1 - x) = π / sin(πx) gives log|Γ(x)| = log(π / |sin πx|)
  - log Γ(1 - x), and ψ(1 - x) - ψ(x) = π cot(πx).

The derivatives chain into each other: d log Γ(x)/dx = ψ(x) = ψ⁽⁰⁾(x) and
dψ⁽ᵐ⁾/dx = ψ⁽ᵐ⁺¹⁾, so each backward is the next function up and every order is defined.

Notation: docs/notation.md.
"""

import math

import numpy as np

from ..autograd.function import Function
from ..errors import ArgumentError
from .activation import erf_array
from .elementwise import _float_input, _xp, clamp, constant, exp, log, pair, sin, where
from .exponential import Xlogy, erfc_array, log1p
from .inplace import with_inplace

_SHIFT = 10
# Bernoulli numbers B_2, B_4, ..., B_16 of the asymptotic series
_B2K = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)


def _lgamma_array(x):
    """log|Γ(x)| elementwise (see the module docstring)."""
    xp = _xp(x)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        reflect = x < 0.5
        y = xp.where(reflect, 1 - x, x)  # y >= 0.5
        shifted = y + _SHIFT
        # Stirling: log Γ(z) = (z - ½) log z - z + ½ log 2π + Σ_k B_2k / (2k (2k-1) z^(2k-1))
        series = (shifted - 0.5) * xp.log(shifted) - shifted + 0.5 * math.log(2 * math.pi)
        inv, inv2 = 1 / shifted, 1 / (shifted * shifted)
        for k, b in enumerate(_B2K, start=1):
            series = series + b / (2 * k * (2 * k - 1)) * inv
            inv = inv * inv2
        for k in range(_SHIFT):
            series = series - xp.log(y + k)
        reflected = math.log(math.pi) - xp.log(xp.abs(xp.sin(math.pi * x))) - series
        out = xp.where(reflect, reflected, series)
        pole = (x <= 0) & (x == xp.floor(x))  # Γ has poles at 0, -1, -2, ... (sin(πx) is not exactly 0 there)
        out = xp.where(pole | xp.isinf(x), xp.inf, out)
        return xp.where((x == 1) | (x == 2), 0.0, out).astype(x.dtype)  # Γ(1) = Γ(2) = 1 exactly


def _polygamma_array(m, x):
    """ψ⁽ᵐ⁾(x) elementwise, m >= 0 (see the module docstring)."""
    xp = _xp(x)
    if x.dtype == "float16":  # the series' powers z^(2k+m) overflow float16: sum in float32, as PyTorch does
        with np.errstate(over="ignore"):  # beyond float16's range: inf, as in PyTorch
            return _polygamma_array(m, x.astype("float32")).astype(x.dtype)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if m == 0:
            reflect = x < 0.5
            y = xp.where(reflect, 1 - x, x)
        else:  # no simple reflection: shift negative x up far enough instead
            reflect = None
            y = x
        steps = _SHIFT if m == 0 or not bool((x < 0).any()) else _SHIFT + int(math.ceil(-float(x.min())))
        z = y + steps
        if m == 0:  # ψ(z) = log z - 1/(2z) - Σ_k B_2k / (2k z^(2k))
            series = xp.log(z) - 0.5 / z
            inv2 = 1 / (z * z)
            power = inv2
            for k, b in enumerate(_B2K, start=1):
                series = series - b / (2 * k) * power
                power = power * inv2
        else:  # ψ⁽ᵐ⁾(z) = (-1)^(m+1) [(m-1)!/z^m + m!/(2 z^(m+1)) + Σ_k B_2k (2k+m-1)!/((2k)! z^(2k+m))]
            series = math.factorial(m - 1) / z ** m + math.factorial(m) / (2 * z ** (m + 1))
            for k, b in enumerate(_B2K, start=1):
                series = series + b * math.factorial(2 * k + m - 1) / math.factorial(2 * k) / z ** (2 * k + m)
            series = (-1) ** (m + 1) * series
        sign_fact = (-1) ** (m + 1) * math.factorial(m)
        for k in range(steps):
            series = series + sign_fact / (y + k) ** (m + 1)
        if m == 0:
            series = xp.where(reflect, series - math.pi / xp.tan(math.pi * x), series)
            pole = (x < 0) & (x == xp.floor(x))
            series = xp.where(x == 0, -xp.inf, xp.where(pole, xp.nan, series))  # PyTorch: ψ(0) = -inf
        return series.astype(x.dtype)


class LGamma(Function):
    """z = log|Γ(x)|.   dz/dx = ψ(x), the digamma function, so dL/dx = g ψ(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _lgamma_array(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * polygamma(0, x)


class Polygamma(Function):
    """z = ψ⁽ᵐ⁾(x), the m-th derivative of ψ = (log Γ)'.   dL/dx = g ψ⁽ᵐ⁺¹⁾(x)."""

    @staticmethod
    def forward(ctx, x, m):
        ctx.save_for_backward(x)
        ctx.m = m
        return _polygamma_array(m, x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * polygamma(ctx.m + 1, x)


def _erfinv_array(y):
    """erf⁻¹(y): Giles' (2010) polynomial start, then three Newton steps.

    Newton runs on erf(x) = |y| for |y| < ½, and beyond on log erfc(x) = log(1 - |y|): there
    1 - |y| is exact, erfc keeps its relative precision, and the logarithm turns erfc's
    e^(-x²) fall into a gentle curve on which Newton converges from the start.
    """
    xp = _xp(y)
    if y.dtype == "float16":
        return _erfinv_array(y.astype("float32")).astype(y.dtype)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        a = xp.abs(y)
        w = -xp.log((1 - a) * (1 + a))
        wc, wt = w - 2.5, xp.sqrt(w) - 3
        central = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                  -0.00417768164, 0.246640727, 1.50140941):
            central = c + central * wc
        tail = -0.000200214257
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
                  0.00943887047, 1.00167406, 2.83297682):
            tail = c + tail * wt
        x = xp.where(w < 5, central, tail) * a
        x = xp.where(a < 1, x, 0.0)
        log_tail = xp.log(1 - a)
        for _ in range(3):
            bell = 2 / math.sqrt(math.pi) * xp.exp(-x * x)
            tail = erfc_array(x)
            # centre: f = erf(x) - a, f' = bell;  tails: f = log erfc(x) - log(1 - a), f' = -bell / erfc(x)
            step_centre = (erf_array(x) - a) / bell
            step_tail = (xp.log(tail) - log_tail) * tail / -bell
            x = x - xp.where(a < 0.5, step_centre, xp.where(tail > 0, step_tail, 0))
        x = xp.where(a == 1, xp.inf, xp.where(a > 1, xp.nan, x))
        return (xp.sign(y) * x).astype(y.dtype)


class Erfinv(Function):
    """z = erf⁻¹(y).   From erf(z) = y: (2/√π) e^(-z²) dz = dy, so dL/dy = g (√π / 2) e^(z²)."""

    @staticmethod
    def forward(ctx, y):
        z = _erfinv_array(y)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g * (math.sqrt(math.pi) / 2) * exp(z * z)


class Xlog1py(Xlogy):
    """z = x log(1 + y), and z = 0 where x == 0 (unless y is nan): xlogy with f = log1p.

    dz/dx = log(1 + y) (0 where x == 0 and y <= -1, so no -inf comes back, as in PyTorch),
    dz/dy = x / (1 + y). The forward and backward are Xlogy's, with f's pole at y = -1.
    """

    pole = -1.0

    @staticmethod
    def f_array(xp, y):
        return xp.log1p(y)

    @staticmethod
    def f(y):
        return log1p(y)

    @staticmethod
    def distance(y):
        return 1 + y


# ---- the functions users call -----------------------------------------------------------------
def lgamma(input):
    """log|Γ(x)| (a fused Function: NumPy has no gamma function)."""
    return LGamma.apply(_float_input(input))


def digamma(input):
    """ψ(x) = d/dx log Γ(x); ψ(0) = -inf and nan at negative integers, as in PyTorch."""
    return polygamma(0, input)


def polygamma(n, input):
    """ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function (n >= 0)."""
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
        raise ArgumentError(f"polygamma: n must be a non-negative integer, got {n!r}")
    return Polygamma.apply(_float_input(input), m=int(n))


def mvlgamma(input, p):
    """The multivariate log-gamma log Γ_p(x) = p(p-1)/4 log π + Σ_{i<p} log Γ(x - i/2) (a composition).

    Defined for x > (p - 1)/2 in every element (PyTorch refuses the rest, and so does this).
    """
    if not isinstance(p, int) or p < 1:
        raise ArgumentError(f"mvlgamma: p must be a positive integer, got {p!r}")
    x = _float_input(input)
    if bool((x.array <= (p - 1) / 2).any()):
        raise ArgumentError(f"mvlgamma: all elements must be greater than (p-1)/2 = {(p - 1) / 2}")
    total = lgamma(x)
    for i in range(1, p):
        total = total + lgamma(x - i / 2)
    return total + p * (p - 1) / 4 * math.log(math.pi)


def erfinv(input):
    """The inverse error function, on (-1, 1); ±inf at ±1 and nan beyond (a fused Function)."""
    return Erfinv.apply(_float_input(input))


def logit(input, eps=None):
    """log(p / (1 - p)), the inverse of sigmoid; with ``eps`` p is first clamped to [eps, 1 - eps].

    A composition: dL/dp = g / (p (1 - p)) comes from log and div (zero where the clamp bites).
    """
    p = _float_input(input)
    if eps is not None:
        p = clamp(p, eps, 1 - eps)
    return log(p / (1 - p))


def sinc(input):
    """sin(πx) / (πx), and 1 at x = 0 (a composition).

    At 0 the quotient is 0/0, so it is evaluated at a stand-in x = 1 and replaced: where()
    then sends no gradient through the stand-in, and sinc'(0) = 0 as it should.
    """
    x = _float_input(input)
    zero = x.array == 0
    safe = where(constant(zero), 1.0, x) * math.pi
    return where(constant(zero), 1.0, sin(safe) / safe)


def xlog1py(input, other):
    """input * log1p(other), and 0 where input == 0 (see Xlog1py)."""
    x, y = pair(input, other, "xlog1py")
    return Xlog1py.apply(_float_input(x), _float_input(y))


TENSOR_METHODS = with_inplace({"lgamma": lgamma, "digamma": digamma, "erfinv": erfinv, "logit": logit,
                               "sinc": sinc})
TENSOR_METHODS.update(polygamma=lambda self, n: polygamma(n, self),
                      polygamma_=lambda self, n: self._write(polygamma(n, self), "polygamma_"),
                      mvlgamma=mvlgamma, xlog1py=xlog1py)

