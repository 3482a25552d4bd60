"""Function: one node of the computational graph.

A differentiable op subclasses Function and writes two static methods:

    forward(ctx, *arrays, **attrs) -> array or tuple of arrays
        works on raw backend arrays (NumPy or CuPy), fast, no graph.
    backward(ctx, *grad_outputs) -> grad or tuple of grads, one per input (None = no grad)
        works on Tensors, written with minigrad's own differentiable ops, so running it
        with the graph on (``create_graph=True``) records a graph of the gradient itself:
        second derivatives come for free.

``Op.apply(*tensors, **attrs)`` runs forward and, when any input requires grad and grad
mode is on, makes the node: it remembers where each input came from (``edges``), the
arrays ``forward`` asked to keep (``ctx.save_for_backward``) and the output shapes.

What forward saves comes back in backward as Tensors (``ctx.saved_tensors``):
- an input array comes back as the input Tensor itself, graph and all;
- an output array comes back as a Tensor whose creator is this node. It is rebuilt on
  demand instead of kept, because a node holding its own output would be a reference
  cycle (output -> node -> output) that only the garbage collector could free;
- any other array comes back as a constant Tensor.
"""

import weakref

from numpy import ndarray as _ndarray

from .. import backend
from ..errors import DeviceError, GraphError, NotSupported
from . import anomaly, recorder, views
from .grad_mode import _state as _grad_state
from .grad_mode import is_grad_enabled

_anomaly_state = anomaly._state  # both flags are read here as attributes: a call per op costs more

_INPUT, _OUTPUT, _CONST, _HOOKED = 0, 1, 2, 3

_Tensor = None  # minigrad.tensor.Tensor, looked up once: an import statement per op costs a microsecond


def _tensor_class():
    """The Tensor class (tensor.py imports this package, so it cannot be imported at the top)."""
    global _Tensor
    if _Tensor is None:
        from ..tensor import Tensor

        _Tensor = Tensor
    return _Tensor


def _forward(ctx, device, arrays_in, attrs):
    """ctx.forward on the arrays; CuPy allocates on the current GPU, so make it the inputs' one
    (cuda:1 stays on cuda:1)."""
    if device is None or device.type == "cpu":
        return ctx.forward(ctx, *arrays_in, **attrs)
    with backend.on_device(device):
        return ctx.forward(ctx, *arrays_in, **attrs)


class Function:
    """Base class of every differentiable op; an instance is a node of the graph (and its ctx)."""

    #: False for ops whose backward is not itself differentiable: asking for their second
    #: derivative raises a clear error instead of returning a silently wrong one.
    supports_double_backward = True

    #: True for ops whose outputs are views of their first input (Reshape, Permute,
    #: BroadcastTo, Split in ops/shape.py; the strided views in ops/strided.py): each output
    #: that shares the input's memory records its base and how it was taken
    #: (autograd/views.py), so an in-place change through it rewrites the base's history.
    #: Slicing is a view too, but GetItem is not marked: only basic indexing gives a view, so
    #: ``getitem`` (ops/indexing.py) records it itself, case by case.
    is_view = False

    #: An output of a multi-output node that no gradient reached gets an array of zeros in
    #: backward. An op that handles None for it instead (and so skips forming and adding the
    #: zeros) sets this False; so does ``ctx.set_materialize_grads(False)`` in a custom Function.
    materialize_grads = True

    #: True for ops whose backward follows the complex gradient convention (see
    #: ops/complex_numbers.py): only they take complex inputs that require grad, others
    #: refuse them rather than differentiate them as real numbers. minigrad's own ops say so
    #: one by one; a Function defined elsewhere (a user's custom one) is trusted with them.
    complex_grad = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "complex_grad" not in cls.__dict__ and not cls.__module__.startswith("minigrad."):
            cls.complex_grad = True

    __slots__ = ("needs_input_grad", "_input_meta", "_output_meta", "_outputs", "__dict__", "__weakref__")

    # Defaults read from the class until a node sets its own (no __init__ to run: making a node
    # is a step of every op, and a Python __init__ setting them all costs more than the op's
    # arithmetic on a small tensor).
    edges = ()  # one (node, output index), (leaf, None) or None per input, once recorded
    _saved = None  # what save_for_backward kept, then packed records (see _pack_saved)
    _freed = False  # True once backward dropped the saved records
    _output_hooks = None  # output index -> hooks (Tensor.register_hook on a non-leaf output)
    _pre_node_hooks = _post_node_hooks = None  # grad_fn.register_prehook / register_hook
    trace = None  # where the node was made, under anomaly detection

    # ---- the two methods an op writes ----------------------------------------------------
    @staticmethod
    def forward(ctx, *arrays, **attrs):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError

    # ---- running an op -------------------------------------------------------------------
    @classmethod
    def apply(cls, *inputs, **attrs):
        """Run forward on the inputs' arrays and record the node when a gradient is needed."""
        Tensor = _Tensor if _Tensor is not None else _tensor_class()

        # one loop over the inputs gathers what the op needs (a loop of appends costs less than
        # a list comprehension per item here: the inputs are one to five)
        device = None
        needs, arrays_in = [], []
        for t in inputs:
            if t is None:
                needs.append(False)
                arrays_in.append(None)
                continue
            view = t._view
            if view is not None and view.version != t._vbox[0] and is_grad_enabled():
                views.refresh(t)  # its base changed in place since: take the view of the new base
            a = t.array
            d = backend.CPU if type(a) is _ndarray else t.device  # the common case, without a call
            if device is None:
                device = d
            elif d is not device and d != device:  # `is` first: every CPU array shares one Device
                shapes = ", ".join(f"{tuple(t.shape)} on {t.device}" for t in inputs if t is not None)
                raise DeviceError(f"{cls.__name__}: all tensors must be on one device, got {shapes}")
            needs.append(t._requires_grad)
            arrays_in.append(a)

        ctx = cls()
        needs = tuple(needs)
        record = True in needs and getattr(_grad_state, "enabled", True)  # is_grad_enabled(), inlined
        ctx.needs_input_grad = needs if record else (False,) * len(needs)
        if recorder.active is not None:  # a profile is running (minigrad.profiler): time the forward
            raw = recorder.active.run(cls.__name__, "op", arrays_in, _forward, ctx, device, arrays_in, attrs)
        elif device is None or device.type == "cpu":
            raw = ctx.forward(ctx, *arrays_in, **attrs)
        else:
            raw = _forward(ctx, device, arrays_in, attrs)
        multi = isinstance(raw, tuple)

        if not record:
            outs = tuple([Tensor._make(a) for a in raw]) if multi else (Tensor._make(raw),)
        else:
            edges, meta = [], []
            for t, a, n in zip(inputs, arrays_in, needs):
                # t._edge(), inlined: a stale view was refreshed in the loop above (grad mode is on here)
                edges.append(None if not n else (t, None) if t.grad_fn is None else (t.grad_fn, t._output_nr))
                meta.append(None if a is None else (a.shape, a.dtype))
                if n and a.dtype.kind == "c" and not cls.complex_grad:
                    raise NotSupported(f"{cls.__name__}: no gradient for complex inputs (dtype {a.dtype}); "
                                       "the ops with complex gradients are listed in ops/complex_numbers.py")
            ctx.edges = tuple(edges)
            ctx._input_meta = tuple(meta)
            if multi:
                outs = tuple([Tensor._make(a, ctx, i) for i, a in enumerate(raw)])
                ctx._output_meta = tuple([(o.array.shape, o.array.dtype,
                                           backend.CPU if type(o.array) is _ndarray else o.device) for o in outs])
                ctx._outputs = tuple([weakref.ref(o) for o in outs])
            else:  # one output, the common case: the same records without the loops
                out = Tensor._make(raw, ctx, 0)
                outs = (out,)
                a = out.array
                ctx._output_meta = ((a.shape, a.dtype, backend.CPU if type(a) is _ndarray else out.device),)
                ctx._outputs = (weakref.ref(out),)
            if ctx._saved is not None:
                ctx._pack_saved(inputs, arrays_in, raw if multi else (raw,))
        if cls.is_view:  # outputs that share memory with input 0 are views of it
            x = inputs[0]
            for i, o in enumerate(outs):
                if views.shares_memory(o.array, x.array):
                    views.record_view(o, x, cls, attrs, i if multi else None)
        if getattr(_anomaly_state, "enabled", False):  # anomaly.is_enabled(), inlined
            anomaly.check_forward(ctx, cls.__name__, outs)
        return outs if multi else outs[0]

    # ---- saving for backward --------------------------------------------------------------
    def save_for_backward(self, *arrays):
        """Keep arrays (inputs, outputs or intermediates) that backward needs."""
        self._saved = arrays

    def _pack_saved(self, inputs, arrays_in, outputs):
        """Turn the arrays saved in forward into (kind, index-or-array, version) records.

        ``arrays_in[i]`` is ``inputs[i].array`` (None for a None input); a saved array is
        recognised by identity, first among the inputs' arrays, then among the outputs."""
        packed = []
        for a in self._saved:
            if a is None:
                packed.append(None)
                continue
            for t, a_in in zip(inputs, arrays_in):
                if a_in is a:
                    packed.append((_INPUT, t, t._vbox[0]))  # t._version, read without the property
                    break
            else:
                for i, o in enumerate(outputs):
                    if o is a:
                        packed.append((_OUTPUT, i, a))
                        break
                else:
                    packed.append((_CONST, a, 0))
        self._saved = tuple(packed)
        if graph.hooks_active():  # saved_tensors_hooks (autograd/graph.py)
            self._saved = tuple(None if rec is None else self._hooked(rec) for rec in self._saved)

    def _hooked(self, rec):
        """A record through the active pack hook (see hooked_record)."""
        Tensor = _Tensor if _Tensor is not None else _tensor_class()
        kind, obj, version = rec
        if kind == _INPUT:
            return hooked_record(obj)
        if kind == _OUTPUT:
            return hooked_record(self._outputs[obj](), ("output", obj))
        return hooked_record(Tensor._make(obj))

    @property
    def saved_tensors(self):
        """The saved arrays as Tensors (see the module docstring)."""
        return self._unpack(False)

    @property
    def saved_arrays(self):
        """``tuple(None if t is None else t.array for t in self.saved_tensors)``, with the same
        checks, but no Tensor made for a saved output or intermediate: for a backward that works
        on arrays (grad mode off, so no graph of the gradient is wanted)."""
        return self._unpack(True)

    def _unpack(self, arrays):
        """The saved records, checked for in-place changes, as Tensors (or as their arrays)."""
        Tensor = _Tensor if _Tensor is not None else _tensor_class()

        result = []
        for rec in self._saved_records():
            if rec is None:
                result.append(None)
                continue
            kind, obj, version = rec
            if kind == _INPUT:
                if obj._vbox[0] != version:  # obj._version, without the property
                    raise self._changed_input(obj, version)
                result.append(obj.array if arrays else obj)
            elif kind == _OUTPUT:  # here `version` holds the output array itself
                out = self._outputs[obj]()
                if out is not None and out._vbox[0] != 0:
                    raise self._changed_output(out)
                result.append(version if arrays else Tensor._make(version, self, obj))
            elif kind == _HOOKED:  # here `obj` is what the pack hook returned
                result.append(unhooked(self, obj, *version, arrays))
            else:
                result.append(obj if arrays else Tensor._make(obj))
        return tuple(result)

    def _saved_records(self):
        """The packed records (see _pack_saved); an error once backward has freed them."""
        if self._freed:
            raise GraphError(
                f"{type(self).__name__}: trying to backward through the graph a second time "
                "(its saved tensors were freed after the first backward). "
                "Pass retain_graph=True to the first backward() if you need to walk it again."
            )
        return () if self._saved is None else self._saved

    def _changed_input(self, t, version):
        return GraphError(
            f"{type(self).__name__}: a tensor it saved for backward (shape "
            f"{tuple(t.shape)}) was modified in place: it was at version {version} "
            f"when saved and is at version {t._version} now"
        )

    def _changed_output(self, out):
        return GraphError(
            f"{type(self).__name__}: its output (shape {tuple(out.shape)}), saved for "
            f"backward, was modified in place (now at version {out._version})"
        )

    def _free(self):
        """Drop saved arrays after backward (unless retain_graph)."""
        if self._saved is not None:
            self._saved = None
            self._freed = True

    # ---- the node as PyTorch programs inspect it (y.grad_fn) -------------------------------
    def name(self):
        """``y.grad_fn.name()``: "MulBackward0", PyTorch's name for the node of a Mul."""
        return f"{type(self).__name__}Backward0"

    @property
    def next_functions(self):
        """One (node, output index) per input, where its gradient goes next: the node that made
        it, an ``AccumulateGrad`` for a leaf that requires grad, (None, 0) for the others."""
        return tuple((None, 0) if e is None else (AccumulateGrad(e[0]), 0) if e[1] is None else e
                     for e in self.edges)

    @property
    def metadata(self):
        """A dict that travels with the node, for the program's own notes (PyTorch's Node.metadata)."""
        if "_metadata" not in self.__dict__:
            self._metadata = {}
        return self._metadata

    def register_hook(self, hook):
        """``hook(grad_inputs, grad_outputs)`` after this node's backward: it may return new
        grad_inputs (a tuple, one per input, None where none). Returns a RemovableHandle."""
        from ..removable_handle import add_hook

        return add_hook(self, "_post_node_hooks", hook)

    def register_prehook(self, hook):
        """``hook(grad_outputs)`` before this node's backward: it may return new grad_outputs."""
        from ..removable_handle import add_hook

        return add_hook(self, "_pre_node_hooks", hook)

    def __repr__(self):
        return f"<{type(self).__name__}Backward0>"  # PyTorch's names: MulBackward0


class AccumulateGrad:
    """The node PyTorch shows where a gradient reaches a leaf (``next_functions``): minigrad's
    engine adds into ``leaf.grad`` itself, so this is only a view of that step, for inspection."""

    def __init__(self, variable):
        self.variable = variable
        self.next_functions = ()

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def __eq__(self, other):
        return isinstance(other, AccumulateGrad) and other.variable is self.variable

    def __hash__(self):
        return id(self.variable)

    def __repr__(self):
        return "<AccumulateGrad>"


def once_differentiable(backward):
    """Mark a custom Function's backward as not written with differentiable ops: it runs under
    no_grad, and a second derivative through it raises a clear error instead of being wrong."""
    def wrapped(ctx, *grads):
        from .grad_mode import no_grad

        with no_grad():
            return backward(ctx, *grads)

    wrapped.once_differentiable = True
    wrapped.__name__, wrapped.__doc__ = backward.__name__, backward.__doc__
    return wrapped


def __getattr__(name):
    """``minigrad.autograd.function.FunctionCtx``, PyTorch's name for the type of ctx."""
    if name == "FunctionCtx":
        from .custom_function import Function

        return Function
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---- saved tensors through hooks (autograd/graph.py's saved_tensors_hooks) -------------------------
def hooked_record(tensor, place=None):
    """(_HOOKED, what the active pack hook made of ``tensor``, (unpack hook, its graph place)).

    The place is kept apart from the data: a leaf that requires grad (itself), the node and
    output index that made the tensor, or ("output", i) for the saving node's own output i
    (by index: a node holding itself would be a reference cycle), so gradients of gradients
    still reach it."""
    pack, unpack = graph.current_hooks()
    if place is None:
        leaf = tensor.grad_fn is None and tensor._requires_grad
        place = ("leaf", tensor) if leaf else ("node", tensor.grad_fn, tensor._output_nr)
    from .grad_mode import no_grad

    with no_grad():  # the hook's own ops are not recorded (nor their saved tensors hooked again)
        packed = pack(tensor)
    return (_HOOKED, packed, (unpack, place))


def unhooked(node, packed, unpack, place, arrays=False):
    """A hooked record of ``node`` back through its unpack hook, in its place in the graph."""
    Tensor = _Tensor if _Tensor is not None else _tensor_class()
    t = unpack(packed)
    if not isinstance(t, Tensor):
        raise GraphError(f"saved tensor unpack hook: must return a Tensor, got {type(t).__name__}")
    if arrays:
        return t.array
    if place[0] == "leaf":  # gradients must reach the leaf itself (its values are t's, by the hooks' contract)
        return place[1]
    if place[0] == "output":
        return Tensor._make(t.array, node, place[1])
    if place[1] is not None:
        return Tensor._make(t.array, place[1], place[2])
    return Tensor._make(t.array)


from . import graph  # noqa: E402  (saved_tensors_hooks; graph.py imports Function from here)
