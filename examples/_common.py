"""What every example shares: its command line, the progress bar, curves and plots.

- ``make_parser``: --epochs, --device, --seed, --plot (and --save/--resume, --checkpoint
  when asked for);
- ``setup``: seeds minigrad and checks the device before any work starts;
- ``save_training`` and ``resume_training``: the whole training state in one file after each
  epoch, so a killed run picks up where it stopped and ends exactly as an uninterrupted one;
- ``progress``: a tqdm bar showing loss and accuracy on a terminal; in a log (output not a
  terminal) or without tqdm, one plain line per epoch (and every 25% of a long one);
- ``History`` and ``plot_curves``: per-epoch numbers and their matplotlib figure.

tqdm and matplotlib are optional (``pip install 'minigrad[examples]'``). Import this module
before NumPy: it chooses the number of BLAS threads, which NumPy reads when it loads.
"""

import argparse
import os
import sys
import time

# One BLAS thread unless the environment says otherwise. The matrices of these examples are
# small (a batch of 32 rows), so splitting each product over threads gains little, and when
# other programs keep the cores busy, BLAS threads waiting on each other slow every product
# down many times over. This must happen before NumPy is first imported.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# Let ``python examples/x.py`` import minigrad from this checkout without installing it.
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import minigrad as mg  # noqa: E402
from minigrad.serialization import CheckpointError  # noqa: E402


def make_parser(description, epochs, checkpoint=None, resumable=False):
    """The common arguments; ``checkpoint`` (a file name) adds --save and --resume, and
    ``resumable`` adds --checkpoint (see ``save_training``)."""
    p = argparse.ArgumentParser(description=description,
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--epochs", type=int, default=epochs, help="passes over the training data")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"],
                   help="cuda runs on an NVIDIA GPU through CuPy")
    p.add_argument("--seed", type=int, default=0, help="seed for weights, shuffling and dropout")
    p.add_argument("--plot", metavar="FILE.png", default=None,
                   help="save the training curves to this picture (needs matplotlib)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    if checkpoint is not None:
        p.add_argument("--save", metavar="FILE.npz", default=checkpoint,
                       help="where the trained model is saved (minigrad.save); '' to skip")
        p.add_argument("--resume", action="store_true",
                       help="load the model saved at --save and evaluate it instead of training")
    if resumable:
        p.add_argument("--checkpoint", metavar="FILE.npz", default=None,
                       help="save the whole training state here after every epoch; if the file exists, "
                            "continue the run it holds (same settings needed)")
    return p


def setup(args):
    """Seed every generator and make sure the device exists; returns the device name."""
    mg.manual_seed(args.seed)
    if args.device == "cuda" and not mg.is_cuda_available():
        raise SystemExit("--device cuda: no GPU found (CUDA needs CuPy: pip install 'minigrad[gpu]')")
    return args.device


# ---- resuming training -------------------------------------------------------------------------------
#
# What an epoch leaves behind, and so what a checkpoint must hold for the rest of the run to be
# the same, bit for bit, as if it had never stopped: the weights, the optimizer's moments and
# step counts, the scheduler's position, the generator that shuffles the training data, and
# minigrad's default generators (dropout masks, and the seeds DataLoaders draw). The history
# goes along so the curves and the final figures cover the whole run.


def save_training(path, epoch, settings, model, optimizer, loader, scheduler=None, history=None):
    """Write the training state after ``epoch`` to ``path``.

    ``minigrad.save`` writes a temporary file in the same folder, fsyncs it and renames it over
    the old one, so a run killed at any moment (even in here) leaves the previous checkpoint or
    this one, whole. ``settings`` (the command-line values that shape the run) are kept so a
    resumed run can check it is continuing the same one.
    """
    mg.save({
        "epoch": epoch,
        "settings": settings,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": None if scheduler is None else scheduler.state_dict(),
        # None: the loader shuffles with the default generator, which "rng" holds
        "loader_generator": None if loader.generator is None else loader.generator.get_state(),
        "rng": mg.get_rng_state(),
        "cuda_rng": mg.cuda.get_rng_state_all(),
        "history": {} if history is None else history.curves,
    }, path)


def resume_training(path, settings, model, optimizer, loader, scheduler=None, history=None):
    """Load what ``save_training`` wrote at ``path`` into the training objects; returns the first
    epoch still to run (1 when there is no file yet: a fresh start).

    Call it after the model, optimizer, scheduler and loader are built (building them draws
    random numbers, which the saved generator states then replace). A checkpoint of a run with
    other settings is refused: mixing two runs would end neither.
    """
    if not os.path.exists(path):
        return 1
    try:
        state = mg.load(path)
    except CheckpointError as e:
        raise SystemExit(f"--checkpoint {path}: cannot resume from it: {e}") from None
    if not isinstance(state, dict) or "settings" not in state or "epoch" not in state:
        raise SystemExit(f"--checkpoint {path}: not a training checkpoint (written by --save instead?)")
    saved = dict(state["settings"])
    changed = [f"{k} {saved.get(k)!r} (now {v!r})" for k, v in settings.items() if _plain(saved.get(k)) != _plain(v)]
    if changed:
        raise SystemExit(f"--checkpoint {path}: it holds a run with other settings: " + ", ".join(changed)
                         + ". Use the same settings to continue it, or another file to start anew.")
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    if scheduler is not None:
        scheduler.load_state_dict(state["scheduler"])
    if state["loader_generator"] is not None:
        loader.generator.set_state(state["loader_generator"])
    mg.set_rng_state(state["rng"])
    mg.cuda.set_rng_state_all(state["cuda_rng"])
    if history is not None:
        history.curves = {k: list(v) for k, v in state["history"].items()}
    return int(state["epoch"]) + 1


def _plain(value):
    """Settings as compared: tuples and lists alike (a file gives lists back)."""
    return list(value) if isinstance(value, (list, tuple)) else value


class _PlainBar:
    """tqdm's interface for logs and for machines without tqdm: plain lines, never one per step.

    One line when the loop ends; on a long loop (one running past ``quiet_s`` seconds) also one
    line at each ``every`` fraction of the way (25%, 50%, 75%), so a log file shows progress
    without being flooded.
    """

    def __init__(self, iterable, desc, total, disable, every=0.25, quiet_s=10.0):
        self.iterable, self.desc, self.total, self.disable = iterable, desc, total, disable
        self.every, self.quiet_s = every, quiet_s
        self.postfix = {}

    def _line(self, start, done=None):
        items = ", ".join(f"{k}={v}" for k, v in self.postfix.items())
        where = f" [{done}/{self.total}]" if done is not None else ""
        print(f"{self.desc}{where}: {items} ({time.perf_counter() - start:.1f}s)", flush=True)

    def __iter__(self):
        start = time.perf_counter()
        marks = []
        if self.total:
            marks = sorted({int(self.total * k * self.every) for k in range(1, int(1 / self.every))} - {0})
        for step, item in enumerate(self.iterable, 1):
            yield item
            if marks and step == marks[0]:
                marks.pop(0)
                if not self.disable and time.perf_counter() - start > self.quiet_s:
                    self._line(start, step)
        if not self.disable:
            self._line(start)

    def set_postfix(self, **values):
        self.postfix = {k: (f"{v:.4f}" if isinstance(v, float) else v) for k, v in values.items()}


def progress(iterable, desc, total=None, quiet=False, leave=False):
    """A progress bar over ``iterable``; call ``bar.set_postfix(loss=..., acc=...)`` to show numbers.

    On a terminal with tqdm the bar is redrawn in place (and erased at the end unless
    ``leave``). When the output is not a terminal (a log file, CI) or tqdm is missing, plain
    lines instead: one per loop, plus one every 25% on long loops (``_PlainBar``).
    """
    total = len(iterable) if total is None and hasattr(iterable, "__len__") else total
    if not (sys.stdout.isatty() and sys.stderr.isatty()):
        return _PlainBar(iterable, desc, total, quiet)
    try:
        from tqdm import tqdm
    except ImportError:
        return _PlainBar(iterable, desc, total, quiet)
    return tqdm(iterable, desc=desc, total=total, disable=quiet, leave=leave, dynamic_ncols=True)


def say(args, *text):
    """Print unless --quiet."""
    if not getattr(args, "quiet", False):
        print(*text, flush=True)


class History:
    """Numbers recorded over training: ``h.add(loss=..., acc=...)`` appends to each named curve."""

    def __init__(self):
        self.curves = {}

    def add(self, **values):
        for k, v in values.items():
            self.curves.setdefault(k, []).append(float(v))

    def __getitem__(self, name):
        return self.curves[name]

    def __contains__(self, name):
        return name in self.curves


def plot_curves(path, panels, title=None, xlabel="epoch"):
    """Save line plots: ``panels`` maps a panel title to {curve label: list of numbers}."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # draw to a file; no window needed
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        raise SystemExit("--plot needs matplotlib: pip install matplotlib") from None
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.6), squeeze=False)
    for ax, (name, curves) in zip(axes[0], panels.items()):
        for label, ys in curves.items():
            ax.plot(range(1, len(ys) + 1), ys, label=label, marker="o" if len(ys) < 30 else None)
        ax.set_title(name)
        ax.set_xlabel(xlabel)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"saved the curves to {path}")


def accuracy(logits, labels):
    """The fraction of rows whose largest logit is at the label."""
    pred = logits.array.argmax(axis=-1)
    return float((pred == labels.array).mean())


def evaluate(model, loader, loss_fn, device):
    """Mean loss and accuracy of a classifier over a loader, with dropout off and no graph."""
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with mg.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            logits = model(x)
            total_loss += loss_fn(logits, y).item() * len(y)
            correct += int((logits.array.argmax(axis=-1) == y.array).sum())
            count += len(y)
    model.train()
    return total_loss / count, correct / count


def train_epoch(model, loader, loss_fn, opt, device, desc, quiet=False):
    """One pass over a loader (forward, loss, backward, step for each batch) with a progress bar.

    Returns the epoch's mean training loss and accuracy, each weighted by batch size.
    """
    bar = progress(loader, desc=desc, quiet=quiet)
    seen, total_loss, total_acc = 0, 0.0, 0.0
    for x, y in bar:
        x, y = x.to(device), y.to(device)
        logits = model(x)
        loss = loss_fn(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        seen += len(y)
        total_loss += loss.item() * len(y)
        total_acc += accuracy(logits, y) * len(y)
        bar.set_postfix(loss=total_loss / seen, acc=total_acc / seen)
    return total_loss / seen, total_acc / seen
