"""DistributedDataParallel: one model trained by N processes, each on its own share of the data.

Every rank holds the same model, runs forward and backward on its own mini-batch of B
samples, and before the optimizer step the ranks average their gradients. The mean of the
N ranks' gradients of their mean losses is the gradient of the mean loss over all N * B
samples (docs/distributed.md proves it in three lines), so every rank takes the same step
that one process with batch N * B would, and the copies of the model stay identical.

    dist.init_process_group("mpi")
    model = DistributedDataParallel(make_model())      # rank 0's weights, on every rank
    opt = optim.SGD(model.parameters(), lr=0.1)
    for x, y in loader:                                # a DistributedSampler splits the data
        opt.zero_grad()
        loss_fn(model(x), y).backward()                # gradients averaged during backward
        opt.step()

What it does:
- at start, broadcasts rank 0's parameters and buffers, so all ranks begin equal;
- each forward (with ``broadcast_buffers``, the default) broadcasts rank 0's buffers, e.g.
  BatchNorm's running statistics, as PyTorch does;
- during backward, averages gradients bucket by bucket, overlapping the rest of backward
  (reducer.py);
- ``no_sync()``: backward without averaging, so gradients add up locally over several
  micro-batches; the first backward outside it averages the accumulated sum;
- ``join()``: uneven inputs, ranks running out of batches at different times (join.py);
- ``state_dict()`` keys carry the ``module.`` prefix (the model is ``self.module``), as in
  PyTorch; load a plain model's dict into ``ddp.module``.
"""

import contextlib

from ...autograd.grad_mode import is_grad_enabled
from ...distributed.coalesced import broadcast_coalesced
from ...distributed.group import default_group
from ...errors import ArgumentError
from ..module import Module
from .join import Join
from .reducer import Reducer


class DistributedDataParallel(Module):
    """Average ``module``'s gradients over the ranks of the default group (module docstring).

    ``bucket_cap_mb`` (25 when None) sizes the gradient buckets; ``find_unused_parameters``
    lets a forward leave some parameters out of the graph (they send zeros, and a parameter no
    rank used keeps its ``.grad``); ``gradient_as_bucket_view`` makes each ``.grad`` a view
    of its bucket instead of a copy. ``device_ids`` / ``output_device`` must be None (or empty)
    for a module on the CPU, as PyTorch requires (ValueError otherwise), or name the module's
    one GPU; ``dim``, ``check_reduction`` and ``static_graph`` are accepted for
    PyTorch programs and change nothing here.
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True, init_sync=True,
                 process_group=None, bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False):
        super().__init__()
        group = default_group(process_group, "DistributedDataParallel")
        devices = {p.device for p in module.parameters()}
        if len(devices) > 1:
            raise ArgumentError(f"DistributedDataParallel: the module's parameters are on several devices {devices}")
        on_gpu = any(d.type == "cuda" for d in devices)
        if not on_gpu and (device_ids or output_device is not None):
            raise ArgumentError("DistributedDataParallel device_ids and output_device arguments only work with "
                                "single-device/multiple-device GPU modules or CPU modules, but got device_ids "
                                f"{device_ids}, output_device {output_device}, and module parameters {devices}. "
                                "device_ids and output_device must be None for a module on the CPU: DDP(model).")
        if device_ids and len(device_ids) != 1:
            raise ArgumentError(f"DistributedDataParallel: device_ids must name one device, got {device_ids}")
        self.module = module
        self.process_group = group
        self.broadcast_buffers = bool(broadcast_buffers)
        self.find_unused_parameters = bool(find_unused_parameters)
        self.gradient_as_bucket_view = bool(gradient_as_bucket_view)
        self.device_ids, self.output_device, self.dim = device_ids, output_device, dim
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb) * 1024 * 1024)
        self.require_backward_grad_sync = True
        self._join = None  # a join.Join inside ``with self.join():``
        named = [(name, p) for name, p in module.named_parameters() if p.requires_grad]
        if init_sync:
            broadcast_coalesced([p for _, p in module.named_parameters()] + list(module.buffers()), 0, group)
        self.reducer = Reducer(named, group, self.bucket_bytes_cap, self.find_unused_parameters,
                               self.gradient_as_bucket_view)

    def forward(self, *inputs, **kwargs):
        syncing = is_grad_enabled() and self.require_backward_grad_sync
        if self._join is not None:
            self._join.notify(syncing)
        if syncing:
            self.reducer.prepare()
        self._broadcast_buffers()
        return self.module(*inputs, **kwargs)

    def _broadcast_buffers(self):
        if self.broadcast_buffers and self.process_group.size() > 1:
            buffers = list(self.module.buffers())
            if buffers:
                broadcast_coalesced(buffers, 0, self.process_group)

    @contextlib.contextmanager
    def join(self, divide_by_initial_world_size=True, enable=True, throw_on_early_termination=False):
        """Let ranks run out of inputs at different times: ``with ddp.join(): for x, y in loader: ...``.

        join.py explains how; with ``enable=False`` or one process it changes nothing.
        """
        if not enable or self.process_group.size() == 1:
            yield
            return
        if self._join is not None:
            raise ArgumentError("DistributedDataParallel.join: already inside join()")
        self._join = Join(self, divide_by_initial_world_size, throw_on_early_termination)
        try:
            yield
            self._join.shadow_until_all_joined()
        finally:
            self._join = None

    @contextlib.contextmanager
    def no_sync(self):
        """Inside, backward leaves each rank's gradients local (they accumulate in .grad)."""
        previous = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous

    def extra_repr(self):
        return f"world_size={self.process_group.size()}, buckets={len(self.reducer.buckets)}"
