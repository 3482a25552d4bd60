"""Layers that merge a list of tensors: Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum."""

from ...errors import ArgumentError
from ...ops.elementwise import maximum, minimum
from ...ops.shape import cat
from .base import Layer


class Merge(Layer):
    """Base of the merging layers: ``call`` takes a list of at least two tensors."""

    def _check(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ArgumentError(f"A merge layer {type(self).__name__} should be called on a list of at least 2 "
                                f"inputs. Got {len(inputs) if isinstance(inputs, (list, tuple)) else 1} input.")
        return list(inputs)


class Concatenate(Merge):
    """Joins the inputs along ``axis`` (the last by default)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return cat(self._check(inputs), dim=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Add(Merge):
    """The elementwise sum of the inputs."""

    def call(self, inputs):
        inputs = self._check(inputs)
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return out


class Subtract(Merge):
    """inputs[0] - inputs[1]."""

    def call(self, inputs):
        inputs = self._check(inputs)
        if len(inputs) != 2:
            raise ArgumentError(f"A `Subtract` layer should be called on exactly 2 inputs. Received {len(inputs)}")
        return inputs[0] - inputs[1]


class Multiply(Merge):
    """The elementwise product of the inputs."""

    def call(self, inputs):
        inputs = self._check(inputs)
        out = inputs[0]
        for x in inputs[1:]:
            out = out * x
        return out


class Average(Merge):
    """The elementwise mean of the inputs."""

    def call(self, inputs):
        inputs = self._check(inputs)
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return out / float(len(inputs))


class Maximum(Merge):
    def call(self, inputs):
        inputs = self._check(inputs)
        out = inputs[0]
        for x in inputs[1:]:
            out = maximum(out, x)
        return out


class Minimum(Merge):
    def call(self, inputs):
        inputs = self._check(inputs)
        out = inputs[0]
        for x in inputs[1:]:
            out = minimum(out, x)
        return out
