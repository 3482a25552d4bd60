"""``torch.nn.modules.utils``' argument helpers: one number or a tuple, as an n-tuple.

    _pair(3) == (3, 3),  _pair((1, 2)) == (1, 2),  _triple(0) == (0, 0, 0)

Layers written for PyTorch import them to accept ``kernel_size=3`` and ``kernel_size=(3, 5)``.
"""

from collections.abc import Iterable
from itertools import repeat


def _ntuple(n, name="parse"):
    def parse(x):
        if isinstance(x, Iterable) and not isinstance(x, str):
            return tuple(x)
        return tuple(repeat(x, n))

    parse.__name__ = name
    return parse


_single = _ntuple(1, "_single")
_pair = _ntuple(2, "_pair")
_triple = _ntuple(3, "_triple")
_quadruple = _ntuple(4, "_quadruple")


def _reverse_repeat_tuple(t, n):
    """Each element of t repeated n times, in reverse order: (1, 2), 2 -> (2, 2, 1, 1)
    (F.pad's order of padding amounts, last dimension first)."""
    return tuple(x for x in reversed(t) for _ in range(n))
