"""ASGD: averaged stochastic gradient descent (Polyak & Juditsky, 1992), in PyTorch's form."""

import numpy as np

from .optimizer import Optimizer, check_implementation, check_option, first_step, weight_decay


class ASGD(Optimizer):
    """ASGD: SGD with a decaying step size, plus a running average of the iterates.

    For each parameter θ with gradient g at its t-th step (γ = lr, λ = lambd, α = alpha,
    t₀ = t0, wd = weight_decay; η₀ = γ, μ₀ = 1)::

        g  = -g                          if maximize
        g  = g + wd θ                    if wd != 0
        θ  = θ (1 - λ η) - η g           an SGD step with decay λ, at the current rate η
        ā  = ā + μ (θ - ā)               the average of the iterates (ā = θ while μ = 1)
        η  = γ / (1 + λ γ t)^α           the next rate
        μ  = 1 / max(1, t - t₀)          averaging starts after t₀ steps

    The optimizer still returns θ, the last iterate; the average ā is kept in the state
    (``state[p]["ax"]``) for evaluation: averaging SGD's noisy iterates converges at the
    optimal rate even when the steps are large. η and μ are kept as float32 numbers, as
    PyTorch keeps them (its default scalar dtype), so the two trajectories agree.
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None, maximize=False,
                 differentiable=False, capturable=False):
        check_implementation("ASGD", differentiable)
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                      maximize=maximize))

    def _check_group(self, group):
        check_option(group["lr"] >= 0, "ASGD", f"invalid learning rate lr={group['lr']}; it must be >= 0")
        check_option(group["weight_decay"] >= 0, "ASGD",
                     f"invalid weight_decay={group['weight_decay']}; it must be >= 0")

    def _update(self, p, g, state, group):
        lr, lambd, alpha, t0, wd = (float(group[k]) for k in ("lr", "lambd", "alpha", "t0", "weight_decay"))
        first_step(state, p, "ax", eta=_scalar(lr), mu=1.0)
        state["step"] += 1
        t, eta, mu = state["step"], float(state["eta"]), float(state["mu"])
        if group["maximize"]:
            g = -g
        g = weight_decay(p, g, lr, wd)
        p *= 1 - lambd * eta
        p -= eta * g
        ax = state["ax"].array
        if mu != 1:
            ax += (p - ax) * mu
        else:
            ax[...] = p
        state["eta"] = _scalar(lr / ((1 + lambd * lr * t) ** alpha))
        state["mu"] = _scalar(1 / max(1, t - t0))


def _scalar(x):
    """x rounded to float32, returned as a python float."""
    return float(np.float32(x))
