"""The ways PyTorch programs step into ``state_dict()`` and ``load_state_dict()``.

Programs that renamed a parameter keep loading their old checkpoints by overriding a module's
``_load_from_state_dict`` (rename the old key in ``state_dict``, then call ``super()``), or by
registering hooks:

    module.register_load_state_dict_pre_hook(hook)    hook(module, state_dict, prefix, local_metadata,
                                                            strict, missing_keys, unexpected_keys, error_msgs)
    module._register_load_state_dict_pre_hook(hook)   the same without ``module`` (with_module=False)
    module.register_load_state_dict_post_hook(hook)   hook(module, incompatible_keys), after loading
    module.register_state_dict_pre_hook(hook)         hook(module, prefix, keep_vars), before saving
    module.register_state_dict_post_hook(hook)        hook(module, state_dict, prefix, local_metadata)
    module._register_state_dict_hook(hook)            the same; what it returns replaces the state dict

PyTorch walks the modules recursively and each one loads its own tensors inside
``_load_from_state_dict``. minigrad's ``load_state_dict`` checks every key first and then loads
all of them or none (nn/module.py), so here the walk comes first: every module, parent before
child, gets its pre-hooks and its ``_load_from_state_dict`` on a copy of its entries (those under
its prefix, as in PyTorch), whose keys they may rename, add or drop; then the one checked pass
loads the result. The base
``_load_from_state_dict`` therefore does nothing itself: an override that reads its tensors
after calling ``super()`` sees them before the load.
"""

from collections import OrderedDict

from .. import removable_handle


def add_hook(module, kind, hook, **flags):
    """Register ``hook`` (with its ``flags``) in the module's ordered dict ``kind``."""
    return removable_handle.add_hook(module, kind, (hook, flags))


def _hooks(module, kind):
    return list(module.__dict__.get(kind, {}).values())


def prefixed(root):
    """[(key prefix, module)] of the tree under ``root``: ("", root), ("0.", child), ...; walked
    once per state_dict() or load_state_dict() and handed to the steps below."""
    return [((path + "." if path else ""), module) for path, module in root.named_modules(remove_duplicate=False)]


def metadata(modules):
    """PyTorch's ``state_dict._metadata``: {module path: {"version": module._version}}."""
    return OrderedDict((prefix[:-1], {"version": getattr(module, "_version", 1)}) for prefix, module in modules)


def before_state_dict(modules, prefix, keep_vars):
    for pre, module in modules:
        for hook, _ in _hooks(module, "_state_dict_pre_hooks"):
            hook(module, prefix + pre, keep_vars)


def after_state_dict(modules, out, prefix):
    for pre, module in modules:
        for hook, _ in _hooks(module, "_state_dict_hooks"):
            result = hook(module, out, prefix + pre, getattr(out, "_metadata", {}).get(pre[:-1], {}))
            if result is not None:
                out = result
    return out


def before_load(modules, state_dict, strict, base_method):
    """A copy of ``state_dict`` after every module's pre-hooks and ``_load_from_state_dict``
    override had their say; and the errors they reported."""
    meta = getattr(state_dict, "_metadata", None) or {}
    state_dict = OrderedDict(state_dict)
    state_dict._metadata = meta
    errors = []
    for prefix, module in modules:
        hooks = _hooks(module, "_load_state_dict_pre_hooks")
        overridden = type(module)._load_from_state_dict is not base_method
        if not (hooks or overridden):
            continue
        # as in PyTorch, a submodule sees the entries under its prefix only; what it leaves there
        # replaces them
        local_dict = OrderedDict((k, v) for k, v in state_dict.items() if k.startswith(prefix))
        args = (local_dict, prefix, meta.get(prefix[:-1], {}), strict, [], [], errors)
        for hook, flags in hooks:
            hook(module, *args) if flags.get("with_module") else hook(*args)
        if overridden:
            module._load_from_state_dict(*args)
        for k in [k for k in state_dict if k.startswith(prefix)]:
            del state_dict[k]
        state_dict.update(local_dict)
    return state_dict, errors


def after_load(modules, result):
    for _, module in modules:
        for hook, _ in _hooks(module, "_load_state_dict_post_hooks"):
            hook(module, result)
