"""MixtureSameFamily: a mixture of k distributions of one family, weighted by a Categorical."""

from ..autograd.grad_mode import no_grad
from ..errors import ArgumentError
from ..ops.activation import log_softmax
from ..size import Size
from . import constraints
from .categorical import Categorical
from .distribution import Distribution
from .utils import as_param

__all__ = ["MixtureSameFamily", "MixtureSameFamilyConstraint"]


class MixtureSameFamily(Distribution):
    """density(x) = Σ_j π_j p_j(x): pick a component j ~ Categorical(π), then draw x ~ p_j.

    ``mixture_distribution`` is the Categorical over the k components; its batch shape is
    () or broadcasts with the mixture's. ``component_distribution`` holds the k components
    of each mixture along its last batch axis (batch shape B + (k,)), so the mixture has batch
    shape B and the components' event shape E.

        log_prob(x) = logsumexp_j (log π_j + log p_j(x))     (no underflow when all p_j(x) are tiny)
        cdf(x)      = Σ_j π_j F_j(x)
        mean        = Σ_j π_j μ_j
        variance    = Σ_j π_j σ_j² + Σ_j π_j (μ_j - mean)²   (the law of total variance:
                      Var X = E[Var(X | j)] + Var(E[X | j]))

    ``sample`` draws j and a draw of every component, and keeps the j-th (a gather). The choice
    of j is discrete, so there is no reparameterised sample (``has_rsample`` is False).
    """

    arg_constraints = {}
    has_rsample = False

    def __init__(self, mixture_distribution, component_distribution, validate_args=None):
        if not isinstance(mixture_distribution, Categorical):
            raise ArgumentError("MixtureSameFamily: the mixture distribution needs to be an instance of "
                                f"Categorical, got {type(mixture_distribution).__name__}")
        if not isinstance(component_distribution, Distribution):
            raise ArgumentError("MixtureSameFamily: the component distribution needs to be an instance of "
                                f"Distribution, got {type(component_distribution).__name__}")
        if len(component_distribution.batch_shape) < 1:
            raise ArgumentError("MixtureSameFamily: the component distribution needs a batch axis indexing the "
                                "components, but its batch_shape is ()")
        mixture_batch = tuple(mixture_distribution.batch_shape)
        batch = tuple(component_distribution.batch_shape[:-1])
        for m, c in zip(reversed(mixture_batch), reversed(batch)):
            if m != 1 and c != 1 and m != c:
                raise ArgumentError(f"MixtureSameFamily: `mixture_distribution.batch_shape` ({mixture_batch}) is not "
                                    f"compatible with `component_distribution.batch_shape` ({batch})")
        k_mix, k_comp = mixture_distribution.logits.shape[-1], component_distribution.batch_shape[-1]
        if k_mix != k_comp:
            raise ArgumentError(f"MixtureSameFamily: `mixture_distribution component` ({k_mix}) does not equal "
                                f"`component_distribution.batch_shape[-1]` ({k_comp})")
        self._mixture_distribution = mixture_distribution
        self._component_distribution = component_distribution
        self._num_component = k_mix
        self._event_ndims = len(component_distribution.event_shape)
        super().__init__(batch, component_distribution.event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(MixtureSameFamily, _instance)
        batch_shape = Size(batch_shape)
        new._component_distribution = self._component_distribution.expand(tuple(batch_shape) + (self._num_component,))
        new._mixture_distribution = self._mixture_distribution.expand(batch_shape)
        new._num_component, new._event_ndims = self._num_component, self._event_ndims
        Distribution.__init__(new, batch_shape, new._component_distribution.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property
    def support(self):
        return MixtureSameFamilyConstraint(self._component_distribution.support)

    @property
    def mixture_distribution(self):
        return self._mixture_distribution

    @property
    def component_distribution(self):
        return self._component_distribution

    def _weights(self):
        """π with one axis of size 1 per event axis after the component axis: (..., k, 1, ...)."""
        probs = self._mixture_distribution.probs
        return probs.reshape(tuple(probs.shape) + (1,) * self._event_ndims)

    def _pad(self, x):
        """x with an axis of size 1 where the components' axis is, so it meets every component."""
        return x.unsqueeze(-1 - self._event_ndims)

    @property
    def mean(self):
        return (self._weights() * self._component_distribution.mean).sum(-1 - self._event_ndims)

    @property
    def variance(self):
        pi, components = self._weights(), self._component_distribution
        mean_of_variances = (pi * components.variance).sum(-1 - self._event_ndims)
        variance_of_means = (pi * (components.mean - self._pad(self.mean)) ** 2).sum(-1 - self._event_ndims)
        return mean_of_variances + variance_of_means

    def cdf(self, x):
        x = self._pad(as_param(x, self._mixture_distribution.probs))
        return (self._component_distribution.cdf(x) * self._mixture_distribution.probs).sum(-1)

    def log_prob(self, x):
        x = self._checked(x, self._mixture_distribution.probs)
        log_p = self._component_distribution.log_prob(self._pad(x))  # (S, B, k)
        log_pi = log_softmax(self._mixture_distribution.logits, -1)  # (B, k)
        return (log_p + log_pi).logsumexp(-1)

    def sample(self, sample_shape=()):
        with no_grad():
            sample_shape = (sample_shape,) if isinstance(sample_shape, int) else tuple(sample_shape)
            batch, event = tuple(self._batch_shape), tuple(self._event_shape)
            j = self._mixture_distribution.sample(sample_shape)  # (S,) + the mixture's batch
            lead = len(batch) - (j.ndim - len(sample_shape))  # a mixture batch shorter than B: pad it
            j = j.reshape(sample_shape + (1,) * max(lead, 0) + tuple(j.shape[len(sample_shape):]))
            j = j.reshape(tuple(j.shape) + (1,) * (1 + len(event))).expand(*sample_shape, *batch, 1, *event)
            draws = self._component_distribution.sample(sample_shape)  # (S, B, k, E)
            return draws.gather(len(sample_shape) + len(batch), j).squeeze(len(sample_shape) + len(batch))

    def __repr__(self):
        return f"{type(self).__name__}(\n  {self._mixture_distribution},\n  {self._component_distribution})"


class MixtureSameFamilyConstraint(constraints.Constraint):
    """The support of a MixtureSameFamily: a value is in it when it is in the components'
    support (checked with the components' axis put back, so it meets each of them)."""

    def __init__(self, base_constraint):
        if not isinstance(base_constraint, constraints.Constraint):
            raise ArgumentError(f"MixtureSameFamilyConstraint: expected a Constraint, got "
                                f"{type(base_constraint).__name__}")
        self.base_constraint = base_constraint

    @property
    def is_discrete(self):
        return self.base_constraint.is_discrete

    @property
    def event_dim(self):
        return self.base_constraint.event_dim

    def check(self, value):
        if value.ndim < self.event_dim:
            raise ArgumentError(f"Expected value.dim() >= {self.event_dim} but got {value.ndim}")
        result = self.base_constraint.check(value.unsqueeze(-1 - self.event_dim))
        keep = value.ndim - self.event_dim
        return result.reshape(tuple(result.shape[:keep]) + (-1,)).all(-1)

    def __repr__(self):
        return f"{type(self).__name__}({self.base_constraint!r})"

