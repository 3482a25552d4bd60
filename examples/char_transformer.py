"""A small Transformer character model on the same text as char_lstm.py, and the two compared.

    character ids -> Embedding + sinusoidal positional encoding
                  -> N x TransformerEncoderLayer (causal self-attention + feed-forward)
                  -> LayerNorm -> Linear (a logit per possible next character)

Self-attention lets every position look at every earlier one directly, where the LSTM must
pass everything through its state one step at a time. A causal mask hides the future: the
prediction at position t may use characters 0..t only, else it could read the answer.

    python examples/char_transformer.py --epochs 5
    python examples/char_transformer.py --compare --plot char_models.png   # the LSTM too
"""

import math

from _charlm import Corpus, add_lm_args, evaluate_lm, resume_lm, save_lm, train_lm
from _common import make_parser, plot_curves, setup  # before NumPy: _common sets the BLAS threads

import numpy as np

import minigrad as mg
from minigrad import nn


class PositionalEncoding(nn.Module):
    """Adds to position p the vector PE[p]: PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(...).

    Attention by itself ignores order (it sees a set of vectors); these waves of different
    wavelengths give each position its own signature. PE is fixed, not learned: a buffer.
    """

    def __init__(self, d_model, max_len=512):
        super().__init__()
        pos = np.arange(max_len, dtype=np.float64)[:, None]
        freq = np.exp(-math.log(10000.0) * np.arange(0, d_model, 2) / d_model)  # 1 / 10000^(2i/d)
        pe = np.zeros((max_len, d_model))
        pe[:, 0::2] = np.sin(pos * freq)
        pe[:, 1::2] = np.cos(pos * freq[: d_model // 2])
        self.register_buffer("pe", mg.tensor(pe.astype(np.float32)), persistent=False)

    def forward(self, x):
        length = x.shape[1]
        if length > self.pe.shape[0]:
            raise ValueError(f"PositionalEncoding: sequence of {length} is longer than max_len {self.pe.shape[0]}")
        return x + self.pe[:length]


def causal_mask(length, device):
    """(length, length) bool, True above the diagonal: position t may not attend to t+1, t+2, ..."""
    return mg.tensor(np.triu(np.ones((length, length), dtype=bool), k=1), device=device)


class CharTransformer(nn.Module):
    """ids (B, T) -> logits (B, T, vocab_size), T at most ``max_len``."""

    def __init__(self, vocab_size, d_model=128, nhead=4, num_layers=2, dim_feedforward=512, dropout=0.1,
                 max_len=256):
        super().__init__()
        self.d_model, self.max_len = d_model, max_len
        self.embed = nn.Embedding(vocab_size, d_model)
        self.pos = PositionalEncoding(d_model, max_len)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, batch_first=True,
                                           norm_first=True)  # pre-norm: trains well without warm-up
        self.encoder = nn.TransformerEncoder(layer, num_layers)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, ids):
        # Embedding entries start as N(0, 1) and PE entries lie in [-1, 1]: same scale, both heard.
        x = self.pos(self.embed(ids))
        x = self.encoder(x, mask=causal_mask(ids.shape[1], ids.device))
        return self.head(self.norm(x))

    def generate(self, prompt_ids, length, draw, device):
        """No state to carry: re-read the last ``max_len`` characters for every new one."""
        ids = list(int(i) for i in prompt_ids)
        for _ in range(length):
            context = mg.tensor([ids[-self.max_len:]], device=device)
            ids.append(draw(self(context)[0, -1]))
        return ids[len(prompt_ids):]


def build(vocab_size, config):
    return CharTransformer(vocab_size, config["d_model"], config["nhead"], config["num_layers"],
                           config["dim_feedforward"], config["dropout"], max_len=config["seq_len"])


def config_of(args):
    return {"d_model": args.d_model, "nhead": args.nhead, "num_layers": args.num_layers,
            "dim_feedforward": args.dim_feedforward, "dropout": args.dropout, "chars": args.chars,
            "seq_len": args.seq_len}


def main(argv=None):
    p = make_parser(__doc__.splitlines()[0], epochs=5, checkpoint="char_transformer.npz")
    add_lm_args(p, lr=3e-3)
    p.add_argument("--d-model", type=int, default=128)
    p.add_argument("--nhead", type=int, default=4)
    p.add_argument("--num-layers", type=int, default=2)
    p.add_argument("--dim-feedforward", type=int, default=512)
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--compare", action="store_true",
                   help="also train char_lstm.py's LSTM on the same data and plot both loss curves")
    p.add_argument("--lstm-lr", type=float, default=3e-3, help="the LSTM's learning rate with --compare")
    p.add_argument("--lstm-hidden-size", type=int, default=256, help="the LSTM's size with --compare")
    args = p.parse_args(argv)
    device = setup(args)

    if args.resume:
        return resume_lm(args, build, device)

    corpus = Corpus(args.chars, args.seq_len)
    print(f"{len(corpus.text)} characters, {len(corpus.vocab)} distinct; "
          f"{len(corpus.train)} training sequences of {args.seq_len}")
    model = build(len(corpus.vocab), config_of(args)).to(device)
    history = train_lm(model, corpus, args, device, "Transformer")
    final = history["val_loss"][-1] if args.epochs else evaluate_lm(model, corpus.val, device)
    print(f"Transformer: validation loss {final:.3f} nats/char after {args.epochs} epochs ({history.seconds:.0f}s, "
          f"{sum(q.numel() for q in model.parameters())} parameters)")
    if args.save:
        save_lm(args.save, model, corpus.vocab, config_of(args))
        print(f"saved the model to {args.save} (sample from it again with --resume)")
    result = {"val_loss": final, "losses": history.curves.get("step_loss", []), "history": history.curves,
              "seconds": history.seconds}
    train_curves = {"Transformer": history.curves.get("train_loss", [])}
    val_curves = {"Transformer": history.curves.get("val_loss", [])}

    if args.compare:
        import char_lstm

        mg.manual_seed(args.seed)
        config = dict(char_lstm.DEFAULTS, hidden_size=args.lstm_hidden_size)
        lstm = char_lstm.build(len(corpus.vocab), config).to(device)
        args.lr = args.lstm_lr
        lstm_history = train_lm(lstm, corpus, args, device, "LSTM")
        lstm_final = lstm_history["val_loss"][-1] if args.epochs else evaluate_lm(lstm, corpus.val, device)
        print(f"LSTM: validation loss {lstm_final:.3f} nats/char after {args.epochs} epochs "
              f"({lstm_history.seconds:.0f}s, {sum(q.numel() for q in lstm.parameters())} parameters)")
        train_curves["LSTM"] = lstm_history.curves.get("train_loss", [])
        val_curves["LSTM"] = lstm_history.curves.get("val_loss", [])
        result.update(lstm_val_loss=lstm_final, lstm_losses=lstm_history.curves.get("step_loss", []),
                      lstm_seconds=lstm_history.seconds)
        plot = args.plot or "char_models.png"
        plot_curves(plot, {"training loss (nats/char)": train_curves, "validation loss (nats/char)": val_curves},
                    title="Transformer and LSTM on the pydoc text")
    elif args.plot:
        plot_curves(args.plot, {"training loss (nats/char)": train_curves, "validation loss (nats/char)": val_curves},
                    title="character-level Transformer")
    return result


if __name__ == "__main__":
    main()
