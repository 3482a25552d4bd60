"""Collation: turning a list of examples into one batch, with PyTorch's rules.

``default_collate(examples)`` looks at the first example and recurses into its structure:

    Tensor                  stacked along a new first axis (all on the same device)
    NumPy array             made a Tensor, then stacked (string and object arrays are refused)
    NumPy scalar            a 1-D tensor of its dtype
    float                   a 1-D float64 tensor (PyTorch's choice: Python floats are doubles)
    int (and bool)          a 1-D int64 (bool) tensor
    str, bytes              left as a list
    dict (any Mapping)      collated key by key, same mapping type
    namedtuple              collated field by field, same namedtuple type
    tuple                   collated position by position, as a list (PyTorch's choice)
    list (any Sequence)     collated position by position, same type when it can be rebuilt

So a dataset giving ``(image_array, label_int)`` gives batches ``[images (B, ...), labels (B,)]``,
and one giving ``{"x": [1, 2, 3], "y": 0}`` gives ``{"x": [tensor(B), tensor(B), tensor(B)],
"y": tensor(B)}``. ``default_convert`` does the conversions without stacking: it is what a
DataLoader with ``batch_size=None`` applies to each example.
"""

import collections.abc

import numpy as np

from ..errors import DTypeError, ShapeError
from ..tensor import Tensor

_BAD = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}")


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def _numeric_array(a, op):
    if a.dtype.kind in "OSUV":
        raise DTypeError(_BAD.format(f"a numpy array of dtype {a.dtype}") if op == "collate"
                         else f"default_convert: cannot convert a numpy array of dtype {a.dtype}")
    return a


def _stack(arrays, xp):
    first = arrays[0].shape
    if any(a.shape != first for a in arrays):
        shapes = sorted({tuple(a.shape) for a in arrays})
        raise ShapeError(f"default_collate: stack expects each tensor to be equal size, got shapes {shapes}")
    return Tensor._make(xp.stack(arrays))


def default_collate(batch):
    """Merge a list of examples into a batch (see the module docstring for the rules)."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack([e.array for e in batch], elem.xp)
    if isinstance(elem, np.ndarray):
        return _stack([_numeric_array(np.asarray(e), "collate") for e in batch], np)
    if isinstance(elem, np.generic) and not isinstance(elem, (np.str_, np.bytes_)):
        return Tensor._make(np.array(batch, dtype=elem.dtype))
    if isinstance(elem, float):
        return Tensor._make(np.array(batch, dtype=np.float64))
    if isinstance(elem, int):  # bool is an int: [True, False] gives a bool tensor, as in PyTorch
        return Tensor._make(np.array(batch, dtype=np.bool_ if isinstance(elem, bool) else np.int64))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        merged = {key: default_collate([e[key] for e in batch]) for key in elem}
        try:
            return type(elem)(merged)
        except TypeError:  # a mapping type that cannot be built from a dict
            return merged
    if _is_namedtuple(elem):
        return type(elem)(*(default_collate(list(field)) for field in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(e) != len(elem) for e in batch):
            raise ShapeError("default_collate: each element in list of batch should be of equal size, got "
                             f"lengths {sorted({len(e) for e in batch})}")
        fields = [default_collate(list(field)) for field in zip(*batch)]
        if isinstance(elem, tuple):
            return fields
        try:
            return type(elem)(fields)
        except TypeError:  # a sequence type that cannot be built from a list
            return fields
    raise DTypeError(_BAD.format(type(elem)) + "; pass a collate_fn")


def default_convert(data):
    """NumPy arrays (and scalars) in ``data`` made Tensors, recursing into mappings and sequences;
    everything else left as it is."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray):
        return Tensor._make(_numeric_array(data, "convert"))
    if isinstance(data, np.generic) and not isinstance(data, (np.str_, np.bytes_)):
        return Tensor._make(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        converted = {key: default_convert(value) for key, value in data.items()}
        try:
            return type(data)(converted)
        except TypeError:
            return converted
    if _is_namedtuple(data):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        converted = [default_convert(d) for d in data]
        try:
            return type(data)(converted)
        except TypeError:
            return converted
    return data
