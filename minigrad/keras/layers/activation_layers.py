"""Activation functions as layers, with Keras's arguments: ReLU, LeakyReLU, ELU, Softmax.

- ``ReLU(max_value, negative_slope, threshold)``: f(x) = max_value for x >= max_value,
  x for threshold <= x < max_value, negative_slope * (x - threshold) below the threshold.
  The derivative is 1, 0 or negative_slope on those pieces (at a break point, the piece
  on the right: the same choice as PyTorch's relu, whose derivative at 0 is 0).
- ``LeakyReLU(negative_slope=0.3)``: Keras's layer default is 0.3 (the function's is 0.2).
- ``Softmax(axis=-1)`` with a mask: masked entries get -1e9 before the softmax and 0 after.
"""

from ...errors import ArgumentError
from ...ops.activation import leaky_relu, relu, softmax
from ...ops.activations_smooth import elu
from ...ops.selections import where
from ...tensor import Tensor
from .base import Layer


class ReLU(Layer):
    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0:
            raise ArgumentError(f"max_value of a ReLU layer cannot be a negative value. Received: {max_value}")
        if negative_slope is None or negative_slope < 0:
            raise ArgumentError("negative_slope of a ReLU layer cannot be a negative value. "
                                f"Received: {negative_slope}")
        self.max_value, self.negative_slope, self.threshold = max_value, float(negative_slope), float(threshold)
        self.supports_masking = True

    def call(self, inputs):
        if self.negative_slope == 0 and self.threshold == 0:
            y = relu(inputs)
        else:
            shifted = inputs - self.threshold
            y = where(inputs > self.threshold, inputs, shifted * self.negative_slope)
        if self.max_value is not None:
            y = where(inputs >= self.max_value, y * 0.0 + float(self.max_value), y)
        return y

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}


class LeakyReLU(Layer):
    def __init__(self, negative_slope=0.3, **kwargs):
        alpha = kwargs.pop("alpha", None)  # Keras 2's name for it
        super().__init__(**kwargs)
        self.negative_slope = float(negative_slope if alpha is None else alpha)
        self.supports_masking = True

    def call(self, inputs):
        return leaky_relu(inputs, self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(Layer):
    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)
        self.supports_masking = True

    def call(self, inputs):
        return elu(inputs, alpha=self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class Softmax(Layer):
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return softmax(inputs, dim=self.axis)
        keep = (mask.array if isinstance(mask, Tensor) else inputs.xp.asarray(mask)).astype(bool)
        y = softmax(where(keep, inputs, -1e9), dim=self.axis)
        return where(keep, y, 0.0)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
