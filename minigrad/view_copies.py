"""PyTorch's view-copy functions: ``minigrad.transpose_copy(x, 0, 1)`` is ``x.transpose(0, 1)``,
copied.

Each ``name_copy`` takes the view ``name`` and copies it into fresh row-major memory with
``clone()``, so the result shares nothing with its input: writing into one leaves the other
alone, and the result is no view (in-place changes of it follow the plain-tensor rules). Both
steps are differentiable, so the gradient is the view's own (clone passes g through). The
ones whose view returns several tensors (split_copy, unbind_copy) copy each of them.

The table gives each view with PyTorch's signature of its copy. Where minigrad differs:
``detach_copy``'s result does not require grad (torch 2.13 marks it as requiring grad, with a
backward that raises), and ``view_as_complex_copy`` is differentiable (torch 2.13's is not).
Skipped: ``values_copy`` and ``indices_copy``, whose views exist only for sparse tensors (and
torch 2.13 runs them on dense tensors only, where they fail).
"""

import inspect

from .ops.complex_numbers import view_as_complex, view_as_real
from .ops.shape import normalize_dim


def _slice(input, dim=0, start=None, end=None, step=1):
    """input[..., start:end:step, ...] with the slice on dimension ``dim``."""
    return input[(slice(None),) * normalize_dim(dim, input.ndim, "slice_copy") + (slice(start, end, step),)]


VIEWS = {
    "alias_copy": lambda input: input,
    "as_strided_copy": lambda input, size, stride, storage_offset=None: (
        input.as_strided(size, stride) if storage_offset is None else input.as_strided(size, stride, storage_offset)),
    "detach_copy": lambda input: input.detach(),
    "diagonal_copy": lambda input, offset=0, dim1=0, dim2=1: input.diagonal(offset, dim1, dim2),
    "expand_copy": lambda input, size, *, implicit=False: input.expand(*size),
    "permute_copy": lambda input, dims: input.permute(*dims),
    "select_copy": lambda input, dim, index: input.select(dim, index),
    "slice_copy": _slice,
    "split_copy": lambda input, split_size, dim=0: input.split(split_size, dim),
    "split_with_sizes_copy": lambda input, split_sizes, dim=0: input.split_with_sizes(split_sizes, dim),
    "squeeze_copy": lambda input, dim=None: input.squeeze(dim),
    "t_copy": lambda input: input.t(),
    "transpose_copy": lambda input, dim0, dim1: input.transpose(dim0, dim1),
    "unbind_copy": lambda input, dim=0: input.unbind(dim),
    "unfold_copy": lambda input, dimension, size, step: input.unfold(dimension, size, step),
    "unsqueeze_copy": lambda input, dim: input.unsqueeze(dim),
    # size: a shape or a dtype, as Tensor.view; a shape as reshape does it, since the result is a
    # copy anyway (torch.view_copy(x.t(), (6,)) works where x.t().view(6) cannot)
    "view_copy": lambda input, size: input.reshape(size) if isinstance(size, (tuple, list, int)) else input.view(size),
    "view_as_real_copy": view_as_real,
    "view_as_complex_copy": view_as_complex,
}


def _copying(name, view):
    def function(*args, **kwargs):
        out = view(*args, **kwargs)
        return tuple(t.clone() for t in out) if isinstance(out, (tuple, list)) else out.clone()

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``{name[:-5]}`` of the input as a new tensor with its own memory (a differentiable copy)."
    function.__signature__ = inspect.signature(view)  # PyTorch's arguments, for help() and inspect
    return function


FUNCTIONS = {name: _copying(name, view) for name, view in VIEWS.items()}
