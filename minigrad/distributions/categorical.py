"""Categorical: one of K classes, with probabilities p_k (or logits, log p_k up to a constant)."""

import math

import numpy as np

from ..errors import ArgumentError
from . import constraints
from .distribution import Distribution
from .utils import as_param, lazy_property, logits_to_probs, probs_to_logits, uniform


class Categorical(Distribution):
    """P(X = k) = p_k for k = 0 .. K-1, over the last axis of ``probs`` or ``logits`` (exactly one).

    ``probs`` (nonnegative, finite, not all zero) are normalised to sum to 1; ``logits`` are
    unnormalised log-probabilities, normalised to log p = logits - logsumexp(logits). Either
    one gives the other on first use (p = softmax(logits), logits = log p).
    The leading axes of the parameter are the batch; a draw is an integer (event shape ()).

    log_prob(k) = log p_k picks an entry (a gather, so its gradient reaches the logits);
    entropy = -Σ_k p_k log p_k (a class of probability 0 adds 0, not 0 · -inf);
    mode = argmax_k p_k; mean and variance are NaN (the classes are labels, not numbers).
    sample inverts the CDF: with u ~ U(0, 1), the class is the number of cumulative
    probabilities at or below u.
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ArgumentError("Categorical: either `probs` or `logits` must be specified, but not both "
                                "(pass exactly one)")
        if probs is not None:
            probs = as_param(probs)
            if probs.ndim < 1:
                raise ArgumentError("Categorical: `probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
            self._param_name = "probs"
        else:
            logits = as_param(logits)
            if logits.ndim < 1:
                raise ArgumentError("Categorical: `logits` parameter must be at least one-dimensional.")
            self.logits = logits - logits.logsumexp(-1, keepdim=True)
            self._param_name = "logits"
        self._num_events = self._param.shape[-1]
        super().__init__(self._param.shape[:-1], validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Categorical, batch_shape, _instance, ("probs", "logits"))

    @property
    def _param(self):
        return getattr(self, self._param_name)

    @property
    def param_shape(self):
        return self._param.shape

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        return constraints.integer_interval(0, self._num_events - 1)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits)

    @property
    def mean(self):
        return self._nan()

    @property
    def mode(self):
        return self.probs.argmax(-1)

    @property
    def variance(self):
        return self._nan()

    def _nan(self):
        from ..creation import full

        return full(tuple(self._extended_shape()), math.nan, dtype=self.probs.dtype, device=self.probs.device)

    def sample(self, sample_shape=()):
        from ..tensor import Tensor

        shape = self._extended_shape(sample_shape)
        probs = self.probs.detach()
        cdf = probs.array.cumsum(-1)
        u = uniform(tuple(shape) + (1,), probs).array
        # u is scaled by the total, which rounding may leave a little off 1; a class of
        # probability 0 adds a step of height 0, which "at or below" never lands in
        k = (cdf[..., :-1] <= u * cdf[..., -1:]).sum(-1)
        return Tensor._make(k.astype(np.int64))

    def log_prob(self, value):
        value = self._checked(value, self._param).long()
        shape = tuple(np.broadcast_shapes(tuple(value.shape), tuple(self._batch_shape)))
        logits = self.logits.expand(*(shape + (self._num_events,)))
        return logits.gather(-1, value.expand(*shape).unsqueeze(-1)).squeeze(-1)

    def entropy(self):
        lowest = float(np.finfo(self.logits.dtype).min)  # log 0 = -inf, times p = 0, would be NaN
        return -(self.logits.clamp(min=lowest) * self.probs).sum(-1)

    def enumerate_support(self, expand=True):
        from ..creation import arange

        values = arange(self._num_events, device=self._param.device)
        values = values.reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand(*((-1,) + tuple(self._batch_shape))) if expand else values


class ThroughCategorical:
    """probs, logits and param_shape of a family built on a Categorical it keeps as
    ``_categorical`` (OneHotCategorical, Multinomial, ExpRelaxedCategorical): the Categorical's own."""

    @property
    def _param(self):
        return self._categorical._param

    @property
    def probs(self):
        return self._categorical.probs

    @property
    def logits(self):
        return self._categorical.logits

    @property
    def param_shape(self):
        return self._categorical.param_shape
