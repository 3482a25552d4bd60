"""The older weight norm (PyTorch's ``torch.nn.utils.weight_norm``): the weight is replaced by
two parameters, ``<name>_g`` and ``<name>_v``, and recomputed from them before every forward,

    w = g · v / ‖v‖     (the norm over every axis but ``dim``; the formula of parametrizations.py)

by a forward pre-hook, which stores w on the module as a plain attribute. The newer
``parametrizations.weight_norm`` computes the same w through ``parametrize``; this form stays
for programs and checkpoints that use it (state_dict keys ``weight_g`` and ``weight_v``).
"""

from ...errors import ArgumentError
from ..parameter import Parameter
from .parametrizations import norm_except_dim, weight_norm_value


class WeightNorm:
    """The pre-hook: before each forward, module.<name> = g · v / ‖v‖ from its two parameters."""

    def __init__(self, name, dim):
        self.name, self.dim = name, -1 if dim is None else dim

    def compute_weight(self, module):
        return weight_norm_value(getattr(module, self.name + "_g"), getattr(module, self.name + "_v"), self.dim)

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name="weight", dim=0):
    """Split ``module.<name>`` into a length ``<name>_g`` and a direction ``<name>_v``
    (see the module docstring); returns ``module``."""
    if any(isinstance(h, WeightNorm) and h.name == name for h in module._forward_pre_hooks.values()):
        raise ArgumentError(f"weight_norm: {name!r} of {type(module).__name__} already has a weight norm")
    weight = module._parameters.get(name)
    if weight is None:
        raise ArgumentError(f"weight_norm: module {type(module).__name__} has no parameter {name!r}")
    hook = WeightNorm(name, dim)
    del module._parameters[name]
    module.register_parameter(name + "_g", Parameter(norm_except_dim(weight.detach(), hook.dim).clone()))
    module.register_parameter(name + "_v", Parameter(weight.detach().clone()))
    setattr(module, name, hook.compute_weight(module))
    module.register_forward_pre_hook(hook)
    return module


def remove_weight_norm(module, name="weight"):
    """Undo ``weight_norm``: ``<name>`` becomes one parameter again, holding g · v / ‖v‖."""
    for key, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, WeightNorm) and hook.name == name:
            weight = hook.compute_weight(module).detach()
            del module._forward_pre_hooks[key]
            del module._parameters[name + "_g"], module._parameters[name + "_v"]
            module.__dict__.pop(name, None)
            module.register_parameter(name, Parameter(weight.clone()))
            return module
    raise ArgumentError(f"remove_weight_norm: weight_norm of {name!r} not found in {type(module).__name__}")
