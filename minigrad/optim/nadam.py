"""NAdam: Adam with Nesterov momentum (Dozat, 2016), with PyTorch's momentum decay schedule."""

import numpy as np

from ..backend import get_array_module
from .adam import check_adam_options
from .optimizer import Optimizer, check_implementation, check_option, first_step, running_average_, weight_decay


class NAdam(Optimizer):
    """NAdam: take Adam's step from where the momentum is about to carry θ.

    For each parameter θ with gradient g at its t-th step (γ = lr, β₁, β₂ = betas,
    ψ = momentum_decay, λ = weight_decay)::

        g   = -g                                   if maximize
        θ   = θ (1 - γ λ)                          if decoupled_weight_decay (as AdamW)
        g   = g + λ θ                              otherwise, if λ != 0
        μₜ  = β₁ (1 - ½ · 0.96^(t ψ))              the momentum of step t, warming up to β₁
        μₜ₊₁= β₁ (1 - ½ · 0.96^((t+1) ψ))
        Πₜ  = μ₁ μ₂ … μₜ                           kept in the state as mu_product
        m   = β₁ m + (1 - β₁) g,   v = β₂ v + (1 - β₂) g²
        d   = √(v / (1 - β₂ᵗ)) + ε
        θ   = θ - γ (1 - μₜ) / (1 - Πₜ) · g / d - γ μₜ₊₁ / (1 - Πₜ μₜ₊₁) · m / d

    The last line is Nesterov's look-ahead written for Adam: the bias-corrected momentum of
    the *next* step (second term) plus the part of the current gradient that momentum has
    not yet absorbed (first term).
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        check_implementation("NAdam", differentiable)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize))

    def _check_group(self, group):
        check_adam_options("NAdam", group)
        check_option(group["momentum_decay"] >= 0, "NAdam",
                     f"invalid momentum_decay={group['momentum_decay']}; it must be >= 0")

    def _update(self, p, g, state, group):
        xp = get_array_module(p)
        lr, eps, wd, psi = (float(group[k]) for k in ("lr", "eps", "weight_decay", "momentum_decay"))
        beta1, beta2 = (float(b) for b in group["betas"])
        first_step(state, p, "exp_avg", "exp_avg_sq", mu_product=1.0)
        m, v = state["exp_avg"].array, state["exp_avg_sq"].array
        state["step"] += 1
        t = state["step"]
        if group["maximize"]:
            g = -g
        g = weight_decay(p, g, lr, wd, group["decoupled_weight_decay"])
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        # PyTorch keeps the product as a float32 number (its default scalar dtype): so do we
        mu_product = state["mu_product"] = float(np.float32(state["mu_product"]) * np.float32(mu))
        running_average_(m, g, beta1)
        running_average_(v, g * g, beta2)
        denom = xp.sqrt(v / (1 - beta2 ** t))
        denom += eps
        p -= (lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
        p -= (lr * mu_next / (1.0 - mu_product * mu_next)) * (m / denom)


