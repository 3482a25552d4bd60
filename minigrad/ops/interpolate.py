"""interpolate (and its old name upsample): resize the spatial axes of (N, C, *spatial) inputs.

Every mode is separable: the output is the input resampled along each spatial axis in turn,
and along one axis of length L resized to O each output o is a weighted sum of a few inputs,

    y[o] = sum_t  w[o, t] * x[idx[o, t]]          (T = 1, 2 or 4 taps per output)

with the index array idx (O, T) and the weights w (O, T) depending only on the sizes, never on
x. So it is written with getitem (a gather with an integer array) and a multiply-add: a
composite, whose gradient is the transpose of the interpolation, the scatter-add

    dL/dx[l] = sum over (o, t) with idx[o, t] = l of  w[o, t] * G[o]

that getitem's backward does (bincount), and whose second derivative is free. The source
coordinate of output o follows PyTorch exactly (``scale`` is L/O, or 1/scale_factor when
a scale_factor is given and recompute_scale_factor is not True):

- nearest:        idx = min(floor(o * scale), L - 1)                 (float32 arithmetic, as PyTorch)
- nearest-exact:  idx = min(floor((o + 0.5) * scale), L - 1)
- linear:         src = (o + 0.5) * scale - 0.5, clamped at 0 (align_corners: src = o * (L-1)/(O-1));
                  taps floor(src) and floor(src) + 1 (the last index repeats at the edge) with
                  weights 1 - f and f, f = src - floor(src)
- cubic:          src as for linear but not clamped; taps floor(src) - 1 .. floor(src) + 2, each
                  index clamped into [0, L-1]; Keys' cubic convolution weights with A = -0.75
- area:           adaptive average pooling to the output size (adaptive_pooling.py).

'bilinear' and 'trilinear' are 'linear' along two and three axes, 'bicubic' is 'cubic' along two.
"""

import math

import numpy as np  # index and weight arithmetic on the host, from the sizes only

from ..errors import ArgumentError, DTypeError, UnknownMode
from ..tensor import Tensor
from .adaptive_pooling import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d
from .indexing import getitem
from .reduction import sum as _sum

_MODES = {"nearest": None, "nearest-exact": None, "area": None, "linear": 1, "bilinear": 2, "bicubic": 2,
          "trilinear": 3}
CUBIC_A = -0.75  # PyTorch's (and OpenCV's) choice of the free parameter of Keys' cubic kernel


def cubic_weights(f):
    """The four weights of taps floor(src) - 1 .. floor(src) + 2 for the fraction f = src - floor(src),
    as a list; f may be an array or a Tensor (grid_sample differentiates them through f).

    Keys' kernel: W(d) = (A+2)|d|^3 - (A+3)|d|^2 + 1 for |d| <= 1, A|d|^3 - 5A|d|^2 + 8A|d| - 4A
    for 1 < |d| < 2, at the distances d = 1 + f, f, 1 - f, 2 - f.
    """
    a = CUBIC_A

    def near(d):
        return ((a + 2) * d - (a + 3)) * d * d + 1

    def far(d):
        return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a

    return [far(f + 1), near(f), near(1 - f), far(2 - f)]


def _taps(mode, n, o, scale, align_corners):
    """(idx, weights) of shape (O, T) for one axis of length n resized to o; weights None for nearest."""
    dst = np.arange(o)
    if mode in ("nearest", "nearest-exact"):
        s = np.float32(1.0 / scale if scale is not None else n / o)  # PyTorch computes these in float32
        shift = np.float32(0.5 if mode == "nearest-exact" else 0.0)
        idx = np.floor((dst.astype(np.float32) + shift) * s).astype(np.int64)
        if mode == "nearest" and o == 2 * n:  # PyTorch's shortcut (exact: o >> 1)
            idx = dst // 2
        if o == n:
            idx = dst
        return np.minimum(idx, n - 1)[:, None], None
    if align_corners:
        src = dst * ((n - 1) / (o - 1) if o > 1 else 0.0)
    else:
        src = ((1.0 / scale) if scale is not None else n / o) * (dst + 0.5) - 0.5
        if mode == "linear":
            src = np.maximum(src, 0.0)
    if mode == "linear":
        low = np.minimum(np.floor(src).astype(np.int64), n - 1)
        f = np.clip(src - low, 0.0, 1.0)
        high = np.where(low < n - 1, low + 1, low)
        return np.stack([low, high], axis=-1), np.stack([1 - f, f], axis=-1)
    low = np.floor(src).astype(np.int64)
    idx = np.clip(low[:, None] + np.arange(-1, 3), 0, n - 1)
    return idx, np.stack(cubic_weights(src - low), axis=-1)


def _resample(x, axis, idx, weights):
    """Resample x along ``axis`` with the (O, T) taps: y[o] = sum_t w[o, t] * x[idx[o, t]]."""
    xp = x.xp
    if weights is None:  # one tap of weight 1: a plain gather
        return getitem(x, (slice(None),) * axis + (xp.asarray(idx[:, 0]),))
    picked = getitem(x, (slice(None),) * axis + (xp.asarray(idx),))  # (..., O, T, ...)
    w = weights.reshape(weights.shape + (1,) * (x.ndim - axis - 1))
    return _sum(picked * Tensor._make(xp.asarray(w, dtype=x.dtype)), axis + 1)


def _spatial_list(op, value, spatial, name):
    if isinstance(value, (list, tuple)):
        if len(value) != spatial:
            raise ArgumentError(f"{op}: {name} {tuple(value)} must have {spatial} entries, one per spatial "
                                f"dimension of the input")
        return list(value)
    return [value] * spatial


def _output_sizes(op, sizes, size, scale_factor, recompute_scale_factor):
    """The output sizes and the scale factors the source coordinates use (None: L/O)."""
    spatial = len(sizes)
    if (size is None) == (scale_factor is None):
        raise ArgumentError(f"{op}: give either size or scale_factor"
                            + (", not both" if size is not None else ""))
    if size is not None:
        if recompute_scale_factor:
            raise ArgumentError(f"{op}: recompute_scale_factor is not meaningful with an explicit size")
        out = [int(s) for s in _spatial_list(op, size, spatial, "size")]
        if any(s <= 0 for s in out):
            raise ArgumentError(f"{op}: the output size {tuple(out)} must be positive")
        return out, [None] * spatial
    scales = [float(s) for s in _spatial_list(op, scale_factor, spatial, "scale_factor")]
    if any(not (s > 0 and math.isfinite(s)) for s in scales):
        raise ArgumentError(f"{op}: scale_factor must be positive and finite, got {scale_factor!r}")
    out = [int(math.floor(n * s)) for n, s in zip(sizes, scales)]
    if any(s <= 0 for s in out):
        raise ArgumentError(f"{op}: scale_factor {scale_factor!r} makes the output size {tuple(out)} of an input "
                            f"of spatial size {tuple(sizes)} empty")
    return out, ([None] * spatial if recompute_scale_factor else scales)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize input (N, C, L), (N, C, H, W) or (N, C, D, H, W) to ``size`` or by ``scale_factor``.

    mode: 'nearest', 'nearest-exact', 'linear' (3-D input), 'bilinear' or 'bicubic' (4-D),
    'trilinear' (5-D), 'area'. ``align_corners`` (linear and cubic modes only; default False):
    True maps the corner pixels' centres onto each other. With a scale_factor the output size is
    floor(L * scale_factor) and the coordinates use 1/scale_factor, unless
    recompute_scale_factor=True (then L/O). See the module docstring for the formulas.
    antialias=True (PyTorch's low-pass filter when downsampling) is not supported.

    Composition: of mul, floor, add, F.adaptive_avg_pool1d, F.adaptive_avg_pool2d, F.adaptive_avg_pool3d,
    minimum (no Function of its own).
    """
    op = "interpolate"
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    if mode not in _MODES:
        raise UnknownMode(f"{op}: mode must be one of {tuple(_MODES)}, got {mode!r}")
    if input.ndim not in (3, 4, 5):
        raise UnknownMode(f"{op}: only 3-D, 4-D and 5-D inputs (N, C, *spatial) are supported, got shape "
                          f"{tuple(input.shape)}")
    spatial = input.ndim - 2
    if _MODES[mode] is not None and _MODES[mode] != spatial:
        raise UnknownMode(f"{op}: got a {input.ndim}-D input, but {mode} mode needs a {_MODES[mode] + 2}-D input")
    if mode in ("nearest", "nearest-exact", "area"):
        if align_corners is not None:
            raise ArgumentError(f"{op}: align_corners can only be set with the interpolating modes linear, "
                                f"bilinear, bicubic and trilinear, not {mode!r}")
    elif align_corners is None:
        align_corners = False
    if antialias:
        raise UnknownMode(f"{op}: antialias=True is not supported")
    if input.dtype.kind != "f" and mode not in ("nearest", "nearest-exact"):
        raise DTypeError(f"{op}: {mode} mode needs a floating point input, got dtype {input.dtype}")
    sizes = tuple(input.shape[2:])
    out, scales = _output_sizes(op, sizes, size, scale_factor, recompute_scale_factor)
    if mode == "area":
        return (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[spatial - 1](input, tuple(out))
    kind = {"bilinear": "linear", "trilinear": "linear", "bicubic": "cubic"}.get(mode, mode)
    y = input
    for d, (n, o, s) in enumerate(zip(sizes, out, scales)):
        if kind in ("nearest", "nearest-exact") and n == o:
            continue
        idx, weights = _taps(kind, n, o, s, align_corners)
        y = _resample(y, 2 + d, idx, weights)
    return y


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """The old name of interpolate (deprecated in PyTorch, kept for old code).

    Composition: F.interpolate (no Function of its own).
    """
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """The old name of interpolate(mode="nearest").

    Composition: F.interpolate (no Function of its own).
    """
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """The old name of interpolate(mode="bilinear", align_corners=True) (the corners aligned, as
    this old function always did).

    Composition: F.interpolate (no Function of its own).
    """
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


TENSOR_METHODS = {}
