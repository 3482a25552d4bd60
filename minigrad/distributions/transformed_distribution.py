"""TransformedDistribution: the law of y = f(x) for x drawn from a base distribution."""

from ..autograd.grad_mode import no_grad
from ..errors import ArgumentError, NotSupported
from ..size import Size
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .kl import kl_divergence, register_kl
from .transform import Transform, sum_rightmost
from .transforms import ComposeTransform
from .utils import as_param

__all__ = ["TransformedDistribution"]


class TransformedDistribution(Distribution):
    """x ~ base_distribution,  y = f(x) = t_n(... t_1(x)) for ``transforms`` = [t_1, ..., t_n].

    log p(y) = log p_base(x) - Σ_i log |det J_{t_i}(x_{i-1})|,  x = f⁻¹(y) (the change of
    variables, walked backwards from y through each inverse); each term is summed over the
    event axes it does not already cover.
    sample / rsample push the base's draw through the transforms, so rsample is differentiable
    whenever the base's is.  For monotone scalar transforms the cdf follows the inverse:
    cdf(y) = F_base(f⁻¹(y)) if f is increasing, 1 - F_base(f⁻¹(y)) if decreasing;
    icdf(u) = f(F_base⁻¹(u or 1 - u)).

    The event shape is the larger of the base's and the transforms': a transform on vectors
    (stick-breaking) turns a batch of scalars into one vector event, the base then being
    wrapped in Independent. The base is expanded first if the transforms' parameters
    broadcast it to a larger shape.
    """

    arg_constraints = {}

    def __init__(self, base_distribution, transforms, validate_args=None):
        if isinstance(transforms, Transform):
            self.transforms = [transforms]
        elif isinstance(transforms, list):
            if not all(isinstance(t, Transform) for t in transforms):
                raise ArgumentError("transforms must be a Transform or a list of Transforms")
            self.transforms = transforms
        else:
            raise ArgumentError(f"transforms must be a Transform or list, but was {transforms}")

        base_shape = Size(base_distribution.batch_shape + base_distribution.event_shape)
        base_event_dim = len(base_distribution.event_shape)
        transform = ComposeTransform(self.transforms)
        if len(base_shape) < transform.domain.event_dim:
            raise ArgumentError(f"base_distribution needs to have shape with size at least "
                                f"{transform.domain.event_dim}, but got {base_shape}.")
        forward_shape = Size(transform.forward_shape(base_shape))
        expanded_base_shape = Size(transform.inverse_shape(forward_shape))
        if base_shape != expanded_base_shape:  # the transforms' parameters broadcast the base
            base_batch_ndim = len(expanded_base_shape) - base_event_dim
            base_distribution = base_distribution.expand(expanded_base_shape[:base_batch_ndim])
        reinterpreted_batch_ndims = transform.domain.event_dim - base_event_dim
        if reinterpreted_batch_ndims > 0:
            from .independent import Independent

            base_distribution = Independent(base_distribution, reinterpreted_batch_ndims)
        self.base_dist = base_distribution

        # the event spans what the transforms couple, or what the base already coupled
        change = transform.codomain.event_dim - transform.domain.event_dim
        event_dim = max(transform.codomain.event_dim, base_event_dim + change)
        cut = len(forward_shape) - event_dim
        super().__init__(forward_shape[:cut], forward_shape[cut:], validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(TransformedDistribution, _instance)
        batch_shape = Size(batch_shape)
        shape = batch_shape + self.event_shape
        for t in reversed(self.transforms):
            shape = t.inverse_shape(shape)
        new.base_dist = self.base_dist.expand(tuple(shape)[:len(shape) - len(self.base_dist.event_shape)])
        new.transforms = self.transforms
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property(is_discrete=False)
    def support(self):
        if not self.transforms:
            return self.base_dist.support
        support = self.transforms[-1].codomain
        if len(self.event_shape) > support.event_dim:
            support = constraints.independent(support, len(self.event_shape) - support.event_dim)
        return support

    @property
    def has_rsample(self):
        return self.base_dist.has_rsample

    def sample(self, sample_shape=()):
        with no_grad():
            x = self.base_dist.sample(sample_shape)
            for transform in self.transforms:
                x = transform(x)
            return x

    def rsample(self, sample_shape=()):
        x = self.base_dist.rsample(sample_shape)
        for transform in self.transforms:
            x = transform(x)
        return x

    def log_prob(self, value):
        if not isinstance(value, Tensor):
            value = as_param(value)
        if self._validate_args:
            self._validate_sample(value)
        event_dim = len(self.event_shape)
        log_prob = 0.0
        y = value
        for transform in reversed(self.transforms):
            x = transform.inv(y)
            event_dim += transform.domain.event_dim - transform.codomain.event_dim
            log_prob = log_prob - sum_rightmost(transform.log_abs_det_jacobian(x, y),
                                                event_dim - transform.domain.event_dim)
            y = x
        return log_prob + sum_rightmost(self.base_dist.log_prob(y), event_dim - len(self.base_dist.event_shape))

    def _monotonize_cdf(self, value):
        """value, or 1 - value where the chain of transforms is decreasing (sign -1)."""
        sign = 1
        for transform in self.transforms:
            sign = sign * transform.sign
        if isinstance(sign, int) and sign == 1:
            return value
        return sign * (value - 0.5) + 0.5

    def cdf(self, value):
        if not isinstance(value, Tensor):
            value = as_param(value)
        for transform in self.transforms[::-1]:
            value = transform.inv(value)
        if self._validate_args:
            self.base_dist._validate_sample(value)
        return self._monotonize_cdf(self.base_dist.cdf(value))

    def icdf(self, value):
        if not isinstance(value, Tensor):
            value = as_param(value)
        value = self.base_dist.icdf(self._monotonize_cdf(value))
        for transform in self.transforms:
            value = transform(value)
        return value


@register_kl(TransformedDistribution, TransformedDistribution)
def _kl_transformed_transformed(p, q):
    """y = f(x) is the same bijection on both sides, so KL(p_Y ‖ q_Y) = KL(p_X ‖ q_X)."""
    if p.transforms != q.transforms:
        raise NotSupported("kl_divergence of two TransformedDistributions needs equal transforms")
    if p.event_shape != q.event_shape:
        raise NotSupported("kl_divergence of two TransformedDistributions needs equal event shapes")
    return kl_divergence(p.base_dist, q.base_dist)
