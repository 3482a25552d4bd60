"""In-place ops: how ``x.op_(...)`` changes a tensor and its place in the graph.

Every in-place method computes the out-of-place result first and hands it to
``Tensor._write``, which calls ``write`` below. Three cases:

1. No gradient involved (grad mode off, or nothing requires grad): copy the values in,
   move the version counter. That is all an optimizer step does.
2. A tensor that is not a view: its new history is the result's (``y.mul_(2)`` makes
   y's grad_fn the Mul node, whose input is the old y). A copy (``y.fill_(0)``,
   ``y.copy_(src)``) replaces the old value instead: the new y is a CopySlices node over
   the whole tensor, which sends the old y a zero gradient and src all of it.
3. A view v of a base b (``b[0:2].mul_(2)``, ``b.t().zero_()``): the values land in b's
   memory, so b's history must change too. b's new grad_fn is ``CopySlices(old b, new v)``
   and v's is "the same view, taken of the new b". Every other view of b notices (its
   version stamp is behind the shared counter) and rebuilds its grad_fn the same way the
   next time it is used.

A backward that saved the tensor being overwritten (``y.pow_(2)`` saves the old y) gets a
copy of the old value, taken just before the write, with the old history: the gradient
is the one of the out-of-place form.

In-place changes of shape (``x.t_()``, ``x.squeeze_()``, ``x.resize_(...)``) change no value;
they live in ``minigrad.ops.inplace_shape``.

Notation: docs/notation.md.
"""

from ..autograd.function import Function, _INPUT
from ..autograd.grad_mode import is_grad_enabled
from ..autograd.views import check_layout, replay, replay_array, reshape_count
from ..dtypes import can_cast
from ..errors import DTypeRuntimeError, GraphError, ShapeError
from ..tensor import Tensor


class CopySlices(Function):
    """new_base = old_base with the view ``steps`` of it replaced by ``value`` (PyTorch's CopySlices).

    Each element of new_base is either an element of the view (it is then a value element)
    or an untouched element of old_base. So
        dL/d(old_base) = g with the view's elements set to 0,
        dL/d(value)    = the same view taken of g.
    Which elements the view covers is found by taking the view of arange(numel) laid out
    in the base's shape: the numbers that come out are their flat positions.
    ``steps=()`` is the whole tensor (``y.fill_(0)`` on a non-view). The values were already
    written into the base's memory by ``write``, so forward only hands back the base.
    """

    complex_grad = True  # (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, base, value, steps):
        ctx.steps, ctx.shape = steps, base.shape
        return base

    @staticmethod
    def backward(ctx, g):
        from .elementwise import constant

        g_base = g_value = None
        if ctx.needs_input_grad[0]:
            xp = g.xp
            mask = xp.zeros(ctx.shape, dtype=g.dtype)
            if ctx.steps:
                n = mask.size
                where = replay_array(ctx.steps, xp.arange(n).reshape(ctx.shape))
                mask = mask.reshape(-1)
                mask[...] = 1
                mask[xp.asarray(where).reshape(-1)] = 0
                mask = mask.reshape(ctx.shape)
            g_base = g * constant(mask)
        if ctx.needs_input_grad[1]:
            g_value = replay(ctx.steps, g)
        return g_base, g_value


def _overlaps(a):
    """Whether two elements of ``a`` share one memory location (an expanded view)."""
    return any(st == 0 and n > 1 for st, n in zip(a.strides, a.shape))


def _check(t, result, op, cast):
    """Refuse what PyTorch refuses; return the result in t's dtype."""
    if tuple(result.shape) != tuple(t.shape):
        raise ShapeError(f"{op}: the result has shape {tuple(result.shape)} but the tensor being written "
                         f"has shape {tuple(t.shape)}")
    if result.dtype != t.dtype:
        if not cast and not can_cast(result.dtype, t.dtype):
            raise DTypeRuntimeError(f"{op}: result type {result.dtype} can't be cast to the desired output type "
                            f"{t.dtype} of the tensor written in place")
        result = result.to(dtype=t.dtype)
    if _overlaps(t.array):
        raise ShapeError(f"{op}: unsupported operation: more than one element of the written-to tensor "
                         f"(shape {tuple(t.shape)}, strides {t.array.strides}) refers to a single memory "
                         "location. Please clone() the tensor before performing the operation.")
    if is_grad_enabled():
        check_graph(t, op)
    return result


def check_graph(t, op):
    """Refuse, in grad mode, the in-place changes of t that PyTorch refuses."""
    if t.grad_fn is None and t._requires_grad:
        raise GraphError(f"{op}: a leaf tensor that requires grad cannot be modified in place outside "
                         f"no_grad() (shape {tuple(t.shape)})")
    info = t._view
    if info is not None and info.base._requires_grad:
        if info.base.grad_fn is None:
            raise GraphError(f"{op}: a view of a leaf tensor that requires grad is being used in an in-place "
                             f"operation (view shape {tuple(t.shape)}, leaf shape {tuple(info.base.shape)}); "
                             "do it under no_grad(), or on a clone()")
        if not info.grad_mode:
            raise GraphError(f"{op}: a view was created in no_grad mode and is being modified in place with "
                             "grad mode enabled; take the view and change it both inside or both outside no_grad()")
        if info.multi:
            raise GraphError(f"{op}: this view is one of several outputs of one op (split, chunk, unbind), "
                             "which cannot be modified in place; use an out-of-place op")


def _keep_old_value(t, node, limit=32):
    """Give nodes of the result's fresh graph that saved ``t`` a copy of its old value.

    Walks back from ``node`` (at most ``limit`` nodes, never past t's own grad_fn, which is
    older history): the in-place op's own nodes are the first ones reached.
    """
    old = None
    seen, stack = {t.grad_fn}, [node]
    while stack and limit:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        limit -= 1
        saved = n._saved
        if saved:
            for i, rec in enumerate(saved):
                if rec is not None and rec[0] == _INPUT and rec[1] is t:
                    if old is None:
                        old = Tensor._make(t.array.copy(), t.grad_fn, t._output_nr)
                        old._requires_grad = t._requires_grad
                    saved = saved[:i] + ((_INPUT, old, 0),) + saved[i + 1:]
            n._saved = saved
        stack.extend(e[0] for e in n.edges if e is not None and isinstance(e[0], Function))


def write(t, result, op, cast=False):
    """Make ``result`` t's new value in place (see the module docstring); returns t."""
    result = _check(t, result, op, cast)
    info = t._view
    track = is_grad_enabled() and (result._requires_grad or t._requires_grad
                                   or (info is not None and info.base._requires_grad))
    if track and info is not None:
        check_layout(info, op)  # before any value is written
    if track and result.grad_fn is not None:
        _keep_old_value(t, result.grad_fn)
    t.xp.copyto(t.array, result.array)
    t._vbox[0] += 1
    if not track:
        return t
    if info is None:
        if result._requires_grad and not cast:  # result = op(old t): its history includes t's
            t.grad_fn, t._output_nr = result.grad_fn, result._output_nr
        else:
            t.grad_fn, t._output_nr = CopySlices.apply(t, result, steps=()).grad_fn, 0
        t._requires_grad = True
        return t
    base = info.base
    base.grad_fn, base._output_nr = CopySlices.apply(base, result, steps=info.steps).grad_fn, 0
    base._requires_grad = True
    fresh = replay(info.steps, base)
    t.grad_fn, t._output_nr, t._requires_grad = fresh.grad_fn, fresh._output_nr, True
    info.version, info.reshapes = t._vbox[0], reshape_count(t._vbox)
    return t


# ---- the in-place forms: ``x.name_(...)`` is ``x._write(x.name(...))`` -----------------------------
#: Out-of-place methods whose result has the input's shape, so each gets an in-place form
#: (installed only where the method exists and the in-place one is not written by hand).
INPLACE_FORMS = (
    "add", "sub", "mul", "div", "true_divide", "subtract", "multiply", "divide", "neg", "negative",
    "pow", "float_power", "fmod", "remainder", "abs", "absolute", "sign", "sgn",
    "clamp", "clamp_min", "clamp_max", "clip", "addcmul", "addcdiv", "lerp",
    "relu", "sigmoid", "tanh", "hardtanh", "leaky_relu", "elu", "selu", "celu", "gelu", "silu",
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "square", "reciprocal",
    "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh",
    "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "atan2", "arctan2", "hypot",
    "erf", "erfc", "erfinv", "logit", "digamma", "lgamma", "xlogy", "copysign", "nan_to_num",
    "floor", "ceil", "round", "trunc", "fix", "frac", "deg2rad", "rad2deg",
    "masked_fill", "masked_scatter", "index_fill", "index_add", "index_copy", "scatter", "scatter_add",
    "scatter_reduce", "index_put", "tril", "triu", "renorm", "logical_not", "logical_and",
    "logical_or", "logical_xor", "bitwise_not", "bitwise_and", "bitwise_or", "bitwise_xor",
    "heaviside", "cumsum", "cumprod", "gcd", "lcm", "ldexp", "mvlgamma",
)


def _inplace_form(name, method):
    def inplace(self, *args, **kwargs):
        return self._write(method(self, *args, **kwargs), name + "_")

    inplace.__name__ = inplace.__qualname__ = name + "_"
    inplace.__doc__ = f"In-place ``{name}``: ``x.{name}_(...)`` makes x's value ``x.{name}(...)``."
    return inplace


def with_inplace(methods):
    """``methods`` (name -> function) plus the in-place form ``name_`` of each, for a family's
    TENSOR_METHODS."""
    out = dict(methods)
    for name, fn in methods.items():
        out[name + "_"] = _inplace_form(name, fn)
    return out


def addcmul(x, tensor1, tensor2, value=1):
    """x + value * tensor1 * tensor2 (a composition: its gradient comes from mul and add)."""
    return x + tensor1 * tensor2 * value if value != 1 else x + tensor1 * tensor2


def addcdiv(x, tensor1, tensor2, value=1):
    """x + value * tensor1 / tensor2 (a composition: its gradient comes from div and add)."""
    return x + tensor1 / tensor2 * value if value != 1 else x + tensor1 / tensor2


def fill_diagonal_(x, fill_value, wrap=False):
    """Set the main diagonal (x[i, i, ...]) to ``fill_value``, in place, as torch.fill_diagonal_.

    x must be 2-D or have all dimensions equal; with ``wrap`` a tall matrix's diagonal starts
    again after every N+1 rows. Built as masked_fill with a diagonal mask, so it is differentiable.
    """
    if x.ndim < 2 or (x.ndim > 2 and len(set(x.shape)) != 1):
        raise ShapeError(f"fill_diagonal_: the tensor must be 2-D or have all dimensions of equal length, "
                         f"got shape {tuple(x.shape)}")
    xp = x.xp
    mask = xp.zeros(x.shape, dtype=bool)
    xp.fill_diagonal(mask, True, wrap=wrap)
    return x._write(x.masked_fill(Tensor._make(mask), fill_value), "fill_diagonal_")


def install(tensor_class):
    """Give Tensor ``addcmul``/``addcdiv`` (when absent), every in-place form it lacks and the
    in-place shape changes of ``inplace_shape``."""
    for name, fn in (("addcmul", addcmul), ("addcdiv", addcdiv)):
        if not hasattr(tensor_class, name):
            setattr(tensor_class, name, fn)
    if not hasattr(tensor_class, "fill_diagonal_"):
        tensor_class.fill_diagonal_ = fill_diagonal_
    from .inplace_shape import TENSOR_METHODS as shape_changes  # t_, squeeze_, resize_, ...

    for name, fn in shape_changes.items():
        if not hasattr(tensor_class, name):
            setattr(tensor_class, name, fn)
    for name in INPLACE_FORMS:
        method = getattr(tensor_class, name, None)
        if method is not None and not hasattr(tensor_class, name + "_"):
            setattr(tensor_class, name + "_", _inplace_form(name, method))
