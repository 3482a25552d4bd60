"""The tensors a Module registers by assignment, PyTorch's ``torch.nn.parameter``.

- ``Parameter``: learnable, collected by ``parameters()`` (what an optimizer updates);
- ``Buffer``: state that is not learned (a running mean), in ``buffers()`` and, if
  persistent, in ``state_dict()``;
- ``UninitializedParameter`` / ``UninitializedBuffer``: the placeholders of a lazy layer
  (``nn.LazyLinear``, ``nn/lazy.py``) until its first input gives them a shape;
  ``is_lazy(t)`` tells them apart.
"""

from .. import creation
from ..errors import ArgumentTypeError
from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that requires grad and that ``Module`` collects in ``parameters()``."""

    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        if data is None:  # nn.Parameter(): an empty one, as PyTorch's
            data = creation.empty(0)
        array = data.array if isinstance(data, Tensor) else data
        super().__init__(array, requires_grad=requires_grad, dtype=getattr(array, "dtype", None))  # dtype kept

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


class Buffer(Tensor):
    """A tensor that, assigned as a module attribute, is registered as a buffer:

        self.running = nn.Buffer(minigrad.zeros(3))                  # in state_dict()
        self.scratch = nn.Buffer(minigrad.zeros(3), persistent=False)  # not saved

    ``Buffer(t)`` is a detached alias of t (same memory and version counter, t's
    requires_grad), as PyTorch's. The module stores it as it is, so ``module.running`` is this
    Buffer (a Tensor). Assigning a plain tensor to a buffer's name later replaces its value and
    keeps its persistence. Where PyTorch marks a plain ``torch.Tensor`` (so ``type()`` says
    Tensor), minigrad's tensors have fixed slots, so the mark is this subclass.
    """

    __slots__ = ("persistent",)

    def __init__(self, data=None, *, persistent=True):
        if data is None:
            data = creation.empty(0)
        if not isinstance(data, Tensor):
            raise ArgumentTypeError(f"Buffer: data must be a Tensor, got {type(data).__name__}")
        super().__init__(data.array, requires_grad=data.requires_grad, dtype=data.dtype)
        self._vbox = data._vbox  # an alias, like detach(): in-place changes count for both
        self.persistent = persistent

    @classmethod
    def _make(cls, array, grad_fn=None, output_nr=0):
        t = super()._make(array, grad_fn, output_nr)  # (unpickling and deepcopy build through here)
        t.persistent = True
        return t

    def __reduce_ex__(self, protocol):
        return _rebuilt_buffer, (Tensor._make(self.array).requires_grad_(self.requires_grad), self.persistent)

    def __deepcopy__(self, memo):
        new = super().__deepcopy__(memo)
        new.persistent = self.persistent
        return new


def _rebuilt_buffer(data, persistent):
    """The Buffer that pickling saved (its values and its persistence)."""
    return Buffer(data, persistent=persistent)


class UninitializedTensorMixin:
    """A placeholder whose shape is not known yet. ``materialize(shape)`` gives it a (not yet
    initialised) array of that shape, in place, and turns it into ``cls_to_become``: the same
    object, so an optimizer holding it keeps training it.

    minigrad's lazy layers keep the placeholder's zero-size array with the known sizes in place
    (LazyLinear(4).weight has shape (4, 0)), so its shape can be read; PyTorch's raises.
    """

    __slots__ = ()
    cls_to_become = None

    def materialize(self, shape, device=None, dtype=None):
        device = self.device if device is None else device
        self.array = creation.empty(*shape, device=device, dtype=self.dtype if dtype is None else dtype).array
        self.__class__ = self.cls_to_become

    def __repr__(self):
        return f"<{type(self).__name__}>"

    def __reduce_ex__(self, protocol):
        return type(self), (self.requires_grad, None, self.dtype)  # as PyTorch: a fresh placeholder


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A Parameter whose shape a lazy layer learns from its first input (then a Parameter)."""

    __slots__ = ()
    cls_to_become = Parameter

    def __init__(self, requires_grad=True, device=None, dtype=None):
        super().__init__(creation.empty(0, device=device, dtype=dtype), requires_grad)


class UninitializedBuffer(UninitializedTensorMixin, Buffer):
    """A buffer whose shape a lazy layer learns from its first input (then a Buffer: PyTorch's
    becomes a plain Tensor still marked as a buffer)."""

    __slots__ = ()
    cls_to_become = Buffer

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        super().__init__(creation.empty(0, device=device, dtype=dtype, requires_grad=requires_grad),
                         persistent=persistent)


def is_lazy(param):
    """Whether ``param`` is an UninitializedParameter or UninitializedBuffer (shape not known yet)."""
    return isinstance(param, UninitializedTensorMixin)
