"""Activations: relu, leaky_relu, sigmoid, tanh, softplus, gelu (with erf), softmax, log_softmax.

Each backward is written with minigrad's own ops on the saved input or output, so the
gradient can itself be differentiated (``create_graph=True``). Masks that only say which
side of a kink an element is on are constants: their derivative is zero except at the kink.

Notation (docs/notation.md): y is the output, g = dL/dy the incoming gradient.
"""

import math

import numpy as np  # errstate only

from .. import dtypes
from ..autograd.function import Function
from ..autograd.grad_mode import is_grad_enabled
from ..errors import ArgumentError, UnsupportedDType
from ..tensor import Tensor
from .elementwise import _xp, cast, constant, exp, where
from .blocked import in_blocks
from .erf_rational import erf_array
from .scalar_loops import bound, masked
from .reduction import sum as _sum
from .shape import normalize_dim


# ---- piecewise linear ---------------------------------------------------------------------------
class ReLU(Function):
    """y = max(x, 0).   dy/dx = [x > 0] (at the kink x = 0 the value 0 is a convention, PyTorch's).

    The mask is read from the saved output: y > 0 exactly where x > 0.
    """

    @staticmethod
    def forward(ctx, x):
        y = bound(_xp(x).maximum, x, 0)  # _xp(x).maximum(x, 0), in NumPy's fast loop
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        if not is_grad_enabled():  # no graph wanted: the same product on arrays, no node for it
            (y,) = ctx.saved_arrays
            return Tensor._make(masked(g.array, y > 0))  # g * (y > 0)
        (y,) = ctx.saved_tensors
        return g * constant((y.array > 0).astype(g.dtype))


class LeakyReLU(Function):
    """y = x where x > 0, else negative_slope * x.   dy/dx = 1 or negative_slope."""

    @staticmethod
    def forward(ctx, x, negative_slope):
        ctx.save_for_backward(x)
        ctx.slope = negative_slope
        return _xp(x).where(x > 0, x, x * negative_slope)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        slope = x.xp.where(x.array > 0, 1.0, ctx.slope).astype(g.dtype)
        return g * constant(slope)


# ---- smooth squashing functions -------------------------------------------------------------------
class Sigmoid(Function):
    """y = 1 / (1 + exp(-x)).

    Stable form: with e = exp(-|x|), which lies in (0, 1] and never overflows,
        y = 1 / (1 + e)   for x >= 0,      y = e / (1 + e)   for x < 0.
    So sigmoid(1e4) is exactly 1 and sigmoid(-1e4) exactly 0, with no overflow warning.

    dy/dx = exp(-x) / (1 + exp(-x))**2 = y (1 - y), so dL/dx = g * y * (1 - y),
    computed from the saved output.
    """

    @staticmethod
    def forward(ctx, x):
        xp = _xp(x)
        e = xp.exp(-xp.abs(x))
        y = xp.where(x >= 0, 1 / (1 + e), e / (1 + e))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * y * (1 - y)


class Tanh(Function):
    """y = tanh(x).   dy/dx = 1 - tanh(x)**2 = 1 - y**2, so dL/dx = g * (1 - y * y)."""

    @staticmethod
    def forward(ctx, x):
        y = _xp(x).tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * (1 - y * y)


class Softplus(Function):
    """y = (1/beta) log(1 + exp(beta x)), a smooth relu; y = x where beta x > threshold (PyTorch).

    Stable form: log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|)), with z = beta x.
    dy/dx = exp(z) / (1 + exp(z)) = sigmoid(beta x), and 1 above the threshold.
    """

    @staticmethod
    def forward(ctx, x, beta, threshold):
        xp = _xp(x)
        z = x * beta
        ctx.save_for_backward(x)
        ctx.beta, ctx.above = beta, z > threshold
        soft = (xp.maximum(z, 0) + xp.log1p(xp.exp(-xp.abs(z)))) / beta
        return xp.where(ctx.above, x, soft)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return where(constant(ctx.above), g, g * sigmoid(x * ctx.beta))


# ---- erf and gelu -------------------------------------------------------------------------------
# erf_array and its formulas: ops/erf_rational.py.


class Erf(Function):
    """y = erf(x) = (2/sqrt(pi)) * integral from 0 to x of exp(-t^2) dt.

    dy/dx = (2/sqrt(pi)) exp(-x^2), straight from the fundamental theorem of calculus.
    """

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return in_blocks(erf_array, x)  # (in cache-sized blocks: ops/blocked.py)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (2 / math.sqrt(math.pi)) * exp(-(x * x))


_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_GELU_A = 0.044715


class GELU(Function):
    """Gaussian error linear unit: y = x Phi(x), Phi the standard normal CDF.

    approximate='none':  Phi(x) = (1 + erf(x / sqrt 2)) / 2, and
        dy/dx = Phi(x) + x phi(x),  phi(x) = exp(-x^2 / 2) / sqrt(2 pi) (the normal density).
    approximate='tanh':  y = x (1 + tanh(u)) / 2 with u = sqrt(2/pi) (x + 0.044715 x^3), and
        dy/dx = (1 + t) / 2 + x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2) / 2,  t = tanh(u).
    Backward recomputes these from the input with minigrad ops (erf and tanh are Functions),
    so gelu has second derivatives; a plain backward (no graph to record) runs the same
    formulas on arrays, in place (_gelu_grad_array), with the same bits. Both array forms run
    in cache-sized blocks (ops/blocked.py): some twenty passes each, the same bits.
    """

    @staticmethod
    def forward(ctx, x, approximate):
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        return in_blocks(lambda a: _gelu_array(a, approximate), x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        if not is_grad_enabled() and x.ndim > 0:  # no graph wanted: the same formulas on arrays
            return constant(in_blocks(lambda a, b: _gelu_grad_array(a, b, ctx.approximate), x.array, g.array))
        if ctx.approximate == "tanh":
            t = tanh(_SQRT_2_OVER_PI * (x + _GELU_A * x * x * x))
            du = _SQRT_2_OVER_PI * (1 + 3 * _GELU_A * x * x)
            return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)
        cdf = 0.5 * (1 + erf(x * (1 / math.sqrt(2))))
        pdf = exp(-0.5 * x * x) * (1 / math.sqrt(2 * math.pi))
        return g * (cdf + x * pdf)


def _tanh_argument(x):
    """u = sqrt(2/pi) (x + 0.044715 x^3), gelu's tanh argument, in place on one new array."""
    u = _GELU_A * x
    u *= x
    u *= x
    u += x
    u *= _SQRT_2_OVER_PI
    return u


def _gelu_array(x, approximate):
    """GELU's forward on a raw array.

    y = ((1 + t) * 0.5) * x in place on t's new array: the same bits as 0.5 * x * (1 + t),
    as halving is exact (1 + t is 0 or at least an ulp of 1, and where x is subnormal,
    1 + t is 1), with fewer new arrays. In-place operators, not out=: x may be 0-d."""
    if approximate == "tanh":
        t = _xp(x).tanh(_tanh_argument(x))
    else:
        t = erf_array(x * (1 / math.sqrt(2)))
    t += 1
    t *= 0.5
    t *= x
    return t


def _gelu_grad_array(x, g, approximate):
    """GELU.backward's formulas on raw arrays, in place on a few new arrays (x not 0-d: NumPy's
    0-d results are scalars, with no out=). The same roundings as the Tensor form, up to
    halvings moved across a product (exact but for subnormals)."""
    xp = _xp(x)
    if approximate == "tanh":
        t = _tanh_argument(x)
        xp.tanh(t, out=t)
        slope = t * t  # ((x / 2) (1 - t^2)) du
        xp.subtract(1, slope, out=slope)
        slope *= x
        slope *= 0.5
        du = (3 * _GELU_A) * x  # du = sqrt(2/pi) (1 + 3 a x^2)
        du *= x
        du += 1
        du *= _SQRT_2_OVER_PI
        slope *= du
        t += 1
        t *= 0.5
        t += slope
    else:
        t = erf_array(x * (1 / math.sqrt(2)))
        t += 1
        t *= 0.5  # Phi(x)
        slope = x * x  # x phi(x)
        slope *= -0.5
        xp.exp(slope, out=slope)
        slope *= 1 / math.sqrt(2 * math.pi)
        slope *= x
        t += slope
    t *= g
    return t


# ---- softmax family -------------------------------------------------------------------------------
class Softmax(Function):
    """y_i = exp(x_i) / sum_j exp(x_j) along ``dim``.

    Stable form: subtract m = max_j x_j first (y does not change, exp no longer overflows).
    dy_i/dx_k = y_i (delta_ik - y_k), so
        dL/dx_k = sum_i g_i y_i (delta_ik - y_k) = y_k (g_k - sum_i g_i y_i).
    """

    @staticmethod
    def forward(ctx, x, dim):
        xp = _xp(x)
        axis = dim if x.ndim else None
        e = xp.exp(_shifted(x, axis))
        y = e / e.sum(axis=axis, keepdims=True)
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return y * (g - _sum(g * y, ctx.dim, keepdim=True))


def _shifted(x, axis):
    """x - max along ``axis``, the stable shift. A slice of all -inf has no distribution: there
    -inf - (-inf) gives nan, as in PyTorch, without a warning. An empty x has nothing to shift."""
    if not x.size:
        return x
    with np.errstate(invalid="ignore"):
        return x - x.max(axis=axis, keepdims=True)


class LogSoftmax(Function):
    """y_i = x_i - log sum_j exp(x_j) along ``dim`` (log-sum-exp with the max subtracted).

    Stable form: with m = max_j x_j,  y_i = (x_i - m) - log sum_j exp(x_j - m).
    dy_i/dx_k = delta_ik - softmax(x)_k = delta_ik - exp(y_k), so
        dL/dx_k = g_k - exp(y_k) * sum_i g_i.
    """

    @staticmethod
    def forward(ctx, x, dim):
        xp = _xp(x)
        axis = dim if x.ndim else None
        shifted = _shifted(x, axis)
        y = shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g - exp(y) * _sum(g, ctx.dim, keepdim=True)


# ---- the functions users call --------------------------------------------------------------------
def _floating(x, op):
    """x itself, or an error for integer tensors (PyTorch has no integer kernel: NotImplementedError)."""
    if x.dtype.kind != "f":
        raise UnsupportedDType(f"{op}: needs a floating point tensor, got dtype {x.dtype}; use .float() first")
    return x


def _as_float(x):
    """Integer and bool tensors go through sigmoid, tanh and erf as the default float (PyTorch's rule)."""
    return x if x.dtype.kind == "f" else x.to(dtype=dtypes.get_default_dtype())


def _out(x, y, inplace, op):
    """y, or y written into x when ``inplace`` (PyTorch's inplace=True; see Tensor._write)."""
    return x._write(y, op + "_") if inplace else y


def relu(input, inplace=False):
    """Function: ops/activation.py ReLU."""
    return _out(input, ReLU.apply(input), inplace, "relu")


def relu_(x):
    """Function: ops/activation.py ReLU (through F.relu)."""
    return relu(x, inplace=True)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """Function: ops/activation.py LeakyReLU."""
    y = LeakyReLU.apply(_floating(input, "leaky_relu"), negative_slope=float(negative_slope))
    return _out(input, y, inplace, "leaky_relu")


def leaky_relu_(x, negative_slope=0.01):
    """Function: ops/activation.py LeakyReLU (through F.leaky_relu)."""
    return leaky_relu(x, negative_slope, inplace=True)


def sigmoid(x):
    """Function: ops/activation.py Sigmoid."""
    return Sigmoid.apply(_as_float(x))


def sigmoid_(x):
    return x._write(sigmoid(x), "sigmoid_")


def tanh(x):
    """Function: ops/activation.py Tanh."""
    return Tanh.apply(_as_float(x))


def tanh_(x):
    return x._write(tanh(x), "tanh_")


def softplus(x, beta=1.0, threshold=20.0):
    """Function: ops/activation.py Softplus."""
    if beta == 0:
        raise ArgumentError("softplus: beta must be non-zero")
    return Softplus.apply(_floating(x, "softplus"), beta=float(beta), threshold=float(threshold))


def erf(x):
    return Erf.apply(_as_float(x))


def gelu(x, approximate="none"):
    """Function: ops/activation.py GELU."""
    if approximate not in ("none", "tanh"):
        raise ArgumentError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return GELU.apply(_floating(x, "gelu"), approximate=approximate)


def _softmax_args(x, dim, dtype, op):
    if dtype is not None:
        x = cast(x, dtype)
    if dim is None:  # a missing argument: TypeError, as PyTorch
        raise TypeError(f"{op}: missing the dimension to normalise over, e.g. {op}(x, dim=-1)")
    return _floating(x, op), normalize_dim(dim, x.ndim, op)


def softmax(x, dim, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim`` (required, as in PyTorch).

    Function: ops/activation.py Softmax.
    """
    x, dim = _softmax_args(x, dim, dtype, "softmax")
    return Softmax.apply(x, dim=dim)


def log_softmax(x, dim, dtype=None):
    """log(softmax(x)) along ``dim``, computed stably.

    Function: ops/activation.py LogSoftmax.
    """
    x, dim = _softmax_args(x, dim, dtype, "log_softmax")
    return LogSoftmax.apply(x, dim=dim)


TENSOR_METHODS = {
    "relu": relu, "sigmoid": sigmoid, "tanh": tanh, "erf": erf,
    "relu_": relu_, "sigmoid_": sigmoid_, "tanh_": tanh_,
    "softmax": softmax, "log_softmax": log_softmax,
}
