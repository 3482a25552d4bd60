"""``minigrad.special``: PyTorch's ``torch.special`` names for the special functions.

Most functions here are defined elsewhere (mostly ``ops/special.py``, ``ops/exponential.py``
and ``ops/activation.py``); this module gathers them under the names torch.special uses.
The Bessel functions J, Y, K and spherical j0 are in ``ops/bessel_more.py``.
The regularized incomplete gamma functions ``gammainc`` and ``gammaincc`` are in
``ops/incomplete_gamma.py``; the orthogonal polynomials (Chebyshev, Hermite, Laguerre,
Legendre) in ``ops/orthogonal_polynomials.py``.
"""

from .ops.activation import erf, log_softmax, sigmoid, softmax
from .ops.exponential import erfc, erfcx, exp2, expm1, log1p, xlogy
from .ops.bessel import i0, i0e, i1, i1e
from .ops.bessel_more import (bessel_j0, bessel_j1, bessel_y0, bessel_y1, modified_bessel_i0, modified_bessel_i1,
                              modified_bessel_k0, modified_bessel_k1, scaled_modified_bessel_k0,
                              scaled_modified_bessel_k1, spherical_bessel_j0)
from .ops.incomplete_gamma import gammainc, gammaincc
from .ops.orthogonal_polynomials import (chebyshev_polynomial_t, chebyshev_polynomial_u, chebyshev_polynomial_v,
                                         chebyshev_polynomial_w, hermite_polynomial_h, hermite_polynomial_he,
                                         laguerre_polynomial_l, legendre_polynomial_p, shifted_chebyshev_polynomial_t,
                                         shifted_chebyshev_polynomial_u, shifted_chebyshev_polynomial_v,
                                         shifted_chebyshev_polynomial_w)
from .ops.reduction import logsumexp
from .ops.rounding import round
from .ops.special import digamma, erfinv, lgamma as gammaln, logit, mvlgamma as multigammaln, polygamma, sinc, xlog1py

expit = sigmoid
psi = digamma


def entr(input):
    """-x log x for x > 0, 0 at x = 0, -inf for x < 0 (the entropy term)."""
    from .ops.elementwise import where

    return where(input < 0, float("-inf"), -xlogy(input, input))


def ndtr(input):
    """The standard normal CDF Φ(x) = (1 + erf(x / √2)) / 2."""
    return (1 + erf(input * 0.7071067811865476)) / 2


def ndtri(input):
    """Φ⁻¹(p) = √2 erf⁻¹(2p - 1)."""
    return erfinv(2 * input - 1) * 1.4142135623730951


def log_ndtr(input):
    """log Φ(x), through erfc in the lower tail where Φ(x) underflows: log(erfc(-x/√2) / 2)."""
    return (erfc(-input * 0.7071067811865476) / 2).log()


__all__ = ["erf", "erfc", "erfcx", "erfinv", "expit", "logit", "exp2", "expm1", "log1p", "xlogy", "xlog1py", "gammaln",
           "digamma", "psi", "polygamma", "multigammaln", "sinc", "round", "logsumexp", "softmax", "log_softmax",
           "entr", "ndtr", "ndtri", "log_ndtr", "gammainc", "gammaincc", "i0", "i0e", "i1", "i1e",
           "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
           "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
           "spherical_bessel_j0", "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
           "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
           "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w", "hermite_polynomial_h",
           "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p"]
