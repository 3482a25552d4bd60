"""Uniform: U(low, high), with a reparameterised sample."""

import numpy as np

from .. import backend
from ..tensor import Tensor
from .distribution import Distribution, as_param


class Uniform(Distribution):
    """density = 1 / (high - low) on [low, high).  rsample = low + (high - low) u, u ~ U(0, 1)."""

    has_rsample = True

    def __init__(self, low, high, validate_args=None):
        low, high = as_param(low), as_param(high, as_param(low))
        shape = np.broadcast_shapes(tuple(low.shape), tuple(high.shape))
        self.low, self.high = low.expand(*shape), high.expand(*shape)
        super().__init__(batch_shape=shape)

    @property
    def mean(self):
        return (self.low + self.high) / 2

    @property
    def variance(self):
        return (self.high - self.low) ** 2 / 12

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        u = Tensor._make(self.low.xp.asarray(backend.generator(self.low.device).random(shape), dtype=self.low.dtype))
        return self.low + (self.high - self.low) * u

    def log_prob(self, value):
        value = as_param(value, self.low)
        inside = ((value >= self.low) & (value < self.high)).to(self.low.dtype)
        return inside.log() - (self.high - self.low).log()

    def entropy(self):
        return (self.high - self.low).log()
