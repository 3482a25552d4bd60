"""Chi2: the chi-squared distribution with df degrees of freedom, a Gamma(df/2, 1/2)."""

from . import constraints
from .gamma import Gamma

__all__ = ["Chi2"]


class Chi2(Gamma):
    """χ²(k) = Gamma(k/2, ½): the sum of the squares of k independent standard normals
    (for integer k; any k > 0 is allowed), k = df.

    density(x) = x^(k/2 - 1) e^(-x/2) / (2^(k/2) Γ(k/2));  mean = k, variance = 2k.
    Every method is Gamma's; rsample is Gamma's too, differentiable in df.
    """

    arg_constraints = {"df": constraints.positive}

    def __init__(self, df, validate_args=None):
        super().__init__(0.5 * df, 0.5, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Chi2, _instance)
        return super().expand(batch_shape, new)

    @property
    def df(self):
        return self.concentration * 2

    def __repr__(self):
        df = self.df
        return f"Chi2(df: {df if df.numel() == 1 else df.size()})"
