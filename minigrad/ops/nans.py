"""Ops that treat NaN and infinities on purpose: fmax, fmin (NaN-ignoring max/min) and
nan_to_num.

Notation (docs/notation.md): z is the output, g = dL/dz the incoming gradient.
"""

from ..autograd.function import Function
from .elementwise import Tensor, _xp, constant, pair, where


class Fmax(Function):
    """z = max(x, y) elementwise, where a NaN loses to a number (NaN only if both are NaN).

    PyTorch's gradient: all of g goes to x where x >= y or y is NaN, else all of it to y (a tie
    is not split, unlike maximum's).
    """

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return _xp(x).fmax(x, y)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        to_x = constant((x.array >= y.array) | x.xp.isnan(y.array))
        return _split(g, to_x, ctx.needs_input_grad)


class Fmin(Function):
    """z = min(x, y) elementwise, a NaN losing to a number; the mirror image of Fmax:
    g goes to x where x <= y or y is NaN, else to y."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return _xp(x).fmin(x, y)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        to_x = constant((x.array <= y.array) | x.xp.isnan(y.array))
        return _split(g, to_x, ctx.needs_input_grad)


def _split(g, to_x, needs):
    zero = constant(g.xp.zeros((), dtype=g.dtype))
    return (where(to_x, g, zero) if needs[0] else None,
            where(to_x, zero, g) if needs[1] else None)


class NanToNum(Function):
    """z = x with NaN -> nan, +inf -> posinf, -inf -> neginf (defaults: 0, the dtype's largest
    and lowest finite values).   dL/dx = g where x is finite, 0 where it was replaced (PyTorch's)."""

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        ctx.save_for_backward(x)
        return _xp(x).nan_to_num(x, copy=True, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return where(constant(x.xp.isfinite(x.array)), g, constant(g.xp.zeros((), dtype=g.dtype)))


def fmax(input, other):
    """Elementwise max that ignores NaN (see Fmax)."""
    return Fmax.apply(*pair(input, other, "fmax"))


def fmin(input, other):
    """Elementwise min that ignores NaN (see Fmin)."""
    return Fmin.apply(*pair(input, other, "fmin"))


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """NaN and infinities replaced by finite numbers; integer and bool tensors are returned copied."""
    if input.dtype.kind != "f":
        return Tensor._make(input.array.copy())
    return NanToNum.apply(input, nan=nan, posinf=posinf, neginf=neginf)


TENSOR_METHODS = {
    "fmax": fmax, "fmin": fmin, "nan_to_num": nan_to_num,
    "nan_to_num_": lambda self, nan=0.0, posinf=None, neginf=None:
        self._write(nan_to_num(self, nan, posinf, neginf), "nan_to_num_"),
}
