"""Scans (running reductions along one dim): cumsum, cumprod, cummax, cummin, logcumsumexp.

z_k = x_0 (op) x_1 (op) ... (op) x_k along ``dim``. cumsum and cumprod use the backend's own
kernels. cummax, cummin and logcumsumexp use a parallel (Hillis-Steele) scan: log2(n) passes,
each one whole-array operation that combines every element with the one ``shift`` places
before it, for shift = 1, 2, 4, ... After the pass with shift s each element holds the result
over the 2s elements ending at it, so after log2(n) passes it holds the whole prefix.
(NumPy's ``ufunc.accumulate`` does the same serially; whole-array passes run unchanged on CuPy.)

Notation (docs/notation.md): z is the output, g = dL/dz the incoming gradient, n the length
of ``dim``.
"""

from collections import namedtuple

import numpy as np

from ..autograd.function import Function
from ..autograd.grad_mode import is_grad_enabled
from ..errors import UnsupportedDType
from ..tensor import Tensor
from .elementwise import _xp, cast, constant, exp, log, where
from .shape import normalize_dim, permute, unsqueeze


def _shifted_slices(ndim, axis, shift):
    """Index tuples for 'element k' and 'element k - shift' along ``axis``, k >= shift."""
    head = (slice(None),) * axis
    return head + (slice(shift, None),), head + (slice(None, -shift),)


def parallel_scan(x, axis, combine):
    """The inclusive scan of ``combine`` (an associative binary ufunc) along ``axis``, on raw arrays."""
    z = x.copy()
    n, shift = x.shape[axis] if x.ndim else 1, 1
    while shift < n:  # log2(n) passes over the whole array, no loop over elements
        now, before = _shifted_slices(x.ndim, axis, shift)
        z[now] = combine(z[now], z[before])  # the right side is evaluated before the write
        shift *= 2
    return z


def _flip(array, axis):
    return array[(slice(None),) * axis + (slice(None, None, -1),)]


class Cumsum(Function):
    """z_k = sum_{i <= k} x_i (or sum_{i >= k} x_i with ``reverse``).

    dz_k/dx_j = 1 for j <= k, so dL/dx_j = sum_{k >= j} g_k: the reverse cumsum of g, which is
    this same Function with ``reverse`` flipped (so it has every higher derivative too).
    """

    @staticmethod
    def forward(ctx, x, axis, reverse=False):
        ctx.axis, ctx.reverse = axis, reverse
        xp = _xp(x)
        if x.ndim == 0:
            return x.copy()
        return _flip(xp.cumsum(_flip(x, axis), axis=axis), axis) if reverse else xp.cumsum(x, axis=axis)

    @staticmethod
    def backward(ctx, g):
        return Cumsum.apply(g, axis=ctx.axis, reverse=not ctx.reverse)


class Cumprod(Function):
    """z_k = prod_{i <= k} x_i.

    dz_k/dx_j = prod_{i <= k, i != j} x_i for j <= k, so dL/dx_j = sum_{k >= j} g_k prod_{i<=k, i!=j} x_i.
    - No zero in the slice: prod_{i<=k, i!=j} x_i = z_k / x_j, so dL/dx = reverse_cumsum(g z) / x.
    - Its first zero at position f (z_k / x_j would be 0/0 there): for j < f only the k < f terms
      are nonzero, and x_j != 0, so dL/dx_j = reverse_cumsum(g z [k < f])_j / x_j. For j = f, with
      z' the cumprod of x with x_f replaced by 1, prod_{i<=k, i!=f} x_i = z'_k: dL/dx_f =
      reverse_cumsum(g z')_f. For j > f every product holds x_f = 0: dL/dx_j = 0.
    No division by zero anywhere, and O(n) work. Those values are right, but the constant 0s
    (j > f, and the k >= f terms) hide how the gradient changes with x_f. So when backward is
    itself recorded (create_graph=True, for second derivatives) the products without x_j are
    built directly instead: A is n copies of x along a new axis, with x_j replaced by 1 in copy
    j; cumprod(A)[j, k] = prod_{i<=k, i!=j} x_i; masked to k >= j, times g_k, summed over k.
    That is exact as a function of every x, at n**2 memory per slice.
    """

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        z = x.copy() if x.ndim == 0 else _xp(x).cumprod(x, axis=axis)
        ctx.save_for_backward(x, z)
        return z

    @staticmethod
    def backward(ctx, g):
        x, z = ctx.saved_tensors
        axis = ctx.axis
        if x.ndim == 0:
            return g
        if not bool((x.array == 0).any()):
            return Cumsum.apply(g * z, axis=axis, reverse=True) / x
        if is_grad_enabled():  # the gradient will be differentiated: the exact n x n form
            return _cumprod_grad_table(x, g, axis)
        return _cumprod_grad_with_zeros(x, g, axis)


def _cumprod_grad_with_zeros(x, g, axis):
    """Cumprod's gradient when some slice holds a zero (see Cumprod), f the first zero per slice."""
    xp, n = x.xp, x.shape[axis]
    zero = x.array == 0
    pos = xp.arange(n).reshape((-1,) + (1,) * (x.ndim - axis - 1))
    first = xp.where(zero.any(axis=axis, keepdims=True), xp.argmax(zero, axis=axis, keepdims=True), n)
    before, at = constant(pos < first), constant(pos == first)
    x1 = where(at, 1.0, x)  # the first zero replaced by 1
    gz1 = g * cumprod(x1, axis)  # g_k z'_k; z'_k = z_k for k < f
    head = Cumsum.apply(where(before, gz1, 0.0), axis=axis, reverse=True) / where(before, x1, 1.0)
    return where(before, head, where(at, Cumsum.apply(gz1, axis=axis, reverse=True), 0.0))


def _cumprod_grad_table(x, g, axis):
    """sum_{k >= j} g_k prod_{i <= k, i != j} x_i from an n x n table, with the dim moved last."""
    xp, nd, n = x.xp, x.ndim, x.shape[axis]
    order = tuple(i for i in range(nd) if i != axis) + (axis,)
    back = tuple(int(i) for i in np.argsort(order))
    xt, gt = permute(x, order), permute(g, order)  # (..., n)
    eye = constant(xp.eye(n, dtype=bool))  # (j, i): True where i == j
    table = cumprod(where(eye, 1.0, unsqueeze(xt, -2)), -1)  # (..., j, k) = prod_{i<=k, i!=j} x_i
    upper = constant(xp.triu(xp.ones((n, n), dtype=bool)))  # k >= j
    return permute(where(upper, table * unsqueeze(gt, -2), 0.0).sum(-1), back)


def _running_extreme(x, axis, largest):
    """Raw arrays (running max or min along ``axis``, the int64 index each value came from).

    The index is the last position where x reached the running value (x >= it for max), so a
    tie takes the later index, and a NaN (which every comparison loses) is found by isnan.
    """
    xp = _xp(x)
    values = parallel_scan(x, axis, xp.maximum if largest else xp.minimum)  # both propagate NaN
    reached = (x >= values if largest else x <= values) | xp.isnan(x)
    pos = xp.arange(x.shape[axis]).reshape((-1,) + (1,) * (x.ndim - axis - 1))
    return values, parallel_scan(xp.where(reached, pos, 0).astype("int64"), axis, xp.maximum)


class LogCumSumExp(Function):
    """z_k = log sum_{i <= k} exp(x_i), by a parallel scan of logaddexp (stable for any spread).

    dz_k/dx_j = exp(x_j - z_k) for j <= k, so dL/dx_j = sum_{k >= j} g_k exp(x_j - z_k).
    Stably, with g split into its positive and negative parts g+ and g- (g = g+ - g-):
        dL/dx_j = exp(x_j + R(log g+ - z)_j) - exp(x_j + R(log g- - z)_j),
    R the reverse logcumsumexp (log 0 = -inf drops the entries of the other sign). Backward
    uses logcumsumexp itself, so higher derivatives come for free.
    """

    @staticmethod
    def forward(ctx, x, axis, reverse=False):
        ctx.axis, ctx.reverse = axis, reverse
        if x.ndim == 0:
            z = x.copy()
        else:
            xp = _xp(x)
            with np.errstate(invalid="ignore"):
                z = parallel_scan(_flip(x, axis) if reverse else x, axis, xp.logaddexp)
            z = _flip(z, axis) if reverse else z
        ctx.save_for_backward(x, z)
        return z

    @staticmethod
    def backward(ctx, g):
        x, z = ctx.saved_tensors
        if x.ndim == 0:
            return g
        parts = []
        for sign in (1.0, -1.0):
            mask = constant(g.array * sign > 0)
            logs = where(mask, log(where(mask, g * sign, 1.0)) - z, float("-inf"))
            r = LogCumSumExp.apply(logs, axis=ctx.axis, reverse=not ctx.reverse)
            parts.append(exp(x + r))
        return parts[0] - parts[1]


# ---- the functions users call -----------------------------------------------------------------
cummax_result = namedtuple("cummax", ["values", "indices"])
cummin_result = namedtuple("cummin", ["values", "indices"])


def _scan_dim(x, dim, op):
    return normalize_dim(dim, x.ndim if x.ndim else 1, op)  # a 0-d tensor takes dim 0 or -1


def _scan_dtype(x, dtype):
    if dtype is not None:
        return cast(x, dtype)
    return cast(x, "int64") if x.dtype.kind in "biu" else x  # PyTorch accumulates integers as int64


def cumsum(input, dim, *, dtype=None):
    """Running sum along ``dim``; integers and bools accumulate as int64 (as PyTorch)."""
    x = _scan_dtype(input, dtype)
    return Cumsum.apply(x, axis=_scan_dim(x, dim, "cumsum"))


def cumprod(input, dim, *, dtype=None):
    """Running product along ``dim``; integers and bools accumulate as int64 (as PyTorch)."""
    x = _scan_dtype(input, dtype)
    return Cumprod.apply(x, axis=_scan_dim(x, dim, "cumprod"))


def _cum_extreme(x, dim, largest, op):
    from .indexing import gather

    axis = _scan_dim(x, dim, op)
    if x.ndim == 0:
        return (cummax_result if largest else cummin_result)(x.clone(), Tensor._make(x.xp.zeros((), "int64")))
    indices = Tensor._make(_running_extreme(x.array, axis, largest)[1])
    values = gather(x, axis, indices)  # the gradient of each running value goes to its source
    return (cummax_result if largest else cummin_result)(values, indices)


def cummax(input, dim):
    """(values, indices): the running max along ``dim`` and where it was found.

    A tie takes the later index (PyTorch's rule: an element equal to the running max becomes
    its source); a NaN is the max from where it appears on. The gradient of values_k goes to
    x at indices_k (the values are a gather of x, so double backward works too).
    """
    return _cum_extreme(input, dim, True, "cummax")


def cummin(input, dim):
    """(values, indices): the running min along ``dim``; ties and NaN as in cummax."""
    return _cum_extreme(input, dim, False, "cummin")


def logcumsumexp(input, dim):
    """log(cumsum(exp(input))) along ``dim``, computed stably; floating point tensors only."""
    if input.dtype.kind != "f":
        raise UnsupportedDType(f"logcumsumexp: needs a floating point tensor, got dtype {input.dtype}")
    return LogCumSumExp.apply(input, axis=_scan_dim(input, dim, "logcumsumexp"))


TENSOR_METHODS = {
    "cumsum": cumsum, "cumprod": cumprod, "cummax": cummax, "cummin": cummin, "logcumsumexp": logcumsumexp,
    "cumsum_": lambda self, dim, *, dtype=None: self._write(cumsum(self, dim, dtype=dtype), "cumsum_"),
    "cumprod_": lambda self, dim, *, dtype=None: self._write(cumprod(self, dim, dtype=dtype), "cumprod_"),
}
