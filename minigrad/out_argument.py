"""PyTorch's ``out=`` argument: ``minigrad.add(a, b, out=c)`` writes the result into c.

The op runs as usual and its result is then copied into ``out``, which is returned. PyTorch's
rules, kept here:
- the result must be castable to out's dtype by ``can_cast`` (a float result into an integer
  ``out`` is refused: it would silently truncate);
- an ``out`` of another shape is resized, with a warning unless it held no elements;
- out= is not differentiable: with grad mode on, an op whose inputs require grad (or an
  ``out`` that does) raises before anything is written;
- an op that returns several tensors (``max(x, dim)``, ``sort``, ``topk``, ...) takes a tuple
  of as many ``out`` tensors.

``with_out`` wraps a function that has no ``out`` parameter of its own; the package applies it
to the names in OUT_FUNCTIONS, the functions PyTorch gives an ``out=`` (at the top level and
in ``minigrad.linalg`` and ``minigrad.special``).
"""

import functools
import warnings

from .autograd.grad_mode import is_grad_enabled, no_grad
from .dtypes import can_cast
from .errors import ArgumentTypeError, DTypeRuntimeError, GraphError
from .tensor import Tensor

# The functions of PyTorch's top-level namespace that take out=, by name (those minigrad has).
OUT_FUNCTIONS = (
    "abs absolute acos acosh add addbmm addcdiv addcmul addmm addmv addr all amax amin aminmax angle any arange "
    "arccos arccosh arcsin arcsinh arctan arctan2 arctanh argmax argmin asin asinh atan atan2 atanh baddbmm "
    "bitwise_and bitwise_left_shift bitwise_not bitwise_or bitwise_right_shift bitwise_xor bmm bucketize cat ceil "
    "chain_matmul cholesky cholesky_inverse cholesky_solve clamp clamp_max clamp_min clip column_stack complex "
    "concat concatenate conj_physical copysign cos cosh cross cummax cummin cumprod cumsum deg2rad diag diff "
    "digamma div divide dot dstack eq erf erfc erfinv exp exp2 expm1 eye fix float_power floor floor_divide fmax "
    "fmin fmod frac frexp full gather gcd ge ger greater greater_equal gt heaviside histc histogram hstack hypot "
    "i0 igamma igammac index_add index_copy index_reduce index_select inner inverse isin isneginf isposinf kron "
    "kthvalue lcm ldexp le lerp less less_equal lgamma linspace log log10 log1p log2 logaddexp logaddexp2 "
    "logcumsumexp logical_and logical_not logical_or logical_xor logit logspace logsumexp lt lu_solve lu_unpack "
    "masked_select matmul matrix_power max maximum mean median min minimum mm mode msort mul multinomial multiply "
    "mv mvlgamma nan_to_num nanmean nanmedian nanquantile nansum narrow_copy ne neg negative nextafter nonzero "
    "norm normal not_equal ones outer polar polygamma pow prod quantile rad2deg rand randint randn randperm "
    "range reciprocal remainder renorm round row_stack rsqrt scatter scatter_add scatter_reduce searchsorted sgn "
    "sigmoid sign signbit sin sinc sinh sort sqrt square stack std std_mean sub subtract sum svd take "
    "take_along_dim tan tanh tensordot topk triangular_solve tril triu true_divide trunc var var_mean vdot "
    "vstack where xlogy zeros"
).split()
OUT_FUNCTIONS += ["frobenius_norm", "nonzero_static", "nuclear_norm"]


def with_out(fn):
    """``fn`` that also takes ``out=`` (see the module docstring)."""

    @functools.wraps(fn)
    def op(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        if is_grad_enabled() and any(isinstance(o, Tensor) and o.requires_grad for o in _as_tuple(out)):
            raise GraphError(f"{fn.__name__}(): functions with out=... arguments don't support automatic "
                             "differentiation, but out requires grad")
        return write_out(fn.__name__, fn(*args, **kwargs), out)

    return op


def _as_tuple(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def write_out(op, result, out):
    """Copy ``result`` (a tensor or a tuple of them) into ``out`` (one or as many) and return out."""
    results, outs = _as_tuple(result), _as_tuple(out)
    if len(results) != len(outs) or not all(isinstance(o, Tensor) for o in outs):
        raise ArgumentTypeError(f"{op}(): out must be {'a tuple of ' + str(len(results)) if len(results) > 1 else 'a'} "
                                f"Tensor{'s' if len(results) > 1 else ''}, got {type(out).__name__}")
    for r, o in zip(results, outs):
        if not isinstance(r, Tensor):
            raise ArgumentTypeError(f"{op}(): out= needs a tensor result, got {type(r).__name__}")
        if is_grad_enabled() and r.requires_grad:
            raise GraphError(f"{op}(): functions with out=... arguments don't support automatic differentiation, "
                             "but one of the arguments requires grad")
        if r.device != o.device:
            raise DTypeRuntimeError(f"{op}(): expected out on {r.device}, got it on {o.device}")
        if r.dtype != o.dtype and not can_cast(r.dtype, o.dtype):
            raise DTypeRuntimeError(f"{op}(): result type {r.dtype} can't be cast to the desired output type {o.dtype}")
    with no_grad():
        for r, o in zip(results, outs):
            if o.shape != r.shape:
                if o.numel():
                    warnings.warn(f"{op}(): an output with one or more elements was resized since it had shape "
                                  f"{list(o.shape)}, which does not match the required output shape {list(r.shape)}",
                                  UserWarning, stacklevel=3)
                o.resize_(tuple(r.shape))
            o.copy_(r)
    if isinstance(result, tuple) and type(result) is not tuple:  # a named tuple (values, indices): of the outs
        return type(result)(*outs)
    return out


_wrapped = {}  # id(function) -> its with_out wrapper: one function under two names stays one object


def add_out_argument(namespace, names=OUT_FUNCTIONS):
    """Wrap the functions ``names`` of ``namespace`` (a module's dict) with ``with_out``, those
    that have no ``out`` of their own."""
    import inspect

    for name in names:
        fn = namespace.get(name)
        if fn is None or not callable(fn) or isinstance(fn, type):
            continue
        try:
            has_out = "out" in inspect.signature(fn).parameters
        except (TypeError, ValueError):
            has_out = False
        if not has_out:
            if id(fn) not in _wrapped:
                _wrapped[id(fn)] = (fn, with_out(fn))  # (fn kept: its id stays its own)
            namespace[name] = _wrapped[id(fn)][1]
