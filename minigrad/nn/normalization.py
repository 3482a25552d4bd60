"""Normalization layers: LayerNorm, RMSNorm, BatchNorm1d, BatchNorm2d, BatchNorm3d, SyncBatchNorm.

GroupNorm, the InstanceNorms and LocalResponseNorm have files of their own.
"""

from .. import creation, dtypes
from ..autograd.grad_mode import no_grad
from ..errors import ShapeError
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


def add_affine(module, shape, affine, bias, dtype, device):
    """Register ``weight`` (and ``bias``, unless ``bias=False``) of ``shape``, or None for each
    one left out: the layout every normalization layer shares (see ``reset_affine``)."""
    for name, wanted in (("weight", affine), ("bias", affine and bias)):
        if wanted:
            setattr(module, name, Parameter(creation.empty(shape, dtype=dtype, device=device)))
        else:
            module.register_parameter(name, None)


def reset_affine(module):
    """weight = 1 and bias = 0: the layer starts as a pure standardisation."""
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


def add_running_stats(module, num_features, track, dtype, device):
    """running_mean = 0, running_var = 1, num_batches_tracked = 0 (or None for each when not tracked)."""
    if track:
        module.register_buffer("running_mean", creation.zeros(num_features, dtype=dtype, device=device))
        module.register_buffer("running_var", creation.ones(num_features, dtype=dtype, device=device))
        module.register_buffer("num_batches_tracked", creation.zeros((), dtype=dtypes.int64, device=device))
    else:
        for name in ("running_mean", "running_var", "num_batches_tracked"):
            module.register_buffer(name, None)


class LayerNorm(Module):
    """Standardise each sample over its last axes (``normalized_shape``), then scale and shift.

    y = (x - mean) / sqrt(var + eps) * weight + bias, statistics over the last
    len(normalized_shape) axes of each sample; the same in training and eval.
    ``weight`` starts at 1 and ``bias`` at 0 (``elementwise_affine=False`` drops both,
    ``bias=False`` only the bias).

    Function: ops/normalization.py LayerNorm (through F.layer_norm).
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        add_affine(self, self.normalized_shape, elementwise_affine, bias, dtype, device)
        self.reset_parameters()

    def reset_parameters(self):
        reset_affine(self)

    def forward(self, x):
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class RMSNorm(Module):
    """Divide each sample by the root mean square over its last axes, then scale.

    y = x / sqrt(mean(x**2) + eps) * weight over the last len(normalized_shape) axes; ``eps``
    None means the machine epsilon of x's dtype. ``weight`` starts at 1
    (``elementwise_affine=False`` drops it). No bias, no centring: see ``F.rms_norm``.

    Composition: F.rms_norm (no Function of its own).
    """

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(creation.empty(self.normalized_shape, dtype=dtype, device=device))
        else:
            self.register_parameter("weight", None)
        self.reset_parameters()

    def reset_parameters(self):
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, x):
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class NormBase(Module):
    """What BatchNorm and InstanceNorm share: per-channel weight and bias (``affine``) and,
    with ``track_running_stats``, running_mean, running_var and num_batches_tracked."""

    def __init__(self, num_features, eps, momentum, affine, track_running_stats, device, dtype, bias):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        add_affine(self, num_features, affine, bias, dtype, device)
        add_running_stats(self, num_features, track_running_stats, dtype, device)
        self.reset_parameters()

    def reset_running_stats(self):
        if self.track_running_stats:
            init.zeros_(self.running_mean)
            init.ones_(self.running_var)
            init.zeros_(self.num_batches_tracked)

    def reset_parameters(self):
        self.reset_running_stats()
        reset_affine(self)


class _BatchNorm(NormBase):
    """Shared by BatchNorm1d, 2d and 3d; they differ only in the input shapes they accept.

    Training: normalise each channel with the batch's mean and (biased) variance, and update
    running_mean and running_var (unbiased) with ``momentum``:
        running = (1 - momentum) * running + momentum * batch_statistic
    (momentum=None: a cumulative average over all batches seen, 1 / num_batches_tracked).
    Eval: normalise with the running statistics, so the output no longer depends on the batch.
    ``track_running_stats=False`` keeps no running statistics and always uses the batch's.
    ``affine=False`` drops weight and bias, ``bias=False`` only the bias.
    """

    _expected_dims = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias)

    def _check_input_dim(self, x):
        if x.ndim not in self._expected_dims:
            dims = " or ".join(f"{d}D" for d in self._expected_dims)
            raise ShapeError(f"{type(self).__name__}: expected {dims} input, got {x.ndim}D input of shape "
                             f"{tuple(x.shape)}")
        if x.shape[1] != self.num_features:
            raise ShapeError(f"{type(self).__name__}: expected {self.num_features} channels (input axis 1), "
                             f"got input of shape {tuple(x.shape)}")

    def forward(self, x):
        self._check_input_dim(x)
        factor, running = self._running_update()
        # batch statistics in training, and in eval when there are no running ones
        use_batch = self.training or self.running_mean is None
        return F.batch_norm(x, *running, self.weight, self.bias, use_batch, factor, self.eps)

    def _running_update(self):
        """(factor, (running_mean, running_var)) for this call: the weight of the batch in the
        running averages, counting the batch in training, and the running statistics to pass
        (None for each when training without tracking them)."""
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            with no_grad():
                self.num_batches_tracked.add_(1)
            if self.momentum is None:  # cumulative moving average: 1 / batches seen, a 0-d array on
                # the buffer's device (float() of it would wait for the GPU at every step)
                factor = 1.0 / self.num_batches_tracked.array.astype("float64")
        track = not self.training or self.track_running_stats
        return factor, (self.running_mean, self.running_var) if track else (None, None)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalization of (N, C) or (N, C, L) inputs, per channel C.

    Function: ops/normalization.py BatchNorm (through F.batch_norm).
    """

    _expected_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalization of (N, C, H, W) inputs, per channel C.

    Function: ops/normalization.py BatchNorm (through F.batch_norm).
    """

    _expected_dims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch normalization of (N, C, D, H, W) inputs, per channel C.

    Function: ops/normalization.py BatchNorm (through F.batch_norm).
    """

    _expected_dims = (5,)


class SyncBatchNorm(_BatchNorm):
    """Batch normalization over the whole batch of a data-parallel job, per channel (axis 1).

    Inputs (N, C, *) of any number of dimensions. In training, with a process group of more
    than one rank running (minigrad.distributed), the mean and variance are those of every
    rank's batch joined: each rank normalizes its own rows with them, and the running
    statistics come out the same on every rank. Otherwise (eval, one process, no group) it is
    BatchNorm. ``process_group``: the group to share statistics with (the world by default).
    Unlike PyTorch's, which synchronizes CUDA tensors only, it runs on the CPU (MPI) too.

    Function: ops/sync_batch_norm.py SyncBatchNorm (through sync_batch_norm).
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 process_group=None, device=None, dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)
        self.process_group = process_group

    def _check_input_dim(self, x):
        if x.ndim < 2:
            raise ShapeError(f"SyncBatchNorm: expected at least 2D input (got {x.ndim}D input of shape "
                             f"{tuple(x.shape)})")
        if x.shape[1] == 0:
            raise ShapeError("SyncBatchNorm: number of input channels should be non-zero, got input of "
                             f"shape {tuple(x.shape)}")
        if x.shape[1] != self.num_features:
            raise ShapeError(f"SyncBatchNorm: expected {self.num_features} channels (input axis 1), "
                             f"got input of shape {tuple(x.shape)}")

    def _ranks(self):
        """How many ranks share statistics: 1 when no process group runs."""
        from ..distributed import get_world_size, is_initialized

        return get_world_size(self.process_group) if is_initialized() else 1

    def forward(self, x):
        if not self.training or self._ranks() == 1:
            return super().forward(x)  # BatchNorm's
        self._check_input_dim(x)
        factor, running = self._running_update()
        from ..ops.sync_batch_norm import Ranks, sync_batch_norm

        return sync_batch_norm(x, *running, self.weight, self.bias, factor, self.eps, Ranks(self.process_group))

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """``module`` with every BatchNorm1d/2d/3d inside it replaced by a SyncBatchNorm that holds
        the same parameters and buffers (the very tensors) and training flag; a new layer when
        ``module`` is itself a batch norm."""
        out = module
        if isinstance(module, _BatchNorm):
            out = cls(module.num_features, module.eps, module.momentum, module.affine, module.track_running_stats,
                      process_group, bias=module.bias is not None)
            if module.affine:
                out.weight = module.weight
                if module.bias is not None:
                    out.bias = module.bias
            out.running_mean, out.running_var = module.running_mean, module.running_var
            out.num_batches_tracked = module.num_batches_tracked
            out.training = module.training
        for name, child in module.named_children():
            out.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return out
