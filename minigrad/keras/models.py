"""Keras models: ``Sequential``, the functional ``Model(inputs, outputs)`` and subclassed ``Model``.

A Model is a Layer (so models nest, and are minigrad Modules whose ``parameters()`` an
optimizer can take) and a ``Trainer`` (``compile``/``fit``/``evaluate``/``predict``, in
training.py). The three ways to make one:

- ``Sequential([Dense(4), Dense(1)])`` or ``model.add(...)``: the layers run one after another.
  Given an input shape (``input_shape=`` on the first layer, or an ``Input``), it builds at
  once; otherwise at the first batch it sees.
- ``Model(inputs, outputs)`` on KerasTensors: the graph of layer calls between them (see
  layers/symbolic.py), replayed in order on real tensors.
- a subclass of ``Model`` with its own ``call``: it runs as written.

Saving is safe: ``save``/``load_model`` write one ``minigrad.save`` archive (``.npz``, no
pickle) holding the architecture as JSON text (each layer's ``get_config()``), the weights as
arrays and, for a compiled model, compile's settings (``get_compile_config()``) and the
optimizer's state, so that the loaded model evaluates and trains on at once;
``save_weights``/``load_weights`` write only the weights.
"""

import json
import warnings

import numpy as np

from .. import backend
from ..autograd.grad_mode import no_grad
from ..errors import ArgumentError, ShapeError
from ..serialization import load as _load
from ..serialization import save as _save
from ..tensor import Tensor
from .layers.base import Layer, standardize_shape, unique_name
from .layers.input import InputLayer
from .layers.symbolic import KerasTensor, flatten, map_structure
from .optimizers import Optimizer as KerasOptimizer
from .summary import summary_lines
from .training import Trainer

FORMAT = "minigrad.keras"


class Model(Trainer, Layer):
    """A Keras model: ``Model(inputs, outputs)``, or subclass it and write ``call``.

    (``Trainer`` comes first in the bases so that its ``compile`` is the one a model has:
    ``nn.Module`` has a ``compile`` too, PyTorch's, which does nothing.)
    """

    def __init__(self, *args, **kwargs):
        inputs = kwargs.pop("inputs", args[0] if len(args) > 0 else None)
        outputs = kwargs.pop("outputs", args[1] if len(args) > 1 else None)
        name = kwargs.pop("name", None)
        if name is None:
            prefix = "functional" if inputs is not None else None
            name = unique_name(prefix) if prefix else None
        Layer.__init__(self, name=name, **kwargs)
        self.stop_training = False
        self.optimizer = None
        self.loss = None
        self.compiled_metrics = None
        self._graph = None
        if inputs is not None or outputs is not None:
            if inputs is None or outputs is None:
                raise ArgumentError("Model: give both `inputs` and `outputs` (KerasTensors) for a functional model")
            self._init_graph(inputs, outputs)

    # ---- the functional graph --------------------------------------------------------------
    def _init_graph(self, inputs, outputs):
        for t in flatten(inputs) + flatten(outputs):
            if not isinstance(t, KerasTensor):
                raise ArgumentError(f"Model: inputs and outputs must be KerasTensors (from Input() and layer "
                                    f"calls), got {type(t).__name__}")
        self._inputs_structure, self._outputs_structure = inputs, outputs
        self.inputs, self.outputs = flatten(inputs), flatten(outputs)
        input_ids = {id(t) for t in self.inputs}
        # nodes in depth-first post-order from the outputs: every node after those it reads
        order, done = [], set()
        stack = [(t.node, False) for t in reversed(self.outputs)]
        while stack:
            node, expanded = stack.pop()
            if id(node) in done:
                continue
            if expanded:
                done.add(id(node))
                order.append(node)
                continue
            stack.append((node, True))
            if isinstance(node.layer, InputLayer):
                if id(node.outputs) not in input_ids:
                    raise ArgumentError(f"Graph disconnected: cannot reach the tensor {node.outputs} from the "
                                        f"model's inputs; add its Input to `inputs`")
                continue
            for t in reversed(node.input_tensors):
                if id(t.node) not in done:
                    stack.append((t.node, False))
        self._nodes = order
        layers = []
        for node in order:
            if all(node.layer is not l for l in layers):
                layers.append(node.layer)
        names = [l.name for l in layers]
        for n in names:
            if names.count(n) > 1:
                raise ArgumentError(f"The name {n!r} is used {names.count(n)} times in the model. "
                                    "All layer names should be unique.")
        for layer in layers:
            self.add_module(layer.name.replace(".", "_"), layer)
        self._graph_layers = layers
        self._graph = True
        self.built = True

    def _run_graph(self, inputs):
        names = [t.name for t in self.inputs]
        if isinstance(inputs, dict) and set(inputs) == set(names):
            inputs = [inputs[n] for n in names]  # {input name: data}, as Keras accepts it
        given = flatten(inputs) if isinstance(inputs, (list, tuple, dict)) else [inputs]
        if len(given) != len(self.inputs):
            raise ArgumentError(f"Model {self.name} expects {len(self.inputs)} input(s), but it received "
                                f"{len(given)} input tensors.")
        values = {id(k): v for k, v in zip(self.inputs, given)}
        for node in self._nodes:
            if isinstance(node.layer, InputLayer):
                values[id(node.outputs)] = node.layer(values[id(node.outputs)])
                continue
            args = map_structure(lambda x: values[id(x)] if isinstance(x, KerasTensor) else x, node.args)
            kwargs = map_structure(lambda x: values[id(x)] if isinstance(x, KerasTensor) else x, node.kwargs)
            out = node.layer(*args, **kwargs)
            for k, v in zip(flatten(node.outputs), flatten(out)):
                values[id(k)] = v
        return map_structure(lambda k: values[id(k)], self._outputs_structure)

    # ---- running ---------------------------------------------------------------------------
    def call(self, inputs, training=None, mask=None):
        if self._graph:
            return self._run_graph(inputs)
        raise NotImplementedError(f"Model {self.name}: a subclassed Model defines `call(self, inputs)`")

    def _build_for_call(self, args, kwargs, shape_of):
        """A subclassed model builds from its first call itself: that call builds each layer it
        runs, on the real batch (no extra run on zeros, and the inputs have their real dtype).
        A model with a ``build`` of its own (Sequential's, or a subclass's) is built by it, as usual."""
        if type(self).build is not Model.build:
            return Layer._build_for_call(self, args, kwargs, shape_of)
        if not self.built:
            self._build_shapes = map_structure(shape_of, args[0])
            self.built = True

    def build(self, input_shape=None):
        """Build with the full input shape (batch axis first): a subclassed model runs once on a
        batch of that shape, of token ids (ones: 0 may mean padding) when its first layer is an
        Embedding, else of float32 zeros."""
        if self._graph or self.built:
            self.built = True
            return
        if input_shape is None:
            raise ArgumentError(f"Model {self.name}: build() needs the input shape")
        self.built = True  # the run below must not try to build again
        shape = tuple(1 if d is None else d for d in standardize_shape(input_shape))
        batch = np.ones(shape, dtype=np.int64) if _takes_token_ids(self) else np.zeros(shape, dtype=np.float32)
        with no_grad():
            self(batch, training=False)

    @property
    def input_shape(self):
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def layers(self):
        if self._graph:
            return list(self._graph_layers)
        return self._sublayers()

    def get_layer(self, name=None, index=None):
        """The layer called ``name``, or at position ``index`` of ``layers``."""
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ArgumentError(f"Was asked to retrieve layer at index {index} but model only has "
                                    f"{len(self.layers)} layers.")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ArgumentError(f"No such layer: {name}. Existing layers are: {[l.name for l in self.layers]}.")

    # ---- summary ---------------------------------------------------------------------------
    def _summary_layers(self):
        """(layers to list, the graph's nodes when the model branches, else None)."""
        if not self._graph:
            return self.layers, None
        # Keras's test: a chain has one node per depth (counted back from the outputs), each node
        # reads at most one tensor, and no layer is called twice
        depth = {id(n): 0 for n in self._nodes}
        for node in reversed(self._nodes):
            for t in node.input_tensors:
                depth[id(t.node)] = max(depth[id(t.node)], depth[id(node)] + 1)
        one_per_depth = len(set(depth.values())) == len(self._nodes)
        called = [n.layer for n in self._nodes]
        chain = (one_per_depth and all(len(n.input_tensors) <= 1 for n in self._nodes)
                 and all(called.count(l) == 1 for l in called))
        return self._graph_layers, (None if chain else self._nodes)

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                layer_range=None):
        """Print the layers with their output shapes and parameter counts, as Keras does."""
        text = "\n".join(summary_lines(self, line_length, positions, show_trainable))
        (print_fn or print)(text)

    # ---- saving ----------------------------------------------------------------------------
    def get_config(self):
        if not self._graph:
            raise NotImplementedError(f"Model {self.name} is a subclassed Model: write its get_config() to save "
                                      "its architecture, or use save_weights")
        positions = {id(n): i for i, n in enumerate(self._nodes)}

        def encode(x):
            if isinstance(x, KerasTensor):
                return {"__keras_tensor__": [positions[id(x.node)], x.index]}
            return x
        nodes = []
        for node in self._nodes:
            entry = {"layer": node.layer.name}
            if not isinstance(node.layer, InputLayer):
                entry["args"] = map_structure(encode, list(node.args))
                entry["kwargs"] = map_structure(encode, node.kwargs)
            nodes.append(entry)
        return {"name": self.name, "trainable": self.trainable,
                "layers": [serialize_layer(l) for l in self._graph_layers], "nodes": nodes,
                "inputs": map_structure(encode, self._inputs_structure),
                "outputs": map_structure(encode, self._outputs_structure)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        layers = {c["config"]["name"]: deserialize_layer(c, custom_objects) for c in config["layers"]}
        made = []

        def decode(x):
            if isinstance(x, dict) and "__keras_tensor__" in x:
                position, index = x["__keras_tensor__"]
                return flatten(made[position])[index]
            if isinstance(x, dict):
                return {k: decode(v) for k, v in x.items()}
            if isinstance(x, list):
                return [decode(v) for v in x]
            return x
        for entry in config["nodes"]:
            layer = layers[entry["layer"]]
            if isinstance(layer, InputLayer):
                made.append(layer._inbound_nodes[0].outputs)
            else:
                made.append(layer(*decode(entry["args"]), **decode(entry["kwargs"])))
        return cls(inputs=decode(config["inputs"]), outputs=decode(config["outputs"]), name=config["name"],
                   trainable=config.get("trainable", True))

    def save_weights(self, filepath, overwrite=True):
        """Write the weights (in ``weights`` order, with their names) to ``filepath`` (minigrad's npz)."""
        _save({"format": FORMAT + ".weights", "names": self._weight_names(),
               "weights": self.get_weights()}, filepath)

    def load_weights(self, filepath, skip_mismatch=False):
        """Read weights written by ``save_weights`` (or ``save``) into this (built) model."""
        data = _load(filepath)
        if not isinstance(data, dict) or not str(data.get("format", "")).startswith(FORMAT):
            raise ArgumentError(f"load_weights: {filepath} is not a minigrad.keras weights file")
        self._check_built("load_weights")
        self._set_named_weights(data["names"], data["weights"], filepath)

    def save(self, filepath, overwrite=True, zipped=None, include_optimizer=True):
        """Write architecture (JSON) and weights to ``filepath``; ``load_model`` reads it back."""
        self._check_built("save")
        record = {"format": FORMAT + ".model", "version": 1,
                  "config": json.dumps(serialize_layer(self)), "names": self._weight_names(),
                  "weights": self.get_weights()}
        try:
            config = self.get_compile_config()
        except ArgumentError as e:  # a setting JSON cannot hold: save the model uncompiled
            warnings.warn(f"save: the compile settings are not saved ({e}); compile the loaded model again",
                          stacklevel=2)
            config = {}
        if config:
            record["compile_config"] = json.dumps(config)
            optimizer = self.optimizer
            if include_optimizer and isinstance(optimizer, KerasOptimizer):
                record["optimizer_iterations"] = optimizer.iterations
                record["optimizer_state"] = optimizer.state_arrays(self.trainable_weights)
        _save(record, filepath)

    def _check_built(self, what):
        if not self.built:
            raise ArgumentError(f"{what}: model {self.name} has not been built yet (it has no weights). Call it "
                                "on data, fit it, or give the first layer an input_shape.")

    def _weight_names(self):
        names = {}
        for path, module in self.named_modules():
            for n, p in module._parameters.items():
                if p is not None and id(p) not in names:
                    names[id(p)] = (path + "/" if path else "") + n
        return [names.get(id(w), f"weight_{i}") for i, w in enumerate(self.weights)]

    def _set_named_weights(self, names, arrays, where):
        mine = self._weight_names()
        if len(arrays) != len(mine):
            raise ShapeError(f"{where} holds {len(arrays)} weights, model {self.name} has {len(mine)}: "
                             f"file {list(names)}, model {mine}")
        problems = [f"{n}: file {tuple(np.shape(a))}, model {tuple(w.shape)}"
                    for n, a, w in zip(mine, arrays, self.weights) if tuple(np.shape(a)) != tuple(w.shape)]
        if problems:
            raise ShapeError(f"{where} does not fit model {self.name}; weight shapes differ: " + "; ".join(problems))
        self.set_weights([np.asarray(backend.to_device(a.array, "cpu")) if isinstance(a, Tensor) else a
                          for a in arrays])


class Sequential(Model):
    """A stack of layers, each taking the previous one's output: ``Sequential([Dense(4), Dense(1)])``."""

    def __init__(self, layers=None, trainable=True, name=None):
        Model.__init__(self, trainable=trainable, name=name if name is not None else unique_name("sequential"))
        self._stack = []
        self._input_layer = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer, rebuild=True):
        """Put ``layer`` on top of the stack (an ``Input(...)`` first fixes the input shape)."""
        if isinstance(layer, KerasTensor) and isinstance(layer.node.layer, InputLayer):
            layer = layer.node.layer
        if isinstance(layer, InputLayer):
            if self._stack or self._input_layer is not None:
                raise ArgumentError("Sequential: an Input can only be the first layer of the model")
            self._input_layer = layer
        elif not isinstance(layer, Layer):
            raise ArgumentError(f"Only instances of `keras.Layer` can be added to a Sequential model. "
                                f"Received: {layer!r} (of type {type(layer).__name__})")
        else:
            if any(l.name == layer.name for l in self._stack):
                raise ArgumentError(f"All layers added to a Sequential model should have unique names. "
                                    f"Name {layer.name!r} is already the name of a layer in this model.")
            self.add_module(layer.name.replace(".", "_"), layer)
            self._stack.append(layer)
        self.built = False
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild=True):
        """Remove the top layer."""
        if not self._stack:
            raise ArgumentError("There are no layers in the model.")
        layer = self._stack.pop()
        del self._modules[layer.name.replace(".", "_")]
        self.built = False
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _input_shape(self):
        if self._input_layer is not None:
            return self._input_layer.batch_shape
        if self._stack and self._stack[0]._batch_input_shape is not None:
            return self._stack[0]._batch_input_shape
        return None

    def _maybe_rebuild(self):
        shape = self._input_shape()
        if shape is not None and self._stack:
            self.build(shape)

    def build(self, input_shape=None):
        """Run a symbolic input of ``input_shape`` through the layers: each builds its weights and
        records its output shape (the batch axis is always unknown, None)."""
        if input_shape is None:
            input_shape = self._input_shape()
        if input_shape is None:
            raise ArgumentError(f"Sequential model {self.name}: build() needs the input shape")
        shape = (None,) + standardize_shape(input_shape)[1:]
        dtype = self._input_layer.dtype if self._input_layer is not None else "float32"
        x = first = KerasTensor(shape, dtype)
        for layer in self._stack:
            x = layer(x)
        self._symbolic = ([first], flatten(x))
        self._build_shapes = shape
        self.built = True

    @property
    def inputs(self):
        """[the symbolic input] once built (Keras's Sequential is a functional model inside)."""
        self._check_built("inputs")
        return list(self._symbolic[0])

    @property
    def outputs(self):
        self._check_built("outputs")
        return list(self._symbolic[1])

    def call(self, inputs, training=None, mask=None):
        x = inputs
        for layer in self._stack:
            x = layer(x, training=training)
        return x

    @property
    def layers(self):
        return list(self._stack)

    def _summary_layers(self):
        return self.layers, None

    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable,
                  "layers": [serialize_layer(l) for l in self._stack]}
        shape = self._input_shape() or self._build_shapes
        if shape is not None:
            config["build_input_shape"] = list(shape)
        if self._input_layer is not None:
            config["input_dtype"] = self._input_layer.dtype
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        model = cls(name=config["name"], trainable=config.get("trainable", True))
        shape = config.get("build_input_shape")
        if shape is not None:
            from .layers.input import Input
            model.add(Input(batch_shape=tuple(shape), dtype=config.get("input_dtype")), rebuild=False)
        for c in config["layers"]:
            model.add(deserialize_layer(c, custom_objects), rebuild=False)
        model._maybe_rebuild()
        return model


def _takes_token_ids(model):
    """Whether the first layer ``model`` holds (looking into nested models) is an Embedding."""
    from .layers.embedding import Embedding

    layer = model
    while isinstance(layer, Model):
        layers = layer.layers
        if not layers:
            return False
        layer = layers[0]
    return isinstance(layer, Embedding)


# ---- architectures as JSON ---------------------------------------------------------------------
def serialize_layer(layer):
    """{"class_name": ..., "config": layer.get_config()}: what a saved model stores per layer."""
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def _known_classes():
    from . import layers as layer_module

    known = {name: getattr(layer_module, name) for name in dir(layer_module)}
    known = {k: v for k, v in known.items() if isinstance(v, type) and issubclass(v, Layer)}
    known.update(Model=Model, Functional=Model, Sequential=Sequential)
    return known


def deserialize_layer(config, custom_objects=None):
    """The layer (or model) a ``serialize_layer`` dict describes."""
    known = _known_classes()
    known.update(custom_objects or {})
    name = config.get("class_name")
    if name not in known:
        raise ArgumentError(f"Unknown layer: {name!r}. Please ensure you are using a `keras.utils.custom_object_scope` "
                            "and that this object is included in the scope, or pass it in `custom_objects`.")
    cls = known[name]
    if issubclass(cls, Model):
        return cls.from_config(config["config"], custom_objects=custom_objects)
    return cls.from_config(config["config"])


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model ``model.save(filepath)`` wrote: architecture, weights (and compile settings)."""
    data = _load(filepath)
    if not isinstance(data, dict) or data.get("format") != FORMAT + ".model":
        raise ArgumentError(f"load_model: {filepath} is not a model saved by minigrad.keras (model.save)")
    model = deserialize_layer(json.loads(data["config"]), custom_objects)
    model._check_built("load_model")
    model._set_named_weights(data["names"], data["weights"], filepath)
    if compile and "compile_config" in data:
        model.compile_from_config(json.loads(data["compile_config"]))
        if "optimizer_state" in data and isinstance(model.optimizer, KerasOptimizer):
            arrays = [np.asarray(backend.to_device(a.array, "cpu")) if isinstance(a, Tensor) else a
                      for a in data["optimizer_state"]]
            model.optimizer.load_state_arrays(model.trainable_weights, arrays, int(data["optimizer_iterations"]))
    return model
