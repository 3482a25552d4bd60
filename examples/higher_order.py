"""Derivatives of derivatives: tanh differentiated four times, and Hessian-vector products.

Part 1. ``minigrad.grad(y, x, create_graph=True)`` returns dy/dx as a tensor that has a graph
of its own, so it can be differentiated again. Four rounds give the 1st to 4th derivatives
of tanh, checked against their closed forms (t = tanh x):

    d1 = 1 - t^2
    d2 = -2 t (1 - t^2)
    d3 = (1 - t^2)(6 t^2 - 2)
    d4 = 8 t (1 - t^2)(2 - 3 t^2)

Part 2. For f(w) = L2-regularized logistic loss, the Hessian-vector product H v is the
gradient of (grad f . v): two backward passes, never forming H. It is checked against the
closed form H v = X^T (p (1 - p) * (X v)) / n + lam v, then used for Newton's method, where
each step solves H d = -grad f by conjugate gradients (only products H v needed). --epochs
Newton steps; the gradient norm falls quadratically, about squaring each step.

    python examples/higher_order.py
"""

from _common import History, make_parser, plot_curves, progress, setup  # before NumPy: sets BLAS threads

import numpy as np

import minigrad as mg
from minigrad.nn import functional as F


def tanh_derivatives(x, order=4):
    """[d^k tanh / dx^k at x for k = 1..order], each from the graph of the one before."""
    y = mg.tanh(x)
    out = []
    for _ in range(order):
        # Each y_i depends on x_i alone, so the gradient of sum(y) holds dy_i/dx_i at entry i.
        (y,) = mg.grad(y.sum(), x, create_graph=True)
        out.append(y)
    return out


def tanh_closed_forms(x):
    t = np.tanh(x)
    s = 1 - t ** 2
    return [s, -2 * t * s, s * (6 * t ** 2 - 2), 8 * t * s * (2 - 3 * t ** 2)]


def logistic_loss(w, X, y, lam):
    """f(w) = mean(log(1 + exp(-y * Xw))) + lam/2 |w|^2, labels y in {-1, +1}."""
    return F.softplus(-y * (X @ w)).mean() + 0.5 * lam * (w * w).sum()


def hvp(w, X, y, lam, v):
    """H v, the Hessian of f at w times v: d/dw (grad f(w) . v), two backward passes."""
    w = w.detach().requires_grad_()
    (g,) = mg.grad(logistic_loss(w, X, y, lam), w, create_graph=True)  # g keeps its graph
    (hv,) = mg.grad((g * v).sum(), w)  # differentiate g . v once more
    return hv


def hvp_closed_form(w, X, y, lam, v):
    """X^T (p (1 - p) * (X v)) / n + lam v, with p = sigmoid(y * Xw) (y^2 = 1 drops out)."""
    p = 1 / (1 + np.exp(-y * (X @ w)))
    return X.T @ (p * (1 - p) * (X @ v)) / len(X) + lam * v


def newton_step(w, X, y, lam, cg_iters):
    """Solve H d = -g by conjugate gradients (H used only through H v) and return w + d."""
    wr = w.detach().requires_grad_()
    (g,) = mg.grad(logistic_loss(wr, X, y, lam), wr)
    d = mg.zeros_like(w)
    r = -g  # residual of H d = -g at d = 0
    p = r
    rr = (r * r).sum().item()
    for _ in range(cg_iters):
        if rr < 1e-30:
            break
        hp = hvp(w, X, y, lam, p)
        alpha = rr / (p * hp).sum().item()
        d, r = d + alpha * p, r - alpha * hp
        rr_new = (r * r).sum().item()
        p, rr = r + (rr_new / rr) * p, rr_new
    return (w + d).detach()


def main(argv=None):
    p = make_parser(__doc__.splitlines()[0], epochs=6)
    p.add_argument("--n", type=int, default=500, help="logistic regression: number of examples")
    p.add_argument("--dim", type=int, default=10, help="logistic regression: number of features")
    p.add_argument("--lam", type=float, default=0.01, help="L2 penalty")
    args = p.parse_args(argv)
    device = setup(args)
    f64 = mg.float64  # finite precision matters when derivatives are compared: use float64

    # ---- part 1: tanh, four times ----
    xs = np.linspace(-2.0, 2.0, 9)
    x = mg.tensor(xs, dtype=f64, device=device, requires_grad=True)
    ours = [d.cpu().numpy() for d in tanh_derivatives(x)]
    exact = tanh_closed_forms(xs)
    print("derivatives of tanh by repeated minigrad.grad(create_graph=True) | closed form")
    print("    x   " + "".join(f"{f'order {k}':>23}" for k in range(1, 5)))
    for i, xi in enumerate(xs):
        print(f"{xi:5.1f}  " + "".join(f"  {ours[k][i]:+.6f} | {exact[k][i]:+.6f}" for k in range(4)))
    tanh_err = max(float(np.max(np.abs(o - e))) for o, e in zip(ours, exact))
    print(f"largest difference over all orders: {tanh_err:.2e}\n")

    # ---- part 2: Hessian-vector products and Newton's method ----
    rng = np.random.default_rng(args.seed)
    Xn = rng.standard_normal((args.n, args.dim))
    yn = np.sign(Xn @ rng.standard_normal(args.dim) + 0.5 * rng.standard_normal(args.n))
    X, y = mg.tensor(Xn, dtype=f64, device=device), mg.tensor(yn, dtype=f64, device=device)
    w0, v = rng.standard_normal(args.dim) * 0.1, rng.standard_normal(args.dim)
    hv = hvp(mg.tensor(w0, dtype=f64, device=device), X, y, args.lam, mg.tensor(v, dtype=f64, device=device)).cpu().numpy()
    hv_exact = hvp_closed_form(w0, Xn, yn, args.lam, v)
    hvp_err = float(np.max(np.abs(hv - hv_exact)) / np.max(np.abs(hv_exact)))
    print("Hessian-vector product, double backward | closed form")
    for a, b in zip(hv[:5], hv_exact[:5]):
        print(f"  {a:+.8f} | {b:+.8f}")
    print(f"  ... ({args.dim} entries) largest relative difference: {hvp_err:.2e}\n")

    w = mg.zeros(args.dim, dtype=f64, device=device)
    history = History()
    bar = progress(range(1, args.epochs + 1), desc="Newton", quiet=args.quiet, leave=True)
    for step in bar:
        w = newton_step(w, X, y, args.lam, cg_iters=args.dim)
        wr = w.detach().requires_grad_()
        loss = logistic_loss(wr, X, y, args.lam)
        (g,) = mg.grad(loss, wr)
        gnorm = float(np.linalg.norm(g.cpu().numpy()))
        history.add(loss=loss.item(), grad_norm=gnorm)
        bar.set_postfix(loss=loss.item(), grad_norm=gnorm)
    for step, (loss, gnorm) in enumerate(zip(history["loss"], history["grad_norm"]), 1):
        print(f"Newton step {step}: loss {loss:.10f}, |grad| {gnorm:.3e}")
    if args.plot:
        plot_curves(args.plot, {"loss": {"loss": history["loss"]},
                                "log10 |grad|": {"|grad|": list(np.log10(np.maximum(history["grad_norm"], 1e-300)))}},
                    title="Newton's method with Hessian-vector products", xlabel="Newton step")
    return {"tanh_max_error": tanh_err, "hvp_rel_error": hvp_err, "losses": history.curves.get("loss", []),
            "grad_norms": history.curves.get("grad_norm", [])}


if __name__ == "__main__":
    main()
