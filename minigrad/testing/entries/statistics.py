"""Registry entries for the differentiable ops of minigrad/ops/statistics.py (all compositions).

quantile's samples have distinct values (no ties between the order statistics it reads) and
q values whose ranks fall strictly between positions; renorm's slices are scaled so that some
exceed maxnorm clearly and others stay clearly below it.
"""

import numpy as np

from ...ops import statistics as S
from ..registry import OpInfo, Sample
from ..strategies import no_ties, smooth_normal


def _diff_samples(rng):
    return [Sample((smooth_normal(rng, (3, 5)),)), Sample((smooth_normal(rng, (3, 5)),), {"n": 2, "dim": 0})]


def _quantile_samples(rng):
    x = no_ties(rng, (3, 7))
    return [Sample((x, 0.3), {"dim": 1}), Sample((x, 0.55)), Sample((x, 0.4), {"dim": 0, "keepdim": True}),
            Sample((x, 0.3), {"dim": 1, "interpolation": "midpoint"})]


def _cov_samples(rng):
    return [Sample((smooth_normal(rng, (3, 6)),)), Sample((smooth_normal(rng, (2, 5)),), {"correction": 0})]


def _renorm_samples(rng):
    x = smooth_normal(rng, (4, 3))
    x *= np.array([0.2, 3.0, 0.3, 4.0])[:, None] / np.linalg.norm(x, axis=1, keepdims=True)
    return [Sample((x, 2, 0, 1.0))]


ENTRIES = [
    OpInfo("diff", S.diff, _diff_samples, (), torch_fn=lambda torch, x, **kw: torch.diff(x, **kw)),
    OpInfo("quantile", S.quantile, _quantile_samples, (),
           torch_fn=lambda torch, x, q, **kw: torch.quantile(x, q, **kw)),
    OpInfo("nanquantile", S.nanquantile, _quantile_samples, (),
           torch_fn=lambda torch, x, q, **kw: torch.nanquantile(x, q, **kw)),
    OpInfo("cov", S.cov, _cov_samples, (), torch_fn=lambda torch, x, **kw: torch.cov(x, **kw)),
    OpInfo("corrcoef", S.corrcoef, lambda rng: [Sample((smooth_normal(rng, (3, 6)),))], (),
           torch_fn=lambda torch, x: torch.corrcoef(x)),
    OpInfo("renorm", S.renorm, _renorm_samples, (), torch_fn=lambda torch, x, p, d, m: torch.renorm(x, p, d, m)),
    OpInfo("ldexp", lambda x: S.ldexp(x, 3), lambda rng: [Sample((smooth_normal(rng, (3, 4)),))], (),
           torch_fn=lambda torch, x: torch.ldexp(x, torch.tensor(3))),
]
