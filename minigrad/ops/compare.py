"""Comparisons and logic: eq, ne, lt, le, gt, ge, logical_not/and/or/xor, isnan/isinf/isfinite,
isposinf/isneginf/isreal, isclose/allclose, equal. (Bitwise ops are in ``bitwise``.)

Their results are bool tensors: a step function has derivative 0 wherever it is defined, so
these ops are not part of the graph (no Function, no gradient), as in PyTorch. Operands
broadcast, and a python number is compared with a tensor's values directly.
"""

from ..backend import to_device
from ..errors import DeviceError
from ..tensor import Tensor
from .elementwise import check_broadcast


def _operands(a, b, op):
    """The raw arrays of a and b (numbers pass through), checked for device and broadcasting."""
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        if a.device != b.device:
            raise DeviceError(f"{op}: tensors on different devices: {a.device} and {b.device}")
        check_broadcast(op, a.shape, b.shape)
        return a.array, b.array
    t, other = (a, b) if isinstance(a, Tensor) else (b, a)
    if not isinstance(other, (int, float, bool)):
        other = to_device(t.xp.asarray(other), t.device)
        check_broadcast(op, t.shape, other.shape)
    return (t.array, other) if t is a else (other, t.array)


def _compare(name, op):
    def compare(a, b):
        x, y = _operands(a, b, op)
        like = a if isinstance(a, Tensor) else b
        return Tensor._make(getattr(like.xp, name)(x, y))

    compare.__name__ = op
    compare.__doc__ = f"Elementwise ``{op}`` as a bool tensor (broadcasting; not differentiable)."
    return compare


eq = _compare("equal", "eq")
ne = _compare("not_equal", "ne")
lt = _compare("less", "lt")
le = _compare("less_equal", "le")
gt = _compare("greater", "gt")
ge = _compare("greater_equal", "ge")
logical_and = _compare("logical_and", "logical_and")
logical_or = _compare("logical_or", "logical_or")
logical_xor = _compare("logical_xor", "logical_xor")
greater, less, greater_equal, less_equal, not_equal = gt, lt, ge, le, ne


def logical_not(x):
    return Tensor._make(x.xp.logical_not(x.array))


def isnan(x):
    return Tensor._make(x.xp.isnan(x.array))


def isinf(x):
    return Tensor._make(x.xp.isinf(x.array))


def isfinite(x):
    return Tensor._make(x.xp.isfinite(x.array))


def isposinf(x):
    return Tensor._make(x.xp.isinf(x.array) & (x.array > 0))


def isneginf(x):
    return Tensor._make(x.xp.isinf(x.array) & (x.array < 0))


def isreal(x):
    """True where the imaginary part is 0: everywhere for a real tensor."""
    if x.dtype.kind == "c":
        return Tensor._make(x.array.imag == 0)
    return Tensor._make(x.xp.ones(x.shape, dtype=bool))


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|a - b| <= atol + rtol * |b| elementwise (PyTorch's defaults)."""
    x, y = _operands(a, b, "isclose")
    like = a if isinstance(a, Tensor) else b
    return Tensor._make(like.xp.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True when every element is close (see ``isclose``); a python bool."""
    return bool(isclose(a, b, rtol, atol, equal_nan).array.all())


def equal(a, b):
    """True when a and b have the same shape and the same values; a python bool."""
    return tuple(a.shape) == tuple(b.shape) and bool(eq(a, b).array.all())


def _operator(fn):
    """A comparison operator: returns NotImplemented for operands it cannot compare (None, str),
    so ``t == None`` is False as in PyTorch, instead of an error."""

    def method(self, other):
        if other is None or isinstance(other, str):
            return NotImplemented
        return fn(self, other)

    return method


TENSOR_METHODS = {
    "__eq__": _operator(eq), "__ne__": _operator(ne),
    "__lt__": _operator(lt), "__le__": _operator(le),
    "__gt__": _operator(gt), "__ge__": _operator(ge),
    "eq": eq, "ne": ne, "lt": lt, "le": le, "gt": gt, "ge": ge,
    "greater": gt, "less": lt, "greater_equal": ge, "less_equal": le, "not_equal": ne,
    "logical_not": logical_not, "logical_and": logical_and, "logical_or": logical_or,
    "logical_xor": logical_xor, "isnan": isnan, "isinf": isinf, "isfinite": isfinite,
    "isposinf": isposinf, "isneginf": isneginf, "isreal": isreal,
    "isclose": isclose, "allclose": allclose, "equal": equal,
}
