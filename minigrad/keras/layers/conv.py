"""Conv1D and Conv2D, channels last, as Keras lays them out.

Keras keeps images as (batch, height, width, channels) and a kernel as (kh, kw, in/groups,
filters); minigrad's ``conv2d`` (PyTorch's) wants (batch, channels, height, width) and a
weight (filters, in/groups, kh, kw). The layer moves the axes (views) around one conv2d call:

    y = conv2d(x.permute(0, 3, 1, 2), kernel.permute(3, 2, 0, 1)).permute(0, 2, 3, 1) + bias

``padding="same"`` follows TensorFlow: the output has ceil(n / stride) positions and the
total padding (out - 1) * stride + (k - 1) * dilation + 1 - n is split with the odd one after;
Conv1D's ``"causal"`` pads (k - 1) * dilation before only, so step t sees no later step.
"""

import math

from ...errors import ArgumentError, ShapeError
from ...ops.conv import conv1d, conv2d
from ...ops.padding import pad
from .. import activations, initializers
from .base import Layer


def normalize_tuple(value, n, name):
    if isinstance(value, int):
        return (value,) * n
    value = tuple(value)
    if len(value) != n or not all(isinstance(v, int) and v > 0 for v in value):
        raise ArgumentError(f"The `{name}` argument must be a tuple of {n} positive integers. Received: {value}")
    return value


def same_padding(size, kernel, stride, dilation):
    """(before, after) padding of one axis for TensorFlow's "same"."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def pad_spatial(x, pads, value=0.0):
    """Pad the trailing spatial axes of a channels-first x; ``pads`` = [(before, after)] per axis."""
    flat = []
    for before, after in reversed(pads):
        flat += [before, after]
    return x if not any(flat) else pad(x, tuple(flat), value=value)


class Conv(Layer):
    """What Conv1D and Conv2D share; ``RANK`` is the number of spatial axes."""

    RANK = None

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        n = self.RANK
        self.filters = filters
        self.kernel_size = normalize_tuple(kernel_size, n, "kernel_size")
        self.strides = normalize_tuple(strides, n, "strides")
        self.dilation_rate = normalize_tuple(dilation_rate, n, "dilation_rate")
        padding = padding.lower()
        if padding not in ("valid", "same") + (("causal",) if n == 1 else ()):
            raise ArgumentError(f"{type(self).__name__}: padding must be 'valid' or 'same'"
                                f"{' or causal' if n == 1 else ''}, got {padding!r}")
        self.padding = padding
        self.data_format = data_format or "channels_last"
        if self.data_format not in ("channels_last", "channels_first"):
            raise ArgumentError(f"data_format must be 'channels_last' or 'channels_first', got {data_format!r}")
        self.groups = groups
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self._regularizers = (kernel_regularizer, bias_regularizer, kernel_constraint, bias_constraint)
        if activity_regularizer is not None:
            raise ArgumentError(f"{type(self).__name__}: activity_regularizer is not supported")

    def build(self, input_shape):
        channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        if channels is None or len(input_shape) != self.RANK + 2:
            raise ShapeError(f"{type(self).__name__} {self.name}: expected a {self.RANK + 2}-D input with known "
                             f"channels, got shape {input_shape}")
        if channels % self.groups or self.filters % self.groups:
            raise ArgumentError(f"{type(self).__name__} {self.name}: channels ({channels}) and filters "
                                f"({self.filters}) must be divisible by groups ({self.groups})")
        kr, br, kc, bc = self._regularizers
        self.kernel = self.add_weight(shape=self.kernel_size + (channels // self.groups, self.filters),
                                      initializer=self.kernel_initializer, regularizer=kr, constraint=kc,
                                      name="kernel")
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.filters,), initializer=self.bias_initializer, regularizer=br,
                                        constraint=bc, name="bias")
        self.built = True

    def call(self, inputs):
        n = self.RANK
        if inputs.dtype.kind != "f":
            inputs = inputs.float()  # integer pixels, as Keras accepts them
        x = inputs.permute(0, n + 1, *range(1, n + 1)) if self.data_format == "channels_last" else inputs
        sizes = x.shape[2:]
        if self.padding == "same":
            x = pad_spatial(x, [same_padding(s, k, st, d) for s, k, st, d in
                                zip(sizes, self.kernel_size, self.strides, self.dilation_rate)])
        elif self.padding == "causal":
            x = pad_spatial(x, [((self.kernel_size[0] - 1) * self.dilation_rate[0], 0)])
        weight = self.kernel.permute(n + 1, n, *range(n))  # (filters, in/groups, k...)
        conv = conv1d if n == 1 else conv2d
        y = conv(x, weight, None, stride=self.strides, dilation=self.dilation_rate, groups=self.groups)
        if self.data_format == "channels_last":
            y = y.permute(0, *range(2, n + 2), 1)
            if self.use_bias:
                y = y + self.bias
        elif self.use_bias:
            y = y + self.bias.reshape((self.filters,) + (1,) * n)
        return self.activation(y)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": list(self.kernel_size),
                "strides": list(self.strides), "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": list(self.dilation_rate), "groups": self.groups,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer)}


class Conv1D(Conv):
    """1-D convolution over (batch, steps, channels): kernel (k, in/groups, filters)."""

    RANK = 1


class Conv2D(Conv):
    """2-D convolution over (batch, height, width, channels): kernel (kh, kw, in/groups, filters)."""

    RANK = 2
