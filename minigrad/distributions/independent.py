"""Independent: some batch axes of a distribution read as axes of one event."""

from ..errors import ArgumentError, NotSupported
from ..size import Size
from . import constraints
from .distribution import Distribution
from .kl import kl_divergence, register_kl

__all__ = ["Independent"]


class Independent(Distribution):
    """The last ``reinterpreted_batch_ndims`` batch axes of ``base_distribution`` become event axes.

    Nothing about the draws changes: the entries along those axes were independent and still
    are. Only the bookkeeping does: the joint density of independent entries is their product,

        log_prob(x) = Σ over the reinterpreted axes of base.log_prob(x),
        entropy     = Σ over the same axes of base.entropy(),

    so a batch of n Normals becomes one distribution on R^n (a Gaussian of diagonal covariance,
    shaped like a MultivariateNormal: batch_shape (), event_shape (n,)). mean, mode, variance,
    sample and rsample are the base's, which already have the shape batch + event.
    KL(Independent(p) || Independent(q)) is likewise the sum of the base KL over those axes.
    """

    arg_constraints = {}

    def __init__(self, base_distribution, reinterpreted_batch_ndims, validate_args=None):
        if not isinstance(base_distribution, Distribution):
            raise ArgumentError(f"Independent: expected a Distribution, got {type(base_distribution).__name__}")
        if not isinstance(reinterpreted_batch_ndims, int) or reinterpreted_batch_ndims < 0:
            raise ArgumentError(f"Independent: reinterpreted_batch_ndims must be a non-negative integer, got "
                                f"{reinterpreted_batch_ndims!r}")
        if reinterpreted_batch_ndims > len(base_distribution.batch_shape):
            raise ArgumentError("Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), actual "
                                f"{reinterpreted_batch_ndims} vs {len(base_distribution.batch_shape)}")
        shape = tuple(base_distribution.batch_shape) + tuple(base_distribution.event_shape)
        event_dim = reinterpreted_batch_ndims + len(base_distribution.event_shape)
        self.base_dist = base_distribution
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims
        super().__init__(shape[:len(shape) - event_dim], shape[len(shape) - event_dim:], validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Independent, _instance)
        batch_shape = Size(batch_shape)
        new.base_dist = self.base_dist.expand(tuple(batch_shape)
                                              + tuple(self._event_shape[:self.reinterpreted_batch_ndims]))
        new.reinterpreted_batch_ndims = self.reinterpreted_batch_ndims
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def has_rsample(self):
        return self.base_dist.has_rsample

    @property
    def has_enumerate_support(self):
        return False if self.reinterpreted_batch_ndims > 0 else self.base_dist.has_enumerate_support

    @constraints.dependent_property
    def support(self):
        support = self.base_dist.support
        if self.reinterpreted_batch_ndims:
            support = constraints.independent(support, self.reinterpreted_batch_ndims)
        return support

    @property
    def mean(self):
        return self.base_dist.mean

    @property
    def mode(self):
        return self.base_dist.mode

    @property
    def variance(self):
        return self.base_dist.variance

    def sample(self, sample_shape=()):
        return self.base_dist.sample(sample_shape)

    def rsample(self, sample_shape=()):
        return self.base_dist.rsample(sample_shape)

    def log_prob(self, value):
        return _sum_rightmost(self.base_dist.log_prob(value), self.reinterpreted_batch_ndims)

    def entropy(self):
        return _sum_rightmost(self.base_dist.entropy(), self.reinterpreted_batch_ndims)

    def enumerate_support(self, expand=True):
        if self.reinterpreted_batch_ndims > 0:
            raise NotImplementedError("Enumeration over cartesian product is not implemented")
        return self.base_dist.enumerate_support(expand=expand)

    def __repr__(self):
        return f"{type(self).__name__}({self.base_dist}, {self.reinterpreted_batch_ndims})"


def _sum_rightmost(value, ndims):
    """value summed over its last ``ndims`` axes (itself when ndims is 0)."""
    return value.sum(tuple(range(-ndims, 0))) if ndims else value


@register_kl(Independent, Independent)
def _kl_independent_independent(p, q):
    """Σ over the reinterpreted axes of KL(p.base || q.base): the log densities are sums, so
    their expected difference is too."""
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
        raise NotSupported("kl_divergence: Independent distributions with different reinterpreted_batch_ndims "
                           f"({p.reinterpreted_batch_ndims} and {q.reinterpreted_batch_ndims})")
    return _sum_rightmost(kl_divergence(p.base_dist, q.base_dist), p.reinterpreted_batch_ndims)
