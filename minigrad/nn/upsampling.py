"""Resizing layers: Upsample, UpsamplingNearest2d, UpsamplingBilinear2d (no parameters).

They hold their settings and call ``minigrad.ops.interpolate.interpolate`` (see its docstring
for every mode's formula and its backward, the transpose of the interpolation).
"""

from ..ops.interpolate import interpolate
from .module import Module


class Upsample(Module):
    """Resize (N, C, *spatial) inputs to ``size`` or by ``scale_factor``.

    Upsample(size=None, scale_factor=None, mode='nearest', align_corners=None,
    recompute_scale_factor=None); modes as F.interpolate's.

    Composition: F.interpolate (no Function of its own).
    """

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, (tuple, list)):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode, self.align_corners = mode, align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                           recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self):
        info = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour resizing of (N, C, H, W) inputs: Upsample(size, scale_factor, mode='nearest').

    Composition: F.interpolate (no Function of its own).
    """

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear resizing of (N, C, H, W) inputs with align_corners=True (as PyTorch's layer).

    Composition: F.interpolate (no Function of its own).
    """

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
