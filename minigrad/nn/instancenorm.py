"""InstanceNorm1d, 2d, 3d: every channel of every sample standardised over its positions.

Unlike BatchNorm the statistics never mix samples, so the output of a sample does not depend
on the rest of the batch. PyTorch's defaults: ``affine=False`` (no weight, no bias) and
``track_running_stats=False`` (the instance's own statistics in training and eval alike);
``bias=False`` keeps the weight only.
With track_running_stats=True, training updates running_mean / running_var (the instance
statistics averaged over the batch) and eval normalises with them. An input without the
batch axis ((C, L) for InstanceNorm1d, ...) is treated as a batch of one.
"""

import warnings

from ..errors import ShapeError
from . import functional as F
from .normalization import NormBase


class _InstanceNorm(NormBase):
    """What the three share; they differ in the number of spatial axes (``_spatial``)."""

    _spatial = 0

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False,
                 device=None, dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias)

    def forward(self, x):
        name = type(self).__name__
        unbatched = self._spatial + 1
        if x.ndim not in (unbatched, unbatched + 1):
            raise ShapeError(f"{name}: expected {unbatched}D or {unbatched + 1}D input, got {x.ndim}D input of "
                             f"shape {tuple(x.shape)}")
        channel_axis = x.ndim - unbatched
        if x.shape[channel_axis] != self.num_features:
            if self.affine:
                raise ShapeError(f"{name}: expected input's size at dim={channel_axis} to match num_features "
                                 f"({self.num_features}), but got: {x.shape[channel_axis]} (shape {tuple(x.shape)})")
            warnings.warn(f"{name}: input's size at dim={channel_axis} does not match num_features; "
                          "num_features is not used because affine=False", stacklevel=2)
        batch = x if x.ndim == unbatched + 1 else x.unsqueeze(0)
        y = F.instance_norm(batch, self.running_mean, self.running_var, self.weight, self.bias,
                            self.training or not self.track_running_stats,
                            0.0 if self.momentum is None else self.momentum, self.eps)
        return y if x.ndim == unbatched + 1 else y.squeeze(0)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization of (N, C, L) or (C, L) inputs.

    Composition: of unsqueeze, F.instance_norm, squeeze, add, sub (no Function of its own).
    """

    _spatial = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization of (N, C, H, W) or (C, H, W) inputs.

    Composition: of unsqueeze, F.instance_norm, squeeze, add, sub (no Function of its own).
    """

    _spatial = 2


class InstanceNorm3d(_InstanceNorm):
    """Instance normalization of (N, C, D, H, W) or (C, D, H, W) inputs.

    Composition: of unsqueeze, F.instance_norm, squeeze, add, sub (no Function of its own).
    """

    _spatial = 3
