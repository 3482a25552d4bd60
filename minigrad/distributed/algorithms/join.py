"""``Join([ddp_model])``: PyTorch's generic context manager for uneven inputs.

    from minigrad.distributed.algorithms.join import Join
    with Join([model]):                 # model is a DistributedDataParallel
        for x, y in my_uneven_batches:
            ...

PyTorch's Join takes any "joinables" (DDP, ZeroRedundancyOptimizer, ...) and runs their
hooks; here the one joinable is a DistributedDataParallel, and ``Join`` is its ``join()``
(minigrad/nn/parallel/join.py explains the protocol). ``divide_by_initial_world_size``
passes through as a keyword, as in PyTorch.
"""

from ...errors import ArgumentError, NotSupported


class Join:
    """Uneven inputs for the DistributedDataParallel in ``joinables`` (module docstring)."""

    def __init__(self, joinables, enable=True, throw_on_early_termination=False, **kwargs):
        from ...nn.parallel import DistributedDataParallel

        joinables = list(joinables)
        if not joinables:
            raise ArgumentError("Join: The join context manager requires at least one joinable")
        others = [type(j).__name__ for j in joinables if not isinstance(j, DistributedDataParallel)]
        if others or len(joinables) > 1:
            raise NotSupported(f"Join: only one DistributedDataParallel can join here, got "
                               f"{[type(j).__name__ for j in joinables]}")
        unknown = set(kwargs) - {"divide_by_initial_world_size"}
        if unknown:
            raise ArgumentError(f"Join: unexpected keyword arguments {sorted(unknown)}")
        self._context = joinables[0].join(kwargs.get("divide_by_initial_world_size", True), enable,
                                          throw_on_early_termination)

    def __enter__(self):
        self._context.__enter__()
        return self

    def __exit__(self, kind, value, traceback):
        return self._context.__exit__(kind, value, traceback)
