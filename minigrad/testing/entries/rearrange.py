"""Registry entries for minigrad/ops/rearrange.py and minigrad/ops/joining.py: flip, roll, rot90,
movedim, narrow, tile, repeat_interleave, unbind, tensor_split, the stacks, meshgrid,
cartesian_prod, combinations, block_diag, broadcast_tensors.

They only move or copy values, so every input is smooth; the samples cover the argument forms
(negative dims and shifts, tuples, uneven sections, tensor repeats, 'xy' indexing).
"""

import numpy as np

from ...ops import indexing as I
from ...ops import joining as J
from ...ops import padding as PD
from ...ops import rearrange as R
from ...ops import shape as SH
from ..registry import OpInfo, Sample
from ..strategies import smooth_normal


def _x(rng, shape, *args, **kwargs):
    return Sample((smooth_normal(rng, shape),) + args, kwargs)


def _flip(rng):
    return [_x(rng, (3, 4), (0,)), _x(rng, (2, 3, 4), (0, -1)), _x(rng, (5,), 0)]


def _roll(rng):
    return [_x(rng, (3, 4), 1, 0), _x(rng, (2, 3, 4), (1, -2), (0, 2)), _x(rng, (3, 4), 5)]


def _rot90(rng):
    return [_x(rng, (3, 4), k) for k in (1, 2, 3, -1)] + [_x(rng, (2, 3, 4), 1, (2, 0))]


def _movedim(rng):
    return [_x(rng, (2, 3, 4), 0, -1), _x(rng, (2, 3, 4, 5), (0, 1), (3, 0))]


def _narrow(rng):
    return [_x(rng, (4, 5), 1, 1, 3), _x(rng, (4, 5), 0, -3, 2)]


def _tile(rng):
    return [_x(rng, (2, 3), (2,)), _x(rng, (2, 3), (2, 1, 2))]


def _repeat_interleave(rng):
    return [_x(rng, (2, 3), 2), _x(rng, (3, 2), np.array([1, 0, 3]), 0), _x(rng, (2, 3), 2, dim=-1)]


def _unbind(rng):
    return [_x(rng, (3, 4)), _x(rng, (2, 3, 4), -1)]


def _tensor_split(rng):
    return [_x(rng, (7, 2), 3), _x(rng, (2, 6), [1, 4], 1), _x(rng, (2, 6), [4, 2, 9], dim=-1)]


def _two(rng, a, b, **kwargs):
    return Sample((smooth_normal(rng, a), smooth_normal(rng, b)), kwargs)


def _stack_samples(rng):
    return [_two(rng, (2, 3), (2, 3)), _two(rng, (3,), (3,))]


def _meshgrid(rng):
    return [_two(rng, (3,), (4,)), _two(rng, (3,), (4,), indexing="xy")]


def _cartesian(rng):
    three = Sample((smooth_normal(rng, (2,)), smooth_normal(rng, (2,)), smooth_normal(rng, (3,))))
    return [_two(rng, (3,), (2,)), three]


def _combinations(rng):
    return [_x(rng, (4,)), _x(rng, (4,), 3), _x(rng, (3,), 2, with_replacement=True)]


def _block_diag(rng):
    return [_two(rng, (2, 3), (1, 2)), Sample((smooth_normal(rng, (2, 2)), smooth_normal(rng, (3,)), np.array(1.5)))]


def _broadcast_tensors(rng):
    return [_two(rng, (3, 1), (4,)), _two(rng, (2, 1, 3), (2, 3))]


def _stacker(fn):
    return lambda *xs: fn(list(xs))


ENTRIES = [
    OpInfo("flip", R.flip, _flip, (R.Flip,), torch_fn=lambda torch, x, d: torch.flip(x, d if isinstance(d, tuple)
                                                                                     else (d,))),
    OpInfo("roll", R.roll, _roll, (R.Roll, SH.Reshape), torch_fn=lambda torch, *a: torch.roll(*a)),
    OpInfo("rot90", R.rot90, _rot90, (R.Flip, SH.Permute), torch_fn=lambda torch, *a: torch.rot90(*a)),
    OpInfo("movedim", R.movedim, _movedim, (SH.Permute,), torch_fn=lambda torch, *a: torch.movedim(*a)),
    OpInfo("narrow", R.narrow, _narrow, (I.GetItem,), torch_fn=lambda torch, *a: torch.narrow(*a)),
    OpInfo("tile", R.tile, _tile, (SH.BroadcastTo, SH.Reshape), torch_fn=lambda torch, *a: torch.tile(*a)),
    OpInfo("repeat_interleave", R.repeat_interleave, _repeat_interleave, (I.GetItem,),
           torch_fn=lambda torch, *a, **kw: torch.repeat_interleave(*a, **kw)),
    OpInfo("unbind", J.unbind, _unbind, (SH.Split, SH.Reshape), torch_fn=lambda torch, *a: torch.unbind(*a)),
    OpInfo("tensor_split", J.tensor_split, _tensor_split, (I.GetItem,),
           torch_fn=lambda torch, *a, **kw: torch.tensor_split(*a, **kw)),
    *[OpInfo(name, _stacker(getattr(J, name)), _stack_samples, (SH.Cat, SH.Reshape),
             torch_fn=lambda torch, *xs, _n=name: getattr(torch, _n)(xs))
      for name in ("hstack", "vstack", "dstack", "column_stack")],
    OpInfo("meshgrid", J.meshgrid, _meshgrid, (SH.BroadcastTo, SH.Reshape),
           torch_fn=lambda torch, *xs, indexing="ij": torch.meshgrid(*xs, indexing=indexing)),
    OpInfo("cartesian_prod", J.cartesian_prod, _cartesian, (SH.BroadcastTo, SH.Cat),
           torch_fn=lambda torch, *xs: torch.cartesian_prod(*xs)),
    OpInfo("combinations", J.combinations, _combinations, (I.GetItem,),
           torch_fn=lambda torch, *a, **kw: torch.combinations(*a, **kw)),
    OpInfo("block_diag", J.block_diag, _block_diag, (PD.Pad, SH.Cat),
           torch_fn=lambda torch, *xs: torch.block_diag(*xs)),
    OpInfo("broadcast_tensors", J.broadcast_tensors, _broadcast_tensors, (SH.BroadcastTo,),
           torch_fn=lambda torch, *xs: torch.broadcast_tensors(*xs)),
]
