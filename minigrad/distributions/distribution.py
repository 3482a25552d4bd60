"""Distribution: the base every distribution shares (shapes, sampling entry points)."""

from ..autograd.grad_mode import no_grad
from ..errors import ArgumentError
from ..tensor import Tensor


class Distribution:
    """A family of distributions, one for each entry of ``batch_shape``.

    ``batch_shape`` is the shape of the parameters (one distribution per entry);
    ``event_shape`` the shape of one draw (``()`` for scalar distributions). ``sample(s)``
    returns a tensor of shape ``s + batch_shape + event_shape``.
    """

    has_rsample = False

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self.batch_shape = tuple(batch_shape)
        self.event_shape = tuple(event_shape)

    def _extended_shape(self, sample_shape=()):
        if isinstance(sample_shape, int):
            sample_shape = (sample_shape,)
        return tuple(sample_shape) + self.batch_shape + self.event_shape

    def sample(self, sample_shape=()):
        """A draw cut from the graph (no gradient flows through it)."""
        with no_grad():
            return self.rsample(sample_shape).detach() if self.has_rsample else self._sample(sample_shape)

    def rsample(self, sample_shape=()):
        raise ArgumentError(f"{type(self).__name__}.rsample: this distribution has no reparameterised sample")

    def sample_n(self, n):
        return self.sample((n,))

    @property
    def stddev(self):
        return self.variance.sqrt()

    def __repr__(self):
        return f"{type(self).__name__}(batch_shape={self.batch_shape})"


def as_param(value, like=None):
    """A distribution parameter as a Tensor (python numbers take the default float dtype)."""
    if isinstance(value, Tensor):
        return value
    from ..creation import tensor

    return tensor(value, dtype=None if like is None else like.dtype)
