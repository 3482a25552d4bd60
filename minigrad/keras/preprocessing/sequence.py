"""``pad_sequences``: lists of different lengths made into one rectangular array."""

import numpy as np

from ...errors import ArgumentError, ShapeError


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """Pad (or cut) every sequence to ``maxlen`` entries; an array of shape (len(sequences), maxlen).

    ``maxlen`` defaults to the longest sequence. A longer sequence loses entries from its
    start (``truncating="pre"``, the default) or its end (``"post"``); a shorter one gets
    ``value`` added before it (``padding="pre"``, the default, so that the real tokens sit
    next to the end, where a recurrent layer reads last) or after it (``"post"``). Entries may
    themselves be arrays (all of one shape), giving an array of shape (n, maxlen, ...).

        >>> pad_sequences([[1, 2, 3], [4]], maxlen=2)
        array([[2, 3],
               [0, 4]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ArgumentError("pad_sequences: `sequences` must be a list of sequences")
    if padding not in ("pre", "post"):
        raise ArgumentError(f'pad_sequences: padding type "{padding}" not understood (use "pre" or "post")')
    if truncating not in ("pre", "post"):
        raise ArgumentError(f'pad_sequences: truncating type "{truncating}" not understood (use "pre" or "post")')
    is_text = np.issubdtype(np.dtype(dtype), np.str_) or np.issubdtype(np.dtype(dtype), np.bytes_)
    if isinstance(value, str) and dtype is not object and not is_text:
        raise ArgumentError(f"pad_sequences: dtype {dtype} cannot hold the padding value {value!r}; "
                            "use dtype=object for strings")
    try:
        lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    except TypeError:
        raise ArgumentError("pad_sequences: `sequences` must be a list of sequences (lists or arrays), "
                            "found an item with no length") from None
    arrays = [np.asarray(s, dtype=dtype) for s in sequences if len(s)]
    sample_shape = arrays[0].shape[1:] if arrays else ()
    for i, a in enumerate(arrays):
        if a.shape[1:] != sample_shape:
            raise ShapeError(f"pad_sequences: the entries of sequence {i} have shape {a.shape[1:]}, the first "
                             f"sequence's have shape {sample_shape}")
    if maxlen is None:
        maxlen = int(lengths.max()) if len(lengths) else 0
    out = np.full((len(lengths), maxlen) + sample_shape, value, dtype=dtype)
    if not arrays:
        return out
    # Each sequence keeps `kept` entries: its last ones ("pre") or its first ("post") ...
    kept = np.minimum(lengths, maxlen)
    first = lengths - kept if truncating == "pre" else np.zeros_like(lengths)
    # ... and they go to the end of its row ("pre" padding) or its start ("post").
    column0 = maxlen - kept if padding == "pre" else np.zeros_like(lengths)
    row = np.repeat(np.arange(len(lengths)), kept)
    step = np.arange(kept.sum()) - np.repeat(np.cumsum(kept) - kept, kept)  # 0, 1, ... within each sequence
    starts = np.cumsum(lengths) - lengths  # where each sequence begins in the concatenation
    out[row, np.repeat(column0, kept) + step] = np.concatenate(arrays)[np.repeat(starts + first, kept) + step]
    return out
