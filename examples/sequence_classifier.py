"""An LSTM or GRU that reads each 8x8 digit one row at a time and then names the digit.

Each image becomes a sequence of 8 steps, one per row, each step a vector of the row's 8
pixels. The recurrent cell carries a summary of the rows seen so far in its hidden state;
after the last row a Linear layer turns that state into 10 logits. Unlike the CNN, the model
never sees the whole image at once: whatever it needs from the top rows it must remember.

    python examples/sequence_classifier.py --cell lstm
    python examples/sequence_classifier.py --cell gru --plot gru.png
"""

import time

from _common import History, evaluate, make_parser, plot_curves, say, setup, train_epoch

import minigrad as mg
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset, load_digits, random_split


class RowReader(nn.Module):
    """(batch, 8 rows, 8 pixels) -> LSTM or GRU over the rows -> last hidden state -> 10 logits."""

    def __init__(self, cell="lstm", hidden_size=64, num_layers=1):
        super().__init__()
        rnn = {"lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = rnn(input_size=8, hidden_size=hidden_size, num_layers=num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, 10)

    def forward(self, x):
        output, _ = self.rnn(x)  # output: (batch, 8, hidden), the hidden state after each row
        return self.head(output[:, -1])  # the state after the last row sums up the whole image


def main(argv=None):
    p = make_parser(__doc__.splitlines()[0], epochs=30, checkpoint="sequence_classifier.npz")
    p.add_argument("--cell", choices=["lstm", "gru"], default="lstm")
    p.add_argument("--hidden-size", type=int, default=64)
    p.add_argument("--num-layers", type=int, default=1)
    p.add_argument("--lr", type=float, default=3e-3, help="Adam learning rate")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--limit", type=int, default=None, help="use only N digits (quick tests)")
    args = p.parse_args(argv)
    device = setup(args)
    checkpoint = mg.load(args.save) if args.resume else None
    if checkpoint is not None:
        args.seed, args.cell = int(checkpoint["seed"]), str(checkpoint["cell"])
        args.hidden_size, args.num_layers = int(checkpoint["hidden_size"]), int(checkpoint["num_layers"])

    images, labels = load_digits()  # images (1797, 8, 8): already a batch of 8-step sequences
    data = TensorDataset(images, labels)
    if args.limit:
        data = random_split(data, [args.limit, len(data) - args.limit], seed=args.seed)[0]
    train_set, test_set = random_split(data, [0.8, 0.2], seed=args.seed)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True, seed=args.seed)
    test_loader = DataLoader(test_set, batch_size=256)
    model = RowReader(args.cell, args.hidden_size, args.num_layers).to(device)
    loss_fn = nn.CrossEntropyLoss()
    name = args.cell.upper()

    if checkpoint is not None:
        model.load_state_dict(checkpoint["model"])
        test_loss, test_acc = evaluate(model, test_loader, loss_fn, device)
        print(f"loaded {args.save} ({name}): test accuracy {100 * test_acc:.2f}% on {len(test_set)} held-out digits")
        return {"test_accuracy": test_acc, "test_loss": test_loss}

    opt = optim.Adam(model.parameters(), lr=args.lr)
    history = History()
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        # each backward is backpropagation through time: gradients flow back over the 8 rows
        train_loss, train_acc = train_epoch(model, train_loader, loss_fn, opt, device,
                                            desc=f"{name} epoch {epoch:2d}/{args.epochs}", quiet=args.quiet)
        test_loss, test_acc = evaluate(model, test_loader, loss_fn, device)
        history.add(train_loss=train_loss, train_acc=train_acc, test_loss=test_loss, test_acc=test_acc)
    seconds = time.perf_counter() - start

    test_acc = history["test_acc"][-1] if args.epochs else evaluate(model, test_loader, loss_fn, device)[1]
    print(f"{name} reading rows: test accuracy {100 * test_acc:.2f}% on {len(test_set)} held-out digits "
          f"({args.epochs} epochs, {seconds:.1f}s)")
    if args.save:
        mg.save({"model": model.state_dict(), "seed": args.seed, "cell": args.cell,
                 "hidden_size": args.hidden_size, "num_layers": args.num_layers}, args.save)
        say(args, f"saved the model to {args.save} (evaluate it again with --resume)")
    if args.plot:
        plot_curves(args.plot, {"loss": {"train": history["train_loss"], "test": history["test_loss"]},
                                "accuracy": {"train": history["train_acc"], "test": history["test_acc"]}},
                    title=f"{name} reading the digits row by row")
    return {"test_accuracy": test_acc, "seconds": seconds, "losses": history.curves.get("train_loss", [])}


if __name__ == "__main__":
    main()
