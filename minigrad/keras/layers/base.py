"""Layer: the base class of every Keras layer, built on ``minigrad.nn.Module``.

A Keras layer differs from a PyTorch module in three ways, and this class supplies them:

1. **Deferred building.** ``Dense(4)`` does not know its input size. The first call
   runs ``build(input_shape)`` (the full shape, batch axis first), which creates the weights
   with ``add_weight``; then ``call(inputs)`` computes. A weight is a ``Parameter`` registered
   on the module, so ``parameters()`` and minigrad's optimizers see it.
2. **Symbolic calls.** Called on ``KerasTensor``s (``Input(shape=...)``), a layer records the
   call in a graph instead of computing (see ``symbolic.py``), which the functional ``Model``
   replays. The output shape is found by running the layer on two small zero batches whose
   unknown axes have different sizes: an axis whose size changes is unknown (``None``) in the
   output too.
3. **Keras's conventions**: weights in Keras layouts (a Dense kernel is (in, out), where
   ``nn.Linear`` keeps (out, in)); ``weights`` = the layer's own trainable weights, then its
   non-trainable ones, then its sub-layers'; ``get_weights``/``set_weights`` as NumPy
   arrays in that order; a ``training`` flag passed down to the layers inside; masks
   (``Embedding(mask_zero=True)`` marks padding) handed from layer to layer.
"""

import inspect
import re
import weakref

import numpy as np

from ... import backend
from ...autograd.grad_mode import no_grad
from ...errors import ArgumentError, ShapeError
from ...nn.module import Module
from ...nn.parameter import Parameter
from ...tensor import Tensor
from .. import initializers
from .symbolic import KerasTensor, Node, flatten, map_structure

# ---- names: "dense", "dense_1", ... unique within a session, as Keras makes them --------------
_NAME_COUNTS = {}


def to_snake_case(name):
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(prefix):
    count = _NAME_COUNTS.get(prefix, 0)
    _NAME_COUNTS[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def clear_session():
    """Forget the layer names used so far (the next Dense is "dense" again)."""
    _NAME_COUNTS.clear()


# ---- the training flag, passed from a model to the layers it calls ------------------------------
_CONTEXT = {"training": None}

# ---- masks: which steps of a sequence are real (True) and which are padding -------------------
# Keras hangs a mask on the tensor itself; minigrad's Tensor has fixed slots, so the masks live
# here, keyed by the tensor's id and dropped when the tensor is freed.
_MASKS = {}


def set_mask(tensor, mask):
    if mask is None or not isinstance(tensor, Tensor):
        return
    key = id(tensor)
    _MASKS[key] = (weakref.ref(tensor, lambda _, key=key: _MASKS.pop(key, None)), mask)


def get_mask(tensor):
    """The mask a layer attached to ``tensor`` (a bool Tensor), or None."""
    entry = _MASKS.get(id(tensor))
    return entry[1] if entry is not None and entry[0]() is tensor else None


def _device_of(module):
    for p in module.parameters():
        return p.device
    return None


def to_tensor(x, device=None):
    """Keras's input conversion: floating data becomes float32, integers int64, Tensors stay
    (a floating Tensor of another precision is cast to float32, as Keras autocasts)."""
    if isinstance(x, Tensor):
        return x.float() if x.dtype.kind == "f" and x.dtype != np.float32 else x
    if x is None:
        return None
    array = np.asarray(x)
    if array.dtype.kind == "f":
        array = array.astype(np.float32)
    elif array.dtype.kind in "iu":
        array = array.astype(np.int64)
    elif array.dtype.kind != "b":
        raise ArgumentError(f"cannot use an array of dtype {array.dtype} as a layer input (numbers expected)")
    if device is not None:
        array = backend.to_device(array, device)
    return Tensor._make(array)


def _has_arrays(x):
    if isinstance(x, (list, tuple)):
        return any(_has_arrays(v) for v in x)
    if isinstance(x, dict):
        return True
    return isinstance(x, (Tensor, np.ndarray, KerasTensor)) or hasattr(x, "__cuda_array_interface__")


def convert_inputs(x, device=None, loose=True):
    """A call's argument with its arrays made Tensors (``to_tensor``). A (nested) list of plain
    numbers is one array, as Keras reads it; a list holding arrays is a list of inputs.
    With ``loose=False`` (arguments after the first) only arrays are converted."""
    if isinstance(x, (list, tuple, dict)) and _has_arrays(x):
        return map_structure(lambda v: convert_inputs(v, device, loose), x)
    if isinstance(x, Tensor) or isinstance(x, np.ndarray) or (loose and isinstance(x, (list, tuple, int, float))):
        return to_tensor(x, device)
    return x


def standardize_shape(shape):
    """A shape as a tuple of ints and None (an int alone is a 1-axis shape)."""
    if isinstance(shape, int):
        return (shape,)
    return tuple(None if d is None else int(d) for d in shape)


class Layer(Module):
    """Base class of Keras layers: ``build(input_shape)`` makes the weights, ``call(inputs)``
    computes. Subclass it the Keras way; the layer is also a minigrad Module."""

    def __init__(self, trainable=True, dtype=None, autocast=True, name=None, **kwargs):
        super().__init__()
        input_shape = kwargs.pop("input_shape", None)
        input_dim = kwargs.pop("input_dim", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        batch_size = kwargs.pop("batch_size", None)
        if kwargs:
            raise ArgumentError(f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}")
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if batch_input_shape is None and input_shape is not None:
            batch_input_shape = (batch_size,) + standardize_shape(input_shape)
        self._batch_input_shape = None if batch_input_shape is None else standardize_shape(batch_input_shape)
        self.name = name if name is not None else unique_name(to_snake_case(type(self).__name__))
        self.dtype = "float32" if dtype is None else str(np.dtype(dtype))
        self._trainable = bool(trainable)
        self._trainable_names = set()  # the weights created with trainable=True
        self.built = False
        self.supports_masking = False
        self._inbound_nodes = []
        self._build_shapes = None

    # ---- building --------------------------------------------------------------------------
    def build(self, input_shape):
        """Create the weights, knowing the input shape (batch axis first). The default has none."""
        self.built = True

    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True, autocast=True,
                   regularizer=None, constraint=None, aggregation="none", name=None):
        """Create a weight (a Parameter registered under ``name``) and return it."""
        if regularizer is not None or constraint is not None:
            raise ArgumentError(f"{type(self).__name__}: weight regularizers and constraints are not supported")
        shape = () if shape is None else standardize_shape(shape)
        if name is None:
            name = "variable" if "variable" not in self._parameters else f"variable_{len(self._parameters)}"
        init = initializers.get("glorot_uniform" if initializer is None else initializer)
        value = np.asarray(init(shape, dtype=dtype or self.dtype))
        if tuple(value.shape) != shape:
            raise ShapeError(f"{self.name}: the initializer of weight {name!r} gave shape {value.shape}, "
                             f"expected {shape}")
        device = _device_of(self)
        param = Parameter(value if device is None else backend.to_device(value, device),
                          requires_grad=bool(trainable) and self._trainable)
        setattr(self, name, param)
        if trainable:
            self._trainable_names.add(name)
        return param

    def _build_for_call(self, args, kwargs, shape_of):
        """Build from the first argument's shape(s) (a layer with several inputs overrides this)."""
        self._maybe_build(map_structure(shape_of, args[0]))

    def _maybe_build(self, shapes):
        if not self.built:
            self._build_shapes = shapes
            self.build(shapes)
            self.built = True

    # ---- calling ---------------------------------------------------------------------------
    def call(self, inputs, *args, **kwargs):
        """What the layer computes; every layer defines it."""
        raise NotImplementedError(f"Layer {type(self).__name__} does not have a `call()` method implemented.")

    def forward(self, *args, **kwargs):
        """PyTorch's name for the same computation (without Keras's building and masks)."""
        return self.call(*args, **kwargs)

    def _call_parameters(self):
        cls = type(self)
        cache = cls.__dict__.get("_call_params_cache")
        if cache is None:
            cache = tuple(inspect.signature(self.call).parameters)  # in order: positional names first
            cls._call_params_cache = cache
        return cache

    def __call__(self, *args, **kwargs):
        """Build on the first call, then run ``call`` (or record it, on KerasTensors)."""
        if not args and "inputs" in kwargs:
            args = (kwargs.pop("inputs"),)
        if not args:
            raise ArgumentError(f"{self.name}: a layer is called on its inputs, e.g. layer(x)")
        if any(isinstance(leaf, KerasTensor) for leaf in flatten((args, kwargs))):
            return self._call_symbolic(args, kwargs)
        device = _device_of(self)
        args = (convert_inputs(args[0], device),) + tuple(convert_inputs(a, device, loose=False) for a in args[1:])
        inputs = args[0]
        self._build_for_call(args, kwargs, lambda t: tuple(t.shape) if isinstance(t, Tensor) else None)
        params = self._call_parameters()
        previous_mask = kwargs.get("mask")
        if previous_mask is None:
            masks = map_structure(get_mask, inputs)
            previous_mask = masks if any(m is not None for m in flatten(masks)) else None
        if "mask" in params:
            kwargs["mask"] = previous_mask
        else:
            kwargs.pop("mask", None)
        self._fill_argument_masks(args, kwargs, params)
        training = kwargs.pop("training", None)
        if training is None:
            training = _CONTEXT["training"]
        if "training" in params:
            kwargs["training"] = bool(training)
        outer = _CONTEXT["training"]
        _CONTEXT["training"] = training
        try:
            outputs = self.call(*args, **kwargs)
        finally:
            _CONTEXT["training"] = outer
        out_mask = self.compute_mask(inputs, previous_mask)
        if isinstance(outputs, Tensor):
            set_mask(outputs, out_mask if not isinstance(out_mask, (list, tuple)) else out_mask[0])
        elif isinstance(outputs, (list, tuple)) and isinstance(out_mask, (list, tuple)):
            for t, m in zip(outputs, out_mask):
                set_mask(t, m)
        return outputs

    @staticmethod
    def _fill_argument_masks(args, kwargs, params):
        """Keras's masks for a call on several tensors: each tensor argument ``x`` whose ``call``
        has a parameter ``x_mask`` left unset gets the mask attached to that tensor
        (``MultiHeadAttention(query, value)`` receives ``query_mask`` and ``value_mask``)."""
        if not any(p.endswith("_mask") for p in params):
            return
        given = dict(zip(params, args))
        given.update(kwargs)
        tensors = {k: v for k, v in given.items() if isinstance(v, Tensor)}
        if len(tensors) < 2:
            return
        for name, value in tensors.items():
            if f"{name}_mask" in params and given.get(f"{name}_mask") is None:
                mask = get_mask(value)
                if mask is not None:
                    kwargs[f"{name}_mask"] = mask

    def compute_mask(self, inputs, previous_mask):
        """The mask of the output: a layer that supports masking passes its input's on."""
        return previous_mask if self.supports_masking else None

    def _call_symbolic(self, args, kwargs):
        """Record ``self(*args, **kwargs)`` on KerasTensors: a Node and new KerasTensors."""
        self._build_for_call(args, kwargs, lambda t: t.shape if isinstance(t, KerasTensor) else None)
        outputs = self.compute_output_spec(*args, **kwargs)
        node = Node(self, args, kwargs, outputs)
        for i, t in enumerate(flatten(outputs)):
            t.node, t.index, t.name = node, i, self.name
        self._inbound_nodes.append(node)
        return outputs

    def compute_output_spec(self, *args, **kwargs):
        """KerasTensors for the outputs of a call on KerasTensors, found by running the layer on
        zeros twice, with the unknown axes of size 2 and then 3 (see the module docstring)."""
        runs, device = [], _device_of(self)
        for size in (2, 3):
            def concrete(leaf, size=size):
                if not isinstance(leaf, KerasTensor):
                    return leaf
                shape = tuple(size if d is None else d for d in leaf.shape)
                # integer inputs are token ids: 1 is a real token (0 may mean padding)
                array = (np.zeros if np.dtype(leaf.dtype).kind == "f" else np.ones)(shape, dtype=leaf.dtype)
                return Tensor._make(array if device is None else backend.to_device(array, device))
            a, k = map_structure(concrete, args), map_structure(concrete, kwargs)
            k["training"] = False
            with no_grad():
                runs.append(self(*a, **k))
        second = iter(flatten(runs[1]))

        def spec(t):
            other = next(second)
            shape = tuple(d if d == e else None for d, e in zip(t.shape, other.shape))
            return KerasTensor(shape, str(t.dtype))
        return map_structure(spec, runs[0])

    def compute_output_shape(self, input_shape):
        """The output shape for an input shape (batch axis first, None where unknown)."""
        def symbolic(shape):
            return KerasTensor(standardize_shape(shape))
        if isinstance(input_shape, list) and input_shape and not isinstance(input_shape[0], (int, type(None))):
            inputs = [symbolic(s) for s in input_shape]
        else:
            inputs = symbolic(input_shape)
        self._maybe_build(map_structure(lambda t: t.shape, inputs))
        return map_structure(lambda t: t.shape, self.compute_output_spec(inputs))

    # ---- the graph the layer is part of ----------------------------------------------------
    @property
    def input(self):
        if not self._inbound_nodes:
            raise ArgumentError(f"The layer {self.name} has never been called and thus has no defined input.")
        node = self._inbound_nodes[0]
        return node.args[0] if node.args else node.outputs

    @property
    def output(self):
        if not self._inbound_nodes:
            raise ArgumentError(f"The layer {self.name} has never been called and thus has no defined output.")
        return self._inbound_nodes[0].outputs

    # ---- weights ---------------------------------------------------------------------------
    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        """Freeze (False) or unfreeze the layer and every layer inside it."""
        self._trainable = bool(value)
        for name in self._trainable_names:
            p = self._parameters.get(name)
            if p is not None:
                p.requires_grad_(self._trainable)
        for layer in self._sublayers():
            layer.trainable = value

    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if not name.startswith("_") and isinstance(value, (list, tuple)):
            self._track_list(name, value)

    def _track_list(self, name, value):
        """Keras tracks the layers a subclassed layer keeps in a list (``self.blocks = [Dense(4), ...]``):
        register them as sub-modules ``blocks_0``, ``blocks_1``, ... so their weights are found."""
        for i, item in enumerate(value):
            if isinstance(item, Layer) and self._modules.get(f"{name}_{i}") is not item:
                self._modules[f"{name}_{i}"] = item

    def _sublayers(self):
        for name, value in list(self.__dict__.items()):  # lists appended to after they were assigned
            if not name.startswith("_") and isinstance(value, (list, tuple)):
                self._track_list(name, value)
        seen, out = set(), []
        for m in self._modules.values():
            if isinstance(m, Layer) and id(m) not in seen:
                seen.add(id(m))
                out.append(m)
        return out

    @property
    def weights(self):
        """The layer's own trainable weights, its own non-trainable ones, then its sub-layers'."""
        own = [(n, p) for n, p in self._parameters.items() if p is not None]
        out = [p for n, p in own if n in self._trainable_names] + [p for n, p in own if n not in self._trainable_names]
        seen = {id(p) for p in out}
        for layer in self._sublayers():
            for w in layer.weights:
                if id(w) not in seen:
                    seen.add(id(w))
                    out.append(w)
        return out

    @property
    def trainable_weights(self):
        return [w for w in self.weights if w.requires_grad] if self.trainable else []

    @property
    def non_trainable_weights(self):
        return [w for w in self.weights if not w.requires_grad] if self.trainable else self.weights

    @property
    def losses(self):
        """Losses the layer adds to the training loss (Keras's weight regularizers): none here."""
        return []

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def get_weights(self):
        """The weights as NumPy arrays (copies), in the order of ``weights``."""
        return [np.array(backend.to_device(w.array, "cpu")) for w in self.weights]

    def set_weights(self, weights):
        """Replace the weights by NumPy arrays given in the order of ``weights``."""
        params = self.weights
        if len(weights) != len(params):
            raise ArgumentError(f"Layer {self.name} expects {len(params)} weights, but the given weights "
                                f"contain {len(weights)} arrays.")
        arrays = [np.asarray(w) for w in weights]
        for p, a in zip(params, arrays):
            if tuple(a.shape) != tuple(p.shape):
                raise ArgumentError(f"Layer {self.name} weight shape {tuple(p.shape)} is not compatible with "
                                    f"provided weight shape {tuple(a.shape)}.")
        with no_grad():
            for p, a in zip(params, arrays):
                p.copy_(Tensor._make(backend.to_device(a.astype(p.dtype), p.device)))

    def count_params(self):
        """The number of numbers in all the weights."""
        if not self.built:
            raise ArgumentError(f"You tried to call `count_params` on layer '{self.name}', but the layer "
                                "isn't built. You can build it manually via: `layer.build(input_shape)`.")
        return int(sum(int(np.prod(w.shape)) for w in self.weights))

    # ---- configuration ---------------------------------------------------------------------
    def get_config(self):
        """The constructor arguments, as JSON-ready values: ``type(layer)(**config)`` remakes it."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = list(self._batch_input_shape)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"
