"""The data ``fit``, ``evaluate`` and ``predict`` accept, cut into batches.

Two kinds of input:

- **arrays** held in memory: NumPy arrays, minigrad Tensors, Python lists of numbers (flat or
  nested, turned into one array), or a list/tuple/dict of arrays for a model with several
  inputs. They are cut into batches of ``batch_size`` (32 by default), in a new random order
  each epoch when ``shuffle``; the last batch may be smaller.
- **batches made elsewhere**: a ``minigrad.data.DataLoader``, a generator or any iterable whose
  items are ``(x, y)`` or ``(x, y, sample_weight)`` (or ``x`` alone for ``predict``). Batch
  size and shuffling are the loader's business then.

As in Keras, floating inputs become float32 and integer inputs int64 (what an ``Embedding``
takes); labels keep their kind (integers for sparse labels, floats otherwise).
"""

import math

import numpy as np

from .. import backend
from ..creation import rand, randperm
from ..errors import ArgumentError, ShapeError
from ..tensor import Tensor


def map_structure(fn, x):
    """``fn`` applied to every array of a structure (an array, or a list/tuple/dict of them)."""
    if isinstance(x, dict):
        return {k: map_structure(fn, v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(map_structure(fn, v) for v in x)
    return None if x is None else fn(x)


def flatten(x):
    if isinstance(x, dict):
        return [a for v in x.values() for a in flatten(v)]
    if isinstance(x, (list, tuple)):
        return [a for v in x for a in flatten(v)]
    return [] if x is None else [x]


def is_structure(x):
    """A list/tuple/dict of arrays (several inputs), as opposed to a list of numbers (one array)."""
    if isinstance(x, dict):
        return True
    return isinstance(x, (list, tuple)) and len(x) > 0 and all(
        isinstance(v, (np.ndarray, Tensor, dict)) or is_structure(v) for v in x)


def to_array(x, name="x"):
    """One input as an array: Tensors give their array (NumPy or CuPy), lists become NumPy arrays."""
    if isinstance(x, Tensor):
        return x.array
    if hasattr(x, "__cuda_array_interface__") or isinstance(x, np.ndarray):
        return x
    try:
        array = np.asarray(x)
    except ValueError:  # NumPy refuses ragged nested lists
        array = np.empty(0, dtype=object)
    if array.dtype == object:
        raise ArgumentError(f"{name}: the nested lists have rows of different lengths (pad them to one length, "
                            "e.g. with keras.utils.pad_sequences)")
    return array


def standardize(x, name="x"):
    """A structure of inputs as a structure of arrays."""
    if x is None:
        return None
    if is_structure(x):
        return map_structure(lambda v: to_array(v, name), x)
    return to_array(x, name)


def to_model_tensor(array, device=None, labels=False):
    """A batch array as the Tensor the model (or loss) takes: float32 / int64 / bool, on ``device``."""
    kind = array.dtype.kind
    if kind == "f" and array.dtype != np.float32:
        array = array.astype(np.float32)
    elif kind in "iu" and array.dtype != np.int64:
        array = array.astype(np.int64)
    elif kind == "b" and labels:
        array = array.astype(np.float32)
    elif kind not in "fiub":
        raise ArgumentError(f"cannot feed an array of dtype {array.dtype} to a model (numbers expected)")
    if device is not None and backend.device_of(array) != backend.Device(device):
        array = backend.to_device(array, device)
    return Tensor._make(array)


def num_samples(arrays):
    """The common length of the arrays' first axes, or a clear error when they disagree."""
    sizes = {}
    for label, structure in arrays.items():
        for a in flatten(structure):
            if a.ndim == 0:
                raise ShapeError(f"{label}: expected arrays with a batch axis, got a scalar")
            sizes.setdefault(a.shape[0], []).append(label)
    if len(sizes) > 1:
        detail = ", ".join(f"{'/'.join(sorted(set(v)))}: {k}" for k, v in sizes.items())
        raise ShapeError(f"data cardinality is ambiguous: make sure all arrays contain the same number of samples "
                         f"({detail})")
    return next(iter(sizes)) if sizes else 0


def train_validation_split(arrays, validation_split):
    """Split (x, y, sample_weight) into the first 1 - v and the *last* v of the samples, unshuffled."""
    n = num_samples(dict(zip(("x", "y", "sample_weight"), arrays)))
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ArgumentError(f"training data contains {n} samples, which is not enough to split into a training "
                            f"and a validation set with validation_split={validation_split}")
    head = tuple(map_structure(lambda a: a[:split_at], s) for s in arrays)
    tail = tuple(map_structure(lambda a: a[split_at:], s) for s in arrays)
    return head, tail


def unpack(batch):
    """(x, y, sample_weight) from a batch given as x, (x,), (x, y) or (x, y, sample_weight)."""
    if isinstance(batch, (list, tuple)):
        if len(batch) == 1:
            return batch[0], None, None
        if len(batch) == 2:
            return batch[0], batch[1], None
        if len(batch) == 3:
            return tuple(batch)
        raise ArgumentError(f"a batch must be x, (x, y) or (x, y, sample_weight); got a sequence of "
                            f"{len(batch)} items")
    return batch, None, None


def is_array_like(x):
    return (x is None or isinstance(x, (np.ndarray, Tensor, list, tuple, dict, int, float))
            or hasattr(x, "__cuda_array_interface__"))


class ArrayBatches:
    """Batches sliced from arrays in memory: one epoch per iteration, reshuffled each time."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, shuffle=False, class_weight=None):
        self.x, self.y = standardize(x, "x"), standardize(y, "y")
        self.sample_weight = standardize(sample_weight, "sample_weight")
        if class_weight is not None:
            self.sample_weight = class_weights_to_sample_weights(self.y, class_weight, self.sample_weight)
        self.batch_size = 32 if batch_size is None else int(batch_size)
        if self.batch_size < 1:
            raise ArgumentError(f"batch_size must be a positive integer, got {batch_size}")
        self.shuffle = shuffle
        self.num_samples = num_samples({"x": self.x, "y": self.y, "sample_weight": self.sample_weight})

    @property
    def num_batches(self):
        return math.ceil(self.num_samples / self.batch_size)

    def _order(self):
        n, size = self.num_samples, self.batch_size
        if self.shuffle == "batch":  # shuffled within each batch-sized chunk only: sort by (chunk, random key)
            return np.lexsort((rand(n).numpy(), np.arange(n) // size))
        if self.shuffle:
            return randperm(n).numpy()
        return None

    def __iter__(self):
        order = self._order()
        for start in range(0, self.num_samples, self.batch_size):
            stop = min(start + self.batch_size, self.num_samples)
            if order is None:
                take = slice(start, stop)
            else:
                take = order[start:stop]

            def cut(a, take=take):
                return a[take] if isinstance(take, slice) else a[backend.to_device(take, backend.device_of(a))]
            yield (map_structure(cut, self.x), map_structure(cut, self.y), map_structure(cut, self.sample_weight))


class IterableBatches:
    """Batches from a DataLoader, a generator or any iterable of (x, y[, sample_weight]).

    ``steps`` (fit's ``steps_per_epoch``) caps an epoch; it is required for an iterable with no
    length, which may never end. An iterator that cannot restart is read on across epochs.
    """

    def __init__(self, data, steps=None):
        self.data, self.steps = data, steps
        self._iterator = None

    @property
    def num_batches(self):
        """Batches per epoch: ``steps``, else the source's length, else None (unknown)."""
        if self.steps is not None:
            return self.steps
        return len(self.data) if hasattr(self.data, "__len__") else None

    def __iter__(self):
        restartable = not hasattr(self.data, "__next__")  # a DataLoader or a list, not a generator
        if restartable or self._iterator is None:
            self._iterator = iter(self.data)
        for i, batch in enumerate(self._iterator):
            yield unpack(batch)
            if self.steps is not None and i + 1 >= self.steps:
                break


def make_batches(x, y=None, sample_weight=None, batch_size=None, shuffle=False, steps=None, class_weight=None):
    """The batches of one epoch's data, whatever form it came in."""
    if is_array_like(x):
        if x is None:
            raise ArgumentError("no input data given (x is None)")
        data = ArrayBatches(x, y, sample_weight, batch_size, shuffle, class_weight)
        if steps is not None:
            data.num_samples = min(data.num_samples, steps * data.batch_size)
        return data
    if y is not None or sample_weight is not None:
        raise ArgumentError(f"when x is a {type(x).__name__} (a source of batches), y and sample_weight come from it "
                            "and must not be given separately")
    if batch_size is not None:
        raise ArgumentError(f"do not give batch_size when x is a {type(x).__name__}: it makes its own batches")
    return IterableBatches(x, steps)


def class_weights_to_sample_weights(y, class_weight, sample_weight=None):
    """Each sample weighted by its class's entry in ``class_weight`` (times any sample weight)."""
    if y is None or isinstance(y, (dict, list, tuple)):
        raise ArgumentError("class_weight needs a single array of labels y")
    y = backend.to_device(y, "cpu") if not isinstance(y, np.ndarray) else y
    classes = y.argmax(-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(y.shape[0], -1)[:, 0]
    classes = np.rint(classes).astype(np.int64)
    table = np.ones(max(int(classes.max()) + 1, max(class_weight) + 1), dtype=np.float32)
    for c, w in class_weight.items():
        table[int(c)] = w
    weights = table[classes]
    return weights if sample_weight is None else weights * np.asarray(sample_weight, dtype=np.float32)
