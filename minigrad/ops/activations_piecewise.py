"""Piecewise activations: hardtanh, relu6, hardsigmoid, hardswish, hardshrink, softshrink,
threshold, prelu, rrelu.

Each is a composition of ``where`` with a constant mask that says which piece an element is
on, so its derivative is the derivative of the piece (no new Function needed; the masks are
constants, whose derivative is zero). At a kink the piece is PyTorch's, and the rule is
stated with each function: PyTorch's gradient is 0 at both ends of hardtanh, relu6,
hardsigmoid and at |x| = lambd for the shrinks; at 0, prelu and rrelu use their negative slope.

Functions with an ``inplace`` argument write their result into x (``x.relu6_()`` style)
through ``Tensor._write``, as PyTorch's ``inplace=True`` does.
"""

from .. import backend
from ..errors import ArgumentError, ArgumentRuntimeError, DTypeError, ShapeError
from .activation import leaky_relu
from .elementwise import constant, where


def _floating(x, op):
    if x.dtype.kind != "f":
        raise DTypeError(f"{op}: needs a floating point tensor, got dtype {x.dtype}; use .float() first")
    return x


def _fill(x, value):
    """A constant of x's shape and dtype filled with ``value``."""
    return constant(x.xp.full(x.shape, value, dtype=x.dtype))


def _out(x, y, inplace, op):
    """y, or y written into x when ``inplace`` (the in-place method is named ``op + '_'``)."""
    return x._write(y, op + "_") if inplace else y


# ---- clipping ---------------------------------------------------------------------------------------
def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """y = min_val for x <= min_val, x in between, max_val for x >= max_val.

    dy/dx = 1 strictly inside (min_val, max_val), else 0 (at both ends too, as PyTorch).

    Composition: of clamp, add, where (no Function of its own).
    """
    x = _floating(input, "hardtanh")
    if min_val > max_val:
        raise ArgumentError(f"hardtanh: min_val ({min_val}) cannot be greater than max_val ({max_val})")
    a = x.array
    inside = constant((a > min_val) & (a < max_val))
    ends = constant(x.xp.clip(a, min_val, max_val))  # only read outside the open interval
    return _out(x, where(inside, x, ends), inplace, "hardtanh")


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """Composition: F.hardtanh (no Function of its own)."""
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input, inplace=False):
    """y = min(max(x, 0), 6) = hardtanh(x, 0, 6).   dy/dx = 1 on (0, 6), 0 elsewhere (0 at x = 0 and 6).

    Composition: F.hardtanh (no Function of its own).
    """
    y = hardtanh(_floating(input, "relu6"), 0.0, 6.0)
    return _out(input, y, inplace, "relu6")


def hardsigmoid(input, inplace=False):
    """y = 0 for x <= -3, x / 6 + 1/2 in between, 1 for x >= 3.   dy/dx = 1/6 on (-3, 3), else 0.

    Composition: of add, where, mul (no Function of its own).
    """
    x = _floating(input, "hardsigmoid")
    a = x.array
    inside = constant((a > -3) & (a < 3))
    ends = constant((a >= 3).astype(x.dtype))
    return _out(x, where(inside, x * (1 / 6) + 0.5, ends), inplace, "hardsigmoid")


def hardswish(input, inplace=False):
    """y = x * hardsigmoid(x): 0 for x <= -3, x (x + 3) / 6 in between, x for x >= 3.

    dy/dx = (2x + 3) / 6 = x / 3 + 1/2 on (-3, 3), 0 for x <= -3 and 1 for x >= 3 (PyTorch's
    ends: 0 at x = -3, 1 at x = 3).

    Composition: of where, add, mul (no Function of its own).
    """
    x = _floating(input, "hardswish")
    a = x.array
    inside, above = constant((a > -3) & (a < 3)), constant(a >= 3)
    outer = where(above, x, _fill(x, 0.0))
    return _out(x, where(inside, x * (x + 3) * (1 / 6), outer), inplace, "hardswish")


# ---- shrinking and thresholding ---------------------------------------------------------------------
def hardshrink(input, lambd=0.5):
    """y = x where |x| > lambd, else 0.   dy/dx = 1 where |x| > lambd, else 0 (0 at |x| = lambd).

    Composition: where (no Function of its own).
    """
    x = _floating(input, "hardshrink")
    keep = constant(abs_array(x) > lambd)
    return where(keep, x, _fill(x, 0.0))


def softshrink(input, lambd=0.5):
    """y = x - lambd for x > lambd, x + lambd for x < -lambd, else 0.

    dy/dx = 1 where |x| > lambd, else 0 (0 at |x| = lambd). lambd must be >= 0, as in PyTorch.

    Composition: of where, neg, add (no Function of its own).
    """
    x = _floating(input, "softshrink")
    if lambd < 0:
        raise ArgumentRuntimeError(f"softshrink: lambd must be greater or equal to 0, got {lambd}")
    a = x.array
    shift = constant(x.xp.where(a > 0, -lambd, lambd).astype(x.dtype))
    return where(constant(abs_array(x) > lambd), x + shift, _fill(x, 0.0))


def abs_array(x):
    return x.xp.abs(x.array)


def threshold(input, threshold, value, inplace=False):
    """y = x where x > threshold, else value.   dy/dx = 1 where x > threshold, else 0.

    Written as PyTorch computes it, y = value where x <= threshold, else x: the same except for
    NaN, which is never <= anything, so a NaN x stays NaN and a NaN threshold leaves x as it is.

    Composition: of where, add (no Function of its own).
    """
    x = _floating(input, "threshold")
    y = where(constant(x.array <= threshold), _fill(x, value), x)
    return _out(x, y, inplace, "threshold")


def threshold_(input, threshold, value):
    """Composition: F.threshold (no Function of its own)."""
    return _threshold(input, threshold, value, inplace=True)


_threshold = threshold  # threshold_'s argument named threshold hides the function


# ---- learned and random slopes -------------------------------------------------------------------------
def prelu(input, weight):
    """y = x for x > 0, a x otherwise, with a learned slope a per channel (dimension 1).

    weight has 1 element (one slope shared by every channel) or C = input.shape[1] elements
    (an input of fewer than 2 dimensions has one channel, as in PyTorch). dy/dx = 1 or a (a at
    x = 0, as PyTorch); dy/da = x where x <= 0, else 0, summed over every position a is used at.

    Composition: of reshape, where, sub, mul, add (no Function of its own).
    """
    x = _floating(input, "prelu")
    if weight.dtype.kind != "f":
        raise DTypeError(f"prelu: weight must be a floating point tensor, got dtype {weight.dtype}")
    channels = x.shape[1] if x.ndim >= 2 else 1
    if weight.ndim > 1 or weight.numel() not in (1, channels):
        raise ShapeError(f"prelu: weight of shape {tuple(weight.shape)} does not fit an input of shape "
                         f"{tuple(x.shape)}: it needs 1 or {channels} elements (one per channel, dimension 1)")
    if weight.numel() == 1:
        a = weight.reshape(())
    else:  # (C,) -> (C, 1, ..., 1): broadcasts along the channel axis
        a = weight.reshape((channels,) + (1,) * (x.ndim - 2))
    return where(constant(x.array > 0), x, x * a)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky relu: y = x for x > 0, a x otherwise.

    Training: a ~ Uniform(lower, upper), drawn afresh for every element at every call (the
    draw is a constant, so dy/dx = 1 or a). Evaluation: a = (lower + upper) / 2, a plain
    leaky relu. At x = 0 the negative slope is used, as in PyTorch.

    Composition: F.leaky_relu (no Function of its own).
    """
    x = _floating(input, "rrelu")
    if not 0 <= lower <= upper:
        raise ArgumentRuntimeError(f"rrelu: needs 0 <= lower <= upper, got lower={lower}, upper={upper}")
    if not training:
        return _out(x, leaky_relu(x, (lower + upper) / 2), inplace, "rrelu")
    gen = backend.generator(x.device)
    draw_dtype = x.dtype if x.dtype.name in ("float32", "float64") else "float32"
    a = (lower + (upper - lower) * gen.random(x.shape, dtype=draw_dtype)).astype(x.dtype)
    slope = constant(x.xp.where(x.array > 0, x.xp.ones((), dtype=x.dtype), a))
    return _out(x, x * slope, inplace, "rrelu")


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """Composition: F.rrelu (no Function of its own)."""
    return rrelu(input, lower, upper, training, inplace=True)


TENSOR_METHODS = {"hardshrink": hardshrink, "prelu": prelu}
