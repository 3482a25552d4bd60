"""Checkpoints: ``save(obj, path)`` and ``load(path)``, safe to share and safe to crash.

What is saved as plain data: nested dicts (string or integer keys), lists and tuples of
Tensors, NumPy arrays, numbers, strings, booleans and None. That covers a model's
``state_dict()`` and an optimizer's ``state_dict()``. Any other object (``save(model, path)``,
a whole Module, as some PyTorch programs do) is pickled into the archive instead, and
``load`` unpickles it as PyTorch 2.6 and later do: with the default ``weights_only`` only if
every class it names is allowed (``safe_globals``, safe_globals.py), all of it with
``weights_only=False``.

The file format is a NumPy ``.npz`` archive (a zip of ``.npy`` arrays):
- every tensor or array becomes one member ``a0``, ``a1``, ...;
- the member ``__structure__`` holds the nesting as JSON text (bytes in a uint8 array), with
  ``{"__array__": "a0", ...}`` where a tensor was. JSON keeps integer keys apart from string
  keys by storing a dict as a list of [key, value] pairs.

Safety:
- Loading runs no code unless asked to: the file is read with ``allow_pickle=False``; a
  ``torch.save`` file or an object array is refused with a clear error, and the pickle of a
  whole object calls only the classes the program allowed (or any, with weights_only=False).
- Writing is atomic: the archive goes to a temporary file in the same folder, is flushed to
  disk (fsync), and only then renamed over ``path`` (``os.replace`` is atomic). A crash, a
  full disk or Ctrl-C mid-save leaves the previous checkpoint as it was.
- Each zip member carries a CRC-32 that is checked on reading, and the structure records each
  array's dtype and shape, so a truncated or corrupted file gives a clear ``CheckpointError``
  instead of garbage weights.
"""

import json
import os
import pickle
import tempfile
from collections import OrderedDict

import numpy as np

from . import backend
from .errors import ArgumentTypeError, MinigradError
from .safe_globals import (add_safe_globals, clear_safe_globals, get_safe_globals, restricted_loads,  # noqa: F401
                           safe_globals, unsafe_globals)
from .tensor import Tensor

FORMAT = "minigrad.checkpoint"
VERSION = 1
_STRUCTURE = "__structure__"


class CheckpointError(MinigradError, ValueError):
    """A checkpoint that cannot be saved or loaded: corrupt, truncated, unsafe or unsupported."""


# ---- encoding: python objects <-> (JSON structure, arrays) --------------------------------------
def _encode(obj, arrays, where, path=None):
    """The JSON form of ``obj``; tensors and arrays are appended to ``arrays``.

    ``path`` holds the ids of the containers being encoded around ``obj``: a container met
    again inside itself is a cycle, which JSON cannot hold.
    """
    if path is None:
        path = set()
    if isinstance(obj, (dict, list, tuple)):
        if id(obj) in path:
            raise CheckpointError(f"save: {where} contains itself (a reference cycle); only trees of "
                                  "dicts, lists and tuples can be saved")
        path.add(id(obj))
        try:
            return _encode_container(obj, arrays, where, path)
        finally:
            path.discard(id(obj))
    if isinstance(obj, Tensor) or isinstance(obj, np.ndarray) or hasattr(obj, "__cuda_array_interface__"):
        kind = "tensor" if isinstance(obj, Tensor) else "ndarray"
        data = obj.array if isinstance(obj, Tensor) else obj
        host = backend.to_device(data, "cpu")
        host = host if host.flags.c_contiguous else host.copy(order="C")  # (keeps 0-d arrays 0-d)
        if host.dtype.kind not in "biufc":
            raise CheckpointError(f"save: {where} is an array of dtype {host.dtype}; only numeric arrays can be "
                                  "saved (object arrays would need pickle)")
        name = f"a{len(arrays)}"
        arrays[name] = host
        node = {"__array__": name, "kind": kind, "dtype": host.dtype.str, "shape": list(host.shape)}
        if isinstance(obj, Tensor):
            node["device"] = str(obj.device)
            node["requires_grad"] = bool(obj.requires_grad)
        return node
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (int, float, np.integer, np.floating, np.bool_)):
        return obj.item() if isinstance(obj, np.generic) else obj
    raise CheckpointError(f"save: {where} is a {type(obj).__name__}; only tensors, arrays, numbers, strings, "
                          "None and dicts/lists/tuples of them can be saved without pickling")


def _encode_container(obj, arrays, where, path):
    """The JSON form of a dict, list or tuple (see ``_encode``)."""
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            if isinstance(k, np.integer):
                k = int(k)
            if not isinstance(k, (str, int)) or isinstance(k, bool):
                raise CheckpointError(f"save: {where} has a key {k!r} of type {type(k).__name__}; "
                                      "only string and integer keys can be saved")
            items.append([k, _encode(v, arrays, f"{where}[{k!r}]", path)])
        return {"__dict__": items, "ordered": isinstance(obj, OrderedDict)}
    if isinstance(obj, list):
        return [_encode(v, arrays, f"{where}[{i}]", path) for i, v in enumerate(obj)]
    return {"__tuple__": [_encode(v, arrays, f"{where}[{i}]", path) for i, v in enumerate(obj)]}


def _decode(node, arrays, place):
    """Rebuild the python object of a JSON node (see ``_encode``); ``place`` puts each tensor
    on its device (see ``_placer``)."""
    if isinstance(node, list):
        return [_decode(v, arrays, place) for v in node]
    if not isinstance(node, dict):
        return node
    if "__tuple__" in node:
        return tuple(_decode(v, arrays, place) for v in node["__tuple__"])
    if "__dict__" in node:
        out = OrderedDict() if node.get("ordered") else {}
        for k, v in node["__dict__"]:
            out[k] = _decode(v, arrays, place)
        return out
    if "__array__" in node:
        name = node["__array__"]
        if name not in arrays:
            raise CheckpointError(f"load: the structure names an array {name!r} that the file does not hold")
        array = arrays[name]
        if array.dtype.str != node["dtype"] or list(array.shape) != node["shape"]:
            raise CheckpointError(f"load: array {name!r} has dtype {array.dtype} and shape {array.shape}, but the "
                                  f"structure recorded dtype {np.dtype(node['dtype'])} and shape "
                                  f"{tuple(node['shape'])}: the file is corrupted")
        if node["kind"] == "ndarray":
            return array
        t = place(array, node.get("device", "cpu"))
        if node.get("requires_grad") and t.dtype.kind in "fc":
            t.requires_grad_(True)
        return t
    raise CheckpointError(f"load: unknown entry in the structure: {sorted(node)}")


# ---- saving --------------------------------------------------------------------------------------
def _file_mode(path):
    """The permission bits a new file would get (the old file's, when it is replaced)."""
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Save ``obj`` (e.g. ``model.state_dict()``) to the path ``f`` (or a binary file object).

    Written atomically to a path: a failure at any moment leaves any previous file at ``f``
    untouched (see the module docstring). The other arguments are torch.save's; they are
    accepted so PyTorch code runs unchanged. Plain data is never pickled; another object (a
    whole model) is, with ``pickle_module`` and ``pickle_protocol``. The file is the one zip
    (.npz) format, except for a path ending in ``.safetensors``, which gets Hugging Face's
    format (``obj`` must then be a dict name -> tensor; minigrad.safetensors).
    """
    if isinstance(f, (str, os.PathLike)) and os.fspath(f).endswith(".safetensors"):
        from .safetensors import _save_checkpoint

        return _save_checkpoint(obj, f)
    arrays = OrderedDict()
    try:
        root = _encode(obj, arrays, "obj")
    except CheckpointError as plain:  # a whole model or another object: pickled (see load)
        arrays.clear()
        try:
            data = (pickle_module or pickle).dumps(obj, protocol=max(pickle_protocol, 2))
        except Exception as e:  # noqa: BLE001 - pickle raises many kinds (PicklingError, TypeError, ...)
            raise CheckpointError(f"{plain}; nor can it be pickled ({type(e).__name__}: {e})") from None
        arrays["p0"] = np.frombuffer(data, dtype=np.uint8)
        root = {"__pickle__": "p0", "type": type(obj).__name__}
    except RecursionError:
        raise CheckpointError("save: the object is nested too deeply to be saved") from None
    text = json.dumps({"format": FORMAT, "version": VERSION, "root": root}).encode("utf-8")
    members = OrderedDict([(_STRUCTURE, np.frombuffer(text, dtype=np.uint8))])
    members.update(arrays)
    if not isinstance(f, (str, os.PathLike)):  # a file object: write straight into it
        np.savez(f, **members)
        return
    _write_atomic(f, lambda out: np.savez(out, **members))


def _write_atomic(f, write):
    """Call ``write(file_object)`` on a temporary file beside the path ``f``, flush it to disk,
    then rename it over ``f``: a failure at any moment leaves any previous file untouched."""
    path = os.fspath(f)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())  # the bytes are on disk before the name points at them
        os.chmod(tmp, _file_mode(path))
        os.replace(tmp, path)  # atomic: readers see the old file or the new one, never a mix
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_folder(folder)


def _fsync_folder(folder):
    """Make the rename itself durable (POSIX); harmless where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---- loading -------------------------------------------------------------------------------------
def _describe(f):
    return repr(os.fspath(f)) if isinstance(f, (str, os.PathLike)) else "the file object"


def _check_magic(f, name):
    """Look at the first bytes: a zip archive (what save writes) or a .npy array may go on to
    NumPy; anything else is named here (NumPy would call it 'pickled data')."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            head = fh.read(6)
    else:
        start = f.tell()
        head = f.read(6)
        f.seek(start)
    if head.startswith(b"PK") or head.startswith(b"\x93NUMPY"):
        return
    if not head:
        raise CheckpointError(f"load: {name} is empty (truncated or corrupted)")
    if head[:1] == b"\x80":
        raise CheckpointError(f"load: {name} contains pickled data; refusing to load it, since unpickling "
                              "can run arbitrary code (minigrad checkpoints never contain pickles)")
    raise CheckpointError(f"load: {name} is not a checkpoint (it is not a .npz archive; truncated or corrupted?)")


#: Deflate cannot compress by more than about 1032:1, so a member that claims more is lying
#: (or a zip bomb); refusing it bounds what loading allocates by ~1000 x the file's size.
_MAX_RATIO = 1032


def _check_sizes(f, name):
    """Check every member's declared sizes against its real size before anything is allocated:
    the zip's file_size against the compressed size, and the .npy header's shape x itemsize
    against the file_size. NumPy would allocate what the header says first, then find out."""
    import zipfile

    start = None if isinstance(f, (str, os.PathLike)) else f.tell()
    try:
        with zipfile.ZipFile(f) as zf:
            for info in zf.infolist():
                _check_member(zf, info, name)
    except CheckpointError:
        raise
    except Exception:  # noqa: BLE001 - not a zip, or damaged: np.load names the problem
        pass
    finally:
        if start is not None:
            f.seek(start)


def _check_member(zf, info, name):
    """Refuse a member whose sizes do not add up (see ``_check_sizes``)."""
    member = f"member {info.filename!r} of {name}"
    if info.file_size > _MAX_RATIO * max(info.compress_size, 1) + 1024:
        raise CheckpointError(f"load: {member} claims {info.file_size} bytes from {info.compress_size} "
                              "compressed ones, more than any real compression gives (a zip bomb?)")
    if not info.filename.endswith(".npy"):
        return
    with zf.open(info) as fh:
        try:
            version = np.lib.format.read_magic(fh)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
            else:
                shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
        except Exception:  # noqa: BLE001 - a damaged header: np.load names the problem
            return
        header = fh.tell()
    count = 1
    for n in shape:
        count *= int(n)
    declared = count * dtype.itemsize
    if declared + header != info.file_size:
        raise CheckpointError(f"load: {member} declares an array of shape {tuple(shape)} and dtype {dtype} "
                              f"({declared} bytes), but holds {info.file_size - header} bytes of data: "
                              "the file is corrupted")


def _restore(array, device):
    return Tensor._make(backend.to_device(array, device))


def _tag(location):
    """A location as the text torch.load compares: 'cpu', 'cuda:0' ('cuda' means 'cuda:0')."""
    try:
        return str(backend.Device(location))
    except Exception:  # noqa: BLE001 - an unknown name is left as it is: it matches nothing
        return str(location)


class _CallerError(Exception):
    """Carries an exception raised by a map_location callable out of the structure decoding."""


def _placer(map_location):
    """A function (host array, saved location) -> Tensor that applies torch.load's map_location:

    - None: the device the tensor was saved from;
    - a device ('cpu', 'cuda:1', ``minigrad.device(...)``): every tensor goes there;
    - a dict {saved location: new location}: saved locations it names are remapped, others kept;
    - a callable ``map_location(tensor, location)``: torch calls it with each storage,
      deserialized on the CPU, and the saved location tag. minigrad has no storages, so it
      passes a CPU Tensor holding the loaded values, and the location as text ('cpu',
      'cuda:0'). What it returns is used (``lambda t, loc: t`` keeps everything on the CPU,
      ``lambda t, loc: t.cuda(1)`` moves it); None means "the default": the saved location.
    """
    if map_location is None:
        return _restore
    if isinstance(map_location, (str, backend.Device)) or type(map_location).__name__ == "device":
        device = backend.Device(str(map_location))
        return lambda array, location: _restore(array, device)
    if isinstance(map_location, dict):
        table = {_tag(k): v for k, v in map_location.items()}
        return lambda array, location: _restore(array, str(table.get(_tag(location), location)))
    if callable(map_location):
        def place(array, location):
            try:
                out = map_location(Tensor._make(array), location)
            except Exception as e:  # noqa: BLE001 - the caller's error, passed on as it is by load
                raise _CallerError(e) from e
            if out is None:
                return _restore(array, location)
            if not isinstance(out, Tensor) or tuple(out.shape) != array.shape:
                what = type(out).__name__ if not isinstance(out, Tensor) else f"a tensor of shape {tuple(out.shape)}"
                raise CheckpointError(f"load: map_location({location!r}) must return a Tensor of the loaded "
                                      f"shape {array.shape} or None, got {what}")
            return out
        return place
    raise ArgumentTypeError(f"load: map_location must be None, a device, a dict or a callable, got "
                            f"{type(map_location).__name__}")


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Load what ``save`` wrote. ``map_location`` follows torch.load (see ``_placer``): by default
    tensors go back to the device they were saved from.

    A plain ``.npz`` of named arrays (e.g. ``np.savez(path, **{k: v.numpy() for k, v in
    torch_model.state_dict().items()})``) loads as an OrderedDict of Tensors (saved location 'cpu').
    Raises ``CheckpointError`` for a truncated, corrupted or pickled file.

    ``pickle_module``, ``weights_only``, ``mmap`` and the extra keywords (which torch.load hands
    to the unpickler) are accepted so PyTorch code runs unchanged. Plain data loads without
    unpickling whatever ``weights_only`` says; a whole object that ``save`` pickled loads with
    the allowed globals only, or freely with ``weights_only=False`` (``map_location`` applies
    to plain data only). The arrays
    are read into memory (``mmap`` is ignored: a zip archive's members cannot be memory-mapped).
    """
    name = _describe(f)
    for arg, value in (("weights_only", weights_only), ("mmap", mmap)):
        if value is not None and not isinstance(value, bool):
            raise ArgumentTypeError(f"load: {arg} must be True, False or None, got {value!r}")
    place = _placer(map_location)
    from . import safetensors

    if safetensors.looks_like(f):  # Hugging Face's format, told by its first bytes
        try:
            return safetensors._load_checkpoint(f, place)
        except _CallerError as e:
            raise e.__cause__ from None
    from . import torch_format

    if torch_format.looks_like(f):  # a file torch.save wrote (a zip with a data.pkl)
        try:
            return torch_format.load(f, place, weights_only, name)
        except _CallerError as e:
            raise e.__cause__ from None
    _check_magic(f, name)
    _check_sizes(f, name)
    try:
        loaded = np.load(f, allow_pickle=False)
    except FileNotFoundError:
        raise
    except ValueError as e:
        if "pickle" in str(e):
            raise CheckpointError(f"load: {name} contains pickled data; refusing to load it, since unpickling "
                                  "can run arbitrary code (minigrad checkpoints never contain pickles)") from None
        raise CheckpointError(f"load: {name} is not a valid checkpoint (truncated or corrupted): {e}") from None
    except (IsADirectoryError, PermissionError):
        raise
    except Exception as e:  # noqa: BLE001 - zipfile, struct and numpy raise many kinds on a damaged file
        raise CheckpointError(f"load: {name} is not a valid checkpoint (truncated or corrupted): "
                              f"{type(e).__name__}: {e}") from None
    if isinstance(loaded, np.ndarray):
        raise CheckpointError(f"load: {name} holds a single .npy array, not a checkpoint archive")
    try:
        with loaded:
            arrays = OrderedDict((k, loaded[k]) for k in loaded.files)  # reading checks each CRC-32
    except ValueError as e:
        if "pickle" in str(e) or "Object arrays" in str(e):
            raise CheckpointError(f"load: {name} contains pickled objects (an object array); refusing to load "
                                  "it, since unpickling can run arbitrary code") from None
        raise CheckpointError(f"load: {name} is corrupted: {e}") from None
    except Exception as e:  # noqa: BLE001 - zipfile, zlib and numpy raise many kinds here
        raise CheckpointError(f"load: {name} is truncated or corrupted ({type(e).__name__}: {e})") from None
    for k, v in arrays.items():
        if not isinstance(v, np.ndarray) or v.dtype.kind not in "biufc":
            what = f"an array of {v.dtype}" if isinstance(v, np.ndarray) else type(v).__name__
            raise CheckpointError(f"load: member {k!r} of {name} is not a numeric .npy array ({what})")
    if _STRUCTURE not in arrays:  # a plain npz of named arrays
        try:
            return OrderedDict((k, place(v, "cpu")) for k, v in arrays.items())
        except _CallerError as e:
            raise e.__cause__ from None
    try:
        structure = json.loads(arrays.pop(_STRUCTURE).tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CheckpointError(f"load: {name} has an unreadable structure entry (corrupted): {e}") from None
    except RecursionError:
        raise CheckpointError(f"load: {name} has a structure entry nested too deeply to read") from None
    if not isinstance(structure, dict) or structure.get("format") != FORMAT:
        raise CheckpointError(f"load: {name} is not a minigrad checkpoint (its structure entry has no "
                              f"format {FORMAT!r})")
    version = structure.get("version", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        raise CheckpointError(f"load: {name} has a malformed format version {version!r} (an integer was expected)")
    if version > VERSION:
        raise CheckpointError(f"load: {name} was written by a newer minigrad (format version "
                              f"{structure['version']}, this one reads up to {VERSION})")
    root = structure.get("root")
    if isinstance(root, dict) and "__pickle__" in root:
        return _unpickle(root, arrays, name, weights_only, pickle_module)
    try:
        return _decode(root, arrays, place)
    except _CallerError as e:
        raise e.__cause__ from None
    except CheckpointError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError) as e:  # valid JSON, but not ours
        raise CheckpointError(f"load: {name} has a malformed structure entry ({type(e).__name__}: {e})") from None
    except RecursionError:
        raise CheckpointError(f"load: {name} has a structure entry nested too deeply to read") from None


def _unpickle(root, arrays, name, weights_only, pickle_module):
    """The object ``save`` pickled (a whole model, say). With weights_only=False (PyTorch's way of
    saying the file is trusted) as it is; otherwise only if every class and function it names
    is allowed (safe_globals.py)."""
    data = arrays.get(root["__pickle__"])
    if data is None or data.dtype != np.uint8 or data.ndim != 1:
        raise CheckpointError(f"load: {name} names a pickle it does not hold (corrupted)")
    if weights_only is False:
        return (pickle_module or pickle).loads(data.tobytes())
    return restricted_loads(data.tobytes())


def get_unsafe_globals_in_checkpoint(f):
    """The "module.name" of each class or function a checkpoint's pickle names that a
    weights_only load would refuse (an empty list for plain data)."""
    with np.load(f, allow_pickle=False) as loaded:
        structure = json.loads(loaded[_STRUCTURE].tobytes().decode("utf-8")) if _STRUCTURE in loaded.files else {}
        root = structure.get("root")
        if not (isinstance(root, dict) and "__pickle__" in root):
            return []
        return unsafe_globals(loaded[root["__pickle__"]].tobytes())


__all__ = ["save", "load", "CheckpointError", "add_safe_globals", "clear_safe_globals", "get_safe_globals",
           "get_unsafe_globals_in_checkpoint", "safe_globals"]
