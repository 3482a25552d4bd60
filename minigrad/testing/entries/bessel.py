"""Registry entries for minigrad/ops/bessel.py: i0, i0e, i1, i1e.

Samples reach both Chebyshev expansions (|x| <= 8 and |x| > 8). i0 and i1 are smooth
everywhere and get x = 0 exactly (where i1' takes its limit 1/2); i0e and i1e have a kink at 0
(through e^(-|x|)), so their samples keep 0.1 away from it.
"""

import numpy as np

from ...ops import bessel as B
from ..registry import OpInfo, Sample
from ..strategies import away_from, uniform


def _wide(rng, shape):
    """Values in (-12, 12): both expansions."""
    return uniform(rng, shape, -12.0, 12.0)


def _samples(draw, zero=False):
    def samples(rng):
        x = draw(rng, (3, 4))
        if zero:
            x[0, 0] = 0.0
        return [Sample((x,)), Sample((draw(rng, (5,)),)), Sample((np.asarray(draw(rng, ())),))]
    return samples


def _off_zero(rng, shape):
    return away_from(_wide(rng, shape), (0.0,), 0.1)


def _special(name):
    return lambda torch, x: getattr(torch.special, name)(x)


ENTRIES = [
    OpInfo("i0", B.i0, _samples(_wide, zero=True), (B.I0, B.I1), torch_fn=lambda torch, x: torch.i0(x),
           extra={"torch_rtol": 1e-12}),
    OpInfo("special.i0e", B.i0e, _samples(_off_zero), (B.I0e, B.I1e), torch_fn=_special("i0e"),
           extra={"torch_rtol": 1e-12}),
    OpInfo("special.i1", B.i1, _samples(_wide, zero=True), (B.I1, B.I0), torch_fn=_special("i1"),
           extra={"torch_rtol": 1e-12}),
    OpInfo("special.i1e", B.i1e, _samples(_off_zero), (B.I1e, B.I0e), torch_fn=_special("i1e"),
           extra={"torch_rtol": 1e-12}),
]
