"""Distribution: the base every distribution shares (shapes, argument checks, sampling entry points)."""

import warnings

from ..autograd.grad_mode import no_grad
from ..errors import ArgumentError
from ..size import Size
from ..tensor import Tensor
from . import constraints
from .utils import as_param, lazy_property

__all__ = ["Distribution", "as_param"]


class Distribution:
    """A family of distributions, one for each entry of ``batch_shape``.

    ``batch_shape`` is the shape of the parameters (one distribution per entry);
    ``event_shape`` the shape of one draw (``()`` for scalar distributions, ``(k,)`` for a
    vector such as a Dirichlet's). ``sample(s)`` returns a tensor of shape
    ``s + batch_shape + event_shape`` and ``log_prob(x)`` one number per distribution and draw,
    of shape ``x.shape[:-len(event_shape)]`` broadcast with ``batch_shape``.

    With ``validate_args`` (on by default, as in PyTorch; ``set_default_validate_args(False)``
    turns it off) the parameters are checked against ``arg_constraints`` when the distribution
    is made, and the values given to ``log_prob`` against ``support``: a bad one raises
    ArgumentError (a ValueError) naming it.
    """

    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__
    arg_constraints = {}

    @staticmethod
    def set_default_validate_args(value):
        if value not in (True, False):
            raise ArgumentError(f"set_default_validate_args: expected True or False, got {value!r}")
        Distribution._validate_args = value

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape = Size(batch_shape)
        self._event_shape = Size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            self._check_parameters()

    def _check_parameters(self):
        for param, constraint in self.arg_constraints.items():
            if constraints.is_dependent(constraint):
                continue  # checked by the distribution itself, or not checkable alone
            if param not in self.__dict__ and isinstance(getattr(type(self), param, None), lazy_property):
                continue  # not computed yet (e.g. logits of a distribution given probs)
            value = getattr(self, param)
            if not isinstance(value, Tensor):
                continue
            if not bool(constraint.check(value).all()):
                raise ArgumentError(
                    f"Expected parameter {param} ({type(value).__name__} of shape {tuple(value.shape)}) of "
                    f"distribution {self!r} to satisfy the constraint {constraint!r}, but found invalid values:\n"
                    f"{value}")

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def event_shape(self):
        return self._event_shape

    @property
    def support(self):
        raise NotImplementedError

    def expand(self, batch_shape, _instance=None):
        """The same distribution repeated to ``batch_shape`` (parameters expanded, not copied)."""
        raise NotImplementedError(f"{type(self).__name__}.expand")

    def _get_checked_instance(self, cls, _instance=None):
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(
                f"Subclass {type(self).__name__} of {cls.__name__} that defines a custom __init__ method "
                "must also define a custom .expand() method.")
        return self.__new__(type(self)) if _instance is None else _instance

    def _expand_params(self, cls, batch_shape, _instance, names):
        """``expand`` for a family whose parameters ``names`` have shape batch_shape + (their
        own trailing axes): each is expanded to the new batch shape; other settings (numbers,
        flags) are copied; lazily computed tensors are left to be computed again."""
        new = self._get_checked_instance(cls, _instance)
        batch_shape = Size(batch_shape)
        for key, value in self.__dict__.items():
            if key in names:
                setattr(new, key, value.expand(*(tuple(batch_shape) + tuple(value.shape[len(self._batch_shape):]))))
            elif not isinstance(value, Tensor) and key not in ("_batch_shape", "_event_shape"):
                setattr(new, key, value)
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _checked(self, value, like=None):
        """A value given to log_prob, cdf, ...: as a tensor (numbers take like's dtype), checked
        against the support when validate_args is on."""
        value = as_param(value, like)
        if self._validate_args:
            self._validate_sample(value)
        return value

    def _extended_shape(self, sample_shape=()):
        if isinstance(sample_shape, int):
            sample_shape = (sample_shape,)
        return Size(tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape))

    # ---- the quantities a family defines ----------------------------------------------------------
    @property
    def mean(self):
        raise NotImplementedError(f"{type(self).__name__}.mean")

    @property
    def mode(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement mode")

    @property
    def variance(self):
        raise NotImplementedError(f"{type(self).__name__}.variance")

    @property
    def stddev(self):
        return self.variance.sqrt()

    def sample(self, sample_shape=()):
        """A draw cut from the graph (no gradient flows through it)."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()):
        """A reparameterised draw: a differentiable function of the parameters."""
        raise NotImplementedError(f"{type(self).__name__}.rsample: this distribution has no reparameterised sample")

    def sample_n(self, n):
        warnings.warn("sample_n will be deprecated. Use .sample((n,)) instead", UserWarning)
        return self.sample((n,))

    def log_prob(self, value):
        raise NotImplementedError(f"{type(self).__name__}.log_prob")

    def cdf(self, value):
        raise NotImplementedError(f"{type(self).__name__}.cdf")

    def icdf(self, value):
        raise NotImplementedError(f"{type(self).__name__}.icdf")

    def enumerate_support(self, expand=True):
        raise NotImplementedError(f"{type(self).__name__}.enumerate_support")

    def entropy(self):
        raise NotImplementedError(f"{type(self).__name__}.entropy")

    def perplexity(self):
        return self.entropy().exp()

    # ---- checks of the values -----------------------------------------------------------------------
    def _validate_sample(self, value):
        """The checks of a value given to log_prob (or cdf): a tensor, whose last axes are the
        event's shape, broadcastable with the batch, inside the support."""
        if not isinstance(value, Tensor):
            raise ArgumentError("The value argument to log_prob must be a Tensor")
        event_start = value.ndim - len(self._event_shape)
        if tuple(value.shape[event_start:]) != tuple(self._event_shape):
            raise ArgumentError(f"The right-most size of value must match event_shape: {tuple(value.shape)} vs "
                                f"{tuple(self._event_shape)}.")
        expected = tuple(self._batch_shape) + tuple(self._event_shape)
        for i, j in zip(reversed(tuple(value.shape)), reversed(expected)):
            if i != 1 and j != 1 and i != j:
                raise ArgumentError(f"Value is not broadcastable with batch_shape+event_shape: {tuple(value.shape)} vs "
                                    f"{expected}.")
        try:
            support = self.support
        except NotImplementedError:
            warnings.warn(f"{type(self)} does not define `support` to enable sample validation. Please initialize "
                          "the distribution with `validate_args=False` to turn off validation.")
            return
        if not bool(support.check(value).all()):
            raise ArgumentError(f"Expected value argument ({type(value).__name__} of shape {tuple(value.shape)}) to be "
                                f"within the support ({support!r}) of the distribution {self!r}, but found invalid "
                                f"values:\n{value}")

    def __repr__(self):
        names = [k for k in self.arg_constraints if k in self.__dict__]
        shown = ", ".join(f"{k}: {self.__dict__[k] if self.__dict__[k].numel() == 1 else self.__dict__[k].size()}"
                          for k in names)
        return f"{type(self).__name__}({shown})"
