"""Rounding, signs and integer-style division: floor, ceil, trunc, round, frac, sign/sgn,
copysign, fmod, remainder, floor_divide, div(rounding_mode=...), and the ``%``, ``//`` operators.

A rounding function is a staircase: flat between its jumps, so its derivative is 0 wherever
it is defined, and PyTorch takes 0 at the jumps too. These ops keep integer dtypes (floor of
an int64 tensor is the same int64 tensor) and refuse bool tensors, as PyTorch does.

Integer division and remainder by zero raise, as in PyTorch (NumPy would quietly give 0).

Notation (docs/notation.md): z is the output, g = dL/dz the incoming gradient.
"""

import numpy as np

from ..autograd.function import Function
from ..errors import ArgumentError, IntegerDivisionByZero, UnsupportedDType
from .elementwise import Tensor, _float_input, _xp, cast, constant, pair, where
from .inplace import with_inplace


def zero_grad(g):
    """A zero gradient shaped like g, as PyTorch's zeros_like(grad): exactly 0 even where g is
    inf or nan (which ``g * 0`` would not give), still a function of g for double backward."""
    return where(constant(g.xp.ones((), dtype=bool)), 0.0, g)


class Rounding(Function):
    """z = floor(x), ceil(x), trunc(x), round(x, decimals) or sign(x) (``fn`` says which;
    sign(NaN) is 0, as in PyTorch).

    Piecewise constant, so dz/dx = 0: dL/dx = 0 (PyTorch's rule, also at the jumps).
    round goes half to even (2.5 -> 2, as PyTorch and NumPy); with ``decimals`` it rounds
    x * 10**decimals and scales back.
    """

    @staticmethod
    def forward(ctx, x, fn, decimals=0):
        xp = _xp(x)
        if fn == "round":
            return xp.round(x, decimals) if decimals else xp.round(x)
        if fn == "sign":  # PyTorch's sign of NaN is 0
            return xp.where(xp.isnan(x), xp.zeros((), x.dtype), xp.sign(x))
        return getattr(xp, fn)(x)

    @staticmethod
    def backward(ctx, g):
        return zero_grad(g)


class Copysign(Function):
    """z = |x| with the sign of y (the sign bit: -0.0 counts as negative).

    z = x * s with s = +-1 constant between sign changes, so dL/dx = g * z / x, taken as 0
    where x == 0 (PyTorch's rule); z does not change with |y|, so dL/dy = 0.
    """

    @staticmethod
    def forward(ctx, x, y):
        z = _xp(x).copysign(x, y)
        ctx.save_for_backward(x, z)
        return z

    @staticmethod
    def backward(ctx, g):
        x, z = ctx.saved_tensors
        xp = x.xp
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = xp.where(x.array == 0, 0, z.array / x.array).astype(g.dtype)
        return (g * constant(ratio) if ctx.needs_input_grad[0] else None,
                zero_grad(g) if ctx.needs_input_grad[1] else None)


class Fmod(Function):
    """z = x - trunc(x / y) * y, the remainder with the sign of x (C's fmod).

    trunc(x / y) is piecewise constant, so dL/dx = g and dL/dy = -g * trunc(x / y).
    """

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        with np.errstate(invalid="ignore", divide="ignore"):
            return _xp(x).fmod(x, y)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return (g if ctx.needs_input_grad[0] else None,
                -g * constant(_quotient(x, y, "trunc")) if ctx.needs_input_grad[1] else None)


class Remainder(Function):
    """z = x - floor(x / y) * y, the remainder with the sign of y (Python's %).

    floor(x / y) is piecewise constant, so dL/dx = g and dL/dy = -g * floor(x / y).
    """

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        xp = _xp(x)
        with np.errstate(invalid="ignore", divide="ignore"):
            r = xp.fmod(x, y)  # then moved onto y's side, as PyTorch does (so -5 % 2.5 is -0.0, as there)
            return xp.where((r != 0) & ((r < 0) != (y < 0)), r + y, r)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return (g if ctx.needs_input_grad[0] else None,
                -g * constant(_quotient(x, y, "floor")) if ctx.needs_input_grad[1] else None)


class RoundedDiv(Function):
    """z = trunc(x / y) or floor(x / y) (``mode``), integers kept as integers.

    Piecewise constant in x and y: dL/dx = dL/dy = 0 (PyTorch's rule for rounded division).
    """

    @staticmethod
    def forward(ctx, x, y, mode):
        with np.errstate(invalid="ignore", divide="ignore"):
            return _quotient_array(x, y, mode)

    @staticmethod
    def backward(ctx, g):
        return (zero_grad(g) if ctx.needs_input_grad[0] else None,
                zero_grad(g) if ctx.needs_input_grad[1] else None)


def _quotient_array(x, y, mode):
    """trunc(x / y) or floor(x / y) on raw arrays; exact for integers (no trip through floats)."""
    xp = _xp(x)
    if x.dtype.kind == "f":
        return xp.floor_divide(x, y) if mode == "floor" else xp.trunc(x / y)
    q = xp.floor_divide(x, y)
    if mode == "trunc":  # floor is one below trunc where the quotient is negative and inexact
        q = q + ((xp.remainder(x, y) != 0) & ((x < 0) != (y < 0)))
    return q.astype(xp.result_type(x, y), copy=False)


def _quotient(x, y, mode):
    with np.errstate(invalid="ignore", divide="ignore"):
        return _quotient_array(x.array, y.array, mode)


# ---- the functions users call -----------------------------------------------------------------
def _rounding(x, fn, decimals=0):
    if x.dtype.kind == "b":
        raise UnsupportedDType(f"{fn}: not supported for bool tensors (shape {tuple(x.shape)})")
    if x.dtype.kind != "f":
        if decimals:
            raise UnsupportedDType(f"round: decimals={decimals} needs a floating point tensor, got {x.dtype}")
        return x.clone()  # an integer is already rounded
    return Rounding.apply(x, fn=fn, decimals=decimals)


def floor(x):
    return _rounding(x, "floor")


def ceil(x):
    return _rounding(x, "ceil")


def trunc(x):
    return _rounding(x, "trunc")


fix = trunc


def round(x, *, decimals=0):
    """Round half to even; ``decimals`` digits after the point (negative: before it)."""
    return _rounding(x, "round", decimals=int(decimals))


def frac(x):
    """x - trunc(x), the fractional part with the sign of x; a composition, so dL/dx = g."""
    if x.dtype.kind != "f":
        raise UnsupportedDType(f"frac: needs a floating point tensor, got dtype {x.dtype}")
    return x - trunc(x)


def sign(x):
    """-1, 0 or +1 by the sign of x (bool stays bool); zero gradient."""
    if x.dtype.kind == "b":
        return x.clone()
    if x.dtype.kind != "f":
        return Tensor._make(x.xp.sign(x.array))
    return Rounding.apply(x, fn="sign")


sgn = sign  # for real tensors sgn is sign


def copysign(input, other):
    """|input| with the sign of other, elementwise; integers give the default float."""
    a, b = pair(input, other, "copysign")
    return Copysign.apply(_float_input(a), _float_input(b))


def _integer_divisor_check(a, b, op):
    if a.dtype.kind in "biu" and bool((b.array == 0).any()):
        raise IntegerDivisionByZero(f"{op}: integer division by zero (divisor of shape {tuple(b.shape)})")


def fmod(input, other):
    """input - trunc(input / other) * other: the remainder with the sign of input."""
    a, b = pair(input, other, "fmod")
    _integer_divisor_check(a, b, "fmod")
    return Fmod.apply(a, b)


def remainder(input, other):
    """input - floor(input / other) * other: the remainder with the sign of other (Python's %)."""
    a, b = pair(input, other, "remainder")
    _integer_divisor_check(a, b, "remainder")
    return Remainder.apply(a, b)


def rounded_div(input, other, rounding_mode):
    """div(input, other, rounding_mode="trunc" | "floor"); see RoundedDiv."""
    if rounding_mode not in ("trunc", "floor"):
        raise ArgumentError(f"div: rounding_mode must be None, 'trunc' or 'floor', got {rounding_mode!r}")
    a, b = pair(input, other, "div")
    if a.dtype.kind == "b":
        a, b = cast(a, "int64"), cast(b, "int64")
    _integer_divisor_check(a, b, "div")
    return RoundedDiv.apply(a, b, mode=rounding_mode)


def floor_divide(input, other):
    """floor(input / other), as Python's // (integers stay integers); zero gradient."""
    return rounded_div(input, other, "floor")


_OPS = {"floor": floor, "ceil": ceil, "trunc": trunc, "fix": fix, "round": round, "frac": frac,
        "sign": sign, "sgn": sgn, "copysign": copysign, "fmod": fmod, "remainder": remainder,
        "floor_divide": floor_divide}

TENSOR_METHODS = with_inplace(_OPS)
TENSOR_METHODS.update({
    "__mod__": remainder,
    "__rmod__": lambda self, other: remainder(other, self),
    "__floordiv__": floor_divide,
    "__rfloordiv__": lambda self, other: floor_divide(other, self),
    "__imod__": TENSOR_METHODS["remainder_"],
    "__ifloordiv__": TENSOR_METHODS["floor_divide_"],
})
