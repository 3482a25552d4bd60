"""Registry entries for the fused affine map of minigrad/ops/linear.py (Linear, LinearBackward).

gradgradcheck goes through LinearBackward's own backward: Linear's second derivatives.
Samples (2-D, one float dtype: the inputs F.linear sends to Linear): with and without a bias,
and a batch of one row (the per-op overhead case).
"""

from ...nn import functional as F
from ...ops import linear as LIN
from ..registry import OpInfo, Sample
from ..strategies import smooth_normal


def _samples(rng):
    return [Sample((smooth_normal(rng, (4, 3)), smooth_normal(rng, (2, 3)), smooth_normal(rng, (2,)))),
            Sample((smooth_normal(rng, (5, 4)), smooth_normal(rng, (3, 4)))),
            Sample((smooth_normal(rng, (1, 6)), smooth_normal(rng, (4, 6)), smooth_normal(rng, (4,))))]


ENTRIES = [
    # through F.linear, which checks shapes and takes Linear for 2-D inputs of one float dtype
    OpInfo("linear_fused", F.linear, _samples, functions=(LIN.Linear, LIN.LinearBackward),
           torch_fn=lambda torch, x, w, b=None: torch.nn.functional.linear(x, w, b)),
]
