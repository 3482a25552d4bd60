"""Activations: relu, leaky_relu, sigmoid, tanh, softplus, gelu (with erf), softmax, log_softmax.

Each backward is written with minigrad's own ops on the saved input or output, so the
gradient can itself be differentiated (``create_graph=True``). Masks that only say which
side of a kink an element is on are constants: their derivative is zero except at the kink.

Notation (docs/notation.md): y is the output, g = dL/dy the incoming gradient.
"""

import math

import numpy as np  # errstate, and telling host arrays from device ones

from .. import dtypes
from ..autograd.function import Function
from ..errors import ArgumentError, DTypeError, UnsupportedDType
from .elementwise import _xp, cast, constant, exp, where
from .reduction import sum as _sum
from .shape import normalize_dim


# ---- piecewise linear ---------------------------------------------------------------------------
class ReLU(Function):
    """y = max(x, 0).   dy/dx = [x > 0] (at the kink x = 0 the value 0 is a convention, PyTorch's).

    The mask is read from the saved output: y > 0 exactly where x > 0.
    """

    @staticmethod
    def forward(ctx, x):
        y = _xp(x).maximum(x, 0)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
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
# Cephes' rational approximations of erf (S. L. Moshier, public domain; the ones SciPy uses):
#   |x| <= 1:      erf(x)  = x T(x^2) / U(x^2)
#   1 < |x| < 8:   erfc(x) = exp(-x^2) P(x) / Q(x)
#   |x| >= 8:      erfc(x) = exp(-x^2) R(x) / S(x)
# with erf = 1 - erfc. Coefficients from the highest power down; U, Q, S have a leading 1.
_ERF_T = (9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
          7.00332514112805075473e3, 5.55923013010394962768e4)
_ERF_U = (1.0, 3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
          2.26290000613890934246e4, 4.92673942608635921086e4)
_ERFC_P = (2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
           4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
           9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2)
_ERFC_Q = (1.0, 1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
           9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
           1.65666309194161350182e3, 5.57535340817727675546e2)
_ERFC_R = (5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0,
           6.16021097993053585195e0, 7.40974269950448939160e0, 2.97886665372100240670e0)
_ERFC_S = (1.0, 2.26052863220117276590e0, 9.39603524938001434673e0, 1.20489539808096656605e1,
           1.70814450747565897222e1, 9.60896809063285878198e0, 3.36907645100081516050e0)


def _poly(coefs, x):
    """Horner's rule: coefs[0] x^n + ... + coefs[n] (python float coefficients keep x's dtype)."""
    result = x * 0 + coefs[0]
    for c in coefs[1:]:
        result = result * x + c
    return result


def _horner(coefs, x):
    """_poly in place on one new array: the same roundings, so the same bits for finite x
    (x * 0 + c0 is c0 exactly, and 1 * x is x), in half the passes over memory."""
    result = x + coefs[1] if coefs[0] == 1 else x * coefs[0] + coefs[1]
    for c in coefs[2:]:
        result *= x
        result += c
    return result


def _erf_reference(x):
    """erf on a raw array, the plain way: every branch on every element, then pick. The readable
    statement of the formula, and what erf_array must agree with bit for bit (tests/test_erf_fast.py)."""
    xp = _xp(x)
    if x.dtype == "float16":  # the coefficients overflow float16: compute in float32
        return _erf_reference(x.astype("float32")).astype(x.dtype)
    a = xp.abs(x)
    # clip each branch's argument into its own range: no overflow, no inf/inf, no warnings
    # (beyond |x| = 1e5, exp(-x^2) is 0 and the large branch's value does not matter)
    xs, a_mid, a_large = xp.clip(x, -1, 1), xp.clip(a, 1, 8), xp.clip(a, 8, 1e5)
    small = xs * _poly(_ERF_T, xs * xs) / _poly(_ERF_U, xs * xs)
    mid = _poly(_ERFC_P, a_mid) / _poly(_ERFC_Q, a_mid)
    large = _poly(_ERFC_R, a_large) / _poly(_ERFC_S, a_large)
    erfc = xp.exp(-a * a) * xp.where(a < 8, mid, large)
    return xp.where(a <= 1, small, xp.sign(x) * (1 - erfc))


# From here on the formula gives erf(x) = +-1 exactly: 1 - erfc(x) rounds to 1 once erfc(x) is
# below half an ulp of 1. Found by searching every float32 (and bisecting float64) for the first
# x where _erf_reference is 1; true erf rounded to the dtype (math.erf) turns to 1 at the same x.
# Both lie below 8, so erf never needs the |x| >= 8 branch (erfc does).
_ERF_IS_ONE_FROM = {"float32": 3.919206, "float64": 5.921587195794508}


def _erf_small_into(x, a):
    """x T(x^2) / U(x^2), erf's |x| <= 1 branch, on every element; a = |x| is used as scratch.

    Right (the same bits as _erf_reference) where |x| <= 1 or x is nan; finite or +-inf elsewhere,
    for the caller to overwrite. x^2 is taken as min(|x|, 1)^2, equal to clip(x, -1, 1)^2.
    """
    xp = _xp(x)
    zz = xp.minimum(a, 1, out=a)
    zz *= zz
    out = _horner(_ERF_T, zz)
    with np.errstate(over="ignore"):  # only where |x| > 1, which the caller overwrites
        out *= x
    out /= _horner(_ERF_U, zz)
    return out


def _erfc_middle(a):
    """exp(-a^2) P(a) / Q(a), erfc on 1 < a < 8, written over a new array (a is kept)."""
    xp = _xp(a)
    erfc = a * a
    xp.negative(erfc, out=erfc)
    xp.exp(erfc, out=erfc)
    ratio = _horner(_ERFC_P, a)
    ratio /= _horner(_ERFC_Q, a)
    erfc *= ratio
    return erfc


def _erf_compacted(x):
    """_erf_reference's values, each branch evaluated only where it is needed.

    The |x| <= 1 branch runs on every element: it is the cheapest and, for activations, where
    most elements lie. The |x| > 1 elements are gathered into a short array by their flat
    indices; from t = _ERF_IS_ONE_FROM on they get sign(x), below t the middle branch, and
    they are scattered back. A branch no element needs costs nothing. Every step writes into
    an array it owns (out=, in-place operators): new large arrays cost more than the arithmetic.
    """
    xp = _xp(x)
    one_from = _ERF_IS_ONE_FROM[str(x.dtype)]
    a = xp.abs(x)
    outer = xp.flatnonzero(a > 1)
    a_outer = a.ravel().take(outer)
    out = _erf_small_into(x, a)
    if outer.size:
        x_outer = xp.take(x, outer)
        values = xp.sign(x_outer)
        near = xp.flatnonzero(a_outer < one_from)
        if near.size:
            erf = _erfc_middle(a_outer.take(near))
            xp.subtract(1, erf, out=erf)
            values[near] = xp.copysign(erf, x_outer.take(near))
        out.ravel()[outer] = values
    return out


def erf_array(x):
    """erf on a raw array (NumPy has none), vectorised, with Cephes' three branches above.

    On the host each branch runs only on its own elements (_erf_compacted). On a GPU the plain
    every-branch formula is used: its extra kernels cost little there, while gathering a
    branch's elements needs their count on the host, a synchronisation on every call.
    """
    xp = _xp(x)
    if x.dtype == "float16":  # the coefficients overflow float16: compute in float32
        return erf_array(x.astype("float32")).astype(x.dtype)
    if xp is not np or str(x.dtype) not in _ERF_IS_ONE_FROM:
        return _erf_reference(x)
    if x.ndim == 0:  # flat indices need an array, not NumPy's 0-d scalars
        return _erf_compacted(x.reshape(1)).reshape(())
    return _erf_compacted(xp.ascontiguousarray(x))  # results are scattered through a flat view


class Erf(Function):
    """y = erf(x) = (2/sqrt(pi)) * integral from 0 to x of exp(-t^2) dt.

    dy/dx = (2/sqrt(pi)) exp(-x^2), straight from the fundamental theorem of calculus.
    """

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return erf_array(x)

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
    so gelu has second derivatives.
    """

    @staticmethod
    def forward(ctx, x, approximate):
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        # y = ((1 + t) * 0.5) * x in place on t's new array: the same bits as 0.5 * x * (1 + t),
        # as halving is exact (1 + t is 0 or at least an ulp of 1, and where x is subnormal,
        # 1 + t is 1), with fewer new arrays. In-place operators, not out=: x may be 0-d.
        if approximate == "tanh":
            u = _GELU_A * x
            u *= x
            u *= x
            u += x
            u *= _SQRT_2_OVER_PI
            t = _xp(x).tanh(u)
        else:
            t = erf_array(x * (1 / math.sqrt(2)))
        t += 1
        t *= 0.5
        t *= x
        return t

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        if ctx.approximate == "tanh":
            t = tanh(_SQRT_2_OVER_PI * (x + _GELU_A * x * x * x))
            du = _SQRT_2_OVER_PI * (1 + 3 * _GELU_A * x * x)
            return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)
        cdf = 0.5 * (1 + erf(x * (1 / math.sqrt(2))))
        pdf = exp(-0.5 * x * x) * (1 / math.sqrt(2 * math.pi))
        return g * (cdf + x * pdf)


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
