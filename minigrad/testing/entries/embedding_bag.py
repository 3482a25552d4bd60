"""Registry entries for minigrad/ops/embedding_bag.py (a composition of embedding, scatter_add
and getitem).

Samples cover the three modes, 2-D input and flat input with offsets (an empty bag among
them), include_last_offset, padding_idx, per-sample weights (whose gradient is checked too)
and scale_grad_by_freq. Max mode draws the weight with no ties (every pair of values at least
a gap apart), so the winner of every (bag, dim) is unique and the max is smooth around it;
an id repeated inside one bag is the same weight entry, so that tie is harmless.
scale_grad_by_freq rescales the gradient on purpose, so finite differences cannot check it:
tests/test_embedding.py does, against the formula (PyTorch's CPU kernel divides by the wrong
counts there).
"""

import numpy as np

from ...nn import functional as F
from ...ops import embedding as E
from ...ops import indexing as I
from ..registry import OpInfo, Sample
from ..strategies import no_ties, smooth_normal

_FLAT = np.array([1, 2, 2, 5, 0, 3, 3, 3])
_OFFSETS = np.array([0, 3, 3, 5])  # bags [1 2 2], [], [5 0], [3 3 3]


def _bag(weight, input, offsets=None, per_sample_weights=None, **kw):
    return F.embedding_bag(input, weight, offsets, per_sample_weights=per_sample_weights, **kw)


def _torch_bag(torch, weight, input, offsets=None, per_sample_weights=None, **kw):
    return torch.nn.functional.embedding_bag(input, weight, offsets, per_sample_weights=per_sample_weights, **kw)


def _sum_mean_samples(rng):
    out = []
    for mode in ("sum", "mean"):
        out += [
            Sample((smooth_normal(rng, (6, 3)), _FLAT, _OFFSETS), {"mode": mode}),
            Sample((smooth_normal(rng, (6, 3)), _FLAT.reshape(2, 4)), {"mode": mode}),
            Sample((smooth_normal(rng, (6, 3)), _FLAT, _OFFSETS), {"mode": mode, "padding_idx": 3}),
            Sample((smooth_normal(rng, (6, 3)), _FLAT, np.append(_OFFSETS, 8)),
                   {"mode": mode, "include_last_offset": True}),
        ]
    out += [
        Sample((smooth_normal(rng, (6, 3)), _FLAT, _OFFSETS, smooth_normal(rng, (8,))), {"mode": "sum"}),
        Sample((smooth_normal(rng, (6, 2)), _FLAT.reshape(4, 2), None, smooth_normal(rng, (4, 2))),
               {"mode": "sum", "padding_idx": 2}),
    ]
    return out


def _max_samples(rng):
    return [
        Sample((no_ties(rng, (6, 3)), _FLAT, _OFFSETS), {"mode": "max"}),
        Sample((no_ties(rng, (6, 3)), _FLAT.reshape(2, 4)), {"mode": "max"}),
        Sample((no_ties(rng, (6, 3)), _FLAT, _OFFSETS), {"mode": "max", "padding_idx": 0}),
        Sample((no_ties(rng, (6, 2)), _FLAT, np.append(_OFFSETS, 8)), {"mode": "max", "include_last_offset": True}),
    ]


ENTRIES = [
    OpInfo("embedding_bag", _bag, _sum_mean_samples, (E.Embedding, E.EmbeddingBackward, I.ScatterAdd, I.GetItem),
           torch_fn=_torch_bag),
    OpInfo("embedding_bag_max", _bag, _max_samples, (E.Embedding, E.EmbeddingBackward, I.GetItem, I.ScatterAdd),
           torch_fn=_torch_bag),
]
