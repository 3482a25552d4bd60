"""SGD: stochastic gradient descent, with optional momentum and Nesterov momentum."""

from ..backend import get_array_module
from ..tensor import Tensor
from .optimizer import Optimizer, check_option


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
                 maximize=False):
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
        if group["maximize"]:
            g = -g
        if wd != 0:
            g = g + wd * p
        if mu != 0:
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = Tensor._make(g.copy())  # b₁ = g
                b = state["momentum_buffer"].array
            else:
                b = state["momentum_buffer"].array
                b *= mu  # in place: bₜ = μ bₜ₋₁ + (1 - τ) g
                b += g if tau == 0 else (1 - tau) * g  # no temporary in the common τ = 0 case
            g = g + mu * b if group["nesterov"] else b
        xp = get_array_module(p)
        p -= xp.multiply(g, lr, out=self._scratch_like(p, xp))  # θ -= γ d, with γ d in scratch: no new array
