"""Ways to make tensors: from data, filled with constants, ranges, and random numbers.

Every factory takes ``dtype``, ``device`` and ``requires_grad`` like PyTorch's. Floats default
to float32. Random factories take ``generator=`` (a ``minigrad.Generator``); without it they draw
from the device's default generator, seeded by ``manual_seed`` (see ``minigrad.random``).
"""

import functools

import numpy as np

from . import backend, dtypes
from . import random as _random
from .errors import ArgumentRuntimeError, ArgumentTypeError, NotSupported, ShapeError, UnsupportedDType
from .layouts import strided
from .memory_formats import to_memory_format
from .tensor import Tensor
from .tensor import _to_array as to_array


def _size(size, op="size"):
    """f(2, 3) and f((2, 3)) alike, checked as PyTorch does: whole numbers, none negative."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return check_size(size, op)


def check_size(size, op):
    """``size`` as a tuple of ints: a float or other non-integer is a TypeError, a negative
    size a RuntimeError (PyTorch's types), both MinigradErrors naming ``op``."""
    out = []
    for s in size:
        if isinstance(s, Tensor) and s.ndim == 0 and s.dtype.kind in "iu":
            s = s.item()
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
            raise ArgumentTypeError(f"{op}: sizes must be integers, got {s!r} ({type(s).__name__}) in {tuple(size)}")
        if s < 0:
            raise ShapeError(f"{op}: trying to create a tensor with negative dimension {s}: {list(size)}")
        out.append(int(s))
    return tuple(out)


def torch_options(fn=None, *, sizes=False, like=False):
    """Let the factory ``fn`` take PyTorch's keywords that concern memory rather than values:
    ``layout`` (strided only: sparse tensors have their own constructors), ``pin_memory``
    (nothing to do: host memory is never copied asynchronously here), ``names`` (None only:
    minigrad has no named tensors) and ``memory_format`` (the result laid out so). With
    ``sizes`` (the factories called as f(2, 3) or f((2, 3))) also ``size=(2, 3)``; ``like``: fn's
    first argument is a tensor (``*_like``, the ``new_*`` methods), whose device the result
    follows rather than the default device.
    (``out=`` is added with the other functions' in out_argument.py.)"""
    if fn is None:
        return lambda f: torch_options(f, sizes=sizes, like=like)

    @functools.wraps(fn)
    def factory(*args, layout=None, pin_memory=False, names=None, memory_format=None, **kwargs):
        name = fn.__name__
        if sizes and "size" in kwargs:
            lead = args[:1] if like else ()
            if args[len(lead):]:
                raise ArgumentTypeError(f"{name}(): got the size both as arguments {args[len(lead):]} and as size=")
            args = lead + (kwargs.pop("size"),)
        if layout is not None and layout is not strided:
            raise NotSupported(f"{name}(): layout={layout} is not supported; build sparse tensors with "
                               "sparse_coo_tensor or Tensor.to_sparse")
        if names is not None:
            raise NotSupported(f"{name}(): named tensors (names=) are not supported")
        if not like and kwargs.get("device") is None and backend.default_device() is not backend.CPU:
            kwargs["device"] = backend.default_device()
        result = fn(*args, **kwargs)
        return result if memory_format is None else to_memory_format(result, memory_format, name)

    return factory


def _finish(array, dtype, device, requires_grad):
    if dtype is not None and array.dtype != dtypes.as_dtype(dtype):
        array = array.astype(dtypes.as_dtype(dtype))
    if device is not None:
        array = backend.to_device(array, device)
    return Tensor(array, requires_grad=requires_grad, dtype=array.dtype)


@torch_options
def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of ``data`` (a number, nested lists, an array or a Tensor)."""
    if isinstance(data, Tensor):
        data = data.array
    if isinstance(data, np.ndarray) or hasattr(data, "__cuda_array_interface__"):
        data = data.copy()
    else:  # (as an array first: Tensor([1, 2]) itself is PyTorch's legacy constructor, float32 always)
        data = to_array(data, dtypes.as_dtype(dtype))
    return Tensor(data, requires_grad=requires_grad, dtype=data.dtype if dtype is None else dtype, device=device)


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor`` but shares memory with a NumPy array when it can."""
    if isinstance(data, Tensor) and dtype is None and device is None:
        return data
    array = to_array(data, dtypes.as_dtype(dtype))
    return Tensor(array, dtype=array.dtype, device=device)


def from_numpy(array):
    """A tensor sharing memory with a NumPy array."""
    array = np.asarray(array)
    return Tensor(array, dtype=array.dtype)


def _filled(fill, size, dtype, device, requires_grad):
    dtype = dtypes.as_dtype(dtype) or dtypes.default_float
    xp = backend.xp_for(device or "cpu")
    with backend.on_device(device or "cpu"):
        return Tensor(xp.full(_size(size), fill, dtype=dtype), requires_grad=requires_grad, dtype=dtype)


@torch_options(sizes=True)
def zeros(*size, dtype=None, device=None, requires_grad=False):
    return _filled(0, size, dtype, device, requires_grad)


@torch_options(sizes=True)
def ones(*size, dtype=None, device=None, requires_grad=False):
    return _filled(1, size, dtype, device, requires_grad)


@torch_options(sizes=True)
def empty(*size, dtype=None, device=None, requires_grad=False):
    return _filled(0, size, dtype, device, requires_grad)


@torch_options
def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    if dtype is None and isinstance(fill_value, (bool, int)):
        dtype = dtypes.bool_ if isinstance(fill_value, bool) else dtypes.int64
    return _filled(fill_value, _size((size,), "full"), dtype, device, requires_grad)


def _like(t, dtype, device):
    return (dtype or t.dtype), (device or t.device)


@torch_options(like=True)
def zeros_like(t, dtype=None, device=None, requires_grad=False):
    return zeros(t.shape, dtype=_like(t, dtype, device)[0], device=_like(t, dtype, device)[1], requires_grad=requires_grad)


@torch_options(like=True)
def ones_like(t, dtype=None, device=None, requires_grad=False):
    return ones(t.shape, dtype=_like(t, dtype, device)[0], device=_like(t, dtype, device)[1], requires_grad=requires_grad)


@torch_options(like=True)
def full_like(t, fill_value, dtype=None, device=None, requires_grad=False):
    d, dev = _like(t, dtype, device)
    return full(t.shape, fill_value, dtype=d, device=dev, requires_grad=requires_grad)


@torch_options(like=True)
def empty_like(t, dtype=None, device=None, requires_grad=False):
    return zeros_like(t, dtype, device, requires_grad)


@torch_options
def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """Numbers from start (inclusive) to end (exclusive); integers unless any bound is a float."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        floats = any(isinstance(v, float) for v in (start, end, step))
        dtype = dtypes.default_float if floats else dtypes.int64
    if step == 0:
        raise ArgumentRuntimeError("arange: step must be nonzero")
    if (end - start) * step < 0:
        raise ArgumentRuntimeError(f"arange: the bounds {start} and {end} are inconsistent with the sign of step {step}")
    return _finish(np.arange(start, end, step), dtype, device, requires_grad)


@torch_options
def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    if dtypes.as_dtype(dtype) == dtypes.bool_:
        from .errors import UnsupportedDType

        raise UnsupportedDType("linspace: dtype bool is not supported (as in PyTorch)")
    check_size((steps,), "linspace: steps")
    return _finish(np.linspace(start, end, steps), dtype or dtypes.default_float, device, requires_grad)


@torch_options
def logspace(start, end, steps, base=10.0, dtype=None, device=None, requires_grad=False):
    """base ** linspace(start, end, steps)."""
    check_size((steps,), "logspace: steps")
    return _finish(np.logspace(start, end, steps, base=base), dtype or dtypes.default_float, device, requires_grad)


@torch_options
def empty_strided(size, stride, *, dtype=None, device=None, requires_grad=False):
    """An uninitialised (here: zero) tensor of ``size`` laid out with ``stride`` (in elements)."""
    size, stride = tuple(size), tuple(stride)
    check_size(size, "empty_strided")
    if len(size) != len(stride):
        raise ShapeError(f"empty_strided: size {size} and stride {stride} have different lengths")
    dt = np.dtype(dtype or dtypes.default_float)
    extent = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    buffer = np.zeros(max(extent, 0), dtype=dt)
    view = np.lib.stride_tricks.as_strided(buffer, size, tuple(s * dt.itemsize for s in stride))
    return _finish(view, dt, device, requires_grad)


@torch_options
def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    check_size((n,) if m is None else (n, m), "eye")
    return _finish(np.eye(n, m), dtype or dtypes.default_float, device, requires_grad)


def tril_indices(row, col, offset=0, *, dtype=None, device=None):
    """The (2, N) int64 coordinates of the lower triangle of a row x col matrix (entries with
    j - i <= offset), row by row: first the row indices, then the column indices."""
    i, j = np.tril_indices(int(row), int(offset), int(col))
    return _finish(np.stack([i, j]).reshape(2, -1), dtype or dtypes.int64, device, False)


def triu_indices(row, col, offset=0, *, dtype=None, device=None):
    """The (2, N) int64 coordinates of the upper triangle of a row x col matrix (entries with
    j - i >= offset), row by row."""
    i, j = np.triu_indices(int(row), int(offset), int(col))
    return _finish(np.stack([i, j]).reshape(2, -1), dtype or dtypes.int64, device, False)


# ---- random numbers ------------------------------------------------------------------------
# Each factory draws from ``generator`` (a minigrad.Generator) or, without one, from the
# default generator of its device; ``minigrad.random`` explains seeding and states.


def manual_seed(seed):
    """Seed every random generator minigrad uses (CPU and GPU); returns the CPU's default Generator.

    What it promises: the same seed gives the same numbers again on the same device (the same
    weights, dropout masks and shuffles, run after run). Across devices it promises nothing:
    the CPU draws from NumPy's PCG64 and a GPU from CuPy's generator (cuRAND's XORWOW), so
    ``randn(3)`` and ``randn(3, device="cuda")`` differ under one seed, as CPU and CUDA do in
    PyTorch. To get the same initial weights on both, build the model on the CPU and move it
    with ``.to("cuda")``."""
    return _random.manual_seed(seed)


def _random_dtype(op, dtype, default=None):
    """The dtype of a float sampler's result; integer and bool dtypes have no such kernel in PyTorch."""
    dtype = dtypes.as_dtype(dtype) or default or dtypes.default_float
    if dtype.kind not in "fc":
        raise UnsupportedDType(f"{op}: samples floating point numbers, got dtype {dtype}")
    return dtype


def _draw_parts(draw, shape, dtype, scale=None):
    """Samples of ``shape``; a complex dtype draws its real and imaginary parts apart
    (``draw(shape, dtype)``), each times ``scale`` (randn's 1/√2: a total variance of 1)."""
    if dtype.kind != "c":
        return _draw(lambda dt: draw(shape, dt), dtype)
    from .ops.complex_numbers import complex_of_pairs

    parts = _draw(lambda dt: draw(shape + (2,), dt), np.finfo(dtype).dtype)  # complex64's parts: float32
    if scale is not None:
        parts *= scale
    return complex_of_pairs(parts)


def _draw(draw, dtype):
    """``draw(native)`` in float32 or float64 (what NumPy's and CuPy's generators make), cast to ``dtype``."""
    native = dtype if dtype in (dtypes.float32, dtypes.float64) else dtypes.float32
    array = draw(native)
    return array if array.dtype == dtype else array.astype(dtype)


def _stream(generator, device):
    return _random.stream_for(generator, device or "cpu")


@torch_options(sizes=True)
def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform samples in [0, 1)."""
    dtype = _random_dtype("rand", dtype)
    stream = _stream(generator, device)
    with backend.on_device(device or "cpu"):
        array = _draw_parts(lambda shape, dt: stream.random(shape, dtype=dt), _size(size), dtype)
    return Tensor(array, requires_grad=requires_grad, dtype=array.dtype)


@torch_options(sizes=True)
def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal samples."""
    dtype = _random_dtype("randn", dtype)
    stream = _stream(generator, device)
    with backend.on_device(device or "cpu"):
        array = _draw_parts(lambda shape, dt: stream.standard_normal(shape, dtype=dt), _size(size), dtype,
                            scale=0.7071067811865476)
    return Tensor(array, requires_grad=requires_grad, dtype=array.dtype)


@torch_options
def randint(low, high=None, size=(), *, generator=None, dtype=None, device=None, requires_grad=False):
    """Integers drawn uniformly from [low, high): ``randint(high, size)`` or ``randint(low, high, size)``,
    int64 unless ``dtype`` says otherwise."""
    if high is None or (isinstance(high, (tuple, list)) and size == ()):
        low, high, size = 0, low, (size if high is None else high)
    if low >= high:
        raise ArgumentRuntimeError(f"randint: low ({low}) must be below high ({high})")
    stream = _stream(generator, device)
    size = _size((size,), "randint")
    with backend.on_device(device or "cpu"):
        array = stream.integers(low, high, size=size, dtype=np.int64)
    dtype = dtypes.as_dtype(dtype) or dtypes.int64
    return Tensor(array, requires_grad=requires_grad, dtype=dtype)


@torch_options
def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of 0, 1, ..., n-1 (int64)."""
    stream = _stream(generator, device)
    with backend.on_device(device or "cpu"):
        array = backend.permutation(stream, int(n)).astype(dtypes.as_dtype(dtype) or dtypes.int64)
    return Tensor(array, requires_grad=requires_grad, dtype=array.dtype)


@torch_options(like=True)
def rand_like(input, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform samples in [0, 1) with ``input``'s shape (and dtype and device unless given)."""
    return rand(input.shape, generator=generator, dtype=_random_dtype("rand_like", dtype, input.dtype),
                device=device or input.device, requires_grad=requires_grad)


@torch_options(like=True)
def randn_like(input, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal samples with ``input``'s shape (and dtype and device unless given)."""
    return randn(input.shape, generator=generator, dtype=_random_dtype("randn_like", dtype, input.dtype),
                 device=device or input.device, requires_grad=requires_grad)


@torch_options(like=True)
def randint_like(input, low=0, high=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Integers in [low, high) with ``input``'s shape and dtype: ``randint_like(x, high)`` or
    ``randint_like(x, low, high)``."""
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, generator=generator, dtype=dtype or input.dtype,
                   device=device or input.device, requires_grad=requires_grad)


def _values(x):
    """A Tensor's array, or None for a Python number."""
    return x.array if isinstance(x, Tensor) else None


@torch_options
def normal(mean, std=1.0, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Normal samples ``mean + std * z`` with z ~ N(0, 1).

    As in PyTorch, ``mean`` and ``std`` are tensors (the result has their broadcast shape and
    dtype) or numbers (then ``size`` gives the shape). The samples carry no gradient: PyTorch's
    derivative with respect to mean and std is zero too.
    """
    m, s = _values(mean), _values(std)
    if m is None and s is None:
        if size is None:
            raise ArgumentRuntimeError("normal: with a number for both mean and std, give size=")
        if std < 0:
            raise ArgumentRuntimeError(f"normal: std must be >= 0, got {std}")
        z = randn(size, generator=generator, dtype=dtype, device=device)
        return Tensor(z.array * std + mean, requires_grad=requires_grad, dtype=z.dtype)
    like = mean if m is not None else std
    xp = like.xp
    m = m if m is not None else mean
    s = s if s is not None else std
    if bool(xp.any(xp.asarray(s) < 0)):
        raise ArgumentRuntimeError("normal: every std must be >= 0")
    shape = np.broadcast_shapes(np.shape(m), np.shape(s))
    z = randn(shape, generator=generator, dtype=_random_dtype("normal", dtype, like.dtype), device=like.device)
    return Tensor(z.array * s + m, requires_grad=requires_grad, dtype=z.dtype)


def bernoulli(input, p=None, *, generator=None):
    """0/1 samples: 1 with probability ``input`` (elementwise), or ``p`` for every element when given;
    the result has ``input``'s shape and dtype."""
    probs = input.array if p is None else p
    xp = input.xp
    if bool(xp.any((xp.asarray(probs) < 0) | (xp.asarray(probs) > 1))):
        raise ArgumentRuntimeError("bernoulli: probabilities must be in [0, 1]")
    u = rand(input.shape, generator=generator, dtype=dtypes.float64, device=input.device)
    return Tensor._make((u.array < probs).astype(input.dtype))


def poisson(input, generator=None):
    """Poisson samples with rates ``input`` (elementwise), in ``input``'s dtype."""
    if input.dtype.kind != "f":
        raise UnsupportedDType(f"poisson: needs floating point rates, got dtype {input.dtype}")
    if bool(input.xp.any(input.array < 0)):
        raise ArgumentRuntimeError("poisson: rates must be >= 0")
    stream = _stream(generator, input.device)
    with backend.on_device(input.device):
        return Tensor._make(stream.poisson(input.array).astype(input.dtype))

