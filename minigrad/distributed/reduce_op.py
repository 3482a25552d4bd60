"""ReduceOp: how a collective combines the values that the ranks hold at one position.

With N ranks holding x_0 .. x_{N-1} (each a tensor of one shape), element by element:

    SUM      x_0 + x_1 + ... + x_{N-1}
    AVG      SUM / N                      (floating point tensors only)
    PRODUCT  x_0 * x_1 * ... * x_{N-1}
    MIN/MAX  the smallest / largest
    BAND/BOR/BXOR  bitwise and / or / xor  (integer and bool tensors only)

On bool tensors SUM is "any rank holds True" (logical or) and PRODUCT "every rank does"
(logical and), as PyTorch's NCCL backend defines them; AVG of bools is refused.
"""

import enum


class ReduceOp(enum.Enum):
    """The reduction of ``all_reduce``, ``reduce`` and ``reduce_scatter`` (``dist.ReduceOp.SUM``)."""

    SUM = "sum"
    AVG = "avg"
    PRODUCT = "product"
    MIN = "min"
    MAX = "max"
    BAND = "band"
    BOR = "bor"
    BXOR = "bxor"

    def __repr__(self):
        return f"<ReduceOp.{self.name}>"


# Bools travel as bytes 0/1; on those, these ops give the logical results the docstring names.
BOOL_AS_BYTES = {ReduceOp.SUM: ReduceOp.MAX, ReduceOp.PRODUCT: ReduceOp.MIN, ReduceOp.MAX: ReduceOp.MAX,
                 ReduceOp.MIN: ReduceOp.MIN, ReduceOp.BAND: ReduceOp.BAND, ReduceOp.BOR: ReduceOp.BOR,
                 ReduceOp.BXOR: ReduceOp.BXOR}
