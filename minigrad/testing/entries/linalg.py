"""Registry entries for minigrad/ops/linalg.py: matmul in every NumPy/PyTorch form."""

from ...ops import linalg as L
from ..registry import OpInfo, Sample
from ..strategies import smooth_normal


def _matmul_samples(rng):
    def pair(a, b):
        return Sample((smooth_normal(rng, a), smooth_normal(rng, b)))

    return [
        pair((4,), (4,)),  # 1-D @ 1-D: dot product, a 0-d result
        pair((4,), (4, 3)),  # 1-D @ 2-D: a row vector times a matrix
        pair((3, 4), (4,)),  # 2-D @ 1-D: a matrix times a column vector
        pair((3, 4), (4, 2)),  # 2-D @ 2-D
        pair((2, 3, 4), (2, 4, 5)),  # batched
        pair((2, 3, 4), (4, 5)),  # batch broadcast against a matrix
        pair((2, 1, 3, 4), (5, 4, 2)),  # batch dimensions broadcast both ways
        pair((4,), (2, 4, 3)),  # 1-D @ batched
        pair((2, 3, 4), (4,)),  # batched @ 1-D
    ]


ENTRIES = [
    OpInfo("matmul", L.matmul, _matmul_samples, (L.MatMul,), torch_fn=lambda torch, a, b: torch.matmul(a, b)),
]
