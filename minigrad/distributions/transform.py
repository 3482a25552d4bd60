"""Transform: an invertible map y = f(x) that knows log |det dy/dx|, the base of every transform.

A TransformedDistribution pushes a base distribution's draws through transforms; its density
follows from the change of variables

    log p_Y(y) = log p_X(x) - log |det df/dx (x)|,   x = f⁻¹(y),

so each transform gives the forward map ``t(x)``, the inverse ``t.inv(y)`` (itself a
Transform, with the log-determinant negated) and ``t.log_abs_det_jacobian(x, y)``.
The concrete transforms live in elementwise_transforms.py, simplex_transforms.py,
cholesky_transforms.py and transforms.py (the compositions), all re-exported from transforms.py.
"""

from ..errors import ArgumentError
from . import constraints

__all__ = ["Transform", "sum_rightmost"]


def sum_rightmost(value, dim):
    """value summed over its last ``dim`` axes (the event axes of a log-density); dim 0 leaves it."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:value.ndim - dim]) + (-1,)).sum(-1)


class Transform:
    """An invertible (or pseudo-invertible) map with a computable log |det Jacobian|.

    Attributes a transform declares:
      ``domain``, ``codomain``   the constraints its inputs and outputs satisfy; their
                                 ``event_dim`` says how many trailing axes one input (output) spans
      ``bijective``              t.inv(t(x)) == x and t(t.inv(y)) == y on the domain and codomain;
                                 a non-bijective one is only a pseudo-inverse (AbsTransform)
      ``sign``                   +1 or -1 for a monotone increasing or decreasing scalar map
    A subclass writes ``_call(x)`` and ``_inverse(y)``, and ``log_abs_det_jacobian(x, y)`` if
    it is bijective. ``forward_shape`` / ``inverse_shape`` map a shape through it (unchanged by
    default).

    ``cache_size=1`` keeps the latest (x, y) pair: ``t.inv(t(x))`` then returns x itself, the
    exact input (useful where the inverse is costly or unstable, e.g. tanh near ±1). Only 0 and
    1 are supported. The cache is by identity, so it never hides a changed value.
    """

    bijective = False

    def __init__(self, cache_size=0):
        if cache_size not in (0, 1):
            raise ArgumentError("cache_size must be 0 or 1")
        self._cache_size = cache_size
        self._inv = None
        self._cached_x_y = (None, None)

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_inv"] = None  # the inverse points back here; it is rebuilt on demand
        return state

    @property
    def event_dim(self):
        if self.domain.event_dim == self.codomain.event_dim:
            return self.domain.event_dim
        raise ArgumentError("Please use either .domain.event_dim or .codomain.event_dim")

    @property
    def inv(self):
        """The inverse transform (made once, then kept); ``t.inv.inv is t``."""
        if self._inv is None:
            self._inv = _InverseTransform(self)
        return self._inv

    @property
    def sign(self):
        raise NotImplementedError(f"{type(self).__name__}.sign")

    def with_cache(self, cache_size=1):
        """The same transform with the given cache size (itself if it already has it)."""
        if self._cache_size == cache_size:
            return self
        if type(self).__init__ is Transform.__init__:
            return type(self)(cache_size=cache_size)
        raise NotImplementedError(f"{type(self).__name__}.with_cache is not implemented")

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return not self.__eq__(other)

    def __call__(self, x):
        """y = t(x)."""
        if self._cache_size == 0:
            return self._call(x)
        x_old, y_old = self._cached_x_y
        if x is x_old:
            return y_old
        y = self._call(x)
        self._cached_x_y = x, y
        return y

    def _inv_call(self, y):
        """x = t⁻¹(y), from the cache when y is the latest output."""
        if self._cache_size == 0:
            return self._inverse(y)
        x_old, y_old = self._cached_x_y
        if y is y_old:
            return x_old
        x = self._inverse(y)
        self._cached_x_y = x, y
        return x

    def _call(self, x):
        raise NotImplementedError(f"{type(self).__name__}._call")

    def _inverse(self, y):
        raise NotImplementedError(f"{type(self).__name__}._inverse")

    def log_abs_det_jacobian(self, x, y):
        """log |det dy/dx| at the pair (x, y = t(x))."""
        raise NotImplementedError(f"{type(self).__name__}.log_abs_det_jacobian")

    def forward_shape(self, shape):
        return shape

    def inverse_shape(self, shape):
        return shape

    def __repr__(self):
        return type(self).__name__ + "()"


class _InverseTransform(Transform):
    """t⁻¹ for a transform t: domain and codomain swapped, the log-determinant negated,
    log |det dx/dy| = -log |det dy/dx|. Made by ``t.inv``, never directly."""

    def __init__(self, transform):
        super().__init__(cache_size=transform._cache_size)
        self._inv = transform

    @constraints.dependent_property(is_discrete=False)
    def domain(self):
        return self._inv.codomain

    @constraints.dependent_property(is_discrete=False)
    def codomain(self):
        return self._inv.domain

    @property
    def bijective(self):
        return self._inv.bijective

    @property
    def sign(self):
        return self._inv.sign

    @property
    def inv(self):
        return self._inv

    def with_cache(self, cache_size=1):
        return self.inv.with_cache(cache_size).inv

    def __eq__(self, other):
        return isinstance(other, _InverseTransform) and self._inv == other._inv

    def __repr__(self):
        return f"{type(self).__name__}({self._inv!r})"

    def __call__(self, x):
        return self._inv._inv_call(x)  # shares the forward transform's cache

    def log_abs_det_jacobian(self, x, y):
        return -self._inv.log_abs_det_jacobian(y, x)

    def forward_shape(self, shape):
        return self._inv.inverse_shape(shape)

    def inverse_shape(self, shape):
        return self._inv.forward_shape(shape)
