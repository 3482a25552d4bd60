"""LowRankMultivariateNormal: N(μ, W W^T + D) with a tall factor W and a diagonal D."""

import math

from ..errors import ArgumentError
from ..linalg import cholesky, solve_triangular
from ..linalg.matrices import eye_like
from ..ops.joining import broadcast_shapes
from ..size import Size
from . import constraints
from .distribution import Distribution
from .kl import register_kl
from .multivariate_normal import (MultivariateNormal, _batch_mahalanobis, _batch_mv, _batch_trace_XXT,
                                  _half_log_det, _same_event)
from .utils import as_param, lazy_property, standard_normal

__all__ = ["LowRankMultivariateNormal"]


class LowRankMultivariateNormal(Distribution):
    """The Gaussian of covariance Σ = W W^T + D on R^n: W = ``cov_factor`` (n x m, usually
    m << n), D = diag(``cov_diag``) > 0, μ = ``loc``.

    Σ is never factored. Everything goes through the m x m capacitance matrix
    C = I_m + W^T D^-1 W and its Cholesky factor L_C:

        Woodbury:                 Σ^-1 = D^-1 - D^-1 W C^-1 W^T D^-1
        matrix determinant lemma: log det Σ = log det C + log det D
                                            = 2 Σ_i log (L_C)_ii + Σ_i log D_i

    so for r = x - μ the Mahalanobis term is r^T Σ^-1 r = Σ_i r_i² / D_i - |L_C^-1 W^T D^-1 r|²
    (an m x m triangular solve), and

        log_prob(x) = -½ (n log 2π + log det Σ + r^T Σ^-1 r),
        entropy     =  ½ (n (1 + log 2π) + log det Σ).

    mean = mode = μ; variance_i = Σ_j W_ij² + D_i.
    rsample = μ + W ε_W + sqrt(D) ε_D with ε_W ~ N(0, I_m), ε_D ~ N(0, I_n) independent:
    its covariance is W W^T + D, and it is differentiable in μ, W and D.
    """

    arg_constraints = {"loc": constraints.real_vector, "cov_factor": constraints.independent(constraints.real, 2),
                       "cov_diag": constraints.independent(constraints.positive, 1)}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc, cov_factor, cov_diag, validate_args=None):
        loc = as_param(loc)
        cov_factor, cov_diag = as_param(cov_factor, loc), as_param(cov_diag, loc)
        if loc.ndim < 1:
            raise ArgumentError("LowRankMultivariateNormal: loc must be at least one-dimensional.")
        n = loc.shape[-1]
        if cov_factor.ndim < 2:
            raise ArgumentError("LowRankMultivariateNormal: cov_factor must be at least two-dimensional, with "
                                "optional leading batch dimensions")
        if cov_factor.shape[-2] != n:
            raise ArgumentError(f"LowRankMultivariateNormal: cov_factor must be a batch of matrices with shape "
                                f"{n} x m, got shape {tuple(cov_factor.shape)}")
        if cov_diag.ndim < 1 or cov_diag.shape[-1] != n:
            raise ArgumentError(f"LowRankMultivariateNormal: cov_diag must be a batch of vectors with shape ({n},), "
                                f"got shape {tuple(cov_diag.shape)}")
        try:
            batch_shape = broadcast_shapes(loc.shape[:-1], cov_factor.shape[:-2], cov_diag.shape[:-1])
        except ValueError:
            raise ArgumentError(f"LowRankMultivariateNormal: incompatible batch shapes: loc {tuple(loc.shape)}, "
                                f"cov_factor {tuple(cov_factor.shape)}, cov_diag {tuple(cov_diag.shape)}") from None
        self.loc = loc.expand(*batch_shape, n)
        self.cov_factor = cov_factor.expand(*batch_shape, *cov_factor.shape[-2:])
        self.cov_diag = cov_diag.expand(*batch_shape, n)
        self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag = cov_factor, cov_diag
        super().__init__(batch_shape, (n,), validate_args=validate_args)  # checks before factoring
        self._capacitance_tril = _batch_capacitance_tril(cov_factor, cov_diag)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(LowRankMultivariateNormal, _instance)
        batch_shape = Size(batch_shape)
        n = self._event_shape[0]
        new.loc = self.loc.expand(*batch_shape, n)
        new.cov_diag = self.cov_diag.expand(*batch_shape, n)
        new.cov_factor = self.cov_factor.expand(*batch_shape, n, self.cov_factor.shape[-1])
        new._unbroadcasted_cov_factor = self._unbroadcasted_cov_factor
        new._unbroadcasted_cov_diag = self._unbroadcasted_cov_diag
        new._capacitance_tril = self._capacitance_tril
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

    @lazy_property
    def variance(self):
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        return ((W ** 2).sum(-1) + D).expand(*self._batch_shape, *self._event_shape)

    @lazy_property
    def scale_tril(self):
        """The Cholesky factor of Σ, factored in the well-conditioned form
        Σ = D^½ (I + D^-½ W W^T D^-½) D^½ (the middle matrix's eigenvalues are >= 1):
        L = D^½ cholesky(I + D^-½ W W^T D^-½)."""
        sqrt_D = self._unbroadcasted_cov_diag.sqrt().unsqueeze(-1)
        V = self._unbroadcasted_cov_factor / sqrt_D
        K = V @ V.mT
        return (sqrt_D * cholesky(K + eye_like(K))).expand(*self._matrix_shape())

    @lazy_property
    def covariance_matrix(self):
        W = self._unbroadcasted_cov_factor
        return (W @ W.mT + self._unbroadcasted_cov_diag.diag_embed()).expand(*self._matrix_shape())

    @lazy_property
    def precision_matrix(self):
        """Woodbury: Σ^-1 = D^-1 - A^T A with A = L_C^-1 W^T D^-1."""
        A = _woodbury_factor(self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag, self._capacitance_tril)
        return (self._unbroadcasted_cov_diag.reciprocal().diag_embed() - A.mT @ A).expand(*self._matrix_shape())

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        eps_W = standard_normal(tuple(shape[:-1]) + (self.cov_factor.shape[-1],), self.loc)
        eps_D = standard_normal(shape, self.loc)
        return (self.loc + _batch_mv(self._unbroadcasted_cov_factor, eps_W)
                + self._unbroadcasted_cov_diag.sqrt() * eps_D)

    def _log_det(self):
        return _batch_lowrank_logdet(self._unbroadcasted_cov_diag, self._capacitance_tril)

    def log_prob(self, value):
        value = self._checked(value, self.loc)
        M = _batch_lowrank_mahalanobis(self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag,
                                       value - self.loc, self._capacitance_tril)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + self._log_det() + M)

    def entropy(self):
        H = 0.5 * (self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + self._log_det())
        return H.expand(*self._batch_shape) if len(self._batch_shape) else H


def _batch_capacitance_tril(W, D):
    """The Cholesky factor of the capacitance matrix C = I_m + W^T D^-1 W."""
    Wt_Dinv = W.mT / D.unsqueeze(-2)
    K = Wt_Dinv @ W
    return cholesky(K + eye_like(K))


def _batch_lowrank_logdet(D, capacitance_tril):
    """log det(W W^T + D) = log det C + log det D (the matrix determinant lemma)."""
    return 2 * _half_log_det(capacitance_tril) + D.log().sum(-1)


def _woodbury_factor(W, D, capacitance_tril):
    """A = L_C^-1 W^T D^-1 (m x n), so that W W^T + D has the inverse D^-1 - A^T A."""
    return solve_triangular(capacitance_tril, W.mT / D.unsqueeze(-2), upper=False)


def _batch_lowrank_mahalanobis(W, D, x, capacitance_tril):
    """x^T (W W^T + D)^-1 x = Σ_i x_i² / D_i - |L_C^-1 W^T D^-1 x|² (Woodbury)."""
    Wt_Dinv_x = _batch_mv(W.mT / D.unsqueeze(-2), x)
    return (x ** 2 / D).sum(-1) - _batch_mahalanobis(capacitance_tril, Wt_Dinv_x)


# ---- KL divergence --------------------------------------------------------------------------------
# KL(p || q) = ½ [log det Σq - log det Σp + tr(Σq^-1 Σp) + (μq - μp)^T Σq^-1 (μq - μp) - n],
# each term taken in the cheap form of each family: log det and Mahalanobis terms as above,
# the trace by tr(X X^T) = |X|²_F of triangular solves or Woodbury factors.

@register_kl(LowRankMultivariateNormal, LowRankMultivariateNormal)
def _kl_lowrank_lowrank(p, q):
    """tr(Σq^-1 Σp) with Σq^-1 = Dq^-1 - A^T A and Σp = Dp + Wp Wp^T:
    Σ Dp/Dq + |Dq^-½ Wp|² - |A Dp^½|² - |A Wp|² (squared Frobenius norms)."""
    _same_event(p, q, "Low Rank Multivariate Normals")
    Wp, Dp = p._unbroadcasted_cov_factor, p._unbroadcasted_cov_diag
    Wq, Dq = q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag
    term1 = q._log_det() - p._log_det()
    term3 = _batch_lowrank_mahalanobis(Wq, Dq, q.loc - p.loc, q._capacitance_tril)
    A = _woodbury_factor(Wq, Dq, q._capacitance_tril)
    term2 = ((Dp / Dq).sum(-1) + _batch_trace_XXT(Wp * Dq.rsqrt().unsqueeze(-1))
             - _batch_trace_XXT(A * Dp.sqrt().unsqueeze(-2)) - _batch_trace_XXT(A @ Wp))
    return 0.5 * (term1 + term2 + term3 - p.event_shape[0])


@register_kl(MultivariateNormal, LowRankMultivariateNormal)
def _kl_mvn_lowrank(p, q):
    """tr(Σq^-1 Lp Lp^T) = |Dq^-½ Lp|² - |A Lp|²."""
    _same_event(p, q, "(Low Rank) Multivariate Normals")
    Wq, Dq, Lp = q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag, p._unbroadcasted_scale_tril
    term1 = q._log_det() - 2 * _half_log_det(Lp)
    term3 = _batch_lowrank_mahalanobis(Wq, Dq, q.loc - p.loc, q._capacitance_tril)
    A = _woodbury_factor(Wq, Dq, q._capacitance_tril)
    term2 = _batch_trace_XXT(Lp * Dq.rsqrt().unsqueeze(-1)) - _batch_trace_XXT(A @ Lp)
    return 0.5 * (term1 + term2 + term3 - p.event_shape[0])


@register_kl(LowRankMultivariateNormal, MultivariateNormal)
def _kl_lowrank_mvn(p, q):
    """tr(Σq^-1 (Wp Wp^T + Dp)) = |Lq^-1 Wp|² + |Lq^-1 Dp^½|² (triangular solves)."""
    _same_event(p, q, "(Low Rank) Multivariate Normals")
    Wp, Dp, Lq = p._unbroadcasted_cov_factor, p._unbroadcasted_cov_diag, q._unbroadcasted_scale_tril
    term1 = 2 * _half_log_det(Lq) - p._log_det()
    term3 = _batch_mahalanobis(Lq, q.loc - p.loc)
    term2 = (_batch_trace_XXT(solve_triangular(Lq, Wp, upper=False))
             + _batch_trace_XXT(solve_triangular(Lq, Dp.sqrt().diag_embed(), upper=False)))
    return 0.5 * (term1 + term2 + term3 - p.event_shape[0])
