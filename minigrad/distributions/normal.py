"""Normal: the Gaussian N(loc, scale²), with a reparameterised sample."""

import math

import numpy as np

from .. import backend
from ..tensor import Tensor
from .distribution import Distribution, as_param


class Normal(Distribution):
    """density(x) = exp(-(x - μ)² / (2σ²)) / (σ √(2π)),  μ = loc, σ = scale (broadcast together).

    log_prob(x) = -(x - μ)² / (2σ²) - log σ - ½ log 2π;  entropy = ½ + ½ log 2π + log σ.
    rsample = μ + σ ε with ε ~ N(0, 1): the draw is a differentiable function of μ and σ
    (the reparameterisation trick), so a loss of the sample trains μ and σ.
    """

    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        loc, scale = as_param(loc), as_param(scale)
        if loc.dtype != scale.dtype:
            dtype = np.promote_types(loc.dtype, scale.dtype)
            loc, scale = loc.to(dtype), scale.to(dtype)
        shape = np.broadcast_shapes(tuple(loc.shape), tuple(scale.shape))
        self.loc, self.scale = loc.expand(*shape), scale.expand(*shape)
        super().__init__(batch_shape=shape)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return self.scale ** 2

    @property
    def stddev(self):
        return self.scale

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        gen = backend.generator(self.loc.device)
        eps = Tensor._make(self.loc.xp.asarray(gen.standard_normal(shape), dtype=self.loc.dtype))
        return self.loc + eps * self.scale

    def log_prob(self, value):
        value = as_param(value, self.loc)
        return -((value - self.loc) ** 2) / (2 * self.variance) - self.scale.log() - math.log(math.sqrt(2 * math.pi))

    def cdf(self, value):
        from ..ops.activation import erf

        return 0.5 * (1 + erf((as_param(value, self.loc) - self.loc) / (self.scale * math.sqrt(2))))

    def entropy(self):
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()
