"""FisherSnedecor: the F distribution, the ratio of two chi-squared variables each divided by its degrees of freedom."""

import math
import numbers

import numpy as np

from ..ops.selections import where
from ..size import Size
from . import constraints
from .distribution import Distribution
from .gamma import Gamma
from .utils import broadcast_all

__all__ = ["FisherSnedecor"]


class FisherSnedecor(Distribution):
    """F(d₁, d₂) = (U₁/d₁) / (U₂/d₂) with U_i ~ χ²(d_i) independent,  d₁ = df1, d₂ = df2 (any reals > 0).

    density(x) = (d₁/d₂)^(d₁/2) x^(d₁/2 - 1) (1 + d₁x/d₂)^(-(d₁+d₂)/2) / B(d₁/2, d₂/2) on x > 0, so
    log_prob(x) = log Γ((d₁+d₂)/2) - log Γ(d₁/2) - log Γ(d₂/2) + d₁/2 log(d₁/d₂) + (d₁/2 - 1) log x
                  - (d₁+d₂)/2 log(1 + d₁x/d₂).
    mean = d₂/(d₂ - 2) for d₂ > 2,  mode = (d₁ - 2)/d₁ · d₂/(d₂ + 2) for d₁ > 2,
    variance = 2 d₂² (d₁ + d₂ - 2) / (d₁ (d₂ - 2)² (d₂ - 4)) for d₂ > 4; NaN elsewhere (no finite value
    there), with a zero gradient.
    rsample = X₁/X₂ with X_i ~ Gamma(d_i/2, rate d_i) (= χ²(d_i)/d_i): both are Gamma's reparameterised
    draws, so the draw is differentiable in d₁ and d₂. X₂ and the ratio are kept at least the dtype's
    ``tiny``, so that a draw that underflows is still inside the support (and has a finite log).
    """

    arg_constraints = {"df1": constraints.positive, "df2": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, df1, df2, validate_args=None):
        self.df1, self.df2 = broadcast_all(df1, df2)
        # unchecked: a bad df is reported under its own name by this class's check
        self._gamma1 = Gamma(self.df1 * 0.5, self.df1, validate_args=False)
        self._gamma2 = Gamma(self.df2 * 0.5, self.df2, validate_args=False)
        numbers_only = isinstance(df1, numbers.Number) and isinstance(df2, numbers.Number)
        super().__init__(Size() if numbers_only else self.df1.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(FisherSnedecor, _instance)
        batch_shape = Size(batch_shape)
        new.df1 = self.df1.expand(*batch_shape)
        new.df2 = self.df2.expand(*batch_shape)
        new._gamma1 = self._gamma1.expand(batch_shape)
        new._gamma2 = self._gamma2.expand(batch_shape)
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        valid = self.df2 > 2
        df2 = where(valid, self.df2, 3.0)  # off the pole at 2, so that the gradient there is 0, not NaN
        return where(valid, df2 / (df2 - 2), math.nan)

    @property
    def mode(self):
        mode = (self.df1 - 2) / self.df1 * self.df2 / (self.df2 + 2)
        return where(self.df1 > 2, mode, math.nan)

    @property
    def variance(self):
        valid = self.df2 > 4
        df2 = where(valid, self.df2, 5.0)
        variance = 2 * df2 ** 2 * (self.df1 + df2 - 2) / (self.df1 * (df2 - 2) ** 2 * (df2 - 4))
        return where(valid, variance, math.nan)

    def rsample(self, sample_shape=()):
        tiny = float(np.finfo(self.df1.dtype).tiny)
        x1 = self._gamma1.rsample(sample_shape)
        x2 = self._gamma2.rsample(sample_shape).clamp(min=tiny)
        return (x1 / x2).clamp(min=tiny)

    def log_prob(self, value):
        value = self._checked(value, self.df1)
        half1, half2 = self.df1 * 0.5, self.df2 * 0.5
        ratio = self.df1 / self.df2
        return ((half1 + half2).lgamma() - half1.lgamma() - half2.lgamma()
                + half1 * ratio.log() + (half1 - 1) * value.log()
                - (half1 + half2) * (ratio * value).log1p())
