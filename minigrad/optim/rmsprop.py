"""RMSprop: divide the gradient by a running root mean square of recent gradients (Hinton, 2012)."""

from ..backend import get_array_module
from ..tensor import Tensor
from .optimizer import Optimizer, check_implementation, check_option


class RMSprop(Optimizer):
    """RMSprop: each coordinate's step is scaled by 1 / (the recent size of its gradient).

    For each parameter θ with gradient g (γ = lr, α = alpha, μ = momentum, λ = weight_decay)::

        g  = -g                          if maximize
        g  = g + λ θ                     if λ != 0
        v  = α v + (1 - α) g²            running mean of g²       (v₀ = 0)
        ḡ  = α ḡ + (1 - α) g             if centered: running mean of g (ḡ₀ = 0)
        s  = √(v - ḡ²) + ε   if centered (a running standard deviation),  s = √v + ε  otherwise
        b  = μ b + g / s,  θ = θ - γ b   if μ > 0   (b₀ = 0)
        θ  = θ - γ g / s                 otherwise

    Unlike Adam there is no bias correction: v starts at 0, so the first steps are large
    (about γ / √(1 - α) in size). ε is added after the square root, as in PyTorch.
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_implementation("RMSprop", differentiable)
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                        centered=centered, maximize=maximize)
        super().__init__(params, defaults)

    def _check_group(self, group):
        check_option(group["lr"] >= 0, "RMSprop", f"invalid learning rate lr={group['lr']}; it must be >= 0")
        check_option(group["eps"] > 0, "RMSprop", f"invalid eps={group['eps']}; it must be > 0")
        check_option(group["momentum"] >= 0, "RMSprop", f"invalid momentum={group['momentum']}; it must be >= 0")
        check_option(0 <= group["alpha"] <= 1, "RMSprop", f"invalid alpha={group['alpha']}; it must be in [0, 1]")
        check_option(group["weight_decay"] >= 0, "RMSprop",
                     f"invalid weight_decay={group['weight_decay']}; it must be >= 0")

    def _update(self, p, g, state, group):
        xp = get_array_module(p)
        lr, alpha, eps = float(group["lr"]), float(group["alpha"]), float(group["eps"])
        mu, wd = float(group["momentum"]), float(group["weight_decay"])
        if "step" not in state:
            state["step"] = 0
            state["square_avg"] = Tensor._make(xp.zeros_like(p))
        if mu > 0 and "momentum_buffer" not in state:
            state["momentum_buffer"] = Tensor._make(xp.zeros_like(p))
        if group["centered"] and "grad_avg" not in state:
            state["grad_avg"] = Tensor._make(xp.zeros_like(p))
        state["step"] += 1

        if group["maximize"]:
            g = -g
        if wd != 0:
            g = g + wd * p
        v = state["square_avg"].array
        v *= alpha  # in place: v = α v + (1 - α) g²
        v += (1 - alpha) * g * g
        if group["centered"]:
            g_avg = state["grad_avg"].array
            g_avg *= alpha  # in place: ḡ = α ḡ + (1 - α) g
            g_avg += (1 - alpha) * g
            s = xp.sqrt(v - g_avg * g_avg)
        else:
            s = xp.sqrt(v)
        s += eps
        if mu > 0:
            b = state["momentum_buffer"].array
            b *= mu  # in place: b = μ b + g / s
            b += g / s
            p -= lr * b
        else:
            p -= lr * (g / s)
