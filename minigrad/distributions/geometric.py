"""Geometric: the number of failures before the first success, in trials of probability p."""

import numpy as np

from ..errors import ArgumentError
from ..size import Size
from . import constraints
from .bernoulli import BinaryParameter, log1p_exp, probs_or_logits
from .distribution import Distribution
from .utils import uniform


class Geometric(BinaryParameter, Distribution):
    """P(X = k) = (1 - p)^k p  for k = 0, 1, 2, ...;  0 < p ≤ 1 from ``probs`` or ``logits``.

    log_prob(k) = k log(1 - p) + log p (at p = 1 the only count is 0, and 0 · log 0 counts as 0).
    mean = 1/p - 1, variance = (1/p - 1) / p, mode = 0.
    entropy = [-p log p - (1 - p) log(1 - p)] / p: each trial costs a Bernoulli's entropy,
    and there are 1/p trials on average.
    sample inverts the CDF P(X ≥ k) = (1 - p)^k: k = ⌊log u / log(1 - p)⌋ with u ~ U(0, 1],
    u kept off 0 so log u stays finite.
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs=None, logits=None, validate_args=None):
        is_number = probs_or_logits(self, probs, logits)
        super().__init__(Size() if is_number else self._param.shape, validate_args=validate_args)
        if self._validate_args and probs is not None and not bool((self.probs > 0).all()):
            raise ArgumentError(
                f"Expected parameter probs ({type(self.probs).__name__} of shape {tuple(self.probs.shape)}) of "
                f"distribution {self!r} to be positive but found invalid values:\n{self.probs}")

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Geometric, batch_shape, _instance, ("probs", "logits"))

    @property
    def mean(self):
        return 1.0 / self.probs - 1.0

    @property
    def mode(self):
        from ..creation import zeros_like

        return zeros_like(self.probs)

    @property
    def variance(self):
        return (1.0 / self.probs - 1.0) / self.probs

    def sample(self, sample_shape=()):
        probs = self.probs.detach()
        u = uniform(self._extended_shape(sample_shape), probs).clamp(min=float(np.finfo(probs.dtype).tiny))
        return (u.log() / (-probs).log1p()).floor()

    def log_prob(self, value):
        from ..ops.joining import broadcast_tensors

        value = self._checked(value, self._param)
        value, probs = broadcast_tensors(value, self.probs)
        probs = probs.masked_fill((probs == 1) & (value == 0), 0.0)  # 0 · log(1 - 1) is 0, not NaN
        return value * (-probs).log1p() + self.probs.log()

    def entropy(self):
        return (log1p_exp(self.logits) - self.probs * self.logits) / self.probs


def _register_kl():
    from .kl import register_kl

    @register_kl(Geometric, Geometric)
    def _geometric_geometric(p, q):
        """-H(p) - E_p[log q(x)], with E_p[x] = 1/p_p - 1:
        -H(p) - log(1 - q) (1/p_p - 1) - log q = -H(p) - log(1 - q) / p_p - logit(q)."""
        return -p.entropy() - (-q.probs).log1p() / p.probs - q.logits


_register_kl()
