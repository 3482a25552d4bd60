"""L-BFGS: a quasi-Newton method that builds its curvature model from the last few steps."""

from ..autograd.grad_mode import enable_grad, no_grad
from ..backend import get_array_module
from ..errors import ArgumentError
from .line_search import strong_wolfe
from .optimizer import Optimizer, check_option


class LBFGS(Optimizer):
    """L-BFGS (Nocedal, 1980; Liu & Nocedal, 1989): Newton-like steps without a Hessian.

    All parameters are treated as one flat vector x with gradient g. Newton's step would be
    -H⁻¹ g; BFGS builds an approximation of H⁻¹ from the pairs it has seen,

        s = x_new - x_old    (the step)        y = g_new - g_old    (the change of gradient)

    (curvature along s is y·s / s·s, so H s ≈ y), and L-BFGS keeps only the last
    ``history_size`` pairs. Their product with g needs no matrix: the *two-loop recursion*

        q = -g
        for i = newest … oldest:  αᵢ = ρᵢ sᵢ·q,  q = q - αᵢ yᵢ          (ρᵢ = 1 / yᵢ·sᵢ)
        r = γ q,  γ = y·s / y·y of the newest pair (the initial H⁻¹ ≈ γ I)
        for i = oldest … newest:  βᵢ = ρᵢ yᵢ·r,  r = r + sᵢ (αᵢ - βᵢ)
        d = r                                                            the direction

    A pair is kept only when y·s > 1e-10 (positive curvature keeps the model positive
    definite). The step along d is t = lr, except the very first, t = lr · min(1, 1/‖g‖₁),
    or the one ``line_search_fn="strong_wolfe"`` finds (``line_search.py``).

    One ``step(closure)`` runs up to ``max_iter`` iterations and stops early when
    max|g| <= tolerance_grad, when the step or the change of loss falls below
    tolerance_change, or after ``max_eval`` evaluations of ``closure``, which must
    recompute the loss and its gradients (zero_grad, forward, backward) and return the loss.
    Like PyTorch's, this optimizer takes one parameter group, and its state lives in the
    state of the first parameter.
    """

    complex_params = False  # its flat vector's dot products are real ones

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
                 history_size=100, line_search_fn=None):
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change, history_size=history_size,
                                      line_search_fn=line_search_fn))
        if len(self.param_groups) != 1:
            raise ArgumentError("LBFGS: doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    def _check_group(self, group):
        check_option(group["lr"] >= 0, "LBFGS", f"invalid learning rate lr={group['lr']}; it must be >= 0")
        check_option(group["line_search_fn"] in (None, "strong_wolfe"), "LBFGS",
                     f"only line_search_fn='strong_wolfe' is supported, got {group['line_search_fn']!r}")

    def add_param_group(self, param_group):
        if self.param_groups:
            raise ArgumentError("LBFGS: doesn't support per-parameter options (parameter groups)")
        super().add_param_group(param_group)

    # ---- the flat vector view of the parameters ----------------------------------------------
    def _flat_grad(self):
        xp = get_array_module(self._params[0].array)
        return xp.concatenate([xp.zeros(p.numel(), p.dtype) if p.grad is None else p.grad.array.reshape(-1)
                               for p in self._params])

    def _add_to_params(self, t, d):
        """x = x + t d, written into each parameter's own array."""
        offset = 0
        for p in self._params:
            n = p.numel()
            p.array += t * d[offset:offset + n].reshape(p.shape)
            p._vbox[0] += 1
            offset += n

    def _set_params(self, arrays):
        for p, a in zip(self._params, arrays):
            p.array[...] = a
            p._vbox[0] += 1

    def _evaluate(self, closure):
        with enable_grad():
            return float(closure())

    def step(self, closure):
        """Run up to ``max_iter`` L-BFGS iterations; return the loss at the start."""
        if closure is None:
            raise ArgumentError("LBFGS.step: needs a closure that recomputes the loss and its gradients")
        group = self.param_groups[0]
        lr, max_iter, max_eval = float(group["lr"]), group["max_iter"], group["max_eval"]
        tol_grad, tol_change = group["tolerance_grad"], group["tolerance_change"]
        history_size = group["history_size"]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        with enable_grad():
            orig_loss = closure()
        loss = float(orig_loss)
        evals = 1
        state["func_evals"] += 1
        with no_grad():
            g = self._flat_grad()
            if float(abs(g).max()) <= tol_grad:
                return orig_loss
            d, t = state.get("d"), state.get("t")
            old_dirs, old_stps = state.get("old_dirs"), state.get("old_stps")
            ro, h_diag = state.get("ro"), state.get("H_diag")
            prev_g, prev_loss = state.get("prev_flat_grad"), state.get("prev_loss")

            n_iter = 0
            while n_iter < max_iter:
                n_iter += 1
                state["n_iter"] += 1
                if state["n_iter"] == 1:  # steepest descent to start
                    d = -g
                    old_dirs, old_stps, ro, h_diag = [], [], [], 1.0
                else:
                    y, s = g - prev_g, d * t
                    ys = float(y @ s)
                    if ys > 1e-10:  # keep only pairs of positive curvature
                        if len(old_dirs) == history_size:
                            old_dirs.pop(0), old_stps.pop(0), ro.pop(0)
                        old_dirs.append(y), old_stps.append(s), ro.append(1.0 / ys)
                        h_diag = ys / float(y @ y)
                    d = _two_loop(-g, old_dirs, old_stps, ro, h_diag)
                prev_g = g.copy()
                prev_loss = loss
                t = min(1.0, 1.0 / float(abs(g).sum())) * lr if state["n_iter"] == 1 else lr
                gtd = float(g @ d)
                if gtd > -tol_change:  # not a descent direction any more
                    break

                ls_evals = 0
                if group["line_search_fn"] == "strong_wolfe":
                    x0 = [p.array.copy() for p in self._params]

                    def evaluate(step):
                        self._add_to_params(step, d)
                        value = self._evaluate(closure)
                        grad = self._flat_grad()
                        self._set_params(x0)
                        return value, grad

                    loss, g, t, ls_evals = strong_wolfe(evaluate, t, d, loss, g, gtd)
                    self._add_to_params(t, d)
                    converged = float(abs(g).max()) <= tol_grad
                else:
                    self._add_to_params(t, d)
                    converged = False
                    if n_iter != max_iter:  # the last iteration's loss is the next step's first
                        loss = self._evaluate(closure)
                        g = self._flat_grad()
                        converged = float(abs(g).max()) <= tol_grad
                        ls_evals = 1
                evals += ls_evals
                state["func_evals"] += ls_evals

                if n_iter == max_iter or evals >= max_eval or converged:
                    break
                if float(abs(d * t).max()) <= tol_change or abs(loss - prev_loss) < tol_change:
                    break

            state.update(d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=h_diag,
                         prev_flat_grad=prev_g, prev_loss=prev_loss)
        return orig_loss


def _two_loop(q, dirs, steps, ro, h_diag):
    """d ≈ -H⁻¹ g from the stored pairs (the class docstring derives it); q = -g is consumed."""
    alphas = [0.0] * len(dirs)
    for i in range(len(dirs) - 1, -1, -1):
        alphas[i] = float(steps[i] @ q) * ro[i]
        q -= alphas[i] * dirs[i]
    r = q * h_diag
    for i in range(len(dirs)):
        beta = float(dirs[i] @ r) * ro[i]
        r += steps[i] * (alphas[i] - beta)
    return r
