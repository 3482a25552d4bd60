"""Helpers the distributions share: parameters as broadcast tensors, probabilities and logits,
and the raw random draws every sampler starts from."""

import numbers

import numpy as np

from .. import backend
from ..errors import ArgumentError
from ..tensor import Tensor

__all__ = ["broadcast_all", "clamp_probs", "lazy_property", "logits_to_probs", "probs_to_logits",
           "tril_matrix_to_vec", "vec_to_tril_matrix"]


def broadcast_all(*values):
    """The values as tensors broadcast to one shape. Python numbers take the dtype of the first
    tensor among the values (the default float dtype when there is none), as in PyTorch."""
    from ..creation import tensor
    from ..dtypes import get_default_dtype

    if not all(isinstance(v, (Tensor, numbers.Number)) for v in values):
        raise ArgumentError("broadcast_all: every input must be a Tensor or a Number, got "
                            + ", ".join(type(v).__name__ for v in values))
    like = next((v for v in values if isinstance(v, Tensor)), None)
    if like is None:
        dtype, device = get_default_dtype(), None
    else:
        dtype = like.dtype if like.dtype.kind in "fc" else get_default_dtype()
        device = like.device
    tensors = [v if isinstance(v, Tensor) else tensor(v, dtype=dtype, device=device) for v in values]
    shape = np.broadcast_shapes(*(tuple(t.shape) for t in tensors))
    return tuple(t.expand(*shape) for t in tensors)


def as_param(value, like=None):
    """A distribution parameter as a Tensor (python numbers take the default float dtype, or
    the dtype of ``like``)."""
    if isinstance(value, Tensor):
        return value
    from ..creation import tensor

    return tensor(value, dtype=None if like is None else like.dtype, device=None if like is None else like.device)


def clamp_probs(probs):
    """probs kept inside (eps, 1 - eps), so that their logarithms and logits stay finite."""
    eps = float(np.finfo(probs.dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


def logits_to_probs(logits, is_binary=False):
    """sigmoid(logits) for a binary variable, else softmax over the last axis."""
    from ..ops.activation import sigmoid, softmax

    return sigmoid(logits) if is_binary else softmax(logits, -1)


def probs_to_logits(probs, is_binary=False):
    """log(p / (1 - p)) for a binary variable, else log p (probabilities clamped first)."""
    p = clamp_probs(probs)
    return p.log() - (-p).log1p() if is_binary else p.log()


class lazy_property:
    """A property computed once, on first use, then stored on the instance. Distributions
    given ``probs`` compute ``logits`` only if asked (and the other way round)."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__
        self.__name__ = wrapped.__name__

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return self
        value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


def tril_matrix_to_vec(mat, diag=0):
    """The entries of the lower triangle (below diagonal ``diag``) of the last two axes, row by row."""
    n = mat.shape[-1]
    rows, cols = np.tril_indices(n, k=diag)
    return mat[..., rows, cols]


def vec_to_tril_matrix(vec, diag=0):
    """The inverse of tril_matrix_to_vec: a (..., n, n) matrix, zero above diagonal ``diag``."""
    from ..creation import tensor, zeros

    m = vec.shape[-1]
    # m = n (n + 1) / 2 + n * diag  ->  solve for n
    n = int(round((-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * m + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2))
    rows, cols = np.tril_indices(n, k=diag)
    if len(rows) != m:
        raise ArgumentError(f"vec_to_tril_matrix: {m} entries do not fill a lower triangle")
    lead = tuple(vec.shape[:-1])
    flat = zeros(lead + (n * n,), dtype=vec.dtype, device=vec.device)
    index = tensor(rows * n + cols, device=vec.device).expand(*(lead + (m,)))
    return flat.scatter(-1, index, vec).reshape(lead + (n, n))


# ---- raw draws -------------------------------------------------------------------------------------
# Every sampler starts from NumPy's (or CuPy's) generator of the parameters' device, seeded by
# minigrad.manual_seed; the draw becomes a constant tensor of the parameters' dtype.
def _draw(like, method, shape, *args):
    """``method`` of the generator (standard_normal, random, poisson, ...) with ``args`` as a
    tensor like ``like``. The parameterless draws come in like's dtype where the generator
    offers it (float32, float64: no rounding of a float64 draw up to 1.0), the others are cast."""
    gen = backend.generator(like.device)
    if args:
        array = getattr(gen, method)(*args, size=tuple(shape))
    else:
        dtype = like.dtype if like.dtype in (np.float32, np.float64) else np.float32
        array = getattr(gen, method)(size=tuple(shape), dtype=dtype)
    return Tensor._make(like.xp.asarray(array, dtype=like.dtype))


def standard_normal(shape, like):
    """ε ~ N(0, 1) of ``shape``, in like's dtype and device."""
    return _draw(like, "standard_normal", shape)


def uniform(shape, like):
    """u ~ U(0, 1) of ``shape``, in like's dtype and device (0 included, 1 not: a float16 cast
    that rounds up to 1 is kept just below it)."""
    u = _draw(like, "random", shape)
    if like.dtype not in (np.float32, np.float64):
        u = u.clamp(max=float(np.nextafter(np.array(1, like.dtype), np.array(0, like.dtype))))
    return u


def open_uniform(shape, like):
    """u ~ U(0, 1) kept off 0 (at the dtype's ``tiny``), for samplers that take log u."""
    return uniform(shape, like).clamp(min=float(np.finfo(like.dtype).tiny), max=1 - float(np.finfo(like.dtype).eps))
