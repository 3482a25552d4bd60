"""Exponentials and logarithms beyond exp/log: exp2, expm1, log2, log10, log1p, rsqrt,
logaddexp, logaddexp2, xlogy, erfc (erfinv is in ``special``).

Fused Functions, each for accuracy: expm1(x) and log1p(x) keep every digit near x = 0 where
``exp(x) - 1`` and ``log(1 + x)`` lose them all; logaddexp never overflows where
``log(exp(x) + exp(y))`` does; xlogy is 0 at x = 0 even where log(y) is -inf; erfc keeps its
relative precision in the tail where ``1 - erf(x)`` rounds to 0. Backwards are minigrad ops,
so second derivatives come for free. Integer and bool inputs are computed in the default
float, as in PyTorch.

Notation (docs/notation.md): z is the output, g = dL/dz the incoming gradient.
"""

import math

import numpy as np

from ..autograd.function import Function
from ..backend import errstate
from .activation import sigmoid
from .elementwise import _float_input, _xp, constant, exp, log, pair, where
from .blocked import in_blocks
from .erf_rational import erfc_array
from ..errors import UnsupportedDType
from .inplace import with_inplace

_LN2, _LN10 = math.log(2.0), math.log(10.0)


class Exp2(Function):
    """z = 2**x = exp(x ln 2).   dL/dx = g * z * ln 2."""

    @staticmethod
    def forward(ctx, x):
        z = _xp(x).exp2(x)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g * z * _LN2


class Expm1(Function):
    """z = exp(x) - 1, exact near 0.   dz/dx = exp(x) = z + 1, so dL/dx = g * (z + 1)."""

    @staticmethod
    def forward(ctx, x):
        z = _xp(x).expm1(x)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g * (z + 1)


class Log2(Function):
    """z = log2(x) = log(x) / ln 2.   dL/dx = g / (x ln 2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).log2(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (x * _LN2)


class Log10(Function):
    """z = log10(x) = log(x) / ln 10.   dL/dx = g / (x ln 10)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).log10(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (x * _LN10)


class Log1p(Function):
    """z = log(1 + x), exact near 0.   dL/dx = g / (1 + x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).log1p(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (1 + x)


class Rsqrt(Function):
    """z = 1 / sqrt(x) = x**(-1/2).   dz/dx = -x**(-3/2) / 2 = -z**3 / 2, so dL/dx = -g * z**3 / 2."""

    @staticmethod
    def forward(ctx, x):
        xp = _xp(x)
        with np.errstate(divide="ignore", invalid="ignore"):  # rsqrt(0) = inf, rsqrt(-1) = nan, as in PyTorch
            z = (1 / xp.sqrt(x)).astype(x.dtype, copy=False)
        ctx.save_for_backward(z)  # the very array returned, so backward sees it as the output
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g * (z * z * z) * -0.5


class LogAddExp(Function):
    """z = log(exp(x) + exp(y)), stably: max(x, y) + log1p(exp(-|x - y|)) (NumPy's logaddexp).

    dz/dx = exp(x) / (exp(x) + exp(y)) = sigmoid(x - y), dz/dy = sigmoid(y - x): a softmax of two.
    """

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return _xp(x).logaddexp(x, y)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return (g * sigmoid(x - y) if ctx.needs_input_grad[0] else None,
                g * sigmoid(y - x) if ctx.needs_input_grad[1] else None)


class LogAddExp2(Function):
    """z = log2(2**x + 2**y), stably (NumPy's logaddexp2).

    dz/dx = 2**x / (2**x + 2**y) = sigmoid((x - y) ln 2), and the mirror image for y.
    """

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return _xp(x).logaddexp2(x, y)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return (g * sigmoid((x - y) * _LN2) if ctx.needs_input_grad[0] else None,
                g * sigmoid((y - x) * _LN2) if ctx.needs_input_grad[1] else None)


class Xlogy(Function):
    """z = x * log(y), and z = 0 where x == 0 (unless y is nan): the convention of entropy terms.

    dz/dx = log(y) (PyTorch takes 0 where x == 0 and y <= 0, so no -inf or nan comes back),
    dz/dy = x / y.

    Written for z = x f(y) with f's pole at y = ``pole`` (f(y) -> -inf there) and
    f'(y) = 1 / ``distance(y)``, so that xlog1py (f = log1p, pole -1) is the same node.
    """

    pole = 0.0

    @staticmethod
    def f_array(xp, y):
        return xp.log(y)

    @staticmethod
    def f(y):
        return log(y)

    @staticmethod
    def distance(y):
        """y - pole, the denominator of f'(y)."""
        return y

    @staticmethod
    def forward(ctx, x, y):
        xp = _xp(x)
        ctx.save_for_backward(x, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = x * ctx.f_array(xp, y)
        return xp.where((x == 0) & ~xp.isnan(y), xp.zeros((), dtype=z.dtype), z)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        gx = gy = None
        if ctx.needs_input_grad[0]:
            bad = constant((x.array == 0) & (y.array <= ctx.pole))
            gx = where(bad, 0.0, g * ctx.f(where(bad, ctx.pole + 1.0, y)))  # f(pole + 1) = 0
        if ctx.needs_input_grad[1]:
            gy = g * x / ctx.distance(y)
        return gx, gy


class Erfc(Function):
    """z = erfc(x) = 1 - erf(x), computed directly in the tails where 1 - erf(x) would round to 0.

    dz/dx = -d erf/dx = -(2/sqrt(pi)) exp(-x**2).
    """

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return in_blocks(erfc_array, x)  # (in cache-sized blocks: ops/blocked.py)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (-2 / math.sqrt(math.pi)) * exp(-(x * x))


class Erfcx(Function):
    """z = erfcx(x) = exp(x**2) erfc(x), the scaled complementary error function: finite where
    erfc underflows (erfc(30) ~ 1e-393, erfcx(30) ~ 0.0188).

    Forward, in float64 whatever x's dtype (erfc of a float32 underflows past x ~ 9):
    - x < 25: exp(x**2) erfc(x) directly (erfc keeps its relative precision in the tail;
      for x < 0 exp(x**2) overflows to inf where erfcx does, below x ~ -26.6);
    - x >= 25: the continued fraction erfcx(x) = (1/sqrt(pi)) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))),
      10 levels of it reaching double precision there.
    dz/dx = 2x exp(x**2) erfc(x) + exp(x**2) (-2/sqrt(pi)) exp(-x**2) = 2x erfcx(x) - 2/sqrt(pi),
    written with erfcx itself, so it can be differentiated again.
    """

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        xp = _xp(x)
        x64 = x.astype("float64")
        near = xp.minimum(x64, 25.0)  # each formula sees only its own range (no overflow warnings)
        with errstate(x64, over="ignore", invalid="ignore"):
            direct = xp.exp(near * near) * erfc_array(near)
        far = xp.maximum(x64, 25.0)
        fraction = far
        for k in range(10, 0, -1):  # bottom-up: x + (k/2) / (x + ((k+1)/2) / (...))
            fraction = far + (k / 2) / fraction
        tail = 1 / (math.sqrt(math.pi) * fraction)
        return xp.where(x64 < 25.0, direct, tail).astype(x.dtype)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (2 * x * Erfcx.apply(x) - 2 / math.sqrt(math.pi))


# ---- the functions users call -----------------------------------------------------------------
def exp2(x):
    return Exp2.apply(_float_input(x))


def expm1(x):
    return Expm1.apply(_float_input(x))


def log2(x):
    return Log2.apply(_float_input(x))


def log10(x):
    return Log10.apply(_float_input(x))


def log1p(x):
    return Log1p.apply(_float_input(x))


def rsqrt(x):
    return Rsqrt.apply(_float_input(x))


def erfc(x):
    return Erfc.apply(_float_input(x))


def erfcx(x):
    """torch.special.erfcx: exp(x**2) erfc(x), without the overflow of exp(x**2) or the
    underflow of erfc(x) for large x (see Erfcx)."""
    return Erfcx.apply(_float_input(x))


def _float_pair(a, b, op):
    a, b = pair(a, b, op)
    return _float_input(a), _float_input(b)


def _floating_pair(a, b, op):
    a, b = pair(a, b, op)
    if a.dtype.kind != "f":
        raise UnsupportedDType(f"{op}: needs floating point tensors, got dtype {a.dtype} (as PyTorch)")
    return a, b


def logaddexp(input, other):
    """log(exp(input) + exp(other)) elementwise, without overflow; floating point tensors only."""
    return LogAddExp.apply(*_floating_pair(input, other, "logaddexp"))


def logaddexp2(input, other):
    """log2(2**input + 2**other) elementwise, without overflow; floating point tensors only."""
    return LogAddExp2.apply(*_floating_pair(input, other, "logaddexp2"))


def xlogy(input, other):
    """input * log(other), with 0 where input == 0 (see Xlogy)."""
    return Xlogy.apply(*_float_pair(input, other, "xlogy"))


_OPS = {"exp2": exp2, "expm1": expm1, "log2": log2, "log10": log10, "log1p": log1p, "rsqrt": rsqrt,
        "erfc": erfc, "logaddexp": logaddexp, "logaddexp2": logaddexp2, "xlogy": xlogy}

TENSOR_METHODS = with_inplace({k: v for k, v in _OPS.items() if k not in ("logaddexp", "logaddexp2")})
TENSOR_METHODS.update(logaddexp=logaddexp, logaddexp2=logaddexp2)  # PyTorch has no in-place form of these
