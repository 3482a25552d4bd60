"""Bernoulli: 1 with probability p, else 0."""

import numpy as np

from .. import backend
from ..errors import ArgumentError
from ..ops.activation import sigmoid, softplus
from ..tensor import Tensor
from .distribution import Distribution, as_param


class Bernoulli(Distribution):
    """P(X = 1) = p, P(X = 0) = 1 - p, from ``probs`` p or ``logits`` log(p / (1 - p)).

    With logits l, log_prob(x) = x l - softplus(l) = -BCE-with-logits, written so that large
    |l| neither overflows nor loses the small probability; entropy = softplus(l) - p l.
    """

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ArgumentError("Bernoulli: pass exactly one of probs or logits")
        if probs is not None:
            self.probs = as_param(probs)
            eps = float(np.finfo(self.probs.dtype).eps)  # keeps the logits finite at p = 0 or 1
            p = self.probs.clamp(min=eps, max=1 - eps)
            self.logits = p.log() - (1 - p).log()
        else:
            self.logits = as_param(logits)
            self.probs = sigmoid(self.logits)
        super().__init__(batch_shape=self.probs.shape)

    @property
    def mean(self):
        return self.probs

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    def _sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        u = backend.generator(self.probs.device).random(shape)
        xp = self.probs.xp
        return Tensor._make((xp.asarray(u) < self.probs.array).astype(self.probs.dtype))

    def log_prob(self, value):
        value = as_param(value, self.logits)
        return value * self.logits - softplus(self.logits)

    def entropy(self):
        return softplus(self.logits) - self.probs * self.logits
