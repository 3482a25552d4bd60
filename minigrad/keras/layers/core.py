"""The core layers: Dense, Activation, Dropout, Flatten, Reshape.

``Dense(units)`` computes y = activation(x @ kernel + bias) with the kernel in Keras's layout
(in, units): ``nn.Linear`` keeps the transpose (out, in) and computes x @ W^T. So a Keras
kernel copied into an ``nn.Linear`` is ``weight = kernel.T``. The gradients are matmul's:
dL/dx = G kernel^T, dL/dkernel = x^T G, dL/dbias = G summed over all but the last axis.
"""

from ...errors import ArgumentError, ShapeError
from ...ops.dropout import dropout
from ...ops.linalg import matmul
from ...ops.shape import reshape
from .. import activations, initializers
from .base import Layer


class Dense(Layer):
    """A fully connected layer: ``activation(inputs @ kernel + bias)`` over the last axis."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ArgumentError("Received an invalid value for `units`, expected a positive integer. "
                                f"Received: units={units}")
        if activity_regularizer is not None or lora_rank is not None:
            raise ArgumentError("Dense: activity_regularizer and lora_rank are not supported")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self._regularizers = (kernel_regularizer, bias_regularizer, kernel_constraint, bias_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        if input_shape[-1] is None:
            raise ShapeError(f"Dense {self.name}: the last axis of the input must be known, got shape {input_shape}")
        kr, br, kc, bc = self._regularizers
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer=self.kernel_initializer,
                                      regularizer=kr, constraint=kc, name="kernel")
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=br, constraint=bc, name="bias")
        self.built = True

    def call(self, inputs):
        if inputs.shape[-1] != self.kernel.shape[0]:
            raise ShapeError(f"Dense {self.name}: input of shape {tuple(inputs.shape)} does not fit a kernel of "
                             f"shape {tuple(self.kernel.shape)} (its last axis must be {self.kernel.shape[0]})")
        x = matmul(inputs, self.kernel)
        if self.use_bias:
            x = x + self.bias
        return self.activation(x)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias, "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer)}


class Activation(Layer):
    """Applies an activation function: ``Activation("relu")``."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Dropout(Layer):
    """Sets a fraction ``rate`` of the inputs to 0 during training and scales the rest by
    1 / (1 - rate), so the expected sum is unchanged; passes inputs through at inference."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ArgumentError(f"Invalid value received for argument `rate`. Expected a float value between "
                                f"0 and 1. Received: rate={rate}")
        if noise_shape is not None:
            raise ArgumentError("Dropout: noise_shape is not supported")
        self.rate, self.seed = rate, seed
        self.supports_masking = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            return dropout(inputs, p=self.rate, training=True)
        return inputs

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class Flatten(Layer):
    """Flattens every axis after the batch axis into one: (B, d1, ..., dn) -> (B, d1 ... dn)."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or "channels_last"

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = inputs.permute(0, *range(2, inputs.ndim), 1)
        return reshape(inputs, (inputs.shape[0], -1))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """Reshapes each sample to ``target_shape`` (the batch axis stays; one entry may be -1)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def call(self, inputs):
        return reshape(inputs, (inputs.shape[0],) + self.target_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}
