"""Pareto (type I): y = scale · exp(e) for e ~ Exponential(alpha), a power-law tail above scale."""

import math

from . import constraints
from .elementwise_transforms import AffineTransform, ExpTransform
from .gumbel import Gumbel
from .kl import register_kl
from .normal import Normal
from .transformed_distribution import TransformedDistribution
from .utils import broadcast_all


class Pareto(TransformedDistribution):
    """Pareto(s, α)  (s = scale, α = alpha), on y >= s:

    density(y) = α s^α / y^(α+1),  cdf(y) = 1 - (s/y)^α.
    Built as e ~ Exponential(α), y = s exp(e) (ExpTransform, then AffineTransform(0, s)), so
    log_prob, cdf and icdf follow from the Exponential's through the change of variables, and
    rsample is differentiable in s and α.
    mean = α s / (α - 1) (inf for α <= 1),  variance = s² α / ((α - 1)² (α - 2)) (inf for α <= 2),
    mode = s,  entropy = log(s/α) + 1 + 1/α.
    """

    arg_constraints = {"alpha": constraints.positive, "scale": constraints.positive}

    def __init__(self, scale, alpha, validate_args=None):
        from .exponential import Exponential

        self.scale, self.alpha = broadcast_all(scale, alpha)
        base_dist = Exponential(self.alpha, validate_args=validate_args)
        super().__init__(base_dist, [ExpTransform(), AffineTransform(loc=0, scale=self.scale)],
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Pareto, _instance)
        new.scale = self.scale.expand(*batch_shape)
        new.alpha = self.alpha.expand(*batch_shape)
        return super().expand(batch_shape, _instance=new)

    @property
    def mean(self):
        a = self.alpha.clamp(min=1)  # a = 1 gives s/0 = inf, the mean for every α <= 1
        return a * self.scale / (a - 1)

    @property
    def mode(self):
        return self.scale

    @property
    def variance(self):
        a = self.alpha.clamp(min=2)
        return self.scale ** 2 * a / ((a - 1) ** 2 * (a - 2))

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        return constraints.greater_than_eq(self.scale)

    def entropy(self):
        return (self.scale / self.alpha).log() + (1 + self.alpha.reciprocal())


def _infinite_like(tensor):
    from ..creation import full_like

    return full_like(tensor, math.inf)


def _where_inf(cond, value):
    from ..ops.selections import where

    return where(cond, math.inf, value)


@register_kl(Pareto, Pareto)
def _kl_pareto_pareto(p, q):
    """α_q log(s_p/s_q) - log(α_q/α_p) + α_q/α_p - 1; inf if p puts mass below q's scale."""
    alpha_ratio = q.alpha / p.alpha
    result = q.alpha * (p.scale / q.scale).log() - alpha_ratio.log() + alpha_ratio - 1
    return _where_inf(p.support.lower_bound < q.support.lower_bound, result)


@register_kl(Pareto, Normal)
def _kl_pareto_normal(p, q):
    """-entropy(p) - E_p[log q], with E_p[y] = α s/(α-1) and Var_p = α s²/((α-1)²(α-2)); inf for α <= 2."""
    var_normal = 2 * q.scale ** 2
    common = p.scale / (p.alpha - 1)
    t1 = (math.sqrt(2 * math.pi) * q.scale * p.alpha / p.scale).log()
    t3 = p.alpha * common ** 2 / (p.alpha - 2)
    t4 = (p.alpha * common - q.loc) ** 2
    result = t1 - p.alpha.reciprocal() + (t3 + t4) / var_normal - 1
    return _where_inf(p.alpha <= 2, result)


def _register_with_other_families():
    from .beta import Beta
    from .continuous_bernoulli import ContinuousBernoulli
    from .exponential import Exponential
    from .gamma import Gamma
    from .laplace import Laplace
    from .uniform import Uniform

    @register_kl(Normal, Pareto)
    @register_kl(Gumbel, Pareto)
    @register_kl(Laplace, Pareto)
    @register_kl(Exponential, Pareto)
    @register_kl(Gamma, Pareto)
    @register_kl(Beta, Pareto)
    @register_kl(ContinuousBernoulli, Pareto)
    def _kl_infinity_pareto(p, q):
        """q = Pareto has no mass below its scale, where p puts some: KL = inf (one per distribution)."""
        return _infinite_like(p.mean)

    @register_kl(Pareto, Beta)
    @register_kl(Pareto, ContinuousBernoulli)
    @register_kl(Pareto, Uniform)
    def _kl_pareto_infinity(p, q):
        """A Pareto's support is unbounded above, q's is bounded: KL = inf."""
        return _infinite_like(p.scale)

    @register_kl(Uniform, Pareto)
    def _kl_uniform_pareto(p, q):
        """With w = b - a: (α+1) (b log b - a log a - w)/w - log(α s^α w); inf if a < s."""
        width = p.high - p.low
        t1 = (q.alpha * q.scale ** q.alpha * width).log()
        t2 = (p.high * p.high.log() - p.low * p.low.log() - width) / width
        return _where_inf(p.low < q.support.lower_bound, t2 * (q.alpha + 1) - t1)

    @register_kl(Pareto, Exponential)
    def _kl_pareto_exponential(p, q):
        """-entropy(p) - log λ + λ E_p[y], E_p[y] = α s / (α - 1); inf for α <= 1."""
        scale_rate = p.scale * q.rate
        result = (p.alpha / scale_rate).log() - p.alpha.reciprocal() + p.alpha * scale_rate / (p.alpha - 1) - 1
        return _where_inf(p.alpha <= 1, result)

    @register_kl(Pareto, Gamma)
    def _kl_pareto_gamma(p, q):
        """-entropy(p) + log Γ(k) - k log λ - (k - 1) E_p[log y] + λ E_p[y], E_p[log y] = log s + 1/α;
        inf for α <= 1."""
        mean_log = p.scale.log() + p.alpha.reciprocal()
        t1 = p.alpha.log() - mean_log
        t2 = q.concentration.lgamma() - q.concentration * q.rate.log()
        t3 = (1 - q.concentration) * mean_log
        t4 = q.rate * p.alpha * p.scale / (p.alpha - 1)
        return _where_inf(p.alpha <= 1, t1 + t2 + t3 + t4 - 1)


_register_with_other_families()
