"""Adam: adaptive moment estimation (Kingma & Ba, 2015), with the AMSGrad variant."""

import math

from ..backend import get_array_module
from ..ops.blocked import blocks
from ..tensor import Tensor
from .optimizer import Optimizer, check_implementation, check_option


def check_adam_options(name, group):
    """The option ranges Adam and AdamW share."""
    beta1, beta2 = group["betas"]
    check_option(group["lr"] >= 0, name, f"invalid learning rate lr={group['lr']}; it must be >= 0")
    check_option(group["eps"] > 0, name, f"invalid eps={group['eps']}; it must be > 0")
    check_option(0 <= beta1 < 1, name, f"invalid betas[0]={beta1}; it must be in [0, 1)")
    check_option(0 <= beta2 < 1, name, f"invalid betas[1]={beta2}; it must be in [0, 1)")
    check_option(group["weight_decay"] >= 0, name,
                 f"invalid weight_decay={group['weight_decay']}; it must be >= 0")


class Adam(Optimizer):
    """Adam: a step along the running mean of g, scaled down where g has been large.

    For each parameter θ with gradient g, at its t-th step (γ = lr, β₁, β₂ = betas,
    λ = weight_decay)::

        g  = -g                        if maximize
        g  = g + λ θ                   if λ != 0  (L2 penalty; decoupled_weight_decay=True decays
                                               θ directly instead, as AdamW does)
        m  = β₁ m + (1 - β₁) g         first moment: running mean of g    (m₀ = 0)
        v  = β₂ v + (1 - β₂) g²        second moment: running mean of g²  (v₀ = 0)
        v_max = max(v_max, v)          if amsgrad: from here on v stands for v_max, the largest v so far
        m̂  = m / (1 - β₁ᵗ)             bias correction: m and v start at 0, so early
        v̂  = v / (1 - β₂ᵗ)             averages are too small by exactly these factors
        θ  = θ - γ m̂ / (√v̂ + ε)

    As in PyTorch, ε is added after the bias-corrected square root (the paper's form), and the
    bias corrections are folded into two scalars: ``θ -= (γ / (1 - β₁ᵗ)) m / (√v / √(1 - β₂ᵗ) + ε)``.
    AMSGrad (Reddi et al., 2018) keeps v from shrinking, which restores convergence on
    problems where Adam's step can grow again after a large gradient fades.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        check_implementation(type(self).__name__, differentiable)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _check_group(self, group):
        check_adam_options(type(self).__name__, group)

    @staticmethod
    def _decoupled(group):
        # (a group loaded from a checkpoint made before this option existed lacks the key)
        return group.get("decoupled_weight_decay", False)

    @staticmethod
    def _apply_weight_decay(p, g, lr, wd, decoupled):
        """L2 penalty: g = g + λ θ, so the decay goes through the moments like any gradient; or,
        decoupled (AdamW, or Adam(decoupled_weight_decay=True)): θ = θ (1 - γ λ), g left as is."""
        if not decoupled:
            return g + wd * p
        p *= 1 - lr * wd  # in place
        return g

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
        m, v = state["exp_avg"].array, state["exp_avg_sq"].array
        state["step"] += 1
        t = state["step"]

        if group["maximize"]:
            g = -g
        if wd != 0:
            g = self._apply_weight_decay(p, g, lr, wd, self._decoupled(group))
        bias_correction1 = 1 - beta1 ** t
        bias_correction2 = 1 - beta2 ** t
        v_max = state["max_exp_avg_sq"].array if group["amsgrad"] else None
        constants = (beta1, beta2, eps, lr / bias_correction1, math.sqrt(bias_correction2))
        tmp = self._scratch_like(p, xp)
        arrays = (p, g, m, v, tmp, v_max)
        parts = blocks(*arrays)
        if parts is None:  # small, strided or on a GPU: the whole arrays at once
            _adam_arithmetic(xp, *arrays, constants)
            return
        # in blocks of BLOCK elements, all five arrays of a block stay in the cache through its
        # thirteen passes (ops/blocked.py): 0.7 of the time for a 0.4 M-parameter layer
        for part in parts:
            _adam_arithmetic(xp, *part, constants)


def _adam_arithmetic(xp, p, g, m, v, tmp, v_max, constants):
    """Adam's formula (see Adam) on arrays of one shape, in place: m, v (and v_max) and p change.

    Each line below is one line of the docstring's formula, computed in place: every temporary
    goes into one scratch buffer (``tmp``) shared by all parameters, so a step allocates nothing
    (for a 0.4 M-parameter layer, five fresh arrays of 1.6 MB a step). The products are taken
    in the formula's order: the numbers are the same bit for bit, whole or in blocks."""
    beta1, beta2, eps, step_size, bias_correction2_sqrt = constants
    m *= beta1  # m = β₁ m + (1 - β₁) g
    m += xp.multiply(g, 1 - beta1, out=tmp)
    v *= beta2  # v = β₂ v + (1 - β₂) g²
    xp.multiply(g, 1 - beta2, out=tmp)
    tmp *= g
    v += tmp
    if v_max is not None:  # amsgrad
        xp.maximum(v_max, v, out=v_max)
        v = v_max
    denom = xp.sqrt(v, out=tmp)  # √v̂ + ε
    denom /= bias_correction2_sqrt
    denom += eps
    update = xp.divide(m, denom, out=tmp)  # θ = θ - (γ / (1 - β₁ᵗ)) m / (√v̂ + ε)
    update *= step_size
    p -= update
