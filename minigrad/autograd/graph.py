"""``torch.autograd.graph``: hooks on the tensors that ops save for backward, a hook on the
gradients of several tensors (``register_multi_grad_hook``), and ``Node``.

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

``register_multi_grad_hook(tensors, fn)`` puts one ordinary tensor hook (Tensor.register_hook)
on each tensor. In one backward, the hooks of the tensors that this backward gives a gradient
(the engine's Walk says which: those on the graph, and on a path to ``inputs`` when given) fill
a list; when the last of them has run, ``fn(list)`` is called once, with None for the others
(mode "all"). In mode "any" the first of those hooks to run calls ``fn(grad)``, the others of
that backward do nothing.
"""

import threading
import weakref

from ..errors import ArgumentError, GraphError
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


# ---- one hook on the gradients of several tensors ---------------------------------------------------
class _MultiHandle:
    """The handle register_multi_grad_hook returns: ``remove()`` takes off every tensor hook."""

    def __init__(self, handles):
        self.handles = tuple(handles)

    def remove(self):
        for handle in self.handles:
            handle.remove()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
        return False


def register_multi_grad_hook(tensors, fn, *, mode="all"):
    """Call ``fn`` once per backward with the gradients of several tensors (see the module docstring).

    mode "all": ``fn(grads)`` after the gradients of every tensor of ``tensors`` that this backward
    computes are ready: ``grads[i]`` the gradient of ``tensors[i]``, None where it computes none
    (a tensor off the graph, or not needed for the ``inputs`` of ``backward``/``grad``). Each
    tensor must require grad. mode "any": ``fn(grad)`` with the first gradient computed among
    the tensors (those that do not require grad are skipped). ``fn`` should not change the
    gradients it gets. Returns a handle with ``remove()`` (and ``with handle:`` removes it at
    the block's end). Unlike PyTorch's, mode "all" also works under ``minigrad.grad`` with
    leaf tensors among ``tensors``.
    """
    from . import engine

    if mode not in ("all", "any"):
        raise ArgumentError(f"register_multi_grad_hook: expects mode to be one of ('all', 'any') but got {mode!r}")
    tensors = list(tensors)
    engine.walks_watched = True  # from now on every backward records its Walk
    if mode == "all":
        waiting = weakref.WeakKeyDictionary()  # walk -> [grads, how many still to come]; gone with the walk

        def hook_for(i):
            def hook(grad):
                walk = engine.current_walk()
                if not walk.will_compute(tensors[i]):  # (a gradient the walk passes on, not one it computes)
                    return
                state = waiting.get(walk)
                if state is None:
                    state = waiting[walk] = [[None] * len(tensors), sum(walk.will_compute(t) for t in tensors)]
                state[0][i] = grad
                state[1] -= 1
                if state[1] == 0:
                    del waiting[walk]
                    fn(state[0])

            return hook

        return _MultiHandle(t.register_hook(hook_for(i)) for i, t in enumerate(tensors))

    called = weakref.WeakSet()  # the walks that have called fn

    def first_for(t):
        def first(grad):
            walk = engine.current_walk()
            if walk in called or not walk.will_compute(t):
                return
            called.add(walk)
            fn(grad)

        return first

    return _MultiHandle(t.register_hook(first_for(t)) for t in tensors if t.requires_grad)
