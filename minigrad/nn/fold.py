"""Unfold and Fold: sliding blocks as columns (im2col) and back (col2im); no parameters.

They call ``minigrad.ops.fold`` (see its docstring: the formulas, and why each is the
other's gradient).
"""

from ..ops import fold as _fold
from .module import Module


class Unfold(Module):
    """(N, C, H, W) -> (N, C*KH*KW, L): every block as a column.

    Unfold(kernel_size, dilation=1, padding=0, stride=1).

    Function: ops/fold.py Unfold (through F.unfold).
    """

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, input):
        return _fold.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, "
                f"stride={self.stride}")


class Fold(Module):
    """(N, C*KH*KW, L) -> (N, C, *output_size): the columns summed back into an image.

    Fold(output_size, kernel_size, dilation=1, padding=0, stride=1).

    Function: ops/fold.py Fold (through F.fold).
    """

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input):
        return _fold.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")
