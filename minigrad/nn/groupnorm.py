"""GroupNorm: normalization over groups of channels, independent of the batch size."""

from ..errors import ArgumentError
from . import functional as F
from .module import Module
from .normalization import add_affine, reset_affine


class GroupNorm(Module):
    """Split the channels of x (N, C, *) into ``num_groups`` groups; standardise each sample's
    group over its channels and positions, then scale and shift per channel (``F.group_norm``).

    The same in training and eval (no running statistics). num_groups=1 normalises each whole
    sample (like LayerNorm over (C, *), but with per-channel affine), num_groups=C each channel
    (InstanceNorm with affine). ``weight`` starts at 1 and ``bias`` at 0 (``affine=False``
    drops both, ``bias=False`` only the bias).

    Composition: F.group_norm (no Function of its own).
    """

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        for name, value in (("num_groups", num_groups), ("num_channels", num_channels)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ArgumentError(f"GroupNorm: {name} must be a positive integer, got {value!r}")
        if num_channels % num_groups:
            raise ArgumentError(f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups "
                                f"({num_groups})")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        add_affine(self, num_channels, affine, bias, dtype, device)
        self.reset_parameters()

    def reset_parameters(self):
        reset_affine(self)

    def forward(self, x):
        return F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")
