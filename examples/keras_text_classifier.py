"""The Keras text classifier (Tokenizer, pad_sequences, Embedding, LSTM) on real text.

The program is the classic Keras one, run by minigrad.keras: a Tokenizer numbers the words,
pad_sequences makes every passage 40 ids long, an Embedding turns ids into vectors, an LSTM
reads them and one sigmoid unit answers yes or no. The text is Python's own help (the
pydoc topics every CPython ships): each paragraph comes either from the chapters on
statements and execution ("try", "with", "import", "class", ...) or from those on built-in
types ("str" methods, format strings, sequences, mappings, numbers), and the model learns
to tell which, from the words alone. Paragraphs are shuffled once and the last fifth is held
out; Keras's ``validation_split`` reports its loss and accuracy after every epoch.

    python examples/keras_text_classifier.py
    python examples/keras_text_classifier.py --epochs 3 --plot keras_text.png
"""

import re

from _common import make_parser, plot_curves, setup

import numpy as np

import minigrad as tf
from minigrad.keras.preprocessing.sequence import pad_sequences
from minigrad.keras.preprocessing.text import Tokenizer

CHAPTERS = {
    0: ("compound", "try", "with", "for", "raise", "exceptions", "execmodel", "import", "assignment", "function",
        "class"),
    1: ("string-methods", "formatstrings", "strings", "typesseq", "typesmapping", "numeric-types", "types"),
}
NAMES = {0: "statements", 1: "built-in types"}


def load_passages(min_words=12):
    """(paragraphs, labels): every paragraph of at least ``min_words`` words of the chapters above."""
    from pydoc_data import topics
    texts, labels = [], []
    for label, chapters in CHAPTERS.items():
        for chapter in chapters:
            for paragraph in re.split(r"\n\s*\n", topics.topics[chapter]):
                if len(paragraph.split()) >= min_words:
                    texts.append(paragraph)
                    labels.append(label)
    return texts, labels


def main(argv=None):
    p = make_parser(__doc__.splitlines()[0], epochs=10)
    p.add_argument("--maxlen", type=int, default=40, help="words per passage after padding / cutting")
    p.add_argument("--num-words", type=int, default=2000, help="the vocabulary: the most frequent words")
    p.add_argument("--units", type=int, default=128, help="LSTM units")
    p.add_argument("--limit", type=int, default=None, help="use only N passages (quick tests)")
    args = p.parse_args(argv)
    device = setup(args)  # seeds minigrad: weights and the shuffling of each epoch

    texts, labels = load_passages()
    order = np.random.default_rng(args.seed).permutation(len(texts))[:args.limit]
    texts, labels = [texts[i] for i in order], [labels[i] for i in order]  # labels stay a plain list

    tokenizer = Tokenizer(num_words=args.num_words, oov_token="<OOV>")
    tokenizer.fit_on_texts(texts)
    sequences = tokenizer.texts_to_sequences(texts)
    padded = pad_sequences(sequences, maxlen=args.maxlen)

    model = tf.keras.Sequential([
        tf.keras.layers.Embedding(args.num_words, 64, input_length=args.maxlen),
        tf.keras.layers.LSTM(args.units),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.build((None, args.maxlen))  # make the weights now, to move them to the device
    model.to(device)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(padded, labels, epochs=args.epochs, batch_size=32, validation_split=0.2,
                        verbose=0 if args.quiet else "auto")

    logs = history.history
    if args.epochs:
        print(f"{len(texts)} passages, vocabulary {len(tokenizer.word_index)} words: held-out accuracy "
              f"{100 * logs['val_accuracy'][-1]:.1f}% after {args.epochs} epochs")
    examples = ["The with statement calls the context manager's __exit__ method.",
                "Return a copy of the string with leading and trailing characters removed."]
    scores = model.predict(pad_sequences(tokenizer.texts_to_sequences(examples), maxlen=args.maxlen), verbose=0)
    for text, score in zip(examples, scores[:, 0]):
        print(f"  {NAMES[int(score > 0.5)]:>14} ({score:.2f})  {text}")
    if args.plot:
        plot_curves(args.plot, {"loss": {"train": logs["loss"], "held out": logs["val_loss"]},
                                "accuracy": {"train": logs["accuracy"], "held out": logs["val_accuracy"]}},
                    title="Which chapter of Python's help is this paragraph from?")
    return {"history": logs, "scores": scores}


if __name__ == "__main__":
    main()
