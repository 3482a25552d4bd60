"""safetensors: Hugging Face's file format for tensors, read and written with NumPy alone.

A ``.safetensors`` file has three parts::

    [ N: 8 bytes, a little-endian u64 ][ N bytes of JSON: the header ][ the byte buffer ]

The header names every tensor with its dtype code, its shape and the bytes it takes in the
buffer (``data_offsets``: begin and end, counted from the buffer's start, end excluded), plus
an optional ``"__metadata__"`` object of free text::

    {"__metadata__": {"format": "pt"},
     "weight": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
     "bias":   {"dtype": "F32", "shape": [2],    "data_offsets": [24, 32]}}

A tensor's bytes are its elements in C order, little-endian. That is all: no code, no
pickles, so opening a file from a stranger runs nothing.

The API is the ``safetensors`` package's: ``load_file``, ``save_file``, ``load``, ``save`` and
``safe_open`` (``framework="mg"`` gives minigrad Tensors, ``"np"`` NumPy arrays).
``minigrad.save(state_dict, "model.safetensors")`` writes this format (chosen by the suffix) and
``minigrad.load`` reads it (told by its first bytes), so ``model.load_state_dict`` takes
Hugging Face checkpoints.

Reading checks the whole header against the file before any tensor byte is touched: the
header length fits in the file (and under 100 MB), the header is a JSON object, every dtype is
known, every shape is a list of non-negative integers, ``end - begin`` is exactly
``prod(shape) * itemsize``, and the tensors, sorted by offset, tile the buffer with no overlap
and no gap, as the format requires. Anything else is a ``CheckpointError`` naming the file and
the tensor. Then the file is memory-mapped copy-on-write: pages are read from disk when a
tensor is first used, a tensor written to gets private pages, and the file never changes. (A
memory map shows the file as it is on disk: replace a checkpoint, as ``save_file`` does, rather
than truncate it while it is loaded.) The format has no checksums, so damaged tensor bytes
cannot be told from real ones; the only values checked are BOOL bytes, which must be 0 or 1.

Writing orders the tensors as the safetensors package does, largest dtype alignment first,
then by name, so every tensor starts at a multiple of its item size; the header is compact
JSON padded with spaces to a multiple of 8 bytes. For the same arrays the bytes are the
package's (except metadata with two or more keys, which the package orders by a hash; minigrad
keeps the given order). Files are written atomically, as ``minigrad.save`` writes them.

dtypes: BOOL, U8, I8, I16, U16, F16, I32, U32, F32, C64, F64, I64, U64 load as the NumPy dtype
of the same name. BF16 loads as float32, exactly (a bfloat16 is the top half of a float32),
since minigrad has no bfloat16. The 8-, 6- and 4-bit float codes are refused by name.
"""

import json
import mmap
import os
import struct
from collections import OrderedDict

import numpy as np

from . import backend
from .errors import ArgumentError, ArgumentTypeError
from .serialization import CheckpointError, _write_atomic
from .tensor import Tensor

#: Dtype codes in the package's alignment order (its ``Dtype`` enum, smallest first); files are
#: written in the reverse of this order, so large items come first and every offset is aligned.
_ORDER = ("BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64", "F64", "I64", "U64")

#: Code -> the little-endian NumPy dtype its bytes are. BF16's bytes are read as uint16 first.
_DTYPES = {"BOOL": "|b1", "U8": "|u1", "I8": "|i1", "I16": "<i2", "U16": "<u2", "F16": "<f2",
           "BF16": "<u2", "I32": "<i4", "U32": "<u4", "F32": "<f4", "C64": "<c8", "F64": "<f8",
           "I64": "<i8", "U64": "<u8"}
_CODES = {np.dtype(v).newbyteorder("="): k for k, v in _DTYPES.items() if k != "BF16"}
_KNOWN_UNSUPPORTED = ("F8_E5M2", "F8_E4M3", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4")

_MAX_HEADER = 100_000_000  # the package's limit; real headers are kilobytes
_METADATA = "__metadata__"
_FIELDS = ("dtype", "shape", "data_offsets")


# ---- the header: parsed and checked ---------------------------------------------------------------
class _Entry:
    """One tensor of a file: its dtype code, shape and byte range in the buffer."""

    __slots__ = ("name", "code", "shape", "begin", "end")

    def __init__(self, name, code, shape, begin, end):
        self.name, self.code, self.shape, self.begin, self.end = name, code, shape, begin, end


class _Duplicate(Exception):
    pass


def _no_duplicates(pairs):
    """A JSON object hook: a name given twice is refused (json.loads would keep the last one)."""
    out = {}
    for k, v in pairs:
        if k in out:
            raise _Duplicate(k)
        out[k] = v
    return out


def _parse_header(read, size, where):
    """The entries (in buffer order), the metadata and the buffer's start of a file of ``size``
    bytes, whose bytes ``read(offset, n)`` gives. Everything is checked (see the module
    docstring); a failure is a CheckpointError that starts with ``where``."""
    def bad(why):
        return CheckpointError(f"{where} is not a valid safetensors file: {why}")

    if size < 8:
        raise bad(f"it has {size} bytes, fewer than the 8 of the header length (truncated?)")
    (n,) = struct.unpack("<Q", read(0, 8))
    if n > _MAX_HEADER:
        raise bad(f"it declares a header of {n} bytes, more than the {_MAX_HEADER} any real file has")
    if n > size - 8:
        raise bad(f"it declares a header of {n} bytes, but only {size - 8} bytes follow (truncated?)")
    try:
        text = read(8, n).decode("utf-8")
        if not text.startswith("{"):
            raise bad("its header is not a JSON object")
        header = json.loads(text, object_pairs_hook=_no_duplicates)
    except _Duplicate as e:
        raise bad(f"its header names {e.args[0]!r} twice") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise bad(f"its header is not valid UTF-8 JSON ({e})") from None
    except RecursionError:
        raise bad("its header is nested too deeply to read") from None
    metadata = _check_metadata(header.pop(_METADATA, None), bad)
    entries = [_check_entry(name, info, bad) for name, info in header.items()]
    buffer = size - 8 - n
    _check_tiling(entries, buffer, bad)
    return entries, metadata, 8 + n


def _check_metadata(metadata, bad):
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        raise bad(f"its {_METADATA} is a {type(metadata).__name__}, not an object of strings")
    for k, v in metadata.items():
        if not isinstance(v, str):
            raise bad(f"its {_METADATA} entry {k!r} is a {type(v).__name__}, not a string")
    return metadata


def _is_count(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _check_entry(name, info, bad):
    """An _Entry from one header item, its fields checked one by one."""
    if not isinstance(info, dict):
        raise bad(f"tensor {name!r} is described by a {type(info).__name__}, not an object")
    missing = [f for f in _FIELDS if f not in info]
    extra = sorted(set(info) - set(_FIELDS))
    if missing or extra:
        raise bad(f"tensor {name!r} has fields {sorted(info)}; expected exactly {list(_FIELDS)}")
    code, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
    if code in _KNOWN_UNSUPPORTED:
        raise bad(f"tensor {name!r} has dtype {code}, which minigrad cannot hold")
    if not isinstance(code, str) or code not in _DTYPES:
        raise bad(f"tensor {name!r} has an unknown dtype {code!r} (known: {', '.join(_ORDER)})")
    if not isinstance(shape, list) or not all(_is_count(d) for d in shape):
        raise bad(f"tensor {name!r} has shape {shape!r}; a shape is a list of non-negative integers")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(_is_count(o) for o in offsets)
            and offsets[0] <= offsets[1]):
        raise bad(f"tensor {name!r} has data_offsets {offsets!r}; expected [begin, end] with 0 <= begin <= end")
    count = 1
    for d in shape:
        count *= d
    nbytes = count * np.dtype(_DTYPES[code]).itemsize
    if offsets[1] - offsets[0] != nbytes:
        raise bad(f"tensor {name!r} of dtype {code} and shape {tuple(shape)} needs {nbytes} bytes, but its "
                  f"data_offsets {offsets} span {offsets[1] - offsets[0]}")
    return _Entry(name, code, tuple(shape), offsets[0], offsets[1])


def _check_tiling(entries, buffer, bad):
    """Sorted by offset, the tensors must cover bytes [0, buffer) exactly once each."""
    entries.sort(key=lambda e: (e.begin, e.end))
    at, last = 0, None
    for e in entries:
        if e.begin < at:
            raise bad(f"tensor {e.name!r} (bytes {e.begin}..{e.end}) overlaps tensor {last.name!r} "
                      f"(bytes {last.begin}..{last.end})")
        if e.begin > at:
            after = f"after tensor {last.name!r}" if last else "at the start of the buffer"
            raise bad(f"bytes {at}..{e.begin} of the buffer, {after} and before tensor {e.name!r}, belong "
                      "to no tensor (a gap)")
        at, last = e.end, e
    if at > buffer:
        raise bad(f"tensor {last.name!r} ends at byte {at} of the buffer, which has only {buffer} bytes "
                  "(truncated?)")
    if at < buffer:
        raise bad(f"the buffer has {buffer - at} bytes after the last tensor that belong to no tensor")


# ---- from bytes to arrays -----------------------------------------------------------------------------
def _array(data, start, entry, where):
    """The array of ``entry`` from ``data`` (a uint8 array of the whole file; the buffer begins
    at ``start``): a view where possible, a copy for BF16, byte-swapped or misaligned ones."""
    raw = data[start + entry.begin:start + entry.end]
    if entry.code == "BOOL" and raw.size and raw.max() > 1:
        raise CheckpointError(f"{where}: tensor {entry.name!r} has dtype BOOL but holds bytes other than 0 "
                              "and 1 (corrupted)")
    stored = np.dtype(_DTYPES[entry.code])
    array = raw.view(stored).reshape(entry.shape)
    if entry.code == "BF16":  # the 16 bits of a bfloat16 are the high half of a float32
        return (array.astype(np.uint32) << 16).view(np.float32)
    if not stored.isnative:
        return array.astype(stored.newbyteorder("="))
    if array.ctypes.data % stored.itemsize:
        return array.copy()  # aligned, so every kernel takes it at full speed
    return array


def _map(filename):
    """The whole file as a copy-on-write uint8 array (memory-mapped)."""
    with open(filename, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            return np.zeros(0, np.uint8)
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_COPY)
    return np.frombuffer(mapped, dtype=np.uint8)


def _read_file(filename, op):
    """(entries, metadata, buffer start, file bytes) of a file, checked."""
    where = f"{op}: {os.fspath(filename)!r}"
    data = _map(filename)
    entries, metadata, start = _parse_header(lambda at, n: data[at:at + n].tobytes(), data.size, where)
    return entries, metadata, start, data, where


def _device(device):
    """A device argument as the package takes it: a name, a minigrad device, or a CUDA index."""
    if isinstance(device, int) and not isinstance(device, bool):
        device = f"cuda:{device}"
    return backend.Device(str(device))


def _wrap(array, device):
    return Tensor._make(backend.to_device(array, device))


# ---- the API ------------------------------------------------------------------------------------------
def load_file(filename, device="cpu"):
    """Every tensor of the file ``filename``, as a dict name -> Tensor in the file's order.

    The file is memory-mapped (nothing is read until used); on another device the tensors are
    copied there. Raises ``CheckpointError`` for a damaged or invalid file (see the module)."""
    device = _device(device)
    entries, _, start, data, where = _read_file(filename, "load_file")
    return OrderedDict((e.name, _wrap(_array(data, start, e, where), device)) for e in entries)


def load(data):
    """Every tensor of a safetensors file held in ``data`` (bytes), as a dict name -> Tensor.
    The tensors share one writable copy of ``data``."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ArgumentTypeError(f"load: data must be bytes, got {type(data).__name__}")
    buf = np.frombuffer(bytearray(data), dtype=np.uint8)
    entries, _, start = _parse_header(lambda at, n: buf[at:at + n].tobytes(), buf.size, "load: the data")
    return OrderedDict((e.name, Tensor._make(_array(buf, start, e, "load"))) for e in entries)


class safe_open:  # noqa: N801 - the package's name
    """A safetensors file opened for reading tensors one at a time::

        with minigrad.safetensors.safe_open("model.safetensors", framework="mg") as f:
            for name in f.keys():
                t = f.get_tensor(name)

    ``framework`` is "mg" (or "minigrad") for Tensors, "np" (or "numpy") for NumPy arrays. The
    header is checked in full when the file is opened; tensors are read when asked for.
    """

    _FRAMEWORKS = {"mg": "mg", "minigrad": "mg", "np": "np", "numpy": "np"}

    def __init__(self, filename, framework="mg", device="cpu"):
        if framework not in self._FRAMEWORKS:
            raise ArgumentError(f"safe_open: framework must be one of {sorted(self._FRAMEWORKS)}, got {framework!r}")
        self._framework = self._FRAMEWORKS[framework]
        self._device = _device(device)
        if self._framework == "np" and self._device.type != "cpu":
            raise ArgumentError(f"safe_open: NumPy arrays live on the CPU, not on {self._device}")
        entries, self._metadata, self._start, self._data, self._where = _read_file(filename, "safe_open")
        self._entries = OrderedDict((e.name, e) for e in entries)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def keys(self):
        """The tensors' names, sorted (as the package gives them)."""
        return sorted(self._entries)

    def offset_keys(self):
        """The tensors' names in the order their bytes come in the file."""
        return list(self._entries)

    def metadata(self):
        """The file's ``__metadata__`` (a dict of strings), or None when it has none."""
        return None if self._metadata is None else dict(self._metadata)

    def get_tensor(self, name):
        """The tensor called ``name``: a Tensor, or a NumPy array for framework "np"."""
        entry = self._entries.get(name)
        if entry is None:
            raise CheckpointError(f"{self._where} holds no tensor {name!r} (it has {len(self._entries)}: "
                                  f"{', '.join(repr(k) for k in list(self._entries)[:5])}"
                                  f"{', ...' if len(self._entries) > 5 else ''})")
        array = _array(self._data, self._start, entry, self._where)
        return array if self._framework == "np" else _wrap(array, self._device)


def _host(name, value):
    """A tensor or array to be saved, as a C-contiguous little-endian NumPy array."""
    if isinstance(value, Tensor):
        value = value.array
    elif not (isinstance(value, np.ndarray) or hasattr(value, "__cuda_array_interface__")):
        raise CheckpointError(f"save: {name!r} is a {type(value).__name__}; a safetensors file holds only "
                              "tensors and arrays")
    host = backend.to_device(value, "cpu")
    host = host if host.flags.c_contiguous else host.copy(order="C")  # (ascontiguousarray makes 0-d 1-d)
    if host.dtype.newbyteorder("=") not in _CODES:
        raise CheckpointError(f"save: {name!r} has dtype {host.dtype}, which safetensors cannot hold "
                              f"(it holds {', '.join(c for c in _ORDER if c != 'BF16')})")
    little = host.dtype.newbyteorder("<")
    return host if host.dtype == little else host.astype(little)


def _prepare(tensors, metadata):
    """(header bytes with its length in front, arrays in file order) of what would be saved."""
    if not isinstance(tensors, dict):
        raise ArgumentTypeError(f"save: tensors must be a dict of name -> tensor, got {type(tensors).__name__}")
    for k in tensors:
        if not isinstance(k, str):
            raise ArgumentTypeError(f"save: tensor names must be strings, got {k!r} ({type(k).__name__})")
        if k == _METADATA:
            raise ArgumentError(f"save: {_METADATA!r} is reserved for the metadata and cannot name a tensor")
    if metadata is not None:
        if not isinstance(metadata, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                     for k, v in metadata.items()):
            raise ArgumentTypeError(f"save: metadata must be a dict of str -> str or None, got {metadata!r}")
    arrays = {k: _host(k, v) for k, v in tensors.items()}
    code = {k: _CODES[a.dtype.newbyteorder("=")] for k, a in arrays.items()}
    names = sorted(arrays, key=lambda k: (-_ORDER.index(code[k]), k))
    header, at = {}, 0
    if metadata is not None:
        header[_METADATA] = dict(metadata)
    for k in names:
        header[k] = {"dtype": code[k], "shape": list(arrays[k].shape), "data_offsets": [at, at + arrays[k].nbytes]}
        at += arrays[k].nbytes
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text, [arrays[k] for k in names]


def _bytes(array):
    """The raw bytes of a contiguous array, as a buffer (no copy)."""
    return array.reshape(-1).view(np.uint8)


def save(tensors, metadata=None):
    """The bytes of a safetensors file holding ``tensors`` (a dict name -> Tensor or array)."""
    head, arrays = _prepare(tensors, metadata)
    return b"".join([head] + [_bytes(a).tobytes() for a in arrays])


def save_file(tensors, filename, metadata=None):
    """Write ``tensors`` (a dict name -> Tensor or array) to ``filename``, atomically: the file
    is written beside it, flushed to disk and renamed over it, so a crash or a full disk leaves
    any previous file as it was. ``metadata`` is an optional dict of strings."""
    head, arrays = _prepare(tensors, metadata)

    def write(out):
        out.write(head)
        for a in arrays:
            out.write(_bytes(a))

    _write_atomic(filename, write)


# ---- minigrad.save / minigrad.load --------------------------------------------------------------------
def looks_like(f):
    """True when the path or binary file object ``f`` starts like a safetensors file (a header
    length, then "{"); a file object is left where it was."""
    if isinstance(f, (str, os.PathLike)):
        try:
            with open(f, "rb") as fh:
                head = fh.read(9)
        except OSError:
            return False
    else:
        start = f.tell()
        head = f.read(9)
        f.seek(start)
    return len(head) == 9 and head[8:9] == b"{"


def _load_checkpoint(f, place):
    """``minigrad.load`` of a safetensors file: an OrderedDict name -> Tensor, each placed by
    ``place(array, "cpu")`` (map_location's rule; safetensors records no device)."""
    if isinstance(f, (str, os.PathLike)):
        entries, _, start, data, where = _read_file(f, "load")
    else:
        data = np.frombuffer(bytearray(f.read()), dtype=np.uint8)
        where = "load: the file object"
        entries, _, start = _parse_header(lambda at, n: data[at:at + n].tobytes(), data.size, where)
    return OrderedDict((e.name, place(_array(data, start, e, where), "cpu")) for e in entries)


def _save_checkpoint(obj, f):
    """``minigrad.save`` to a ``.safetensors`` path: ``obj`` must be a flat dict name -> tensor."""
    if not isinstance(obj, dict):
        raise CheckpointError(f"save: a .safetensors file holds a dict of name -> tensor (a state_dict), "
                              f"not a {type(obj).__name__}; use a .pt or .npz name for other objects")
    save_file(obj, f)


__all__ = ["load_file", "save_file", "load", "save", "safe_open"]
