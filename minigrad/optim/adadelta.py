"""Adadelta: steps whose units match the parameter's, with no learning rate needed (Zeiler, 2012)."""

from ..backend import get_array_module
from .optimizer import Optimizer, check_implementation, check_option, first_step, running_average_, weight_decay


class Adadelta(Optimizer):
    """Adadelta: divide a running RMS of past *steps* by a running RMS of gradients.

    For each parameter θ with gradient g (γ = lr, ρ = rho, λ = weight_decay)::

        g  = -g                              if maximize
        g  = g + λ θ                         if λ != 0
        v  = ρ v + (1 - ρ) g²                running mean of g²        (v₀ = 0)
        Δ  = √(u + ε) / √(v + ε) · g         the step, in θ's units
        u  = ρ u + (1 - ρ) Δ²                running mean of Δ²        (u₀ = 0)
        θ  = θ - γ Δ

    Why the ratio: a gradient has units of loss/θ, so g alone has the wrong units for a step;
    √u / √v · g has units of θ (Newton's step H⁻¹g would too, and the ratio approximates the
    inverse of a diagonal Hessian). The paper has no γ; PyTorch keeps one, default 1.
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        check_implementation("Adadelta", differentiable)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize))

    def _check_group(self, group):
        check_option(group["lr"] >= 0, "Adadelta", f"invalid learning rate lr={group['lr']}; it must be >= 0")
        check_option(0 <= group["rho"] <= 1, "Adadelta", f"invalid rho={group['rho']}; it must be in [0, 1]")
        check_option(group["eps"] >= 0, "Adadelta", f"invalid eps={group['eps']}; it must be >= 0")
        check_option(group["weight_decay"] >= 0, "Adadelta",
                     f"invalid weight_decay={group['weight_decay']}; it must be >= 0")

    def _update(self, p, g, state, group):
        xp = get_array_module(p)
        lr, rho, eps, wd = (float(group[k]) for k in ("lr", "rho", "eps", "weight_decay"))
        first_step(state, p, "square_avg", "acc_delta")
        v, u = state["square_avg"].array, state["acc_delta"].array
        state["step"] += 1
        if group["maximize"]:
            g = -g
        g = weight_decay(p, g, lr, wd)
        running_average_(v, g * g, rho)
        delta = xp.sqrt(u + eps) / xp.sqrt(v + eps) * g
        running_average_(u, delta * delta, rho)
        p -= lr * delta
