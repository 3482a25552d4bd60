"""``Input(shape)`` and the InputLayer behind it: where a functional model starts.

``Input(shape=(10,))`` returns a KerasTensor of shape (None, 10) whose Node belongs to an
``InputLayer``; that layer has no weights and passes its input through. Keras shapes leave the
batch axis out (``batch_size`` may fix it); the KerasTensor's shape puts it back as ``None``.
"""

from ...errors import ArgumentError
from .base import Layer
from .symbolic import KerasTensor, Node


class InputLayer(Layer):
    """The layer at a model's input: no weights, output = input."""

    def __init__(self, shape=None, batch_size=None, dtype=None, batch_shape=None, name=None, **kwargs):
        super().__init__(name=name, dtype=dtype or "float32", **kwargs)
        if batch_shape is None:
            if shape is None:
                raise ArgumentError("Input: give `shape` (the shape of one sample, without the batch axis) "
                                    "or `batch_shape`")
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            batch_shape = (batch_size,) + shape
        self.batch_shape = tuple(batch_shape)
        self.built = True
        output = KerasTensor(self.batch_shape, self.dtype, name=self.name)
        output.node = Node(self, (), {}, output)
        self._inbound_nodes.append(output.node)

    def call(self, inputs):
        if self.dtype.startswith("int") and inputs.dtype.kind == "f":
            return inputs.long()  # an integer Input (token ids) casts what it is given, as Keras does
        return inputs

    def get_config(self):
        return {"batch_shape": list(self.batch_shape), "dtype": self.dtype, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None, tensor=None,
          optional=False):
    """A symbolic input of ``shape`` (one sample's shape, without the batch axis): the start of
    a functional model, ``Model(inputs=Input(...), outputs=...)``."""
    return InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, batch_shape=batch_shape, name=name).output
