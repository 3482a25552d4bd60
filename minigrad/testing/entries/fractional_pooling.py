"""Registry entries for minigrad/ops/fractional_pooling.py (fractional_max_pool2d/3d).

Max pooling is differentiable where each window has a unique maximum, so the inputs are
``no_ties`` permutations. The samples that place the windows are passed positionally, so
they take the dtype under test like the input (PyTorch wants the two of one dtype); they
and the window steps (L - K) / (O - 1) are short binary fractions, so float32 and float64
place the windows alike and the float32 check compares like with like. gradgradcheck runs
FractionalMaxPool's backward (FractionalMaxPoolScatter) and that one's gradient
(FractionalMaxPool again).
"""

import numpy as np

from ...ops import fractional_pooling as FP
from ..registry import OpInfo, Sample
from ..strategies import no_ties


def _samples(shape, spatial, values=(0.25, 0.5, 0.75, 0.125)):
    """(N, C, spatial) samples cycling through ``values``."""
    n = int(np.prod(shape[:2])) * spatial
    return np.resize(np.asarray(values), n).reshape(tuple(shape[:2]) + (spatial,))


def _pool2d_samples(rng):
    # (input shape, kernel, output size); the steps (L - K) / (O - 1): 2.5 and 2, 2 and 1, 2 and 2
    return [Sample((no_ties(rng, (2, 3, 7, 8)), 2, (3, 4), None, False, _samples((2, 3), 2)), grad=(0,)),
            Sample((no_ties(rng, (1, 2, 9, 6)), (3, 2), (4, 5), None, False, _samples((1, 2), 2)), grad=(0,)),
            Sample((no_ties(rng, (2, 9, 7)), 3, (4, 3), None, False, _samples((1, 2), 2, (0.5, 0.0625))),
                   grad=(0,))]  # unbatched


def _pool3d_samples(rng):
    # the steps: 2, 1.25 and 2.5; 2, 3 and 2.5 (PyTorch's 3-D check: output + kernel - 1 < size)
    return [Sample((no_ties(rng, (1, 2, 6, 6, 7)), (2, 1, 2), (3, 5, 3), None, False, _samples((1, 2), 3)),
                   grad=(0,)),
            Sample((no_ties(rng, (2, 6, 5, 7)), 2, (3, 2, 3), None, False, _samples((1, 2), 3)), grad=(0,))]


def _torch(name):
    def fn(torch, x, kernel, out, ratio, indices, samples):
        return getattr(torch.nn.functional, name)(x, kernel, out, ratio, indices, _random_samples=samples)

    return fn


ENTRIES = [
    OpInfo("fractional_max_pool2d", FP.fractional_max_pool2d, _pool2d_samples,
           (FP.FractionalMaxPool, FP.FractionalMaxPoolScatter), torch_fn=_torch("fractional_max_pool2d")),
    OpInfo("fractional_max_pool3d", FP.fractional_max_pool3d, _pool3d_samples,
           (FP.FractionalMaxPool, FP.FractionalMaxPoolScatter), torch_fn=_torch("fractional_max_pool3d")),
]
