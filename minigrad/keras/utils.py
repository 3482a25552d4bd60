"""``keras.utils``: one-hot labels, normalising rows, padding sequences, seeding, the progress bar."""

import random

import numpy as np

from ..errors import ArgumentError
from .preprocessing.sequence import pad_sequences
from .progbar import Progbar


def to_categorical(x, num_classes=None):
    """Integer class labels as one-hot rows: label c becomes a row of zeros with a 1 at c.

    Labels of shape (n,) or (n, 1) give (n, num_classes); ``num_classes`` defaults to the
    largest label + 1. The result is float64, as in Keras 3 (``astype("float32")`` for less).

        >>> to_categorical([0, 2, 1])
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]])
    """
    x = np.array(x.numpy() if hasattr(x, "numpy") else x, dtype=np.int64)
    shape = x.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    x = x.reshape(-1)
    if not num_classes:
        num_classes = int(x.max()) + 1 if x.size else 0
    if x.size and (x.min() < 0 or x.max() >= num_classes):
        raise ArgumentError(f"to_categorical: labels must be in [0, {num_classes}), got labels from {x.min()} "
                            f"to {x.max()}")
    categorical = np.zeros((x.shape[0], num_classes))
    categorical[np.arange(x.shape[0]), x] = 1
    return categorical.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    """``x`` divided by its ``order``-norm along ``axis`` (rows of norm 0 are left as they are).

    (Keras reads ``axis=0`` as -1, and returns a 1-axis ``x`` as one row; here the axis is the
    one given and the shape stays.)
    """
    x = np.asarray(x)
    norm = np.linalg.norm(x, order, axis, keepdims=True)
    return x / np.where(norm == 0, 1, norm)


def set_random_seed(seed):
    """Seed every generator training draws from: Python's, NumPy's global one and minigrad's."""
    from .. import manual_seed
    if not isinstance(seed, int):
        raise ArgumentError(f"set_random_seed: the seed must be an integer, got {type(seed).__name__}")
    random.seed(seed)
    np.random.seed(seed)
    manual_seed(seed)


__all__ = ["to_categorical", "normalize", "pad_sequences", "set_random_seed", "Progbar"]
