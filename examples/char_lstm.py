"""A character-level LSTM language model on Python's own help text, writing samples as it learns.

The corpus is the pydoc topics text that ships with CPython (``help("for")`` and friends).
The model:

    character id -> Embedding (a learned vector per character)
                 -> LSTM (its state carries what has been read so far)
                 -> Linear (a logit for every possible next character)

After each epoch it writes a sample: early on, letter soup; after a few epochs, English-like
words, Python keywords and reST headings.

    python examples/char_lstm.py --epochs 5
    python examples/char_lstm.py --resume --sample-len 500
    python examples/char_lstm.py --checkpoint run.npz   # resumable: run it again after a crash

With ``--checkpoint FILE`` the training state (weights, Adam's moments, the shuffling and
dropout generators, the epoch) is saved after every epoch; the same command started again
continues from there and ends with the weights an uninterrupted run would have.
"""

from _charlm import Corpus, add_lm_args, evaluate_lm, resume_lm, save_lm, train_lm
from _common import make_parser, plot_curves, setup

import minigrad as mg
from minigrad import nn


class CharLSTM(nn.Module):
    """ids (B, T) -> logits (B, T, vocab_size); ``forward`` also takes and returns the LSTM state."""

    def __init__(self, vocab_size, embed_dim=64, hidden_size=256, num_layers=1, dropout=0.0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True,
                            dropout=dropout if num_layers > 1 else 0.0)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, ids, state=None, return_state=False):
        out, state = self.lstm(self.embed(ids), state)  # out: (B, T, hidden), one state per position
        logits = self.head(out)
        return (logits, state) if return_state else logits

    def generate(self, prompt_ids, length, draw, device):
        """Read the prompt once, then feed back one drawn character at a time, keeping the state."""
        x = mg.tensor(prompt_ids[None, :], device=device)
        logits, state = self(x, return_state=True)
        out = []
        for _ in range(length):
            nxt = draw(logits[0, -1])
            out.append(nxt)
            logits, state = self(mg.tensor([[nxt]], device=device), state, return_state=True)
        return out


def build(vocab_size, config):
    return CharLSTM(vocab_size, config["embed_dim"], config["hidden_size"], config["num_layers"], config["dropout"])


DEFAULTS = {"embed_dim": 64, "hidden_size": 256, "num_layers": 1, "dropout": 0.0}


def add_model_args(p):
    p.add_argument("--embed-dim", type=int, default=DEFAULTS["embed_dim"])
    p.add_argument("--hidden-size", type=int, default=DEFAULTS["hidden_size"])
    p.add_argument("--num-layers", type=int, default=DEFAULTS["num_layers"])
    p.add_argument("--dropout", type=float, default=DEFAULTS["dropout"], help="between stacked LSTM layers")


def config_of(args):
    return {"embed_dim": args.embed_dim, "hidden_size": args.hidden_size, "num_layers": args.num_layers,
            "dropout": args.dropout, "chars": args.chars, "seq_len": args.seq_len}


def main(argv=None):
    p = make_parser(__doc__.splitlines()[0], epochs=5, checkpoint="char_lstm.npz", resumable=True)
    add_lm_args(p, lr=3e-3)
    add_model_args(p)
    args = p.parse_args(argv)
    device = setup(args)

    if args.resume:
        return resume_lm(args, build, device)

    corpus = Corpus(args.chars, args.seq_len)
    model = build(len(corpus.vocab), config_of(args)).to(device)
    print(f"{len(corpus.text)} characters, {len(corpus.vocab)} distinct; "
          f"{len(corpus.train)} training sequences of {args.seq_len}")
    settings = dict(config_of(args), epochs=args.epochs, seed=args.seed, lr=args.lr, batch_size=args.batch_size,
                    clip=args.clip)
    history = train_lm(model, corpus, args, device, "LSTM", settings)
    final = history["val_loss"][-1] if args.epochs else evaluate_lm(model, corpus.val, device)
    print(f"LSTM: validation loss {final:.3f} nats/char after {args.epochs} epochs ({history.seconds:.0f}s)")
    if args.save:
        save_lm(args.save, model, corpus.vocab, config_of(args))
        print(f"saved the model to {args.save} (sample from it again with --resume)")
    if args.plot:
        plot_curves(args.plot, {"loss (nats/char)": {"train": history["train_loss"], "validation": history["val_loss"]}},
                    title="character-level LSTM")
    return {"val_loss": final, "losses": history.curves.get("step_loss", []), "history": history.curves,
            "seconds": history.seconds}


if __name__ == "__main__":
    main()
