"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019)."""

import math

from ..backend import get_array_module
from ..tensor import Tensor
from .adam import check_adam_options
from .optimizer import Optimizer


class AdamW(Optimizer):
    """Adam whose weight decay shrinks θ directly instead of being added to the gradient.

    For each parameter θ with gradient g, at its t-th step (γ = lr, β₁, β₂ = betas,
    λ = weight_decay)::

        g  = -g                        if maximize
        θ  = θ (1 - γ λ)               decoupled decay: a plain shrink of θ, before the Adam step
        m  = β₁ m + (1 - β₁) g
        v  = β₂ v + (1 - β₂) g²
        v_max = max(v_max, v)          if amsgrad: from here on v stands for v_max, the largest v so far
        θ  = θ - (γ / (1 - β₁ᵗ)) m / (√v / √(1 - β₂ᵗ) + ε)

    Why decouple: in Adam, λθ goes into g and is then divided by √v̂, so parameters with large
    gradients are barely decayed. Here every weight shrinks by the same factor (1 - γλ) per
    step, which is what "weight decay" means and regularises better. Default λ = 0.01.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False):
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize)
        super().__init__(params, defaults)

    def _check_group(self, group):
        check_adam_options("AdamW", group)

    def _update(self, p, g, state, group):
        xp = get_array_module(p)
        lr, eps, wd = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
        beta1, beta2 = (float(b) for b in group["betas"])
        if "step" not in state:  # first step: both moments start at zero
            state["step"] = 0
            state["exp_avg"] = Tensor._make(xp.zeros_like(p))
            state["exp_avg_sq"] = Tensor._make(xp.zeros_like(p))
        if group["amsgrad"] and "max_exp_avg_sq" not in state:
            state["max_exp_avg_sq"] = Tensor._make(xp.zeros_like(p))
        m, v = state["exp_avg"].data, state["exp_avg_sq"].data
        state["step"] += 1
        t = state["step"]

        if group["maximize"]:
            g = -g
        if wd != 0:
            p *= 1 - lr * wd  # in place: θ = θ (1 - γ λ)
        m *= beta1  # in place: m = β₁ m + (1 - β₁) g
        m += (1 - beta1) * g
        v *= beta2  # in place: v = β₂ v + (1 - β₂) g²
        v += (1 - beta2) * g * g
        if group["amsgrad"]:
            v_max = state["max_exp_avg_sq"].data
            xp.maximum(v_max, v, out=v_max)
            v = v_max

        bias_correction1 = 1 - beta1 ** t
        bias_correction2 = 1 - beta2 ** t
        step_size = lr / bias_correction1
        denom = xp.sqrt(v)  # a new array, finished in place: √v̂ + ε
        denom /= math.sqrt(bias_correction2)
        denom += eps
        p -= step_size * (m / denom)
