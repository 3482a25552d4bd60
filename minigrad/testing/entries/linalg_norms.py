"""Registry entries for the norms: minigrad/ops/norms.py (VectorNorm, vector_norm, dist, cdist, trace)
and minigrad/linalg/norms.py (matrix_norm, linalg.norm, Tensor.norm).

Kinks are kept away by construction: entries at least 0.2 from 0 (|x| for p = 1, |x|^p for
p < 2), no ties for the max/min of inf norms (``no_ties``), distinct singular values for the
spectral and nuclear norms (``with_singular_values``).
"""

import math

from ...linalg import norms as LN
from ...linalg.svd import SVD
from ...ops import einsum as EIN
from ...ops import norms as N
from ...ops.elementwise import Abs, Where
from ...ops.reduction import Amax, Amin
from ..matrix_samples import with_singular_values
from ..registry import OpInfo, Sample
from ..strategies import away_from, no_ties, smooth_normal


def _vector_norm_samples(rng):
    x = away_from(smooth_normal(rng, (3, 4)), (0.0,), 0.2)
    t = no_ties(rng, (3, 4), gap=0.2) + 0.05  # no ties in |x| (and none at 0) for the inf norms
    return [Sample((x,)), Sample((x,), {"ord": 1, "dim": 1}), Sample((x,), {"ord": 3, "dim": (0, 1), "keepdim": True}),
            Sample((x,), {"ord": 0.5, "dim": 0}), Sample((x,), {"ord": -1, "dim": -1}),
            Sample((x,), {"ord": 0, "dim": 1}),
            Sample((t,), {"ord": math.inf, "dim": 1}), Sample((t,), {"ord": -math.inf}),
            Sample((away_from(smooth_normal(rng, (2, 3, 2)), (0.0,), 0.2),), {"ord": 2, "dim": (0, 2)})]


def _matrix_norm_samples(rng):
    s = with_singular_values(rng, (2, 3, 4))
    t = no_ties(rng, (3, 4), gap=0.3)  # distinct row and column sums of |A|, none near 0
    return [Sample((s,)), Sample((s,), {"ord": "nuc"}), Sample((s,), {"ord": 2}), Sample((s,), {"ord": -2}),
            Sample((t,), {"ord": 1}), Sample((t,), {"ord": -1}), Sample((t,), {"ord": math.inf}),
            Sample((t,), {"ord": -math.inf, "keepdim": True}),
            Sample((with_singular_values(rng, (4, 2, 3)).transpose(1, 0, 2),), {"ord": "nuc", "dim": (0, 2)})]


def _linalg_norm_samples(rng):
    x = away_from(smooth_normal(rng, (3, 4)), (0.0,), 0.2)
    return [Sample((x,)), Sample((x,), {"ord": "fro"}), Sample((x,), {"dim": 1}), Sample((x,), {"ord": 3, "dim": 0}),
            Sample((with_singular_values(rng, (3, 4)),), {"ord": 2}), Sample((x[0],), {"ord": 1}),
            Sample((smooth_normal(rng, (2, 3, 4)),), {"dim": (1, 2), "keepdim": True})]


def _tensor_norm(x, **kw):
    return x.norm(**kw)


def _tensor_norm_samples(rng):
    x = away_from(smooth_normal(rng, (2, 3, 4)), (0.0,), 0.2)
    return [Sample((x,)), Sample((x,), {"p": 1, "dim": 2}), Sample((x,), {"p": "fro", "dim": (0, 1)}),
            Sample((with_singular_values(rng, (3, 4)),), {"p": "nuc"}),
            Sample((with_singular_values(rng, (2, 3, 4)),), {"p": "nuc", "dim": (1, 2)}),
            Sample((x,), {"p": 3, "keepdim": True})]


def _cdist_samples(rng):
    def pts(*shape):
        return smooth_normal(rng, shape)

    x1, x2 = pts(2, 3, 4), pts(2, 5, 4)
    return [Sample((x1, x2)), Sample((x1, x2), {"p": 1.0}), Sample((x1, x2), {"p": 3.0}),
            Sample((pts(4, 3), pts(1, 2, 3)), {"p": 2.0}),  # batch broadcast
            Sample((pts(30, 3), pts(6, 3))),  # many points: the matmul route for p = 2
            Sample((pts(3, 4), pts(5, 4)), {"compute_mode": "use_mm_for_euclid_dist"}),
            Sample((no_ties(rng, (3, 4), gap=0.3), no_ties(rng, (2, 4), gap=0.3) + 0.07), {"p": math.inf})]


def _dist_samples(rng):
    x = smooth_normal(rng, (3, 4))
    return [Sample((x, smooth_normal(rng, (3, 4)))), Sample((x, smooth_normal(rng, (4,))), {"p": 3}),
            Sample((x, x + away_from(smooth_normal(rng, (3, 4)), (0.0,), 0.2)), {"p": 1})]


def _trace_samples(rng):
    return [Sample((smooth_normal(rng, (3, 3)),)), Sample((smooth_normal(rng, (2, 4)),)),
            Sample((smooth_normal(rng, (4, 2)),))]


def _torch_linalg(name):
    return lambda torch, *args, **kw: getattr(torch.linalg, name)(*args, **kw)


ENTRIES = [
    OpInfo("linalg.vector_norm", N.vector_norm, _vector_norm_samples, (N.VectorNorm, Amax, Amin, Abs),
           torch_fn=_torch_linalg("vector_norm")),
    OpInfo("linalg.matrix_norm", LN.matrix_norm, _matrix_norm_samples, (N.VectorNorm, SVD, Amax, Amin, Abs),
           torch_fn=_torch_linalg("matrix_norm"), extra={"float32_rtol": 1e-3, "float32_atol": 1e-4}),
    OpInfo("linalg.norm", LN.norm, _linalg_norm_samples, (N.VectorNorm, SVD), torch_fn=_torch_linalg("norm"),
           extra={"float32_rtol": 1e-3, "float32_atol": 1e-4}),
    OpInfo("Tensor.norm", _tensor_norm, _tensor_norm_samples, (N.VectorNorm, SVD),
           torch_fn=lambda torch, x, **kw: x.norm(**kw), extra={"float32_rtol": 1e-3, "float32_atol": 1e-4}),
    OpInfo("cdist", N.cdist, _cdist_samples, (N.VectorNorm, Where),
           torch_fn=lambda torch, *a, **kw: torch.cdist(*a, **kw),
           extra={"float32_rtol": 1e-3, "float32_atol": 1e-4}),
    OpInfo("dist", N.dist, _dist_samples, (N.VectorNorm,), torch_fn=lambda torch, *a, **kw: torch.dist(*a, **kw)),
    OpInfo("trace", N.trace, _trace_samples, (EIN.Einsum,), torch_fn=lambda torch, x: torch.trace(x)),
]
