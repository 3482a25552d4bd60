"""Bernoulli: 1 with probability p, else 0."""

import math
import numbers

from ..errors import ArgumentError
from ..ops.activation import softplus
from ..size import Size
from . import constraints
from .exp_family import ExponentialFamily
from .utils import broadcast_all, lazy_property, logits_to_probs, probs_to_logits, uniform


def log1p_exp(x):
    """log(1 + e^x) = softplus(x), exactly at every x (no linear cut-off above 20), computed as
    max(x, 0) + log1p(e^-|x|) so it neither overflows nor loses small values. Its gradient is
    sigmoid(x). log sigmoid(x) = -log1p_exp(-x) and log(1 - sigmoid(x)) = -log1p_exp(x)."""
    return softplus(x, threshold=math.inf)


def probs_or_logits(dist, probs, logits):
    """Store the one of probs/logits that was given (the other is a lazy_property computed from
    it on first use, as in PyTorch); returns whether it was a plain number (a batch of shape ())."""
    if (probs is None) == (logits is None):
        raise ArgumentError(f"{type(dist).__name__}: either `probs` or `logits` must be specified, but not "
                            "both (pass exactly one)")
    name, given = ("probs", probs) if probs is not None else ("logits", logits)
    (value,) = broadcast_all(given)
    setattr(dist, name, value)
    dist._param_name = name
    return isinstance(given, numbers.Number)


class BinaryParameter:
    """probs and logits of a family with one success probability p (Bernoulli, Binomial,
    Geometric, NegativeBinomial, ContinuousBernoulli): the one given is stored (probs_or_logits), the other is
    computed from it on first use, logits = log(p / (1 - p)) and p = sigmoid(logits)."""

    @property
    def _param(self):
        return getattr(self, self._param_name)

    @property
    def param_shape(self):
        return self._param.shape

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)


class Bernoulli(BinaryParameter, ExponentialFamily):
    """P(X = 1) = p, P(X = 0) = 1 - p, from ``probs`` p or ``logits`` l = log(p / (1 - p)).

    log_prob(x) = x log p + (1 - x) log(1 - p) = x l - log(1 + e^l), the negative of
    binary cross-entropy with logits; written with log1p_exp so that large |l| neither
    overflows nor rounds the small probability to 0. Its gradient in l is x - sigmoid(l).
    entropy = -p log p - (1 - p) log(1 - p) = log(1 + e^l) - p l.
    mean = p, variance = p (1 - p), mode = [p > ½] (NaN at p = ½, where both values tie).
    sample: 1 where u < p, u ~ U(0, 1). No reparameterised sample (the draw is a step function of p).
    As an exponential family: t(x) = x, η = l, A(η) = log(1 + e^η), k = 0.
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True
    _mean_carrier_measure = 0

    def __init__(self, probs=None, logits=None, validate_args=None):
        is_number = probs_or_logits(self, probs, logits)
        super().__init__(Size() if is_number else self._param.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Bernoulli, batch_shape, _instance, ("probs", "logits"))

    @property
    def mean(self):
        return self.probs

    @property
    def mode(self):
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return mode.masked_fill(self.probs == 0.5, math.nan)

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        probs = self.probs.detach()
        u = uniform(self._extended_shape(sample_shape), probs)
        return (u < probs).to(probs.dtype)

    def log_prob(self, value):
        value = self._checked(value, self._param)
        return value * self.logits - log1p_exp(self.logits)

    def entropy(self):
        return log1p_exp(self.logits) - self.probs * self.logits

    def enumerate_support(self, expand=True):
        from ..creation import arange

        values = arange(2, dtype=self._param.dtype, device=self._param.device)
        values = values.reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand(*((-1,) + tuple(self._batch_shape))) if expand else values

    @property
    def _natural_params(self):
        return (self.logits,)

    def _log_normalizer(self, x):
        return log1p_exp(x)
