"""Registry entries for minigrad/ops/distance.py: normalize, cosine_similarity, pairwise_distance.

Samples keep norms away from 0 (smooth normals in 3+ dimensions) and, for p = 1 and p = inf,
every difference away from 0 and from ties, where those norms have kinks.
"""

from ...ops import distance as D
from ...ops import elementwise as E
from ...ops import norms as N
from ..registry import OpInfo, Sample
from ..strategies import away_from, no_ties, smooth_normal


def _torch(name):
    return lambda torch, *args, **kw: getattr(torch.nn.functional, name)(*args, **kw)


def _normalize(rng):
    x = smooth_normal(rng, (3, 4), scale=2.0)
    return [Sample((x,)), Sample((x,), {"dim": 0}), Sample((away_from(x, (0.0,), 0.2),), {"p": 1.0}),
            Sample((smooth_normal(rng, (2, 3, 4)),), {"p": 3.0, "dim": -1}),
            Sample((smooth_normal(rng, (2, 5)),), {"p": 1.5, "dim": 1, "eps": 1e-3})]


def _cosine(rng):
    return [Sample((smooth_normal(rng, (3, 4)), smooth_normal(rng, (3, 4)))),
            Sample((smooth_normal(rng, (2, 3, 4)), smooth_normal(rng, (3, 4))), {"dim": -1}),
            Sample((smooth_normal(rng, (4, 3)), smooth_normal(rng, (4, 1))), {"dim": 0}),
            Sample((smooth_normal(rng, (5,)), smooth_normal(rng, (5,))), {"dim": 0})]


def _pairs(rng, shape, shift=None):
    """x1 and x2 = x1 + d, with every difference d at least 0.2 from 0 (p = 1's kink)."""
    x1 = smooth_normal(rng, shape)
    d = away_from(smooth_normal(rng, shape), (0.0,), 0.2) if shift is None else shift
    return x1, x1 - d


def _pairwise(rng):
    return [Sample(_pairs(rng, (3, 4))), Sample(_pairs(rng, (3, 4)), {"p": 1.0}),
            Sample(_pairs(rng, (2, 5)), {"p": 3.0, "keepdim": True}),
            Sample(_pairs(rng, (4,)), {"eps": 0.0}),
            Sample(_pairs(rng, (3, 4), shift=no_ties(rng, (3, 4), gap=0.2) + 3.0), {"p": float("inf")}),
            Sample((smooth_normal(rng, (3, 4)), smooth_normal(rng, (4,)) + 3.0))]


ENTRIES = [
    OpInfo("normalize", D.normalize, _normalize, (N.VectorNorm, E.Clamp), torch_fn=_torch("normalize")),
    OpInfo("cosine_similarity", D.cosine_similarity, _cosine, (N.VectorNorm,),
           torch_fn=_torch("cosine_similarity")),
    OpInfo("pairwise_distance", D.pairwise_distance, _pairwise, (N.VectorNorm,), torch_fn=_torch("pairwise_distance")),
]
