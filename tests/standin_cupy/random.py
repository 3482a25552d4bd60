"""The stand-in's ``cupy.random``: CuPy's Generator API, on a stream that is not the CPU's.

CuPy's ``Generator`` has fewer methods than NumPy's (no ``permutation``, ``normal``, ``choice``
or ``shuffle``), and its default bit generator (XORWOW) draws other numbers than NumPy's PCG64
from the same seed. The stand-in keeps both facts: its Generator has exactly CuPy's methods,
and it draws from NumPy's Philox, so a seed gives different numbers on cpu and on cuda.
"""

import numpy as _np

from ._core import ndarray as _ndarray, unwrap as _unwrap, wrap as _wrap

_FLOATS = (_np.float32, _np.float64)


class BitGenerator:
    """A bit generator whose whole state is a device array, ``_state``, as CuPy's cuRAND states are:
    NumPy's Philox state as 13 uint64 words (counter 4, key 2, buffer 4, buffer_pos, has_uint32,
    uinteger), read before each draw and written back after, so writing it restores a stream."""

    def __init__(self, seed=None):
        self._state = _ndarray._wrap(_pack(_np.random.Philox(_np.random.SeedSequence(seed)).state))


def _pack(state):
    words = list(state["state"]["counter"]) + list(state["state"]["key"]) + list(state["buffer"])
    words += [state["buffer_pos"], state["has_uint32"], state["uinteger"]]
    return _np.array(words, dtype=_np.uint64)


def _unpack(words):
    w = [int(v) for v in words]
    return {"bit_generator": "Philox",
            "state": {"counter": _np.array(w[0:4], dtype=_np.uint64), "key": _np.array(w[4:6], dtype=_np.uint64)},
            "buffer": _np.array(w[6:10], dtype=_np.uint64), "buffer_pos": w[10], "has_uint32": w[11],
            "uinteger": w[12]}


class XORWOW(BitGenerator):
    """CuPy's default bit generator (here: NumPy's Philox, also not PCG64)."""


class Generator:
    """CuPy's ``cupy.random.Generator``: its methods, and no others."""

    def __init__(self, bit_generator):
        self.bit_generator = bit_generator

    @property
    def _stream(self):
        """A NumPy Generator on the current state; ``_store`` writes its state back."""
        bits = _np.random.Philox()
        bits.state = _unpack(self.bit_generator._state._a)
        self._last = _np.random.Generator(bits)
        return self._last

    def _store(self, result):
        self.bit_generator._state._a[...] = _pack(self._last.bit_generator.state)
        return result

    def _float(self, dtype):
        dtype = _np.dtype(dtype)
        if dtype.type not in _FLOATS:
            raise TypeError(f"Unsupported dtype {dtype.name} for random")
        return dtype

    def random(self, size=None, dtype=_np.float64, out=None):
        return self._put(self._stream.random(size, dtype=self._float(dtype)), out)

    def standard_normal(self, size=None, dtype=_np.float64, out=None):
        return self._put(self._stream.standard_normal(size, dtype=self._float(dtype)), out)

    def standard_exponential(self, size=None, dtype=_np.float64, method="inv", out=None):
        return self._put(self._stream.standard_exponential(size, dtype=self._float(dtype)), out)

    def standard_gamma(self, shape, size=None, dtype=_np.float64, out=None):
        return self._put(self._stream.standard_gamma(_unwrap(shape, "standard_gamma"), size,
                                                 dtype=self._float(dtype)), out)

    def integers(self, low, high=None, size=None, dtype=_np.int64, endpoint=False):
        low, high = _unwrap(low, "integers"), _unwrap(high, "integers")
        return self._store(_wrap(_np.asarray(self._stream.integers(low, high, size, dtype=dtype, endpoint=endpoint))))

    def uniform(self, low=0.0, high=1.0, size=None, dtype=_np.float64):
        low, high = _unwrap(low, "uniform"), _unwrap(high, "uniform")
        return self._store(_wrap(_np.asarray(self._stream.uniform(low, high, size).astype(dtype))))

    def _draws(self, name, *args, size=None):
        return self._store(_wrap(_np.asarray(getattr(self._stream, name)(*_unwrap(args, name), size=size))))

    # CuPy's signatures, one by one (tests/standin_cupy/cupy_signatures.txt)
    def beta(self, a, b, size=None, dtype=_np.float64):
        return self._draws("beta", a, b, size=size).astype(dtype)

    def binomial(self, n, p, size=None):
        return self._draws("binomial", n, p, size=size)

    def chisquare(self, df, size=None):
        return self._draws("chisquare", df, size=size)

    def dirichlet(self, alpha, size=None):
        return self._draws("dirichlet", alpha, size=size)

    def exponential(self, scale=1.0, size=None):
        return self._draws("exponential", scale, size=size)

    def f(self, dfnum, dfden, size=None):
        return self._draws("f", dfnum, dfden, size=size)

    def gamma(self, shape, scale=1.0, size=None):
        return self._draws("gamma", shape, scale, size=size)

    def geometric(self, p, size=None):
        return self._draws("geometric", p, size=size)

    def hypergeometric(self, ngood, nbad, nsample, size=None):
        return self._draws("hypergeometric", ngood, nbad, nsample, size=size)

    def logseries(self, p, size=None):
        return self._draws("logseries", p, size=size)

    def poisson(self, lam=1.0, size=None):
        return self._draws("poisson", lam, size=size)

    def power(self, a, size=None):
        return self._draws("power", a, size=size)

    def _put(self, array, out):
        self._store(None)
        if out is None:
            return _wrap(array)
        _unwrap(out, "out")[...] = array
        return out


def default_rng(seed=None):
    if isinstance(seed, Generator):
        return seed
    if isinstance(seed, BitGenerator):
        return Generator(seed)
    if isinstance(seed, (_ndarray, _np.ndarray)):
        raise TypeError("default_rng: the seed must be an int or a SeedSequence")
    return Generator(XORWOW(seed))
