"""Rprop: resilient backpropagation, steps set by the gradient's sign alone (Riedmiller & Braun, 1993)."""

from ..backend import get_array_module
from ..tensor import Tensor
from .optimizer import Optimizer, check_implementation, check_option


class Rprop(Optimizer):
    """Rprop: each coordinate has its own step size, grown while its gradient keeps its sign.

    For each parameter θ with gradient g (η₋, η₊ = etas, [Δmin, Δmax] = step_sizes; Δ₀ = lr,
    g_prev₀ = 0)::

        g  = -g                                      if maximize
        s  = sign(g · g_prev)
        Δ  = clamp(Δ · (η₊ if s > 0, η₋ if s < 0, 1 if s = 0), Δmin, Δmax)
        g  = 0 where s < 0                           the sign flipped: we overshot, so skip
                                                     this coordinate once
        θ  = θ - sign(g) Δ
        g_prev = g

    Only the sign of the gradient is used, never its size, so badly scaled losses do not
    matter; it suits full-batch training (mini-batch noise flips signs at random).
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        check_implementation("Rprop", differentiable)
        super().__init__(params, dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes), maximize=maximize))

    def _check_group(self, group):
        etaminus, etaplus = group["etas"]
        check_option(group["lr"] >= 0, "Rprop", f"invalid learning rate lr={group['lr']}; it must be >= 0")
        check_option(0 < etaminus < 1 < etaplus, "Rprop",
                     f"invalid etas={tuple(group['etas'])}; they must satisfy 0 < etaminus < 1 < etaplus")

    def _update(self, p, g, state, group):
        xp = get_array_module(p)
        etaminus, etaplus = (float(e) for e in group["etas"])
        step_min, step_max = (float(s) for s in group["step_sizes"])
        if "step" not in state:
            state["step"] = 0
            state["prev"] = Tensor._make(xp.zeros_like(p))
            state["step_size"] = Tensor._make(xp.full_like(p, float(group["lr"])))
        prev, step_size = state["prev"].array, state["step_size"].array
        state["step"] += 1
        if group["maximize"]:
            g = -g
        s = xp.sign(g * prev)
        factor = xp.where(s > 0, etaplus, xp.where(s < 0, etaminus, 1.0)).astype(p.dtype)
        step_size *= factor
        xp.clip(step_size, step_min, step_max, out=step_size)
        g = xp.where(s < 0, 0, g).astype(p.dtype)
        p -= xp.sign(g) * step_size
        prev[...] = g
