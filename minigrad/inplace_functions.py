"""PyTorch's top-level in-place functions: ``minigrad.exp_(t)`` is ``t.exp_()``.

PyTorch keeps a function beside many in-place Tensor methods, and ``torch.f_(t, *args)``
does exactly what ``t.f_(*args)`` does: it writes into t, under the rules of every in-place
op (the version counter moves, a leaf that requires grad is refused, a view rewrites its
base's history: ops/inplace.py), and returns t itself. So each function here calls the
Tensor method of its name (of t's own class, so a sparse tensor's ``detach_`` is its own);
none is written again. Two more are not of that form: ``dropout_(t, p, train)`` is
``F.dropout`` with ``inplace=True``, and ``fill(t, value)`` is out of place.
"""

from .errors import ArgumentTypeError
from .ops.dropout import dropout
from .tensor import Tensor

#: The in-place functions PyTorch has at the top level that are ``t.name(...)``.
METHOD_NAMES = (
    "abs_", "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_", "asin_",
    "asinh_", "atan_", "atanh_", "ceil_", "clamp_", "clamp_max_", "clamp_min_", "clip_", "cos_", "cosh_",
    "deg2rad_", "rad2deg_", "erf_", "erfc_", "exp_", "exp2_", "expm1_", "fix_", "floor_", "frac_", "gcd_",
    "lcm_", "ldexp_", "i0_", "log_", "log10_", "log1p_", "log2_", "logit_", "nan_to_num_", "neg_", "negative_",
    "reciprocal_", "round_", "rsqrt_", "sin_", "sinc_", "sinh_", "sqrt_", "square_", "tan_", "trunc_",
    "xlogy_", "zero_", "fill_", "detach_", "index_put_",
)


def _from_method(name):
    def function(input, *args, **kwargs):
        if not isinstance(input, Tensor):
            raise ArgumentTypeError(f"{name}(): argument 'input' must be a Tensor, not {type(input).__name__}")
        return getattr(input, name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``minigrad.{name}(input, ...)`` is ``input.{name}(...)``: in place; returns input."
    function.__wrapped__ = getattr(Tensor, name)  # for inspect and the op index: what it runs
    return function


def dropout_(input, p, train):
    """F.dropout(input, p, train, inplace=True): zero elements of input in place, scale the rest."""
    return dropout(input, p, train, inplace=True)


def fill(input, value):
    """A new tensor of input's shape and dtype with every element ``value`` (a number or 0-d tensor).

    Composition: a clone of input, filled in place. As in PyTorch, value (when a tensor that
    requires grad) gets the sum of the gradient, and input gets zero.
    """
    return input.clone().fill_(value)


FUNCTIONS = {name: _from_method(name) for name in METHOD_NAMES}
FUNCTIONS.update(dropout_=dropout_, fill=fill)
