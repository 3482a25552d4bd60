"""Elementwise ops: arithmetic, exp/log, trigonometry, max/min, where, clamp, casts.

Binary ops broadcast like NumPy. Their backward returns the gradient at the broadcast
shape; the engine's ``sum_to`` sums it back to each input's shape, so no op here repeats
that logic.

Notation: z is the output, g = dL/dz the incoming gradient.
"""

from ..autograd.function import Function
from ..dtypes import default_float, promote, scalar_dtype
from ..errors import ArgumentError, DTypeError, ShapeError
from ..tensor import Tensor


def as_tensor_like(value, like):
    """A python number (or array) as a Tensor on ``like``'s device, with the dtype it should take."""
    if isinstance(value, Tensor):
        return value
    xp = like.xp
    return Tensor._make(xp.asarray(value, dtype=scalar_dtype(value, like.dtype)))


def pair(a, b, op, broadcast=True):
    """Both operands as Tensors of one dtype, with their shapes checked for broadcasting."""
    if not isinstance(a, Tensor):
        a = as_tensor_like(a, b)
    elif not isinstance(b, Tensor):
        b = as_tensor_like(b, a)
    if a.dtype != b.dtype:
        dt = promote(a.dtype, b.dtype)
        a, b = cast(a, dt), cast(b, dt)
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


def constant(array):
    """A Tensor that is not part of the graph (masks, signs): its derivative is zero."""
    return Tensor._make(array)


# ---- arithmetic -----------------------------------------------------------------------------
class Add(Function):
    """z = x + y.   dz/dx = 1, dz/dy = 1, so dL/dx = g and dL/dy = g."""

    @staticmethod
    def forward(ctx, x, y):
        return x + y

    @staticmethod
    def backward(ctx, g):
        return g, g


class Sub(Function):
    """z = x - y.   dL/dx = g, dL/dy = -g."""

    @staticmethod
    def forward(ctx, x, y):
        return x - y

    @staticmethod
    def backward(ctx, g):
        return g, -g


class Mul(Function):
    """z = x * y.   dz/dx = y, dz/dy = x, so dL/dx = g * y and dL/dy = g * x."""

    @staticmethod
    def forward(ctx, x, y):
        need_x, need_y = ctx.needs_input_grad
        ctx.save_for_backward(x if need_y else None, y if need_x else None)  # only what is used
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return (g * y if ctx.needs_input_grad[0] else None,
                g * x if ctx.needs_input_grad[1] else None)


class Div(Function):
    """z = x / y.   dz/dx = 1/y, dz/dy = -x/y**2, so dL/dx = g/y and dL/dy = -g*x/y**2."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x if ctx.needs_input_grad[1] else None, y)
        return x / y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        gx = g / y
        return (gx if ctx.needs_input_grad[0] else None,
                -gx * x / y if ctx.needs_input_grad[1] else None)


class Neg(Function):
    """z = -x.   dL/dx = -g."""

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, g):
        return -g


class Pow(Function):
    """z = x ** y (both tensors).   dz/dx = y * x**(y-1), dz/dy = z * log(x) (needs x > 0)."""

    @staticmethod
    def forward(ctx, x, y):
        z = x ** y
        ctx.save_for_backward(x, y, z)
        return z

    @staticmethod
    def backward(ctx, g):
        x, y, z = ctx.saved_tensors
        gx = g * y * x ** (y - 1) if ctx.needs_input_grad[0] else None
        gy = g * z * log(x) if ctx.needs_input_grad[1] else None
        return gx, gy


class PowScalar(Function):
    """z = x ** p for a constant number p.   dL/dx = g * p * x**(p-1)."""

    @staticmethod
    def forward(ctx, x, p):
        ctx.save_for_backward(x)
        ctx.p = p
        return x ** x.dtype.type(p) if x.dtype.kind == "f" else x ** p

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        p = ctx.p
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
    """z = |x|.   dz/dx = sign(x) (0 at x = 0, as in PyTorch), so dL/dx = g * sign(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).abs(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * constant(x.xp.sign(x.array))


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


# ---- selections --------------------------------------------------------------------------------
class Maximum(Function):
    """z = max(x, y) elementwise.

    dz/dx = 1 where x > y, 0 where x < y; at a tie the gradient is split, 1/2 to each
    (PyTorch's rule), so the two halves still add up to g.
    """

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return _xp(x).maximum(x, y)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        xp = x.xp
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
    """z = min(max(x, lo), hi).   dL/dx = g where lo <= x <= hi, else 0 (PyTorch's rule)."""

    @staticmethod
    def forward(ctx, x, lo=None, hi=None):
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = lo, hi
        return _xp(x).clip(x, lo, hi)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        inside = x.xp.ones(x.shape, dtype=bool)
        if ctx.lo is not None:
            inside &= x.array >= ctx.lo
        if ctx.hi is not None:
            inside &= x.array <= ctx.hi
        return g * constant(inside.astype(g.dtype))


# ---- copies and conversions ----------------------------------------------------------------------
class Clone(Function):
    """z = a copy of x.   dL/dx = g."""

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, g):
        return g


class Cast(Function):
    """z = x converted to another dtype.   dL/dx = g converted back to x's dtype."""

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.dtype = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, g):
        return cast(g, ctx.dtype)


class ToDevice(Function):
    """z = x copied to another device.   dL/dx = g copied back to x's device."""

    @staticmethod
    def forward(ctx, x, device):
        from ..backend import device_of, to_device

        ctx.device = device_of(x)
        return to_device(x, device)

    @staticmethod
    def backward(ctx, g):
        return to_device(g, ctx.device)


def _xp(array):
    from ..backend import get_array_module

    return get_array_module(array)


# ---- the functions users call ----------------------------------------------------------------------
def add(a, b, alpha=1):
    if alpha != 1:
        b = mul(b, alpha) if isinstance(b, Tensor) else b * alpha
    return Add.apply(*pair(a, b, "add"))


def sub(a, b, alpha=1):
    if alpha != 1:
        b = mul(b, alpha) if isinstance(b, Tensor) else b * alpha
    a, b = pair(a, b, "sub")
    if a.dtype.kind == "b":
        raise DTypeError("sub: subtracting bool tensors is not supported (use logical_xor, or ~ to invert a mask)")
    return Sub.apply(a, b)


def mul(a, b):
    return Mul.apply(*pair(a, b, "mul"))


def div(a, b):
    a, b = pair(a, b, "div")
    if a.dtype.kind != "f":  # true division of integers gives floats, as in PyTorch
        a, b = cast(a, "float32"), cast(b, "float32")
    return Div.apply(a, b)


def neg(x):
    if x.dtype.kind == "b":
        raise DTypeError("neg: negating a bool tensor is not supported (use ~ or logical_not)")
    return Neg.apply(x)


def pow(x, exponent):
    """x ** exponent; a number exponent uses PowScalar (no gradient needed for it)."""
    if isinstance(x, Tensor) and not isinstance(exponent, Tensor):
        if x.dtype.kind != "f" and isinstance(exponent, float):
            x = cast(x, default_float)  # an integer tensor to a float power is a float, as in PyTorch
        elif x.dtype.kind != "f" and exponent < 0:
            raise DTypeError(f"pow: integers to negative integer powers are not allowed (exponent {exponent})")
        return PowScalar.apply(x, p=exponent)
    x, exponent = pair(x, exponent, "pow")
    if x.dtype.kind != "f" and bool((exponent.array < 0).any()):
        raise DTypeError("pow: integers to negative integer powers are not allowed")
    return Pow.apply(x, exponent)


def _float_input(x):
    """Integer and bool tensors go through exp, log, ... as the default float (PyTorch's rule)."""
    return x if x.dtype.kind == "f" else cast(x, default_float)


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


def maximum(a, b):
    return Maximum.apply(*pair(a, b, "maximum"))


def minimum(a, b):
    return Minimum.apply(*pair(a, b, "minimum"))


def where(cond, x, y):
    """Elementwise ``x if cond else y``; ``cond`` is a bool tensor (or array)."""
    if isinstance(x, Tensor) or isinstance(y, Tensor):
        like = x if isinstance(x, Tensor) else y
    else:
        raise TypeError("where: x or y must be a Tensor")
    x, y = pair(x, y, "where")
    cond = cond if isinstance(cond, Tensor) else Tensor._make(like.xp.asarray(cond))
    if cond.dtype.kind != "b":
        cond = Tensor._make(cond.array != 0)
    check_broadcast("where", cond.shape, x.shape, y.shape)
    return Where.apply(cond, x, y)


def clamp(x, min=None, max=None):
    if min is None and max is None:
        raise ArgumentError("clamp: at least one of min and max must be given")
    if min is not None and max is not None and min > max:
        raise ArgumentError(f"clamp: min ({min}) is larger than max ({max})")
    if x.dtype.kind != "f" and (isinstance(min, float) or isinstance(max, float)):
        x = cast(x, default_float)  # float bounds make a float result, as in PyTorch
    return Clamp.apply(x, lo=min, hi=max)


clip = clamp


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
    "maximum": maximum, "minimum": minimum, "clamp": clamp, "clip": clip,
    "__abs__": abs,
}
