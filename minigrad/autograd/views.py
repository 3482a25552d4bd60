"""Views: tensors that share memory with another tensor, and remember how they were taken.

``v = b[0:2]``, ``b.t()``, ``b.reshape(...)`` return tensors whose array is a window onto
b's memory. Writing into v in place writes into b too, so autograd must know about it:

- v and b share one version counter (a one-element list, ``_vbox``): a change through
  either is seen by every saved-tensor check that kept either;
- v records its *base* (the tensor that owns the memory; for a view of a view, the first
  one's base) and the *steps* that took it: the chain of view Functions with their
  arguments. Replaying the steps on any tensor of the base's shape takes "the same view"
  of it: that is how an in-place op on v rewrites the base's history (see
  ``minigrad.ops.inplace.CopySlices``) and how v's own history is rebuilt afterwards.

This module only keeps that record; the writing itself lives in ``minigrad.ops.inplace``.
"""

from .grad_mode import is_grad_enabled


class ViewInfo:
    """What a view knows about where it came from.

    base: the Tensor owning the memory; steps: ((FunctionClass, attrs, output_nr), ...) from base to
    the view; version: the shared version counter when the view's grad_fn was last made
    (a later change of the base makes it stale, and it is rebuilt when next used);
    grad_mode: whether grad mode was on when the view was taken; multi: whether it is one
    of several views a single op returned (split, chunk), which PyTorch does not let be
    changed in place when gradients are involved.
    """

    __slots__ = ("base", "steps", "version", "grad_mode", "multi")

    def __init__(self, base, steps, version, grad_mode, multi):
        self.base, self.steps, self.version = base, steps, version
        self.grad_mode, self.multi = grad_mode, multi


def shares_memory(out, x):
    """Whether the array ``out`` is a view of the array ``x`` (NumPy and CuPy point ``.base``
    at the array that owns the memory). A reshape that had to copy is not a view."""
    base = out.base
    return base is not None and (base is x or base is x.base)


def record_view(out, inp, fn_class, attrs, output_nr=None):
    """Mark ``out`` as the view of ``inp`` that ``fn_class.apply(inp, **attrs)`` took
    (its output number ``output_nr`` when the op returns several views)."""
    out._vbox = inp._vbox
    info = inp._view
    multi = output_nr is not None
    step = ((fn_class, attrs, output_nr),)
    if info is None:
        out._view = ViewInfo(inp, step, inp._vbox[0], is_grad_enabled(), multi)
    else:
        out._view = ViewInfo(info.base, info.steps + step, inp._vbox[0],
                             is_grad_enabled() and info.grad_mode, multi or info.multi)


def replay(steps, t):
    """Take the same view of the Tensor ``t`` (of the base's shape): differentiable."""
    for fn_class, attrs, i in steps:
        t = fn_class.apply(t, **attrs)
        t = t if i is None else t[i]
    return t


def replay_array(steps, a):
    """Take the same view of the raw array ``a`` (of the base's shape), without a graph."""
    for fn_class, attrs, i in steps:
        a = fn_class.forward(fn_class(), a, **attrs)
        a = a if i is None else a[i]
    return a


def refresh(t):
    """Rebuild the grad_fn of a view whose base changed in place since it was made:
    the view of the base's new value, so gradients through t reach the new history."""
    if not is_grad_enabled():
        return
    info = t._view
    info.version = t._vbox[0]
    base = info.base
    if not info.grad_mode or not base._requires_grad:
        return
    fresh = replay(info.steps, base)
    t.grad_fn, t._output_nr, t._requires_grad = fresh.grad_fn, fresh._output_nr, fresh._requires_grad
