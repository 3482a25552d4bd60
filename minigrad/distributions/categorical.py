"""Categorical: one of K classes, with probabilities p_k (or logits, log p_k up to a constant)."""

import numpy as np

from .. import backend
from ..errors import ArgumentError
from ..ops.activation import log_softmax, softmax
from ..tensor import Tensor
from .distribution import Distribution, as_param


class Categorical(Distribution):
    """P(X = k) = p_k for k = 0 .. K-1, over the last axis of ``probs`` or ``logits`` (exactly one).

    probs are normalised to sum to 1; logits become log p = logits - logsumexp(logits).
    ``log_prob(k) = log p_k`` picks an entry (a gather, so its gradient reaches the logits),
    ``entropy() = -Σ_k p_k log p_k``. ``sample`` inverts the CDF: with u ~ U(0, 1), the
    class is the number of cumulative probabilities below u.
    """

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ArgumentError("Categorical: pass exactly one of probs or logits")
        if probs is not None:
            probs = as_param(probs)
            if probs.ndim < 1:
                raise ArgumentError("Categorical: probs must have at least one dimension")
            self.probs = probs / probs.sum(-1, keepdim=True)
            self.logits = self.probs.clamp(min=_tiny(probs)).log()
        else:
            logits = as_param(logits)
            if logits.ndim < 1:
                raise ArgumentError("Categorical: logits must have at least one dimension")
            self.logits = log_softmax(logits, -1)
            self.probs = softmax(logits, -1)
        self._num_events = self.probs.shape[-1]
        super().__init__(batch_shape=self.probs.shape[:-1])

    @property
    def param_shape(self):
        return tuple(self.probs.shape)

    @property
    def mean(self):
        raise ArgumentError("Categorical: the mean of a categorical distribution is not defined")

    def _sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        xp = self.probs.xp
        cdf = xp.cumsum(self.probs.array, axis=-1)
        u = xp.asarray(backend.generator(self.probs.device).random(shape + (1,)), dtype=cdf.dtype)
        k = (cdf < u * cdf[..., -1:]).sum(-1)  # scaled by the total: rounding may leave it just under 1
        return Tensor._make(xp.minimum(k, self._num_events - 1).astype("int64"))

    def log_prob(self, value):
        value = as_param(value).long()
        shape = tuple(np.broadcast_shapes(tuple(value.shape), self.batch_shape))
        logits = self.logits.expand(*(shape + (self._num_events,)))
        return logits.gather(-1, value.expand(*shape).unsqueeze(-1)).squeeze(-1)

    def entropy(self):
        return -(self.probs * self.logits.clamp(min=_lowest(self.logits))).sum(-1)

    def enumerate_support(self, expand=True):
        from ..creation import arange

        values = arange(self._num_events).reshape((-1,) + (1,) * len(self.batch_shape))
        return values.expand(*((-1,) + self.batch_shape)) if expand else values


def _tiny(t):
    return float(np.finfo(t.dtype).tiny)


def _lowest(t):
    return float(np.finfo(t.dtype).min)
