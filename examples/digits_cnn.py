"""A convolutional network on the 8x8 handwritten digits: about 99 % held-out accuracy in seconds.

The 1797 digits that ship with scikit-learn are split 80/20 into a training set and a test
set the model never trains on. The network:

    (1, 8, 8) -> Conv2d 3x3, 32 channels -> ReLU -> Conv2d 3x3, 64 channels -> ReLU
              -> MaxPool2d 2x2 -> (64, 4, 4) -> Dropout -> Flatten -> Linear 1024->256 -> ReLU
              -> Dropout -> Linear 256->10 (one logit per digit)

trained with Adam on the cross-entropy loss, the learning rate decaying along a cosine to 0.
The model is saved with ``minigrad.save``; ``--resume`` loads it back and evaluates it on the
same held-out split. With ``--checkpoint FILE`` the whole training state is saved after every
epoch, and a run started again with the same command continues from the last one saved: kill
it at any moment, start it again, and it ends with exactly the weights an uninterrupted run has.

    python examples/digits_cnn.py                  # train, print the test accuracy, save
    python examples/digits_cnn.py --resume         # load the saved model, evaluate it
    python examples/digits_cnn.py --checkpoint run.npz   # resumable: run it again after a crash
"""

import time

from _common import (History, evaluate, make_parser, plot_curves, resume_training, save_training, say, setup,
                     train_epoch)

import minigrad as mg
from minigrad import nn, optim
from minigrad.data import DataLoader, digits_dataset, random_split


def make_model(c1=32, c2=64, hidden=256):
    return nn.Sequential(
        nn.Conv2d(1, c1, kernel_size=3, padding=1),  # 8x8 -> 8x8: c1 detectors of small strokes
        nn.ReLU(),
        nn.Conv2d(c1, c2, kernel_size=3, padding=1),  # 8x8 -> 8x8: combinations of strokes
        nn.ReLU(),
        nn.MaxPool2d(2),  # 8x8 -> 4x4: keep the strongest response in each 2x2 block
        nn.Dropout(0.25),
        nn.Flatten(),
        nn.Linear(c2 * 4 * 4, hidden),
        nn.ReLU(),
        nn.Dropout(0.5),  # randomly silence half the units while training: less overfitting
        nn.Linear(hidden, 10),
    )


def main(argv=None):
    p = make_parser(__doc__.splitlines()[0], epochs=15, checkpoint="digits_cnn.npz", resumable=True)
    p.add_argument("--lr", type=float, default=2e-3, help="Adam's starting learning rate")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--channels", type=int, nargs=2, default=[32, 64], metavar=("C1", "C2"),
                   help="output channels of the two convolutions")
    p.add_argument("--hidden", type=int, default=256, help="units of the hidden Linear layer")
    p.add_argument("--test-fraction", type=float, default=0.2, help="share of the digits held out")
    p.add_argument("--limit", type=int, default=None, help="use only the first N digits (quick tests)")
    args = p.parse_args(argv)
    device = setup(args)
    checkpoint = mg.load(args.save) if args.resume else None
    if checkpoint is not None:  # rebuild the saved model's shape, and its train/test split
        args.seed, args.hidden = int(checkpoint["seed"]), int(checkpoint["hidden"])
        args.channels = [int(c) for c in checkpoint["channels"]]

    data = digits_dataset()  # images (1, 8, 8) in [0, 1], labels 0..9
    if args.limit:
        data = random_split(data, [args.limit, len(data) - args.limit], seed=args.seed)[0]
    train_set, test_set = random_split(data, [1 - args.test_fraction, args.test_fraction], seed=args.seed)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True, seed=args.seed)
    test_loader = DataLoader(test_set, batch_size=256)
    model = make_model(*args.channels, args.hidden).to(device)
    loss_fn = nn.CrossEntropyLoss()

    if checkpoint is not None:
        model.load_state_dict(checkpoint["model"])
        test_loss, test_acc = evaluate(model, test_loader, loss_fn, device)
        print(f"loaded {args.save}: test accuracy {100 * test_acc:.2f}% ({len(test_set)} held-out digits), "
              f"test loss {test_loss:.4f}")
        return {"test_accuracy": test_acc, "test_loss": test_loss}

    opt = optim.Adam(model.parameters(), lr=args.lr)
    # The learning rate follows half a cosine from lr down to 0 over the run: big steps early,
    # small ones at the end, so the last epochs settle instead of bouncing around.
    schedule = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(args.epochs, 1))
    history = History()
    # everything that shapes the run: a checkpoint continues only the run it was written by
    settings = {k: getattr(args, k) for k in ("epochs", "seed", "lr", "batch_size", "channels", "hidden",
                                              "test_fraction", "limit")}
    first = 1
    if args.checkpoint:
        first = resume_training(args.checkpoint, settings, model, opt, train_loader, schedule, history)
        if first > 1:
            say(args, f"resuming from {args.checkpoint}: {first - 1} of {args.epochs} epochs done")
    say(args, f"training on {len(train_set)} digits, testing on {len(test_set)}; "
              f"{sum(p.numel() for p in model.parameters())} parameters; device {device}")
    start = time.perf_counter()
    for epoch in range(first, args.epochs + 1):
        train_loss, train_acc = train_epoch(model, train_loader, loss_fn, opt, device,
                                            desc=f"epoch {epoch:2d}/{args.epochs}", quiet=args.quiet)
        schedule.step()
        test_loss, test_acc = evaluate(model, test_loader, loss_fn, device)
        history.add(train_loss=train_loss, train_acc=train_acc, test_loss=test_loss, test_acc=test_acc)
        say(args, f"epoch {epoch:2d}: train loss {train_loss:.4f}, test loss {test_loss:.4f}, "
                  f"test accuracy {100 * test_acc:.2f}%")
        if args.checkpoint:
            save_training(args.checkpoint, epoch, settings, model, opt, train_loader, schedule, history)
    seconds = time.perf_counter() - start

    test_acc = history["test_acc"][-1] if args.epochs else evaluate(model, test_loader, loss_fn, device)[1]
    print(f"test accuracy: {100 * test_acc:.2f}% on {len(test_set)} held-out digits "
          f"({args.epochs} epochs, {seconds:.1f}s)")
    if args.save:
        mg.save({"model": model.state_dict(), "seed": args.seed, "channels": list(args.channels),
                 "hidden": args.hidden, "test_accuracy": test_acc}, args.save)
        say(args, f"saved the model to {args.save} (evaluate it again with --resume)")
    if args.plot:
        plot_curves(args.plot, {"loss": {"train": history["train_loss"], "test": history["test_loss"]},
                                "accuracy": {"train": history["train_acc"], "test": history["test_acc"]}},
                    title="CNN on the 8x8 digits")
    return {"test_accuracy": test_acc, "seconds": seconds, "losses": history.curves.get("train_loss", []),
            "history": history.curves}


if __name__ == "__main__":
    main()
