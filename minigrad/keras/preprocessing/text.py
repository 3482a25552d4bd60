"""Keras's text ``Tokenizer``: words to integer ids, ranked by how often they occur.

The rules (those of ``keras.preprocessing.text`` in Keras 2; Keras 3 removed it):

- A text becomes words by lower-casing it (``lower``), replacing every character of
  ``filters`` (punctuation, tab, newline) by ``split`` (a space), splitting on ``split`` and
  dropping empty pieces. With ``char_level`` each character is a token; a text given as a
  list is taken as its tokens already.
- ``fit_on_texts`` counts the words; ``word_index`` numbers them from 1 by decreasing count
  (ties keep the order in which the words first appeared). 0 is never a word: it is left
  for padding. An ``oov_token`` ("out of vocabulary") takes index 1 and stands for words not
  seen in training.
- ``num_words`` keeps only the ids below it (the num_words - 1 most frequent words) when
  texts are converted; ``word_index`` itself still lists every word.
"""

import json
from collections import OrderedDict, defaultdict

import numpy as np

from ...errors import ArgumentError

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(input_text, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """The words of a text: lower-cased, filter characters turned into ``split``, split on it.

        >>> text_to_word_sequence("Hello, world! Hello.")
        ['hello', 'world', 'hello']
    """
    if lower:
        input_text = input_text.lower()
    input_text = input_text.translate(str.maketrans({c: split for c in filters}))
    return [w for w in input_text.split(split) if w]


class Tokenizer:
    """Turn texts into sequences of word ids (``texts_to_sequences``) or into bag-of-words rows
    (``texts_to_matrix``), after learning the vocabulary with ``fit_on_texts``.

        >>> t = Tokenizer(oov_token="<unk>")
        >>> t.fit_on_texts(["the cat sat", "the dog sat down"])
        >>> t.word_index
        {'<unk>': 1, 'the': 2, 'sat': 3, 'cat': 4, 'dog': 5, 'down': 6}
        >>> t.texts_to_sequences(["the bird sat"])
        [[2, 1, 3]]
    """

    def __init__(self, num_words=None, filters=DEFAULT_FILTERS, lower=True, split=" ", char_level=False,
                 oov_token=None, analyzer=None, document_count=0, **kwargs):
        if kwargs:
            raise ArgumentError(f"Tokenizer: unrecognized keyword arguments: {sorted(kwargs)}")
        if num_words is not None and num_words < 1:
            raise ArgumentError(f"Tokenizer: num_words must be a positive integer or None, got {num_words}")
        self.num_words, self.filters, self.lower, self.split = num_words, filters, lower, split
        self.char_level, self.oov_token, self.analyzer = char_level, oov_token, analyzer
        self.document_count = document_count
        self.word_counts = OrderedDict()  # word -> occurrences, in order of first appearance
        self.word_docs = defaultdict(int)  # word -> number of texts it occurs in
        self.index_docs = defaultdict(int)  # id -> number of texts it occurs in
        self.word_index, self.index_word = {}, {}

    def _tokens(self, text):
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return list(text)
        if self.analyzer is not None:
            return self.analyzer(text)
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    # ---- learning the vocabulary ----------------------------------------------------------
    def fit_on_texts(self, texts):
        """Count the words of ``texts`` (a list of strings, or of token lists) and rank them."""
        if isinstance(texts, str):
            raise ArgumentError("Tokenizer.fit_on_texts: expected a list of texts, got a single string "
                                "(wrap it in a list)")
        for text in texts:
            self.document_count += 1
            tokens = self._tokens(text)
            for w in tokens:
                self.word_counts[w] = self.word_counts.get(w, 0) + 1
            for w in set(tokens):
                self.word_docs[w] += 1
        ranked = sorted(self.word_counts.items(), key=lambda wc: wc[1], reverse=True)  # stable: ties keep order
        vocabulary = ([] if self.oov_token is None else [self.oov_token]) + [w for w, _ in ranked]
        self.word_index = dict(zip(vocabulary, range(1, len(vocabulary) + 1)))
        self.index_word = {i: w for w, i in self.word_index.items()}
        for w, c in self.word_docs.items():
            self.index_docs[self.word_index[w]] = c

    def fit_on_sequences(self, sequences):
        """Count, for ``tfidf``, in how many sequences of ids each id occurs."""
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] += 1

    # ---- texts to ids and back ------------------------------------------------------------
    def texts_to_sequences(self, texts):
        """Each text as the list of its words' ids (unknown words dropped, or the oov id)."""
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        oov = self.word_index.get(self.oov_token)
        for text in texts:
            ids = []
            for w in self._tokens(text):
                i = self.word_index.get(w)
                if i is not None and not (self.num_words and i >= self.num_words):
                    ids.append(i)
                elif oov is not None:
                    ids.append(oov)
            yield ids

    def sequences_to_texts(self, sequences):
        """Each sequence of ids back as words joined by spaces (ids out of range: the oov word, or dropped)."""
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences):
        oov = self.word_index.get(self.oov_token)
        for seq in sequences:
            words = []
            for i in seq:
                i = int(i)
                word = self.index_word.get(i)
                if word is not None and not (self.num_words and i >= self.num_words):
                    words.append(word)
                elif oov is not None:
                    words.append(self.index_word[oov])
            yield " ".join(words)

    # ---- bag-of-words matrices ------------------------------------------------------------
    def texts_to_matrix(self, texts, mode="binary"):
        """One row per text, one column per id (0 unused): see ``sequences_to_matrix``."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        """A float64 matrix (len(sequences), num_words) whose entry (i, j) is, for id j in sequence i:

        - ``binary``: 1 if it occurs;  ``count``: how many times;  ``freq``: count / len(sequence);
        - ``tfidf``: (1 + log count) · log(1 + documents / (1 + documents containing j)).

        Without ``num_words`` the width is len(word_index) + 1; ids past the width are ignored.
        """
        if mode not in ("binary", "count", "freq", "tfidf"):
            raise ArgumentError(f"Tokenizer: unknown vectorization mode {mode!r} "
                                "(use 'binary', 'count', 'freq' or 'tfidf')")
        if self.num_words:
            width = self.num_words
        elif self.word_index:
            width = len(self.word_index) + 1
        else:
            raise ArgumentError("Tokenizer: specify a dimension (num_words), or fit on some text data first")
        if mode == "tfidf" and not self.document_count:
            raise ArgumentError("Tokenizer: fit the Tokenizer on some data before using tfidf mode")
        lengths = np.array([len(s) for s in sequences], dtype=np.int64)
        ids = np.concatenate([np.asarray(s, dtype=np.int64).reshape(-1) for s in sequences] + [np.zeros(0, np.int64)])
        rows = np.repeat(np.arange(len(lengths)), lengths)
        keep = ids < width
        counts = np.zeros((len(lengths), width))
        np.add.at(counts, (rows[keep], ids[keep]), 1)
        if mode == "count":
            return counts
        if mode == "binary":
            return (counts > 0).astype(np.float64)
        if mode == "freq":
            return counts / np.maximum(lengths, 1)[:, None]
        docs = np.array([self.index_docs.get(j, 0) for j in range(width)], dtype=np.float64)
        idf = np.log(1 + self.document_count / (1 + docs))
        with np.errstate(divide="ignore"):
            tf = np.where(counts > 0, 1 + np.log(counts), 0.0)
        return tf * idf

    # ---- saving ---------------------------------------------------------------------------
    def get_config(self):
        return {
            "num_words": self.num_words, "filters": self.filters, "lower": self.lower, "split": self.split,
            "char_level": self.char_level, "oov_token": self.oov_token, "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts), "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs), "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs):
        """The tokenizer (its settings and vocabulary) as JSON text; ``tokenizer_from_json`` reads it back."""
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()}, **kwargs)


def tokenizer_from_json(json_string):
    """The Tokenizer that ``Tokenizer.to_json`` wrote."""
    config = dict(json.loads(json_string)["config"])
    tables = {k: json.loads(config.pop(k)) for k in ("word_counts", "word_docs", "index_docs", "index_word",
                                                     "word_index")}
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = OrderedDict(tables["word_counts"])
    tokenizer.word_docs = defaultdict(int, tables["word_docs"])
    tokenizer.index_docs = defaultdict(int, {int(k): v for k, v in tables["index_docs"].items()})
    tokenizer.index_word = {int(k): v for k, v in tables["index_word"].items()}
    tokenizer.word_index = tables["word_index"]
    return tokenizer
