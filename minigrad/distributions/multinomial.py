"""Multinomial: the counts of each of K classes in ``total_count`` independent categorical draws."""

import math

import numpy as np

from ..errors import NotSupported
from ..size import Size
from . import constraints
from .binomial import Binomial
from .categorical import Categorical, ThroughCategorical
from .distribution import Distribution


class Multinomial(ThroughCategorical, Distribution):
    """P(x) = n! / (x_1! ... x_K!) Π_k p_k^x_k  for counts x_k ≥ 0 with Σ_k x_k = n;
    n = total_count (one int for the whole batch), p from ``probs`` or ``logits`` (as Categorical).

    log_prob(x) = log Γ(Σx + 1) - Σ_k log Γ(x_k + 1) + Σ_k x_k log p_k (a class of probability
    0 seen 0 times adds 0, not 0 · -inf). The event is the vector of K counts.
    mean = n p, variance = n p (1 - p) (each count alone is Binomial(n, p_k)).
    entropy = n H(p) - log n! + Σ_k Σ_{j=1..n} Binomial(n, p_k)(j) log j!:
    from -E[log P(x)] with E[x_k] = n p_k and each E[log x_k!] summed over the Binomial of x_k.
    sample: per-row counts straight from NumPy's multinomial generator (one call for the whole
    batch); where the generator has no multinomial (CuPy), n categorical draws are counted.
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        if not isinstance(total_count, int):
            raise NotSupported("Multinomial: inhomogeneous total_count is not supported (pass one int)")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits, validate_args=False)  # checked below
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Multinomial, _instance)
        new.total_count = self.total_count
        new._categorical = self._categorical.expand(batch_shape)
        Distribution.__init__(new, Size(batch_shape), self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self):
        return constraints.multinomial(self.total_count)

    @property
    def mean(self):
        return self.probs * self.total_count

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        from ..tensor import Tensor

        shape = tuple(self._extended_shape(sample_shape))
        probs = self.probs.detach()
        gen = _generator(probs)
        if isinstance(gen, np.random.Generator):  # NumPy's: one call draws the counts of every row
            pvals = np.asarray(probs.array, dtype=np.float64)
            pvals = pvals / pvals.sum(-1, keepdims=True)  # the generator refuses sums just above 1
            counts = gen.multinomial(self.total_count, pvals, size=shape[:-1])
            return Tensor._make(probs.xp.asarray(counts, dtype=probs.dtype))
        return self._counted_sample(sample_shape)

    def _counted_sample(self, sample_shape):
        """n categorical draws per distribution, counted class by class (a scatter-add of ones)."""
        from ..creation import ones_like, zeros

        draws = self._categorical.sample((self.total_count,) + tuple(sample_shape)).movedim(0, -1)
        counts = zeros(tuple(self._extended_shape(sample_shape)), dtype=draws.dtype, device=draws.device)
        return counts.scatter_add(-1, draws, ones_like(draws)).to(self.probs.dtype)

    def log_prob(self, value):
        from ..ops.joining import broadcast_tensors

        value = self._checked(value, self._param)
        logits, value = broadcast_tensors(self.logits, value)
        logits = logits.masked_fill((value == 0) & (logits == -math.inf), 0.0)
        log_factorial_n = (value.sum(-1) + 1).lgamma()
        log_factorial_xs = (value + 1).lgamma().sum(-1)
        return log_factorial_n - log_factorial_xs + (logits * value).sum(-1)

    def entropy(self):
        n = self.total_count
        term1 = n * self._categorical.entropy() - math.lgamma(n + 1)
        binomial = Binomial(n, probs=self.probs, validate_args=False)
        counts = binomial.enumerate_support(expand=False)[1:]  # j = 1 .. n (log 0! = 0)
        weights = (counts + 1).lgamma()
        term2 = (binomial.log_prob(counts).exp() * weights).sum(0).sum(-1)
        return term1 + term2


def _generator(like):
    from .. import backend

    return backend.generator(like.device)
