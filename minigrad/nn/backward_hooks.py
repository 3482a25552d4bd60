"""Module backward hooks: ``hook(module, grad_input, grad_output)`` once a module's gradients are known.

A module is a whole sub-graph, not one node, so its gradients are caught at its edges. Module
``__call__`` passes the tensor inputs through one identity node before ``forward`` and the
tensor outputs through another after it:

    inputs → [InputEdge] → forward(...) → [OutputEdge] → outputs

Backward reaches OutputEdge first, with dL/d(outputs) all at once: that is ``grad_output``,
kept on a shared record. It reaches InputEdge last, with dL/d(inputs): ``grad_input``. There
the hooks run, and one that returns a tuple replaces ``grad_input`` for the rest of backward.
The identity nodes copy their arrays, so the module's inputs and outputs stay distinct tensors.
"""

from ..autograd.function import Function
from ..errors import ShapeError
from ..tensor import Tensor


class _Record:
    """What one call of a module shares between its two edges."""

    def __init__(self, module):
        self.module = module
        self.grad_output = None


class _Edge(Function):
    """z_i = x_i for every tensor passing the module's edge (copies: the two sides stay distinct)."""

    @staticmethod
    def forward(ctx, *arrays, record):
        ctx.record = record
        return tuple(a.copy() for a in arrays)


class OutputEdge(_Edge):
    """Backward keeps dL/d(outputs) as the module's grad_output (after any backward pre-hooks)."""

    @staticmethod
    def backward(ctx, *grads):
        ctx.record.grad_output = grads
        for hook in list(ctx.record.module._backward_pre_hooks.values()):
            result = hook(ctx.record.module, grads)
            if result is not None:
                grads = tuple(result)
                ctx.record.grad_output = grads
        return grads


class InputEdge(_Edge):
    """Backward runs the module's backward hooks on dL/d(inputs)."""

    @staticmethod
    def backward(ctx, *grads):
        record = ctx.record
        for hook in list(record.module._backward_hooks.values()):
            result = hook(record.module, grads, record.grad_output or ())
            if result is not None:
                result = tuple(result)
                if len(result) != len(grads):
                    raise ShapeError(f"backward hook of {type(record.module).__name__}: returned {len(result)} "
                                     f"gradients for {len(grads)} inputs")
                grads = result
        return grads


def wrap_inputs(module, args):
    """args with their tensors that require grad passed through an InputEdge (and the record)."""
    record = _Record(module)
    positions = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
    if not positions:
        return args, record
    outs = InputEdge.apply(*[args[i] for i in positions], record=record)
    outs = outs if isinstance(outs, tuple) else (outs,)
    args = list(args)
    for i, t in zip(positions, outs):
        args[i] = t
    return tuple(args), record


def wrap_outputs(record, out):
    """out (a tensor or a tuple/list of them) with its tensors that require grad through an OutputEdge."""
    single = isinstance(out, Tensor)
    items = [out] if single else list(out) if isinstance(out, (tuple, list)) else None
    if items is None:
        return out
    positions = [i for i, t in enumerate(items) if isinstance(t, Tensor) and t.requires_grad]
    if not positions:
        return out
    outs = OutputEdge.apply(*[items[i] for i in positions], record=record)
    outs = outs if isinstance(outs, tuple) else (outs,)
    for i, t in zip(positions, outs):
        items[i] = t
    return items[0] if single else type(out)(items)
