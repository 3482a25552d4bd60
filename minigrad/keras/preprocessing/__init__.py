"""Keras's preprocessing: ``text.Tokenizer`` (words to integer ids) and ``sequence.pad_sequences``."""

from . import sequence, text

__all__ = ["sequence", "text"]
