"""Registry entries for minigrad/ops/tensor_forms.py.

nextafter's y is kept far from x (about ±10 against standard normal x): then moving y a
little never turns the step around, so the numerical gradient in y is 0, and the one in x
is 1 (x moves, the one-ulp step stays).
"""

import numpy as np

from ...ops import tensor_forms as T
from ..registry import OpInfo, Sample
from ..strategies import smooth_normal


def _far(rng, shape):
    return np.asarray(rng.choice([-10.0, 10.0], size=shape) + rng.uniform(-1, 1, size=shape))


def _nextafter_samples(rng):
    return [Sample((smooth_normal(rng, (3, 4)), _far(rng, (3, 4)))),
            Sample((smooth_normal(rng, (2, 3, 4)), _far(rng, (4,)))),
            Sample((smooth_normal(rng, (3,)), _far(rng, (3,))), grad=(0,))]


ENTRIES = [
    OpInfo("nextafter", T.nextafter, _nextafter_samples, (T.Nextafter,), broadcasts=True,
           torch_fn=lambda torch, x, y: torch.nextafter(x, y)),
]
