"""StudentT: Student's t distribution with df degrees of freedom, loc and scale, reparameterised."""

import math

from ..ops.elementwise import where
from . import constraints
from .chi2 import Chi2
from .distribution import Distribution
from .utils import broadcast_all, standard_normal

__all__ = ["StudentT"]


class StudentT(Distribution):
    """density(x) = Γ((ν+1)/2) / (Γ(ν/2) √(νπ) σ) · (1 + y²/ν)^(-(ν+1)/2),  y = (x - μ)/σ,
    ν = df, μ = loc, σ = scale.

    log_prob(x) = -(ν+1)/2 log(1 + y²/ν) - log σ - ½ log ν - ½ log π - log Γ(ν/2) + log Γ((ν+1)/2);
    entropy = log σ + (ν+1)/2 (ψ((ν+1)/2) - ψ(ν/2)) + ½ log ν + log B(ν/2, ½);
    mean = μ for ν > 1 (else nan); variance = σ² ν/(ν - 2) for ν > 2, ∞ for 1 < ν <= 2, nan else.
    rsample = μ + σ X / √(Z/ν) with X ~ N(0, 1) and Z ~ χ²(ν): X is a constant draw, Z is
    Chi2's reparameterised sample, so the draw is differentiable in ν, μ and σ.
    """

    arg_constraints = {"df": constraints.positive, "loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, df, loc=0.0, scale=1.0, validate_args=None):
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        self._chi2 = Chi2(self.df, validate_args=False)  # df is checked here, as StudentT's
        super().__init__(self.df.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._expand_params(StudentT, batch_shape, _instance, ("df", "loc", "scale"))
        new._chi2 = self._chi2.expand(batch_shape)
        return new

    @property
    def mean(self):
        return where(self.df > 1, self.loc, math.nan)

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        above_two = self.df > 2
        df = where(above_two, self.df, 3.0)  # the formula only where it holds: no inf in its gradient
        finite = self.scale ** 2 * df / (df - 2)
        return where(above_two, finite, where(self.df > 1, math.inf, math.nan))

    def rsample(self, sample_shape=()):
        x = standard_normal(self._extended_shape(sample_shape), self.df)
        z = self._chi2.rsample(sample_shape)
        return self.loc + self.scale * x * (z / self.df).rsqrt()

    def log_prob(self, value):
        value = self._checked(value, self.df)
        y = (value - self.loc) / self.scale
        log_norm = (self.scale.log() + 0.5 * self.df.log() + 0.5 * math.log(math.pi)
                    + (0.5 * self.df).lgamma() - (0.5 * (self.df + 1.0)).lgamma())
        return -0.5 * (self.df + 1.0) * (y ** 2 / self.df).log1p() - log_norm

    def entropy(self):
        half_df, half_df1 = 0.5 * self.df, 0.5 * (self.df + 1)
        log_beta = half_df.lgamma() + math.lgamma(0.5) - half_df1.lgamma()
        return (self.scale.log() + half_df1 * (half_df1.digamma() - half_df.digamma())
                + 0.5 * self.df.log() + log_beta)
