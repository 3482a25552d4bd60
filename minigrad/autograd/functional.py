"""Gradients as functions: ``grad`` (d outputs / d inputs, returned, not accumulated) and
``torch.autograd.functional``'s products built on it: vjp, jvp, jacobian, hessian, vhp, hvp.

For f: x -> y with Jacobian J = dy/dx (shape y.shape + x.shape):

    vjp(f, x, v) = vᵀ J        one backward pass (v has y's shape: the "gradient" of y)
    jvp(f, x, u) = J u         two: g(w) = wᵀ J is linear in w, so J u = d(g(w)·u)/dw
                               (the double-backward trick: minigrad has no forward mode)
    jacobian(f, x) = J         one backward pass per element of y (row k: e_kᵀ J)
    hessian(f, x) = H          for a scalar f, the Jacobian of its gradient
    vhp(f, x, v) = vᵀ H,  hvp(f, x, v) = H v   one double backward (H is symmetric, so the same)

Inputs are one tensor or a tuple of them; each result has the same structure. The functions
work on copies of the inputs that require grad, so the inputs' own ``.grad`` is never touched.
The results are detached unless ``create_graph=True``, which keeps them differentiable.
``strict=True`` refuses an output that does not depend on an input; otherwise that part of
the result is zeros.
"""

from ..errors import ArgumentError, GraphError, ShapeError


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


# ---- torch.autograd.functional ----------------------------------------------------------------
def _as_tuple(x, what, op):
    """(tuple of tensors, was it a tuple): every function takes one tensor or a tuple of them."""
    from ..tensor import Tensor

    single = isinstance(x, Tensor)
    items = (x,) if single else tuple(x) if isinstance(x, (tuple, list)) else None
    if items is None or not all(isinstance(t, Tensor) for t in items):
        raise ArgumentError(f"{op}: {what} must be a tensor or a tuple of tensors, got {type(x).__name__}")
    return items, not single


def _differentiable_inputs(inputs, create_graph):
    """Copies of the inputs that require grad; with create_graph an input's own graph is kept
    (so the result can be differentiated with respect to what the input came from)."""
    if create_graph:
        return tuple(t.view_as(t) if t.requires_grad else t.detach().requires_grad_() for t in inputs)
    return tuple(t.detach().requires_grad_() for t in inputs)


def _call(func, inputs, op):
    from .grad_mode import enable_grad

    with enable_grad():
        out = func(*inputs)
    return _as_tuple(out, "the function's output", op)


def _check_like(vs, like, what, op):
    """v must be one tensor per reference tensor (outputs or inputs), each of its shape."""
    if len(vs) != len(like):
        raise ShapeError(f"{op}: expected {len(like)} tensors in v (one per {what}), got {len(vs)}")
    for v, t in zip(vs, like):
        if tuple(v.shape) != tuple(t.shape):
            raise ShapeError(f"{op}: v has shape {tuple(v.shape)} but the {what} has shape {tuple(t.shape)}")


def _default_v(v, like, what, op):
    """v, or 1 when the one reference tensor has one element (PyTorch's rule)."""
    from ..creation import ones_like

    if v is not None:
        vs, _ = _as_tuple(v, "v", op)
        _check_like(vs, like, what, op)
        return vs
    if len(like) != 1 or like[0].numel() != 1:
        raise ShapeError(f"{op}: v can be left out only when the {what} is a single element; "
                         f"got shapes {[tuple(t.shape) for t in like]}")
    return (ones_like(like[0]),)


def _vjp(outputs, inputs, vs, create_graph, strict, op):
    """vᵀ J for every input, zeros (or an error under strict) for an input no output reaches."""
    from ..creation import zeros_like

    live = [(o, v) for o, v in zip(outputs, vs) if o.requires_grad]
    grads = (None,) * len(inputs)
    if live:
        grads = grad([o for o, _ in live], list(inputs), [v for _, v in live], retain_graph=True,
                     create_graph=create_graph, allow_unused=True)
    if strict and any(g is None for g in grads):
        raise GraphError(f"{op}: strict=True and an output does not depend on input "
                         f"{[g is None for g in grads].index(True)}")
    return tuple(zeros_like(x) if g is None else g for g, x in zip(grads, inputs))


def _finish(tensors, create_graph, was_tuple):
    """Detach unless the result should stay differentiable; one tensor unless a tuple went in."""
    tensors = tuple(t if create_graph else t.detach() for t in tensors)
    return tensors if was_tuple else tensors[0]


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), vᵀ J): the gradient of Σ v ⊙ func(inputs) with respect to the inputs."""
    inputs, in_tuple = _as_tuple(inputs, "inputs", "vjp")
    xs = _differentiable_inputs(inputs, create_graph)
    outputs, out_tuple = _call(func, xs, "vjp")
    vs = _default_v(v, outputs, "output", "vjp")
    grads = _vjp(outputs, xs, vs, create_graph, strict, "vjp")
    return _finish(outputs, create_graph, out_tuple), _finish(grads, create_graph, in_tuple)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v), by the double-backward trick (see the module docstring): with a dummy
    cotangent w, g(w) = wᵀ J is linear in w and J v = d(g(w) · v)/dw."""
    from ..creation import zeros_like

    inputs, in_tuple = _as_tuple(inputs, "inputs", "jvp")
    xs = _differentiable_inputs(inputs, create_graph)
    outputs, out_tuple = _call(func, xs, "jvp")
    vs = _default_v(v, xs, "input", "jvp")
    ws = tuple(zeros_like(o).requires_grad_() for o in outputs)  # any value: g is linear in w
    gs = _vjp(outputs, xs, ws, True, strict, "jvp")  # g(w) = wᵀ J, one per input
    jv = _vjp(gs, ws, vs, create_graph, strict, "jvp")  # d(g(w) · v)/dw = J v
    return _finish(outputs, create_graph, out_tuple), _finish(jv, create_graph, out_tuple)


def _jacobian_rows(outputs, xs, create_graph, strict, op):
    """J[i][j] (outputs[i].shape + xs[j].shape) by one backward pass per output element: row k
    of J is e_kᵀ J, the vjp with the k-th basis vector."""
    from ..creation import zeros
    from ..ops.shape import stack

    jac = []
    for o in outputs:
        rows = []
        for k in range(o.numel()):  # one pass per output element, as PyTorch's vectorize=False
            e = zeros(o.numel(), dtype=o.dtype, device=o.device)
            e[k] = 1
            rows.append(_vjp((o,), xs, (e.reshape(o.shape),), create_graph, strict, op))
        jac.append(tuple(stack([r[j] for r in rows]).reshape(tuple(o.shape) + tuple(x.shape)) if rows
                         else zeros(tuple(o.shape) + tuple(x.shape), dtype=o.dtype, device=o.device)
                         for j, x in enumerate(xs)))
    return jac


def _strategy(strategy, op):
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ArgumentError(f"{op}: strategy must be 'reverse-mode' or 'forward-mode', got {strategy!r}")


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """J = d func(inputs) / d inputs: J[i][j] has shape outputs[i].shape + inputs[j].shape.

    One backward pass per output element (``vectorize`` changes nothing here). "forward-mode"
    gives the same matrix, computed by reverse mode: minigrad has no forward-mode AD."""
    _strategy(strategy, "jacobian")
    inputs, in_tuple = _as_tuple(inputs, "inputs", "jacobian")
    xs = _differentiable_inputs(inputs, create_graph)
    outputs, out_tuple = _call(func, xs, "jacobian")
    jac = [_finish(row, create_graph, in_tuple) for row in _jacobian_rows(outputs, xs, create_graph, strict,
                                                                         "jacobian")]
    return tuple(jac) if out_tuple else jac[0]


def _scalar_gradient(func, inputs, strict, op):
    """(xs, f(xs), df/dxs with its graph) for a func with one one-element output."""
    inputs, in_tuple = _as_tuple(inputs, "inputs", op)
    xs = _differentiable_inputs(inputs, True)
    outputs, _ = _call(func, xs, op)
    if len(outputs) != 1 or outputs[0].numel() != 1:
        raise ShapeError(f"{op}: the function must return a single one-element tensor, got shapes "
                         f"{[tuple(o.shape) for o in outputs]}")
    return xs, in_tuple, outputs[0], _vjp(outputs, xs, _default_v(None, outputs, "output", op), True, strict, op)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """H = d² func / d inputs² for a scalar func: H[i][j] has shape inputs[i].shape + inputs[j].shape,
    the Jacobian of the gradient (one double backward pass per input element)."""
    _strategy(outer_jacobian_strategy, "hessian")
    xs, in_tuple, _, grads = _scalar_gradient(func, inputs, strict, "hessian")
    hess = [_finish(row, create_graph, in_tuple) for row in _jacobian_rows(grads, xs, create_graph, strict,
                                                                          "hessian")]
    return tuple(hess) if in_tuple else hess[0]


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), vᵀ H) for a scalar func: the gradient of (∇func · v), one double backward."""
    xs, in_tuple, out, grads = _scalar_gradient(func, inputs, strict, "vhp")
    vs = _default_v(v, xs, "input", "vhp")
    products = _vjp(grads, xs, vs, create_graph, strict, "vhp")
    return _finish((out,), create_graph, False), _finish(products, create_graph, in_tuple)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v): the Hessian of a twice-differentiable function is symmetric, so H v
    is vᵀ H transposed, the same numbers."""
    return vhp(func, inputs, v, create_graph, strict)
