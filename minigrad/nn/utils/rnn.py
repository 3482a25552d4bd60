"""Variable-length sequences for the recurrent layers: padding and packing, as in PyTorch.

A batch of sequences of different lengths is stored padded to the longest, (T, B, *). Run as
is, an RNN would also step through the padding: the outputs at real steps stay right, but the
final state h_n would be taken after the padding. Packing tells the layer the lengths.

``PackedSequence(data, batch_sizes, sorted_indices, unsorted_indices)`` is PyTorch's layout:
the sequences sorted by decreasing length, and their real steps stored time step by time
step: ``data`` holds, for t = 0, 1, ..., the step-t entries of the ``batch_sizes[t]``
sequences that are still running (the longest first). ``sorted_indices[j]`` is the original
batch position of the j-th longest sequence (None when the batch came sorted) and
``unsorted_indices`` its inverse.

Example::

    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    out, (h_n, c_n) = lstm(packed)                       # h_n: each sequence's own last step
    out, lengths = pad_packed_sequence(out, batch_first=True)

Inside the layer, the packed batch is unpacked and each sequence's state is frozen past its
length (a mask per step), so padded steps change neither the outputs at valid steps nor h_n.
Packing and unpacking are one gather each (integer-array indexing), so gradients flow.
"""

from collections import namedtuple

import numpy as np

from ... import backend, creation
from ...errors import ArgumentError, ArgumentTypeError, DTypeError, ShapeError
from ...ops.padding import pad
from ...ops.shape import cat, reshape, stack
from ...tensor import Tensor


class PackedSequence(namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """Sequences of different lengths, packed (see the module docstring). Build it with
    ``pack_padded_sequence`` or ``pack_sequence`` rather than by hand."""

    def __new__(cls, data, batch_sizes, sorted_indices=None, unsorted_indices=None):
        if sorted_indices is not None and unsorted_indices is None:
            unsorted_indices = Tensor._make(np.argsort(_numpy(sorted_indices)))
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """The same packing with ``data`` moved or cast (the index tensors stay on the CPU)."""
        return self._replace(data=self.data.to(*args, **kwargs))

    @property
    def is_cuda(self):
        return self.data.is_cuda


def _numpy(t):
    """Lengths, batch sizes and sorting indices as NumPy arrays: host data, as in PyTorch (a
    cuda tensor of lengths is copied to the host, the one wait for the GPU it costs)."""
    return backend.to_device(t.array, "cpu") if isinstance(t, Tensor) else np.asarray(t)


def _index_on(array, like):
    """An integer index array moved to ``like``'s device."""
    return backend.to_device(np.ascontiguousarray(array, dtype=np.int64), like.device)


def _packed_rows(batch_sizes, order, batch):
    """For each row of ``data``, its row in the padded (T·B, *) view: t·B + original batch index.

    Row r of data is step t of the j-th longest sequence, where t counts how many steps'
    blocks come before r and j is r's position within its block.
    """
    steps = np.repeat(np.arange(len(batch_sizes)), batch_sizes)
    starts = np.cumsum(batch_sizes) - batch_sizes
    j = np.arange(int(batch_sizes.sum())) - np.repeat(starts, batch_sizes)
    return steps * batch + np.asarray(order)[j]


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch (T, B, *) (or (B, T, *) with ``batch_first``) with the given lengths.

    ``lengths``: one positive int per sequence, at most T. With ``enforce_sorted`` they must be
    in decreasing order; otherwise the batch is sorted here and ``sorted_indices`` records how.
    """
    if not isinstance(input, Tensor) or input.ndim < 2:
        raise ShapeError("pack_padded_sequence: expected a padded tensor of at least 2 dimensions "
                         f"(T, B, *), got {tuple(input.shape) if isinstance(input, Tensor) else type(input).__name__}")
    x = input.transpose(0, 1) if batch_first else input
    steps, batch = x.shape[0], x.shape[1]
    lengths = _numpy(lengths)
    if lengths.dtype.kind not in "iu":
        raise DTypeError(f"pack_padded_sequence: lengths must be integers, got dtype {lengths.dtype}")
    if lengths.shape != (batch,):
        raise ShapeError(f"pack_padded_sequence: expected one length per sequence, {batch} in all, "
                         f"got lengths of shape {lengths.shape}")
    if batch and lengths.min() <= 0:
        raise ArgumentError(f"pack_padded_sequence: every length must be at least 1, got {lengths.tolist()}")
    if batch and lengths.max() > steps:
        raise ShapeError(f"pack_padded_sequence: a length of {int(lengths.max())} is longer than the "
                         f"padded sequence ({steps} steps; input shape {tuple(input.shape)}, "
                         f"batch_first={batch_first})")
    if enforce_sorted:
        if np.any(np.diff(lengths) > 0):
            raise ArgumentError("pack_padded_sequence: lengths must be sorted in decreasing order when "
                             f"enforce_sorted=True, got {lengths.tolist()}; pass enforce_sorted=False "
                             "to have them sorted here")
        order, sorted_indices = np.arange(batch), None
    else:
        order = np.argsort(-lengths, kind="stable")
        sorted_indices = Tensor._make(order.astype(np.int64))
    longest = int(lengths.max()) if batch else 0
    batch_sizes = (np.arange(longest)[:, None] < lengths[order][None, :]).sum(axis=1).astype(np.int64)
    rows = _packed_rows(batch_sizes, order, batch)
    data = reshape(x, (steps * batch,) + tuple(x.shape[2:]))[_index_on(rows, x)]
    return PackedSequence(data, Tensor._make(batch_sizes), sorted_indices)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo ``pack_padded_sequence``: (padded (T, B, *) or (B, T, *), lengths), original batch order.

    T is the longest length, or ``total_length`` when given (it must be at least that).
    """
    if not isinstance(sequence, PackedSequence):
        raise ArgumentTypeError(f"pad_packed_sequence: expected a PackedSequence, got {type(sequence).__name__}")
    data = sequence.data
    batch_sizes = _numpy(sequence.batch_sizes).astype(np.int64)
    batch = int(batch_sizes[0])
    steps = len(batch_sizes)
    if total_length is not None:
        if total_length < steps:
            raise ArgumentError(f"pad_packed_sequence: total_length={total_length} is shorter than the longest "
                             f"sequence ({steps} steps)")
        steps = int(total_length)
    order = np.arange(batch) if sequence.sorted_indices is None else _numpy(sequence.sorted_indices)
    rows = _packed_rows(batch_sizes, order, batch)
    # each padded row takes its packed row, or the extra row of padding_value appended below
    source = np.full(steps * batch, data.shape[0], dtype=np.int64)
    source[rows] = np.arange(data.shape[0])
    filler = creation.full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype, device=data.device)
    padded = cat([data, filler], dim=0)[_index_on(source, data)]
    padded = reshape(padded, (steps, batch) + tuple(data.shape[1:]))
    lengths = np.empty(batch, dtype=np.int64)
    lengths[order] = (batch_sizes[:, None] > np.arange(batch)[None, :]).sum(axis=0)
    return (padded.transpose(0, 1) if batch_first else padded), Tensor._make(lengths)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack tensors of shapes (L_i, *) into one (T, B, *) (or (B, T, *)) padded with
    ``padding_value`` after each sequence (``padding_side="left"``: before it)."""
    if not sequences:
        raise ArgumentError("pad_sequence: expected a non-empty list of tensors")
    if padding_side not in ("left", "right"):
        raise ArgumentError(f"pad_sequence: padding_side must be 'left' or 'right', got {padding_side!r}")
    longest = max(s.shape[0] for s in sequences)
    padded = [pad(s, (0, 0) * (s.ndim - 1) + ((longest - s.shape[0], 0) if padding_side == "left"
                                               else (0, longest - s.shape[0])), value=padding_value)
              for s in sequences]
    return stack(padded, dim=0 if batch_first else 1)


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of tensors (L_i, *): ``pack_padded_sequence(pad_sequence(...), lengths)``."""
    lengths = np.array([s.shape[0] for s in sequences], dtype=np.int64)
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of tensors (L_i, *) that pad_sequence padded: sequence i cut to lengths[i]."""
    lengths = _numpy(lengths) if isinstance(lengths, Tensor) else np.asarray(lengths)
    seqs = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [seqs[i, :int(n)] for i, n in enumerate(lengths)]


def unpack_sequence(packed_sequences):
    """The list of tensors a PackedSequence holds, in their original order (pack_sequence's input)."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


# ---- what the recurrent layers use ---------------------------------------------------------------
def _padded_from_packed(packed):
    """(time-major padded input in original batch order, lengths as a NumPy array)."""
    padded, lengths = pad_packed_sequence(packed)
    return padded, lengths.array  # a host array: the lengths never went to the GPU


def _packed_from_padded(x, like):
    """Pack the time-major output ``x`` (T, B, H) the way ``like`` is packed."""
    batch_sizes = _numpy(like.batch_sizes).astype(np.int64)
    batch = int(batch_sizes[0])
    order = np.arange(batch) if like.sorted_indices is None else _numpy(like.sorted_indices)
    rows = _packed_rows(batch_sizes, order, batch)
    data = reshape(x, (x.shape[0] * batch,) + tuple(x.shape[2:]))[_index_on(rows, x)]
    return PackedSequence(data, like.batch_sizes, like.sorted_indices, like.unsorted_indices)
