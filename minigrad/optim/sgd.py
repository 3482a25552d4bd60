"""SGD: stochastic gradient descent, with optional momentum and Nesterov momentum."""

import numpy as np  # the type of host arrays, for the small-parameter case of the update

from ..backend import get_array_module
from ..ops.blocked import blocks
from ..tensor import Tensor
from .optimizer import Optimizer, check_implementation, check_option


_SMALL = 1 << 14  # elements: below this a temporary costs less than looking up the scratch buffer


class SGD(Optimizer):
    """Stochastic gradient descent in PyTorch's convention.

    For each parameter θ with gradient g, at step t (γ = lr, μ = momentum, τ = dampening,
    λ = weight_decay)::

        g  = -g                          if maximize (climb instead of descend)
        g  = g + λ θ                     if λ != 0   (L2 penalty λ/2 |θ|² folded into g)
        b₁ = g                           first step: the buffer starts as the gradient itself
        bₜ = μ bₜ₋₁ + (1 - τ) g          later steps
        d  = g + μ bₜ   if nesterov,  d = bₜ  otherwise   (d = g when μ = 0)
        θ  = θ - γ d

    Difference from the Sutskever et al. (2013) form, ``v = μ v - γ g;  θ = θ + v``: there the
    learning rate sits inside the velocity, here outside the buffer. With a constant γ the two
    give the same steps (v = -γ b). When γ changes (a learning-rate schedule), PyTorch's form
    rescales the whole accumulated buffer at once, while Sutskever's keeps the old steps at
    the old rate. Also b₁ = g (no (1 - τ) on the first step). Nesterov here is the
    reformulation of Bengio et al. (2012): the gradient is taken at θ, not at the look-ahead
    point θ + μ v, and the step ``g + μ b`` makes up for it.
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        check_implementation("SGD", differentiable)
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults)

    def _check_group(self, group):
        check_option(group["lr"] >= 0, "SGD", f"invalid learning rate lr={group['lr']}; it must be >= 0")
        check_option(group["momentum"] >= 0, "SGD", f"invalid momentum={group['momentum']}; it must be >= 0")
        check_option(group["weight_decay"] >= 0, "SGD",
                     f"invalid weight_decay={group['weight_decay']}; it must be >= 0")
        check_option(not group["nesterov"] or (group["momentum"] > 0 and group["dampening"] == 0), "SGD",
                     f"nesterov=True needs momentum > 0 and dampening = 0, got momentum={group['momentum']}, "
                     f"dampening={group['dampening']}")

    def _update(self, p, g, state, group):
        lr, mu = float(group["lr"]), float(group["momentum"])  # no generator: this runs per parameter
        tau, wd = float(group["dampening"]), float(group["weight_decay"])
        rule = (lr, mu, tau, wd, group["maximize"], group["nesterov"])  # _rule's settings
        b = None
        if mu != 0:
            if "momentum_buffer" not in state:  # the first step: b₁ = g, made by _rule on the whole array
                state["momentum_buffer"] = Tensor._make(_rule(p, g, None, *rule, self._scratch_for(p)))
                return
            b = state["momentum_buffer"].array
        parts = blocks(p, g, b)
        if parts is None:  # small, strided or on a GPU: the whole arrays at once
            _rule(p, g, b, *rule, self._scratch_for(p))
            return
        # a large parameter, block by block: the rule's four or so passes then read each block
        # of p, g and b from the cache instead of memory (ops/blocked.py); the same operations on
        # every element, so the same bits
        for p_part, g_part, b_part in parts:
            _rule(p_part, g_part, b_part, *rule, self._scratch_for(p_part))

    def _scratch_for(self, p):
        """Room for the step γ d: a small host array costs less new than finding its scratch."""
        if p.size <= _SMALL and type(p) is np.ndarray:
            return None
        return self._scratch_like(p, get_array_module(p))


def _rule(p, g, b, lr, mu, tau, wd, maximize, nesterov, scratch):
    """One step of SGD's rule (its class docstring) on arrays: p changes in place, and so does the
    momentum buffer b; b = None on the first step, when the new buffer b₁ = g is returned."""
    if maximize:
        g = -g
    if wd != 0:
        g = g + wd * p
    if mu != 0:
        if b is None:
            b = g.copy()  # b₁ = g
        else:
            b *= mu  # in place: bₜ = μ bₜ₋₁ + (1 - τ) g
            b += g if tau == 0 else (1 - tau) * g  # no temporary in the common τ = 0 case
        g = g + mu * b if nesterov else b
    xp = np if type(p) is np.ndarray else get_array_module(p)
    p -= xp.multiply(g, lr, out=scratch)  # θ -= γ d (γ d in scratch, when given: no new array)
    return b
