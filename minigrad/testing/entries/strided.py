"""Registry entries for minigrad/ops/strided.py and minigrad/ops/triangular.py (and the view
additions of shape.py): diagonal, as_strided, unfold, tril, triu, diag, diag_embed, diagflat,
unflatten.

Views and masks only move values, so every input is smooth. as_strided and unfold samples read
some places twice (overlapping windows), whose gradients must add up.
"""

from ...ops import elementwise as E
from ...ops import indexing as I
from ...ops import shape as SH
from ...ops import strided as ST
from ...ops import triangular as T
from ..registry import OpInfo, Sample
from ..strategies import smooth_normal


def _x(rng, shape, *args, **kwargs):
    return Sample((smooth_normal(rng, shape),) + args, kwargs)


def _diagonal(rng):
    return [_x(rng, (3, 4)), _x(rng, (4, 3), 1), _x(rng, (2, 3, 4), -1, 0, 2), _x(rng, (2, 3, 4), offset=2, dim1=-1,
                                                                                  dim2=1)]


def _as_strided(rng):
    return [_x(rng, (3, 4), (3, 3), (2, 1), 1), _x(rng, (10,), (4, 3), (2, 1))]


def _unfold(rng):
    return [_x(rng, (3, 7), 1, 3, 2), _x(rng, (2, 5, 3), 1, 2, 1), _x(rng, (6,), 0, 6, 1)]


def _triangle(rng):
    return [_x(rng, (4, 5)), _x(rng, (2, 4, 3), 1), _x(rng, (3, 3), -1)]


def _diag(rng):
    return [_x(rng, (4,)), _x(rng, (3,), -2), _x(rng, (3, 4), 1), _x(rng, (4, 3))]


def _diag_embed(rng):
    return [_x(rng, (2, 3)), _x(rng, (2, 3), 1, 0, 2), _x(rng, (3,), -1)]


def _diagflat(rng):
    return [_x(rng, (2, 2)), _x(rng, (3,), 1)]


def _unflatten(rng):
    return [_x(rng, (2, 12), 1, (3, 4)), _x(rng, (6, 2), 0, (-1, 2))]


def _as_strided_contiguous(x, *args):
    return ST.as_strided(SH.contiguous(x), *args)


def _tensor_method(name):
    return lambda torch, x, *a, **kw: getattr(x, name)(*a, **kw)


ENTRIES = [
    OpInfo("diagonal", ST.diagonal, _diagonal, (ST.Diagonal, ST.DiagonalScatter),
           torch_fn=lambda torch, *a, **kw: torch.diagonal(*a, **kw)),
    OpInfo("as_strided", _as_strided_contiguous, _as_strided, (ST.AsStrided, I.ScatterAdd, SH.Reshape, SH.Contiguous),
           torch_fn=lambda torch, x, *a: torch.as_strided(x.contiguous(), *a),
           notes="reads memory, so it takes contiguous inputs: the entry makes them contiguous first"),
    OpInfo("Tensor.unfold", ST.unfold, _unfold, (ST.Unfold, I.ScatterAdd), torch_fn=_tensor_method("unfold")),
    OpInfo("tril", T.tril, _triangle, (E.Where,), torch_fn=lambda torch, *a: torch.tril(*a)),
    OpInfo("triu", T.triu, _triangle, (E.Where,), torch_fn=lambda torch, *a: torch.triu(*a)),
    OpInfo("diag", T.diag, _diag, (ST.DiagonalScatter, ST.Diagonal, E.Clone),
           torch_fn=lambda torch, *a: torch.diag(*a)),
    OpInfo("diag_embed", T.diag_embed, _diag_embed, (ST.DiagonalScatter,),
           torch_fn=lambda torch, *a: torch.diag_embed(*a)),
    OpInfo("diagflat", T.diagflat, _diagflat, (ST.DiagonalScatter,), torch_fn=lambda torch, *a: torch.diagflat(*a)),
    OpInfo("unflatten", SH.unflatten, _unflatten, (SH.Reshape,), torch_fn=_tensor_method("unflatten")),
]
