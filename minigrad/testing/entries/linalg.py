"""Registry entries for the products: minigrad/ops/linalg.py (matmul in every NumPy/PyTorch form),
ops/einsum.py (Einsum) and the compositions in ops/products.py (mm, bmm, ..., multi_dot).

Products are polynomials in their inputs, smooth everywhere: plain normal samples do.
"""

from ...ops import einsum as EIN
from ...ops import linalg as L
from ...ops import products as P
from ...ops.elementwise import Add, Mul
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


# ---- einsum -----------------------------------------------------------------------------------------
EINSUM_CASES = [
    ("ij,jk->ik", (3, 4), (4, 2)),  # matrix product
    ("bij,bjk->bik", (2, 3, 4), (2, 4, 5)),  # batched
    ("ii->", (3, 3)),  # trace: a repeated letter
    ("ii->i", (4, 4)),  # diagonal
    ("iij,jk->ik", (3, 3, 2), (2, 4)),  # a diagonal inside a product
    ("ij->", (3, 4)),  # sum of everything
    ("ij->j", (3, 4)),  # a letter summed within one operand
    ("i,j->ij", (3,), (4,)),  # outer product
    ("...ij,...jk", (2, 1, 3, 4), (5, 4, 2)),  # ellipsis with broadcasting, implicit output
    ("i...->...", (3, 2, 4)),  # ellipsis in the output
    ("Bb,bA", (2, 3), (3, 4)),  # implicit output: capitals first
    ("ij,ij->ij", (1, 4), (3, 4)),  # size-1 broadcasting of a named letter
    ("ij,jk,kl->il", (2, 3), (3, 4), (4, 2)),  # three operands (optimized contraction order)
    ("iji->j", (3, 2, 3)),  # a letter repeated apart
    ("iij->i", (3, 3, 2)),  # a repeated letter and one summed within the operand alone
]


def _einsum_samples(rng):
    return [Sample((eq,) + tuple(smooth_normal(rng, s) for s in shapes)) for eq, *shapes in EINSUM_CASES]


def _torch_einsum(torch, eq, *ops):
    return torch.einsum(eq, *ops)


# ---- mm, bmm, mv, dot, ... ------------------------------------------------------------------------------
def _samples(*shapes_list, kwargs=None):
    def make(rng):
        return [Sample(tuple(smooth_normal(rng, s) for s in shapes), dict(kwargs or {})) for shapes in shapes_list]

    return make


def _torch(name):
    return lambda torch, *args, **kwargs: getattr(torch, name)(*args, **kwargs)


def _tensordot_samples(rng):
    return [Sample((smooth_normal(rng, (2, 3, 4)), smooth_normal(rng, (3, 4, 5))), {"dims": 2}),
            Sample((smooth_normal(rng, (2, 3, 4)), smooth_normal(rng, (3, 2, 5))), {"dims": ([1, 0], [0, 1])}),
            Sample((smooth_normal(rng, (2, 3)), smooth_normal(rng, (3,))), {"dims": 0}),
            Sample((smooth_normal(rng, (2, 3)), smooth_normal(rng, (3, 4))), {"dims": 1})]


def _scaled(*shapes_list):
    def make(rng):
        out = []
        for shapes, kwargs in zip(shapes_list, ({}, {"beta": 0.5, "alpha": 2.0}, {"beta": 0.0, "alpha": -1.5})):
            out.append(Sample(tuple(smooth_normal(rng, s) for s in shapes), kwargs))
        return out

    return make


def _multi_dot(*tensors):
    return P.multi_dot(tensors)


def _multi_dot_samples(rng):
    shapes = [((3, 4), (4, 5)), ((10, 3), (3, 6), (6, 2)), ((4,), (4, 6), (6, 3), (3,)), ((2, 5), (5,))]
    return [Sample(tuple(smooth_normal(rng, s) for s in ss)) for ss in shapes]


MM = (L.MatMul,)

ENTRIES = [
    OpInfo("matmul", L.matmul, _matmul_samples, MM, torch_fn=lambda torch, a, b: torch.matmul(a, b)),
    OpInfo("einsum", EIN.einsum, _einsum_samples, (EIN.Einsum,), torch_fn=_torch_einsum),
    OpInfo("mm", P.mm, _samples([(3, 4), (4, 2)], [(1, 3), (3, 1)]), MM, torch_fn=_torch("mm")),
    OpInfo("bmm", P.bmm, _samples([(2, 3, 4), (2, 4, 5)]), MM, torch_fn=_torch("bmm")),
    OpInfo("mv", P.mv, _samples([(3, 4), (4,)]), MM, torch_fn=_torch("mv")),
    OpInfo("dot", P.dot, _samples([(5,), (5,)]), MM, torch_fn=_torch("dot")),
    OpInfo("outer", P.outer, _samples([(3,), (4,)]), (Mul,), torch_fn=_torch("outer")),
    OpInfo("inner", P.inner, _samples([(2, 3), (4, 5, 3)], [(3,), (3,)], [(), (2, 3)]), (EIN.Einsum, Mul),
           torch_fn=_torch("inner")),
    OpInfo("kron", P.kron, _samples([(2, 3), (3, 2)], [(2,), (3,)], [(2, 3), (2, 1, 2)]), (Mul,),
           torch_fn=_torch("kron")),
    OpInfo("tensordot", P.tensordot, _tensordot_samples, (EIN.Einsum,), torch_fn=_torch("tensordot")),
    OpInfo("addmm", P.addmm, _scaled([(3, 2), (3, 4), (4, 2)], [(2,), (3, 4), (4, 2)], [(3, 2), (3, 4), (4, 2)]),
           (L.MatMul, Add, Mul), torch_fn=_torch("addmm")),
    OpInfo("addmv", P.addmv, _scaled([(3,), (3, 4), (4,)], [(1,), (3, 4), (4,)], [(3,), (3, 4), (4,)]),
           (L.MatMul, Add, Mul), torch_fn=_torch("addmv")),
    OpInfo("addr", P.addr, _scaled([(3, 4), (3,), (4,)], [(4,), (3,), (4,)], [(3, 4), (3,), (4,)]),
           (Mul, Add), torch_fn=_torch("addr")),
    OpInfo("baddbmm", P.baddbmm,
           _scaled([(2, 3, 2), (2, 3, 4), (2, 4, 2)], [(3, 2), (2, 3, 4), (2, 4, 2)],
                   [(2, 3, 2), (2, 3, 4), (2, 4, 2)]),
           (L.MatMul, Add, Mul), torch_fn=_torch("baddbmm")),
    OpInfo("addbmm", P.addbmm, _scaled([(3, 2), (2, 3, 4), (2, 4, 2)], [(2,), (2, 3, 4), (2, 4, 2)],
                                        [(3, 2), (2, 3, 4), (2, 4, 2)]),
           (EIN.Einsum, Add, Mul), torch_fn=_torch("addbmm")),
    OpInfo("linalg.multi_dot", _multi_dot, _multi_dot_samples, MM,
           torch_fn=lambda torch, *ts: torch.linalg.multi_dot(ts)),
]
