"""Registry entries for minigrad/ops/inplace.py: CopySlices, the node an in-place write
through a view leaves in the base's history.

The op writes ``value`` into a view of a copy of ``base`` (``view`` names which view) and
returns the whole base: its gradient for base is g outside the view, for value the view of g.
"""

from ...ops import inplace as I
from ..registry import OpInfo, Sample
from ..strategies import smooth_normal

_VIEWS = {
    "rows": lambda t: t[1:3],
    "column": lambda t: t[:, 2],
    "transposed": lambda t: t.transpose(0, 1)[1:],
    "strided": lambda t: t[::2, ::2],
    "whole": lambda t: t,
}


def _write_into_view(base, value, view):
    out = base * 1  # a non-leaf, so its views may be written
    _VIEWS[view](out).copy_(value)
    return out


def _torch_write(torch, base, value, view):
    out = base * 1
    _VIEWS[view](out).copy_(value)
    return out


def _samples(rng):
    base = (4, 3)
    shapes = {"rows": (2, 3), "column": (4,), "transposed": (2, 4), "strided": (2, 2), "whole": (4, 3)}
    return [Sample((smooth_normal(rng, base), smooth_normal(rng, shape)), {"view": view})
            for view, shape in shapes.items()] + [
        Sample((smooth_normal(rng, base), smooth_normal(rng, (3,))), {"view": "rows"}),  # value broadcast
    ]


ENTRIES = [
    OpInfo("copy_slices", _write_into_view, _samples, (I.CopySlices,), torch_fn=_torch_write,
           notes="x.view.copy_(v) on a non-leaf: the base's new history"),
]
