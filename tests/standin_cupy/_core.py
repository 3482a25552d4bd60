"""The stand-in's device array: a NumPy array kept behind CuPy's rules.

- ``ndarray`` wraps a NumPy array (``_a``) and the id of the device it lives on. It is not a
  ``numpy.ndarray`` and has ``__cuda_array_interface__``, so code that tells host from device
  the way CuPy's users do sees a device array.
- It refuses implicit conversion to the host (``__array__`` raises TypeError, as CuPy's does);
  ``.get()``, ``asnumpy`` and the scalar conversions (``item``, ``float()``, ``int()``,
  ``bool()``, ``tolist``) are the explicit ways back, and each is counted as a device-to-host
  synchronisation (``_trace``), so tests can assert that a code path makes none.
- Its ufuncs and functions refuse ``numpy.ndarray`` operands (TypeError); Python and NumPy
  scalars are fine. Arrays from another device than the current one are refused too
  (CuPy's check when peer access is not available).
- Results are allocated on the current device (``cuda.Device(i)`` changes it), as on CuPy.
"""

import threading
import weakref

import numpy as np

from . import _trace

_state = threading.local()
_owners = weakref.WeakValueDictionary()  # id of a NumPy array owning memory -> its device array
DEVICE_COUNT = 2


def current_device():
    return getattr(_state, "device", 0)


def _host_error(where):
    return TypeError(f"{where}: a numpy.ndarray cannot be mixed with a device array "
                     "(Unsupported type <class 'numpy.ndarray'>); move it with cupy.asarray first")


def unwrap(obj, where):
    """Device arrays (nested in lists, tuples, dicts) -> their NumPy arrays; host arrays refused."""
    if isinstance(obj, ndarray):
        if obj._device != current_device():
            raise ValueError(f"{where}: the array is on device {obj._device}, the current device is "
                             f"{current_device()}; peer access is not available between them")
        return obj._a
    if isinstance(obj, np.ndarray):
        raise _host_error(where)
    if isinstance(obj, (list, tuple)):
        return type(obj)(unwrap(o, where) for o in obj)
    if isinstance(obj, dict):
        return {k: unwrap(v, where) for k, v in obj.items()}
    return obj


def wrap(obj):
    """NumPy arrays and scalars -> device arrays on the current device (reductions give 0-d arrays)."""
    if isinstance(obj, np.ndarray):
        return ndarray._wrap(obj)
    if isinstance(obj, np.generic):
        return ndarray._wrap(np.asarray(obj))
    if isinstance(obj, tuple):
        return tuple(wrap(o) for o in obj)
    if isinstance(obj, list):
        return [wrap(o) for o in obj]
    return obj


def _binary(name, reflected=False):
    ufunc = getattr(np, name)

    def op(self, other):
        if not isinstance(other, (ndarray, int, float, complex, bool, np.generic)):
            if isinstance(other, np.ndarray):
                raise _host_error(f"cupy.ndarray.{name}")
            return NotImplemented
        a, b = (other, self) if reflected else (self, other)
        return wrap(ufunc(unwrap(a, name), unwrap(b, name)))

    return op


def _inplace(name):
    ufunc = getattr(np, name)

    def op(self, other):
        if isinstance(other, np.ndarray):
            raise _host_error(f"cupy.ndarray.{name}")
        ufunc(unwrap(self, name), unwrap(other, name), out=self._a)
        return self

    return op


# the methods that return arrays, taken from NumPy's ndarray (CuPy has each of these names)
_METHODS = ("all", "any", "argmax", "argmin", "argpartition", "argsort", "astype", "byteswap", "choose",
            "clip", "compress", "conj", "conjugate", "copy", "cumprod", "cumsum", "diagonal", "dot", "flatten",
            "max", "mean", "min", "nonzero", "prod", "ravel", "repeat", "reshape", "round", "searchsorted",
            "squeeze", "std", "sum", "swapaxes", "take", "trace", "transpose", "var", "view")


class ndarray:
    """A device array (see the module docstring)."""

    __slots__ = ("_a", "_device", "__weakref__")
    __array_priority__ = 100  # higher-priority operands (minigrad's Tensor) get their reflected method

    def __init__(self, shape, dtype=float, memptr=None, strides=None, order="C"):
        self._a = np.empty(shape, dtype=dtype, order=order)
        self._device = current_device()

    @classmethod
    def _wrap(cls, array, device=None):
        out = object.__new__(cls)
        out._a = array
        out._device = current_device() if device is None else device
        if array.base is None:
            _owners[id(array)] = out
        return out

    # ---- what an array is ------------------------------------------------------------------
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    strides = property(lambda self: self._a.strides)
    flags = property(lambda self: self._a.flags)
    T = property(lambda self: ndarray._wrap(self._a.T, self._device))
    mT = property(lambda self: ndarray._wrap(np.swapaxes(self._a, -1, -2), self._device))
    real = property(lambda self: ndarray._wrap(self._a.real, self._device))
    imag = property(lambda self: ndarray._wrap(self._a.imag, self._device))

    @shape.setter
    def shape(self, value):
        self._a.shape = value

    @property
    def base(self):
        """The device array that owns the memory (the same object each time, as on CuPy)."""
        if self._a.base is None:
            return None
        root, up = self._a, self._a.base
        while up is not None:  # through views, and the wrapper objects as_strided leaves between
            if isinstance(up, np.ndarray):
                root = up
            up = getattr(up, "base", None)
        owner = _owners.get(id(root))
        if owner is None or owner._a is not root:
            owner = ndarray._wrap(root, self._device)
            _owners[id(root)] = owner
        return owner

    @property
    def device(self):
        from .cuda import Device

        return Device(self._device)

    @property
    def data(self):
        from .cuda import MemoryPointer

        return MemoryPointer(self._a.__array_interface__["data"][0], self._device)

    @property
    def __cuda_array_interface__(self):
        interface = dict(self._a.__array_interface__)
        interface["version"] = 3
        interface["stream"] = 1
        return interface

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        if self._a.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (ndarray._wrap(row, self._device) for row in self._a)

    def __repr__(self):
        return "standin." + repr(self._a)

    def __str__(self):
        return str(self._a)

    __hash__ = None

    # ---- the ways back to the host: explicit, and counted ----------------------------------
    def __array__(self, dtype=None, copy=None):
        raise TypeError("Implicit conversion to a NumPy array is not allowed. "
                        "Please use `.get()` to construct a NumPy array explicitly.")

    def get(self, stream=None, order="C", out=None, blocking=True):
        _trace.sync("get")
        result = np.array(self._a, order=order)
        if out is not None:
            out[...] = result
            return out
        return result

    def set(self, arr, stream=None):
        if not isinstance(arr, np.ndarray):
            raise TypeError(f"Only numpy.ndarray can be set to cupy.ndarray, got {type(arr)}")
        self._a[...] = arr

    def item(self):
        _trace.sync("item")
        return self._a.item()

    def tolist(self):
        _trace.sync("tolist")
        return self._a.tolist()

    def __float__(self):
        _trace.sync("float")
        return float(self._a)

    def __int__(self):
        _trace.sync("int")
        return int(self._a)

    def __complex__(self):
        _trace.sync("complex")
        return complex(self._a)

    def __bool__(self):
        _trace.sync("bool")
        return bool(self._a)

    def tobytes(self, order="C"):
        _trace.sync("tobytes")
        return self._a.tobytes(order)

    # no __index__: CuPy's arrays have none, so range(a) and list[a] fail as they do there

    # ---- methods: NumPy's, on the device ---------------------------------------------------
    def __getattr__(self, name):
        if name not in _METHODS:
            raise AttributeError(f"'cupy.ndarray' object has no attribute '{name}'")
        method = getattr(self._a, name)

        def call(*args, **kwargs):
            unwrap(self, f"ndarray.{name}")  # on the current device
            return wrap(method(*unwrap(args, f"ndarray.{name}"), **unwrap(kwargs, f"ndarray.{name}")))

        return call

    def fill(self, value):
        self._a.fill(unwrap(value, "ndarray.fill"))

    def sort(self, axis=-1, kind=None):
        self._a.sort(axis=axis, kind=kind)

    def put(self, indices, values, mode="wrap"):
        np.put(self._a, unwrap(indices, "ndarray.put"), unwrap(values, "ndarray.put"), mode=mode)

    def scatter_add(self, slices, value):
        np.add.at(self._a, _index(slices), unwrap(value, "ndarray.scatter_add"))

    def scatter_max(self, slices, value):
        np.maximum.at(self._a, _index(slices), unwrap(value, "ndarray.scatter_max"))

    def scatter_min(self, slices, value):
        np.minimum.at(self._a, _index(slices), unwrap(value, "ndarray.scatter_min"))

    def __copy__(self):
        return ndarray._wrap(self._a.copy(), self._device)

    def __deepcopy__(self, memo):
        return ndarray._wrap(self._a.copy(), self._device)

    def __reduce__(self):
        return (_rebuild, (np.array(self._a), self._device))

    # ---- indexing: host indices and values are uploaded, as CuPy does ----------------------
    def __getitem__(self, key):
        return ndarray._wrap(np.asarray(self._a[_index(key)]), self._device)

    def __setitem__(self, key, value):
        if isinstance(value, ndarray):
            value = unwrap(value, "ndarray.__setitem__")
        self._a[_index(key)] = value

    # ---- ufuncs and array functions called through NumPy -----------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        from . import _functions

        device_ufunc = _functions.UFUNCS.get(ufunc.__name__)
        if device_ufunc is None:
            return NotImplemented
        where = f"numpy.{ufunc.__name__}"
        if any(isinstance(x, np.ndarray) for x in inputs + tuple(kwargs.get("out", ()) or ())):
            raise _host_error(where)
        return getattr(device_ufunc, method)(*inputs, **kwargs) if method != "__call__" else \
            device_ufunc(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        from . import _functions

        device_func = _functions.lookup(func)
        if device_func is None:
            return NotImplemented  # NumPy then raises its TypeError: no implementation found
        return device_func(*args, **kwargs)

    # ---- operators -------------------------------------------------------------------------
    __add__, __radd__, __iadd__ = _binary("add"), _binary("add", True), _inplace("add")
    __sub__, __rsub__, __isub__ = _binary("subtract"), _binary("subtract", True), _inplace("subtract")
    __mul__, __rmul__, __imul__ = _binary("multiply"), _binary("multiply", True), _inplace("multiply")
    __truediv__, __rtruediv__, __itruediv__ = (_binary("true_divide"), _binary("true_divide", True),
                                               _inplace("true_divide"))
    __floordiv__, __rfloordiv__, __ifloordiv__ = (_binary("floor_divide"), _binary("floor_divide", True),
                                                  _inplace("floor_divide"))
    __mod__, __rmod__, __imod__ = _binary("remainder"), _binary("remainder", True), _inplace("remainder")
    __pow__, __rpow__, __ipow__ = _binary("power"), _binary("power", True), _inplace("power")
    __matmul__, __rmatmul__ = _binary("matmul"), _binary("matmul", True)
    __and__, __rand__, __iand__ = _binary("bitwise_and"), _binary("bitwise_and", True), _inplace("bitwise_and")
    __or__, __ror__, __ior__ = _binary("bitwise_or"), _binary("bitwise_or", True), _inplace("bitwise_or")
    __xor__, __rxor__, __ixor__ = _binary("bitwise_xor"), _binary("bitwise_xor", True), _inplace("bitwise_xor")
    __lshift__, __rlshift__, __ilshift__ = _binary("left_shift"), _binary("left_shift", True), _inplace("left_shift")
    __rshift__, __rrshift__, __irshift__ = (_binary("right_shift"), _binary("right_shift", True),
                                            _inplace("right_shift"))
    __eq__, __ne__ = _binary("equal"), _binary("not_equal")
    __lt__, __le__ = _binary("less"), _binary("less_equal")
    __gt__, __ge__ = _binary("greater"), _binary("greater_equal")

    def __divmod__(self, other):
        return self // other, self % other

    def __neg__(self):
        return ndarray._wrap(-self._a)

    def __pos__(self):
        return ndarray._wrap(+self._a)

    def __abs__(self):
        return ndarray._wrap(abs(self._a))

    def __invert__(self):
        return ndarray._wrap(~self._a)


def _index(key):
    """An index with device arrays unwrapped; host integer arrays and lists are fine (uploaded)."""
    if isinstance(key, tuple):
        return tuple(_index(k) for k in key)
    if isinstance(key, ndarray):
        return unwrap(key, "ndarray.__getitem__")
    return key


def _rebuild(array, device):
    return ndarray._wrap(array, device)
