"""PyTorch's legacy tensor types: ``FloatTensor``, ``LongTensor``, ... and ``cuda.FloatTensor``.

Programs written before dtypes were arguments build and test tensors with them:

    x = torch.FloatTensor(2, 3)          # a 2 x 3 float32 tensor (uninitialised in PyTorch, zeros here)
    y = torch.LongTensor([1, 2, 3])      # from data, as int64
    isinstance(y, torch.LongTensor)      # True: an int64 tensor on the CPU
    x.type(torch.DoubleTensor)           # a cast (a name works too: x.type("torch.DoubleTensor"))

Each type is a class that makes no instances of its own: calling it returns a plain Tensor of
its dtype and device, and ``isinstance`` compares the dtype and the device type.
"""

import numpy as np

from . import dtypes
from .errors import ArgumentError, ArgumentRuntimeError, ArgumentTypeError, DTypeError, NotSupported

# name -> dtype, as PyTorch spells them
NAMES = {"FloatTensor": dtypes.float32, "DoubleTensor": dtypes.float64, "HalfTensor": dtypes.float16,
         "ByteTensor": dtypes.uint8, "CharTensor": dtypes.int8, "ShortTensor": dtypes.int16,
         "IntTensor": dtypes.int32, "LongTensor": dtypes.int64, "BoolTensor": dtypes.bool_}


class LegacyTensorType(type):
    """The metaclass: ``FloatTensor(...)`` builds a Tensor, ``isinstance(t, FloatTensor)`` checks it."""

    def __instancecheck__(cls, obj):
        from .tensor import Tensor

        return isinstance(obj, Tensor) and obj.dtype == cls.dtype and obj.device.type == cls.device_type

    def __call__(cls, *args, device=None):
        """No argument: an empty tensor; sizes (ints or one torch.Size): a tensor of that shape;
        anything else: the data, as with torch.tensor (a Tensor of the same dtype is returned as
        it is, sharing its memory, as PyTorch does)."""
        from .creation import tensor, zeros
        from .size import Size
        from .tensor import Tensor

        device = device or cls.device_type
        if not args:
            return zeros(0, dtype=cls.dtype, device=device)
        if len(args) == 1 and isinstance(args[0], Size):
            args = tuple(args[0])
        if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
            sizes = tuple(int(a) for a in args)
            if any(s < 0 for s in sizes):
                raise ArgumentRuntimeError(f"{cls.__qualname__}: sizes must be non-negative, got {sizes}")
            return zeros(*sizes, dtype=cls.dtype, device=device)
        if len(args) != 1:
            raise ArgumentTypeError(f"{cls.__qualname__}: expected sizes (ints) or one sequence of data, got "
                                f"{len(args)} arguments of types {[type(a).__name__ for a in args]}")
        data = args[0]
        if isinstance(data, (bool, float, complex)):  # one int is a size; other scalars are refused, as in PyTorch
            raise ArgumentTypeError(f"{cls.__qualname__}: expected sizes (ints) or a sequence of data, got the "
                                f"{type(data).__name__} {data!r}")
        if isinstance(data, Tensor):
            if data.dtype != cls.dtype:
                raise DTypeError(f"{cls.__qualname__}: expected a {cls.dtype} tensor, got {data.dtype} "
                                 f"(use .to({cls.dtype}) or .type({cls.__qualname__}) to cast)")
            return data
        return tensor(data, dtype=cls.dtype, device=device)


def _make(name, dtype, device_type):
    qualname = name if device_type == "cpu" else f"cuda.{name}"
    return LegacyTensorType(name, (), {"dtype": dtype, "device_type": device_type, "is_cuda": device_type == "cuda",
                                       "__qualname__": qualname, "__module__": "minigrad",
                                       "__doc__": f"The legacy type of {dtype} tensors on the {device_type}."})


CPU_TYPES = {name: _make(name, dt, "cpu") for name, dt in NAMES.items()}
CUDA_TYPES = {name: _make(name, dt, "cuda") for name, dt in NAMES.items()}


def lookup(what):
    """The legacy type for a type or its name ("torch.FloatTensor", "torch.cuda.LongTensor"), else None."""
    if isinstance(what, LegacyTensorType):
        return what
    if isinstance(what, str):
        name = what.split(".", 1)[1] if what.startswith(("torch.", "minigrad.")) else what
        if name.startswith("cuda."):
            return CUDA_TYPES.get(name[5:])
        return CPU_TYPES.get(name)
    return None


def set_default_tensor_type(t):
    """``torch.set_default_tensor_type``: the default float dtype from a float type (or its name).
    A cuda type would also make the GPU the default device, which minigrad does not have."""
    found = lookup(t)
    if found is None:
        raise ArgumentError(f"set_default_tensor_type: expected a tensor type such as torch.FloatTensor or "
                            f"'torch.DoubleTensor', got {t!r}")
    if found.device_type != "cpu":
        raise NotSupported(f"set_default_tensor_type({found.__qualname__}): minigrad has no default device; "
                           "create tensors with device='cuda' or move them with .to('cuda')")
    if found.dtype.kind != "f":
        raise DTypeError(f"set_default_tensor_type: only floating point types can be the default, got "
                         f"{found.__qualname__}")
    dtypes.set_default_dtype(found.dtype)
