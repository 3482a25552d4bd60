"""``torch.autograd.forward_ad``: dual tensors for Jacobian-vector products.

Inside ``with dual_level():``, ``make_dual(x, t)`` gives a tensor with the values of x that
carries the tangent t; computing with it and calling ``unpack_dual(y).tangent`` gives J t, the
directional derivative of y along t (summed over every dual tensor y depends on).

minigrad has no forward-mode rules: the tangent comes from the reverse-mode graph by the
double-backward trick (autograd/functional.py's jvp). With a dummy cotangent w for y,
g_i(w) = wᵀ J_i is linear in w, so J t = Σ_i d(g_i(w) · t_i)/dw: two backward passes per
``unpack_dual``, through ops that differentiate twice. The values are PyTorch's; the cost is
that of two backwards, not of one forward.
"""

from collections import namedtuple

from ..errors import GraphError, ShapeError

UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])

_levels = []  # per dual_level: {id(dual): (dual, tangent)}


class dual_level:
    """The scope of dual tensors: their tangents are dropped when it ends."""

    def __enter__(self):
        _levels.append({})
        return len(_levels) - 1

    def __exit__(self, *exc):
        _levels.pop()
        return False


def enter_dual_level():
    """Open a dual level without a ``with`` block; returns its index."""
    return dual_level().__enter__()


def exit_dual_level(*, level=None):
    if not _levels or (level is not None and level != len(_levels) - 1):
        raise GraphError("exit_dual_level: no such dual level is open")
    _levels.pop()


def make_dual(tensor, tangent, *, level=None):
    """A tensor with ``tensor``'s values, carrying ``tangent`` (same shape and dtype)."""
    from .grad_mode import enable_grad

    if not _levels:
        raise GraphError("make_dual: call it inside `with forward_ad.dual_level():`")
    if tuple(tensor.shape) != tuple(tangent.shape) or tensor.dtype != tangent.dtype:
        raise ShapeError(f"make_dual: the tangent ({tuple(tangent.shape)}, {tangent.dtype}) must match the "
                         f"primal ({tuple(tensor.shape)}, {tensor.dtype})")
    with enable_grad():
        dual = tensor.detach().requires_grad_() if not tensor.requires_grad else tensor.view_as(tensor)
    _levels[-1 if level is None else level][id(dual)] = (dual, tangent.detach())
    return dual


def unpack_dual(tensor, *, level=None):
    """(primal, tangent): the values, and J t over the level's dual tensors (None when
    ``tensor`` depends on none of them)."""
    from ..creation import zeros_like
    from .functional import grad
    from .grad_mode import enable_grad

    duals = list(_levels[-1 if level is None else level].values()) if _levels else []
    if not duals or not tensor.requires_grad:
        return UnpackedDualTensor(tensor.detach(), None)
    with enable_grad():
        if any(d is tensor for d, _ in duals):  # a dual itself: its own tangent
            return UnpackedDualTensor(tensor.detach(), next(t for d, t in duals if d is tensor))
        w = zeros_like(tensor).requires_grad_()  # any value: g(w) is linear in w
        gs = grad([tensor], [d for d, _ in duals], [w], create_graph=True, allow_unused=True)
        live = [(g, t) for g, (_, t) in zip(gs, duals) if g is not None and g.requires_grad]
        if not live:
            return UnpackedDualTensor(tensor.detach(), None)
        (jt,) = grad([g for g, _ in live], [w], [t for _, t in live], allow_unused=True)
    return UnpackedDualTensor(tensor.detach(), zeros_like(tensor) if jt is None else jt.detach())
