"""Views: tensors that share memory with another tensor, and remember how they were taken.

``v = b[0:2]``, ``b.t()``, ``b.reshape(...)`` return tensors whose array is a window onto
b's memory. Writing into v in place writes into b too, so autograd must know about it:

- v and b share one version counter (a list, ``_vbox``; its second element, once there,
  counts the changes that were shape-only): a change through either is seen by every
  saved-tensor check that kept either;
- v records its *base* (the tensor that owns the memory; for a view of a view, the first
  one's base) and the *steps* that took it: the chain of view Functions with their
  arguments. Replaying the steps on any tensor of the base's shape takes "the same view"
  of it: that is how an in-place op on v rewrites the base's history (see
  ``minigrad.ops.inplace.CopySlices``) and how v's own history is rebuilt afterwards.

The steps are relative to the base's layout when the view was taken. If the base itself
later changes shape in place (``b.t_()``, ``b.resize_(...)``), an older view's steps no
longer describe it. Such a view keeps working as long as only shapes changed (its values and
history still stand: the counter box also counts those shape-only changes), but rebuilding
its history by replaying the steps is refused with a clear error: writing into the view in
place, or using it after b's values changed in place (PyTorch replays such views through the
storage; minigrad has no storage object).

This module only keeps that record; the writing itself lives in ``minigrad.ops.inplace``.
"""

from ..errors import GraphError
from .grad_mode import is_grad_enabled


class ViewInfo:
    """What a view knows about where it came from.

    base: the Tensor owning the memory; steps: ((FunctionClass, attrs, output_nr), ...) from base to
    the view; version: the shared version counter when the view's grad_fn was last made
    (a later change of the base makes it stale, and it is rebuilt when next used);
    grad_mode: whether grad mode was on when the view was taken; multi: whether it is one
    of several views a single op returned (split, chunk), which PyTorch does not let be
    changed in place when gradients are involved; layout: the base's (shape, strides) when
    the view was taken, which the steps start from; reshapes: ``reshape_count`` at ``version``.
    """

    __slots__ = ("base", "steps", "version", "grad_mode", "multi", "layout", "reshapes")

    def __init__(self, base, steps, version, grad_mode, multi):
        self.base, self.steps, self.version = base, steps, version
        self.grad_mode, self.multi = grad_mode, multi
        self.layout = layout_of(base)
        self.reshapes = reshape_count(base._vbox)


def reshape_count(vbox):
    """How many of a version counter's changes were in-place shape changes (t_, squeeze_, ...)."""
    return vbox[1] if len(vbox) > 1 else 0


def bump_for_reshape(vbox):
    """Move the version counter for an in-place shape change, and count it as shape-only."""
    vbox[0] += 1
    if len(vbox) == 1:
        vbox.append(0)
    vbox[1] += 1


def layout_of(t):
    """(shape, strides) of a tensor's array: what an in-place shape change alters."""
    return t.array.shape, t.array.strides


def check_layout(info, op):
    """Refuse to replay a view's steps on a base whose shape changed in place since."""
    if layout_of(info.base) != info.layout:
        shape, _ = info.layout
        raise GraphError(f"{op}: this view was taken of a tensor of shape {shape}, which has since changed "
                         f"its shape in place (now {tuple(info.base.shape)}, by t_, transpose_, squeeze_, "
                         "resize_, ...); take the view again after the change")


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
    info, vbox = t._view, t._vbox
    changes, reshapes = vbox[0] - info.version, reshape_count(vbox) - info.reshapes
    info.version, info.reshapes = vbox[0], reshape_count(vbox)
    base = info.base
    if not info.grad_mode or not base._requires_grad:
        return
    if layout_of(base) != info.layout and changes == reshapes:
        return  # only shapes changed since t's grad_fn was made: it still stands
    check_layout(info, "autograd")
    fresh = replay(info.steps, base)
    t.grad_fn, t._output_nr, t._requires_grad = fresh.grad_fn, fresh._output_nr, fresh._requires_grad
