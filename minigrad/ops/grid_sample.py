"""grid_sample and affine_grid: read an image at arbitrary points (spatial transformers).

affine_grid(theta, size) lists, for every output pixel, the point of the input it should read:
the output's pixel centres in normalised coordinates (-1 = left/top edge, +1 = right/bottom),
moved by the affine map theta (N, 2, 3):

    grid[n, h, w] = theta[n] @ (x_w, y_h, 1)         (N, H, W, 2), x before y

with x_w = -1 + (2w + 1)/W (align_corners=False: pixel centres) or -1 + 2w/(W-1) (True:
corner pixels at -1 and 1). It is one matmul, so its gradient for theta is free.

grid_sample(input, grid) reads input (N, C, H, W) at those points. A grid point (x, y) is
first turned into pixel coordinates (align_corners=False: ix = ((x + 1) * W - 1) / 2;
True: ix = (x + 1) / 2 * (W - 1)), then, by padding_mode, kept as is ('zeros': points outside
read 0), clamped into [0, W-1] ('border') or reflected at the edges ('reflection'). Then

    bilinear:  y = sum over the 4 neighbours (x0 + a, y0 + b), a, b in {0, 1}, of
               input[y0 + b, x0 + a] * wx_a * wy_b,  wx_0 = x0 + 1 - ix, wx_1 = ix - x0
    nearest:   y = input[round(iy), round(ix)]         (round half to even, as PyTorch)
    bicubic:   y = sum over the 4 x 4 neighbours (x0 - 1 + a, y0 - 1 + b), a, b in 0..3, of
               input[...] * cx_a(ix - x0) * cy_b(iy - y0), with the cubic convolution weights of
               interpolate (A = -0.75); here padding_mode moves each neighbour (clamped or
               reflected into the image), not the point (4-D inputs only, as PyTorch)

with x0 = floor(ix); neighbours outside the image count as 0. 5-D inputs (N, C, D, H, W) with
grids (N, D', H', W', 3) work the same, with 8 neighbours (trilinear).

It is a composite: the weights are differentiable functions of the grid (floor is a constant
of the graph), the neighbours are read with gather, whose gradient scatter-adds into the
input. So dL/dinput = sum of G * weight at each neighbour, dL/dgrid = G * (input at the
neighbours) * (derivative of the weights), exactly PyTorch's gradients, and second
derivatives come for free. Nearest mode has no gradient for the grid (PyTorch's is 0 too).
"""

import itertools

import numpy as np  # shape arithmetic only

from ..errors import ArgumentError, DTypeError, ShapeError
from ..tensor import Tensor
from .elementwise import abs as _abs
from .elementwise import clamp, where
from .indexing import gather, getitem
from .interpolate import cubic_weights
from .linalg import matmul
from .shape import reshape

_MODES = ("bilinear", "nearest", "bicubic")
_PADDING_MODES = ("zeros", "border", "reflection")


# ---- affine_grid --------------------------------------------------------------------------------
def _base_coordinates(n, align_corners, xp, dtype):
    """The normalised coordinates of n pixel centres (or corners with align_corners)."""
    if n == 1:
        return xp.zeros(1, dtype=dtype)
    c = np.linspace(-1.0, 1.0, n)
    if not align_corners:
        c = c * (n - 1) / n
    return xp.asarray(c, dtype=dtype)


def affine_grid(theta, size, align_corners=False):
    """The sampling grid of the affine maps theta (N, 2, 3) for an output of size (N, C, H, W):
    (N, H, W, 2); or theta (N, 3, 4) and size (N, C, D, H, W): (N, D, H, W, 3).

    Composition: of reshape, F.matmul, sub, mul, div, add (no Function of its own).
    """
    op = "affine_grid"
    if not isinstance(theta, Tensor):
        raise TypeError(f"{op}: theta must be a Tensor, got {type(theta).__name__}")
    if theta.dtype.kind != "f":
        raise DTypeError(f"{op}: theta must be a floating point tensor, got dtype {theta.dtype}")
    size = tuple(int(s) for s in size)
    if len(size) not in (4, 5):
        raise ArgumentError(f"{op}: size must be (N, C, H, W) or (N, C, D, H, W), got {size}")
    spatial = len(size) - 2
    if tuple(theta.shape) != (size[0], spatial, spatial + 1):
        raise ShapeError(f"{op}: for size {size} theta must have shape ({size[0]}, {spatial}, {spatial + 1}), "
                         f"got {tuple(theta.shape)}")
    if any(s <= 0 for s in size[2:]):
        raise ShapeError(f"{op}: the spatial size {size[2:]} must be positive")
    xp, dtype = theta.xp, theta.dtype
    axes = [_base_coordinates(n, align_corners, xp, dtype) for n in size[2:]]  # D, H, W order
    mesh = xp.meshgrid(*axes, indexing="ij")
    # homogeneous points (x, y, [z,] 1): the fastest axis (W) first, as PyTorch's grid
    base = xp.stack([m for m in reversed(mesh)] + [xp.ones_like(mesh[0])], axis=-1).reshape(1, -1, spatial + 1)
    grid = matmul(Tensor._make(base), theta.mT)  # (N, points, spatial)
    return reshape(grid, (size[0],) + size[2:] + (spatial,))


# ---- grid_sample --------------------------------------------------------------------------------
def _unnormalize(c, n, align_corners):
    """Normalised coordinate in [-1, 1] -> pixel coordinate along an axis of n pixels."""
    if align_corners:
        return (c + 1) * ((n - 1) / 2)
    return ((c + 1) * n - 1) / 2


def _reflect(c, low2, high2):
    """c reflected into [low2/2, high2/2] (bounces back and forth, PyTorch's reflect_coordinates)."""
    if low2 == high2:
        return c * 0
    low, span = low2 / 2, (high2 - low2) / 2
    t = _abs(c - low)
    flips = c.xp.floor(t.array / span)  # how many times it bounced: a constant of the graph
    extra = t - Tensor._make((flips * span).astype(t.dtype))
    even = Tensor._make(flips % 2 == 0)
    return where(even, extra + low, (span + low) - extra)


def _pad_coordinate(c, n, padding_mode, align_corners):
    if padding_mode == "border":
        return clamp(c, 0, n - 1)
    if padding_mode == "reflection":
        c = _reflect(c, 0, 2 * (n - 1)) if align_corners else _reflect(c, -1, 2 * n - 1)
        return clamp(c, 0, n - 1)
    return c


def _read(plane, positions, sizes, out_shape):
    """input values at integer positions (one array per axis, (N, *out)); 0 outside the image.

    ``plane`` is the input as (N, C, H*W); returns (N, C, *out) and the inside mask (N, 1, *out).
    """
    xp = plane.xp
    inside = xp.ones(positions[0].shape, dtype=bool)
    flat = xp.zeros(positions[0].shape, dtype=xp.int64)
    for p, n, stride in zip(positions, sizes, _strides(sizes)):
        inside &= (p >= 0) & (p < n)
        flat += xp.clip(p, 0, n - 1).astype(xp.int64) * stride
    n, c = plane.shape[:2]
    index = xp.broadcast_to(flat.reshape(n, 1, -1), (n, c, flat[0].size))
    values = reshape(gather(plane, 2, index), (n, c) + out_shape)
    return values, inside.reshape((n, 1) + out_shape)


def _strides(sizes):
    return [int(np.prod(sizes[d + 1:])) for d in range(len(sizes))]


def _check_grid_sample(op, input, grid, mode, padding_mode):
    for name, t in (("input", input), ("grid", grid)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: {name} must be a Tensor, got {type(t).__name__}")
        if t.dtype.kind != "f":
            raise DTypeError(f"{op}: {name} must be a floating point tensor, got dtype {t.dtype}")
    if input.dtype != grid.dtype:
        raise DTypeError(f"{op}: input and grid must have the same dtype, got {input.dtype} and {grid.dtype}")
    if mode not in _MODES:
        raise ArgumentError(f"{op}: mode must be one of {_MODES}, got {mode!r}")
    if padding_mode not in _PADDING_MODES:
        raise ArgumentError(f"{op}: padding_mode must be one of {_PADDING_MODES}, got {padding_mode!r}")
    if input.ndim not in (4, 5):
        raise ShapeError(f"{op}: expected a 4-D (N, C, H, W) or 5-D (N, C, D, H, W) input, got shape "
                         f"{tuple(input.shape)}")
    spatial = input.ndim - 2
    if grid.ndim != input.ndim or grid.shape[-1] != spatial or grid.shape[0] != input.shape[0]:
        raise ShapeError(f"{op}: for an input of shape {tuple(input.shape)} the grid must have shape "
                         f"({input.shape[0]}, *out, {spatial}) with {spatial} output dimensions, got "
                         f"{tuple(grid.shape)}")
    if 0 in input.shape[2:]:
        raise ShapeError(f"{op}: the input of shape {tuple(input.shape)} has an empty spatial dimension")
    if mode == "bicubic" and spatial != 2:
        raise ArgumentError(f"{op}: bicubic interpolation needs a 4-D input, got shape {tuple(input.shape)}")


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Sample input (N, C, H, W) at the points grid (N, H', W', 2) -> (N, C, H', W').

    grid holds normalised (x, y) points: x = -1 is the left edge, y = -1 the top (see the module
    docstring). mode 'bilinear', 'nearest' or 'bicubic'; padding_mode 'zeros', 'border' or 'reflection';
    align_corners defaults to False. 5-D inputs take grids (N, D', H', W', 3) of (x, y, z) points.

    Composition: of sub, reshape, trunc, clamp, abs, floor, where (no Function of its own).
    """
    op = "grid_sample"
    _check_grid_sample(op, input, grid, mode, padding_mode)
    align_corners = bool(align_corners)
    spatial = input.ndim - 2
    sizes = tuple(input.shape[2:])
    out_shape = tuple(grid.shape[1:-1])
    xp = input.xp
    # pixel coordinate along each spatial axis (depth, height, width): grid's entries in reverse
    coords = [_unnormalize(getitem(grid, (Ellipsis, spatial - 1 - d)), n, align_corners)
              for d, n in enumerate(sizes)]
    plane = reshape(input, input.shape[:2] + (-1,))
    n = input.shape[0]
    if mode == "bicubic":
        return _bicubic(plane, coords, sizes, out_shape, padding_mode, align_corners)
    coords = [_pad_coordinate(c, n, padding_mode, align_corners) for c, n in zip(coords, sizes)]
    if mode == "nearest":
        positions = [xp.rint(c.array) for c in coords]
        values, inside = _read(plane, positions, sizes, out_shape)
        return values * Tensor._make(inside.astype(input.dtype))
    low = [xp.floor(c.array) for c in coords]
    out = None
    for corner in itertools.product((0, 1), repeat=spatial):
        positions = [lo + a for lo, a in zip(low, corner)]
        values, inside = _read(plane, positions, sizes, out_shape)
        weight = None
        for c, lo, a in zip(coords, low, corner):  # (x0 + 1 - ix) or (ix - x0) along each axis
            lo = Tensor._make(lo.astype(c.dtype))
            w = c - lo if a else (lo + 1) - c
            weight = w if weight is None else weight * w
        weight = reshape(weight, (n, 1) + out_shape) * Tensor._make(inside.astype(input.dtype))
        term = values * weight
        out = term if out is None else out + term
    return out


def _bicubic(plane, coords, sizes, out_shape, padding_mode, align_corners):
    """The 4 x 4 neighbours of each point, weighted by the cubic weights of its fractions."""
    xp = plane.xp
    n = plane.shape[0]
    low = [xp.floor(c.array) for c in coords]
    weights = [cubic_weights(c - Tensor._make(lo.astype(c.dtype))) for c, lo in zip(coords, low)]
    out = None
    for taps in itertools.product(range(4), repeat=len(sizes)):
        positions = []
        for lo, tap, size in zip(low, taps, sizes):  # the neighbour, moved into the image by padding_mode
            p = Tensor._make((lo + (tap - 1)).astype(coords[0].dtype))
            positions.append(xp.trunc(_pad_coordinate(p, size, padding_mode, align_corners).array))
        values, inside = _read(plane, positions, sizes, out_shape)
        weight = None
        for w, tap in zip(weights, taps):
            weight = w[tap] if weight is None else weight * w[tap]
        weight = reshape(weight, (n, 1) + out_shape) * Tensor._make(inside.astype(plane.dtype))
        term = values * weight
        out = term if out is None else out + term
    return out


TENSOR_METHODS = {}
