"""Selections: ops whose output picks, element by element, one of their inputs.

maximum, minimum, where and clamp. Each backward sends g to the input that was picked and
zero to the others (ties are shared, as in PyTorch: see Maximum), so their derivatives are
piecewise constant: 1 where an input was chosen, 0 elsewhere.

Notation (docs/notation.md): z is the output, g = dL/dz the incoming gradient.
"""

from ..autograd.function import Function
from ..dtypes import default_float, result_type
from ..errors import ArgumentError
from ..tensor import Tensor
from .elementwise import _xp, cast, check_broadcast, constant, pair
from .scalar_loops import bound


class Maximum(Function):
    """z = max(x, y) elementwise.

    dz/dx = 1 where x > y, 0 where x < y; at a tie z has no derivative, and the gradient is
    split by convention (PyTorch's), 1/2 to each, so the two halves still add up to g.
    """

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return _xp(x).maximum(x, y)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        wx = (x.array > y.array) + 0.5 * (x.array == y.array)
        wx = constant(wx.astype(g.dtype))
        return g * wx, g * (1 - wx)


class Minimum(Function):
    """z = min(x, y) elementwise; the mirror image of Maximum (ties split 1/2 each)."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return _xp(x).minimum(x, y)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        wx = (x.array < y.array) + 0.5 * (x.array == y.array)
        wx = constant(wx.astype(g.dtype))
        return g * wx, g * (1 - wx)


class Where(Function):
    """z = x where cond else y.   dL/dx = g where cond (else 0), dL/dy = g where not cond."""

    @staticmethod
    def forward(ctx, cond, x, y):
        ctx.save_for_backward(cond)
        return _xp(x).where(cond, x, y)

    @staticmethod
    def backward(ctx, g):
        (cond,) = ctx.saved_tensors
        zero = constant(g.xp.zeros((), dtype=g.dtype))
        return (None,
                where(cond, g, zero) if ctx.needs_input_grad[1] else None,
                where(cond, zero, g) if ctx.needs_input_grad[2] else None)


class Clamp(Function):
    """z = min(max(x, lo), hi), the bounds numbers or tensors (None: no bound on that side).

    When lo > hi every z is hi (PyTorch's rule: the max is taken first, the min last). So
        dL/dx  = g where lo <= x <= hi, else 0 (a tie with a bound counts as inside: a convention, PyTorch's);
        dL/dlo = g where x < lo <= hi (lo is what max picked, and min kept it), else 0;
        dL/dhi = g where max(x, lo) > hi (hi is what min picked), else 0.
    For lo <= hi these are PyTorch's rules. Where tensor bounds cross (lo > hi) PyTorch hands
    the gradient to lo where x < lo, although z = hi does not depend on lo there; minigrad
    gives it to hi, the true derivative.
    """

    @staticmethod
    def forward(ctx, x, lo_t=None, hi_t=None, lo=None, hi=None):
        ctx.save_for_backward(x, lo_t, hi_t)
        lo = lo_t if lo_t is not None else lo
        hi = hi_t if hi_t is not None else hi
        xp = _xp(x)
        z = x if lo is None else bound(xp.maximum, x, lo)  # (against a number, NumPy's fast loop)
        z = z if hi is None else bound(xp.minimum, z, hi)
        ctx.lo, ctx.hi = lo, hi
        return z.astype(x.dtype, copy=z is x)

    @staticmethod
    def backward(ctx, g):
        x, lo_t, hi_t = ctx.saved_tensors
        xp, lo, hi = x.xp, ctx.lo, ctx.hi
        lo = lo_t.array if lo_t is not None else lo
        hi = hi_t.array if hi_t is not None else hi
        x = x.array
        above = x >= lo if lo is not None else True
        below = x <= hi if hi is not None else True
        zero = constant(xp.zeros((), dtype=g.dtype))
        gx = glo = ghi = None
        if ctx.needs_input_grad[0]:
            gx = where(constant(xp.logical_and(above, below)), g, zero)
        if ctx.needs_input_grad[1]:
            picked_lo = xp.logical_not(above) if hi is None else (x < lo) & (lo <= hi)
            glo = where(constant(picked_lo), g, zero)
        if ctx.needs_input_grad[2]:
            ghi = where(constant((x if lo is None else xp.maximum(x, lo)) > hi), g, zero)
        return gx, glo, ghi


# ---- the functions users call ------------------------------------------------------------------
def maximum(a, b):
    return Maximum.apply(*pair(a, b, "maximum"))


def minimum(a, b):
    return Minimum.apply(*pair(a, b, "minimum"))


def where(cond, x=None, y=None):
    """Elementwise ``x if cond else y``; ``cond`` is a bool tensor (or array, or is made one by
    ``!= 0``). x and y may be numbers (at least one Tensor among the three).

    ``where(cond)`` alone is ``nonzero(cond, as_tuple=True)``: one int64 index tensor per dim.
    """
    if x is None and y is None:
        from .selection import nonzero

        return nonzero(cond if isinstance(cond, Tensor) else Tensor(cond, dtype=getattr(cond, "dtype", None)), as_tuple=True)
    if x is None or y is None:
        raise ArgumentError("where: give both x and y, or neither (where(cond) lists the nonzero indices)")
    if not isinstance(x, Tensor) and not isinstance(y, Tensor):
        if not isinstance(cond, Tensor):
            raise TypeError("where: cond, x or y must be a Tensor")
        x, y = _scalar_pair(x, y, cond)
    x, y = pair(x, y, "where")
    like = x
    cond = cond if isinstance(cond, Tensor) else Tensor._make(like.xp.asarray(cond))
    if cond.dtype.kind != "b":
        cond = Tensor._make(cond.array != 0)
    check_broadcast("where", cond.shape, x.shape, y.shape)
    return Where.apply(cond, x, y)


def _scalar_pair(x, y, cond):
    """Two python numbers as 0-d tensors on cond's device, of PyTorch's result dtype for
    ``where(cond, number, number)``: int64 for ints (bool for two bools), else the default float."""
    from ..dtypes import bool_, int64

    if isinstance(x, bool) and isinstance(y, bool):
        dt = bool_
    elif isinstance(x, (bool, int)) and isinstance(y, (bool, int)):
        dt = int64
    else:
        dt = default_float
    xp = cond.xp
    return Tensor._make(xp.asarray(x, dtype=dt)), Tensor._make(xp.asarray(y, dtype=dt))


def clamp(x, min=None, max=None):
    """Every element of x limited to [min, max]; the bounds are numbers or tensors (broadcast).

    Where min > max the result is max (PyTorch's rule). The result dtype is ``result_type`` of
    x and the bounds, as for any other op: integer x with a float bound gives a float result,
    while a 0-d or Python-number bound does not widen a float x (float32 x with a 0-d float64
    bound stays float32). Tensor bounds get gradients (see Clamp).
    """
    if min is None and max is None:
        raise ArgumentError("clamp: at least one of min and max must be given")
    lo_t = min if isinstance(min, Tensor) else None
    hi_t = max if isinstance(max, Tensor) else None
    dt = result_type(x, *[b for b in (min, max) if b is not None])
    for t in (lo_t, hi_t):
        if t is not None:
            check_broadcast("clamp", x.shape, t.shape)
    x = cast(x, dt)
    lo_t = None if lo_t is None else cast(lo_t, dt)
    hi_t = None if hi_t is None else cast(hi_t, dt)
    return Clamp.apply(x, lo_t, hi_t, lo=None if lo_t is not None else min, hi=None if hi_t is not None else max)


clip = clamp


def clamp_min(x, min):
    return clamp(x, min=min)


def clamp_max(x, max):
    return clamp(x, max=max)


TENSOR_METHODS = {
    "maximum": maximum, "minimum": minimum, "clamp": clamp, "clip": clip, "clamp_min": clamp_min,
    "clamp_max": clamp_max,
    "where": lambda self, condition, other: where(condition, self, other),
    "clamp_min_": lambda self, min: self._write(clamp(self, min=min), "clamp_min_"),
    "clamp_max_": lambda self, max: self._write(clamp(self, max=max), "clamp_max_"),
    "clip_": lambda self, min=None, max=None: self._write(clamp(self, min, max), "clip_"),
}
