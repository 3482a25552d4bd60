"""Adagrad: per-coordinate learning rates from the sum of all past squared gradients (Duchi et al., 2011)."""

from ..backend import get_array_module
from ..tensor import Tensor
from .optimizer import Optimizer, check_implementation, check_option


class Adagrad(Optimizer):
    """Adagrad: coordinates that have seen large gradients take ever smaller steps.

    For each parameter θ with gradient g, at its t-th step (γ = lr, η = lr_decay,
    λ = weight_decay, s₀ = initial_accumulator_value)::

        g  = -g                          if maximize
        g  = g + λ θ                     if λ != 0
        γₜ = γ / (1 + (t - 1) η)         a learning rate that decays with the step count
        s  = s + g²                      sum of every squared gradient so far (starts at s₀)
        θ  = θ - γₜ g / (√s + ε)

    Since s only grows, the steps shrink like 1/√t: good for sparse features (rare
    coordinates keep large steps), too aggressive for long non-convex training (see RMSprop,
    which forgets old gradients). As in PyTorch, the state (step 0, s = s₀) is made as soon
    as a parameter joins the optimizer.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, foreach=None, *,
                 maximize=False, differentiable=False, fused=None):
        check_implementation("Adagrad", differentiable)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, maximize=maximize)
        super().__init__(params, defaults)

    def add_param_group(self, param_group):
        super().add_param_group(param_group)
        group = self.param_groups[-1]
        for p in group["params"]:
            xp = get_array_module(p.array)
            self.state[p]["step"] = 0
            self.state[p]["sum"] = Tensor._make(xp.full_like(p.array, float(group["initial_accumulator_value"])))

    def _check_group(self, group):
        check_option(group["lr"] >= 0, "Adagrad", f"invalid learning rate lr={group['lr']}; it must be >= 0")
        check_option(group["lr_decay"] >= 0, "Adagrad", f"invalid lr_decay={group['lr_decay']}; it must be >= 0")
        check_option(group["eps"] > 0, "Adagrad", f"invalid eps={group['eps']}; it must be > 0")
        check_option(group["weight_decay"] >= 0, "Adagrad",
                     f"invalid weight_decay={group['weight_decay']}; it must be >= 0")
        check_option(group["initial_accumulator_value"] >= 0, "Adagrad",
                     f"invalid initial_accumulator_value={group['initial_accumulator_value']}; it must be >= 0")

    def _update(self, p, g, state, group):
        xp = get_array_module(p)
        lr, lr_decay, eps, wd = (float(group[k]) for k in ("lr", "lr_decay", "eps", "weight_decay"))
        if "step" not in state:  # only when a loaded state dict had none for this parameter
            state["step"] = 0
            state["sum"] = Tensor._make(xp.full_like(p, float(group["initial_accumulator_value"])))
        state["step"] += 1
        t = state["step"]

        if group["maximize"]:
            g = -g
        if wd != 0:
            g = g + wd * p
        lr_t = lr / (1 + (t - 1) * lr_decay)
        s = state["sum"].array
        s += g * g  # in place: s = s + g²
        std = xp.sqrt(s)
        std += eps
        p -= lr_t * (g / std)
