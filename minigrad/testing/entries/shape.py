"""Registry entries for minigrad/ops/shape.py (and the shape functions built on it).

Shape ops only move values, so every input is smooth; the samples cover the argument forms
(-1 in reshape, negative dims, tuples, uneven splits, each pad mode).
"""

from ... import memory_formats as M
from ...ops import padding as P
from ...ops import shape as S
from ..registry import OpInfo, Sample
from ..strategies import smooth_normal


def _one(rng, shape, **kwargs):
    return Sample((smooth_normal(rng, shape),), kwargs)


def _reshape(rng):
    return [Sample((smooth_normal(rng, (3, 4)), (4, 3))), Sample((smooth_normal(rng, (2, 3, 4)), (-1, 4))),
            Sample((smooth_normal(rng, (6,)), (2, 1, 3)))]


def _permute(rng):
    return [Sample((smooth_normal(rng, (2, 3, 4)), (2, 0, 1))), Sample((smooth_normal(rng, (3, 4)), (1, 0)))]


def _transpose(rng):
    return [_one(rng, (3, 4)), _one(rng, (2, 3, 4), dim0=0, dim1=2)]


def _broadcast(rng):
    return [Sample((smooth_normal(rng, (3, 1)), (2, 3, 4))), Sample((smooth_normal(rng, (4,)), (3, 4)))]


def _sum_to(rng):
    return [Sample((smooth_normal(rng, (2, 3, 4)), (3, 1))), Sample((smooth_normal(rng, (3, 4)), (4,))),
            Sample((smooth_normal(rng, (3, 4)), (1, 1)))]


def _squeeze(rng):
    return [_one(rng, (3, 1, 4)), _one(rng, (1, 3, 1), dim=0), _one(rng, (1, 3, 1), dim=(0, 2))]


def _unsqueeze(rng):
    return [_one(rng, (3, 4), dim=0), _one(rng, (3, 4), dim=-1), _one(rng, (3, 4), dim=1)]


def _flatten(rng):
    return [_one(rng, (2, 3, 4)), _one(rng, (2, 3, 4), start_dim=1), _one(rng, (2, 3, 4, 2), start_dim=1, end_dim=2)]


def _cat(rng):
    return [
        Sample((smooth_normal(rng, (2, 3)), smooth_normal(rng, (4, 3))), {"dim": 0}),
        Sample((smooth_normal(rng, (2, 3)), smooth_normal(rng, (2, 1)), smooth_normal(rng, (2, 2))), {"dim": -1}),
        Sample((smooth_normal(rng, (2, 3, 2)), smooth_normal(rng, (2, 1, 2))), {"dim": 1}),
    ]


def _stack(rng):
    return [
        Sample((smooth_normal(rng, (2, 3)), smooth_normal(rng, (2, 3))), {"dim": 0}),
        Sample((smooth_normal(rng, (2, 3)), smooth_normal(rng, (2, 3)), smooth_normal(rng, (2, 3))), {"dim": -1}),
        Sample((smooth_normal(rng, (4,)), smooth_normal(rng, (4,))), {"dim": 1}),
    ]


def _split(rng):
    return [
        Sample((smooth_normal(rng, (5, 3)), 2)),  # pieces of 2, 2, 1
        Sample((smooth_normal(rng, (3, 6)), [1, 3, 2]), {"dim": 1}),
        Sample((smooth_normal(rng, (2, 4, 3)), 4), {"dim": 1}),  # a single piece
    ]


def _chunk(rng):
    return [Sample((smooth_normal(rng, (5, 3)), 2)), Sample((smooth_normal(rng, (3, 6)), 3), {"dim": 1}),
            Sample((smooth_normal(rng, (2, 5)), 4), {"dim": -1})]  # asks for 4, gets 3 pieces of 2, 2, 1


def _pad(rng):
    return [
        Sample((smooth_normal(rng, (2, 3)), (1, 2))),
        Sample((smooth_normal(rng, (2, 3, 4)), (1, 0, 0, 2)), {"value": 1.5}),
        Sample((smooth_normal(rng, (3, 5)), (-1, 2, 1, -1))),  # negative widths crop
        Sample((smooth_normal(rng, (2, 3, 5)), (2, 1)), {"mode": "reflect"}),
        Sample((smooth_normal(rng, (2, 3, 5)), (2, 3)), {"mode": "replicate"}),
        Sample((smooth_normal(rng, (2, 3, 5)), (2, 1)), {"mode": "circular"}),
        Sample((smooth_normal(rng, (1, 2, 4, 5)), (1, 2, 3, 1)), {"mode": "reflect"}),
        Sample((smooth_normal(rng, (1, 2, 4, 5)), (1, 2, 3, 1)), {"mode": "replicate"}),
    ]


def _repeat(rng):
    return [Sample((smooth_normal(rng, (2, 3)), 2, 1)), Sample((smooth_normal(rng, (2, 3)), 2, 1, 3)),
            Sample((smooth_normal(rng, (3,)), 4))]


def _contiguous(x):
    """A permuted (non-contiguous) view made contiguous: Contiguous copies it."""
    return S.Contiguous.apply(S.permute(x, tuple(reversed(range(x.ndim)))))


def _torch_pad(torch, x, pad, mode="constant", value=None):
    return torch.nn.functional.pad(x, pad, mode=mode, value=value)


ENTRIES = [
    OpInfo("reshape", S.reshape, _reshape, (S.Reshape,), torch_fn=lambda torch, x, s: torch.reshape(x, s)),
    OpInfo("squeeze", S.squeeze, _squeeze, (S.Reshape,),
           torch_fn=lambda torch, x, dim=None: torch.squeeze(x) if dim is None else torch.squeeze(x, dim)),
    OpInfo("unsqueeze", S.unsqueeze, _unsqueeze, (S.Reshape,), torch_fn=lambda torch, x, dim: torch.unsqueeze(x, dim)),
    OpInfo("flatten", S.flatten, _flatten, (S.Reshape,), torch_fn=lambda torch, x, **kw: torch.flatten(x, **kw)),
    OpInfo("permute", S.permute, _permute, (S.Permute,), torch_fn=lambda torch, x, p: torch.permute(x, p)),
    OpInfo("transpose", S.transpose, _transpose, (S.Permute,),
           torch_fn=lambda torch, x, dim0=-2, dim1=-1: torch.transpose(x, dim0, dim1)),
    OpInfo("broadcast_to", S.broadcast_to, _broadcast, (S.BroadcastTo,),
           torch_fn=lambda torch, x, s: torch.broadcast_to(x, s)),
    OpInfo("sum_to", S.sum_to, _sum_to, (S.SumTo,), torch_fn=lambda torch, x, s: x.sum_to_size(s)),
    OpInfo("contiguous", _contiguous, lambda rng: [_one(rng, (3, 4)), _one(rng, (2, 3, 4))], (S.Contiguous,),
           torch_fn=lambda torch, x: torch.permute(x, tuple(reversed(range(x.ndim)))).contiguous()),
    OpInfo("contiguous_channels_last", lambda x: M.to_memory_format(x, M.channels_last),
           lambda rng: [_one(rng, (2, 3, 4, 5)), _one(rng, (1, 4, 1, 3))], (M.ToMemoryFormat,),
           torch_fn=lambda torch, x: x.contiguous(memory_format=torch.channels_last)),
    OpInfo("cat", lambda *xs, dim=0: S.cat(list(xs), dim), _cat, (S.Cat,),
           torch_fn=lambda torch, *xs, dim=0: torch.cat(xs, dim)),
    OpInfo("stack", lambda *xs, dim=0: S.stack(list(xs), dim), _stack, (S.Cat, S.Reshape),
           torch_fn=lambda torch, *xs, dim=0: torch.stack(xs, dim)),
    OpInfo("split", S.split, _split, (S.Split,), torch_fn=lambda torch, x, s, dim=0: torch.split(x, s, dim)),
    OpInfo("chunk", S.chunk, _chunk, (S.Split,), torch_fn=lambda torch, x, n, dim=0: torch.chunk(x, n, dim)),
    OpInfo("pad", P.pad, _pad, (P.Pad,), torch_fn=_torch_pad,
           notes="constant mode is the Pad Function; the other modes gather through GetItem"),
    OpInfo("repeat", S.repeat, _repeat, (S.BroadcastTo, S.Reshape),
           torch_fn=lambda torch, x, *sizes: x.repeat(*sizes)),
]
