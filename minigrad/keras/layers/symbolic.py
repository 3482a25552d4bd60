"""Symbolic tensors, the graph of the functional API: ``x = Input(shape=(10,)); y = Dense(1)(x)``.

A ``KerasTensor`` holds no numbers, only a shape (batch axis first, ``None`` where unknown), a
dtype and where it came from: the ``Node`` of the layer call that produced it. Calling a layer
on KerasTensors records a Node (layer, the arguments, the outputs) and returns new
KerasTensors, so the calls form a graph; ``Model(inputs, outputs)`` walks it back from the
outputs and replays the layers in order on real tensors.
"""

from ...errors import ArgumentError


class Node:
    """One call of a layer in the graph: ``outputs = layer(*args, **kwargs)``."""

    def __init__(self, layer, args, kwargs, outputs):
        self.layer, self.args, self.kwargs, self.outputs = layer, args, kwargs, outputs

    @property
    def input_tensors(self):
        """The KerasTensors among the call's arguments, in order."""
        return [t for t in flatten((self.args, self.kwargs)) if isinstance(t, KerasTensor)]


class KerasTensor:
    """A symbolic tensor: a shape and a dtype, and the Node (layer call) that made it."""

    def __init__(self, shape, dtype="float32", node=None, index=0, name=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = str(dtype)
        self.node, self.index, self.name = node, index, name

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __bool__(self):
        raise ArgumentError("A KerasTensor is symbolic: it has no value to test. Build a Model from it and "
                            "call the model on data.")


def flatten(structure):
    """The leaves of a nest of lists, tuples and dicts, in order."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in structure for leaf in flatten(structure[key])]
    return [structure]


def map_structure(fn, structure):
    """The same nest with ``fn`` applied to each leaf."""
    if isinstance(structure, list):
        return [map_structure(fn, s) for s in structure]
    if isinstance(structure, tuple):
        return tuple(map_structure(fn, s) for s in structure)
    if isinstance(structure, dict):
        return {k: map_structure(fn, v) for k, v in structure.items()}
    return fn(structure)
