"""KL(p ‖ q) = E_p[log p(x) - log q(x)], in closed form for pairs of families.

Closed forms are registered per pair of classes (``@register_kl(Normal, Normal)``); each
family's file registers its own. For a pair of instances, ``kl_divergence`` takes the most
specific registered pair, as PyTorch does: among the pairs (P, Q) with p an instance of P and q
of Q, the one whose P comes first in type(p)'s method resolution order (then Q in type(q)'s).
"""

import functools
import warnings

from ..errors import ArgumentError, NotSupported
from ..ops.activation import softplus

__all__ = ["kl_divergence", "register_kl"]

_KL = {}


def register_kl(type_p, type_q):
    """Decorator: ``@register_kl(Normal, Normal) def f(p, q): ...`` adds a closed form."""
    if not (isinstance(type_p, type) and isinstance(type_q, type)):
        raise ArgumentError(f"register_kl: expected two classes, got {type_p!r} and {type_q!r}")

    def decorate(fn):
        _KL[type_p, type_q] = fn
        _dispatch.cache_clear()
        return fn
    return decorate


def _rank(cls, base):
    return cls.__mro__.index(base)


@functools.lru_cache(maxsize=None)
def _dispatch(type_p, type_q):
    matches = [(p, q) for p, q in _KL if issubclass(type_p, p) and issubclass(type_q, q)]
    if not matches:
        return None
    left = min(matches, key=lambda m: (_rank(type_p, m[0]), _rank(type_q, m[1])))
    right = min(matches, key=lambda m: (_rank(type_q, m[1]), _rank(type_p, m[0])))
    if _KL[left] is not _KL[right]:
        warnings.warn(f"Ambiguous kl_divergence({type_p.__name__}, {type_q.__name__}). Please register_kl"
                      f"({left[0].__name__}, {right[1].__name__})", RuntimeWarning)
    return _KL[left]


def kl_divergence(p, q):
    """The KL divergence of p from q, one value per distribution of the batch."""
    fn = _dispatch(type(p), type(q))
    if fn is None:
        raise NotSupported(f"kl_divergence: no KL(p || q) is implemented for p {type(p).__name__} and q "
                           f"{type(q).__name__}")
    return fn(p, q)


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
        """Σ_k p_k (log p_k - log q_k); a class p gives probability 0 adds nothing, one q gives 0 adds inf."""
        t = p.probs * (p.logits - q.logits)
        t = t.masked_fill(q.probs == 0, float("inf")).masked_fill(p.probs == 0, 0.0)
        return t.sum(-1)

    @register_kl(Bernoulli, Bernoulli)
    def _bernoulli_bernoulli(p, q):
        """p log(p/q) + (1-p) log((1-p)/(1-q)), with log p = -softplus(-l), log(1-p) = -softplus(l);
        a term is 0 where p gives its outcome no mass and inf where only q gives it none."""
        t1 = p.probs * (softplus(-q.logits) - softplus(-p.logits))
        t1 = t1.masked_fill(q.probs == 0, float("inf")).masked_fill(p.probs == 0, 0.0)
        t2 = (1 - p.probs) * (softplus(q.logits) - softplus(p.logits))
        t2 = t2.masked_fill(q.probs == 1, float("inf")).masked_fill(p.probs == 1, 0.0)
        return t1 + t2


_register_builtin()
