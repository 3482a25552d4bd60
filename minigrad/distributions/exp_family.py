"""ExponentialFamily: the base of the families whose density is exp(<t(x), η> - A(η) + k(x))."""

from ..autograd.functional import grad
from ..autograd.grad_mode import enable_grad, is_grad_enabled
from ..errors import NotSupported
from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    """density(x; η) = exp(<t(x), η> - A(η) + k(x)):  η the natural parameters, t(x) the
    sufficient statistics, A(η) the log normaliser, k(x) the carrier measure.

    A family derived from this class gives ``_natural_params`` (the tuple η, each of shape
    batch_shape + its own trailing axes), ``_log_normalizer(*η)`` (A, one value per
    distribution of the batch) and ``_mean_carrier_measure`` (E[k(x)], 0 for most families).
    A is the cumulant generating function of t: its gradient is the mean of the statistics,
    ∇A(η) = E[t(x)], which autograd gives without any formula of the family's own. So

        entropy = -E[log p(x)] = A(η) - <η, ∇A(η)> - E[k(x)]
        KL(p ‖ q) = A(η_q) - A(η_p) - <η_q - η_p, ∇A(η_p)>   (p, q of the same family)

    the second being the Bregman divergence of A between η_q and η_p (Nielsen & Nock,
    "Entropies and cross-entropies of exponential families", 2010); <., .> sums over each
    parameter's own axes. ∇A is computed with ``create_graph``, so both results are
    differentiable, and their gradients reach the distributions' parameters (through η and
    through ∇A(η)); PyTorch computes them from detached copies of η, so that there no gradient
    reaches p's parameters.

    Families with a closed-form entropy keep their own; ``ExponentialFamily.entropy(d)``
    computes this one for any of them, a check of both.
    """

    @property
    def _natural_params(self):
        """The natural parameters η, a tuple of tensors."""
        raise NotImplementedError(f"{type(self).__name__}._natural_params")

    def _log_normalizer(self, *natural_params):
        """A(η), the log of the integral of exp(<t(x), η> + k(x)) over the support."""
        raise NotImplementedError(f"{type(self).__name__}._log_normalizer")

    @property
    def _mean_carrier_measure(self):
        """E[k(x)] under the distribution."""
        raise NotImplementedError(f"{type(self).__name__}._mean_carrier_measure: E[k(x)] has no closed form here")

    def entropy(self):
        carrier = self._mean_carrier_measure  # first: a family without it fails before any work
        etas, log_norm, grads = _log_normalizer_and_grad(self)
        result = log_norm - carrier
        for eta, g in zip(etas, grads):
            result = result - _sum_own_axes(eta * g, self._batch_shape)
        return result


def _log_normalizer_and_grad(dist):
    """(η, A(η), ∇A(η)) for dist. Natural parameters that are part of a graph are taken through a
    fresh node each (a clone: two of them may be the same tensor, and the gradient must be the
    partial one of each argument of A), so that A(η) and ∇A(η) (made with create_graph) stay
    functions of the distribution's parameters; the others become new leaves only for the
    gradient. Where nothing is tracked (no parameter requires grad, or grad mode is off) all three
    come back as constants."""
    natural = dist._natural_params
    tracked = is_grad_enabled() and any(eta.requires_grad for eta in natural)
    with enable_grad():
        etas = [eta.clone() if tracked and eta.requires_grad else eta.detach().requires_grad_() for eta in natural]
        log_norm = dist._log_normalizer(*etas)
        grads = grad(log_norm.sum(), etas, create_graph=tracked)
    if not tracked:
        return [eta.detach() for eta in etas], log_norm.detach(), grads
    return etas, log_norm, grads


def _sum_own_axes(term, batch_shape):
    """A parameter's term summed over its own axes (those after the batch's)."""
    own = tuple(range(len(batch_shape), term.ndim))
    return term.sum(own) if own else term


def _kl_expfamily_expfamily(p, q):
    """KL(p ‖ q) = A(η_q) - A(η_p) - <η_q - η_p, ∇A(η_p)>: the Bregman divergence of the log
    normaliser, for two distributions of the same exponential family (registered for every pair
    of ExponentialFamily classes; the closed forms registered for a family come first)."""
    if type(p) is not type(q):
        raise NotSupported(f"kl_divergence: the Bregman divergence needs two distributions of the same exponential "
                           f"family, got {type(p).__name__} and {type(q).__name__}")
    p_etas, p_log_norm, grads = _log_normalizer_and_grad(p)
    q_etas = q._natural_params
    result = q._log_normalizer(*q_etas) - p_log_norm
    for p_eta, q_eta, g in zip(p_etas, q_etas, grads):
        result = result - _sum_own_axes((q_eta - p_eta) * g, p._batch_shape)
    return result


def register_bregman_kl():
    """Register KL(ExponentialFamily ‖ ExponentialFamily). kl.py's own closed forms import
    Bernoulli and Normal, which derive from this class, so this module cannot reach the registry
    while it is first imported; kl_more.py calls this once they are all defined."""
    from .kl import register_kl

    register_kl(ExponentialFamily, ExponentialFamily)(_kl_expfamily_expfamily)
