"""In-place shape changes: ``x.t_()``, ``x.transpose_(0, 1)``, ``x.squeeze_()``, ``x.resize_(n)``, ...

These change no value, only how x reads its memory: afterwards ``x.array`` is the view that
the out-of-place op (``x.t()``, ``x.squeeze()``) would have returned. In autograd terms x
*becomes* that view:

- its history continues through the view op: ``y = a * 2; y.t_()`` gives y the grad_fn of
  ``(a * 2).t()``, so the gradient reaching y is transposed back on its way to a;
- a view v of a base b stays a view of b, one step longer: after ``v.t_()`` replaying v's
  steps on b takes the transposed window, so a later ``v.mul_(3)`` still writes into b and
  rewrites b's history correctly (see ``minigrad.ops.inplace``);
- the version counter moves, as for every in-place change, so a backward that saved x's
  old layout refuses to run.

As in PyTorch, a leaf that requires grad (or a view of one) cannot be changed in place in
grad mode. ``resize_`` is refused on any tensor that requires grad, in every mode: its new
elements have no history a gradient could flow through.
"""

import math
import operator

from ..autograd.grad_mode import is_grad_enabled, no_grad
from ..autograd.views import bump_for_reshape, reshape_count
from ..errors import ArgumentRuntimeError, ArgumentTypeError, GraphError, ShapeError
from . import shape, strided
from .inplace import check_graph


def _become(x, out, op):
    """Make x the view ``out`` of itself that an out-of-place view op took; returns x."""
    current = x._view is not None and x._view.version == x._vbox[0] and out.grad_fn is not None
    if out is not x:
        if out._view is None:  # a reading of x's memory that needed a copy would not be in place
            raise ShapeError(f"{op}: the new shape {tuple(out.shape)} of a tensor of shape {tuple(x.shape)} "
                             f"and strides {x.array.strides} cannot be had without copying the memory")
        x.array = out.array
        if x._view is not None:  # still a view of the same base, by one more step
            x._view.steps = out._view.steps
        if out.grad_fn is not None:  # grad mode: x's history goes through the view op
            x.grad_fn, x._output_nr, x._requires_grad = out.grad_fn, out._output_nr, True
    bump_for_reshape(x._vbox)
    if current:  # x's grad_fn is its new history; otherwise it stays stale, to be replayed when used
        x._view.version, x._view.reshapes = x._vbox[0], reshape_count(x._vbox)
    return x


def _view_in_place(x, op, view_fn, *args):
    if is_grad_enabled():
        check_graph(x, op)
    return _become(x, view_fn(x, *args), op)


def t_(self):
    """In-place ``t``: a 2-D tensor transposed (0-D and 1-D ones unchanged)."""
    return _view_in_place(self, "t_", shape.t)


def transpose_(self, dim0, dim1):
    """In-place ``transpose``: dimensions dim0 and dim1 swapped."""
    return _view_in_place(self, "transpose_", shape.transpose, dim0, dim1)


def swapaxes_(self, axis0, axis1):
    """In-place ``swapaxes`` (NumPy's name for transpose_)."""
    return _view_in_place(self, "swapaxes_", shape.transpose, axis0, axis1)


def swapdims_(self, dim0, dim1):
    """In-place ``swapdims`` (another name for transpose_)."""
    return _view_in_place(self, "swapdims_", shape.transpose, dim0, dim1)


def squeeze_(self, dim=None):
    """In-place ``squeeze``: size-1 dimensions dropped (all, or those of ``dim``, an int or tuple)."""
    return _view_in_place(self, "squeeze_", shape.squeeze, dim)


def unsqueeze_(self, dim):
    """In-place ``unsqueeze``: a size-1 dimension inserted at ``dim``."""
    return _view_in_place(self, "unsqueeze_", shape.unsqueeze, dim)


def as_strided_(self, size, stride, storage_offset=0):
    """In-place ``as_strided``: x reads its (contiguous) memory with the given size and strides."""
    return _view_in_place(self, "as_strided_", strided.as_strided, size, stride, storage_offset)


def resize_(self, *sizes, memory_format=None):
    """x gets the shape ``sizes``, keeping its first elements in row-major order.

    Shrinking a contiguous tensor (or keeping its size) makes x a view of the start of its
    own memory, as in PyTorch. Growing gives x new memory whose extra elements are zeros
    (PyTorch leaves them uninitialised, so no program may rely on their value); x then no
    longer shares memory with tensors it shared it with before. A non-contiguous x is
    copied in row-major order (PyTorch reads its storage order instead).
    """
    sizes = shape._dims(sizes)
    try:
        sizes = tuple(operator.index(s) for s in sizes)
    except TypeError:
        raise ArgumentTypeError(f"resize_: sizes must be integers, got {sizes}") from None
    if any(s < 0 for s in sizes):
        raise ArgumentRuntimeError(f"resize_: sizes must be non-negative, got {sizes}")
    if self._requires_grad:
        raise GraphError(f"resize_: cannot resize tensors that require grad (shape {tuple(self.shape)}); "
                         "resize a detach()ed tensor, or use reshape")
    if sizes == tuple(self.shape):  # nothing changes; PyTorch leaves the version alone too
        return self
    n, size = math.prod(sizes), self.array.size
    if n <= size and self.array.flags.c_contiguous:
        with no_grad():
            flat = shape.reshape(self, -1)
            return _become(self, shape.reshape(flat if n == size else flat[:n], sizes), "resize_")
    xp = self.xp
    grown = xp.zeros(n, dtype=self.dtype)
    keep = min(n, size)
    grown[:keep] = self.array.reshape(-1)[:keep]
    self.array = grown.reshape(sizes)
    self._view = None  # new memory: no longer a window onto another tensor's
    self._vbox = [self._vbox[0] + 1]
    return self


def resize_as_(self, the_template, memory_format=None):
    """``resize_`` to the shape of ``the_template``."""
    return resize_(self, tuple(the_template.shape))


TENSOR_METHODS = {
    "t_": t_, "transpose_": transpose_, "swapaxes_": swapaxes_, "swapdims_": swapdims_,
    "squeeze_": squeeze_, "unsqueeze_": unsqueeze_, "as_strided_": as_strided_,
    "resize_": resize_, "resize_as_": resize_as_,
}
