"""Registry entries for the fused affine map of minigrad/ops/linear.py (Linear, LinearBackward).

gradgradcheck goes through LinearBackward's own backward: Linear's second derivatives.
Samples: with and without a bias, and a batch of one row (the per-op overhead case).
"""

from ...ops import linear as LIN
from ..registry import OpInfo, Sample
from ..strategies import smooth_normal


def _samples(rng):
    return [Sample((smooth_normal(rng, (4, 3)), smooth_normal(rng, (2, 3)), smooth_normal(rng, (2,)))),
            Sample((smooth_normal(rng, (5, 4)), smooth_normal(rng, (3, 4)))),
            Sample((smooth_normal(rng, (1, 6)), smooth_normal(rng, (4, 6)), smooth_normal(rng, (4,))))]


ENTRIES = [
    OpInfo("linear_fused", LIN.linear, _samples, functions=(LIN.Linear, LIN.LinearBackward),
           torch_fn=lambda torch, x, w, b=None: torch.nn.functional.linear(x, w, b)),
]
