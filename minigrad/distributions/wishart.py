"""Wishart: random positive-definite matrices, the law of sums of ν outer products x x^T, x ~ N(0, Σ)."""

import math
import numbers
import warnings

from ..creation import arange
from ..errors import ArgumentError
from ..linalg import cholesky, slogdet, solve
from ..ops.joining import broadcast_shapes
from ..ops.selections import where
from ..ops.special import digamma, mvlgamma
from ..size import Size
from ..tensor import Tensor
from . import constraints
from .chi2 import Chi2
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .multivariate_normal import ScaleTrilMatrices, _half_log_det, _precision_to_scale_tril
from .utils import as_param, standard_normal

__all__ = ["Wishart"]


class Wishart(ScaleTrilMatrices, ExponentialFamily):
    """W_p(ν, Σ): for an integer ν it is the law of X = Σ_{k=1..ν} x_k x_k^T with x_k ~ N(0, Σ)
    independent; any real ν > p - 1 (``df``) is allowed. Σ is given as ``covariance_matrix``,
    ``precision_matrix`` (Σ^-1) or ``scale_tril`` L (Σ = L L^T), exactly one, as for
    MultivariateNormal; everything is computed from L.

        log_prob(X) = (ν - p - 1)/2 log det X - ½ tr(Σ^-1 X) - ν p/2 log 2 - ν/2 log det Σ - log Γ_p(ν/2)

    with log det Σ = 2 Σ_i log L_ii, tr(Σ^-1 X) = tr(L^-1 X L^-T) (two solves with L) and
    Γ_p the multivariate gamma function.

        entropy  = (p + 1)/2 log det Σ + p(p + 1)/2 log 2 + log Γ_p(ν/2) - (ν - p - 1)/2 ψ_p(ν/2) + ν p/2,
                   ψ_p(x) = Σ_{i<p} ψ(x - i/2) (the multivariate digamma)
        mean     = ν Σ,   mode = (ν - p - 1) Σ (nan where ν <= p + 1: no mode there)
        variance = Var X_ij = ν (Σ_ij² + Σ_ii Σ_jj)

    rsample is Bartlett's decomposition: X = (L A)(L A)^T with A lower triangular, A_ii =
    sqrt(c_i), c_i ~ χ²(ν - i) (i = 0..p-1) and A_ij ~ N(0, 1) below the diagonal, all
    independent. The draw is differentiable in L, and in ν through the χ² draws (Chi2's
    reparameterised sample, χ²(k) = Gamma(k/2, rate ½)). For ν close to p - 1 a
    draw can come out singular in floating point: those are drawn again (``max_try_correction``
    times at most).

    As an exponential family: t(X) = (X, log det X), η = (-Σ^-1/2, (ν - p - 1)/2),
    A(η) = (η₂ + (p + 1)/2)(p log 2 - log det(-2η₁)) + log Γ_p(η₂ + (p + 1)/2)  (= ν/2 (p log 2 +
    log det Σ) + log Γ_p(ν/2)), k = 0.
    """

    support = constraints.positive_definite
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def arg_constraints(self):
        return {"covariance_matrix": constraints.positive_definite, "precision_matrix": constraints.positive_definite,
                "scale_tril": constraints.lower_cholesky, "df": constraints.greater_than(self.event_shape[-1] - 1)}

    def __init__(self, df, covariance_matrix=None, precision_matrix=None, scale_tril=None, validate_args=None):
        given = {name: m for name, m in (("covariance_matrix", covariance_matrix),
                                         ("precision_matrix", precision_matrix), ("scale_tril", scale_tril))
                 if m is not None}
        if len(given) != 1:
            raise ArgumentError("Wishart: exactly one of covariance_matrix or precision_matrix or scale_tril may be "
                                "specified.")
        (name, matrix), = given.items()
        matrix = as_param(matrix)
        if matrix.ndim < 2 or matrix.shape[-1] != matrix.shape[-2]:
            raise ArgumentError(f"Wishart: {name} must be at least two-dimensional, with optional leading batch "
                                f"dimensions, and square; got shape {tuple(matrix.shape)}")
        p = matrix.shape[-1]
        if isinstance(df, numbers.Number):
            batch_shape = tuple(matrix.shape[:-2])
            self.df = as_param(df, matrix).expand(*batch_shape)
        else:
            df = as_param(df, matrix)
            batch_shape = broadcast_shapes(matrix.shape[:-2], df.shape)
            self.df = df.expand(*batch_shape)
        if bool((self.df <= p - 1).any()):
            raise ArgumentError(f"Wishart: value of df={df} expected to be greater than ndim - 1 = {p - 1}.")
        if bool((self.df < p).any()):
            warnings.warn("Low df values detected. Singular samples are highly likely to occur for ndim - 1 < df < "
                          "ndim.", stacklevel=2)
        setattr(self, name, matrix.expand(*batch_shape, p, p))
        super().__init__(batch_shape, (p, p), validate_args=validate_args)
        if name == "scale_tril":
            self._unbroadcasted_scale_tril = matrix
        elif name == "covariance_matrix":
            self._unbroadcasted_scale_tril = cholesky(matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(matrix)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Wishart, _instance)
        batch_shape = Size(batch_shape)
        shape = tuple(batch_shape) + tuple(self._event_shape)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril.expand(*shape)
        new.df = self.df.expand(*batch_shape)
        for name in ("covariance_matrix", "precision_matrix", "scale_tril"):
            if name in self.__dict__:
                setattr(new, name, self.__dict__[name].expand(*shape))
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _matrix_shape(self):
        return tuple(self._batch_shape) + tuple(self._event_shape)

    def _df(self):
        """ν with two axes of size 1, to scale matrices."""
        return self.df.reshape(tuple(self._batch_shape) + (1, 1))

    @property
    def mean(self):
        return self._df() * self.covariance_matrix

    @property
    def mode(self):
        factor = self.df - self._event_shape[-1] - 1
        factor = factor.masked_fill(factor <= 0, float("nan"))
        return factor.reshape(tuple(self._batch_shape) + (1, 1)) * self.covariance_matrix

    @property
    def variance(self):
        V = self.covariance_matrix
        d = V.diagonal(dim1=-2, dim2=-1)
        return self._df() * (V ** 2 + d.unsqueeze(-1) * d.unsqueeze(-2))

    def _chi2(self, sample_shape):
        """c_i ~ χ²(ν - i), i = 0..p-1, of shape sample_shape + batch + (p,): Chi2's
        reparameterised draws, so a gradient reaches ν."""
        k = self.df.unsqueeze(-1) - arange(self._event_shape[-1], dtype=self.df.dtype, device=self.df.device)
        return Chi2(k, validate_args=False).rsample(sample_shape)

    def _bartlett(self, sample_shape):
        p = self._event_shape[-1]
        xp = self.df.xp
        eps = float(xp.finfo(self.df.dtype).eps)
        diagonal = self._chi2(sample_shape).sqrt().clamp(min=eps).diag_embed()
        below = standard_normal(tuple(sample_shape) + self._matrix_shape(), self.df)
        A = where(Tensor._make(xp.tri(p, k=-1, dtype=bool)), below, diagonal)
        LA = self._unbroadcasted_scale_tril @ A
        return LA @ LA.mT

    def rsample(self, sample_shape=(), max_try_correction=None):
        """A Bartlett draw; draws that are not positive definite in floating point are drawn again."""
        sample_shape = (sample_shape,) if isinstance(sample_shape, int) else tuple(sample_shape)
        max_try_correction = 10 if max_try_correction is None else max_try_correction
        sample = self._bartlett(sample_shape)
        singular = ~self.support.check(sample)
        if bool(singular.any()):
            warnings.warn("Singular sample detected.", stacklevel=2)
            for _ in range(max_try_correction):  # tries, each on the whole batch
                sample = where(singular.unsqueeze(-1).unsqueeze(-1), self._bartlett(sample_shape), sample)
                singular = ~self.support.check(sample)
                if not bool(singular.any()):
                    break
        return sample

    def log_prob(self, value):
        value = self._checked(value, self.df)
        nu, p, L = self.df, self._event_shape[-1], self._unbroadcasted_scale_tril
        # tr(Σ^-1 X) = tr(L^-T L^-1 X) = tr(L^-1 (L^-1 X)^T), by solves that read all of L: a
        # function of the whole matrix, like Σ = L L^T (see _cholesky_inverse)
        trace = solve(L, solve(L, value).mT).diagonal(dim1=-2, dim2=-1).sum(-1)
        return (-nu * (p * math.log(2) / 2 + _half_log_det(L)) - mvlgamma(nu / 2, p)
                + (nu - p - 1) / 2 * slogdet(value).logabsdet - trace / 2)

    def entropy(self):
        nu, p = self.df, self._event_shape[-1]
        return ((p + 1) * (p * math.log(2) / 2 + _half_log_det(self._unbroadcasted_scale_tril))
                + mvlgamma(nu / 2, p) - (nu - p - 1) / 2 * _mvdigamma(nu / 2, p) + nu * p / 2)

    @property
    def _natural_params(self):
        p = self._event_shape[-1]
        return (-self.precision_matrix / 2, (self.df - p - 1) / 2)

    def _log_normalizer(self, x, y):
        p = self._event_shape[-1]
        half_df = y + (p + 1) / 2
        return half_df * (p * math.log(2) - slogdet(-2 * x).logabsdet) + mvlgamma(half_df, p)


def _mvdigamma(x, p):
    """ψ_p(x) = Σ_{i<p} ψ(x - i/2), the derivative of log Γ_p(x)."""
    return digamma(x.unsqueeze(-1) - arange(p, dtype=x.dtype, device=x.device) / 2).sum(-1)
