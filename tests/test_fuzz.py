"""Fuzzing every op in the registry with bad, odd and edge-case input.

For each registry entry, each of its samples is first called as it is in float16, float32
and float64 (float32 and float64 must be accepted). Then hypothesis takes one of the samples
and changes it:

- the dtype of the tensor inputs (bool, int32, int64, float16, float32, float64, one for all
  or one per input);
- shapes: one size renamed everywhere it occurs (so the call often stays valid, with a
  zero-size or size-1 dimension), one input given a random shape, a 0-d shape or a
  zero-size dimension;
- argument values: an int (a dim, a size, a stride, an index, a slice bound) or a float
  (a slope, a fill value, a probability) replaced by another, a flag flipped;
- the values themselves: the sample's own, random normal ones, or ones sprinkled with
  0, +-1e4, inf and nan.

Every call must either raise a ``MinigradError`` (ShapeError, DTypeError, IndexOutOfRange,
ArgumentError, ..., with a message) or return a result that

- agrees with a NumPy reference computed in float64 from the same input values (elementwise,
  activation, reduction, shape, indexing, matmul, the elementwise losses: ``REFERENCES``,
  written with PyTorch's semantics), and a call the reference refuses must be refused too;
  other entries agree with the same call in float64, and that one with PyTorch (float64)
  when torch is installed;
- has an allowed dtype (``_expected_floats``): never a silent float64;
- has gradients (from ``minigrad.grad``) of its inputs' shapes and dtypes.

A bare NumPy or Python error (IndexError, ValueError, TypeError from deep inside) fails the
test. Entries that call a Function's ``apply`` themselves (``INTERNAL``) are fuzzed in float
dtypes and values only. The outcomes per entry (agreed, or rejected with which error) are
written to $MINIGRAD_RELIABILITY_DIR/fuzz_<entry>.json when that variable is set
(``scripts/reliability_report.py`` sets it); MINIGRAD_FUZZ_EXAMPLES sets the number of
mutated calls per entry.
"""

import inspect
import math
import os
import traceback
import warnings
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minigrad
from minigrad.errors import GraphError, MinigradError
from minigrad.tensor import Tensor
from minigrad.testing import all_entries

from reliability_figures import record

ENTRIES = all_entries()


@pytest.fixture(autouse=True, scope="module")
def _memory_cap():
    """Cap this module's address space at 6 GiB above what the process uses now (Linux), so that
    a mutated call asking for a gigantic array raises MemoryError instead of the machine
    running out of memory."""
    try:
        import resource

        with open("/proc/self/statm") as f:
            in_use = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        old = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (in_use + 6 * 2 ** 30, old[1]))
    except (ImportError, OSError, ValueError):
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, old)
EXAMPLES = int(os.environ.get("MINIGRAD_FUZZ_EXAMPLES", "100"))  # mutated calls per entry
DTYPES = ("bool", "int32", "int64", "float16", "float32", "float64")
FLOATS = ("float16", "float32", "float64")
SIZES = (0, 1, 2, 3, 5)
TOL = {"float16": 3e-2, "float32": 2e-4, "float64": 1e-9}
STATS = {}  # entry name -> Counter of outcomes, for the report
# Entries that store the value in their first input's dtype (the NumPy reference does it too).
VALUE_CAST = {"index_put", "index_put_accumulate"}
# Entries whose result for an infinite input is not pinned down: sums of products (nan or +-inf
# depends on the order of the sum), pow (NumPy's float16 and float64 loops disagree on
# (-inf) ** 0.5) and VALUE_CAST (inf stored into an integer tensor has no defined value).
# Their special values stay finite, as for the entries checked against the float64 run.
NO_INF = {"matmul", "linear", "bilinear", "pow", "pow_scalar"} | VALUE_CAST
# Entries whose result is float64 whatever the inputs, as in PyTorch (float_power).
ALWAYS_FLOAT64 = {"float_power"}
# Entries with one output per tensor input, each keeping its input's dtype (no promotion, as in
# PyTorch: broadcast_tensors(float32, float16) gives a float32 and a float16 tensor).
PER_INPUT_DTYPES = {"broadcast_tensors"}


def _internal(entry):
    """Whether the entry's op (written in the registry) calls a Function's ``apply`` itself: a
    fused building block of a layer, whose user-facing function (or layer) checks shapes and
    dtypes before calling it. These are fuzzed in float dtypes and values only, not in shapes,
    argument values or integer dtypes."""
    if not getattr(entry.op, "__module__", "").startswith("minigrad.testing"):
        return False  # the op is a function users call
    try:
        return ".apply(" in inspect.getsource(entry.op)
    except (OSError, TypeError):
        return False


INTERNAL = {e.name for e in ENTRIES if _internal(e)}


# ---- NumPy references: f(args, kwargs) on float64 arrays, with PyTorch's semantics -------------------
def _axes(x, dim):
    """A reduction's axes as NumPy takes them (dims checked like PyTorch, repeats refused)."""
    if dim is None:
        return None
    dims = tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
    axes = tuple(_dim(d, x.ndim) for d in dims)
    if len(set(axes)) != len(axes):
        raise ValueError(f"dims {dims} repeat")
    return axes if x.ndim else None


def _dim(d, ndim):
    """A dim in range(max(ndim, 1)) (PyTorch lets a 0-d tensor take dim 0 or -1)."""
    n = max(ndim, 1)
    if isinstance(d, bool) or not -n <= d < n:
        raise IndexError(f"dim {d} out of range for {ndim} dims")
    return d % n


def _reduce(fn):
    def ref(a, kw):
        (x,) = a
        return fn(x, axis=_axes(x, kw.get("dim")), keepdims=kw.get("keepdim", False))

    return ref


def _nonempty(fn):
    def ref(x, axis, keepdims):
        if x.size == 0 and (axis is None or any(x.shape[i] == 0 for i in axis)) and x.shape != ():
            raise ValueError("empty reduction")
        return fn(x, axis=axis, keepdims=keepdims)

    return ref


def _max_dim(fn):
    def ref(a, kw):
        (x,) = a
        if isinstance(kw["dim"], (tuple, list)):
            raise TypeError("one dim only")
        d = _dim(kw["dim"], x.ndim)
        if x.ndim == 0:
            return x
        if x.shape[d] == 0:
            raise ValueError("empty")
        return fn(x, axis=d, keepdims=kw.get("keepdim", False))

    return ref


def _var(a, kw, root=False):
    (x,) = a
    correction = kw.get("correction")
    if correction is None:
        correction = 0 if kw.get("unbiased") is False else 1
    axes = _axes(x, kw.get("dim"))
    n = x.size if axes is None else int(np.prod([x.shape[i] for i in axes]))
    d = x - x.mean(axis=axes, keepdims=True) if x.size else x
    v = (d * d).sum(axis=axes, keepdims=kw.get("keepdim", False)) / max(n - correction, 0)
    return np.sqrt(v) if root else v


def _logsumexp(a, kw):
    (x,) = a
    axes = _axes(x, kw.get("dim"))
    keep = kw.get("keepdim", False)
    if x.size == 0:
        return np.log(np.exp(x).sum(axis=axes, keepdims=keep))
    m = np.max(x, axis=axes, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    out = np.log(np.exp(x - m).sum(axis=axes, keepdims=True)) + m
    return out if keep else np.squeeze(out, axis=axes)


def _softmax(log):
    def ref(a, kw):
        (x,) = a
        d = _dim(kw["dim"], x.ndim) if x.ndim else None
        if x.size == 0:
            return x
        s = x - x.max(axis=d, keepdims=True)
        lse = np.log(np.exp(s).sum(axis=d, keepdims=True))
        return s - lse if log else np.exp(s - lse)

    return ref


def _erf(x):
    return np.vectorize(math.erf, otypes=[np.float64])(x) if x.size else x


def _gelu(a, kw):
    (x,) = a
    if kw.get("approximate", "none") == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1 + _erf(x / math.sqrt(2)))


def _softplus(a, kw):
    (x,) = a
    beta, threshold = kw.get("beta", 1.0), kw.get("threshold", 20.0)
    if beta == 0:
        raise ValueError("beta 0")
    return np.where(beta * x > threshold, x, np.logaddexp(0, beta * x) / beta)


def _squeeze(a, kw):
    (x,) = a
    dim = kw.get("dim")
    if dim is None:
        return np.squeeze(x)
    dims = {_dim(d, x.ndim) for d in (dim if isinstance(dim, (tuple, list)) else (dim,))}
    return x.reshape(tuple(s for i, s in enumerate(x.shape) if not (i in dims and s == 1)))


def _flatten(a, kw):
    (x,) = a
    if x.ndim == 0:
        return x.reshape(1)
    s, e = _dim(kw.get("start_dim", 0), x.ndim), _dim(kw.get("end_dim", -1), x.ndim)
    if s > e:
        raise ValueError("start after end")
    return x.reshape(x.shape[:s] + (int(np.prod(x.shape[s:e + 1])),) + x.shape[e + 1:])


def _transpose(a, kw):
    (x,) = a
    if "dim0" not in kw and x.ndim < 2:
        return x
    return np.swapaxes(x, _dim(kw.get("dim0", -2), x.ndim), _dim(kw.get("dim1", -1), x.ndim)) if x.ndim else x


def _sum_to(a, kw):
    x, shape = a
    shape = tuple(shape)
    if np.broadcast_shapes(shape, x.shape) != x.shape:
        raise ValueError("cannot sum to")
    lead = x.ndim - len(shape)
    y = x.sum(axis=tuple(range(lead)))
    return y.sum(axis=tuple(i for i, s in enumerate(shape) if s == 1), keepdims=True).reshape(shape)


def _cat(a, kw):
    if any(x.ndim == 0 for x in a):
        raise ValueError("0-d")
    return np.concatenate(a, axis=_dim(kw.get("dim", 0), a[0].ndim))


def _stack(a, kw):
    d = kw.get("dim", 0)
    if not -a[0].ndim - 1 <= d <= a[0].ndim:
        raise IndexError("dim")
    return np.stack(a, axis=d)


def _split_sizes(x, size, d):
    n = x.shape[d]
    if isinstance(size, (list, tuple)):
        if any(s < 0 for s in size) or sum(size) != n:
            raise ValueError("sections")
        return list(size)
    if size <= 0 and not (size == 0 and n == 0):
        raise ValueError("size")
    return [size] * (n // size) + ([n % size] if n % size else []) if n else [0]


def _pieces(x, sizes, d):
    return np.split(x, np.cumsum(sizes)[:-1], axis=d) if len(sizes) > 1 else [x]


def _split(a, kw):
    x, size = a
    if x.ndim == 0:
        raise ValueError("0-d")
    d = _dim(kw.get("dim", 0), x.ndim)
    return _pieces(x, _split_sizes(x, size, d), d)


def _chunk(a, kw):
    x, chunks = a
    if chunks <= 0 or x.ndim == 0:
        raise ValueError("chunks")
    d = _dim(kw.get("dim", 0), x.ndim)
    n = x.shape[d]
    sizes = [0] * chunks if n == 0 else _split_sizes(x, -(-n // chunks), d)
    return _pieces(x, sizes, d)


def _pad(a, kw):
    x, pad = a
    mode, value = kw.get("mode", "constant"), kw.get("value", 0)
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ValueError("pad length")
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        widths[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    if mode == "constant":
        crop = tuple(slice(-min(b, 0), n + min(e, 0)) for (b, e), n in zip(widths, x.shape))
        if any(s.start > s.stop for s in crop):
            raise ValueError("crop")
        return np.pad(x[crop], [(max(b, 0), max(e, 0)) for b, e in widths], constant_values=value)
    # PyTorch: out[j] = x[source(j - b)] for j in range(n + b + e), so a negative width crops
    # (PyTorch accepts that in every mode); the source index is reflected, clipped or wrapped.
    for d, (b, e) in enumerate(widths):
        n = x.shape[d]
        if not (b or e):
            continue
        if n == 0 or n + b + e < 0 or (mode == "reflect" and max(b, e) >= n) or (mode == "circular" and max(b, e) > n):
            raise ValueError("pad")
        if mode != "circular" and n + b + e == 0:  # reflect and replicate refuse an empty result
            raise ValueError("pad")
        if mode == "circular":  # PyTorch crops first, then wraps around what is left
            lo, hi = max(-b, 0), n - max(-e, 0)
            m = hi - lo
            if m < 0 or max(b, e) > m:
                raise ValueError("pad")
            if m == 0:  # cropped to nothing, nothing to wrap (PyTorch gives the empty tensor)
                x = np.take(x, np.arange(0), axis=d)
                continue
            x = np.take(x, lo + (np.arange(-max(b, 0), m + max(e, 0)) % m), axis=d)
            continue
        i = np.arange(n + b + e) - b
        if mode == "reflect":
            i = np.abs(i)
            i = np.where(i >= n, 2 * (n - 1) - i, i)
        elif mode == "replicate":
            i = np.clip(i, 0, n - 1)
        else:
            i = i % n
        x = np.take(x, i, axis=d)
    return x


def _repeat(a, kw):
    x, sizes = a[0], a[1:]
    if len(sizes) < x.ndim or any(s < 0 for s in sizes):
        raise ValueError("sizes")
    return np.tile(x, sizes)


def _getitem(a, kw):
    return a[0][kw["index"]]


def _scatter_add(a, kw):
    z = np.zeros(kw["shape"])
    if any(s < 0 for s in kw["shape"]):
        raise ValueError("shape")
    np.add.at(z, kw["index"], np.broadcast_to(a[0], z[kw["index"]].shape))
    return z


def _index_put(accumulate):
    def ref(a, kw):
        x, v = a
        z = x.copy()
        target = z[kw["index"]].shape
        if np.broadcast_shapes(v.shape, target) != target:
            raise ValueError("value shape")
        if accumulate:
            np.add.at(z, kw["index"], np.broadcast_to(v, target))
        else:
            z[kw["index"]] = v
        return z

    return ref


def _gather(a, kw):
    x, d, idx = a
    if idx.ndim != x.ndim:
        raise ValueError("index dims")
    d = _dim(d, x.ndim)
    if x.ndim == 0:
        return x.copy()
    if any(k != d and ni > nx for k, (ni, nx) in enumerate(zip(idx.shape, x.shape))):
        raise ValueError("index larger than input")
    part = x[tuple(slice(0, n) if k != d else slice(None) for k, n in enumerate(idx.shape))]
    return np.take_along_axis(part, idx, axis=d)


def _masked_fill(a, kw):
    x, mask, value = a
    if mask.dtype != bool or np.broadcast_shapes(mask.shape, x.shape) != x.shape:
        raise ValueError("mask")
    return np.where(mask, value, x)


def _matmul(a, kw):
    x, y = a
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError("0-d")
    return np.matmul(x, y)


def _linear(a, kw):
    x, w = a[:2]
    b = a[2] if len(a) > 2 else None
    if w.ndim not in (1, 2) or x.ndim == 0:
        raise ValueError("linear shapes")
    y = np.matmul(x, w.T)
    return y if b is None else y + b


def _bilinear(a, kw):
    x1, x2, w = a[:3]
    b = a[3] if len(a) > 3 else None
    if w.ndim != 3 or x1.ndim == 0 or x1.shape[:-1] != x2.shape[:-1] or w.shape[1:] != (x1.shape[-1], x2.shape[-1]):
        raise ValueError("bilinear shapes")
    y = np.einsum("...i,oij,...j->...o", x1, w, x2)
    return y if b is None else y + b


def _loss(fn):
    def ref(a, kw):
        x, t = a
        if x.shape != t.shape and np.broadcast_shapes(x.shape, t.shape) != x.shape:
            raise ValueError("target shape")
        e = fn(x - t)
        r = kw.get("reduction", "mean")
        return e.mean() if r == "mean" else e.sum() if r == "sum" else np.broadcast_to(e, x.shape)

    return ref


def _permute(a, kw):
    x, perm = a
    if len(perm) != x.ndim:
        raise ValueError("not a permutation")
    return np.transpose(x, perm)


def _where(a, kw):
    c, x, y = a
    return np.where(c != 0, x, y)


def _clamp(a, kw):
    (x,) = a
    lo, hi = kw.get("min"), kw.get("max")
    if lo is None and hi is None:
        raise ValueError("no bound")
    return np.minimum(np.maximum(x, -np.inf if lo is None else lo), np.inf if hi is None else hi)


def _integer_pow(a, kw):
    """pow with an integer result (integer or bool base and exponent), PyTorch's rule: b ** e
    for e >= 0 (wrapping around on overflow, as NumPy's int64); for e < 0 the exact value
    truncated toward zero: 1 for b = 1, +-1 for b = -1, and 0 for any other b, 0 included
    (where the float rule gives inf)."""
    b, e = (np.asarray(v).astype(np.int64) for v in a)
    with np.errstate(all="ignore"):
        positive = np.power(b, np.maximum(e, 0))
    negative = np.where(b == 1, 1, np.where(b == -1, 1 - 2 * (np.abs(e) % 2), 0))
    return np.where(e >= 0, positive, negative)


def _unary(fn):
    return lambda a, kw: fn(a[0])


def _binary(fn):
    def ref(a, kw):
        if all(not isinstance(v, np.ndarray) for v in a):
            raise TypeError("no tensor")
        return fn(*a)

    return ref


REFERENCES = {
    "add": _binary(np.add), "add_alpha": _binary(lambda x, y: x - 2.0 * y), "sub": _binary(np.subtract),
    "mul": _binary(np.multiply), "div": _binary(np.true_divide), "neg": _unary(np.negative),
    "pow": _binary(np.power), "pow_scalar": _binary(np.power),
    "exp": _unary(np.exp), "log": _unary(np.log), "sqrt": _unary(np.sqrt), "abs": _unary(np.abs),
    "sin": _unary(np.sin), "cos": _unary(np.cos), "maximum": _binary(np.maximum), "minimum": _binary(np.minimum),
    "where": _where, "clamp": _clamp, "clone": _unary(np.copy), "to_device": _unary(np.copy),
    "cast": _unary(lambda x: x - x + x),  # the entry's straight-through form r - r.detach() + x
    "relu": _unary(lambda x: np.maximum(x, 0)),
    "leaky_relu": lambda a, kw: np.where(a[0] > 0, a[0], a[0] * kw.get("negative_slope", 0.01)),
    "sigmoid": _unary(lambda x: np.exp(-np.logaddexp(0, -x))), "tanh": _unary(np.tanh), "softplus": _softplus,
    "erf": _unary(_erf), "gelu": _gelu, "softmax": _softmax(False), "log_softmax": _softmax(True),
    "sum": _reduce(np.sum), "mean": _reduce(np.mean), "amax": _reduce(_nonempty(np.max)),
    "amin": _reduce(_nonempty(np.min)), "max": _reduce(_nonempty(np.max)), "min": _reduce(_nonempty(np.min)),
    "max_dim": _max_dim(np.max), "min_dim": _max_dim(np.min), "var": _var,
    "std": lambda a, kw: _var(a, kw, root=True), "logsumexp": _logsumexp,
    "reshape": lambda a, kw: np.reshape(a[0], a[1]), "squeeze": _squeeze,
    "unsqueeze": lambda a, kw: np.expand_dims(a[0], kw["dim"]), "flatten": _flatten,
    "permute": _permute,
    "transpose": _transpose, "broadcast_to": lambda a, kw: np.broadcast_to(a[0], a[1]), "sum_to": _sum_to,
    "contiguous": _unary(lambda x: np.transpose(x)), "cat": _cat, "stack": _stack, "split": _split,
    "chunk": _chunk, "pad": _pad, "repeat": _repeat,
    "getitem": _getitem, "getitem_negative_step": _getitem, "getitem_advanced": _getitem,
    "scatter_add": _scatter_add, "index_put": _index_put(False), "index_put_accumulate": _index_put(True),
    "gather": _gather, "masked_fill": _masked_fill,
    "matmul": _matmul, "linear": _linear, "bilinear": _bilinear,
    "mse_loss": _loss(np.square), "l1_loss": _loss(np.abs),
}
# References for a call whose result is an integer tensor, where the float reference does not
# round to it (0 ** -1 is inf in floats, 0 in PyTorch's integer pow).
INTEGER_REFERENCES = {"pow": _integer_pow, "pow_scalar": _integer_pow}


# ---- building a case ---------------------------------------------------------------------------------
def _leaves(obj, path=()):
    """(path, value) for every leaf of nested dicts, tuples, lists and slices."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(obj, slice):
        for k, v in enumerate((obj.start, obj.stop, obj.step)):
            yield from _leaves(v, path + (k,))
    elif isinstance(obj, (tuple, list)):
        for k, v in enumerate(obj):
            yield from _leaves(v, path + (k,))
    else:
        yield path, obj


def _replace(obj, path, new):
    """A copy of ``obj`` with the leaf at ``path`` replaced by ``new``."""
    if not path:
        return new
    k, rest = path[0], path[1:]
    if isinstance(obj, dict):
        return {**obj, k: _replace(obj[k], rest, new)}
    if isinstance(obj, slice):
        parts = [obj.start, obj.stop, obj.step]
        parts[k] = _replace(parts[k], rest, new)
        return slice(*parts)
    items = list(obj)
    items[k] = _replace(items[k], rest, new)
    return type(obj)(items)


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


class Case:
    """One fuzzed call: the argument tree with NumPy arrays in it, and which arrays become Tensors."""

    def __init__(self, entry, index, tree, tensor_paths, grad_paths, dtypes, values, notes):
        self.entry, self.index, self.tree, self.values = entry, index, tree, values
        self.tensor_paths, self.grad_paths, self.dtypes, self.notes = tensor_paths, grad_paths, dtypes, notes

    def call_args(self, as_float64=False):
        """(args, kwargs) for the op: the tensor inputs as Tensors (of the case's dtypes, or the
        float ones in float64). Integer and bool inputs keep their dtype in the float64 run: it
        must be the same call, and integer or bool arithmetic (a mean that divides integers, the
        logical or that bool X + X.mT is) is not the float arithmetic of the same values."""
        tree = self.tree
        for p in self.tensor_paths:
            a = _get(tree, p)
            a = a.astype(np.float64) if as_float64 and a.dtype.kind == "f" else a
            t = Tensor._make(a)
            if p in self.grad_paths and t.dtype.kind == "f":
                t.requires_grad_()
            tree = _replace(tree, p, t)
        return tree["args"], tree["kwargs"]

    def numpy_args(self, keep_integers=False):
        """(args, kwargs) for a NumPy reference: the tensor inputs as float64 arrays (the float
        ones only when ``keep_integers``: torch is given the call the float64 run makes)."""
        tree = self.tree
        for p in self.tensor_paths:
            a = _get(tree, p)
            tree = _replace(tree, p, a if keep_integers and a.dtype.kind != "f" else a.astype(np.float64))
        return tree["args"], tree["kwargs"]

    def magnitude(self):
        """The largest finite |value| among the tensor inputs: errors of sums scale with it."""
        return max([_magnitude(_get(self.tree, p)) for p in self.tensor_paths] + [0.0])

    def describe(self):
        lines = [f"{self.entry.name}, sample {self.index}: {'; '.join(self.notes)}"]
        for p, v in _leaves(self.tree):
            if isinstance(v, np.ndarray):
                role = "tensor" if p in self.tensor_paths else "array"
                lines.append(f"  {'/'.join(map(str, p))}: {role} {v.dtype} {v.shape}"
                             + (f" = {v.tolist()}" if v.size <= 6 else ""))
            elif v is not None:
                lines.append(f"  {'/'.join(map(str, p))} = {v!r}")
        return "\n".join(lines)


def _get(tree, path):
    for k in path:
        tree = (tree.start, tree.stop, tree.step)[k] if isinstance(tree, slice) else tree[k]
    return tree


def _special(rng, a, big, infinite=True):
    """``a`` with a few entries set to 0, +-big (and +-inf, nan when ``infinite``)."""
    a = np.array(a, dtype=np.float64)
    hit = rng.random(a.shape) < 0.3
    a[hit] = rng.choice([0.0, big, -big] + ([np.inf, -np.inf, np.nan] if infinite else []), size=int(hit.sum()))
    return a


def plain_case(entry, index, sample, dtype):
    """A sample as it is, its float arrays in ``dtype``."""
    tree = {"args": tuple(sample.args), "kwargs": dict(sample.kwargs)}
    tensor_paths = {("args", i) for i in sample.float_positions()}
    for p in tensor_paths:
        tree = _replace(tree, p, _get(tree, p).astype(dtype))
    return Case(entry, index, tree, tensor_paths, {("args", i) for i in sample.grad_positions()},
                {p: dtype for p in tensor_paths}, "sample", [f"the sample as it is, in {dtype}"])


def draw_case(data, entry, samples):
    """Draw one mutation of one of the entry's samples (see the module docstring)."""
    draw = data.draw
    index = draw(st.integers(0, len(samples) - 1), label="sample")
    sample = samples[index]
    tree = {"args": tuple(sample.args), "kwargs": dict(sample.kwargs)}
    tensor_paths = {("args", i) for i in sample.float_positions()}
    grad_paths = {("args", i) for i in sample.grad_positions()}
    arrays = [p for p, v in _leaves(tree) if isinstance(v, np.ndarray)]
    notes = []

    # shapes
    shapes = {p: _get(tree, p).shape for p in arrays}
    internal = entry.name in INTERNAL
    mode = "keep" if internal else \
        draw(st.sampled_from(["keep", "keep", "relabel", "relabel", "random", "0-d", "zero-size"]), label="shape")
    if arrays and mode == "relabel":
        sizes = sorted({s for shape in shapes.values() for s in shape})
        if sizes:
            old, new = draw(st.sampled_from(sizes)), draw(st.sampled_from(SIZES))
            shapes = {p: tuple(new if s == old else s for s in shape) for p, shape in shapes.items()}
            notes.append(f"size {old} -> {new} in every shape")
            if draw(st.booleans(), label="relabel ints too"):
                for p, v in list(_leaves(tree)):
                    if _is_int(v) and v == old:
                        tree = _replace(tree, p, new)
                notes.append(f"and int arguments {old} -> {new}")
    elif arrays and mode != "keep":
        p = draw(st.sampled_from(arrays))
        if mode == "random":
            shapes[p] = tuple(draw(st.lists(st.sampled_from(SIZES + (1, 2, 3, 4)), max_size=4), label="shape"))
        elif mode == "0-d":
            shapes[p] = ()
        elif shapes[p]:
            axis = draw(st.integers(0, len(shapes[p]) - 1))
            shapes[p] = shapes[p][:axis] + (0,) + shapes[p][axis + 1:]
        notes.append(f"{'/'.join(map(str, p))} shape -> {shapes[p]}")

    # argument values
    kind = "none" if internal else \
        draw(st.sampled_from(["none", "none", "int", "int", "float", "flag"]), label="argument")
    leaves = list(_leaves(tree))
    choices = {
        "int": [p for p, v in leaves if _is_int(v)],
        "float": [p for p, v in leaves if isinstance(v, float)],
        "flag": [p for p, v in leaves if isinstance(v, bool)],
    }.get(kind, [])
    if choices:
        p = draw(st.sampled_from(choices))
        old = _get(tree, p)
        if kind == "int":
            new = draw(st.integers(-4, 7), label="int")
        elif kind == "float":
            new = draw(st.sampled_from([-1.0, 0.0, 0.5, 1.0, 2.5, 1e4, math.nan]), label="float")
        else:
            new = not old
        tree = _replace(tree, p, new)
        notes.append(f"{'/'.join(map(str, p))}: {old!r} -> {new!r}")

    # dtypes and values
    dtype_choices = FLOATS if internal else DTYPES + FLOATS  # floats twice as often: more calls get through
    if internal or draw(st.integers(0, 4), label="one dtype for all") > 0:
        dtype = draw(st.sampled_from(dtype_choices), label="dtype")
        dtypes = {p: dtype for p in tensor_paths}
    else:
        dtypes = {p: draw(st.sampled_from(dtype_choices), label="dtype") for p in sorted(tensor_paths)}
    values = draw(st.sampled_from(["sample", "sample", "normal", "special"]), label="values")
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1), label="seed"))
    for p in arrays:
        a, shape = _get(tree, p), shapes[p]
        if p in tensor_paths:
            dt = np.dtype(dtypes[p])
            if dt.kind == "b":
                a = np.asarray(rng.random(shape) < 0.5)
            elif dt.kind in "iu":
                a = np.asarray(rng.integers(-3, 4, size=shape))
            else:
                if values != "sample" or a.shape != shape:
                    a = np.asarray(2.0 * rng.standard_normal(shape))
                if values == "special":
                    big = 10.0 if dt == np.float16 else 1e4  # products of 1e4 (or 100) overflow float16
                    a = _special(rng, a, big, infinite=entry.name in REFERENCES and entry.name not in NO_INF)
            with np.errstate(all="ignore"):
                a = np.asarray(a).astype(dt)
        elif a.shape != shape:  # an index, a target or a mask: new values in the old range
            if a.dtype.kind == "b":
                a = np.asarray(rng.random(shape) < 0.5)
            elif a.dtype.kind in "iu":
                lo, hi = (int(a.min()), int(a.max())) if a.size else (0, 1)
                a = np.asarray(rng.integers(lo, hi + 1, size=shape)).astype(a.dtype)
            else:
                a = np.asarray(rng.standard_normal(shape))
        tree = _replace(tree, p, a)
    if tensor_paths:
        notes.append("dtypes " + ", ".join(f"{p[1]}: {d}" for p, d in sorted(dtypes.items())))
    notes.append(f"{values} values")
    return Case(entry, index, tree, tensor_paths, grad_paths, dtypes, values, notes)


# ---- running and checking a case -----------------------------------------------------------------------
class Bare(Exception):
    """A call raised something other than a MinigradError."""


def _outputs(out):
    """The output Tensors of a call, as a list (a tuple of outputs is flattened)."""
    if isinstance(out, Tensor):
        return [out]
    if isinstance(out, (tuple, list)) and all(isinstance(o, Tensor) for o in out):
        return list(out)
    raise AssertionError(f"the op returned {type(out).__name__}, not Tensors")


class NotCalled(Exception):
    """The outcome of a mutation the registry entry's own wrapper could not turn into a call of
    the op (counted apart from the MinigradErrors the op itself raises)."""


def _call(fn, case, *args, **kwargs):
    """fn(...) -> ("ok", result) or ("rejected", the MinigradError); anything else raises Bare."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return "ok", fn(*args, **kwargs)
    except MinigradError as e:
        if not str(e):
            raise AssertionError(f"{type(e).__name__} without a message\n{case.describe()}") from e
        return "rejected", e
    except MemoryError as e:  # a legitimate call with a huge result (scale_factor=1e4): past the cap below
        return "rejected", e
    except (IndexError, TypeError, ValueError) as e:
        # raised by the registry entry's own wrapper (cholesky(X @ X.mT + n I) reading X.shape[-1]
        # of a 0-d X), not by minigrad: the wrapper is test scaffolding that cannot build the
        # op's input from this mutation, so the op is never called. Errors from deeper frames
        # (minigrad itself, NumPy) still fail the test below.
        if os.path.join("minigrad", "testing", "entries") in traceback.extract_tb(e.__traceback__)[-1].filename:
            return "rejected", NotCalled(f"{type(e).__name__}: {e}")
        frames = "".join(traceback.format_exception(type(e), e, e.__traceback__)[-6:])
        raise Bare(f"{type(e).__name__} that is not a MinigradError: {e}\n{case.describe()}\n{frames}") from e
    except Exception as e:
        frames = "".join(traceback.format_exception(type(e), e, e.__traceback__)[-6:])
        raise Bare(f"{type(e).__name__} that is not a MinigradError: {e}\n{case.describe()}\n{frames}") from e


def _expected_floats(case):
    """The dtypes a float result may have: PyTorch's promotion of the tensor inputs
    (``minigrad.dtypes.result_type``, checked against torch.result_type on every pair of dtypes
    and 0-d/dimensioned shapes by tests/test_promotion.py): a 0-d tensor does not widen a
    dimensioned one of its category (float32 (3,) with float64 () is float32), and an integer
    tensor meeting float16 gives float16. Inputs that are all integer or bool give the default
    float, float32 (sqrt of an int tensor, an int tensor times 0.5). The first input's float
    dtype is allowed too: losses, normalisations and index_put cast the other tensors to it.
    Never float64 without a float64 input."""
    from minigrad.dtypes import result_type

    arrays = [_get(case.tree, p) for p in sorted(case.tensor_paths)]
    promoted = result_type(*arrays) if arrays else np.dtype("float32")
    allowed = {promoted if promoted.kind == "f" else np.dtype("float32")}
    first = case.dtypes.get(("args", 0))
    if first is not None and np.dtype(first).kind == "f":
        allowed.add(np.dtype(first))
    if case.entry.name in ALWAYS_FLOAT64:
        allowed = {np.dtype("float64")}
    return allowed


def _tolerance(case, dtype):
    """The tolerance for a float result: that of the least precise float among it and the inputs."""
    floats = [np.dtype(d) for d in case.dtypes.values() if np.dtype(d).kind == "f"] + [np.dtype(dtype)]
    return max(TOL[d.name] for d in floats)


def _compare(got, want, what, case, values=True):
    """Each output Tensor in ``got`` equals the array in ``want`` (shape, then values)."""
    want = [want] if not isinstance(want, (list, tuple)) else list(want)
    assert len(got) == len(want), f"{what}: {len(got)} outputs, expected {len(want)}\n{case.describe()}"
    for k, (g, w) in enumerate(zip(got, want)):
        w = w.array if isinstance(w, Tensor) else np.asarray(w)
        assert tuple(g.shape) == tuple(w.shape), \
            f"{what}: output {k} has shape {tuple(g.shape)}, expected {tuple(w.shape)}\n{case.describe()}"
        if not values:
            continue
        g = g.numpy()
        with np.errstate(all="ignore"):
            w = w.astype(g.dtype)
        if g.dtype.kind == "f":
            tol = _tolerance(case, g.dtype)
            scale = max(1.0, _magnitude(w), case.magnitude())
            ok = np.isclose(g.astype(np.float64), w.astype(np.float64), rtol=tol, atol=tol * scale, equal_nan=True)
        else:
            ok = g == w
        if not np.all(ok):
            bad = np.argwhere(~np.asarray(ok))[:3].tolist()
            raise AssertionError(f"{what}: output {k} differs at {bad}: got {g[tuple(np.array(bad).T)]}, "
                                 f"expected {w[tuple(np.array(bad).T)]}\n{case.describe()}")


def _magnitude(a):
    """The largest finite |value| in a (0 when there is none)."""
    a = np.asarray(a, dtype=np.float64)
    finite = np.abs(a[np.isfinite(a)])
    return float(finite.max()) if finite.size else 0.0


def _coordinate_gradient_dtype(case, k):
    """torch.gradient along dimension k with coordinate tensors: the input meets the coordinates
    (integer ones taken as the default float), so an integer input with float16 coordinates gives
    float16 and a float16 input with integer coordinates float32."""
    from minigrad.dtypes import result_type

    paths = sorted(case.tensor_paths)
    f, x = _get(case.tree, paths[0]), _get(case.tree, paths[k + 1])
    x = x if x.dtype.kind == "f" else x.astype(np.float32)
    promoted = result_type(f, x)
    return promoted if promoted.kind == "f" else np.dtype("float32")


def _check_dtypes(case, outs):
    """Float results have one of the dtypes ``_expected_floats`` allows."""
    allowed = _expected_floats(case)
    own = [np.dtype(case.dtypes[p]) for p in sorted(case.tensor_paths)]
    for k, o in enumerate(outs):
        if case.entry.name in PER_INPUT_DTYPES and len(own) == len(outs):
            allowed = {own[k]}
        if case.entry.name == "gradient (coordinates)" and len(own) == len(outs) + 1:
            allowed = {_coordinate_gradient_dtype(case, k)}
        if o.dtype.kind == "f":
            assert o.dtype in allowed, \
                f"output {k} is {o.dtype}, expected {' or '.join(sorted(map(str, allowed)))}\n{case.describe()}"


def _check_backward(case, args, outs):
    wrt = [a for a in args if isinstance(a, Tensor) and a.requires_grad]
    live = [o for o in outs if o.requires_grad]
    if not (wrt and live):
        return
    rng = np.random.default_rng(0)
    weights = [Tensor._make(rng.standard_normal(o.shape).astype(o.dtype)) for o in live]
    status, grads = _call(minigrad.grad, case, live, wrt, grad_outputs=weights, allow_unused=True)
    if status == "rejected" and isinstance(grads, GraphError):
        # the op says it has no derivative at this input (linalg.qr(mode='complete') of a tall
        # matrix, as PyTorch says too): a refusal with a message, not a wrong gradient
        return
    assert status == "ok", f"backward raised {grads!r} after a successful forward\n{case.describe()}"
    for x, g in zip(wrt, grads):
        if g is not None:
            assert g.shape == x.shape and g.dtype == x.dtype, \
                f"gradient {tuple(g.shape)} {g.dtype} for input {tuple(x.shape)} {x.dtype}\n{case.describe()}"


def _singular_inverse(case, ref, theirs):
    """linalg.inv_ex: the inverse of a matrix whose info is > 0 (singular) is undefined, nan in
    minigrad (its docstring), whatever LU left in PyTorch: compared for the other matrices only
    (the entry returns the inverse alone; minigrad's is all nan exactly for those matrices)."""
    inverse = ref[0].numpy()
    singular = np.isnan(inverse).all(axis=(-2, -1)) if inverse.size else np.zeros(inverse.shape[:-2], bool)
    return [np.broadcast_to(singular[..., None, None], inverse.shape)]


def _tied_eigenvectors(case, ref, theirs):
    """linalg.eigh's entry returns (w, V * V, V w^2 V^T): V * V is pinned down only for distinct
    eigenvalues (a tie leaves any rotation of the eigenvectors in its eigenspace); integer or
    bool inputs (and (X + X.mT) / 2 of a broadcast row) make ties common. Not compared for a
    matrix with two eigenvalues closer than 1e-3 times its largest |eigenvalue|."""
    w = ref[0].numpy()
    gaps = np.diff(np.sort(w, axis=-1), axis=-1)
    scale = np.maximum(np.abs(w).max(axis=-1, initial=0.0), 1.0)
    # an eigenvector's error is about eps / gap: near ties (1e-3) are as loose in float32
    tied = (gaps < 1e-3 * scale[..., None]).any(axis=-1) if w.shape[-1] > 1 else np.zeros(w.shape[:-1], bool)
    no = np.zeros_like
    return [no(w, bool), np.broadcast_to(tied[..., None, None], ref[1].shape), no(ref[2].numpy(), bool)]


def _polygamma_poles(case, ref, theirs):
    """polygamma(n >= 1) at 0, -1, -2, ... is a pole: minigrad gives +-inf (or nan where the
    sign depends on the side), PyTorch inf at 0 but, at the negative integers, a huge finite
    number from sin(pi x) rounding to 1e-16 instead of 0. Not compared at those inputs."""
    x = _get(case.tree, ("args", 0)).astype(np.float64)
    pole = (x <= 0) & (x == np.round(x))
    return [np.broadcast_to(pole, r.shape) if pole.shape == r.shape else np.zeros(r.shape, bool) for r in ref]


def _unpool_repeats(case, ref, theirs):
    """max_unpool: an output position that two indices of one channel name gets one of their
    values, and which one is not specified (PyTorch's threaded CPU kernel varies from run to
    run); mutated indices repeat often. Not compared at those positions."""
    out, idx = ref[0].numpy(), _get(case.tree, ("args", 1))
    spatial = int(case.entry.name[-2])
    planes = int(np.prod(out.shape[:-spatial]))
    per_plane = int(np.prod(out.shape[-spatial:]))
    if idx.ndim != out.ndim or not planes or not per_plane or int(np.prod(idx.shape[:-spatial])) != planes:
        return [np.zeros(out.shape, bool)]
    counts = np.zeros((planes, per_plane), np.int64)
    rows = np.broadcast_to(np.arange(planes)[:, None], (planes, idx.size // max(planes, 1)))
    np.add.at(counts, (rows, np.clip(idx.reshape(planes, -1), 0, per_plane - 1)), 1)
    return [(counts > 1).reshape(out.shape)]


def _torch_overflow(case, ref, theirs):
    """soft_margin_loss: log(1 + exp(-y x)) is computed without overflow, the exact 1e4 where
    PyTorch's float64 gives inf (docs/differences-from-pytorch.md): not compared where torch is
    infinite and minigrad finite."""
    return [np.isinf(t) & np.isfinite(r.numpy()) for r, t in zip(ref, theirs)]


def _random_sketch(case, ref, theirs):
    """svd_lowrank, pca_lowrank: on a matrix of rank above q the result depends on the random
    matrix drawn, and torch draws another one. Only the samples' own matrices (rank q, values
    and shapes kept) pin it down; mutated values are not compared with torch."""
    sample = case.entry.samples(np.random.default_rng(0))[case.index]
    kept = (case.values == "sample" and _get(case.tree, ("args", 0)).shape == np.shape(sample.args[0])
            and case.tree["kwargs"] == sample.kwargs)
    return [np.full(np.shape(t), not kept, bool) for t in theirs]


def _zero_steps(case, ref, theirs):
    """gradient with coordinates: a repeated coordinate (a step of 0) makes the difference
    quotient infinite or nan, with a sign that depends on how the quotient is arranged (and on
    integer against float arithmetic); where both results are not finite they are not compared."""
    return [~np.isfinite(r.numpy()) & ~np.isfinite(t) if np.shape(r.numpy()) == np.shape(t) else
            np.zeros(np.shape(t), bool) for r, t in zip(ref, theirs)]


# Entries whose torch result is not pinned down at some positions, or differs there on purpose:
# name -> f(the float64 run's outputs, torch's float outputs) -> a mask per float output of the
# positions not compared with torch.
TORCH_UNDEFINED = {"linalg.inv_ex": _singular_inverse, "linalg.eigh": _tied_eigenvectors,
                   "soft_margin_loss": _torch_overflow, "polygamma": _polygamma_poles,
                   "svd_lowrank": _random_sketch, "pca_lowrank": _random_sketch,
                   "gradient (coordinates)": _zero_steps,
                   **{f"max_unpool{k}d": _unpool_repeats for k in (1, 2, 3)}}
# Of those, the ones whose values are not pinned down in minigrad either: the float16/float32 run
# is not compared with the float64 run there.
RUN_UNDEFINED = {"linalg.inv_ex", "linalg.eigh", "max_unpool1d", "max_unpool2d", "max_unpool3d"}


def _torch():
    """torch when it is installed (an extra comparison, not a requirement), else None."""
    try:
        import torch
    except ImportError:
        return None
    return torch


def _torch_outputs(torch, entry, case):
    """entry.torch_fn on the case in float64, or None when torch refuses the call."""
    args, kwargs = case.numpy_args(keep_integers=True)
    args = [torch.from_numpy(a.copy()) if isinstance(a, np.ndarray) else a for a in args]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = entry.torch_fn(torch, *args, **kwargs)
    except Exception:
        return None
    out = list(out) if isinstance(out, (tuple, list)) else [out]
    return [o.detach().numpy() for o in out if isinstance(o, torch.Tensor) and o.is_floating_point()]


def _agrees_with_torch_in_its_dtypes(entry, case, outs):
    """Whether torch (when installed) gives the float outputs ``outs`` for the same call with
    the case's own dtypes, at the tolerance of the least precise of them."""
    torch = _torch() if entry.torch_fn is not None and case.dtypes else None
    if torch is None or not any(np.dtype(d) == np.float16 for d in case.dtypes.values()):
        return False
    args, kwargs = case.numpy_args(keep_integers=True)
    tree = {"args": args, "kwargs": kwargs}
    for p in case.tensor_paths:  # back to the case's own float dtypes
        tree = _replace(tree, p, _get(tree, p).astype(case.dtypes[p]))
    args = [torch.from_numpy(a.copy()) if isinstance(a, np.ndarray) else a for a in tree["args"]]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = entry.torch_fn(torch, *args, **tree["kwargs"])
    except Exception:
        return False
    out = list(out) if isinstance(out, (tuple, list)) else [out]
    theirs = [o.detach().numpy() for o in out if isinstance(o, torch.Tensor) and o.is_floating_point()]
    mine = [o for o in outs if o.dtype.kind == "f"]
    try:
        _compare(mine, theirs, "vs torch in the same dtypes", case)
    except AssertionError:
        return False
    return True


def run_case(case):
    """Run one case; returns the outcome ("agreed" or "rejected: <error class>")."""
    entry = case.entry
    args, kwargs = case.call_args()
    status, out = _call(entry.op, case, *args, **kwargs)
    reference = REFERENCES.get(entry.name)
    if reference is not None:
        np_args, np_kwargs = case.numpy_args()
        if entry.name in VALUE_CAST:  # the value is stored in x's dtype first
            np_args = (np_args[0], np_args[1].astype(case.dtypes[("args", 0)]).astype(np.float64)) + np_args[2:]
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                want = reference(np_args, np_kwargs)
        except Exception as e:
            want = e
        if status == "rejected":
            return f"rejected: {type(out).__name__}" + ("" if isinstance(want, Exception) else " (numpy accepts)")
        outs = _outputs(out)
        if entry.name in INTEGER_REFERENCES and not isinstance(want, Exception) \
                and all(o.dtype.kind in "iub" for o in outs):
            want = INTEGER_REFERENCES[entry.name](np_args, np_kwargs)
        assert not isinstance(want, Exception), \
            f"accepted a call the NumPy reference refuses ({type(want).__name__}: {want})\n{case.describe()}"
        _check_dtypes(case, outs)
        _compare(outs, want, "vs NumPy", case)
    else:
        if status == "rejected":
            return f"rejected: {type(out).__name__}"
        outs = _outputs(out)
        _check_dtypes(case, outs)
        f64_args, f64_kwargs = case.call_args(as_float64=True)
        ref_status, ref = _call(entry.op, case, *f64_args, **f64_kwargs)
        assert ref_status == "ok", f"accepted, but the same call in float64 raised {ref!r}\n{case.describe()}"
        ref = _outputs(ref)
        # with values of 1e4 a float32 (or float16) run of an ill-conditioned op (attention, a loss
        # on products) may differ from the float64 one for good reasons: compare shapes only
        mine, want = outs, [r.array for r in ref]
        if entry.name in RUN_UNDEFINED and len(outs) == len(ref) and all(o.dtype.kind == "f" for o in outs):
            skip = TORCH_UNDEFINED[entry.name](case, ref, None)
            mine = [Tensor._make(np.where(m, 0.0, o.numpy()).astype(o.dtype)) for o, m in zip(outs, skip)]
            want = [np.where(m, 0.0, w) for w, m in zip(want, skip)]
        try:
            _compare(mine, want, "vs the float64 run", case, values=case.values != "special")
        except AssertionError:
            # a float16 run may differ from the float64 one for a reason PyTorch shares (an eps of
            # 1e-12 that float16 rounds to 0 makes cosine_embedding_loss 0 / 0 = nan in both):
            # then it must equal torch's result for the same call, in the same dtypes
            if not _agrees_with_torch_in_its_dtypes(entry, case, outs):
                raise
        # (torch takes shortcuts on empty inputs, some giving other shapes: compare non-empty calls)
        empty = any(_get(case.tree, p).size == 0 for p in case.tensor_paths)
        torch = _torch() if entry.torch_fn is not None and not empty else None
        if torch is not None:
            t_outs = _torch_outputs(torch, entry, case)
            mine = [r for r in ref if r.dtype.kind == "f"]
            if t_outs is not None and entry.name in TORCH_UNDEFINED and len(mine) == len(t_outs):
                skip = TORCH_UNDEFINED[entry.name](case, ref, t_outs)
                mine = [Tensor._make(np.where(m, 0.0, r.numpy())) for r, m in zip(mine, skip)]
                t_outs = [np.where(m, 0.0, t) if np.shape(m) == np.shape(t) else t for t, m in zip(t_outs, skip)]
            if t_outs is not None:
                _compare(mine, t_outs, "float64 run vs torch", case)
    _check_backward(case, args, outs)
    return "agreed"


# ---- the test ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_fuzz(entry):
    samples = entry.samples(np.random.default_rng(0))
    stats = STATS.setdefault(entry.name, Counter())
    for index, sample in enumerate(samples):  # first each sample as it is, in each float dtype
        for dtype in FLOATS:
            outcome = run_case(plain_case(entry, index, sample, dtype))
            stats[outcome] += 1
            assert outcome == "agreed" or dtype == "float16", \
                f"{entry.name}: its own sample {index} in {dtype} was {outcome}"

    @settings(max_examples=EXAMPLES, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def fuzz(data):
        case = draw_case(data, entry, samples)
        try:
            stats[run_case(case)] += 1
        except Bare as e:
            raise AssertionError(str(e)) from None

    fuzz()
    record(f"fuzz_{entry.name}", dict(stats))


# ---- in-place forms and views ----------------------------------------------------------------------------
from minigrad.testing.inplace_checks import KINDS, check_inplace, inplace_names  # noqa: E402

INPLACE_ENTRIES = inplace_names(ENTRIES)


@pytest.mark.parametrize("entry", INPLACE_ENTRIES, ids=[e.name for e in INPLACE_ENTRIES])
def test_fuzz_inplace_forms_and_views(entry):
    """``y.op_()`` on a fresh tensor, through a view and through a view of a view, gives the
    values and gradients of the out-of-place op, for samples drawn from any seed (or is
    refused with a MinigradError when its result cannot be written back)."""

    @settings(max_examples=max(EXAMPLES // 10, 5), suppress_health_check=list(HealthCheck), deadline=None)
    @given(seed=st.integers(0, 2 ** 32 - 1), kind=st.sampled_from(KINDS), pick=st.integers(0, 100))
    def fuzz(seed, kind, pick):
        samples = entry.samples(np.random.default_rng(seed))
        sample = samples[pick % len(samples)]
        message = check_inplace(entry, sample, kind, seed=seed)
        assert message is None, message

    fuzz()
