"""Reading PyTorch's own checkpoint files (what ``torch.save`` writes), without torch.

Since PyTorch 1.6 a ``.pt`` file is a zip archive:

    archive/data.pkl      the saved object, pickled; each tensor refers to a storage by key
    archive/data/<key>    each storage's bytes, raw (archive/byteorder says little or big endian)
    archive/version, ...  bookkeeping

In data.pkl a tensor is the call ``torch._utils._rebuild_tensor_v2(storage, offset, size,
stride, requires_grad, hooks)`` and its storage a *persistent id* ``('storage', torch.FloatStorage,
key, location, numel)``: the pickle names torch's functions and classes, so it cannot be read
with ``pickle.load`` where torch is not installed. Here an Unpickler reads those names as
minigrad's: the storage becomes a flat NumPy array of the bytes of ``data/<key>``, and the tensor
its window ``as_strided(storage[offset:], size, stride)``, copied into a Tensor and placed by
``map_location`` as minigrad's own checkpoints are.

What loads: tensors, ``nn.Parameter``s, and the containers and numbers around them (state
dicts, optimizer state dicts, dicts of both with epochs and losses). bfloat16 storages, which
NumPy cannot hold, load as float32 (a bfloat16 is the top half of a float32: exact). A whole
pickled object (``torch.save(model)``) names torch's classes; it is refused with a clear error:
save its ``state_dict()`` in PyTorch and load that. Files of PyTorch before 1.6 (not zip) are
refused too.
"""

import io
import pickle
import zipfile

import numpy as np

# torch's storage classes in data.pkl -> the NumPy dtype of their elements
_STORAGE_DTYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
    "BFloat16Storage": "bfloat16", "LongStorage": np.int64, "IntStorage": np.int32,
    "ShortStorage": np.int16, "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_,
    "ComplexFloatStorage": np.complex64, "ComplexDoubleStorage": np.complex128,
}


def looks_like(f):
    """True when ``f`` (a path or a seekable binary file) is a zip archive with a data.pkl
    member: PyTorch's format (minigrad's own checkpoints are zips of .npy members)."""
    start = None if isinstance(f, (str, bytes)) or hasattr(f, "__fspath__") else f.tell()
    try:
        with zipfile.ZipFile(f) as z:
            return any(n.endswith("data.pkl") for n in z.namelist())
    except Exception:  # noqa: BLE001 - a damaged zip fails in many ways: not ours to judge, load's checks say why
        return False
    finally:
        if start is not None:
            f.seek(start)


class _StorageType:
    """What ``torch.FloatStorage`` & co. are to the unpickler: just their element dtype."""

    def __init__(self, name):
        self.name, self.dtype = name, _STORAGE_DTYPES[name]


def _rebuild_tensor_v2(storage, offset, size, stride, requires_grad=False, hooks=None, metadata=None):
    """``torch._utils._rebuild_tensor_v2``: the tensor ``as_strided(storage, size, stride, offset)``."""
    array, location = storage
    itemsize = array.itemsize
    window = np.lib.stride_tricks.as_strided(array[offset:], tuple(size), tuple(s * itemsize for s in stride))
    return _Loaded(np.array(window), location, bool(requires_grad))  # copied: the window's memory is the file's


def _rebuild_parameter(data, requires_grad, hooks, state=None):
    """``torch._utils._rebuild_parameter``: an nn.Parameter around a rebuilt tensor."""
    data.parameter, data.requires_grad = True, bool(requires_grad)
    return data


def _rebuild_from_type_v2(func, new_type, args, state):
    """``torch._tensor._rebuild_from_type_v2``: a tensor (sub)class rebuilt; read as its data."""
    return func(*args)


class _Loaded:
    """A tensor read from the file, until ``_finish`` places it (map_location) as a Tensor."""

    parameter = False

    def __init__(self, array, location, requires_grad):
        self.array, self.location, self.requires_grad = array, location, requires_grad


_TORCH_GLOBALS = {
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
    ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type_v2,
    ("torch", "Tensor"): object,  # only ever the new_type of _rebuild_from_type_v2
    ("collections", "OrderedDict"): __import__("collections").OrderedDict,
}


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, archive, prefix, byteorder, weights_only, name):
        super().__init__(file)
        self.archive, self.prefix, self.byteorder = archive, prefix, byteorder
        self.weights_only, self.name = weights_only, name
        self.storages = {}

    def find_class(self, module, qualname):
        if module == "torch" and qualname in _STORAGE_DTYPES:
            return _StorageType(qualname)
        if (module, qualname) in _TORCH_GLOBALS:
            return _TORCH_GLOBALS[(module, qualname)]
        from .serialization import CheckpointError

        what = f"load: the PyTorch checkpoint {self.name} pickles {module}.{qualname}"
        if module.split(".")[0] == "torch":
            raise CheckpointError(f"{what}, which minigrad cannot rebuild: it reads PyTorch's tensors, parameters "
                                  "and the containers around them (save model.state_dict() in PyTorch, not the model)")
        if self.weights_only:
            raise CheckpointError(f"{what}, not a tensor or a container: pass weights_only=False to load it "
                                  "(only for a file you trust: unpickling can run code)")
        return super().find_class(module, qualname)

    def persistent_load(self, saved_id):
        """('storage', storage type, key, location, numel) -> (flat array, location)."""
        _, storage_type, key, location, numel = saved_id
        if key not in self.storages:
            raw = self.archive.read(f"{self.prefix}data/{key}")
            if storage_type.dtype == "bfloat16":  # the top 16 bits of a float32
                halves = np.frombuffer(raw, dtype=self.byteorder + "u2")
                array = (halves.astype(np.uint32) << 16).view(np.float32)
            else:
                array = np.frombuffer(raw, dtype=np.dtype(storage_type.dtype).newbyteorder(self.byteorder))
                array = array.astype(array.dtype.newbyteorder("="), copy=False)
            self.storages[key] = (array[:numel], str(location))
        return self.storages[key]


def load(f, place, weights_only, name):
    """The object a PyTorch checkpoint holds, its tensors placed by ``place(array, location)``."""
    from .serialization import CheckpointError
    from .tensor import Tensor

    try:
        with zipfile.ZipFile(f) as archive:
            pkl = next(n for n in archive.namelist() if n.endswith("data.pkl"))
            prefix = pkl[:-len("data.pkl")]
            order = "little"
            if prefix + "byteorder" in archive.namelist():
                order = archive.read(prefix + "byteorder").decode().strip()
            loaded = _Unpickler(io.BytesIO(archive.read(pkl)), archive, prefix, "<" if order == "little" else ">",
                                weights_only is not False, name).load()
    except CheckpointError:
        raise
    except Exception as e:  # noqa: BLE001 - a damaged archive or pickle fails in many ways; say which file
        raise CheckpointError(f"load: {name} looks like a PyTorch checkpoint but cannot be read: "
                              f"{type(e).__name__}: {e}") from None

    def finish(obj):
        if isinstance(obj, _Loaded):
            t = place(obj.array, obj.location)
            if obj.parameter:
                from .nn.parameter import Parameter

                return Parameter(t, requires_grad=obj.requires_grad)
            return t.requires_grad_(True) if obj.requires_grad and t.dtype.kind in "fc" else t
        if isinstance(obj, dict):
            out = type(obj)() if type(obj) is not dict else {}
            for k, v in obj.items():
                out[k] = finish(v)
            return out
        if isinstance(obj, (list, tuple)) and not isinstance(obj, Tensor):
            items = [finish(v) for v in obj]
            return type(obj)(*items) if hasattr(obj, "_fields") else type(obj)(items)
        return obj

    return finish(loaded)
