"""Linear regression with SGD: learn w and b in y = w x + b from noisy samples of y = 2x + 1.

The smallest complete training loop: data -> model -> loss -> backward -> optimizer step.
The answer is known (w = 2, b = 1), and so is the best fit to these particular noisy points
(least squares, solved directly at the end), so you can see how close SGD gets.

    python examples/linear_regression.py --epochs 30 --plot linreg.png
"""

from _common import History, make_parser, plot_curves, progress, setup  # before NumPy: sets BLAS threads

import numpy as np

from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset


def make_data(n, noise, rng):
    """n points x in [-1, 1) with y = 2x + 1 + noise * N(0, 1)."""
    x = rng.uniform(-1.0, 1.0, size=(n, 1)).astype(np.float32)
    y = (2.0 * x + 1.0 + noise * rng.standard_normal((n, 1))).astype(np.float32)
    return x, y


def main(argv=None):
    p = make_parser(__doc__.splitlines()[0], epochs=30)
    p.add_argument("--n", type=int, default=256, help="number of training points")
    p.add_argument("--noise", type=float, default=0.1, help="standard deviation of the noise")
    p.add_argument("--lr", type=float, default=0.1, help="SGD learning rate")
    p.add_argument("--batch-size", type=int, default=32)
    args = p.parse_args(argv)
    device = setup(args)

    x, y = make_data(args.n, args.noise, np.random.default_rng(args.seed))
    loader = DataLoader(TensorDataset(x, y), batch_size=args.batch_size, shuffle=True, seed=args.seed)
    model = nn.Linear(1, 1).to(device)
    opt = optim.SGD(model.parameters(), lr=args.lr)
    loss_fn = nn.MSELoss()
    history = History()

    bar = progress(range(1, args.epochs + 1), desc="training", quiet=args.quiet, leave=True)
    for epoch in bar:
        total = 0.0
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            loss = loss_fn(model(xb), yb)  # mean of (w x + b - y)^2 over the batch
            opt.zero_grad()
            loss.backward()  # dloss/dw and dloss/db land in model.weight.grad, model.bias.grad
            opt.step()  # w -= lr * dloss/dw, b -= lr * dloss/db
            total += loss.item() * len(xb)
        history.add(loss=total / len(x))
        bar.set_postfix(loss=history["loss"][-1], w=model.weight.item(), b=model.bias.item())

    w, b = model.weight.item(), model.bias.item()
    # The exact least-squares line through these points, for comparison.
    A = np.hstack([x, np.ones_like(x)]).astype(np.float64)
    w_ls, b_ls = np.linalg.lstsq(A, y.astype(np.float64), rcond=None)[0].ravel()
    print(f"learned:        w = {w:.4f}, b = {b:.4f}   (final mean squared error {history['loss'][-1]:.5f})")
    print(f"least squares:  w = {w_ls:.4f}, b = {b_ls:.4f}")
    print("true line:      w = 2.0000, b = 1.0000")
    if args.plot:
        plot_curves(args.plot, {"training loss (MSE)": {"loss": history["loss"]}},
                    title="linear regression with SGD")
    return {"w": w, "b": b, "w_lstsq": float(w_ls), "b_lstsq": float(b_ls), "losses": history["loss"]}


if __name__ == "__main__":
    main()
