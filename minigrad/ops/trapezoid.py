"""The trapezoidal rule along one dim: trapezoid (and its old name trapz), cumulative_trapezoid.

Composed of differentiable ops (narrow, +, *, sum / cumsum), so autograd gives the backward:
    trapezoid(y) = sum_k (y_k + y_{k+1}) / 2 * dx_k,   dx_k = x_{k+1} - x_k (or the constant dx)
    d/dy_k = (dx_{k-1} + dx_k) / 2 (one term at either end);  d/dx_k = (y_{k-1} - y_{k+1}) / 2 inside.
cumulative_trapezoid keeps the running sums (cumsum instead of sum), one fewer than y along dim.
Integer y gives the default float dtype, as in PyTorch.
"""

from ..dtypes import get_default_dtype
from ..errors import ArgumentTypeError, ShapeError
from .elementwise import cast
from .scan import cumsum
from .shape import normalize_dim


def _areas(y, x, dx, dim, op):
    """The area of each trapezoid along ``dim`` (n - 1 of them) and the normalized dim."""
    if x is not None and dx is not None:
        raise ArgumentTypeError(f"{op}: give either the sample points x or the spacing dx, not both")
    d = normalize_dim(dim, y.ndim, op)
    if y.dtype.kind != "f":
        y = cast(y, get_default_dtype())
    n = y.shape[d] if y.ndim else 1
    m = max(n - 1, 0)
    heights = (y.narrow(d, 1, m) + y.narrow(d, 0, m)) * 0.5
    if x is None:
        return heights * (1.0 if dx is None else dx), d
    if x.ndim == 1:  # 1-d sample points lie along dim and broadcast over the other dims
        if x.shape[0] != n:
            raise ShapeError(f"{op}: x has {x.shape[0]} points but y has {n} along dim {dim}")
        widths = (x.narrow(0, 1, m) - x.narrow(0, 0, m)).reshape((m,) + (1,) * (y.ndim - d - 1))
    else:
        widths = x.narrow(d, 1, m) - x.narrow(d, 0, m)
    return heights * widths, d


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """torch.trapezoid: the integral of y along ``dim`` by the trapezoidal rule."""
    areas, d = _areas(y, x, dx, dim, "trapezoid")
    return areas.sum(d)


def trapz(y, x=None, *, dx=None, dim=-1):
    """torch.trapz: the old name of trapezoid."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """torch.cumulative_trapezoid: the running integral of y along ``dim`` (n - 1 values)."""
    areas, d = _areas(y, x, dx, dim, "cumulative_trapezoid")
    return cumsum(areas, d)
