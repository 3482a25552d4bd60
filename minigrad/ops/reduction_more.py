"""More reductions: prod, all, any, count_nonzero, aminmax, var_mean, std_mean, nansum, nanmean.

``dim`` is an int, a tuple of ints or None (all dims), as in ``reduction``; prod takes an int
or None, as PyTorch's. all/any/count_nonzero give bools and counts: not differentiable, as in
PyTorch. The rest are compositions of differentiable ops except prod, whose gradient needs
care at zeros (see Prod).

Notation (docs/notation.md): z is the output, g = dL/dz the incoming gradient.
"""

from collections import namedtuple

from ..autograd.function import Function
from ..errors import UnsupportedDType
from ..tensor import Tensor
from .elementwise import cast, constant, where
from .reduction import amax, amin, expand_back, mean, reduce_axes, std, sum, var
from .shape import normalize_dim, reshape


class Prod(Function):
    """z = prod_i x_i over one dim (or over all elements, flattened to one dim first).

    dz/dx_j = prod_{i != j} x_i, the product of the others, so dL/dx = g broadcast back * others.
    - no zero in x: others_j = z / x_j;
    - some zero: z / x_j would be 0/0, so others_j = (product of the x_i before j) * (product of
      those after j): exclusive cumprods from both ends, which are right for any zeros (one zero:
      only its own slot gets a nonzero gradient; two or more: every gradient is 0).
    Both are minigrad ops (cumprod is differentiable at zeros too), so prod has second derivatives.
    """

    @staticmethod
    def forward(ctx, x, axis, keepdims):
        ctx.axis = axis
        z = x.prod(axis=axis, keepdims=keepdims)
        ctx.save_for_backward(x, z)
        return z

    @staticmethod
    def backward(ctx, g):
        x, z = ctx.saved_tensors
        axis = ctx.axis
        g = expand_back(g, x.shape, (axis,))
        if not bool((x.array == 0).any()):
            return g * expand_back(z, x.shape, (axis,)) / x
        return g * _product_of_others(x, axis)


def _product_of_others(x, axis):
    """prod_{i != j} x_i along ``axis`` for every j, without division: exclusive cumprods."""
    from .scan import cumprod
    from .shape import cat

    n = x.shape[axis]
    head = (slice(None),) * axis
    ones = constant(x.xp.ones(x.shape[:axis] + (1,) + x.shape[axis + 1:], dtype=x.dtype))
    before = cat([ones, cumprod(x[head + (slice(0, n - 1),)], axis)], axis)  # prod_{i < j}
    flipped = x[head + (slice(None, None, -1),)]
    after = cat([ones, cumprod(flipped[head + (slice(0, n - 1),)], axis)], axis)
    return before * after[head + (slice(None, None, -1),)]  # prod_{i > j}, flipped back


def prod(input, dim=None, keepdim=False, *, dtype=None):
    """The product over ``dim`` (an int) or of all elements; integers and bools multiply as int64."""
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"prod: dim must be an int or None, got {dim}")
    x = input
    if dtype is not None:
        x = cast(x, dtype)
    elif x.dtype.kind in "biu":
        x = cast(x, "int64")  # as PyTorch: no overflow of small integer types
    if dim is None:
        flat = reshape(x, (-1,)) if x.ndim else reshape(x, (1,))
        z = Prod.apply(flat, axis=0, keepdims=False)
        return reshape(z, (1,) * x.ndim) if keepdim else z
    if x.ndim == 0:
        normalize_dim(dim, 1, "prod")  # a 0-d tensor takes dim 0 or -1, as in PyTorch
        return x.clone()
    return Prod.apply(x, axis=normalize_dim(dim, x.ndim, "prod"), keepdims=keepdim)


# ---- logic and counts (not differentiable) --------------------------------------------------------------
def _logical_reduce(x, dim, keepdim, fn, op):
    xp = x.xp
    axes = reduce_axes(x, dim, op, empty_means_all=False)
    out = getattr(xp, fn)(x.array, axis=axes, keepdims=keepdim)
    # PyTorch keeps uint8 as uint8 here (an old convention); every other dtype gives bool
    return Tensor._make(xp.asarray(out, dtype="uint8" if x.dtype == "uint8" else bool))


def all(input, dim=None, keepdim=False):
    """True where every element over ``dim`` is nonzero (an empty reduction is True)."""
    return _logical_reduce(input, dim, keepdim, "all", "all")


def any(input, dim=None, keepdim=False):
    """True where some element over ``dim`` is nonzero (an empty reduction is False)."""
    return _logical_reduce(input, dim, keepdim, "any", "any")


def count_nonzero(input, dim=None):
    """The number of nonzero elements over ``dim``, as int64."""
    xp = input.xp
    axes = reduce_axes(input, dim, "count_nonzero")
    return Tensor._make(xp.asarray((input.array != 0).sum(axis=axes), dtype="int64"))


# ---- pairs of reductions ------------------------------------------------------------------------
aminmax_result = namedtuple("aminmax", ["min", "max"])


def aminmax(input, *, dim=None, keepdim=False):
    """(amin, amax) over ``dim`` (an int or None) in one call; ties share gradients as in amax."""
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"aminmax: dim must be an int or None, got {dim}")
    return aminmax_result(amin(input, dim, keepdim), amax(input, dim, keepdim))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) over ``dim``; ``correction``/``unbiased`` as in var."""
    if isinstance(dim, bool):  # var_mean(x, False): the old (input, unbiased) form
        dim, unbiased = None, dim
    return (var(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) over ``dim``; ``correction``/``unbiased`` as in std."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return (std(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim))


# ---- NaN-ignoring sums ------------------------------------------------------------------------------
def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """The sum over ``dim`` with NaNs counted as 0: sum(where(isnan(x), 0, x)), a composition,
    so dL/dx = g where x is a number and 0 at the NaNs (PyTorch's rule)."""
    x = input
    if x.dtype.kind == "f":
        x = where(constant(x.xp.isnan(x.array)), 0.0, x)
    return sum(x, dim, keepdim, dtype=dtype)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """The mean over ``dim`` of the elements that are not NaN: nansum / their count.

    A slice of NaNs only has mean NaN (0 / 0); its elements get gradient 0 (nothing in it moves
    the result), where PyTorch's is NaN.
    """
    x = input if dtype is None else cast(input, dtype)
    if x.dtype.kind != "f":
        raise UnsupportedDType(f"nanmean: needs a floating point tensor, got dtype {x.dtype}")
    count = Tensor._make(x.xp.asarray((~x.xp.isnan(x.array)).sum(axis=reduce_axes(x, dim, "nanmean"),
                                                                  keepdims=keepdim), dtype=x.dtype))
    return nansum(x, dim, keepdim) / count


TENSOR_METHODS = {
    "prod": prod, "all": all, "any": any, "count_nonzero": count_nonzero, "aminmax": aminmax,
    "nansum": nansum, "nanmean": nanmean,
}
