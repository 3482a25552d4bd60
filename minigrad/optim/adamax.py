"""Adamax: Adam with the infinity norm in place of the second moment (Kingma & Ba, 2015, §7)."""

from ..backend import get_array_module
from .adam import check_adam_options
from .optimizer import Optimizer, check_implementation, first_step, running_average_, weight_decay


class Adamax(Optimizer):
    """Adamax: scale the step by the largest recent gradient instead of an RMS.

    For each parameter θ with gradient g at its t-th step (γ = lr, β₁, β₂ = betas,
    λ = weight_decay)::

        g  = -g                          if maximize
        g  = g + λ θ                     if λ != 0
        m  = β₁ m + (1 - β₁) g           first moment, as in Adam       (m₀ = 0)
        u  = max(β₂ u, |g| + ε)          a decaying running maximum of |g| (u₀ = 0)
        θ  = θ - (γ / (1 - β₁ᵗ)) m / u

    Adam's v is a running mean of |g|²; taking the p-norm instead and letting p → ∞ turns the
    mean into this running maximum. u needs no bias correction: a maximum is not pulled
    towards its zero start the way a mean is. (PyTorch adds ε inside the maximum.)
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        check_implementation("Adamax", differentiable)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      maximize=maximize))

    def _check_group(self, group):
        check_adam_options("Adamax", group)

    def _update(self, p, g, state, group):
        xp = get_array_module(p)
        lr, eps, wd = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
        beta1, beta2 = (float(b) for b in group["betas"])
        first_step(state, p, "exp_avg", "exp_inf")
        m, u = state["exp_avg"].array, state["exp_inf"].array
        state["step"] += 1
        if group["maximize"]:
            g = -g
        g = weight_decay(p, g, lr, wd)
        running_average_(m, g, beta1)
        u *= beta2
        xp.maximum(u, xp.abs(g) + eps, out=u)
        p -= (lr / (1 - beta1 ** state["step"])) * (m / u)
