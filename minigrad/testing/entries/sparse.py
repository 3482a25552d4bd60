"""Registry entries for sparse COO tensors (minigrad/sparse, ops/sparse_products.py).

Each entry builds a sparse tensor from a float values array and integer coordinates (the
``indices`` keyword: not differentiated, moved to the GPU with the arrays on a GPU run), applies
the op, and returns a dense tensor (``to_dense()`` of a sparse result), so every generic check
applies: gradcheck and gradgradcheck on the values and the dense operands, float32, strided
inputs, PyTorch parity, the GPU. The coordinates repeat a place (an uncoalesced tensor) and
leave a row empty, the cases a product or a softmax could get wrong.
"""

import numpy as np

from ... import sparse
from ...ops import sparse_products as SP
from ..registry import OpInfo, Sample
from ..strategies import smooth_normal

# a 4 x 5 pattern: (1, 3) twice, row 2 empty
_INDICES = np.array([[0, 1, 3, 1, 0, 3], [2, 3, 0, 3, 4, 4]])
_SIZE = (4, 5)


def _coo(values, indices, size):
    return sparse.sparse_coo_tensor(indices, values, size)


def _torch_coo(torch, values, indices, size):
    return torch.sparse_coo_tensor(torch.as_tensor(indices), values, size, check_invariants=True)


def _mm_samples(rng):
    return [Sample((smooth_normal(rng, (6,)), smooth_normal(rng, (5, 3))), {"indices": _INDICES, "size": _SIZE}),
            Sample((smooth_normal(rng, (6,)), smooth_normal(rng, (5,))), {"indices": _INDICES, "size": _SIZE})]


def _left_samples(rng):  # dense @ sparse: the dense operand first
    return [Sample((smooth_normal(rng, (6,)), smooth_normal(rng, (3, 4))), {"indices": _INDICES, "size": _SIZE})]


def _values_samples(rng, **kw):
    return [Sample((smooth_normal(rng, (6,)),), {"indices": _INDICES, "size": _SIZE, **kw}),
            Sample((smooth_normal(rng, (6, 2)),), {"indices": _INDICES, "size": _SIZE + (2,), **kw})]


def _sum_samples(rng):
    return (_values_samples(rng, dim=0) + _values_samples(rng, dim=1)
            + [Sample((smooth_normal(rng, (6, 2)),), {"indices": _INDICES, "size": _SIZE + (2,), "dim": (1, 2)})])


def _softmax_samples(rng):
    return (_values_samples(rng, dim=1) + _values_samples(rng, dim=0)
            + [Sample((smooth_normal(rng, (6, 2)),), {"indices": _INDICES, "size": _SIZE + (2,), "dim": 2})])


def _pair_samples(rng):
    other = np.array([[1, 2, 0], [3, 2, 2]])
    return [Sample((smooth_normal(rng, (6,)), smooth_normal(rng, (3,))),
                   {"indices": _INDICES, "size": _SIZE, "other": other})]


def _dense_pair_samples(rng):
    return [Sample((smooth_normal(rng, (6,)), smooth_normal(rng, _SIZE)), {"indices": _INDICES, "size": _SIZE})]


def _dense_of(result):
    return result.to_dense() if result.is_sparse else result


ENTRIES = [
    OpInfo("sparse.mm", lambda v, d, indices, size: sparse.mm(_coo(v, indices, size), d) if d.ndim == 2
           else _coo(v, indices, size) @ d, _mm_samples, (SP.SparseMM,),
           torch_fn=lambda torch, v, d, indices, size: torch.matmul(_torch_coo(torch, v, indices, size), d),
           notes="S @ D: gather D's rows by column index, scale, scatter-add into Z's rows"),
    OpInfo("sparse.dense_mm", lambda v, d, indices, size: d @ _coo(v, indices, size), _left_samples, (SP.SparseMM,),
           torch_fn=lambda torch, v, d, indices, size: torch.mm(d, _torch_coo(torch, v, indices, size)),
           notes="D @ S computed as (S^T @ D^T)^T"),
    OpInfo("sparse.to_dense", lambda v, indices, size: _coo(v, indices, size).to_dense(), _values_samples, (),
           torch_fn=lambda torch, v, indices, size: _torch_coo(torch, v, indices, size).to_dense()),
    OpInfo("sparse.coalesce", lambda v, indices, size: _coo(v, indices, size).coalesce().values(),
           _values_samples, (),
           torch_fn=lambda torch, v, indices, size: _torch_coo(torch, v, indices, size).coalesce().values()),
    OpInfo("sparse.sum", lambda v, indices, size, dim: _dense_of(sparse.sum(_coo(v, indices, size), dim)),
           _sum_samples, (),
           torch_fn=lambda torch, v, indices, size, dim: _dense_of(
               torch.sparse.sum(_torch_coo(torch, v, indices, size), dim))),
    OpInfo("sparse.softmax", lambda v, indices, size, dim: sparse.softmax(_coo(v, indices, size), dim).to_dense(),
           _softmax_samples, (),
           torch_fn=lambda torch, v, indices, size, dim: torch.sparse.softmax(
               _torch_coo(torch, v, indices, size), dim).to_dense()),
    OpInfo("sparse.log_softmax", lambda v, indices, size, dim: sparse.log_softmax(_coo(v, indices, size),
                                                                                  dim).coalesce().values(),
           _softmax_samples, (),
           torch_fn=lambda torch, v, indices, size, dim: torch.sparse.log_softmax(
               _torch_coo(torch, v, indices, size), dim).coalesce().values()),
    OpInfo("sparse.add", lambda v, w, indices, size, other: (_coo(v, indices, size) + _coo(w, other, size)).to_dense(),
           _pair_samples, (),
           torch_fn=lambda torch, v, w, indices, size, other: (
               _torch_coo(torch, v, indices, size) + _torch_coo(torch, w, other, size)).to_dense()),
    OpInfo("sparse.mul_sparse", lambda v, w, indices, size, other: (_coo(v, indices, size)
                                                                    * _coo(w, other, size)).to_dense(),
           _pair_samples, (),
           torch_fn=lambda torch, v, w, indices, size, other: (
               _torch_coo(torch, v, indices, size) * _torch_coo(torch, w, other, size)).to_dense()),
    OpInfo("sparse.mul_dense", lambda v, d, indices, size: (_coo(v, indices, size) * d).to_dense(),
           _dense_pair_samples, (),
           # torch's gradient for d is a sparse tensor (its values on s's pattern); compared densely here
           torch_fn=lambda torch, v, d, indices, size: _torch_coo(torch, v, indices, size).to_dense() * d),
]
