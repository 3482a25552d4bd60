"""Tensor: an array, its gradient, and the node that made it.

A Tensor holds
- ``array``: its values, a NumPy array (device ``cpu``) or a CuPy array (device ``cuda:N``).
  Every op reads and writes this raw array. It is not ``.data``: in PyTorch (and here)
  ``t.data`` is another *Tensor* sharing t's memory, cut from the graph, so that old-style
  code such as ``p.data.add_(p.grad, alpha=-lr)`` changes a parameter without autograd
  recording it;
- ``grad``: the gradient accumulated by ``backward()``, a Tensor or None;
- ``grad_fn``: the Function node that computed it (None for leaves: tensors made by the user);
- ``requires_grad``: whether gradients should flow to it.

The operators (``a @ b``, ``a + b``, ...) and most methods (``x.exp()``) are not written here:
each family module of ``minigrad.ops`` lists its own in a dict ``TENSOR_METHODS``, and
``minigrad/ops/__init__.py`` installs them all on Tensor. The math lives there;
docs/op-index.md maps every operator and method to the Function that differentiates it.
"""

import numbers

import numpy as np

from . import backend, dtypes
from .errors import DeviceError, DeviceTypeError, DTypeError, DTypeRuntimeError, GraphError, ShapeError
from .layouts import strided
from .size import Size


def _to_array(data, dtype=None):
    """Turn python data into a host array with PyTorch's default dtypes (floats -> float32)."""
    if isinstance(data, Tensor):
        data = data.array
    if isinstance(data, np.ndarray) or hasattr(data, "__cuda_array_interface__"):
        return data if dtype is None or data.dtype == dtype else data.astype(dtype)
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in data):
        data = [x.array if isinstance(x, Tensor) else x for x in data]
    try:
        arr = np.asarray(data)
    except ValueError:  # nested lists of unequal lengths
        raise ShapeError(f"tensor: the nested sequences have unequal lengths (a ragged list): "
                         f"{_preview(data)}") from None
    if dtype is None and arr.dtype == np.float64 and not isinstance(data, np.generic):
        dtype = dtypes.default_float
    elif dtype is None and arr.dtype == np.complex128 and not isinstance(data, np.generic):
        dtype = dtypes.default_complex()  # Python complex numbers: complex64 by default
    if arr.dtype.kind in "OUS":
        raise DTypeError(f"tensor: cannot make a tensor from data of type {arr.dtype}")
    return arr if dtype is None or arr.dtype == dtype else arr.astype(dtype)


def _preview(data, limit=80):
    text = repr(data)
    return text if len(text) <= limit else text[:limit] + "..."


def _legacy_sizes(sizes):
    """The zero-filled default-float array of torch.Tensor(*sizes); sizes checked as factories do."""
    if any(type(n) is not int or n < 0 for n in sizes):
        raise ShapeError(f"Tensor: the legacy constructor takes non-negative integer sizes, got {sizes}")
    return np.zeros(sizes, dtype=dtypes.default_float)


class Tensor:
    """A multi-dimensional array that remembers how it was computed (see module docstring)."""

    __slots__ = ("array", "_grad", "grad_fn", "_output_nr", "_requires_grad", "_vbox", "_view",
                 "_hooks", "_post_hooks", "_retains_grad", "__weakref__")
    __array_priority__ = 1000  # make ndarray + Tensor call Tensor.__radd__

    def __init__(self, data=(), requires_grad=False, dtype=None, device=None, *more_sizes):
        if type(data) is int and (type(requires_grad) is int
                                  or (requires_grad is False and dtype is None and device is None)):
            # the legacy constructor torch.Tensor(2, 3), torch.Tensor(5): a float tensor of those
            # sizes (zeros here). Tensor(5, requires_grad=True) or with a dtype wraps the number.
            sizes = (data,) + tuple(a for a in (requires_grad, dtype, device) if type(a) is int) + more_sizes
            data, requires_grad, dtype, device = _legacy_sizes(sizes), False, None, None
        elif dtype is None and (type(data) in (list, tuple) or isinstance(data, np.ndarray)
                                or hasattr(data, "__cuda_array_interface__")):
            # torch.Tensor([1, 2]) and torch.Tensor(an int64 ndarray) are float32: the legacy
            # constructor makes the default float dtype from data (tensor() keeps the dtype)
            dtype = dtypes.default_float
        array = _to_array(data, dtypes.as_dtype(dtype))
        if device is not None:
            array = backend.to_device(array, device)
        self.array = array
        self._grad = None
        self.grad_fn = None
        self._output_nr = 0
        self._vbox = [0]
        self._view = None
        self._hooks = None
        self._post_hooks = None
        self._retains_grad = False
        self._requires_grad = False
        self.requires_grad = requires_grad

    @classmethod
    def _make(cls, array, grad_fn=None, output_nr=0):
        """Fast internal constructor for op outputs: no checks, no copies."""
        t = object.__new__(cls)
        if not isinstance(array, np.ndarray) and not hasattr(array, "__cuda_array_interface__"):
            array = np.asarray(array)  # NumPy reductions return scalars, not 0-d arrays
        t.array = array
        t._grad = None
        t.grad_fn = grad_fn
        t._output_nr = output_nr
        t._requires_grad = grad_fn is not None
        t._vbox = [0]  # the version counter, in a box that views share with their base
        t._view = None  # for a view: its base and how it was taken (autograd/views.py)
        t._hooks = None
        t._post_hooks = None  # register_post_accumulate_grad_hook's hooks (leaves only)
        t._retains_grad = False
        return t

    # ---- .data: PyTorch's detached alias ---------------------------------------------------
    @property
    def data(self):
        """This tensor's memory as a new Tensor, detached from the graph (PyTorch's ``.data``).

        Unlike ``detach()`` it has a version counter of its own, so an in-place change made
        through it is not seen by autograd's saved-tensor checks: that is PyTorch's
        behaviour, and why ``detach()`` is the safer of the two.
        """
        return Tensor._make(self.array)

    @data.setter
    def data(self, value):
        """``t.data = other`` makes t use other's memory (shape and dtype may change)."""
        if not isinstance(value, Tensor):
            raise DTypeError(
                f"data: can only be set to a Tensor, got {type(value).__name__}; use minigrad.tensor(...) first"
            )
        if value.device != self.device:
            raise DeviceError(f"data: cannot set data on {self.device} to a tensor on {value.device}")
        if self._requires_grad and value.dtype.kind not in "fc":
            raise DTypeError(f"data: a tensor that requires grad cannot take data of dtype {value.dtype}")
        self.array = value.array

    # ---- autograd state ----------------------------------------------------------------------
    @property
    def grad(self):
        """The gradient accumulated by ``backward()``: a Tensor of this tensor's shape, or None."""
        return self._grad

    @grad.setter
    def grad(self, value):
        """``t.grad = g`` checks what PyTorch checks: a Tensor (or None) of t's shape, dtype, device."""
        if value is not None:
            if not isinstance(value, Tensor):
                raise DTypeError(f"grad: assigned grad must be a Tensor or None, got {type(value).__name__}")
            if value.array.shape != self.array.shape:
                raise ShapeError(f"grad: assigned grad has data of a different size: {tuple(value.shape)} "
                                 f"for a tensor of shape {tuple(self.shape)}")
            if value.array.dtype != self.array.dtype:
                from .errors import DTypeRuntimeError

                raise DTypeRuntimeError(f"grad: assigned grad has data of a different type: {value.dtype} "
                                        f"for a tensor of dtype {self.dtype}")
            if value.device != self.device:
                raise DeviceError(f"grad: assigned grad is on {value.device}, the tensor on {self.device}")
        self._grad = value

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        flag = bool(flag)
        if flag and self.array.dtype.kind not in "fc":
            raise DTypeRuntimeError(  # PyTorch raises RuntimeError here
                f"requires_grad: only floating point tensors can require gradients, got dtype {self.dtype}"
            )
        if not flag and self.grad_fn is not None:
            raise GraphError("requires_grad: cannot switch it off on a non-leaf tensor; use detach()")
        self._requires_grad = flag

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def _version(self):
        """How many times this tensor's memory was changed in place (saved tensors check it)."""
        return self._vbox[0]

    @property
    def is_leaf(self):
        return self.grad_fn is None

    def _edge(self):
        """Where this tensor's gradient goes: its node and output index, or itself as a leaf."""
        view = self._view
        if view is not None and view.version != self._vbox[0]:  # its base changed in place
            from .autograd.views import refresh

            refresh(self)
        if self.grad_fn is not None:
            return (self.grad_fn, self._output_nr)
        return (self, None)

    def _accumulate_grad(self, g, create_graph):
        """Add a gradient into ``.grad`` (a fresh Tensor, never an alias of another gradient)."""
        if not create_graph:
            g = g.detach()
        if self._grad is None:
            self._grad = g if create_graph else Tensor._make(g.array.copy())
        else:
            self._grad = self._grad + g

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute d(self)/d(leaf) for every leaf that requires grad and add it into ``leaf.grad``.

        Gradients accumulate: call ``zero_grad()`` (or set ``.grad = None``) between steps.
        ``gradient`` is dL/d(self) and may be left out only for a single-element tensor.
        """
        run_backward = _engine().run_backward

        if not self.requires_grad:
            raise GraphError(
                "backward: this tensor does not require grad and has no grad_fn; "
                "make an input with requires_grad=True first"
            )
        gradient = _initial_grad(self, gradient, "backward")
        if retain_graph is None:
            retain_graph = create_graph
        if inputs is not None:
            inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
            grads = run_backward([self], [gradient], retain_graph, create_graph, inputs=inputs,
                                 allow_unused=True)
            for t, g in zip(inputs, grads):
                if g is not None:
                    t._accumulate_grad(g, create_graph)
            return
        run_backward([self], [gradient], retain_graph, create_graph)

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned Tensor replaces it.

        Returns a handle whose ``remove()`` unregisters the hook.
        """
        if not self.requires_grad:
            raise GraphError("register_hook: cannot register a hook on a tensor that does not require grad")
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        else:
            node = self.grad_fn
            if node._output_hooks is None:
                node._output_hooks = {}
            hooks = node._output_hooks.setdefault(self._output_nr, [])
        hooks.append(hook)
        return _HookHandle(hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Call ``hook(self)`` on a leaf once backward has added its gradient into ``.grad``.

        The engine calls it as soon as this leaf's gradient is complete, while the rest of the
        graph is still being walked: DistributedDataParallel starts its all-reduces there.
        Returns a handle whose ``remove()`` unregisters the hook.
        """
        if not self.requires_grad:
            raise GraphError("register_post_accumulate_grad_hook: cannot register a hook on a tensor that "
                             "does not require grad")
        if self.grad_fn is not None:
            raise GraphError("register_post_accumulate_grad_hook: post accumulate grad hooks cannot be "
                             "registered on non-leaf tensors")
        from .autograd import engine

        engine.post_hooks_in_use = True
        if self._post_hooks is None:
            self._post_hooks = []
        self._post_hooks.append(hook)
        return _HookHandle(self._post_hooks, hook)

    def retain_grad(self):
        """Keep ``.grad`` on a non-leaf tensor too (leaves keep it anyway)."""
        if self.grad_fn is None or self._retains_grad:
            return
        import weakref

        ref = weakref.ref(self)

        def store(g):
            t = ref()
            if t is not None:  # a copy: the gradient users get is theirs to change
                t._grad = Tensor._make(g.array.copy()) if t._grad is None else (t._grad + g).detach()

        self._retains_grad = True
        self.register_hook(store)

    def detach(self):
        """The same data, cut from the graph (shares memory, like PyTorch)."""
        t = Tensor._make(self.array)
        t._vbox = self._vbox
        return t

    def detach_(self):
        self.grad_fn = None
        self._requires_grad = False
        return self

    # ---- array facts ------------------------------------------------------------------------
    @property
    def shape(self):
        return Size(self.array.shape)  # a tuple with numel(), PyTorch's torch.Size

    @property
    def dtype(self):
        return self.array.dtype

    @property
    def device(self):
        return backend.device_of(self.array)

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    @property
    def xp(self):
        """The array module (numpy or cupy) of this tensor."""
        return backend.get_array_module(self.array)

    @property
    def ndim(self):
        return self.array.ndim

    def dim(self):
        return self.array.ndim

    def size(self, dim=None):
        return self.shape if dim is None else self.shape[dim]

    def numel(self):
        return int(self.array.size)

    def element_size(self):
        return self.array.itemsize

    # ---- layout: a Tensor is dense; a sparse COO tensor is minigrad/sparse's subclass ----------
    layout = strided  # class attributes: a dense tensor answers without a call (matmul asks)
    is_sparse = False

    def to_dense(self, dtype=None, *, masked_grad=None):
        """A dense tensor is already dense: itself (cast when ``dtype`` is given)."""
        return self if dtype is None else self.to(dtype=dtype)

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
        """The nonzero elements as a sparse COO tensor (minigrad/sparse/creation.py)."""
        from .sparse.creation import dense_to_sparse

        return dense_to_sparse(self, sparse_dim, layout=layout, blocksize=blocksize, dense_dim=dense_dim)

    def to_sparse_coo(self, sparse_dim=None):
        return self.to_sparse(sparse_dim)

    def __len__(self):
        if self.ndim == 0:
            raise DTypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self):
        """Iterate over the first dimension; each item is a view, as from ``unbind(0)``."""
        if self.ndim == 0:
            raise DTypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __reversed__(self):
        """The tensor flipped along its first dimension (a 0-d tensor is returned as it is)."""
        return self if self.ndim == 0 else self.flip(0)

    def __contains__(self, element):
        """``v in t``: whether any element of t equals v (a number or a broadcastable tensor)."""
        if not isinstance(element, (Tensor, numbers.Number)):
            from .errors import ArgumentRuntimeError

            raise ArgumentRuntimeError(f"__contains__: only a Tensor or a number can be looked for in a "
                                       f"tensor, got {type(element).__name__}")
        return bool((self == element).any().item())

    # ---- conversions ------------------------------------------------------------------------
    def item(self):
        if self.array.size != 1:
            raise ShapeError(f"item: only one-element tensors can be converted to a number, got shape {self.shape}")
        return self.array.reshape(()).item() if isinstance(self.array, np.ndarray) else self.array.item()

    def numpy(self, *, force=False):
        """The data as a NumPy array sharing memory (CPU tensors only).

        As in PyTorch, a cuda tensor refuses (TypeError): ``t.cpu().numpy()`` says where the
        copy to the host, and the wait for the GPU, happen; ``force=True`` makes that copy."""
        if force:
            return backend.to_device(self.array, "cpu")
        if not isinstance(self.array, np.ndarray):
            raise DeviceTypeError(f"can't convert {self.device} device type tensor to numpy. Use Tensor.cpu() to "
                             "copy the tensor to host memory first.")
        return self.array

    def tolist(self):
        return backend.to_device(self.array, "cpu").tolist()

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()  # a cuda tensor refuses, so a stray numpy call cannot hide a copy to the host
        return a if dtype is None else a.astype(dtype)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        if self.array.size != 1:
            raise ShapeError(f"the truth value of a tensor with {self.array.size} elements is ambiguous")
        return bool(self.item())

    def __index__(self):
        if self.dtype.kind not in "iu":
            raise DTypeError("only integer tensors of a single element can be used as an index")
        return int(self.item())

    def to(self, *args, dtype=None, device=None, non_blocking=False, copy=False, memory_format=None):
        """``to(device)``, ``to(dtype)``, ``to(device, dtype)``, ``to(tensor)`` or keywords;
        differentiable. ``non_blocking`` changes nothing here (copies finish before they return);
        ``memory_format`` lays the result out (minigrad/memory_formats.py)."""
        device, dtype, flags = parse_to_args(args, device, dtype)
        copy = copy or flags[1]
        from .ops import elementwise

        out = self
        if device is not None and backend.Device(device) != self.device:
            out = elementwise.to_device(out, backend.Device(device))
        if dtype is not None and dtypes.as_dtype(dtype) != out.dtype:
            out = elementwise.cast(out, dtypes.as_dtype(dtype))
        if memory_format is not None:
            from .memory_formats import to_memory_format

            out = to_memory_format(out, memory_format, "to")
        if copy and out is self:
            out = self.clone()
        return out

    def cpu(self, memory_format=None):
        return self.to("cpu", memory_format=memory_format)

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        index = backend.Device(device).index if isinstance(device, str) else device
        return self.to("cuda" if device is None else f"cuda:{index}", memory_format=memory_format)

    def type(self, dtype=None, non_blocking=False):
        """``t.type(dtype)`` casts; ``t.type()`` is PyTorch's type name, such as "torch.FloatTensor"."""
        if dtype is None:
            from .settings import typename

            return typename(self)
        from .legacy_tensors import lookup

        legacy = lookup(dtype)  # torch.FloatTensor, "torch.cuda.LongTensor", ...
        if legacy is not None:
            return self.to(device=legacy.device_type if legacy.device_type != self.device.type else self.device,
                           dtype=legacy.dtype)
        return self.to(dtype=dtype)

    def float(self, memory_format=None):
        return self.to(dtype=dtypes.float32, memory_format=memory_format)

    def double(self, memory_format=None):
        return self.to(dtype=dtypes.float64, memory_format=memory_format)

    def half(self, memory_format=None):
        return self.to(dtype=dtypes.float16, memory_format=memory_format)

    def bfloat16(self):
        dtypes.bfloat16.refuse("Tensor.bfloat16")  # NumPy has no bfloat16 (dtypes.py)

    def long(self, memory_format=None):
        return self.to(dtype=dtypes.int64, memory_format=memory_format)

    def int(self, memory_format=None):
        return self.to(dtype=dtypes.int32, memory_format=memory_format)

    def bool(self, memory_format=None):
        return self.to(dtype=dtypes.bool_, memory_format=memory_format)

    def clone(self, *, memory_format=None):
        """A differentiable copy with its own memory (row-major, or in ``memory_format``)."""
        from .ops import elementwise

        out = elementwise.clone(self)  # (row-major: then laid out, when asked, by a second copy)
        if memory_format is None:
            return out
        from .memory_formats import to_memory_format

        return to_memory_format(out, memory_format, "clone")

    def contiguous(self, memory_format=None):
        if memory_format is not None:
            from .memory_formats import to_memory_format

            return to_memory_format(self, memory_format)
        from .ops import shape

        return shape.contiguous(self)

    def is_contiguous(self, memory_format=None):
        if memory_format is None:
            return bool(self.array.flags.c_contiguous)
        from .memory_formats import is_laid_out

        return is_laid_out(self.array, memory_format)  # (False for a rank the format does not fit)

    def __reduce_ex__(self, protocol):
        """Pickling (a whole model saved, DataLoader workers): the values and requires_grad. A
        view or a graph's intermediate comes back as a leaf of its own, as in PyTorch."""
        return (_rebuilt, (type(self), self.array, self._requires_grad))

    def __deepcopy__(self, memo):
        """copy.deepcopy (of a model, say): the values, requires_grad and .grad, copied."""
        import copy

        new = _rebuilt(type(self), copy.deepcopy(self.array, memo), self._requires_grad)
        memo[id(self)] = new
        if self._grad is not None:
            new._grad = copy.deepcopy(self._grad, memo)
        return new

    def __format__(self, spec):
        """f"{t:.2f}": a 0-d tensor formats as its number (PyTorch's rule); others as str(t),
        refusing a format spec as object does."""
        if self.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __repr__(self):
        from .settings import print_options
        from .tensor_format import tensor_body, with_suffixes

        body = tensor_body(backend.to_device(self.array, "cpu"), print_options)  # PyTorch's layout
        extra = [f"size={tuple(self.shape)}"] if self.array.size == 0 and self.ndim != 1 else []
        if self.dtype not in (dtypes.default_float, dtypes.default_complex(), dtypes.int64, dtypes.bool_):  # as torch
            extra.append(f"dtype={self.dtype}")
        if self.device.type != "cpu":
            extra.append(f"device='{self.device}'")
        if self.grad_fn is not None:
            extra.append(f"grad_fn={self.grad_fn!r}")
        elif self.requires_grad:
            extra.append("requires_grad=True")
        return with_suffixes("tensor(" + body, extra, print_options["linewidth"])

    __hash__ = object.__hash__

    # ---- in-place ops (the machinery is in ops/inplace.py; most ``name_`` methods are made there) ----
    def _write(self, result, op, cast=False):
        """Make ``result`` (same shape) this tensor's new value, in place, and move it in the graph.

        The version counter moves, so a backward that saved the old value raises instead of
        using changed data. A result of another dtype is cast to this tensor's dtype when
        ``cast`` (copy_, fill_, x[i] = v) or when PyTorch allows it (float64 into float32, not
        float into int). On a view, the base's history is rewritten (see ops/inplace.py).
        """
        from .ops.inplace import write

        return write(self, result, op, cast)

    def copy_(self, src):
        from .ops import shape as _shape

        src = src if isinstance(src, Tensor) else Tensor(src, dtype=self.dtype)
        if src.device != self.device:
            src = src.to(self.device)
        return self._write(_shape.broadcast_to(src, self.shape), "copy_", cast=True)

    def zero_(self):
        return self._write(Tensor._make(self.xp.zeros_like(self.array)), "zero_")

    def fill_(self, value):
        """Every element set to ``value`` (a number, or a 0-d tensor whose gradient is the sum of g)."""
        from .ops import shape as _shape

        if isinstance(value, Tensor):
            if value.ndim != 0:
                raise ShapeError(f"fill_: only a 0-d tensor can be the value, got shape {tuple(value.shape)}")
            return self._write(_shape.broadcast_to(value, self.shape), "fill_", cast=True)
        try:
            filled = self.xp.full_like(self.array, value)
        except (TypeError, ValueError, OverflowError):
            raise DTypeError(f"fill_: the value {value!r} cannot be stored in a tensor of dtype {self.dtype}") from None
        return self._write(Tensor._make(filled), "fill_")

    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)

    def __setitem__(self, index, value):
        from .ops import indexing

        return self._write(indexing.index_put(self, index, value), "__setitem__", cast=True)


def _rebuilt(cls, array, requires_grad):
    """The tensor of class ``cls`` (Tensor or a subclass, such as Parameter) that pickling saved."""
    if not (isinstance(cls, type) and issubclass(cls, Tensor)):
        raise TypeError(f"unpickling a tensor: {cls!r} is not a tensor class")
    t = cls._make(array)
    t.requires_grad = requires_grad
    return t


def parse_to_args(args, device=None, dtype=None):
    """(device, dtype, (non_blocking, copy)) from the positional arguments of ``to()`` (Tensor.to
    and Module.to).

    Each argument is a device (a string, a ``Device`` or a GPU's index), a dtype, a tensor whose
    device and dtype to match, or a bool: the first non_blocking, the second copy, as in
    ``to(device, dtype, non_blocking, copy)``. ``device`` and ``dtype`` are the keyword values
    they override.
    """
    flags = []
    for a in args:
        if isinstance(a, (str, backend.Device)):
            device = a
        elif isinstance(a, Tensor):
            device, dtype = a.device, a.dtype
        elif isinstance(a, bool):
            flags.append(a)
        elif isinstance(a, int):
            device = a  # a GPU's index: Device(0) is cuda:0
        else:
            dtype = a
    flags += [False] * (2 - len(flags))
    return device, dtype, tuple(flags[:2])


class _HookHandle:
    def __init__(self, hooks, hook):
        self.hooks, self.hook = hooks, hook

    def remove(self):
        if self.hook in self.hooks:
            self.hooks.remove(self.hook)


_ENGINE = []  # minigrad.autograd.engine, imported on first use (it imports this module): an import per backward costs a µs


def _engine():
    if not _ENGINE:
        from .autograd import engine

        _ENGINE.append(engine)
    return _ENGINE[0]


def _initial_grad(t, gradient, op):
    """dL/dL = 1 for a one-element output; otherwise the caller must pass ``gradient``."""
    if gradient is None:
        if t.array.size != 1:
            raise GraphError(
                f"{op}: grad can be implicitly created only for scalar outputs; this output has shape "
                f"{tuple(t.shape)}, so pass gradient= (dL/d(output), same shape)"
            )
        if type(t.array) is np.ndarray:  # np.ones_like(t.array); its one element needs no layout, so a cheaper call
            return Tensor._make(np.array(1, dtype=t.array.dtype).reshape(t.array.shape))
        with backend.on_device(t.device):  # CuPy allocates on the current GPU: make it t's
            return Tensor._make(t.xp.ones_like(t.array))
    gradient = gradient if isinstance(gradient, Tensor) else Tensor(gradient, dtype=t.dtype)
    if tuple(gradient.shape) != tuple(t.shape):
        raise ShapeError(
            f"{op}: gradient has shape {tuple(gradient.shape)} but the output has shape {tuple(t.shape)}"
        )
    return gradient
