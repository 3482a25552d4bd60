"""Registry entries for ops/incomplete_gamma.py: gammainc and gammaincc (differentiable in x only).

The shapes a are drawn in [0.5, 6] and x in [0.2, 9]: both sides of x = a + 1, where the
forward switches from the series to the continued fraction, and away from x = 0, where the
density x^(a-1) e^-x has its kink for a < 1.
"""

from ...ops.incomplete_gamma import GammaInc, GammaIncC, gammainc, gammaincc
from ..registry import OpInfo, Sample


def _samples(rng):
    a, x = rng.uniform(0.5, 6.0, (3, 4)), rng.uniform(0.2, 9.0, (3, 4))
    return [Sample((a, x), grad=(1,)), Sample((rng.uniform(0.5, 6.0, (4,)), rng.uniform(0.2, 9.0, (2, 4))), grad=(1,))]


ENTRIES = [
    OpInfo("special.gammainc", gammainc, _samples, (GammaInc,), double_backward=True,
           torch_fn=lambda torch, a, x: torch.special.gammainc(a, x)),
    OpInfo("special.gammaincc", gammaincc, _samples, (GammaIncC,), double_backward=True,
           torch_fn=lambda torch, a, x: torch.special.gammaincc(a, x)),
]
