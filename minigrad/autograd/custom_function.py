"""PyTorch's ``torch.autograd.Function``: a custom op whose forward and backward both see Tensors.

minigrad's own ops subclass ``function.Function``, whose forward works on raw arrays. PyTorch
programs write custom ops another way, and this class runs them as written::

    class MyReLU(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx, input):               # Tensors in, Tensors out (run under no_grad)
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):        # one gradient per output, one back per input
            input, = ctx.saved_tensors
            return grad_output * (input > 0)

    y = MyReLU.apply(x)

``apply`` runs forward without recording a graph, then makes this node the creator of the
outputs, with an edge to every Tensor argument that requires grad. Arguments that are not
Tensors (a scale, a flag) pass straight through, and backward returns None for them. The
node is an ordinary graph node from then on: the engine calls backward with the outputs'
gradients (zeros for outputs that got none), and since backward is written with Tensor ops,
``create_graph=True`` differentiates it again, unless it is marked ``@once_differentiable``.
The torch 2 style, a forward without ctx plus ``setup_context(ctx, inputs, output)``, works too.
"""

import weakref

from ..errors import DeviceError, GraphError
from . import anomaly
from . import function as _base
from .function import once_differentiable  # noqa: F401  (re-exported: torch.autograd.once_differentiable)
from .grad_mode import is_grad_enabled, no_grad

_INPUT, _OUTPUT, _OTHER = 0, 1, 2


class Function(_base.Function):
    """Subclass it, write ``forward(ctx, *args)`` and ``backward(ctx, *grads)`` on Tensors, call ``apply``."""

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Override it (and write forward without ctx) for PyTorch 2's style."""
        raise NotImplementedError

    @classmethod
    def _has_setup_context(cls):
        return cls.setup_context is not Function.setup_context

    @classmethod
    def apply(cls, *args, **kwargs):
        Tensor = _base._tensor_class()
        tensors = [a if isinstance(a, Tensor) else None for a in args]
        devices = {t.device for t in tensors if t is not None}
        if len(devices) > 1:
            raise DeviceError(f"{cls.__name__}: all tensors must be on one device, got {sorted(map(str, devices))}")
        ctx = cls()
        needs = tuple([t is not None and t._requires_grad for t in tensors])
        ctx.needs_input_grad = needs
        ctx._dirty, ctx._non_differentiable, ctx.materialize_grads = (), (), True
        with no_grad():
            if cls._has_setup_context():
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        if not (True in needs and is_grad_enabled()):
            return out
        multi = isinstance(out, tuple)
        outs = list(out) if multi else [out]
        ctx.edges = tuple([t._edge() if n else None for t, n in zip(tensors, needs)])
        ctx._input_meta = tuple([None if t is None else (t.array.shape, t.array.dtype) for t in tensors])
        ctx._slots = [i for i, o in enumerate(outs) if isinstance(o, Tensor)]  # output position of each tensor
        inputs = {id(t) for t in tensors if t is not None}
        dirty = {id(t) for t in ctx._dirty}
        frozen = {id(t) for t in ctx._non_differentiable}
        made = []
        for k, i in enumerate(ctx._slots):
            o = outs[i]
            if id(o) in frozen:
                made.append(o)
                continue
            if id(o) in inputs and id(o) not in dirty:  # an input handed back unchanged: a new tensor over it
                o = Tensor._make(o.array)
            o.grad_fn, o._output_nr, o._requires_grad = ctx, k, True  # a dirty input's history now ends here
            outs[i] = o
            made.append(o)
        ctx._output_meta = tuple([(o.array.shape, o.array.dtype, o.device) for o in made])
        ctx._outputs = tuple([weakref.ref(o) for o in made])
        ctx._pack_tensors(tensors, made)
        if getattr(cls.backward, "once_differentiable", False):
            ctx.supports_double_backward = False
        if anomaly.is_enabled():
            anomaly.check_forward(ctx, cls.__name__, tuple(made))
        # the engine calls node.backward(node, *grads): a plain function in the instance's dict is
        # not bound, so the node does not hold a method that holds the node (no reference cycle)
        ctx.backward = _run_user_backward
        return tuple(outs) if multi else outs[0]

    # ---- what forward may tell the node -------------------------------------------------------
    def save_for_backward(self, *tensors):
        self._saved = tensors

    def mark_dirty(self, *tensors):
        """Inputs that forward changed in place: their history continues from this node."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        """Outputs with no gradient (indices, masks): they do not require grad."""
        self._non_differentiable = tensors

    def set_materialize_grads(self, value):
        """False: backward receives None, not zeros, for an output that no gradient reached
        (of a forward with several outputs; a single output always has its gradient)."""
        self.materialize_grads = bool(value)

    def _pack_tensors(self, inputs, outputs):
        """Saved tensors as records; outputs by index, so the node does not hold its own outputs."""
        if self._saved is None:
            return
        records = []
        for t in self._saved:
            if t is None:
                records.append(None)
            elif any(t is o for o in outputs):
                k = next(k for k, o in enumerate(outputs) if o is t)
                # the array too, and whether it is differentiable: see saved_tensors
                records.append((_OUTPUT, (k, t.array, t.grad_fn is self), t._version))
            else:
                records.append((_INPUT if any(t is i for i in inputs) else _OTHER, t, t._version))
        if _base.graph.hooks_active():  # saved_tensors_hooks (autograd/graph.py): the hooks keep them
            records = [None if r is None else _base.hooked_record(r[1]) if r[0] != _OUTPUT
                       else _base.hooked_record(self._outputs[r[1][0]](), ("output", r[1][0]))
                       for r in records]
        self._saved = tuple(records)

    @property
    def saved_tensors(self):
        if self._freed:
            raise GraphError(f"{type(self).__name__}: trying to backward through the graph a second time (its "
                             "saved tensors were freed); pass retain_graph=True to the first backward()")
        result = []
        for rec in self._saved or ():
            if rec is None:
                result.append(None)
                continue
            kind, obj, version = rec
            if kind == _base._HOOKED:  # here `obj` is what the pack hook returned
                result.append(_base.unhooked(self, obj, *version))
                continue
            if kind == _OUTPUT:
                # The node holds its outputs weakly (no cycle output -> node -> output). An output
                # that nothing else holds any more (Exp.apply(x).sum(): the sum does not keep it)
                # is rebuilt from its array, which the record kept: no one can have changed it since
                k, array, differentiable = obj
                t = self._outputs[k]()
                if t is None:
                    Tensor = _base._tensor_class()
                    result.append(Tensor._make(array, self, k) if differentiable else Tensor._make(array))
                    continue
            else:
                t = obj
            if t._version != version:
                raise GraphError(f"{type(self).__name__}: a tensor it saved for backward (shape {tuple(t.shape)}) was "
                                 f"modified in place: version {version} when saved, {t._version} now")
            result.append(t)
        return tuple(result)


def _run_user_backward(node, *grads):
    """The user's backward, with one gradient per forward output and one result per argument."""
    full = [None] * (max(node._slots) + 1 if node._slots else 0)
    for i, g in zip(node._slots, grads):
        full[i] = g
    result = type(node).backward(node, *full)
    result = result if isinstance(result, tuple) else (result,)
    n = len(node.edges)
    if len(result) < n or any(r is not None for r in result[n:]):
        raise GraphError(f"{type(node).__name__}.backward returned {len(result)} gradients, but forward took "
                         f"{n} arguments (return None for those that need none)")
    return tuple(result[:n])


FunctionCtx = Function  # the type of ctx in PyTorch's annotations
