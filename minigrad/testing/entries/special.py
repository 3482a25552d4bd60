"""Registry entries for minigrad/ops/special.py.

lgamma and digamma get positive inputs and negative ones kept 0.2 away from the poles at the
non-positive integers; polygamma positive ones; erfinv stays inside (-0.9, 0.9), logit inside
(0.1, 0.9) and, with eps, away from the clamp's bounds; sinc away from 0 (its 0/0 point);
xlog1py has exact zeros in x and y above -0.5.
"""

import numpy as np

from ...ops import special as S
from ..registry import OpInfo, Sample
from ..strategies import smooth_normal, uniform


def _gamma_domain(rng, shape):
    """Half positive in [0.3, 4], half negative, each at least 0.2 from an integer."""
    pos = uniform(rng, shape, 0.3, 4.0)
    neg = -np.floor(uniform(rng, shape, 0.0, 3.0)) - uniform(rng, shape, 0.2, 0.8)
    return np.where(rng.random(shape) < 0.5, pos, neg)


def _samples(draw, **kwargs):
    def samples(rng):
        return [Sample((draw(rng, (3, 4)),), dict(kwargs)), Sample((draw(rng, (5,)),), dict(kwargs)),
                Sample((np.asarray(draw(rng, ())),), dict(kwargs))]
    return samples


def _polygamma_samples(rng):
    return [Sample((uniform(rng, (3, 4), 0.5, 4.0),), {"n": n}) for n in (0, 1, 2)]


def _sinc_domain(rng, shape):
    x = smooth_normal(rng, shape)
    return np.where(np.abs(x) < 0.1, x + 0.3, x)


def _xlog1py_samples(rng):
    x = smooth_normal(rng, (3, 4))
    x[0, :2] = 0.0
    return [Sample((x, uniform(rng, (3, 4), -0.5, 2.0))), Sample((smooth_normal(rng, (2, 4)), uniform(rng, (4,), -0.5, 2.0)))]


ENTRIES = [
    OpInfo("lgamma", S.lgamma, _samples(_gamma_domain), (S.LGamma, S.Polygamma),
           torch_fn=lambda torch, x: torch.lgamma(x)),
    OpInfo("digamma", S.digamma, _samples(_gamma_domain), (S.Polygamma,),
           torch_fn=lambda torch, x: torch.digamma(x)),
    OpInfo("polygamma", lambda x, n: S.polygamma(n, x), _polygamma_samples, (S.Polygamma,),
           torch_fn=lambda torch, x, n: torch.polygamma(n, x), extra={"torch_rtol": 1e-8}),
    OpInfo("mvlgamma", lambda x: S.mvlgamma(x, 3), _samples(lambda rng, s: uniform(rng, s, 1.2, 4.0)), (S.LGamma,),
           torch_fn=lambda torch, x: torch.mvlgamma(x, 3)),
    OpInfo("erfinv", S.erfinv, _samples(lambda rng, s: uniform(rng, s, -0.9, 0.9)), (S.Erfinv,),
           torch_fn=lambda torch, x: torch.erfinv(x)),
    OpInfo("logit", S.logit, _samples(lambda rng, s: uniform(rng, s, 0.1, 0.9)), (),
           torch_fn=lambda torch, x: torch.logit(x)),
    OpInfo("logit_eps", lambda x: S.logit(x, eps=0.05), _samples(lambda rng, s: uniform(rng, s, 0.1, 0.9)), (),
           torch_fn=lambda torch, x: torch.logit(x, eps=0.05)),
    OpInfo("sinc", S.sinc, _samples(_sinc_domain), (), torch_fn=lambda torch, x: torch.sinc(x)),
    OpInfo("xlog1py", S.xlog1py, _xlog1py_samples, (S.Xlog1py,), broadcasts=True,
           torch_fn=lambda torch, x, y: torch.special.xlog1py(x, y)),
]
