"""NegativeBinomial: the number of successes before ``total_count`` failures, in trials of probability p."""

from ..ops.activation import sigmoid
from . import constraints
from .bernoulli import BinaryParameter, log1p_exp, probs_or_logits
from .distribution import Distribution
from .poisson import poisson_draw
from .utils import _draw, broadcast_all


class NegativeBinomial(BinaryParameter, Distribution):
    """P(X = k) = Γ(r + k) / (Γ(r) k!) p^k (1 - p)^r  for k = 0, 1, 2, ...;  r = total_count > 0
    (any real, not only integers), p the success probability (``probs`` or ``logits`` l).

    log_prob(k) = r log σ(-l) + k log σ(l) + log Γ(r + k) - log Γ(k + 1) - log Γ(r), with
    log σ(l) = -log(1 + e^-l), stable for any l; at r + k = 0 the Gamma terms are taken as 0.
    mean = r e^l = r p / (1 - p), variance = mean / (1 - p), mode = ⌊(r - 1) e^l⌋ (at least 0).
    sample: a Gamma-Poisson mixture: λ ~ Gamma(r, scale e^l), then k ~ Poisson(λ).
    """

    arg_constraints = {"total_count": constraints.greater_than_eq(0),
                       "probs": constraints.half_open_interval(0.0, 1.0), "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count, probs=None, logits=None, validate_args=None):
        probs_or_logits(self, probs, logits)
        self.total_count, param = broadcast_all(total_count, self._param)
        setattr(self, self._param_name, param)
        self.total_count = self.total_count.type_as(param)
        super().__init__(param.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(NegativeBinomial, batch_shape, _instance, ("total_count", "probs", "logits"))

    @property
    def mean(self):
        return self.total_count * self.logits.exp()

    @property
    def mode(self):
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self):
        return self.mean / sigmoid(-self.logits)

    def sample(self, sample_shape=()):
        shape = tuple(self._extended_shape(sample_shape))
        r, logits = self.total_count.detach(), self.logits.detach()
        xp = logits.xp
        scale = xp.broadcast_to(xp.exp(logits.array), shape)  # Gamma's scale is 1 / rate = p / (1 - p)
        rate = _draw(logits, "gamma", shape, xp.broadcast_to(r.array, shape), scale)
        return poisson_draw(rate, shape)

    def log_prob(self, value):
        value = self._checked(value, self._param)
        r = self.total_count
        log_unnormalized = -r * log1p_exp(self.logits) - value * log1p_exp(-self.logits)
        log_normalization = -(r + value).lgamma() + (1.0 + value).lgamma() + r.lgamma()
        log_normalization = log_normalization.masked_fill(r + value == 0.0, 0.0)  # Γ(0) terms of P(0) = 1 at r = 0
        return log_unnormalized - log_normalization
