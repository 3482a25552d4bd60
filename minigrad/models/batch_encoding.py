"""What a tokenizer hands a model: ``BatchEncoding``, and the truncation and padding rules.

A batch of sentences becomes three rectangles of integers, one row per sentence::

    input_ids        [CLS] my  dog [SEP] [PAD]      101 2026 3899  102    0
    token_type_ids     0    0   0    0     0          0    0    0    0    0
    attention_mask     1    1   1    1     0          1    1    1    1    0

``token_type_ids`` says which sentence of a pair a token belongs to (0 for the first, with its
[CLS] and [SEP]; 1 for the second and its [SEP]); ``attention_mask`` is 1 for real tokens and 0
for the padding that makes the rows equally long, so attention ignores the padding.

The rules are Hugging Face's (its ``tokenizers`` library):

- truncation ``"longest_first"`` (what ``True`` means) shortens a pair so that the longer
  sequence is cut first; when both must be cut, each keeps half the room, the longer one (the
  second on a tie) getting the odd token. ``"only_first"`` / ``"only_second"`` cut one
  sequence and refuse when it is too short to make room.
- padding ``True`` / ``"longest"`` pads every row to the longest one of the batch;
  ``"max_length"`` to ``max_length``; ``pad_to_multiple_of`` rounds the length up.
"""

import numpy as np

from ..errors import ArgumentError

TRUNCATIONS = ("longest_first", "only_first", "only_second", "do_not_truncate")
PADDINGS = ("longest", "max_length", "do_not_pad")
TENSOR_TYPES = ("mg", "np", "pt")


class BatchEncoding(dict):
    """A dict of ``input_ids``, ``token_type_ids``, ``attention_mask`` (whichever were asked
    for), readable as attributes too: ``enc.input_ids`` is ``enc["input_ids"]``. So a model
    takes it whole: ``model(**tokenizer(texts, padding=True, return_tensors="mg"))``."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"BatchEncoding has no field {name!r} (it has {', '.join(self)})") from None

    def to(self, device):
        """The same encoding with every Tensor moved to ``device`` (lists are left as they are)."""
        return BatchEncoding({k: v.to(device) if hasattr(v, "to") else v for k, v in self.items()})

    def __repr__(self):
        return f"BatchEncoding({dict.__repr__(self)})"


def truncation_strategy(truncation, max_length, padding):
    """The strategy name of a ``truncation`` argument (True, False, None or a name).

    As Hugging Face's tokenizers: None with a ``max_length`` and no padding means
    "longest_first"; None otherwise means no truncation."""
    if truncation is None:
        truncation = max_length is not None and padding in (False, None, "do_not_pad")
    if truncation is True:
        return "longest_first"
    if truncation is False:
        return "do_not_truncate"
    if truncation not in TRUNCATIONS:
        raise ArgumentError(f"tokenizer: truncation={truncation!r} is not a truncation strategy; use True, False "
                            f"or one of {list(TRUNCATIONS)}")
    return truncation


def padding_strategy(padding):
    """The strategy name of a ``padding`` argument (True, False, None or a name)."""
    if padding is True:
        return "longest"
    if padding is False or padding is None:
        return "do_not_pad"
    if padding not in PADDINGS:
        raise ArgumentError(f"tokenizer: padding={padding!r} is not a padding strategy; use True, False or one "
                            f"of {list(PADDINGS)}")
    return padding


def truncate(first, second, room, strategy):
    """``first`` and ``second`` (lists of ids; ``second`` may be None) cut so their lengths add
    up to at most ``room``, by ``strategy`` (see the module docstring)."""
    n1, n2 = len(first), 0 if second is None else len(second)
    if strategy == "do_not_truncate" or n1 + n2 <= room:
        return first, second
    excess = n1 + n2 - room
    if room == 0:  # no room at all: every strategy empties both (Hugging Face's rule)
        return first[:0], None if second is None else second[:0]
    if strategy == "longest_first":
        if second is None:
            return first[:room], None
        # the shorter keeps its length if the longer can take the whole cut; else both get half
        short = min(n1, n2)
        keep_short, keep_long = short, max(short, room - short)
        if keep_short + keep_long > room:
            keep_short, keep_long = room // 2, room // 2 + room % 2
        keep1, keep2 = (keep_long, keep_short) if n1 > n2 else (keep_short, keep_long)
        return first[:keep1], second[:keep2]
    which = "first" if strategy == "only_first" else "second"
    if second is None and which == "second":
        raise ArgumentError(f"tokenizer: truncation='only_second' must cut {excess} tokens, but there is no second "
                            "sequence (pass text_pair, or use truncation='only_first')")
    target = first if which == "first" else second
    if len(target) <= excess:
        raise ArgumentError(f"tokenizer: truncation={strategy!r} must cut {excess} tokens from the {which} sequence, "
                            f"which has only {len(target)}; use truncation='longest_first' or a larger max_length")
    cut = target[:len(target) - excess]
    return (cut, second) if which == "first" else (first, cut)


def pad_length(rows, strategy, max_length, multiple):
    """The length every row is padded to (None: no padding)."""
    if strategy == "do_not_pad":
        return None
    target = max(len(r) for r in rows) if strategy == "longest" else max_length
    if multiple:
        target = -(-target // multiple) * multiple
    return target


def as_tensors(columns, return_tensors, single):
    """Columns of id rows as lists (``return_tensors`` None; a single text gives one flat row)
    or as int64 arrays / Tensors with a batch dimension."""
    if return_tensors is None:
        return {k: rows[0] if single else rows for k, rows in columns.items()}
    if return_tensors not in TENSOR_TYPES:
        raise ArgumentError(f"tokenizer: return_tensors={return_tensors!r}; use None, 'mg' (minigrad), 'np' "
                            "(NumPy) or 'pt' (torch)")
    lengths = {len(r) for rows in columns.values() for r in rows}
    if len(lengths) > 1:
        raise ArgumentError(f"tokenizer: the sequences have different lengths ({min(lengths)} to {max(lengths)}) "
                            "and cannot form one tensor; pass padding=True (and truncation=True to cut long ones)")
    arrays = {k: np.array(rows, dtype=np.int64).reshape(len(rows), -1) for k, rows in columns.items()}
    if return_tensors == "np":
        return arrays
    if return_tensors == "pt":
        import torch  # only when asked for

        return {k: torch.from_numpy(a) for k, a in arrays.items()}
    from ..tensor import Tensor

    return {k: Tensor._make(a) for k, a in arrays.items()}
