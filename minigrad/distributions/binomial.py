"""Binomial: the number of successes in ``total_count`` independent trials of probability p."""

import math

from ..errors import NotSupported
from . import constraints
from .bernoulli import BinaryParameter, log1p_exp, probs_or_logits
from .distribution import Distribution
from .utils import _draw, broadcast_all


class Binomial(BinaryParameter, Distribution):
    """P(X = k) = C(n, k) p^k (1 - p)^(n - k)  for k = 0 .. n;  n = total_count (a nonnegative
    integer, a number or a tensor broadcast with the probability), p from ``probs`` or ``logits``.

    log_prob(k) = log Γ(n + 1) - log Γ(k + 1) - log Γ(n - k + 1) + k l - n log(1 + e^l), with
    l = logits: since log p = l - log(1 + e^l) and log(1 - p) = -log(1 + e^l), the two powers
    collapse into k l - n log(1 + e^l), stable for any l.
    mean = n p, variance = n p (1 - p), mode = ⌊(n + 1) p⌋ (at most n).
    entropy = -Σ_k P(k) log P(k) over k = 0 .. n (all total counts equal, as enumerate_support).
    sample: NumPy's (or CuPy's) binomial generator; counts come back as floats of p's dtype.
    """

    arg_constraints = {"total_count": constraints.nonnegative_integer, "probs": constraints.unit_interval,
                       "logits": constraints.real}
    has_enumerate_support = True

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        probs_or_logits(self, probs, logits)
        self.total_count, param = broadcast_all(total_count, self._param)
        setattr(self, self._param_name, param)
        self.total_count = self.total_count.type_as(param)
        super().__init__(param.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Binomial, batch_shape, _instance, ("total_count", "probs", "logits"))

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        return constraints.integer_interval(0, self.total_count)

    @property
    def mean(self):
        return self.total_count * self.probs

    @property
    def mode(self):
        return ((self.total_count + 1) * self.probs).floor().clamp(max=self.total_count)

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        shape = tuple(self._extended_shape(sample_shape))
        n, p = self.total_count.detach(), self.probs.detach()
        xp = p.xp
        return _draw(p, "binomial", shape, xp.broadcast_to(n.array, shape).astype("int64"),
                     xp.broadcast_to(p.array, shape))

    def log_prob(self, value):
        value = self._checked(value, self._param)
        n = self.total_count
        log_choose = (n + 1).lgamma() - (value + 1).lgamma() - (n - value + 1).lgamma()
        return log_choose + value * self.logits - n * log1p_exp(self.logits)

    def entropy(self):
        self._common_total_count("entropy")
        values = self.enumerate_support(expand=False)
        log_prob = self.log_prob(values)
        return -(log_prob.exp() * log_prob).sum(0)

    def _common_total_count(self, what):
        n = int(self.total_count.max())
        if int(self.total_count.min()) != n:
            raise NotSupported(f"Binomial.{what}: inhomogeneous total count not supported (the total counts "
                               "differ, so the supports have different sizes)")
        return n

    def enumerate_support(self, expand=True):
        from ..creation import arange

        n = self._common_total_count("enumerate_support")
        values = arange(1 + n, dtype=self._param.dtype, device=self._param.device)
        values = values.reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand(*((-1,) + tuple(self._batch_shape))) if expand else values


def _register_kl():
    from .kl import register_kl

    @register_kl(Binomial, Binomial)
    def _binomial_binomial(p, q):
        """n [p log(p/q) + (1-p) log((1-p)/(1-q))] for equal total counts n; +inf where
        n_p > n_q (p reaches counts q cannot). n_p < n_q has no closed form here."""
        if bool((p.total_count < q.total_count).any()):
            raise NotSupported("KL between Binomials where q.total_count > p.total_count is not implemented")
        kl = p.total_count * (p.probs * (p.logits - q.logits) + (-p.probs).log1p() - (-q.probs).log1p())
        return kl.masked_fill(p.total_count > q.total_count, math.inf)


_register_kl()
