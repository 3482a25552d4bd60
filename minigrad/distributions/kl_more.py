"""The KL divergences between ContinuousBernoulli and the Beta, Exponential, Gamma and Laplace families,
and the registration of the Bregman KL of two exponential families (exp_family.py).

These need both sides' modules, which import each other's relatives, so they are registered here,
once all of them are defined (this module is imported at the end of continuous_bernoulli.py).
"""

from .beta import Beta
from .continuous_bernoulli import ContinuousBernoulli
from .exp_family import register_bregman_kl
from .exponential import Exponential, _infinite_like
from .gamma import Gamma
from .kl import register_kl
from .laplace import Laplace

__all__ = []

register_bregman_kl()


@register_kl(Beta, ContinuousBernoulli)
def _kl_beta_continuous_bernoulli(p, q):
    """-H(p) - E_p[log q(x)], log q(x) = x l + log(1 - λ) + log C(λ) (λ, l = q's probs and logits),
    which is linear in x: -H(p) - E_p[x] l - log(1 - λ) - log C(λ)."""
    return -p.entropy() - p.mean * q.logits - (-q.probs).log1p() - q._cont_bern_log_norm()


@register_kl(ContinuousBernoulli, Exponential)
def _kl_continuous_bernoulli_exponential(p, q):
    """-H(p) - E_p[log λ - λx] = -H(p) - log λ + λ E_p[x] ([0, 1] lies inside the exponential's support)."""
    return -p.entropy() - q.rate.log() + q.rate * p.mean


@register_kl(Exponential, ContinuousBernoulli)
def _kl_exponential_continuous_bernoulli(p, q):
    """∞: an exponential puts mass above 1, where the continuous Bernoulli has none."""
    return _infinite_like(p.rate)


@register_kl(Gamma, ContinuousBernoulli)
def _kl_gamma_continuous_bernoulli(p, q):
    """∞: a gamma puts mass above 1, where the continuous Bernoulli has none."""
    return _infinite_like(p.concentration)


@register_kl(Laplace, ContinuousBernoulli)
def _kl_laplace_continuous_bernoulli(p, q):
    """∞: a Laplace puts mass on the whole line, outside [0, 1]."""
    return _infinite_like(p.loc)
