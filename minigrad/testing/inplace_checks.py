"""Checks of in-place forms against the out-of-place ops, driven by the op registry.

For a registry entry whose name is a Tensor method ``name`` with an in-place form
``name_``, and a sample whose first argument is a float array x of the result's shape:

- ``fresh``: ``y = x.clone(); y.name_(*rest)`` must give the values and the gradients
  (for x and every other input) of ``x.name(*rest)``;
- ``view``: the same written through a view, ``b = stack([x, x2]); b[0].name_(*rest)``,
  compared with ``stack([x.name(*rest), x2])``: the gradient flows through the base;
- ``chain``: through a view of a view (``x.clone().reshape(-1).reshape(x.shape)``).

A sample the in-place form cannot take (a result broadcast to a larger shape, or of a
dtype that cannot be stored back) must make ``name_`` raise, as in PyTorch.
"""

import numpy as np

from ..errors import MinigradError

KINDS = ("fresh", "view", "chain")


def inplace_names(entries):
    """The entries that have an in-place form to check (not the in-place shape changes, such
    as ``t_`` or ``squeeze_``, whose result has another shape: tests/test_inplace_shape.py)."""
    from ..ops.inplace_shape import TENSOR_METHODS as shape_changes
    from ..tensor import Tensor

    return [e for e in entries if hasattr(Tensor, e.name) and hasattr(Tensor, e.name + "_")
            and e.name + "_" not in shape_changes]


def _grads(loss, inputs):
    from ..autograd.functional import grad

    wanted = [t for t in inputs if t.requires_grad]
    got = grad(loss, wanted, allow_unused=True) if wanted else ()
    return [None if g is None else g.cpu().numpy() for g in got]


def _run(entry, sample, kind, inplace, seed):
    """(output values, gradients) of one variant."""
    from ..ops.shape import stack

    args = sample.to_args()
    x, rest = args[0], args[1:]
    rng = np.random.default_rng(seed)
    method = entry.name + ("_" if inplace else "")
    if kind == "fresh":
        y = x.clone()
        out = getattr(y, method)(*rest, **sample.kwargs) if inplace else getattr(x, method)(*rest, **sample.kwargs)
        result = out
    elif kind == "view":
        x2 = x.detach().clone() * 0.5 + 0.25
        x2.requires_grad_(x.requires_grad)
        args.append(x2)
        if inplace:
            base = stack([x, x2])
            getattr(base[0], method)(*rest, **sample.kwargs)
            result = base
        else:
            result = stack([getattr(x, method)(*rest, **sample.kwargs), x2])
    else:
        if inplace:
            base = x.clone()
            v = base.reshape(-1).reshape(x.shape)
            getattr(v, method)(*rest, **sample.kwargs)
            result = base
        else:
            result = getattr(x, method)(*rest, **sample.kwargs)
    from ..tensor import Tensor

    weights = Tensor._make(rng.standard_normal(result.shape))
    loss = (result.to(dtype=np.float64) * weights).sum() if result.dtype.kind == "f" else None
    tensors = [a for a in args if isinstance(a, Tensor)]
    grads = _grads(loss, tensors) if loss is not None and loss.requires_grad else []
    return result.cpu().numpy().copy(), grads


def check_inplace(entry, sample, kind, seed=0):
    """None when the in-place form agrees (or is rightly refused); else a message."""
    from ..tensor import Tensor

    if not sample.args or not isinstance(sample.args[0], np.ndarray) or sample.args[0].dtype.kind != "f":
        return None
    try:
        want, want_grads = _run(entry, sample, kind, False, seed)
    except Exception:  # noqa: BLE001 - the method takes other arguments than the entry's op
        return None
    x = sample.args[0]
    out = getattr(Tensor._make(x.copy()), entry.name)(*sample.to_args(requires_grad=False)[1:], **sample.kwargs)
    if kind != "fresh" and x.ndim == 0:
        return None
    if tuple(out.shape) != tuple(x.shape) or out.dtype.kind != "f":
        try:
            _run(entry, sample, "fresh", True, seed)
        except MinigradError:
            return None
        return f"{entry.name}_: result of shape {tuple(out.shape)} for a tensor of shape {x.shape} was not refused"
    try:
        got, got_grads = _run(entry, sample, kind, True, seed)
    except Exception as e:  # noqa: BLE001 - reported, not hidden
        return f"{entry.name}_ ({kind}): raised {type(e).__name__}: {e}"
    if not np.allclose(got, want, rtol=1e-10, atol=1e-12, equal_nan=True):
        return f"{entry.name}_ ({kind}): values differ from {entry.name}:\n{got}\nvs\n{want}"
    for i, (g, w) in enumerate(zip(got_grads, want_grads)):
        if (g is None) != (w is None) and not (g is None and not np.any(w)) and not (w is None and not np.any(g)):
            return f"{entry.name}_ ({kind}): gradient {i} is {g} in place, {w} out of place"
        if g is not None and w is not None and not np.allclose(g, w, rtol=1e-9, atol=1e-12, equal_nan=True):
            return f"{entry.name}_ ({kind}): gradient {i} differs:\n{g}\nvs\n{w}"
    return None
