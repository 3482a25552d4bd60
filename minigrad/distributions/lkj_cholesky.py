"""LKJCholesky: Cholesky factors L of random correlation matrices, density ∝ det(L L^T)^(η-1)."""

import math
import numbers

from .. import backend
from ..autograd.grad_mode import no_grad
from ..creation import arange
from ..errors import ArgumentError
from ..ops.special import lgamma, mvlgamma
from ..size import Size
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, standard_normal

__all__ = ["LKJCholesky"]


class LKJCholesky(Distribution):
    """The LKJ distribution of correlation matrices C (d x d, unit diagonal), taken on their
    lower Cholesky factors L (C = L L^T, each row of L of unit length):

        density(C) ∝ det(C)^(η - 1),  η = ``concentration`` > 0

    (η = 1: uniform over correlation matrices; η > 1 favours C near the identity). Since
    det C = Π_i L_ii², and the change of variables C -> L has the Jacobian Π_{i>=2} L_ii^(d-i),

        log_prob(L) = Σ_{i=2..d} (2(η - 1) + d - i) log L_ii - log Z,
        log Z = (d-1)/2 log π + log Γ_{d-1}(α - ½) - (d - 1) log Γ(α),   α = η + (d - 1)/2

    (Γ_{d-1} the multivariate gamma function).

    ``sample`` is the onion method: row 1 is (1, 0, ..., 0); row i (i = 2..d) is
    (sqrt(y) u, sqrt(1 - y), 0, ...), with u uniform on the unit sphere of R^(i-1) (a normal
    vector divided by its length) and y ~ Beta((i-1)/2, η + (d-2)/2 - (i-2)/2) the squared
    length of its off-diagonal part (Lewandowski, Kurowicka and Joe, 2009, section 3.2: the
    new row of L is the vector w = sqrt(y) u of their step, since z = L w there). Each
    correlation C_ij then has the LKJ marginal: (C_ij + 1)/2 ~ Beta(η - 1 + d/2, η - 1 + d/2),
    so E C_ij² = 1 / (2η + d - 1) for every pair. The Beta draws make it a sample without a
    reparameterisation (``has_rsample`` is False).
    """

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim, concentration=1.0, validate_args=None):
        if not isinstance(dim, numbers.Integral) or dim < 2:
            raise ArgumentError(f"Expected dim to be an integer greater than or equal to 2. Found dim={dim}.")
        self.dim = int(dim)
        (self.concentration,) = broadcast_all(concentration)
        batch = Size() if isinstance(concentration, numbers.Number) else self.concentration.shape
        super().__init__(batch, (self.dim, self.dim), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(LKJCholesky, batch_shape, _instance, ("concentration",))

    def _beta_parameters(self):
        """The Beta parameters (a, b) of the d rows' squared off-diagonal lengths: for a row
        with k > 0 entries left of the diagonal, a = k/2 and b = η + (d-2)/2 - (k-1)/2 (row 1,
        k = 0, gets k = 1's values; its draw is not used)."""
        xp, d = self.concentration.xp, self.dim
        k = xp.maximum(xp.arange(d), 1).astype(self.concentration.dtype)
        a = k / 2
        b = (self.concentration.array + 0.5 * (d - 2))[..., None] - (k - 1) / 2
        return a, b

    def sample(self, sample_shape=()):
        with no_grad():
            shape = self._extended_shape(sample_shape)
            a, b = self._beta_parameters()
            gen = backend.generator(self.concentration.device)
            xp = self.concentration.xp
            y = Tensor._make(xp.asarray(gen.beta(a, b, size=tuple(shape[:-1])), dtype=self.concentration.dtype))
            u = standard_normal(shape, self.concentration).tril(-1)
            norm = u.norm(dim=-1, keepdim=True)
            u = u / norm.masked_fill(norm == 0, 1.0)  # row 1 has no off-diagonal part: it stays 0
            w = y.unsqueeze(-1).sqrt() * u
            tiny = float(xp.finfo(w.dtype).tiny)
            return w + (1 - (w ** 2).sum(-1)).clamp(min=tiny).sqrt().diag_embed()

    def log_prob(self, value):
        value = self._checked(value, self.concentration)
        d = self.dim
        diag = value.diagonal(dim1=-2, dim2=-1)[..., 1:]
        order = arange(2, d + 1, dtype=self.concentration.dtype, device=self.concentration.device)
        power = 2 * (self.concentration - 1).unsqueeze(-1) + d - order
        unnormalized = (power * diag.log()).sum(-1)
        alpha = self.concentration + 0.5 * (d - 1)
        log_Z = 0.5 * (d - 1) * math.log(math.pi) + mvlgamma(alpha - 0.5, d - 1) - lgamma(alpha) * (d - 1)
        return unnormalized - log_Z
