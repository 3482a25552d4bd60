"""Max and average pooling (1-D, 2-D) and global pooling, channels last.

The layers move the channel axis next to the batch axis and call minigrad's pooling ops.
``padding="same"`` pads as TensorFlow does (see conv.py): max pooling pads with -inf, so a
padded cell never wins; average pooling divides each window's sum by the number of real
(unpadded) cells in it, computed by pooling a tensor of ones padded the same way.
Global pooling reduces the steps (or height and width) axes; a mask (from
``Embedding(mask_zero=True)``) makes the global average count only the real steps.
"""

from ...errors import ArgumentError
from ...ops.pooling import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from ...ops.reduction import amax, mean
from ...ops.reduction import sum as _sum
from ...tensor import Tensor
from .base import Layer
from .conv import normalize_tuple, pad_spatial, same_padding


class Pooling(Layer):
    RANK = None
    KIND = None

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        n = self.RANK
        self.pool_size = normalize_tuple(pool_size, n, "pool_size")
        self.strides = self.pool_size if strides is None else normalize_tuple(strides, n, "strides")
        self.padding = padding.lower()
        if self.padding not in ("valid", "same"):
            raise ArgumentError(f"{type(self).__name__}: padding must be 'valid' or 'same', got {padding!r}")
        self.data_format = data_format or "channels_last"

    def call(self, inputs):
        n = self.RANK
        x = inputs.permute(0, n + 1, *range(1, n + 1)) if self.data_format == "channels_last" else inputs
        pads = [(0, 0)] * n
        if self.padding == "same":
            pads = [same_padding(s, k, st, 1) for s, k, st in zip(x.shape[2:], self.pool_size, self.strides)]
        if self.KIND == "max":
            pool = max_pool1d if n == 1 else max_pool2d
            y = pool(pad_spatial(x, pads, value=float("-inf")), self.pool_size, self.strides)
        else:
            pool = avg_pool1d if n == 1 else avg_pool2d
            y = pool(pad_spatial(x, pads), self.pool_size, self.strides)
            if any(b or a for b, a in pads):
                ones = Tensor._make(x.xp.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype))
                y = y / pool(pad_spatial(ones, pads), self.pool_size, self.strides)
        return y.permute(0, *range(2, n + 2), 1) if self.data_format == "channels_last" else y

    def get_config(self):
        return {**super().get_config(), "pool_size": list(self.pool_size), "strides": list(self.strides),
                "padding": self.padding, "data_format": self.data_format}


class MaxPooling1D(Pooling):
    RANK, KIND = 1, "max"


class MaxPooling2D(Pooling):
    RANK, KIND = 2, "max"


class AveragePooling1D(Pooling):
    RANK, KIND = 1, "avg"


class AveragePooling2D(Pooling):
    RANK, KIND = 2, "avg"


class GlobalPooling(Layer):
    RANK = None
    KIND = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or "channels_last"
        self.keepdims = keepdims
        self.supports_masking = self.RANK == 1

    def call(self, inputs, mask=None):
        n = self.RANK
        axes = tuple(range(1, n + 1)) if self.data_format == "channels_last" else tuple(range(2, n + 2))
        if self.KIND == "max":
            return amax(inputs, dim=axes, keepdim=self.keepdims)
        if mask is not None and n == 1:  # the mean over the real steps only
            if isinstance(mask, (list, tuple)):
                mask = mask[0]
            weights = Tensor._make(mask.array.astype(inputs.dtype))
            weights = weights.unsqueeze(-1) if self.data_format == "channels_last" else weights.unsqueeze(1)
            return _sum(inputs * weights, dim=axes, keepdim=self.keepdims) / _sum(weights, dim=axes,
                                                                                   keepdim=self.keepdims)
        return mean(inputs, dim=axes, keepdim=self.keepdims)

    def compute_mask(self, inputs, previous_mask):
        return None

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalMaxPooling1D(GlobalPooling):
    RANK, KIND = 1, "max"


class GlobalMaxPooling2D(GlobalPooling):
    RANK, KIND = 2, "max"


class GlobalAveragePooling1D(GlobalPooling):
    RANK, KIND = 1, "avg"


class GlobalAveragePooling2D(GlobalPooling):
    RANK, KIND = 2, "avg"
