"""Relaxed Bernoulli (binary Concrete): a differentiable stand-in for a coin flip, and its logit."""

import numbers

from ..errors import ArgumentError
from ..ops.activation import softplus
from ..size import Size
from . import constraints
from .distribution import Distribution
from .elementwise_transforms import SigmoidTransform
from .transformed_distribution import TransformedDistribution
from .utils import as_param, broadcast_all, clamp_probs, lazy_property, logits_to_probs, probs_to_logits, uniform


class LogitRelaxedBernoulli(Distribution):
    """The logit x of a RelaxedBernoulli: with temperature t and log-odds l = logit(p),

        x = (l + L) / t,   L = log u - log(1 - u), u ~ U(0, 1)   (L is a standard logistic draw),

    so rsample is differentiable in p (or l). As t -> 0, sigmoid(x) tends to a Bernoulli(p) draw.
    The density of x is logistic with location l/t and scale 1/t:
        log_prob(x) = log t + d - 2 log(1 + e^d),  d = l - t x.
    Give ``probs`` (P(1)) or ``logits`` (log-odds), not both; the other is computed on first use.
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.real
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ArgumentError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            is_scalar = isinstance(probs, numbers.Number)
            (self.probs,) = broadcast_all(probs)
        else:
            is_scalar = isinstance(logits, numbers.Number)
            (self.logits,) = broadcast_all(logits)
        self._param = self.probs if probs is not None else self.logits
        self.temperature = as_param(temperature, self._param)
        super().__init__(Size() if is_scalar else self._param.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(LogitRelaxedBernoulli, _instance)
        batch_shape = Size(batch_shape)
        new.temperature = self.temperature
        if "probs" in self.__dict__:
            new.probs = self.probs.expand(*batch_shape)
            new._param = new.probs
        if "logits" in self.__dict__:
            new.logits = self.logits.expand(*batch_shape)
            new._param = new.logits
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self):
        return self._param.shape

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        probs = clamp_probs(self.probs.expand(*shape))
        u = clamp_probs(uniform(shape, probs))
        return (u.log() - (-u).log1p() + probs.log() - (-probs).log1p()) / self.temperature

    def log_prob(self, value):
        value = self._checked(value, self._param)
        logits, value = broadcast_all(self.logits, value)
        diff = logits - value * self.temperature
        return self.temperature.log() + diff - 2 * softplus(diff)  # softplus(d) = log(1 + e^d), stably


class RelaxedBernoulli(TransformedDistribution):
    """y = sigmoid(x), x ~ LogitRelaxedBernoulli(t, p): a value in (0, 1) that concentrates
    on {0, 1} as the temperature t -> 0, with P(y near 1) -> p. rsample is differentiable
    in p, so a loss of a "soft coin" trains p (the binary Concrete / Gumbel-softmax trick).
    log_prob(y) = LogitRelaxedBernoulli.log_prob(logit y) - log(y (1 - y)).
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        base_dist = LogitRelaxedBernoulli(temperature, probs, logits)
        super().__init__(base_dist, SigmoidTransform(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return super().expand(batch_shape, _instance=self._get_checked_instance(RelaxedBernoulli, _instance))

    @property
    def temperature(self):
        return self.base_dist.temperature

    @property
    def logits(self):
        return self.base_dist.logits

    @property
    def probs(self):
        return self.base_dist.probs
