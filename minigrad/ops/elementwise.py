"""Elementwise ops: arithmetic, exp/log, roots, sin/cos, copies and casts (max/min, where and
clamp, which pick one of their inputs, are in ``selections.py``).

Binary ops broadcast like NumPy. Their backward returns the gradient at the broadcast
shape; the engine's ``sum_to`` sums it back to each input's shape, so no op in this file
repeats that logic (MatMul, in linalg.py, calls ``sum_to`` itself for its batch axes).

Notation (docs/notation.md): z is the output, g = dL/dz the incoming gradient.
"""

import numpy as np

from .. import backend
from ..autograd.function import Function
from ..backend import get_array_module as _xp  # NumPy or CuPy, whichever holds the arrays
from ..dtypes import default_float, result_type, scalar_dtype
from ..errors import DTypeError, DTypeRuntimeError, ShapeError
from ..tensor import Tensor


def as_tensor_like(value, like):
    """A python number (or array) as a Tensor on ``like``'s device, with the dtype it should take."""
    if isinstance(value, Tensor):
        return value
    if backend.is_host(like.array):
        return Tensor._make(np.asarray(value, dtype=scalar_dtype(value, like.dtype)))
    with backend.on_device(like.device):  # on like's GPU, not the current one
        return Tensor._make(like.xp.asarray(value, dtype=scalar_dtype(value, like.dtype)))


def pair(a, b, op, broadcast=True):
    """Both operands as Tensors of one dtype, with their shapes checked for broadcasting."""
    if not isinstance(a, Tensor):
        a = as_tensor_like(a, b)
    elif not isinstance(b, Tensor):
        b = as_tensor_like(b, a)
    if a.dtype != b.dtype:  # PyTorch's rule: a 0-d tensor does not widen a tensor of its kind
        dt = result_type(a, b)
        a = a if a.dtype == dt else cast(a, dt)
        b = b if b.dtype == dt else cast(b, dt)
    if broadcast and a.shape != b.shape:
        check_broadcast(op, a.shape, b.shape)
    return a, b


def check_broadcast(op, *shapes):
    """Raise a ShapeError naming ``op`` when the shapes do not broadcast together."""
    try:
        import numpy as np

        return np.broadcast_shapes(*shapes)
    except ValueError:
        raise ShapeError(
            f"{op}: shapes {' and '.join(str(tuple(s)) for s in shapes)} cannot be broadcast together"
        ) from None


def _conj(t):
    """conj(t) for a complex tensor (the factor a complex gradient takes), t itself otherwise."""
    if t is None or t.dtype.kind != "c":
        return t
    from .complex_numbers import conj

    return conj(t)


def constant(array):
    """A Tensor that is not part of the graph (masks, signs): its derivative is zero."""
    return Tensor._make(array)


# ---- arithmetic -----------------------------------------------------------------------------
class Add(Function):
    """z = x + y.   dz/dx = 1, dz/dy = 1, so dL/dx = g and dL/dy = g."""

    complex_grad = True  # (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, x, y):
        return x + y

    @staticmethod
    def backward(ctx, g):
        return g, g


class Sub(Function):
    """z = x - y.   dL/dx = g, dL/dy = -g."""

    complex_grad = True  # (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, x, y):
        return x - y

    @staticmethod
    def backward(ctx, g):
        return g, -g


class Mul(Function):
    """z = x * y.   dz/dx = y, dz/dy = x, so dL/dx = g * y and dL/dy = g * x.

    (For complex numbers g * conj(y) and g * conj(x): see ops/complex_numbers.py.)
    """

    complex_grad = True  # (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, x, y):
        need_x, need_y = ctx.needs_input_grad
        ctx.save_for_backward(x if need_y else None, y if need_x else None)  # only what is used
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return (g * _conj(y) if ctx.needs_input_grad[0] else None,
                g * _conj(x) if ctx.needs_input_grad[1] else None)


class Div(Function):
    """z = x / y.   dz/dx = 1/y, dz/dy = -x/y**2, so dL/dx = g/y and dL/dy = -g*x/y**2.

    (For complex numbers g / conj(y) and -(g / conj(y)) * conj(x / y).)
    """

    complex_grad = True  # (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x if ctx.needs_input_grad[1] else None, y)
        return x / y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        y = _conj(y)
        gx = g / y
        return (gx if ctx.needs_input_grad[0] else None,
                -gx * _conj(x) / y if ctx.needs_input_grad[1] else None)


class Neg(Function):
    """z = -x.   dL/dx = -g."""

    complex_grad = True  # (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, g):
        return -g


class Pow(Function):
    """z = x ** y (both tensors).   dz/dx = y * x**(y-1), dz/dy = x**y * log(x).

    At a zero base PyTorch's conventions hold, and no 0 * inf = nan leaks out:
    - dz/dx is 0 wherever y == 0 (z = 1 is constant in x there, even at x = 0);
    - dz/dy is 0 where x == 0 and y >= 0 (z = 0**y is 0 for y > 0; the one-sided limit at y = 0).
    The masked entries compute their formula on a stand-in base of 1, so a second derivative
    through ``where`` stays finite too (PyTorch's is NaN at x = 0, y = 0).
    Integer tensors to negative tensor powers follow PyTorch: 1 and -1 keep their powers, any
    other base gives 0 (NumPy would refuse).
    """

    @staticmethod
    def forward(ctx, x, y):
        if x.dtype.kind in "iu":  # integers to negative powers: 1 and -1 keep their powers, the rest are 0
            xp = _xp(x)
            z = xp.where((y < 0) & (xp.abs(x) != 1), 0, x ** xp.abs(y)).astype(x.dtype, copy=False)
        else:
            z = x ** y
        ctx.save_for_backward(x, y, z)
        return z

    @staticmethod
    def backward(ctx, g):
        x, y, z = ctx.saved_tensors
        gx = gy = None
        if ctx.needs_input_grad[0]:
            flat = constant(y.array == 0)
            gx = where(flat, 0.0, g * y * where(flat, 1.0, x) ** (y - 1))
        if ctx.needs_input_grad[1]:
            zero_base = constant((x.array == 0) & (y.array >= 0))
            gy = where(zero_base, 0.0, g * z * log(where(zero_base, 1.0, x)))
        return gx, gy


class PowScalar(Function):
    """z = x ** p for a constant number p.   dL/dx = g * p * x**(p-1).

    p == 0: z = 1 whatever x, so dL/dx = 0 (also at x = 0, where p * x**(p-1) would be 0 * inf).
    """

    @staticmethod
    def forward(ctx, x, p):
        ctx.save_for_backward(x)
        ctx.p = p
        return x ** x.dtype.type(p) if x.dtype.kind in "fc" else x ** p

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        p = ctx.p
        if p == 0:  # exactly 0, even where g is inf or nan (g * 0 would give nan there)
            return where(constant(g.xp.ones((), dtype=bool)), 0.0, g)
        if p == 1:
            return g
        return g * (p * x ** (p - 1))


# ---- exp, log, roots, trigonometry ------------------------------------------------------------
class Exp(Function):
    """z = exp(x).   dz/dx = exp(x) = z, so dL/dx = g * z (the saved output)."""

    @staticmethod
    def forward(ctx, x):
        z = _xp(x).exp(x)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g * z


class Log(Function):
    """z = log(x) (natural log).   dL/dx = g / x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).log(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / x


class Sqrt(Function):
    """z = sqrt(x).   dz/dx = 1 / (2 sqrt(x)), so dL/dx = g / (2 z)."""

    @staticmethod
    def forward(ctx, x):
        z = _xp(x).sqrt(x)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g / (2 * z)


class Abs(Function):
    """z = |x|.   dz/dx = sign(x) (0 at the kink x = 0: a convention, PyTorch's), so dL/dx = g * sign(x).

    For complex x = a + ib, |x| = sqrt(a² + b²) has d/da = a/|x| and d/db = b/|x|, so
    dL/dx = g · x/|x| (sgn(x), 0 at 0), written with ops so that it differentiates again.
    """

    complex_grad = True  # (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).abs(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        if x.dtype.kind == "c":
            return g * complex_sign(x)
        return g * constant(x.xp.sign(x.array))


def complex_sign(z):
    """z / |z| (0 where z = 0), differentiable: |z| + [z = 0] keeps the division finite."""
    modulus = abs(z)
    return z / (modulus + constant((modulus.array == 0).astype(modulus.dtype)))


class Sin(Function):
    """z = sin(x).   dL/dx = g * cos(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).sin(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * cos(x)


class Cos(Function):
    """z = cos(x).   dL/dx = -g * sin(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).cos(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return -g * sin(x)


# ---- copies and conversions ----------------------------------------------------------------------
class Clone(Function):
    """z = a copy of x.   dL/dx = g."""

    complex_grad = True  # (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, g):
        return g


class Cast(Function):
    """z = x converted to another dtype.   dL/dx = g converted back to x's dtype."""

    complex_grad = True  # (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.dtype = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, g):
        if g.dtype.kind == "c" and ctx.dtype.kind != "c":  # a real input's share: the real part
            from .complex_numbers import real

            g = real(g)
        return cast(g, ctx.dtype)


class ToDevice(Function):
    """z = x copied to another device.   dL/dx = g copied back to x's device."""

    complex_grad = True  # (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, x, device):
        from ..backend import device_of, to_device

        ctx.device = device_of(x)
        return to_device(x, device)

    @staticmethod
    def backward(ctx, g):
        return to_device(g, ctx.device)


# ---- the functions users call ----------------------------------------------------------------------
def _scaled_pair(a, b, alpha, op):
    """a and alpha * b, both Tensors of the promoted dtype. As in PyTorch, b is scaled in the
    result's dtype (float16 + alpha * bool stays float16); integer results refuse a float
    alpha, and a bool alpha needs a bool result."""
    a, b = pair(a, b, op)
    kind = a.dtype.kind
    if isinstance(alpha, bool) and kind != "b":
        raise DTypeRuntimeError(f"{op}: a bool alpha is only supported for bool results, got {a.dtype}")
    if kind in "iub" and isinstance(alpha, float):  # numpy floats are floats too
        raise DTypeRuntimeError(f"{op}: for integer or bool tensors ({a.dtype}), alpha must not be a "
                                f"floating point number, got {alpha}")
    if kind == "b":
        return a, (b if alpha else mul(b, False))
    return a, (b if alpha == 1 else mul(b, alpha))


def add(a, b, alpha=1):
    return Add.apply(*_scaled_pair(a, b, alpha, "add"))


def sub(a, b, alpha=1):
    # PyTorch refuses a bool tensor on either side (float - bool too), with a RuntimeError
    if any(isinstance(t, Tensor) and t.dtype.kind == "b" for t in (a, b)):
        raise DTypeRuntimeError("sub: subtracting bool tensors is not supported (use logical_xor, or ~ to "
                                "invert a mask)")
    return Sub.apply(*_scaled_pair(a, b, alpha, "sub"))


def mul(a, b):
    return Mul.apply(*pair(a, b, "mul"))


def div(a, b, *, rounding_mode=None):
    """a / b. ``rounding_mode``: None (true division; integers give the default float),
    "trunc" (rounded toward zero) or "floor" (rounded down); the rounded forms keep integer
    dtypes and have zero gradient (see ``minigrad.ops.rounding``)."""
    if rounding_mode is not None:
        from .rounding import rounded_div

        return rounded_div(a, b, rounding_mode)
    a, b = pair(a, b, "div")
    if a.dtype.kind not in "fc":  # true division of integers gives floats, as in PyTorch
        a, b = cast(a, default_float), cast(b, default_float)
    return Div.apply(a, b)


divide = true_divide = div


def neg(x):
    if x.dtype.kind == "b":
        raise DTypeError("neg: negating a bool tensor is not supported (use ~ or logical_not)")
    return Neg.apply(x)


def pow(x, exponent):
    """x ** exponent; a number exponent uses PowScalar (no gradient needed for it).

    Integer tensors stay integers (bool ones become int64); an integer tensor to a negative
    number power raises, as in PyTorch, while a negative tensor exponent gives 0 except for
    the bases 1 and -1 (PyTorch's integer rule).
    """
    from ..errors import UnsupportedDType

    if isinstance(x, Tensor) and not isinstance(exponent, Tensor):
        if x.dtype.kind not in "fc" and isinstance(exponent, float):
            x = cast(x, default_float)  # an integer tensor to a float power is a float, as in PyTorch
        elif x.dtype.kind not in "fc" and exponent < 0:
            raise UnsupportedDType(f"pow: integers to negative integer powers are not allowed (exponent {exponent})")
        elif x.dtype.kind == "b":
            x = cast(x, "int64")
        return PowScalar.apply(x, p=exponent)
    x, exponent = pair(x, exponent, "pow")
    if x.dtype.kind == "b":
        raise UnsupportedDType("pow: not supported for two bool tensors")
    return Pow.apply(x, exponent)


def _float_input(x):
    """Integer and bool tensors go through exp, log, ... as the default float (PyTorch's rule)."""
    return x if x.dtype.kind in "fc" else cast(x, default_float)


def exp(x):
    return Exp.apply(_float_input(x))


def log(x):
    return Log.apply(_float_input(x))


def sqrt(x):
    return Sqrt.apply(_float_input(x))


def abs(x):
    return Abs.apply(x)


def sin(x):
    return Sin.apply(_float_input(x))


def cos(x):
    return Cos.apply(_float_input(x))


def clone(x):
    return Clone.apply(x)


def cast(x, dtype):
    from ..dtypes import as_dtype

    dtype = as_dtype(dtype)
    return x if x.dtype == dtype else Cast.apply(x, dtype=dtype)


def to_device(x, device):
    from ..backend import Device

    return x if x.device == Device(device) else ToDevice.apply(x, device=Device(device))


TENSOR_METHODS = {
    "__add__": add,
    "__radd__": lambda self, other: add(other, self),
    "__sub__": sub,
    "__rsub__": lambda self, other: sub(other, self),
    "__mul__": mul,
    "__rmul__": lambda self, other: mul(other, self),
    "__truediv__": div,
    "__rtruediv__": lambda self, other: div(other, self),
    "__neg__": neg,
    "__pow__": pow,
    "__rpow__": lambda self, other: pow(as_tensor_like(other, self), self),
    "add": add, "sub": sub, "mul": mul, "div": div, "neg": neg, "pow": pow,
    "exp": exp, "log": log, "sqrt": sqrt, "abs": abs, "sin": sin, "cos": cos,
    "divide": div, "true_divide": div,
    "pow_": lambda self, exponent: self._write(pow(self, exponent), "pow_"),
    "__abs__": abs,
}


# where/clamp/maximum/minimum (and their Functions) are used across the ops: importable from here
# too (selections.py needs this module's helpers, so it is imported last)
from .selections import (Clamp, Maximum, Minimum, Where, clamp, clamp_max, clamp_min, clip,  # noqa: E402,F401
                         maximum, minimum, where)
