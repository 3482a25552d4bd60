"""Transforms onto the probability simplex: softmax (cheap, not bijective) and stick-breaking
(bijective, one coordinate fewer on the unconstrained side)."""

import numpy as np

from ..errors import ArgumentError
from ..nn.functional import logsigmoid, pad
from ..size import Size
from . import constraints
from .elementwise_transforms import _clipped_sigmoid
from .transform import Transform

__all__ = ["SoftmaxTransform", "StickBreakingTransform"]


def _at_least_one_axis(shape):
    if len(shape) < 1:
        raise ArgumentError("Too few dimensions on input")


class SoftmaxTransform(Transform):
    """y = exp(x) / Σ exp(x) over the last axis; the pseudo-inverse is x = log y.

    Not bijective (adding a constant to x gives the same y), so it has no log-determinant;
    it acts mostly entry by entry, which suits coordinate-wise optimisers."""

    domain = constraints.real_vector
    codomain = constraints.simplex

    def __eq__(self, other):
        return isinstance(other, SoftmaxTransform)

    def _call(self, x):
        probs = (x - x.max(-1, True)[0]).exp()  # shifting by the max keeps exp from overflowing
        return probs / probs.sum(-1, True)

    def _inverse(self, y):
        return y.log()

    def forward_shape(self, shape):
        _at_least_one_axis(shape)
        return shape

    def inverse_shape(self, shape):
        _at_least_one_axis(shape)
        return shape


class StickBreakingTransform(Transform):
    """x in R^(K-1) -> y on the K-simplex by breaking a stick of length 1:

        z_i = sigmoid(x_i - log(K - i))           (i = 1 .. K-1; the offset makes x = 0 the centre)
        y_i = z_i · Π_{j<i} (1 - z_j),   y_K = Π_{j<K} (1 - z_j)

    Inverse: z_i = y_i / (1 - Σ_{j<i} y_j), x_i = logit(z_i) + log(K - i).
    The Jacobian of (y_1 .. y_{K-1}) in x is triangular with diagonal
    dy_i/dx_i = y_i (1 - z_i), so log |det J| = Σ_i [log y_i + log(1 - z_i)], and
    log(1 - sigmoid(u)) = -u + log sigmoid(u).
    """

    domain = constraints.real_vector
    codomain = constraints.simplex
    bijective = True

    def __eq__(self, other):
        return isinstance(other, StickBreakingTransform)

    @staticmethod
    def _log_offset(like, k):
        """log(k), log(k - 1), ..., log(1): the shift that maps x = 0 to the uniform point."""
        return (k + 1 - like.new_ones(k).cumsum(-1)).log()

    def _call(self, x):
        z = _clipped_sigmoid(x - self._log_offset(x, x.shape[-1]))
        left = (1 - z).cumprod(-1)  # what is left of the stick after each break
        return pad(z, (0, 1), value=1.0) * pad(left, (1, 0), value=1.0)

    def _inverse(self, y):
        y_crop = y[..., :-1]
        k = y_crop.shape[-1]
        # the stick left before each break; clamped, as it can round to 0 or below
        left = (1 - y_crop.cumsum(-1)).clamp(min=float(np.finfo(y.dtype).tiny))
        return y_crop.log() - left.log() + self._log_offset(y, k)

    def log_abs_det_jacobian(self, x, y):
        u = x - self._log_offset(x, x.shape[-1])
        return (-u + logsigmoid(u) + y[..., :-1].log()).sum(-1)

    def forward_shape(self, shape):
        _at_least_one_axis(shape)
        return Size(tuple(shape[:-1]) + (shape[-1] + 1,))

    def inverse_shape(self, shape):
        _at_least_one_axis(shape)
        return Size(tuple(shape[:-1]) + (shape[-1] - 1,))
