"""Transforms onto matrices: lower Cholesky factors, positive-definite matrices, and Cholesky
factors of correlation matrices (one unconstrained vector per D x D factor)."""

import math

import numpy as np

from ..errors import ArgumentError
from ..nn.functional import pad
from ..ops.activation import softplus
from ..size import Size
from . import constraints
from .transform import Transform
from .utils import tril_matrix_to_vec, vec_to_tril_matrix

__all__ = ["CorrCholeskyTransform", "LowerCholeskyTransform", "PositiveDefiniteTransform"]


class LowerCholeskyTransform(Transform):
    """Any square matrix -> a lower-triangular one with a positive diagonal:
    y = tril(x, -1) + diag(exp(diag x)); the inverse takes the log of the diagonal back.
    (Not bijective on all matrices: what lies above the diagonal is dropped.)"""

    domain = constraints.independent(constraints.real, 2)
    codomain = constraints.lower_cholesky

    def __eq__(self, other):
        return isinstance(other, LowerCholeskyTransform)

    def _call(self, x):
        return x.tril(-1) + x.diagonal(dim1=-2, dim2=-1).exp().diag_embed()

    def _inverse(self, y):
        return y.tril(-1) + y.diagonal(dim1=-2, dim2=-1).log().diag_embed()


class PositiveDefiniteTransform(Transform):
    """Any square matrix -> a positive-definite one: L = LowerCholeskyTransform(x), y = L Lᵀ.
    The inverse takes y's Cholesky factor, then undoes the first step."""

    domain = constraints.independent(constraints.real, 2)
    codomain = constraints.positive_definite

    def __eq__(self, other):
        return isinstance(other, PositiveDefiniteTransform)

    def _call(self, x):
        lower = LowerCholeskyTransform()(x)
        return lower @ lower.mT

    def _inverse(self, y):
        from .. import linalg

        return LowerCholeskyTransform().inv(linalg.cholesky(y))


class CorrCholeskyTransform(Transform):
    """x in R^(D(D-1)/2) -> the Cholesky factor L of a D x D correlation matrix (lower
    triangular, positive diagonal, each row of unit length, so L Lᵀ has ones on its diagonal).

    1. r = tanh(x) in (-1, 1), laid out row by row below the diagonal of a D x D matrix.
    2. Row i is a signed stick-breaking of its unit length:
           L_ij = r_ij · sqrt(Π_{k<j} (1 - r_ik²))  (j < i),   L_ii = sqrt(Π_{k<i} (1 - r_ik²)),
       so Σ_j L_ij² = 1. Since Π_{k<j} (1 - r_ik²) = 1 - Σ_{k<j} L_ik², the inverse is
       r_ij = L_ij / sqrt(1 - Σ_{k<j} L_ik²), x = atanh(r).
    log |det J| of x -> the below-diagonal entries of L (the only free ones):
       Σ_ij ½ log(1 - Σ_{k<j} L_ik²)   (stick-breaking; triangular within a row)
     + Σ log(1 - tanh² x) = Σ 2 (log 2 - x - softplus(-2x))   (the tanh step).
    """

    domain = constraints.real_vector
    codomain = constraints.corr_cholesky
    bijective = True

    def __eq__(self, other):
        return isinstance(other, CorrCholeskyTransform)

    def _call(self, x):
        from ..creation import eye

        eps = float(np.finfo(x.dtype).eps)
        r = vec_to_tril_matrix(x.tanh().clamp(min=-1 + eps, max=1 - eps), diag=-1)
        # L_ij = r_ij * sqrt(prod_{k<j} (1 - r_ik^2)); the diagonal takes r_ii = 1
        left = (1 - r ** 2).sqrt().cumprod(-1)
        r = r + eye(r.shape[-1], dtype=r.dtype, device=r.device)
        return r * pad(left[..., :-1], (1, 0), value=1.0)

    def _inverse(self, y):
        left = 1 - (y * y).cumsum(-1)
        left_before = pad(left[..., :-1], (1, 0), value=1.0)  # 1 - sum_{k<j} L_ik^2
        t = tril_matrix_to_vec(y, diag=-1) / tril_matrix_to_vec(left_before, diag=-1).sqrt()
        return (t.log1p() - (-t).log1p()) / 2  # atanh

    def log_abs_det_jacobian(self, x, y, intermediates=None):
        left = 1 - (y * y).cumsum(-1)
        # entry (i, j) for j <= i - 2 is the stick left before column j + 1; column 0 has 1 (log 0)
        stick_breaking = 0.5 * tril_matrix_to_vec(left, diag=-2).log().sum(-1)
        tanh = -2 * (x + softplus(-2 * x) - math.log(2.0)).sum(-1)
        return stick_breaking + tanh

    def forward_shape(self, shape):
        if len(shape) < 1:
            raise ArgumentError("Too few dimensions on input")
        n = shape[-1]
        d = round((0.25 + 2 * n) ** 0.5 + 0.5)
        if d * (d - 1) // 2 != n:
            raise ArgumentError("Input is not a flattened lower-diagonal number")
        return Size(tuple(shape[:-1]) + (d, d))

    def inverse_shape(self, shape):
        if len(shape) < 2:
            raise ArgumentError("Too few dimensions on input")
        if shape[-2] != shape[-1]:
            raise ArgumentError("Input is not square")
        d = shape[-1]
        return Size(tuple(shape[:-2]) + (d * (d - 1) // 2,))
