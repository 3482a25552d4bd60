"""RemovableHandle: what every ``register_*_hook`` returns (PyTorch's ``torch.utils.hooks``).

The hooks live in an ordered dict, keyed by the handle's id; ``remove()`` takes the hook out
(again and again is fine), and ``with handle:`` removes it when the block ends.
"""

from collections import OrderedDict


class RemovableHandle:
    """A registered hook's handle: ``remove()`` unregisters it."""

    next_id = 0

    def __init__(self, hooks_dict, *, extra_dict=None):
        self.hooks_dict = hooks_dict
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1
        self.extra_dicts = [] if extra_dict is None else list(extra_dict) if isinstance(extra_dict, list) else [extra_dict]

    def remove(self):
        self.hooks_dict.pop(self.id, None)
        for extra in self.extra_dicts:
            extra.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def add_hook(owner, where, hook):
    """Register ``hook`` in the ordered dict ``owner.<where>``, made on first use (so objects that
    never get a hook carry no dict), and return its handle."""
    hooks = owner.__dict__.get(where)
    if hooks is None:
        hooks = OrderedDict()
        object.__setattr__(owner, where, hooks)  # (past Module.__setattr__'s registration rules)
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle
