"""Registry entries for minigrad/ops/numerical_gradient.py: torch.gradient.

The finite differences are linear in the samples, so any values do; coordinate tensors are
increasing (steps in [0.5, 1.5]) and, passed as positional arrays, get gradients of their own.
"""

import numpy as np

from ...ops.numerical_gradient import gradient
from ..registry import OpInfo, Sample
from ..strategies import smooth_normal, uniform


def _coordinates(rng, n):
    return np.cumsum(uniform(rng, (n,), 0.5, 1.5))


def _samples(rng):
    f = smooth_normal(rng, (4, 5))
    return [Sample((f,)), Sample((f,), {"edge_order": 2}), Sample((f,), {"spacing": 0.5, "dim": 1}),
            Sample((smooth_normal(rng, (3, 2, 4)),), {"spacing": [2.0, 1.0, 0.5]}),
            Sample((smooth_normal(rng, (3, 3, 4)),), {"spacing": [2.0, 1.0, 0.5], "edge_order": 2}),
            Sample((smooth_normal(rng, (2,)),)), Sample((f,), {"dim": [-1, 0]})]


def _with_coordinates(f, x0, x1, edge_order=1):
    return gradient(f, spacing=[x0, x1], edge_order=edge_order)


def _coordinate_samples(rng):
    f = smooth_normal(rng, (4, 5))
    x0, x1 = _coordinates(rng, 4), _coordinates(rng, 5)
    return [Sample((f, x0, x1)), Sample((f, x0, x1), {"edge_order": 2})]


ENTRIES = [
    OpInfo("gradient", gradient, _samples, (), torch_fn=lambda torch, f, **kw: torch.gradient(f, **kw)),
    OpInfo("gradient (coordinates)", _with_coordinates, _coordinate_samples, (),
           torch_fn=lambda torch, f, x0, x1, edge_order=1: torch.gradient(f, spacing=[x0, x1], edge_order=edge_order)),
]
