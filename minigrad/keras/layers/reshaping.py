"""Layers that move numbers around without weights: RepeatVector, Permute, ZeroPadding1D/2D,
UpSampling1D/2D (channels last). Each is one or two minigrad shape ops, so the gradient is
the reverse move: padding's gradient crops, repetition's sums the copies."""

from ...errors import ArgumentError
from ...ops.padding import pad
from ...ops.rearrange import repeat_interleave
from .base import Layer


def _pairs(padding, n, name):
    """((before, after),) * n from an int, n ints, or n pairs (for one axis: one pair)."""
    if isinstance(padding, int):
        return ((padding, padding),) * n
    padding = tuple(padding)
    if n == 1 and len(padding) == 2 and all(isinstance(p, int) for p in padding):
        return (padding,)
    if len(padding) != n:
        raise ArgumentError(f"{name}: padding must be an int, {n} ints or {n} pairs, got {padding}")
    return tuple((p, p) if isinstance(p, int) else tuple(p) for p in padding)


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features): the input repeated n times."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = n

    def call(self, inputs):
        return inputs.unsqueeze(1).expand(inputs.shape[0], self.n, inputs.shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}


class Permute(Layer):
    """Reorders the axes after the batch axis: ``dims`` counts them from 1, as Keras does."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ArgumentError(f"Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                                f"`dims` must be consecutive and start from 1. Received dims={self.dims}")

    def call(self, inputs):
        return inputs.permute(0, *self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": list(self.dims)}


class _ZeroPadding(Layer):
    RANK = None

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _pairs(padding, self.RANK, type(self).__name__)
        self.data_format = data_format or "channels_last"

    def call(self, inputs):
        flat = [0, 0] if self.data_format == "channels_last" else []  # pad lists the last axis first
        for before, after in reversed(self.padding):
            flat += [before, after]
        return pad(inputs, tuple(flat))

    def get_config(self):
        return {**super().get_config(), "padding": [list(p) for p in self.padding], "data_format": self.data_format}


class ZeroPadding1D(_ZeroPadding):
    """Adds zeros before and after the steps axis of (batch, steps, channels)."""

    RANK = 1


class ZeroPadding2D(_ZeroPadding):
    """Adds rows and columns of zeros around (batch, height, width, channels)."""

    RANK = 2


class UpSampling1D(Layer):
    """Repeats each step ``size`` times: (batch, steps, channels) -> (batch, steps * size, channels)."""

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)

    def call(self, inputs):
        return repeat_interleave(inputs, self.size, dim=1)

    def get_config(self):
        return {**super().get_config(), "size": self.size}


class UpSampling2D(Layer):
    """Nearest-neighbour upsampling: each row repeated size[0] times, each column size[1] times."""

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = (size, size) if isinstance(size, int) else tuple(size)
        if interpolation != "nearest":
            raise ArgumentError(f"UpSampling2D: only interpolation='nearest' is supported, got {interpolation!r}")
        self.data_format = data_format or "channels_last"
        self.interpolation = interpolation

    def call(self, inputs):
        first = 1 if self.data_format == "channels_last" else 2
        y = repeat_interleave(inputs, self.size[0], dim=first)
        return repeat_interleave(y, self.size[1], dim=first + 1)

    def get_config(self):
        return {**super().get_config(), "size": list(self.size), "data_format": self.data_format,
                "interpolation": self.interpolation}
