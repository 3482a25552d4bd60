"""torch.gradient: the derivative of sampled values, by finite differences (as numpy.gradient).

For values f_i = f(x_i) sampled along one dimension, with steps h_l = x_i - x_(i-1) and
h_r = x_(i+1) - x_i, Taylor's theorem at x_i gives

    f_(i+1) = f_i + h_r f' + h_r^2 f''/2 + O(h^3),    f_(i-1) = f_i - h_l f' + h_l^2 f''/2 + O(h^3)

and eliminating f'' leaves the second-order central difference for the inside points:

    f'(x_i) ~ (h_l^2 f_(i+1) - h_r^2 f_(i-1) + (h_r^2 - h_l^2) f_i) / (h_l h_r (h_l + h_r))
            = a f_(i-1) + b f_i + c f_(i+1),
    a = -h_r / (h_l (h_l + h_r)),  b = (h_r - h_l) / (h_l h_r),  c = h_l / (h_r (h_l + h_r))

(computed as the three coefficients, as PyTorch does, so that a repeated coordinate, a step
of 0, gives PyTorch's signed infinities), which for an even step h is (f_(i+1) - f_(i-1)) / 2h. At the two ends there is one side only:

    edge_order=1:  f'(x_0) ~ (f_1 - f_0) / h_1                  (first order)
    edge_order=2:  f'(x_0) ~ a f_0 + b f_1 + c f_2,  the derivative at x_0 of the parabola
                   through the first three samples:
                   a = -(2 h_1 + h_2) / (h_1 (h_1 + h_2)),  b = (h_1 + h_2) / (h_1 h_2),
                   c = -h_1 / (h_2 (h_1 + h_2))              (even h: (-3 f_0 + 4 f_1 - f_2) / 2h)

and the mirror images at the last sample. The coordinates x come from ``spacing``: a scalar
h (x_i = i h, for every dimension), one scalar per dimension, or one 1-d tensor of
coordinates per dimension.

A composition: slices of the input along the dimension, scaled and added, then joined with
cat. So it is differentiable in the input (and in coordinate tensors), twice and more.

Notation: docs/notation.md.
"""

import numbers

from ..errors import ArgumentRuntimeError, ArgumentTypeError, DTypeError, ShapeError
from .indexing import getitem
from .shape import cat, normalize_dim, reshape


def _along(x, dim, start, stop=None):
    """x[..., start:stop, ...] with the slice on axis ``dim``."""
    index = [slice(None)] * x.ndim
    index[dim] = slice(start, stop)
    return getitem(x, tuple(index))


def _uniform(f, dim, h, edge_order):
    """The derivative along ``dim`` of samples a step ``h`` apart."""
    inside = (_along(f, dim, 2) - _along(f, dim, 0, -2)) / (2 * h)
    f0, f1, f2 = _along(f, dim, 0, 1), _along(f, dim, 1, 2), _along(f, dim, 2, 3) if edge_order == 2 else None
    g1, g2, g3 = _along(f, dim, -1), _along(f, dim, -2, -1), _along(f, dim, -3, -2) if edge_order == 2 else None
    if edge_order == 1:
        first, last = (f1 - f0) / h, (g1 - g2) / h
    else:
        first, last = (-1.5 * f0 + 2 * f1 - 0.5 * f2) / h, (0.5 * g3 - 2 * g2 + 1.5 * g1) / h
    return cat([first, inside, last], dim)


def _coordinates(f, dim, x, edge_order):
    """The derivative along ``dim`` of samples at the coordinates x (a 1-d tensor)."""
    trailing = (1,) * (f.ndim - 1 - dim)  # the steps laid along ``dim``, broadcast over the rest
    dx = _along(x, 0, 1) - _along(x, 0, 0, -1)  # the N - 1 steps x_(i+1) - x_i

    def steps(start, stop=None):
        d = _along(dx, 0, start, stop)
        return reshape(d, (d.shape[0],) + trailing)

    hl, hr = steps(0, -1), steps(1)  # h_l and h_r of each inside point
    inside = (-hr / (hl * (hl + hr)) * _along(f, dim, 0, -2) + (hr - hl) / (hl * hr) * _along(f, dim, 1, -1)
              + hl / (hr * (hl + hr)) * _along(f, dim, 2))
    f0, f1, g1, g2 = _along(f, dim, 0, 1), _along(f, dim, 1, 2), _along(f, dim, -1), _along(f, dim, -2, -1)
    h1, hn = steps(0, 1), steps(-1)  # the first and the last step
    if edge_order == 1:
        return cat([(f1 - f0) / h1, inside, (g1 - g2) / hn], dim)
    f2, g3 = _along(f, dim, 2, 3), _along(f, dim, -3, -2)
    h2, hm = steps(1, 2), steps(-2, -1)  # the second and the second-to-last step
    first = (-(2 * h1 + h2) / (h1 * (h1 + h2)) * f0 + (h1 + h2) / (h1 * h2) * f1 - h1 / (h2 * (h1 + h2)) * f2)
    last = (hn / (hm * (hm + hn)) * g3 - (hm + hn) / (hm * hn) * g2 + (2 * hn + hm) / (hn * (hm + hn)) * g1)
    return cat([first, inside, last], dim)


def _spacings(op, input, spacing, dims):
    """One spacing per dimension in ``dims``: a float step, or a 1-d coordinate tensor."""
    from ..tensor import Tensor

    if isinstance(spacing, Tensor) and spacing.ndim == 0:
        spacing = spacing.item()
    if isinstance(spacing, numbers.Number):
        return [spacing] * len(dims)
    if not isinstance(spacing, (list, tuple)):
        raise ArgumentRuntimeError(f"{op}: spacing must be a scalar, a list of scalars or a list of 1-d tensors, "
                                   f"got {type(spacing).__name__}")
    if len(spacing) != len(dims):
        given = "the dim argument" if len(dims) != input.ndim else f"'input.dim() = {input.ndim}'"
        raise ArgumentRuntimeError(f"{op}: expected spacing to be unspecified, a scalar, or a list of length "
                                   f"{len(dims)} (that of {given}), but got a list of length {len(spacing)}")
    out = []
    for d, s in zip(dims, spacing):
        if isinstance(s, Tensor):
            if s.ndim != 1:
                raise ShapeError(f"{op}: expected each element of spacing to have one dimension, but got an "
                                 f"element of shape {tuple(s.shape)}")
            if s.shape[0] != input.shape[d]:
                raise ShapeError(f"{op}: the coordinates for dimension {d} have {s.shape[0]} entries, but the input "
                                 f"(shape {tuple(input.shape)}) has {input.shape[d]} samples along it")
        elif not isinstance(s, numbers.Number):
            raise ArgumentRuntimeError(f"{op}: each element of spacing must be a scalar or a 1-d tensor, got "
                                       f"{type(s).__name__}")
        out.append(s)
    return out


def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """The partial derivatives of the samples ``input`` along each dimension of ``dim`` (all of
    them by default), like torch.gradient: a tuple of tensors of input's shape.

    Second-order central differences inside, first- or second-order (``edge_order``) one-sided
    ones at the ends (module docstring). ``spacing``: a scalar (the step of every dimension), a
    list of scalars or of 1-d coordinate tensors, one per dimension of ``dim``. Each of those
    dimensions needs at least edge_order + 1 samples. Integer inputs give the default float
    dtype.
    """
    from .. import dtypes
    from ..tensor import Tensor
    from .elementwise import cast

    op = "torch.gradient"
    if not isinstance(input, Tensor):
        raise ArgumentTypeError(f"{op}: input must be a tensor, got {type(input).__name__}")
    if edge_order not in (1, 2) or isinstance(edge_order, bool):
        raise ArgumentRuntimeError(f"{op} only supports edge_order=1 and edge_order=2, got {edge_order!r}")
    if dim is None:
        dims = list(range(input.ndim))
    else:
        dims = [normalize_dim(d, input.ndim, op) for d in ([dim] if isinstance(dim, int) else dim)]
        if len(set(dims)) != len(dims):
            raise ArgumentRuntimeError(f"{op}: dim {dim!r} names a dimension more than once")
    for d in dims:
        if input.shape[d] < edge_order + 1:
            raise ShapeError(f"{op} expected each dimension size to be at least edge_order+1 = {edge_order + 1}, "
                             f"but dimension {d} of input (shape {tuple(input.shape)}) has size {input.shape[d]}")
    spacings = _spacings(op, input, spacing, dims)
    for name, t in [("input", input)] + [("a coordinate tensor", s) for s in spacings if isinstance(s, Tensor)]:
        if t.dtype.kind == "b":  # differences of bools are not defined (PyTorch refuses them too)
            raise DTypeError(f"{op}: {name} is bool; differences need numbers (convert it with .float())")
    f = input if input.dtype.kind in "fc" else cast(input, dtypes.get_default_dtype())
    out = []
    for d, s in zip(dims, spacings):
        if isinstance(s, Tensor):
            # integer coordinates take the default float; the input meets them as it is, so the
            # result has the promoted dtype of the two (integers with float16 coordinates: float16)
            x = s if s.dtype.kind in "fc" else cast(s, dtypes.get_default_dtype())
            out.append(_coordinates(input, d, x, edge_order))
        else:
            out.append(_uniform(f, d, s, edge_order))
    return tuple(out)


TENSOR_METHODS = {}  # torch.gradient is a function only (there is no Tensor.gradient)
