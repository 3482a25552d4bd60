"""More arithmetic, composed from the primitives in ``elementwise``: square, reciprocal,
float_power, positive, lerp, and PyTorch's aliases (multiply, subtract, negative, absolute).

Each is a composition: the primitives' backwards already give the right gradient, and each
function below states what that gradient is, so no new Function is needed.
"""

from ..dtypes import float64, int64, result_type
from ..errors import UnsupportedDType
from .elementwise import Tensor, abs, add, cast, div, mul, neg, pair, pow, sub
from .inplace import with_inplace


def square(x):
    """x * x.   dL/dx = 2 g x (Mul's backward, with x on both sides). Bool squares to int64."""
    if x.dtype.kind == "b":
        x = cast(x, int64)
    return mul(x, x)


def reciprocal(x):
    """1 / x.   dL/dx = -g / x**2 (Div's backward). Integers give the default float."""
    return div(1.0, x)


def float_power(input, exponent):
    """input ** exponent computed in float64 (PyTorch's float_power: always double precision).
    The gradient is pow's, cast back to each input's dtype."""
    if not isinstance(input, Tensor):
        if not isinstance(exponent, Tensor):
            raise TypeError("float_power: input or exponent must be a Tensor")
        input = Tensor._make(exponent.xp.asarray(input, dtype=float64))
    exponent = cast(exponent, float64) if isinstance(exponent, Tensor) else float(exponent)
    return pow(cast(input, float64), exponent)


def positive(x):
    """x itself, as PyTorch's torch.positive (unary +); bool tensors are refused as in PyTorch."""
    if x.dtype.kind == "b":
        raise UnsupportedDType("positive: the + operator on a bool tensor is not supported")
    return x


def lerp(input, end, weight):
    """input + weight * (end - input): linear interpolation, weight a number or a tensor.

    A composition, so dL/dinput = g (1 - weight), dL/dend = g weight, dL/dweight = g (end - input).
    Floating point tensors only (as PyTorch). A weight tensor of another dtype takes part in the
    type promotion by PyTorch's rule (``result_type``): float16 ends with a float32 weight give
    float32, but a 0-d float32 weight, of the same category, keeps them float16.
    """
    start, end = pair(input, end, "lerp")
    if start.dtype.kind != "f":
        raise UnsupportedDType(f"lerp: needs floating point tensors, got dtype {start.dtype}")
    if isinstance(weight, Tensor) and weight.dtype != start.dtype:
        common = result_type(start, weight)
        start, end, weight = cast(start, common), cast(end, common), cast(weight, common)
    return add(start, mul(weight, sub(end, start)))


multiply, subtract, negative, absolute = mul, sub, neg, abs

_OPS = {"square": square, "reciprocal": reciprocal, "float_power": float_power, "lerp": lerp,
        "multiply": multiply, "subtract": subtract, "negative": negative, "absolute": absolute}

TENSOR_METHODS = with_inplace(_OPS)
TENSOR_METHODS.update(positive=positive, __pos__=positive)
