"""MultivariateNormal: the Gaussian N(μ, Σ) on vectors, kept as the Cholesky factor of Σ."""

import math

from ..errors import ArgumentError
from ..linalg import cholesky, solve, solve_triangular
from ..linalg.matrices import eye_like
from ..ops.joining import broadcast_shapes
from ..size import Size
from . import constraints
from .distribution import Distribution
from .kl import register_kl
from .utils import as_param, lazy_property, standard_normal

__all__ = ["MultivariateNormal"]


class ScaleTrilMatrices:
    """The three matrices of a distribution kept as one lower Cholesky factor L (unbroadcast, in
    ``_unbroadcasted_scale_tril``), each made on first use and expanded to ``_matrix_shape()``."""

    @lazy_property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(*self._matrix_shape())

    @lazy_property
    def covariance_matrix(self):
        """Σ = L L^T."""
        L = self._unbroadcasted_scale_tril
        return (L @ L.mT).expand(*self._matrix_shape())

    @lazy_property
    def precision_matrix(self):
        """P = Σ^-1 = (L L^T)^-1 = L^-T L^-1."""
        return _cholesky_inverse(self._unbroadcasted_scale_tril).expand(*self._matrix_shape())


class MultivariateNormal(ScaleTrilMatrices, Distribution):
    """density(x) = exp(-½ (x - μ)^T Σ^-1 (x - μ)) / sqrt((2π)^n det Σ),  x, μ in R^n.

    Σ is given one of three ways (exactly one): ``covariance_matrix`` Σ, ``precision_matrix``
    P = Σ^-1, or ``scale_tril`` L, lower triangular with a positive diagonal and Σ = L L^T.
    Everything is computed from L (a Cholesky factor of Σ, the cheapest form to work with):

        log_prob(x) = -½ (n log 2π + |L^-1 (x - μ)|²) - Σ_i log L_ii

    since (x - μ)^T Σ^-1 (x - μ) = |L^-1 (x - μ)|² (one triangular solve, no inverse) and
    log det Σ = 2 log det L = 2 Σ_i log L_ii (a triangular matrix's determinant is the product
    of its diagonal).  entropy = ½ n (1 + log 2π) + Σ_i log L_ii.
    mean = mode = μ,  variance_i = Σ_ii = Σ_j L_ij².

    rsample = μ + L ε with ε ~ N(0, I_n): then Cov = L E[εε^T] L^T = L L^T = Σ, and the draw
    is a differentiable function of μ and L (and of Σ or P through their Cholesky factors).

    From a precision P, L comes without inverting P: with J the flip (reversal) matrix,
    J P J = Lf Lf^T (a Cholesky factorization), so P = U U^T for the upper-triangular
    U = J Lf J, and Σ = P^-1 = U^-T U^-1: L = U^-T, lower triangular, found by solving
    U^T L = I.

    The batch shape is loc's (without its last axis) broadcast with the matrix's (without its
    last two); the factor L is kept unbroadcast (``_unbroadcasted_scale_tril``), so a batch of
    vectors sharing one Σ is factored once.
    """

    arg_constraints = {"loc": constraints.real_vector, "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite, "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None, validate_args=None):
        loc = as_param(loc)
        if loc.ndim < 1:
            raise ArgumentError("MultivariateNormal: loc must be at least one-dimensional.")
        given = {name: m for name, m in (("covariance_matrix", covariance_matrix),
                                         ("precision_matrix", precision_matrix), ("scale_tril", scale_tril))
                 if m is not None}
        if len(given) != 1:
            raise ArgumentError("MultivariateNormal: exactly one of covariance_matrix or precision_matrix or "
                                "scale_tril may be specified.")
        (name, matrix), = given.items()
        matrix = as_param(matrix, loc)
        if matrix.ndim < 2:
            raise ArgumentError(f"MultivariateNormal: {name} matrix must be at least two-dimensional, with optional "
                                "leading batch dimensions")
        n = loc.shape[-1]
        if tuple(matrix.shape[-2:]) != (n, n):
            raise ArgumentError(f"MultivariateNormal: {name} must be a batch of {n} x {n} matrices (loc has {n} "
                                f"entries), got shape {tuple(matrix.shape)}")
        batch_shape = broadcast_shapes(matrix.shape[:-2], loc.shape[:-1])
        setattr(self, name, matrix.expand(*batch_shape, n, n))
        self.loc = loc.expand(*batch_shape, n)
        super().__init__(batch_shape, (n,), validate_args=validate_args)  # checks before factoring

        if name == "scale_tril":
            self._unbroadcasted_scale_tril = matrix
        elif name == "covariance_matrix":
            self._unbroadcasted_scale_tril = cholesky(matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(matrix)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(MultivariateNormal, _instance)
        batch_shape = Size(batch_shape)
        n = self._event_shape[0]
        new.loc = self.loc.expand(*batch_shape, n)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        for name in ("covariance_matrix", "precision_matrix", "scale_tril"):
            if name in self.__dict__:
                setattr(new, name, self.__dict__[name].expand(*batch_shape, n, n))
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _matrix_shape(self):
        return tuple(self._batch_shape) + (self._event_shape[0],) * 2

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return (self._unbroadcasted_scale_tril ** 2).sum(-1).expand(*self._batch_shape, *self._event_shape)

    def rsample(self, sample_shape=()):
        eps = standard_normal(self._extended_shape(sample_shape), self.loc)
        return self.loc + _batch_mv(self._unbroadcasted_scale_tril, eps)

    def log_prob(self, value):
        value = self._checked(value, self.loc)
        M = _batch_mahalanobis(self._unbroadcasted_scale_tril, value - self.loc)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + M) - _half_log_det(self._unbroadcasted_scale_tril)

    def entropy(self):
        H = 0.5 * self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + _half_log_det(self._unbroadcasted_scale_tril)
        return H.expand(*self._batch_shape) if len(self._batch_shape) else H


# ---- the matrix helpers the Gaussian families share ------------------------------------------------
def _batch_mv(M, v):
    """M v for a batch of matrices (..., n, m) and of vectors (..., m), the batches broadcast."""
    return (M @ v.unsqueeze(-1)).squeeze(-1)


def _half_log_det(L):
    """½ log det(L L^T) = Σ_i log L_ii for lower-triangular L with a positive diagonal."""
    return L.diagonal(dim1=-2, dim2=-1).log().sum(-1)


def _batch_trace_XXT(X):
    """tr(X X^T) = Σ_ij X_ij², for each matrix of a batch."""
    return (X ** 2).sum((-2, -1))


def _tril_inverse(L):
    """L^-1 of lower-triangular matrices: the solution of L X = I."""
    return solve_triangular(L, eye_like(L).expand(*L.shape), upper=False)


def _cholesky_inverse(L):
    """(L L^T)^-1 = L^-T L^-1, with L^-1 from a solve of L X = I that reads all of L: as a
    function of the whole matrix, like Σ = L L^T, so a gradient reaches an upper triangle
    given in ``scale_tril`` too (as in PyTorch's cholesky_inverse)."""
    L_inv = solve(L, eye_like(L).expand(*L.shape))
    return L_inv.mT @ L_inv


def _batch_mahalanobis(L, x):
    """x^T (L L^T)^-1 x = |L^-1 x|² for vectors x (..., n) and lower-triangular L (..., n, n).

    x's batch may be larger than L's: a sample shape in front, axes where L has size 1 (one Σ
    shared along them). Those axes of x become extra right-hand sides of one triangular solve
    (columns of an n x C matrix) instead of copies of L, so each L is solved against once.
    """
    n = x.shape[-1]
    batch = broadcast_shapes(x.shape[:-1], L.shape[:-2])
    x = x.expand(*batch, n)
    L_batch = (1,) * (len(batch) - (L.ndim - 2)) + tuple(L.shape[:-2])
    shared = [i for i in range(len(batch)) if L_batch[i] == batch[i]]  # solved as a batch
    columns = [i for i in range(len(batch)) if L_batch[i] != batch[i]]  # L repeats along these
    shared_shape, column_shape = tuple(batch[i] for i in shared), tuple(batch[i] for i in columns)
    rhs = x.permute(*shared, len(batch), *columns).reshape(shared_shape + (n, math.prod(column_shape)))
    M = (solve_triangular(L.reshape(shared_shape + (n, n)), rhs, upper=False) ** 2).sum(-2)
    order = shared + columns  # M's axes, once reshaped, are the batch axes in this order: put them back
    return M.reshape(shared_shape + column_shape).permute(*[order.index(i) for i in range(len(batch))])


def _precision_to_scale_tril(P):
    """The lower Cholesky factor L of Σ = P^-1, without inverting P (see the class docstring)."""
    Lf = cholesky(P.flip(-2, -1))
    L_inv = Lf.flip(-2, -1).mT  # U^T, lower triangular
    return _tril_inverse(L_inv)


# ---- KL divergence --------------------------------------------------------------------------------
def _same_event(p, q, what):
    if p.event_shape != q.event_shape:
        raise ArgumentError(f"KL-divergence between two {what} with different event shapes cannot be computed "
                            f"({tuple(p.event_shape)} and {tuple(q.event_shape)})")


@register_kl(MultivariateNormal, MultivariateNormal)
def _kl_mvn_mvn(p, q):
    """KL = ½ [log det Σq - log det Σp + tr(Σq^-1 Σp) + (μq - μp)^T Σq^-1 (μq - μp) - n].

    With Σ = L L^T: log det Σ = 2 Σ_i log L_ii, tr(Σq^-1 Σp) = |Lq^-1 Lp|²_F (a triangular
    solve with Lp's columns as right-hand sides), the quadratic term |Lq^-1 (μq - μp)|².
    """
    _same_event(p, q, "Multivariate Normals")
    Lp, Lq = p._unbroadcasted_scale_tril, q._unbroadcasted_scale_tril
    half_term1 = _half_log_det(Lq) - _half_log_det(Lp)
    term2 = _batch_trace_XXT(solve_triangular(Lq, Lp, upper=False))
    term3 = _batch_mahalanobis(Lq, q.loc - p.loc)
    return half_term1 + 0.5 * (term2 + term3 - p.event_shape[0])
