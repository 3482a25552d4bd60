"""``minigrad.grad``: gradients of outputs with respect to chosen inputs, returned, not accumulated."""

from ..errors import GraphError, ShapeError


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """Return d(outputs)/d(inputs) as a tuple, one entry per input, leaving every ``.grad`` alone.

    ``grad_outputs`` weights each output (dL/d(output)); it may be left out for one-element
    outputs. With ``create_graph=True`` the returned gradients are themselves differentiable
    (Hessian-vector products, gradient penalties, higher derivatives).
    """
    from ..tensor import Tensor, _initial_grad
    from .engine import run_backward

    single = isinstance(inputs, Tensor)
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if single else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs] * len(outputs)
    grad_outputs = list(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise ShapeError(f"grad: {len(outputs)} outputs but {len(grad_outputs)} grad_outputs")
    for o in outputs:
        if not o.requires_grad:
            raise GraphError(f"grad: an output (shape {tuple(o.shape)}) does not require grad")
    for t in inputs:
        if not t.requires_grad:
            raise GraphError(f"grad: an input (shape {tuple(t.shape)}) does not require grad")
    roots = [_initial_grad(o, g, "grad") for o, g in zip(outputs, grad_outputs)]
    if retain_graph is None:
        retain_graph = create_graph
    return run_backward(outputs, roots, retain_graph, create_graph, inputs=inputs, allow_unused=allow_unused)
