"""``torch.autograd.profiler``: the older form of ``minigrad.profiler`` (same events, same table).

    with minigrad.autograd.profiler.profile(record_shapes=True) as prof:
        model(x).sum().backward()
    print(prof.key_averages().table(sort_by="self_cpu_time_total"))
"""

from ..profiler import EventList, FunctionEventAvg, record_function
from ..profiler import profile as _profile

__all__ = ["profile", "record_function", "EventList", "FunctionEventAvg"]


class profile(_profile):
    """``profile(enabled=True, use_cuda=False, record_shapes=False, ...)``; with enabled=False
    nothing is recorded."""

    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False, with_flops=False,
                 profile_memory=False, with_stack=False, with_modules=False, use_kineto=False, use_cpu=True,
                 experimental_config=None, acc_events=False, custom_trace_id_callback=None):
        super().__init__(record_shapes=record_shapes)
        self.enabled = enabled

    def __enter__(self):
        return self.start() if self.enabled else self

    def __exit__(self, *exc):
        if self.enabled:
            self.stop()
        return False

    @property
    def function_events(self):
        return self.events()

    def total_average(self):
        """One FunctionEventAvg over every event."""
        total = FunctionEventAvg("Total", "")
        for e in self.events():
            total.add(e)
        return total
