"""OneHotCategorical: a Categorical whose draws are one-hot vectors; and its straight-through variant."""

from ..size import Size
from . import constraints
from .categorical import Categorical, ThroughCategorical
from .distribution import Distribution


class OneHotCategorical(ThroughCategorical, Distribution):
    """A draw is the one-hot vector e_k (length K, the event shape) of a class k ~ Categorical(p).

    log_prob(e_k) = log p_k (the class is read back as the argmax of the vector);
    entropy = -Σ_k p_k log p_k, as the Categorical's.
    mean = p (E[e_k] has entry k equal to P(X = k)), variance = p (1 - p) entrywise,
    mode = the one-hot vector of argmax_k p_k.
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.one_hot
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._categorical = Categorical(probs, logits, validate_args=False)  # checked below, by this class
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(OneHotCategorical, _instance)
        new._categorical = self._categorical.expand(batch_shape)
        Distribution.__init__(new, Size(batch_shape), self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        return self._categorical.probs

    @property
    def mode(self):
        return self._one_hot(self._categorical.probs.argmax(-1))

    @property
    def variance(self):
        return self._categorical.probs * (1 - self._categorical.probs)

    def _one_hot(self, indices):
        from ..nn.functional import one_hot

        return one_hot(indices, self._categorical._num_events).to(self._categorical.probs.dtype)

    def sample(self, sample_shape=()):
        return self._one_hot(self._categorical.sample(sample_shape))

    def log_prob(self, value):
        value = self._checked(value, self._param)
        return self._categorical.log_prob(value.argmax(-1))

    def entropy(self):
        return self._categorical.entropy()

    def enumerate_support(self, expand=True):
        from ..creation import eye

        n = self._event_shape[0]
        values = eye(n, dtype=self._param.dtype, device=self._param.device)
        values = values.reshape((n,) + (1,) * len(self._batch_shape) + (n,))
        return values.expand(*((n,) + tuple(self._batch_shape) + (n,))) if expand else values


class OneHotCategoricalStraightThrough(OneHotCategorical):
    """OneHotCategorical with the straight-through gradient estimator (Bengio et al., 2013).

    rsample = e_k + (p - stop_gradient(p)): its value is the one-hot draw e_k, while its gradient
    is that of p, as if d e_k / d p were the identity. Biased, but it lets a loss of a discrete
    draw train p.
    """

    has_rsample = True

    def rsample(self, sample_shape=()):
        samples = self.sample(sample_shape)
        probs = self._categorical.probs
        return samples + (probs - probs.detach())


def _register_kl():
    from .kl import kl_divergence, register_kl

    @register_kl(OneHotCategorical, OneHotCategorical)
    def _onehot_onehot(p, q):
        """The KL of the two Categoricals: Σ_k p_k (log p_k - log q_k)."""
        return kl_divergence(p._categorical, q._categorical)


_register_kl()
