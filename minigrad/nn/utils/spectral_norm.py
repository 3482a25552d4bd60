"""The older spectral norm (PyTorch's ``torch.nn.utils.spectral_norm``): the weight is kept as
``<name>_orig``, with the power-iteration vectors as buffers ``<name>_u`` and ``<name>_v``, and
before every forward a pre-hook stores w = w_orig / σ on the module as a plain attribute,

    (training only)  v ← Wᵀ u / ‖Wᵀ u‖,   u ← W v / ‖W v‖   (n_power_iterations rounds),
    σ = uᵀ W v,

W being w_orig as a matrix (axis ``dim`` as the rows). The newer ``parametrizations.spectral_norm``
(which updates u before v, and starts with 15 rounds) is the one to use in new code; this form
stays for programs and checkpoints that use it.
"""

from ...autograd import no_grad
from ...errors import ArgumentError
from ...ops.distance import normalize
from ...ops.products import mv
from ..parameter import Parameter
from .parametrizations import as_matrix, check_power_iterations, random_unit_vectors, rows_axis, sigma


class SpectralNorm:
    """The pre-hook: module.<name> = <name>_orig / σ, σ from the buffers <name>_u, <name>_v."""

    def __init__(self, name, n_power_iterations, dim, eps):
        self.name, self.n_power_iterations, self.dim, self.eps = name, n_power_iterations, dim, eps

    def compute_weight(self, module, do_power_iteration):
        weight = getattr(module, self.name + "_orig")
        u, v = getattr(module, self.name + "_u"), getattr(module, self.name + "_v")
        matrix = as_matrix(weight, self.dim)
        if do_power_iteration:
            with no_grad():
                for _ in range(self.n_power_iterations):
                    v.copy_(normalize(mv(matrix.T, u), dim=0, eps=self.eps))
                    u.copy_(normalize(mv(matrix, v), dim=0, eps=self.eps))
            u, v = u.clone(), v.clone()  # (copies: the next iteration changes the buffers)
        return weight / sigma(matrix, u, v)

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module, do_power_iteration=module.training))


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Divide ``module.<name>`` by its spectral norm before every forward (see the module
    docstring); returns ``module``."""
    if any(isinstance(h, SpectralNorm) and h.name == name for h in module._forward_pre_hooks.values()):
        raise ArgumentError(f"spectral_norm: {name!r} of {type(module).__name__} already has a spectral norm")
    weight = module._parameters.get(name)
    if weight is None:
        raise ArgumentError(f"spectral_norm: module {type(module).__name__} has no parameter {name!r}")
    check_power_iterations(n_power_iterations)
    hook = SpectralNorm(name, n_power_iterations, rows_axis(module, dim) % weight.ndim, eps)
    u, v = random_unit_vectors(as_matrix(weight, hook.dim), eps)
    del module._parameters[name]
    module.register_parameter(name + "_orig", weight)  # the same Parameter: optimizers keep training it
    setattr(module, name, weight.detach())
    module.register_buffer(name + "_u", u)
    module.register_buffer(name + "_v", v)
    module.register_forward_pre_hook(hook)
    return module


def remove_spectral_norm(module, name="weight"):
    """Undo ``spectral_norm``: ``<name>`` becomes one parameter again, holding w_orig / σ."""
    for key, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, SpectralNorm) and hook.name == name:
            weight = hook.compute_weight(module, do_power_iteration=False).detach()
            del module._forward_pre_hooks[key]
            del module._parameters[name + "_orig"], module._buffers[name + "_u"], module._buffers[name + "_v"]
            module.__dict__.pop(name, None)
            module.register_parameter(name, Parameter(weight.clone()))
            return module
    raise ArgumentError(f"remove_spectral_norm: spectral_norm of {name!r} not found in {type(module).__name__}")
