"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019)."""

from .adam import Adam


class AdamW(Adam):
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
    Everything but the decay line is Adam's step (see ``Adam._update``).
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                         maximize=maximize, differentiable=differentiable, decoupled_weight_decay=True)

    @staticmethod
    def _decoupled(group):
        return True  # whatever a loaded param group says: that is what AdamW is
