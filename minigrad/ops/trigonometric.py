"""Trigonometric and hyperbolic functions beyond sin/cos: tan, the inverses, sinh/cosh and
their inverses, atan2, hypot, and the degree/radian conversions.

Each is a fused Function: NumPy has an accurate kernel for every forward (a composition like
``sinh = (exp(x) - exp(-x)) / 2`` loses digits near 0), and each backward is a short
formula in minigrad ops, so second derivatives come for free. Integer and bool inputs are
computed in the default float, as in PyTorch (``torch.tan(int tensor)`` is float32).

Notation (docs/notation.md): z is the output, g = dL/dz the incoming gradient.
"""

import math

from ..autograd.function import Function
from .elementwise import _float_input, _xp, pair, sqrt
from .inplace import with_inplace


class Tan(Function):
    """z = tan(x).   dz/dx = 1 / cos(x)**2 = 1 + tan(x)**2, so dL/dx = g * (1 + z**2)."""

    @staticmethod
    def forward(ctx, x):
        z = _xp(x).tan(x)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g * (1 + z * z)


class Asin(Function):
    """z = asin(x), |x| <= 1.   sin(z) = x gives cos(z) dz = dx, cos(z) = sqrt(1 - x**2):
    dL/dx = g / sqrt(1 - x**2) (infinite at x = +-1)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).arcsin(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / sqrt(1 - x * x)


class Acos(Function):
    """z = acos(x) = pi/2 - asin(x).   dL/dx = -g / sqrt(1 - x**2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).arccos(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return -g / sqrt(1 - x * x)


class Atan(Function):
    """z = atan(x).   tan(z) = x gives (1 + x**2) dz = dx:  dL/dx = g / (1 + x**2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).arctan(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (1 + x * x)


class Atan2(Function):
    """z = atan2(y, x), the angle of the point (x, y), in (-pi, pi].

    Away from the cut (x < 0, y = 0) it is atan(y / x) plus a constant, so with r2 = x**2 + y**2:
        dz/dy = x / r2,   dz/dx = -y / r2.
    The inputs are in PyTorch's order: atan2(input, other) = atan2(y, x).
    """

    @staticmethod
    def forward(ctx, y, x):
        ctx.save_for_backward(y, x)
        return _xp(y).arctan2(y, x)

    @staticmethod
    def backward(ctx, g):
        y, x = ctx.saved_tensors
        w = g / (x * x + y * y)
        return (w * x if ctx.needs_input_grad[0] else None,
                -w * y if ctx.needs_input_grad[1] else None)


class Sinh(Function):
    """z = sinh(x) = (e**x - e**-x) / 2.   dL/dx = g * cosh(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).sinh(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * cosh(x)


class Cosh(Function):
    """z = cosh(x) = (e**x + e**-x) / 2.   dL/dx = g * sinh(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).cosh(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * sinh(x)


class Asinh(Function):
    """z = asinh(x) = log(x + sqrt(x**2 + 1)).   sinh(z) = x gives cosh(z) dz = dx, and
    cosh(z) = sqrt(1 + x**2):  dL/dx = g / sqrt(x**2 + 1)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).arcsinh(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / sqrt(x * x + 1)


class Acosh(Function):
    """z = acosh(x), x >= 1.   cosh(z) = x gives sinh(z) dz = dx, sinh(z) = sqrt(x**2 - 1):
    dL/dx = g / sqrt(x**2 - 1) (infinite at x = 1)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).arccosh(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / sqrt(x * x - 1)


class Atanh(Function):
    """z = atanh(x) = log((1 + x) / (1 - x)) / 2, |x| < 1.   dL/dx = g / (1 - x**2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).arctanh(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (1 - x * x)


class Hypot(Function):
    """z = sqrt(x**2 + y**2), computed without overflow for large x, y (NumPy's hypot).

    dz/dx = x / z, dz/dy = y / z (infinite slope, 0/0, at x = y = 0: the cone's tip).
    """

    @staticmethod
    def forward(ctx, x, y):
        z = _xp(x).hypot(x, y)
        ctx.save_for_backward(x, y, z)
        return z

    @staticmethod
    def backward(ctx, g):
        x, y, z = ctx.saved_tensors
        w = g / z
        return (w * x if ctx.needs_input_grad[0] else None,
                w * y if ctx.needs_input_grad[1] else None)


# ---- the functions users call -----------------------------------------------------------------
def tan(x):
    return Tan.apply(_float_input(x))


def asin(x):
    return Asin.apply(_float_input(x))


def acos(x):
    return Acos.apply(_float_input(x))


def atan(x):
    return Atan.apply(_float_input(x))


def sinh(x):
    return Sinh.apply(_float_input(x))


def cosh(x):
    return Cosh.apply(_float_input(x))


def asinh(x):
    return Asinh.apply(_float_input(x))


def acosh(x):
    return Acosh.apply(_float_input(x))


def atanh(x):
    return Atanh.apply(_float_input(x))


def _float_pair(a, b, op):
    a, b = pair(a, b, op)
    return _float_input(a), _float_input(b)


def atan2(input, other):
    """The angle of the point (other, input): atan2(y=input, x=other), elementwise, broadcast."""
    return Atan2.apply(*_float_pair(input, other, "atan2"))


def hypot(input, other):
    """sqrt(input**2 + other**2) elementwise, without overflow; floating tensors only (as PyTorch)."""
    from ..errors import UnsupportedDType

    a, b = pair(input, other, "hypot")
    if a.dtype.kind != "f":
        raise UnsupportedDType(f"hypot: needs floating point tensors, got dtype {a.dtype}")
    return Hypot.apply(a, b)


def deg2rad(x):
    """x * pi / 180, a composition (a product by a constant has its gradient for free)."""
    return _float_input(x) * (math.pi / 180.0)


def rad2deg(x):
    """x * 180 / pi, a composition (see deg2rad)."""
    return _float_input(x) * (180.0 / math.pi)


arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2
arcsinh, arccosh, arctanh = asinh, acosh, atanh


_OPS = {"tan": tan, "asin": asin, "acos": acos, "atan": atan, "atan2": atan2, "sinh": sinh, "cosh": cosh,
        "asinh": asinh, "acosh": acosh, "atanh": atanh, "hypot": hypot, "deg2rad": deg2rad, "rad2deg": rad2deg,
        "arcsin": asin, "arccos": acos, "arctan": atan, "arctan2": atan2, "arcsinh": asinh, "arccosh": acosh,
        "arctanh": atanh}

TENSOR_METHODS = with_inplace(_OPS)
