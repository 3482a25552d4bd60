"""``torch.autograd.graph``: hooks on the tensors that ops save for backward, and ``Node``.

While ``saved_tensors_hooks(pack_hook, unpack_hook)`` is active, every tensor an op saves for
its backward (an input, an output or an intermediate) goes through ``pack_hook(tensor)``, and
the op keeps only what that returns; when backward needs the tensor, ``unpack_hook(packed)``
gives it back. That is how activations are kept elsewhere, compressed or recomputed:
``save_on_cpu`` is the pack/unpack pair that moves them to host memory and back.

The graph does not depend on the hooks: a saved input keeps its place in the graph (its
node, or the leaf itself) apart from its data, so a gradient of the gradient still reaches
it whatever the unpack hook returns. The version check (an input modified in place after it
was saved) is the hooks' business then, as in PyTorch: minigrad does not compare versions of
hooked tensors. Hooks are per thread, innermost first.
"""

import threading

from ..errors import GraphError
from .function import Function

#: The base class of every graph node: ``isinstance(y.grad_fn, Node)`` holds.
Node = Function

_state = threading.local()


def _stack():
    stack = getattr(_state, "hooks", None)
    if stack is None:
        stack = _state.hooks = []
    return stack


def current_hooks():
    """The innermost active (pack_hook, unpack_hook), or None."""
    stack = getattr(_state, "hooks", None)
    return stack[-1] if stack else None


def hooks_active():
    """Whether a saved_tensors_hooks context is active in this thread (asked by every op that
    saves tensors: the thread-local's dict read directly, without getattr's default)."""
    return bool(_state.__dict__.get("hooks"))


class saved_tensors_hooks:
    """Context manager: the saved tensors of the ops run inside go through ``pack_hook`` and
    come back through ``unpack_hook`` (see the module docstring)."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self):
        message = getattr(_state, "disabled", None)
        if message is not None:
            raise GraphError(message)
        _stack().append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc):
        _stack().pop()
        return False


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors are copied to host memory and moved back to their device in backward.

    ``pin_memory`` is accepted for PyTorch's signature; NumPy memory has no pinned kind."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        def pack(tensor):
            return tensor.device, tensor.detach().cpu().clone()

        def unpack(packed):
            device, tensor = packed
            return tensor.to(device)

        super().__init__(pack, unpack)


class disable_saved_tensors_hooks:
    """Context manager: entering ``saved_tensors_hooks`` inside raises ``error_message``."""

    def __init__(self, error_message):
        self.error_message = error_message

    def __enter__(self):
        self.previous = getattr(_state, "disabled", None)
        _state.disabled = self.error_message
        return self

    def __exit__(self, *exc):
        _state.disabled = self.previous
        return False


def increment_version(tensor):
    """Mark ``tensor`` as modified in place (its version counter goes up by one), for code that
    changes its memory behind autograd's back."""
    tensor._vbox[0] += 1
