"""Layers that merge a list of tensors: Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum.

Masks merge as in Keras. The elementwise layers: a step is real if it is real in any input,
and the output has no mask unless every input has one. Concatenate: an input without a mask
counts as real everywhere, the masks are joined as the tensors are (a mask of the steps,
(B, T), spread over the features first) and a position of the output is real if any of its
features is: joined on the features, a step is real if it is in any input; joined on the
steps, the masks follow one another.
"""

import operator

from ...errors import ArgumentError
from ...ops.elementwise import maximum, minimum
from ...ops.shape import cat
from ...tensor import Tensor
from .base import Layer


class Merge(Layer):
    """Base of the merging layers: ``call`` takes a list of at least two tensors."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_mask(self, inputs, previous_mask):
        """The "or" of the inputs' masks when every input has one, else no mask."""
        if previous_mask is None or not isinstance(previous_mask, (list, tuple)):
            return None
        if any(m is None for m in previous_mask):
            return None
        out = previous_mask[0].array
        for m in previous_mask[1:]:
            out = out | m.array
        return Tensor._make(out)

    def _check(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ArgumentError(f"A merge layer {type(self).__name__} should be called on a list of at least 2 "
                                f"inputs. Got {len(inputs) if isinstance(inputs, (list, tuple)) else 1} input.")
        return list(inputs)

    def _fold(self, inputs, combine):
        """``combine(out, x)`` over the inputs left to right: the elementwise merges differ only in it."""
        inputs = self._check(inputs)
        out = inputs[0]
        for x in inputs[1:]:
            out = combine(out, x)
        return out


class Concatenate(Merge):
    """Joins the inputs along ``axis`` (the last by default)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return cat(self._check(inputs), dim=self.axis)

    def compute_mask(self, inputs, previous_mask):
        if previous_mask is None or not isinstance(previous_mask, (list, tuple)):
            return None
        if all(m is None for m in previous_mask):
            return None
        xp = inputs[0].xp
        full = []
        for x, m in zip(inputs, previous_mask):
            if m is None:
                full.append(xp.ones(x.shape, dtype=bool))
            elif m.ndim < x.ndim:
                full.append(xp.broadcast_to(m.array[..., None], x.shape))
            else:
                full.append(m.array.astype(bool))
        return Tensor._make(xp.concatenate(full, axis=self.axis).any(axis=-1))

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Add(Merge):
    """The elementwise sum of the inputs."""

    def call(self, inputs):
        return self._fold(inputs, operator.add)


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
        return self._fold(inputs, operator.mul)


class Average(Merge):
    """The elementwise mean of the inputs."""

    def call(self, inputs):
        return self._fold(inputs, operator.add) / float(len(inputs))


class Maximum(Merge):
    def call(self, inputs):
        return self._fold(inputs, maximum)


class Minimum(Merge):
    def call(self, inputs):
        return self._fold(inputs, minimum)
