"""Relaxed one-hot categorical (Concrete / Gumbel-softmax): a differentiable stand-in for a
one-hot draw, and its logarithm."""

from ..creation import full_like
from . import constraints
from .categorical import Categorical, ThroughCategorical
from .distribution import Distribution
from .elementwise_transforms import ExpTransform
from .transformed_distribution import TransformedDistribution
from .utils import as_param, broadcast_all, clamp_probs, uniform


def gumbel_draw(shape, like):
    """g = -log(-log u), u ~ U(0, 1) kept inside (eps, 1 - eps): standard Gumbel noise."""
    u = clamp_probs(uniform(shape, like))
    return -((-(u.log())).log())


class ExpRelaxedCategorical(ThroughCategorical, Distribution):
    """The log x of a RelaxedOneHotCategorical point x on the K-simplex: with temperature t,

        log x = s - logsumexp(s),   s = (logits + g) / t,   g_k ~ Gumbel(0, 1),

    the Gumbel-max trick (argmax_k (logits_k + g_k) is a Categorical draw) made smooth by the
    softmax at temperature t; rsample is differentiable in the logits (or probs). Its density
    (Maddison et al.'s Concrete distribution, written for v = log x):
        log_prob(v) = log Γ(K) + (K - 1) log t + Σ_k (l_k - t v_k) - K logsumexp(l - t v),
    with l the normalised logits. ``probs`` or ``logits`` as for Categorical.
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.real_vector  # the values lie on a submanifold: logsumexp(v) = 0
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        self._categorical = Categorical(probs, logits)
        self.temperature = as_param(temperature, self._categorical.logits)
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(ExpRelaxedCategorical, _instance)
        new.temperature = self.temperature
        new._categorical = self._categorical.expand(batch_shape)
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        scores = (self.logits + gumbel_draw(shape, self.logits)) / self.temperature
        return scores - scores.logsumexp(-1, keepdim=True)

    def log_prob(self, value):
        k = self._categorical._num_events
        value = self._checked(value, self.logits)
        logits, value = broadcast_all(self.logits, value)
        log_scale = full_like(self.temperature, float(k)).lgamma() + (k - 1) * self.temperature.log()
        score = logits - value * self.temperature
        score = (score - score.logsumexp(-1, keepdim=True)).sum(-1)
        return score + log_scale


class RelaxedOneHotCategorical(TransformedDistribution):
    """x = exp(v), v ~ ExpRelaxedCategorical(t, p): a point of the simplex that tends to a
    one-hot Categorical(p) draw as t -> 0 (x = softmax((logits + g) / t), g Gumbel noise).
    rsample is differentiable in the logits: the Gumbel-softmax trick for training through
    discrete choices. log_prob(x) = ExpRelaxedCategorical.log_prob(log x) - Σ_k log x_k.
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        base_dist = ExpRelaxedCategorical(temperature, probs, logits, validate_args=validate_args)
        super().__init__(base_dist, ExpTransform(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return super().expand(batch_shape, _instance=self._get_checked_instance(RelaxedOneHotCategorical, _instance))

    @property
    def temperature(self):
        return self.base_dist.temperature

    @property
    def logits(self):
        return self.base_dist.logits

    @property
    def probs(self):
        return self.base_dist.probs
