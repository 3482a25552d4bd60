"""The reducer: averages gradients across ranks while backward is still running.

Gradients are ready in reverse order of the forward: the last layer's first. So the
parameters, taken in reverse registration order, are packed into buckets (flat buffers of
about ``bucket_cap_mb`` each; the first one small, 1 MB, so the first message leaves early):

    backward:  [fc2 grads ready] [fc1 grads ready] ........ [conv1 grads ready]  end
    network:          [bucket 0 all-reduce]   [bucket 1 all-reduce] .............. wait

A post-accumulate-grad hook on each parameter copies its gradient into its bucket's slot;
when the last slot of a bucket is filled the bucket's all-reduce (SUM, non-blocking) starts,
so sending one bucket overlaps computing the gradients of the next. Buckets start in index
order on every rank (MPI needs every rank to issue collectives in the same order). At the
end of backward (an engine callback) the reducer waits for every bucket, divides by the
world size and writes the mean back into each ``.grad``.

Why buckets rather than one message per parameter or one for all: every message costs a
fixed latency, so many small ones waste time; one message for everything could only start
when backward has finished, hiding nothing.
"""

import time

from ...autograd.engine import queue_callback
from ...autograd.grad_mode import no_grad
from ...distributed.reduce_op import ReduceOp
from ...errors import GraphError
from ...tensor import Tensor

FIRST_BUCKET_BYTES = 1024 * 1024  # PyTorch's dist._DEFAULT_FIRST_BUCKET_BYTES


class Bucket:
    """A few parameters' gradients side by side in one flat buffer, all-reduced as one message."""

    def __init__(self, named, xp, dtype):
        self.names = [name for name, _ in named]
        self.params = [p for _, p in named]
        self.offsets = [0]
        for p in self.params:
            self.offsets.append(self.offsets[-1] + p.numel())
        self.buffer = xp.zeros(self.offsets[-1], dtype=dtype)
        self.reset()

    def reset(self):
        self.ready = [False] * len(self.params)
        self.pending = len(self.params)
        self.request = None

    def view(self, slot):
        """The part of the buffer that holds parameter ``slot``'s gradient, in its shape."""
        return self.buffer[self.offsets[slot]:self.offsets[slot + 1]].reshape(self.params[slot].shape)

    def nbytes(self):
        return self.buffer.nbytes


def make_buckets(named_params, cap_bytes, first_cap_bytes=FIRST_BUCKET_BYTES):
    """Pack (name, parameter) pairs, in reverse order, into Buckets of at most ~cap_bytes each.

    A bucket holds one dtype on one device; a parameter bigger than the cap gets a bucket of
    its own.
    """
    buckets, current, size, cap = [], [], 0, min(first_cap_bytes, cap_bytes)
    for name, p in reversed(list(named_params)):
        nbytes = p.numel() * p.dtype.itemsize
        if current and (size + nbytes > cap or (p.dtype, p.device) != (current[0][1].dtype, current[0][1].device)):
            buckets.append(Bucket(current, current[0][1].xp, current[0][1].dtype))
            current, size, cap = [], 0, cap_bytes
        current.append((name, p))
        size += nbytes
    if current:
        buckets.append(Bucket(current, current[0][1].xp, current[0][1].dtype))
    return buckets


class Reducer:
    """Buckets, their hooks, and the end-of-backward wait (module docstring)."""

    def __init__(self, named_params, group, bucket_cap_bytes, find_unused_parameters=False,
                 gradient_as_bucket_view=False):
        self.group = group
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.buckets = make_buckets(named_params, bucket_cap_bytes)
        self.handles = [p.register_post_accumulate_grad_hook(self._hook(bucket, slot))
                        for bucket in self.buckets for slot, p in enumerate(bucket.params)]
        self.armed = False  # True from prepare() until the end of that backward
        self.divisor = None  # the mean divides by this (None: the world size); join.py changes it
        self.wait_seconds = 0.0  # time spent waiting at the end of backward: communication not hidden
        self.comm_bytes = sum(b.nbytes() for b in self.buckets)

    def prepare(self):
        """The next backward must average the gradients (DistributedDataParallel.forward calls it)."""
        for bucket in self.buckets:
            bucket.reset()
        self.next_bucket = 0
        self.queued = False
        self.armed = True

    def _hook(self, bucket, slot):
        def gradient_ready(p):
            if not self.armed:
                return  # under no_sync, or a backward DistributedDataParallel did not prepare
            if not self.queued:
                queue_callback(self._finish)
                self.queued = True
            p.xp.copyto(bucket.view(slot), p.grad.array)
            if not bucket.ready[slot]:
                bucket.ready[slot] = True
                bucket.pending -= 1
            self._launch_ready()

        return gradient_ready

    def _launch_ready(self):
        """Start every full bucket whose predecessors have started; let running ones progress."""
        while self.next_bucket < len(self.buckets) and self.buckets[self.next_bucket].pending == 0:
            bucket = self.buckets[self.next_bucket]
            bucket.request = self.group.backend.all_reduce(bucket.buffer, ReduceOp.SUM)
            self.next_bucket += 1
        for bucket in self.buckets[:self.next_bucket]:
            bucket.request.Test()  # MPI moves data only inside its calls: give it a chance now

    def _finish(self):
        """At the end of backward: send what is left, wait, average, write into .grad."""
        self.armed = False
        missing = [name for b in self.buckets for name, ok in zip(b.names, b.ready) if not ok]
        for bucket in self.buckets:  # parameters without a gradient send zeros
            for slot, ok in enumerate(bucket.ready):
                if not ok:
                    bucket.view(slot)[...] = 0
            bucket.pending = 0
        used = None
        if self.find_unused_parameters:  # which parameters got a gradient on some rank
            xp = self.buckets[0].params[0].xp
            used = xp.array([ok for b in self.buckets for ok in b.ready], dtype="uint8")
        self._launch_ready()
        start = time.perf_counter()
        used_request = None if used is None else self.group.backend.all_reduce(used, ReduceOp.MAX)
        for bucket in self.buckets:
            bucket.request.Wait()
        if used_request is not None:
            used_request.Wait()
            used = [bool(v) for v in used.tolist()]
        self.wait_seconds += time.perf_counter() - start
        if missing and not self.find_unused_parameters:
            raise GraphError(f"DistributedDataParallel: {len(missing)} parameters received no gradient in this "
                             f"backward ({', '.join(missing[:5])}{', ...' if len(missing) > 5 else ''}); pass "
                             "find_unused_parameters=True when a forward may leave parameters unused")
        self._write_back(used)

    def shadow(self):
        """Take part in one backward's all-reduces with zeros (a rank that has joined, join.py)."""
        # fresh zeros (a bucket may be the .grad itself, gradient_as_bucket_view), alive until Wait
        sends = [(b.params[0].xp.zeros_like(b.buffer), ReduceOp.SUM) for b in self.buckets]
        if self.find_unused_parameters and self.buckets:
            xp = self.buckets[0].params[0].xp
            sends.append((xp.zeros(sum(len(b.params) for b in self.buckets), dtype="uint8"), ReduceOp.MAX))
        requests = [self.group.backend.all_reduce(buffer, op) for buffer, op in sends]
        for request in requests:
            request.Wait()

    def _write_back(self, used):
        world = self.group.size() if self.divisor is None else self.divisor
        k = 0
        with no_grad():
            for bucket in self.buckets:
                bucket.buffer /= world
                for slot, p in enumerate(bucket.params):
                    used_here = used is None or used[k]
                    k += 1
                    if not used_here:
                        continue  # no rank computed a gradient for it: .grad stays as it was
                    mean = bucket.view(slot)
                    if self.gradient_as_bucket_view:
                        p.grad = Tensor._make(mean)
                    elif p.grad is None:
                        p.grad = Tensor._make(mean.copy())
                    else:
                        p.grad._write(Tensor._make(mean), "all_reduce")

    def remove(self):
        """Unregister the hooks (the reducer no longer touches the parameters)."""
        for handle in self.handles:
            handle.remove()
