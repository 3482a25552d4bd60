"""RAdam: Adam with its early steps' variance rectified (Liu et al., 2019)."""

import math

from ..backend import get_array_module
from .adam import check_adam_options
from .optimizer import Optimizer, check_implementation, first_step, running_average_, weight_decay


class RAdam(Optimizer):
    """RAdam: plain momentum SGD until the second moment can be trusted, then rectified Adam.

    For each parameter θ with gradient g at its t-th step (γ = lr, β₁, β₂ = betas,
    λ = weight_decay)::

        g   = -g                                  if maximize
        θ   = θ (1 - γ λ)                         if decoupled_weight_decay (as AdamW)
        g   = g + λ θ                             otherwise, if λ != 0
        m   = β₁ m + (1 - β₁) g,   v = β₂ v + (1 - β₂) g²
        m̂   = m / (1 - β₁ᵗ)
        ρ∞  = 2 / (1 - β₂) - 1
        ρₜ  = ρ∞ - 2 t β₂ᵗ / (1 - β₂ᵗ)           the length of v's effective averaging window
        if ρₜ > 5:
            r = √( (ρₜ - 4)(ρₜ - 2) ρ∞ / ((ρ∞ - 4)(ρ∞ - 2) ρₜ) )
            θ = θ - γ m̂ r √(1 - β₂ᵗ) / (√v + ε)
        else:
            θ = θ - γ m̂

    Why: in the first steps v averages only a few squared gradients, so 1/√v has a huge
    variance and Adam's steps are erratic (the reason for warm-up schedules). r is the factor
    that makes the variance of the adaptive rate what it is at ρ∞; below ρₜ = 5 that variance
    is not even finite, and the update falls back to momentum alone.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        check_implementation("RAdam", differentiable)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      decoupled_weight_decay=decoupled_weight_decay, maximize=maximize))

    def _check_group(self, group):
        check_adam_options("RAdam", group)

    def _update(self, p, g, state, group):
        xp = get_array_module(p)
        lr, eps, wd = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
        beta1, beta2 = (float(b) for b in group["betas"])
        first_step(state, p, "exp_avg", "exp_avg_sq")
        m, v = state["exp_avg"].array, state["exp_avg_sq"].array
        state["step"] += 1
        t = state["step"]
        if group["maximize"]:
            g = -g
        g = weight_decay(p, g, lr, wd, group["decoupled_weight_decay"])
        running_average_(m, g, beta1)
        running_average_(v, g * g, beta2)
        bias_correction1 = 1 - beta1 ** t
        bias_correction2 = 1 - beta2 ** t
        m_hat = m / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * (beta2 ** t) / bias_correction2
        if rho_t > 5.0:
            rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            adaptive = math.sqrt(bias_correction2) / (xp.sqrt(v) + eps)
            p -= m_hat * lr * adaptive * rect
        else:
            p -= m_hat * lr
