"""Random in-place methods: ``x.normal_()``, ``x.uniform_()``, ``x.bernoulli_()``, ...

Each draws fresh numbers of x's shape from ``generator`` (a ``minigrad.Generator``) or the
default generator of x's device, and writes them into x through ``Tensor._write``, so the
version counter moves and a leaf that requires grad is refused outside ``no_grad()``, as in
PyTorch (``nn.init`` wraps its calls in ``no_grad``). The new values depend on nothing, so
no gradient flows through them: an earlier history of x is cut, as ``fill_`` cuts it.

The distributions (u ~ U[0, 1), z ~ N(0, 1) drawn by NumPy's or CuPy's generator):

    normal_(mean, std)         mean + std * z
    uniform_(from, to)         from + (to - from) * u
    bernoulli_(p)              1 where u < p else 0           (p a number or a tensor)
    exponential_(lambd)        -log(1 - u) / lambd            (the generator's own sampler)
    cauchy_(median, sigma)     median + sigma * tan(pi * (u - 1/2))
    log_normal_(mean, std)     exp(mean + std * z)
    geometric_(p)              trials up to the first success: 1, 2, 3, ...
    random_(from, to)          integers uniform in [from, to); ``random_(to)`` starts at 0; with no
                               bound, [0, 2**mantissa] for floats and [0, max] for integers

``uniform_`` and ``random_`` take PyTorch's keyword names ``from`` and ``to`` (``from`` is a
Python keyword, so pass it as ``x.uniform_(**{"from": -1, "to": 1})`` or positionally).
"""

import numpy as np

from .. import dtypes
from ..autograd.grad_mode import no_grad
from ..errors import ArgumentRuntimeError, UnsupportedDType
from ..random import stream_for
from ..tensor import Tensor


def _float_draw(x, op, draw, generator):
    """Draw float samples of x's shape: ``draw(stream, native_dtype)``, cast to x's dtype."""
    if x.dtype.kind != "f":
        raise UnsupportedDType(f"{op}: fills floating point tensors only, got dtype {x.dtype}")
    native = x.dtype if x.dtype in (dtypes.float32, dtypes.float64) else dtypes.float32
    return draw(stream_for(generator, x.device), native)


def _fill(x, op, array):
    with no_grad():
        result = Tensor._make(array.astype(x.dtype, copy=False))
    return x._write(result, op)


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    if std < 0:
        raise ArgumentRuntimeError(f"normal_: std must be >= 0, got {std}")
    z = _float_draw(self, "normal_", lambda s, dt: s.standard_normal(self.shape, dtype=dt), generator)
    return _fill(self, "normal_", z * z.dtype.type(std) + z.dtype.type(mean))


def _bounds(op, args, kwargs, default_from, default_to):
    """PyTorch's ``from``/``to`` arguments, given positionally or by name."""
    unknown = set(kwargs) - {"from", "to"}
    if unknown or len(args) > 2:
        raise ArgumentRuntimeError(f"{op}: takes (from, to) and generator=, got extra arguments {sorted(unknown)}")
    values = dict(zip(("from", "to"), args))
    for k, v in kwargs.items():
        if k in values:
            raise ArgumentRuntimeError(f"{op}: got '{k}' twice")
        values[k] = v
    return values.get("from", default_from), values.get("to", default_to)


def uniform_(self, *args, generator=None, **kwargs):
    low, high = _bounds("uniform_", args, kwargs, 0.0, 1.0)
    if low > high:
        raise ArgumentRuntimeError(f"uniform_: expects from <= to, got from={low} and to={high}")
    u = _float_draw(self, "uniform_", lambda s, dt: s.random(self.shape, dtype=dt), generator)
    return _fill(self, "uniform_", u * u.dtype.type(high - low) + u.dtype.type(low))


def bernoulli_(self, p=0.5, *, generator=None):
    xp = self.xp
    probs = p.array if isinstance(p, Tensor) else p
    if bool(xp.any((xp.asarray(probs) < 0) | (xp.asarray(probs) > 1))):
        raise ArgumentRuntimeError("bernoulli_: p must be in [0, 1]")
    u = stream_for(generator, self.device).random(self.shape)
    return _fill(self, "bernoulli_", u < probs)


def exponential_(self, lambd=1.0, *, generator=None):
    if lambd <= 0:
        raise ArgumentRuntimeError(f"exponential_: lambd must be > 0, got {lambd}")
    e = _float_draw(self, "exponential_", lambda s, dt: s.standard_exponential(self.shape, dtype=dt), generator)
    return _fill(self, "exponential_", e / e.dtype.type(lambd))


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    u = _float_draw(self, "cauchy_", lambda s, dt: s.random(self.shape, dtype=dt), generator)
    xp = self.xp
    return _fill(self, "cauchy_", median + sigma * xp.tan(np.pi * (u.astype(np.float64) - 0.5)))


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    if std <= 0:
        raise ArgumentRuntimeError(f"log_normal_: std must be > 0, got {std}")
    z = _float_draw(self, "log_normal_", lambda s, dt: s.standard_normal(self.shape, dtype=dt), generator)
    return _fill(self, "log_normal_", self.xp.exp(z * z.dtype.type(std) + z.dtype.type(mean)))


def geometric_(self, p, *, generator=None):
    if not 0 < p < 1:
        raise ArgumentRuntimeError(f"geometric_: p must be in (0, 1), got {p}")
    return _fill(self, "geometric_", stream_for(generator, self.device).geometric(p, size=self.shape))


def _default_top(dtype):
    """The largest value ``random_()`` draws without bounds: 2**mantissa for floats (every integer
    up to it is exact), the dtype's maximum for integers."""
    if dtype.kind == "f":
        return 2 ** (np.finfo(dtype).nmant + 1)
    if dtype.kind == "b":
        return 1
    return int(np.iinfo(dtype).max)


def random_(self, *args, generator=None, **kwargs):
    low, high = _bounds("random_", args, kwargs, None, None)
    if low is not None and high is None and "from" not in kwargs:
        low, high = 0, low  # random_(to)
    low = 0 if low is None else int(low)
    high = _default_top(self.dtype) + 1 if high is None else int(high)
    if low >= high:
        raise ArgumentRuntimeError(f"random_: expects from < to, got from={low} and to={high}")
    stream = stream_for(generator, self.device)
    return _fill(self, "random_", stream.integers(low, high, size=self.shape, dtype=np.int64))


def bernoulli(self, p=None, *, generator=None):
    """x.bernoulli(): 0/1 samples, 1 with probability x (elementwise; or ``p`` everywhere), in
    x's shape and dtype (``minigrad.bernoulli``)."""
    from ..creation import bernoulli as sample  # (creation imports the ops: imported on use)

    return sample(self, p, generator=generator)


TENSOR_METHODS = {
    "bernoulli": bernoulli,
    "normal_": normal_,
    "uniform_": uniform_,
    "bernoulli_": bernoulli_,
    "exponential_": exponential_,
    "cauchy_": cauchy_,
    "log_normal_": log_normal_,
    "geometric_": geometric_,
    "random_": random_,
}
