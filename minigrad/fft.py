"""``minigrad.fft``: PyTorch's torch.fft, the discrete Fourier transforms and their helpers.

The transforms are the three Functions of ``ops/fourier.py`` (the formulas and the
derivation of their gradients are there): fft/ifft over any axes (FFTN), rfft of a real
input (RFFTN) and irfft back to a real signal (IRFFTN). hfft, ihfft and their 2-d and n-d
forms are those with a conjugate. Arguments as in PyTorch: ``n`` (one axis) or ``s``
(several) crop or zero-pad the input along the transformed axes (-1: keep the size); ``dim``
picks the axes; ``norm`` is "backward" (the default), "forward" or "ortho".
"""

import numpy as np

from . import creation, dtypes
from .errors import ArgumentRuntimeError, DTypeRuntimeError, ShapeError
from .ops.complex_numbers import COMPLEX_OF, conj
from .ops.elementwise import cast
from .ops.fourier import DUAL_NORM, FFTN, IRFFTN, RFFTN
from .ops.rearrange import roll
from .ops.shape import normalize_dim
from .tensor import Tensor

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "rfft2", "rfftn", "irfft", "irfft2", "irfftn",
           "hfft", "ihfft", "hfft2", "hfftn", "ihfft2", "ihfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]



def _as_float_kind(op, x, want):
    """x as the float dtype (want "f") or the complex dtype (want "c") of its precision;
    integers and bools become the default float first (PyTorch's rule)."""
    if not isinstance(x, Tensor):
        raise DTypeRuntimeError(f"{op}: expected a tensor, got {type(x).__name__}")
    kind = x.dtype.kind
    if kind in "biu":
        x, kind = cast(x, dtypes.default_float), "f"
    if x.dtype not in COMPLEX_OF and x.dtype not in COMPLEX_OF.values():
        raise DTypeRuntimeError(f"{op}: float32, float64, complex64 or complex128 tensors only, got dtype {x.dtype}")
    if want == "c" and kind == "f":
        return cast(x, COMPLEX_OF[x.dtype])
    if want == "f" and kind == "c":
        raise DTypeRuntimeError(f"{op} expects a real input tensor, got dtype {x.dtype}")
    return x


def _axes_and_sizes(op, x, s, dim, default_all=True):
    """(axes, sizes) as PyTorch resolves them: dim alone picks the axes (all of them when
    None), s alone the last len(s) axes; -1 in s keeps that axis's size."""
    if x.ndim == 0:
        raise ShapeError(f"{op}: a 0-d tensor has no dimension to transform")
    if dim is None:
        if s is not None:
            dim = tuple(range(-len(s), 0))
        else:
            dim = tuple(range(x.ndim)) if default_all else (-1,)
    dim = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    axes = tuple(normalize_dim(int(d), x.ndim, op) for d in dim)
    if len(set(axes)) != len(axes):
        raise ArgumentRuntimeError(f"{op}: dims {dim} name a dimension twice")
    if s is None:
        empty = [a for a in axes if x.shape[a] == 0]
        if empty:
            raise ShapeError(f"{op}: invalid number of data points (0) along dim {empty[0]} of shape {tuple(x.shape)}")
        return axes, None
    s = (s,) if isinstance(s, (int, np.integer)) else tuple(s)
    if len(s) != len(axes):
        raise ShapeError(f"{op}: s has {len(s)} sizes for {len(axes)} dims")
    sizes = tuple(x.shape[a] if n == -1 else int(n) for a, n in zip(axes, s))
    if any(n < 1 for n in sizes) or any(x.shape[a] == 0 for a in axes):
        raise ShapeError(f"{op}: invalid signal sizes {s} (each must be at least 1, or -1)")
    return axes, sizes


def _norm(op, norm):
    if norm is None:
        return "backward"
    if norm not in ("backward", "forward", "ortho"):
        raise ArgumentRuntimeError(f'{op}: norm must be "backward", "forward" or "ortho", got {norm!r}')
    return norm


def _c2c(op, x, s, dim, norm, inverse, default_all=True):
    x = _as_float_kind(op, x, "c")
    axes, sizes = _axes_and_sizes(op, x, s, dim, default_all)
    sizes = sizes or tuple(x.shape[a] for a in axes)
    return FFTN.apply(x, s=sizes, axes=axes, norm=_norm(op, norm), inverse=inverse)


def _r2c(op, x, s, dim, norm, default_all=True):
    x = _as_float_kind(op, x, "f")
    axes, sizes = _axes_and_sizes(op, x, s, dim, default_all)
    sizes = sizes or tuple(x.shape[a] for a in axes)
    return RFFTN.apply(x, s=sizes, axes=axes, norm=_norm(op, norm))


def _c2r(op, y, s, dim, norm, default_all=True):
    y = _as_float_kind(op, y, "c")
    axes, sizes = _axes_and_sizes(op, y, s, dim, default_all)
    if sizes is None:  # the last axis: a half spectrum of m bins is a signal of 2 (m - 1)
        sizes = tuple(y.shape[a] for a in axes[:-1]) + (2 * (y.shape[axes[-1]] - 1),)
    if sizes[-1] < 1:
        raise ShapeError(f"{op}: invalid output size {sizes[-1]} along dim {axes[-1]}")
    return IRFFTN.apply(y, s=sizes, axes=axes, norm=_norm(op, norm))


def _one(n):
    return None if n is None else (n,)


def fft(input, n=None, dim=-1, norm=None):
    return _c2c("fft", input, _one(n), dim, norm, inverse=False)


def ifft(input, n=None, dim=-1, norm=None):
    return _c2c("ifft", input, _one(n), dim, norm, inverse=True)


def fft2(input, s=None, dim=(-2, -1), norm=None):
    return _c2c("fft2", input, s, dim, norm, inverse=False)


def ifft2(input, s=None, dim=(-2, -1), norm=None):
    return _c2c("ifft2", input, s, dim, norm, inverse=True)


def fftn(input, s=None, dim=None, norm=None):
    return _c2c("fftn", input, s, dim, norm, inverse=False)


def ifftn(input, s=None, dim=None, norm=None):
    return _c2c("ifftn", input, s, dim, norm, inverse=True)


def rfft(input, n=None, dim=-1, norm=None):
    return _r2c("rfft", input, _one(n), dim, norm)


def rfft2(input, s=None, dim=(-2, -1), norm=None):
    return _r2c("rfft2", input, s, dim, norm)


def rfftn(input, s=None, dim=None, norm=None):
    return _r2c("rfftn", input, s, dim, norm)


def irfft(input, n=None, dim=-1, norm=None):
    return _c2r("irfft", input, _one(n), dim, norm)


def irfft2(input, s=None, dim=(-2, -1), norm=None):
    return _c2r("irfft2", input, s, dim, norm)


def irfftn(input, s=None, dim=None, norm=None):
    return _c2r("irfftn", input, s, dim, norm)


def hfft(input, n=None, dim=-1, norm=None):
    """The real transform of a Hermitian signal given by its first half: irfft of its
    conjugate, with the norm's scale on the other side (hfft(x, norm=m) = irfft(conj x, norm=dual m))."""
    norm = DUAL_NORM[_norm("hfft", norm)]
    return _c2r("hfft", conj(_as_float_kind("hfft", input, "c")), _one(n), dim, norm)


def ihfft(input, n=None, dim=-1, norm=None):
    """The inverse of hfft: conj(rfft(x)) with the dual norm."""
    norm = DUAL_NORM[_norm("ihfft", norm)]
    return conj(_r2c("ihfft", input, _one(n), dim, norm))


def hfft2(input, s=None, dim=(-2, -1), norm=None):
    """hfftn over two dims (the last two by default)."""
    return _hermitian_to_real("hfft2", input, s, dim, norm)


def hfftn(input, s=None, dim=None, norm=None):
    """The real n-d transform of a signal Hermitian over ``dim``, given by its first half along
    the last of them: irfftn of its conjugate with the dual norm, the n-d form of hfft (the
    forward transform of the full signal X is the conjugate of X's inverse one, times N)."""
    return _hermitian_to_real("hfftn", input, s, dim, norm)


def ihfft2(input, s=None, dim=(-2, -1), norm=None):
    """ihfftn over two dims (the last two by default)."""
    return _real_to_hermitian("ihfft2", input, s, dim, norm)


def ihfftn(input, s=None, dim=None, norm=None):
    """The inverse of hfftn: conj(rfftn(x)) with the dual norm (for a real x, ifftn(x) is
    conj(fftn(x)) / N), the last dim halved as rfftn halves it."""
    return _real_to_hermitian("ihfftn", input, s, dim, norm)


def _hermitian_to_real(op, input, s, dim, norm):
    return _c2r(op, conj(_as_float_kind(op, input, "c")), s, dim, DUAL_NORM[_norm(op, norm)])


def _real_to_hermitian(op, input, s, dim, norm):
    return conj(_r2c(op, input, s, dim, DUAL_NORM[_norm(op, norm)]))


def fftfreq(n, d=1.0, *, dtype=None, device=None, requires_grad=False):
    """The sample frequencies of an n-point fft: [0, 1, ..., ⌈n/2⌉ - 1, -⌊n/2⌋, ..., -1] / (d n)."""
    k = np.fft.fftfreq(int(n), d=float(d))
    return creation.tensor(k, dtype=dtype or dtypes.default_float, device=device, requires_grad=requires_grad)


def rfftfreq(n, d=1.0, *, dtype=None, device=None, requires_grad=False):
    """The sample frequencies of an n-point rfft: [0, 1, ..., ⌊n/2⌋] / (d n)."""
    k = np.fft.rfftfreq(int(n), d=float(d))
    return creation.tensor(k, dtype=dtype or dtypes.default_float, device=device, requires_grad=requires_grad)


def _shift(op, input, dim, sign):
    dims = tuple(range(input.ndim)) if dim is None else (dim,) if isinstance(dim, int) else tuple(dim)
    dims = tuple(normalize_dim(d, input.ndim, op) for d in dims)
    return roll(input, tuple(sign * (input.shape[d] // 2) for d in dims), dims)


def fftshift(input, dim=None):
    """The zero frequency moved to the middle: a roll by ⌊n/2⌋ along each dim (all by default)."""
    return _shift("fftshift", input, dim, 1)


def ifftshift(input, dim=None):
    """fftshift undone: a roll by -⌊n/2⌋."""
    return _shift("ifftshift", input, dim, -1)
