"""Statistics and integer helpers: diff, quantile, nanquantile, cov, corrcoef, renorm, bincount,
histc, heaviside, signbit, gcd, lcm, ldexp, frexp.

The differentiable ones are compositions of existing ops (their gradients come for free):
quantile is a sort and a linear interpolation between two order statistics, cov a centred
matrix product, renorm a rescaling by a clamped norm. The integer-valued ones (bincount,
histc, signbit, gcd, ...) have no gradient, as in PyTorch.
"""

from collections import namedtuple

import numpy as np

from ..errors import ArgumentError, ArgumentRuntimeError, DTypeError, ShapeError, UnsupportedDType
from ..tensor import Tensor
from .elementwise import _float_input, _xp, constant, where
from .indexing import gather
from .shape import cat, normalize_dim
from .sorting import sort


def _tensor(x, op):
    if not isinstance(x, Tensor):
        raise DTypeError(f"{op}: expected a Tensor, got {type(x).__name__}")
    return x


# ---- differences and order statistics -----------------------------------------------------------
def diff(input, n=1, dim=-1, prepend=None, append=None):
    """out[i] = x[i+1] - x[i] along ``dim``, applied ``n`` times (``prepend``/``append`` joined first)."""
    x = _tensor(input, "diff")
    if x.ndim == 0:
        raise ShapeError("diff: expects a tensor with at least one dimension")
    d = normalize_dim(dim, x.ndim, "diff")
    parts = [t for t in (prepend, x, append) if t is not None]
    if len(parts) > 1:
        parts = [t if t.ndim == x.ndim else t.unsqueeze(d) for t in parts]
        x = cat(parts, d)
    for _ in range(n):
        length = x.shape[d]
        if length == 0:
            break
        hi = x.narrow(d, 1, length - 1)
        lo = x.narrow(d, 0, length - 1)
        x = (hi != lo) if x.dtype.kind == "b" else hi - lo
    return x


def _quantile(input, q, dim, keepdim, interpolation, skip_nan, op):
    x = _float_input(_tensor(input, op))
    if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
        raise ArgumentError(f"{op}: interpolation must be one of linear, lower, higher, midpoint, nearest; "
                            f"got {interpolation!r}")
    scalar_q = not isinstance(q, Tensor) and np.ndim(q) == 0
    qs = np.atleast_1d(q.cpu().numpy() if isinstance(q, Tensor) else np.asarray(q, dtype=np.float64)).astype(np.float64)
    if qs.ndim > 1 or ((qs < 0) | (qs > 1)).any():
        raise ArgumentRuntimeError(f"{op}: q must be a scalar or 1-D tensor with values in [0, 1], got {qs.tolist()}")
    if dim is None:
        x, d = x.reshape(-1), 0
    else:
        d = normalize_dim(dim, x.ndim, op)
        if x.ndim == 0:  # a 0-d tensor along its dim 0: one value (PyTorch's result is 0-d too)
            x, keepdim = x.reshape(1), False
    if x.shape[d] == 0:
        raise ShapeError(f"{op}: input is empty along dimension {d}")
    xp = _xp(x.array)
    values = sort(x, dim=d).values  # nan sorts last, as in PyTorch
    size = x.shape[d]
    nans = xp.isnan(x.array).sum(axis=d, keepdims=True)
    count = (size - nans) if skip_nan else xp.where(nans > 0, 0, size)  # quantile: any nan makes it nan
    # the rank of each q among the `count` valid values: q · (count - 1), one per (q, row)
    rank = xp.asarray(qs).reshape((-1,) + (1,) * x.ndim) * xp.maximum(count - 1, 0)
    lo = xp.floor(rank)
    hi = xp.ceil(rank)
    if interpolation == "lower":
        hi = lo
    elif interpolation == "higher":
        lo = hi
    elif interpolation == "nearest":
        lo = hi = xp.round(rank)  # round half to even, as PyTorch
    frac = (rank - lo) if interpolation == "linear" else xp.where(hi > lo, 0.5, 0.0)
    stacked = values.unsqueeze(0).expand(*((len(qs),) + tuple(values.shape)))
    idx_lo = Tensor._make(xp.clip(lo, 0, size - 1).astype("int64"))
    idx_hi = Tensor._make(xp.clip(hi, 0, size - 1).astype("int64"))
    v_lo, v_hi = gather(stacked, d + 1, idx_lo), gather(stacked, d + 1, idx_hi)
    out = v_lo + (v_hi - v_lo) * constant(frac.astype(x.dtype))
    out = where(constant(count == 0), float("nan"), out)  # all-nan rows (or any nan, for quantile)
    if not keepdim:
        out = out.squeeze(d + 1)
    elif dim is None:
        out = out.reshape((len(qs),) + (1,) * input.ndim)
    return out.squeeze(0) if scalar_q else out


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles along ``dim`` (all elements when None), PyTorch's definition.

    Sort, then read the sorted values at rank r = q (n - 1): linearly between positions
    ⌊r⌋ and ⌈r⌉ (or at one of them, per ``interpolation``). The gradient flows to the two
    order statistics read, with weights 1 - frac and frac. A nan anywhere in a row makes
    that row's quantiles nan. With a 1-D q, the q axis comes first in the result.
    """
    return _quantile(input, q, dim, keepdim, interpolation, False, "quantile")


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """quantile ignoring nan: each row's rank is q (n_valid - 1); an all-nan row gives nan."""
    return _quantile(input, q, dim, keepdim, interpolation, True, "nanquantile")


# ---- covariance --------------------------------------------------------------------------------
def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance of the variables in the rows of ``input`` (observations in the columns).

    With weights w_i = fweights_i · aweights_i, mean μ = Σ w_i x_i / Σ w_i and
    cov = (X - μ) diag(w) (X - μ)ᵀ / (Σ w - c · Σ w·a / Σ w) (c = correction; the last term
    is c without aweights). A composition: the gradient comes from the matrix product.
    """
    x = _float_input(_tensor(input, "cov"))
    if x.ndim > 2:
        raise ShapeError(f"cov: expects a 1-D or 2-D input, got shape {tuple(x.shape)}")
    x = x.reshape(1, -1) if x.ndim < 2 else x
    n = x.shape[1]
    w = None
    if fweights is not None:
        w = _float_input(fweights).to(x.dtype)
    if aweights is not None:
        a = _float_input(aweights).to(x.dtype)
        w = a if w is None else w * a
    if w is None:
        mean = x.mean(1, keepdim=True)
        norm = n - correction
        centred = x - mean
        c = centred @ centred.T / max(norm, 0)
    else:
        total = w.sum()
        mean = (x * w).sum(1, keepdim=True) / total
        if aweights is None or correction == 0:
            norm = total - correction
        else:
            norm = total - correction * (w * _float_input(aweights).to(x.dtype)).sum() / total
        centred = x - mean
        c = (centred * w) @ centred.T / norm.clamp(min=0)
    return c.squeeze()  # one variable (a 1-D input or a single row) gives a 0-d result, as PyTorch


def corrcoef(input):
    """Pearson correlations: cov / (σ_i σ_j), clipped to [-1, 1] as PyTorch does."""
    c = cov(input)
    if c.ndim == 0:
        return c / c
    d = c.diagonal().sqrt()
    return (c / d.unsqueeze(1) / d.unsqueeze(0)).clamp(-1, 1)


def renorm(input, p, dim, maxnorm):
    """Rescale each slice along ``dim`` whose p-norm exceeds ``maxnorm`` to norm ``maxnorm``.

    The norm of slice i is over every other axis; its factor is maxnorm / (norm + 1e-7)
    where norm > maxnorm and 1 elsewhere (PyTorch's constants); a composition.
    """
    x = _tensor(input, "renorm")
    if not p > 0:  # 1 / p below; PyTorch refuses these norms with a RuntimeError
        raise ArgumentRuntimeError(f"renorm: non-positive norms are not supported, got p={p}")
    if not maxnorm >= 0:
        raise ArgumentRuntimeError(f"renorm: maxnorm must be >= 0, got {maxnorm}")
    d = normalize_dim(dim, x.ndim, "renorm")
    axes = tuple(a for a in range(x.ndim) if a != d)
    norm = (x.abs() ** p).sum(axes, keepdim=True) ** (1.0 / p)
    factor = where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)
    return x * factor


# ---- counting ----------------------------------------------------------------------------------
def bincount(input, weights=None, minlength=0):
    """How often each value 0, 1, ... occurs in a 1-D non-negative integer tensor (summing ``weights``)."""
    x = _tensor(input, "bincount")
    if x.dtype.kind not in "iub":  # PyTorch has no float kernel (NotImplementedError)
        raise UnsupportedDType(f"bincount: expects a 1-D integer tensor, got dtype {x.dtype}")
    if x.ndim != 1:
        raise ShapeError(f"bincount: expects a 1-D integer tensor, got shape {tuple(x.shape)}")
    xp = _xp(x.array)
    if x.array.size and int(x.array.min()) < 0:
        raise ArgumentRuntimeError("bincount: input must contain only non-negative values")
    w = None if weights is None else weights.array
    counts = xp.bincount(x.array, weights=w, minlength=minlength)
    if w is not None:
        counts = counts.astype(weights.dtype if weights.dtype.kind == "f" else "float64")
    return Tensor._make(counts)


def histc(input, bins=100, min=0, max=0):
    """A histogram of ``bins`` equal bins over [min, max] (the data's range when both are 0)."""
    x = _float_input(_tensor(input, "histc"))
    xp = _xp(x.array)
    if int(bins) <= 0:
        raise ArgumentRuntimeError(f"histc: bins must be positive, got {bins}")
    lo, hi = float(min), float(max)
    if lo == hi and x.array.size:
        lo, hi = float(x.array.min()), float(x.array.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise ArgumentRuntimeError(f"histc: max ({hi}) must be larger than min ({lo})")
    counts, _ = xp.histogram(x.array, bins=bins, range=(lo, hi))
    return Tensor._make(counts.astype(x.dtype))


_Histogram = namedtuple("histogram", ["hist", "bin_edges"])


def histogram(input, bins=100, *, range=None, weight=None, density=False):
    """(hist, bin_edges) of the values (no gradient): ``bins`` equal bins over ``range`` (the
    data's range by default) or the given edges, counts weighted by ``weight``, or a density."""
    x = _float_input(_tensor(input, "histogram"))
    xp = _xp(x.array)
    edges = bins.array if isinstance(bins, Tensor) else bins
    w = None if weight is None else weight.array
    hist, bin_edges = xp.histogram(x.array, bins=edges, range=range, weights=w, density=density)
    return _Histogram(Tensor._make(hist.astype(x.dtype)), Tensor._make(bin_edges.astype(x.dtype)))


# ---- elementwise helpers without gradients --------------------------------------------------------
def heaviside(input, values):
    """0 where x < 0, ``values`` where x == 0, 1 where x > 0 (no gradient, as in PyTorch)."""
    xp = _xp(input.array)
    v = values.array if isinstance(values, Tensor) else values
    out = xp.where(input.array == 0, v, (input.array > 0))
    return Tensor._make(out.astype(np.result_type(input.dtype, getattr(v, "dtype", input.dtype))))


def signbit(input):
    """True where the sign bit is set (so -0.0 too)."""
    return Tensor._make(_xp(input.array).signbit(input.array))


def _integer_pair(a, b, op):
    a = a.array if isinstance(a, Tensor) else a
    b = b.array if isinstance(b, Tensor) else b
    for v in (a, b):
        if np.asarray(v).dtype.kind not in "iub":
            raise DTypeError(f"{op}: expects integer tensors, got dtype {np.asarray(v).dtype}")
    return a, b


def gcd(input, other):
    """The greatest common divisor, elementwise, of integer tensors."""
    a, b = _integer_pair(input, other, "gcd")
    return Tensor._make(_xp(a).gcd(a, b))


def lcm(input, other):
    """The least common multiple, elementwise, of integer tensors."""
    a, b = _integer_pair(input, other, "lcm")
    return Tensor._make(_xp(a).lcm(a, b))


def ldexp(input, other):
    """input · 2^other (a composition: differentiable in input)."""
    x = _float_input(input)
    e = other if isinstance(other, Tensor) else constant(_xp(x.array).asarray(other))
    return x * (2.0 ** e.to(x.dtype))


def frexp(input):
    """(mantissa, exponent) with input = mantissa · 2^exponent and 0.5 <= |mantissa| < 1."""
    x = _tensor(input, "frexp")
    if x.dtype.kind != "f":
        raise DTypeError(f"frexp: expects a floating point tensor, got dtype {x.dtype}")
    m, e = _xp(x.array).frexp(x.array)
    return _Frexp(Tensor._make(m), Tensor._make(e.astype("int32")))


_Frexp = namedtuple("frexp", ["mantissa", "exponent"])


TENSOR_METHODS = {"histogram": histogram, "diff": diff, "quantile": quantile, "nanquantile": nanquantile, "cov": cov, "corrcoef": corrcoef,
                  "renorm": renorm, "bincount": bincount, "histc": histc, "heaviside": heaviside,
                  "signbit": signbit, "gcd": gcd, "lcm": lcm, "ldexp": ldexp, "frexp": frexp}
TENSOR_METHODS["renorm_"] = lambda self, p, dim, maxnorm: self._write(renorm(self, p, dim, maxnorm), "renorm_")
