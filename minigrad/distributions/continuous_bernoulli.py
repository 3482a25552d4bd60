"""ContinuousBernoulli: a density on [0, 1] shaped like the Bernoulli likelihood (Loaiza-Ganem & Cunningham, 2019)."""

import math

from ..errors import ArgumentError
from ..ops.selections import where
from ..size import Size
from . import constraints
from .bernoulli import BinaryParameter, log1p_exp, probs_or_logits
from .exp_family import ExponentialFamily
from .normal import Normal
from .uniform import Uniform
from .utils import as_param, clamp_probs, lazy_property, logits_to_probs, uniform


class ContinuousBernoulli(BinaryParameter, ExponentialFamily):
    """density(x) = C(λ) λ^x (1 - λ)^(1 - x)  for x in [0, 1];  λ = probs (or logits l = logit λ),
    kept inside (eps, 1 - eps).

    The normaliser is C(λ) = 2 atanh(1 - 2λ) / (1 - 2λ) = |log(1 - λ) - log λ| / |1 - 2λ|, which
    is 2 at λ = ½ (0/0 in this form), so inside ``lims`` (around ½) it is replaced by its Taylor
    series log C = log 2 + (4/3 + 104/45 x) x with x = (λ - ½)², and the formulas below, all
    written with λ cut out of that region, switch to their own series there:
    log_prob(x) = x log λ + (1 - x) log(1 - λ) + log C(λ) = -BCE-with-logits(l, x) + log C(λ);
    mean = λ / (2λ - 1) + 1 / (log(1 - λ) - log λ);
    variance = λ (λ - 1) / (1 - 2λ)² + 1 / (log(1 - λ) - log λ)²;
    cdf(x) = (λ^x (1 - λ)^(1 - x) + λ - 1) / (2λ - 1)  (x itself near λ = ½);
    icdf(u) = [log1p(-λ + u (2λ - 1)) - log1p(-λ)] / (log λ - log1p(-λ));
    entropy = mean · (log(1 - λ) - log λ) - log C(λ) - log(1 - λ).
    rsample = icdf(u) with u ~ U(0, 1): a differentiable function of λ.
    As an exponential family: t(x) = x, η = l, A(η) = log ∫₀¹ e^(ηx) dx = log((e^η - 1)/η), k = 0;
    A is 0/0 at η = 0, and its derivatives cancel (A'' = 1/η² - e^η/(e^η - 1)²), so for |η| < 0.1
    it is its series η/2 + η²/24 - η⁴/2880 + η⁶/181440 - η⁸/9676800 (truncation error < 1e-19).
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True
    _mean_carrier_measure = 0

    def __init__(self, probs=None, logits=None, lims=(0.499, 0.501), validate_args=None):
        is_number = probs_or_logits(self, probs, logits)
        if probs is not None:
            validate = self._validate_args if validate_args is None else validate_args
            # checked before the clamp below would hide a value outside [0, 1]
            if validate and not bool(constraints.unit_interval.check(self.probs).all()):
                raise ArgumentError(f"ContinuousBernoulli: the parameter probs has invalid values (outside [0, 1]):\n"
                                    f"{self.probs}")
            self.probs = clamp_probs(self.probs)
        self._lims = lims
        super().__init__(Size() if is_number else self._param.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(ContinuousBernoulli, batch_shape, _instance, ("probs", "logits"))

    @lazy_property
    def probs(self):  # (BinaryParameter's, kept off 0 and 1 as the closed forms need)
        return clamp_probs(logits_to_probs(self.logits, is_binary=True))

    # ---- the region around λ = ½, where the closed forms are 0/0 ----------------------------------
    def _outside_unstable_region(self):
        return (self.probs <= self._lims[0]) | (self.probs > self._lims[1])

    def _cut_probs(self):
        """λ where the closed forms are safe, lims[0] inside the unstable region: the closed forms
        are then computed (and differentiated) only at safe points, and the series taken elsewhere."""
        return where(self._outside_unstable_region(), self.probs, self._lims[0])

    def _cont_bern_log_norm(self):
        cut = self._cut_probs()
        below_half = where(cut <= 0.5, cut, 0.0)  # each log below sees only its own side of ½
        above_half = where(cut >= 0.5, cut, 1.0)
        log_norm = ((-cut).log1p() - cut.log()).abs().log() - where(
            cut <= 0.5, (-2.0 * below_half).log1p(), (2.0 * above_half - 1.0).log())
        x = (self.probs - 0.5) ** 2
        taylor = math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x
        return where(self._outside_unstable_region(), log_norm, taylor)

    @property
    def mean(self):
        cut = self._cut_probs()
        mus = cut / (2.0 * cut - 1.0) + 1.0 / ((-cut).log1p() - cut.log())
        x = self.probs - 0.5
        taylor = 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * x ** 2) * x
        return where(self._outside_unstable_region(), mus, taylor)

    @property
    def stddev(self):
        return self.variance.sqrt()

    @property
    def variance(self):
        cut = self._cut_probs()
        variances = cut * (cut - 1.0) / (1.0 - 2.0 * cut) ** 2 + 1.0 / ((-cut).log1p() - cut.log()) ** 2
        x = (self.probs - 0.5) ** 2
        taylor = 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x
        return where(self._outside_unstable_region(), variances, taylor)

    def sample(self, sample_shape=()):
        from ..autograd.grad_mode import no_grad

        u = uniform(self._extended_shape(sample_shape), self.probs)
        with no_grad():
            return self.icdf(u)

    def rsample(self, sample_shape=()):
        return self.icdf(uniform(self._extended_shape(sample_shape), self.probs))

    def log_prob(self, value):
        value = self._checked(value, self._param)
        # -BCE-with-logits(l, x) = x l - log(1 + e^l)
        return value * self.logits - log1p_exp(self.logits) + self._cont_bern_log_norm()

    def cdf(self, value):
        value = self._checked(value, self._param)
        cut = self._cut_probs()
        cdfs = (cut ** value * (1.0 - cut) ** (1.0 - value) + cut - 1.0) / (2.0 * cut - 1.0)
        unbounded = where(self._outside_unstable_region(), cdfs, value)
        return where(value <= 0.0, 0.0, where(value >= 1.0, 1.0, unbounded))

    def icdf(self, value):
        value = as_param(value, self.probs)
        cut = self._cut_probs()
        closed = ((-cut + value * (2.0 * cut - 1.0)).log1p() - (-cut).log1p()) / (cut.log() - (-cut).log1p())
        return where(self._outside_unstable_region(), closed, value)

    def entropy(self):
        log_probs0 = (-self.probs).log1p()
        log_probs1 = self.probs.log()
        return self.mean * (log_probs0 - log_probs1) - self._cont_bern_log_norm() - log_probs0

    @property
    def _natural_params(self):
        return (self.logits,)

    def _log_normalizer(self, x):
        outside = x.abs() >= 0.1
        cut = where(outside, x, 0.1)  # the closed form (and its gradient) only where it is safe
        log_norm = cut.expm1().abs().log() - cut.abs().log()
        x2 = x ** 2
        series = 0.5 * x + x2 * (1 / 24 - x2 * (1 / 2880 - x2 * (1 / 181440 - x2 / 9676800)))
        return where(outside, log_norm, series)


def _inf_like(t):
    from ..creation import full_like

    return full_like(t, math.inf)


def _register_kl():
    from .kl import register_kl

    @register_kl(ContinuousBernoulli, ContinuousBernoulli)
    def _cb_cb(p, q):
        """E_p[x] (l_p - l_q) + log C(λp) + log(1 - λp) - log C(λq) - log(1 - λq)."""
        t1 = p.mean * (p.logits - q.logits)
        t2 = p._cont_bern_log_norm() + (-p.probs).log1p()
        t3 = -q._cont_bern_log_norm() - (-q.probs).log1p()
        return t1 + t2 + t3

    @register_kl(ContinuousBernoulli, Normal)
    def _cb_normal(p, q):
        """-H(p) + ½ log 2π + log σ + E_p[(x - μ)²] / (2σ²), with E_p[(x - μ)²] = Var + (E x - μ)²."""
        t1 = -p.entropy()
        t2 = 0.5 * (math.log(2.0 * math.pi) + (q.loc / q.scale) ** 2) + q.scale.log()
        t3 = (p.variance + p.mean ** 2 - 2.0 * q.loc * p.mean) / (2.0 * q.scale ** 2)
        return t1 + t2 + t3

    @register_kl(ContinuousBernoulli, Uniform)
    def _cb_uniform(p, q):
        """-H(p) + log(high - low), or +inf unless [0, 1] lies strictly inside (low, high)."""
        result = -p.entropy() + (q.high - q.low).log()
        outside = (q.low >= p.support.lower_bound) | (q.high <= p.support.upper_bound)
        return where(outside, math.inf, result)

    @register_kl(Normal, ContinuousBernoulli)
    def _normal_cb(p, q):
        """+inf: a Normal puts mass outside [0, 1]."""
        return _inf_like(p.loc)

    @register_kl(Uniform, ContinuousBernoulli)
    def _uniform_cb(p, q):
        """-H(p) - E_p[x] l_q - log(1 - λq) - log C(λq), or +inf unless (low, high) lies strictly inside [0, 1]."""
        result = -p.entropy() - p.mean * q.logits - (-q.probs).log1p() - q._cont_bern_log_norm()
        outside = (p.high >= q.support.upper_bound) | (p.low <= q.support.lower_bound)
        return where(outside, math.inf, result)


_register_kl()

from . import kl_more  # noqa: E402,F401  (its KLs against families this file does not import)
