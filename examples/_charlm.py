"""What the two character-level language models share: the corpus, the training loop, sampling.

A character-level language model reads text one character at a time and, after each one,
gives a probability for every possible next character. It is trained to make the actual
next character likely: the loss is the mean cross-entropy -log p(next char), in nats.
A model that knows nothing about the text (uniform over V characters) scores log V, about
4.6 for the ~100 characters of the corpus; lower is better.

Once trained, it writes text: feed a prompt, draw the next character from the predicted
probabilities, feed that character back in, and repeat.
"""

import time

from _common import History, progress, resume_training, save_training, say  # before NumPy: sets BLAS threads

import numpy as np

import minigrad as mg
from minigrad import nn, optim
from minigrad.data import CharSequenceDataset, CharVocab, DataLoader, load_text
from minigrad.nn import functional as F


def add_lm_args(p, lr):
    """Arguments of both character models."""
    p.add_argument("--chars", type=int, default=200_000,
                   help="how many characters of the corpus to use (90%% train, 10%% validation)")
    p.add_argument("--seq-len", type=int, default=64, help="characters per training sequence")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=lr, help="Adam learning rate")
    p.add_argument("--clip", type=float, default=1.0, help="clip the gradient norm to this (0: off)")
    p.add_argument("--sample-len", type=int, default=200, help="characters to write after each epoch")
    p.add_argument("--temperature", type=float, default=0.8,
                   help="below 1: safer, more repetitive samples; above 1: wilder ones")
    p.add_argument("--prompt", default="The ", help="text the samples start from")


class Corpus:
    """The text, its vocabulary, and the training and validation sequences."""

    def __init__(self, chars, seq_len, vocab=None):
        self.text = load_text(max_chars=chars)
        self.vocab = CharVocab(self.text) if vocab is None else vocab
        ids = self.vocab.encode("".join(c for c in self.text if c in self.vocab.stoi))
        cut = int(0.9 * len(ids))  # the last 10% of the text is never trained on
        self.train = CharSequenceDataset(ids[:cut], seq_len)
        self.val = CharSequenceDataset(ids[cut:], seq_len)


def lm_loss(logits, targets):
    """Mean cross-entropy over every position of every sequence: (B, T, V) logits, (B, T) ids."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def evaluate_lm(model, dataset, device, batch_size=64):
    """Mean loss per character over a dataset, without dropout and without a graph."""
    model.eval()
    total, count = 0.0, 0
    with mg.no_grad():
        for x, y in DataLoader(dataset, batch_size=batch_size):
            logits = model(x.to(device))
            total += lm_loss(logits, y.to(device)).item() * y.numel()
            count += y.numel()
    model.train()
    return total / count


def draw_next(logits, temperature, rng):
    """Sample an id from the last position's logits: p = softmax(logits / temperature)."""
    z = np.asarray(logits.cpu().numpy(), dtype=np.float64).reshape(-1) / max(temperature, 1e-6)
    p = np.exp(z - z.max())  # subtracting the max changes nothing but keeps exp from overflowing
    return int(rng.choice(len(p), p=p / p.sum()))


def write_sample(model, vocab, prompt, length, temperature, device, seed=0):
    """``prompt`` followed by ``length`` characters the model writes one at a time."""
    rng = np.random.default_rng(seed)
    prompt = "".join(c for c in prompt if c in vocab.stoi) or vocab.chars[0]
    model.eval()
    with mg.no_grad():
        ids = model.generate(vocab.encode(prompt), length, lambda logits: draw_next(logits, temperature, rng), device)
    model.train()
    return prompt + vocab.decode(ids)


def train_lm(model, corpus, args, device, name, settings=None):
    """Train with Adam on next-character cross-entropy; after each epoch print a sample.

    With ``args.checkpoint`` (``--checkpoint FILE``, for scripts that offer it) the training state
    is saved after every epoch and a run with the same ``settings`` resumes from it.
    Returns a History with ``train_loss`` and ``val_loss`` per epoch and ``step_loss`` per step.
    """
    loader = DataLoader(corpus.train, batch_size=args.batch_size, shuffle=True, drop_last=True, seed=args.seed)
    opt = optim.Adam(model.parameters(), lr=args.lr)
    history = History()
    checkpoint = getattr(args, "checkpoint", None)
    first = 1
    if checkpoint:
        first = resume_training(checkpoint, settings or {}, model, opt, loader, history=history)
        if first > 1:
            say(args, f"resuming from {checkpoint}: {first - 1} of {args.epochs} epochs done")
    start = time.perf_counter()
    for epoch in range(first, args.epochs + 1):
        bar = progress(loader, desc=f"{name} epoch {epoch}/{args.epochs}", quiet=args.quiet)
        total, steps = 0.0, 0
        for x, y in bar:
            loss = lm_loss(model(x.to(device)), y.to(device))
            opt.zero_grad()
            loss.backward()
            if args.clip:  # one exploding step can undo a lot of training in recurrent nets
                nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            opt.step()
            total, steps = total + loss.item(), steps + 1
            history.add(step_loss=loss.item())
            bar.set_postfix(loss=total / steps)
        val = evaluate_lm(model, corpus.val, device)
        history.add(train_loss=total / max(steps, 1), val_loss=val)
        say(args, f"{name} epoch {epoch}: train loss {total / max(steps, 1):.3f}, validation loss {val:.3f} "
                  f"nats/char ({time.perf_counter() - start:.0f}s)")
        if args.sample_len:
            say(args, "  sample: " + repr(write_sample(model, corpus.vocab, args.prompt, args.sample_len,
                                                         args.temperature, device, seed=epoch)))
        if checkpoint:
            save_training(checkpoint, epoch, settings or {}, model, opt, loader, history=history)
    history.seconds = time.perf_counter() - start
    return history


def save_lm(path, model, vocab, config):
    """Weights, vocabulary and the settings needed to rebuild the model, in one .npz."""
    mg.save({"model": model.state_dict(), "vocab": mg.tensor(vocab.to_array()), "config": config}, path)


def load_lm(path):
    """(state_dict, vocab, config) from a file written by ``save_lm``."""
    checkpoint = mg.load(path)
    return checkpoint["model"], CharVocab.from_array(checkpoint["vocab"].cpu().numpy()), checkpoint["config"]


def resume_lm(args, build, device):
    """Rebuild the model saved in ``args.save``, print its validation loss and a sample of its text.

    ``build(vocab_size, config)`` makes the model (each script has its own); returns
    {"val_loss": ..., "sample": ...}.
    """
    state, vocab, config = load_lm(args.save)
    corpus = Corpus(int(config["chars"]), int(config["seq_len"]), vocab)
    model = build(len(vocab), config).to(device)
    model.load_state_dict(state)
    val = evaluate_lm(model, corpus.val, device)
    print(f"loaded {args.save}: validation loss {val:.3f} nats/char")
    sample = write_sample(model, vocab, args.prompt, args.sample_len, args.temperature, device, seed=args.seed)
    print(sample)
    return {"val_loss": val, "sample": sample}
