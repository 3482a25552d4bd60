"""KL(p ‖ q) = E_p[log p(x) - log q(x)], in closed form for pairs of families."""

from ..errors import ArgumentError
from ..ops.activation import softplus

_KL = {}


def register_kl(type_p, type_q):
    """Decorator: ``@register_kl(Normal, Normal) def f(p, q): ...`` adds a closed form."""
    def decorate(fn):
        _KL[(type_p, type_q)] = fn
        return fn
    return decorate


def kl_divergence(p, q):
    """The KL divergence of p from q, one value per distribution of the batch."""
    for (tp, tq), fn in _KL.items():
        if isinstance(p, tp) and isinstance(q, tq):
            return fn(p, q)
    raise ArgumentError(f"kl_divergence: no closed form for {type(p).__name__} and {type(q).__name__}")


def _register_builtin():
    from .bernoulli import Bernoulli
    from .categorical import Categorical
    from .normal import Normal

    @register_kl(Normal, Normal)
    def _normal_normal(p, q):
        """log(σq/σp) + (σp² + (μp - μq)²) / (2σq²) - ½."""
        var_ratio = (p.scale / q.scale) ** 2
        t1 = ((p.loc - q.loc) / q.scale) ** 2
        return 0.5 * (var_ratio + t1 - 1 - var_ratio.log())

    @register_kl(Categorical, Categorical)
    def _categorical_categorical(p, q):
        """Σ_k p_k (log p_k - log q_k)."""
        return (p.probs * (p.logits - q.logits)).sum(-1)

    @register_kl(Bernoulli, Bernoulli)
    def _bernoulli_bernoulli(p, q):
        """p log(p/q) + (1-p) log((1-p)/(1-q)), with log p = -softplus(-l), log(1-p) = -softplus(l)."""
        return (p.probs * (softplus(-q.logits) - softplus(-p.logits))
                + (1 - p.probs) * (softplus(q.logits) - softplus(p.logits)))


_register_builtin()
