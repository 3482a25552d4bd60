"""A text corpus that ships with every CPython, and character-level language-model data.

The corpus is the help text that ``pydoc`` shows for keywords and topics (``help("for")``),
kept in the standard library module ``pydoc_data.topics``: about half a million characters
of English prose and Python code. No download.

For next-character prediction the text becomes integer ids (``CharVocab``), and the ids
are cut into windows of ``seq_len + 1`` characters: the model reads the first ``seq_len``
and, at every position, predicts the character that follows (the window shifted by one).
"""

import numpy as np

from ..errors import ArgumentError
from .dataset import TensorDataset


def load_text(max_chars=None):
    """The pydoc topics text, topics in alphabetical order, at most ``max_chars`` characters."""
    try:
        from pydoc_data import topics
    except ImportError:  # some Linux distributions split the standard library into packages
        raise ModuleNotFoundError(
            "the text corpus is the standard library's pydoc_data.topics, which this Python lacks; "
            "install your distribution's full Python standard library package"
        ) from None
    text = "\n\n".join(topics.topics[name] for name in sorted(topics.topics))
    return text if max_chars is None else text[:max_chars]


class CharVocab:
    """The characters of a text, each given an id: ``encode`` text -> ids, ``decode`` ids -> text."""

    def __init__(self, text):
        self.chars = sorted(set(text))
        self.stoi = {c: i for i, c in enumerate(self.chars)}

    def __len__(self):
        return len(self.chars)

    def __repr__(self):
        return f"CharVocab({len(self)} characters)"

    def encode(self, text):
        """The ids of the characters of ``text`` as an int64 array."""
        try:
            return np.fromiter((self.stoi[c] for c in text), dtype=np.int64, count=len(text))
        except KeyError as e:
            raise KeyError(f"CharVocab.encode: character {e.args[0]!r} is not in the vocabulary") from None

    def decode(self, ids):
        """The text spelled by ``ids`` (a list, an array or a Tensor of ints)."""
        ids = np.asarray(ids.cpu().numpy() if hasattr(ids, "cpu") else ids).reshape(-1)
        return "".join(self.chars[int(i)] for i in ids)

    def to_array(self):
        """The vocabulary as an int array of code points (to save next to a model's weights)."""
        return np.array([ord(c) for c in self.chars], dtype=np.int64)

    @classmethod
    def from_array(cls, codes):
        """Rebuild a vocabulary saved with ``to_array``."""
        vocab = cls("")
        vocab.chars = [chr(int(c)) for c in np.asarray(codes)]
        vocab.stoi = {c: i for i, c in enumerate(vocab.chars)}
        return vocab


class CharSequenceDataset(TensorDataset):
    """Next-character examples: ``ds[i] = (x, y)``, two int64 sequences of length ``seq_len``.

    Window i starts at character ``i * stride`` (``stride`` defaults to ``seq_len``, so the
    windows tile the text) and ``y`` is ``x`` moved on by one character. The windows are
    views of one array (``sliding_window_view``): a batch is copied out only when indexed.
    """

    def __init__(self, ids, seq_len, stride=None):
        ids = np.asarray(ids, dtype=np.int64)
        stride = seq_len if stride is None else stride
        if seq_len < 1 or stride < 1:
            raise ArgumentError(f"CharSequenceDataset: seq_len and stride must be positive, got {seq_len}, {stride}")
        if len(ids) < seq_len + 1:
            raise ArgumentError(f"CharSequenceDataset: {len(ids)} ids are too few for one window of {seq_len + 1}")
        windows = np.lib.stride_tricks.sliding_window_view(ids, seq_len + 1)[::stride]
        super().__init__(windows[:, :-1], windows[:, 1:])
        self.seq_len, self.stride = seq_len, stride
