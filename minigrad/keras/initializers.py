"""Keras's weight initialisers, by name or as objects: ``Dense(4, kernel_initializer="he_normal")``.

An initialiser is called as ``init(shape, dtype)`` and returns a NumPy array drawn from
minigrad's random generator (so ``minigrad.manual_seed`` makes a model reproducible). Keras
computes fans from a kernel's shape (..., fan_in_axis, fan_out_axis): for shape
(k1, ..., kn, in, out) the receptive field is k1 ... kn, fan_in = in * field and
fan_out = out * field; a 1-D shape has fan_in = fan_out = its length.
"""

import math

import numpy as np

from ..creation import rand, randn
from ..errors import ArgumentError


def compute_fans(shape):
    """(fan_in, fan_out) of a weight of ``shape``, as Keras computes them."""
    shape = tuple(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    field = math.prod(shape[:-2])
    return shape[-2] * field, shape[-1] * field


def _normal(shape, dtype):
    return randn(tuple(shape), dtype="float64").numpy().astype(dtype)


def _uniform(shape, low, high, dtype):
    return (low + (high - low) * rand(tuple(shape), dtype="float64").numpy()).astype(dtype)


def _truncated_normal(shape, dtype):
    """Standard normal samples redrawn until all lie within two standard deviations."""
    sample = randn(tuple(shape), dtype="float64").numpy()
    outside = np.abs(sample) > 2.0
    while outside.any():  # each round redraws only the rejected ones (about 5% of them)
        sample[outside] = randn(int(outside.sum()), dtype="float64").numpy()
        outside = np.abs(sample) > 2.0
    return sample.astype(dtype)


class Initializer:
    """Base class: ``init(shape, dtype="float32")`` returns a NumPy array."""

    def __call__(self, shape, dtype="float32"):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Zeros(Initializer):
    def __call__(self, shape, dtype="float32"):
        return np.zeros(shape, dtype=dtype)


class Ones(Initializer):
    def __call__(self, shape, dtype="float32"):
        return np.ones(shape, dtype=dtype)


class Constant(Initializer):
    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype="float32"):
        return np.full(shape, self.value, dtype=dtype)

    def get_config(self):
        return {"value": self.value}


class RandomNormal(Initializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype="float32"):
        return (self.mean + self.stddev * _normal(shape, "float64")).astype(dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(Initializer):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape, dtype="float32"):
        return _uniform(shape, self.minval, self.maxval, dtype)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class TruncatedNormal(Initializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype="float32"):
        return (self.mean + self.stddev * _truncated_normal(shape, "float64")).astype(dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class VarianceScaling(Initializer):
    """Samples with variance ``scale / n``, n = fan_in, fan_out or their mean (``mode``).

    distribution "truncated_normal": stddev sqrt(scale / n) / 0.8796 (the standard deviation
    of a unit normal truncated at ±2 is 0.8796, so the result has the variance asked for);
    "untruncated_normal": stddev sqrt(scale / n); "uniform": limit sqrt(3 scale / n).
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ArgumentError(f"VarianceScaling: mode must be fan_in, fan_out or fan_avg, got {mode!r}")
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ArgumentError(f"VarianceScaling: unknown distribution {distribution!r}")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed

    def __call__(self, shape, dtype="float32"):
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            return (math.sqrt(variance) / 0.87962566103423978 * _truncated_normal(shape, "float64")).astype(dtype)
        if self.distribution == "untruncated_normal":
            return (math.sqrt(variance) * _normal(shape, "float64")).astype(dtype)
        limit = math.sqrt(3.0 * variance)
        return _uniform(shape, -limit, limit, dtype)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, "seed": self.seed}


class GlorotUniform(VarianceScaling):
    """U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)): Keras's default kernel initialiser."""

    def __init__(self, seed=None):
        super().__init__(1.0, "fan_avg", "uniform", seed)

    def get_config(self):
        return {"seed": self.seed}


class GlorotNormal(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed)

    def get_config(self):
        return {"seed": self.seed}


class HeNormal(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(2.0, "fan_in", "truncated_normal", seed)

    def get_config(self):
        return {"seed": self.seed}


class HeUniform(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(2.0, "fan_in", "uniform", seed)

    def get_config(self):
        return {"seed": self.seed}


class LecunNormal(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(1.0, "fan_in", "truncated_normal", seed)

    def get_config(self):
        return {"seed": self.seed}


class LecunUniform(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(1.0, "fan_in", "uniform", seed)

    def get_config(self):
        return {"seed": self.seed}


class Orthogonal(Initializer):
    """A (semi-)orthogonal matrix times ``gain``: Keras's default recurrent kernel initialiser.

    The weight is viewed as a (rows, cols) matrix, rows = product of all but the last axis;
    Q of the QR factorisation of a normal (max, min) matrix, with each column's sign fixed by
    the diagonal of R (so Q is uniformly distributed), transposed when rows < cols.
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain, self.seed = gain, seed

    def __call__(self, shape, dtype="float32"):
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = _normal((max(rows, cols), min(rows, cols)), "float64")
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(dtype)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype="float32"):
        return (self.gain * np.eye(*shape)).astype(dtype)

    def get_config(self):
        return {"gain": self.gain}


_BY_NAME = {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
    "random_uniform": RandomUniform, "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "he_normal": HeNormal,
    "he_uniform": HeUniform, "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform,
    "orthogonal": Orthogonal, "identity": Identity,
}
_CLASS_NAMES = {cls.__name__: cls for cls in _BY_NAME.values()}


def get(identifier):
    """An initialiser from a name ("glorot_uniform"), a Keras config dict, an object or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        if identifier in _BY_NAME:
            return _BY_NAME[identifier]()
        if identifier in _CLASS_NAMES:
            return _CLASS_NAMES[identifier]()
    if isinstance(identifier, dict) and identifier.get("class_name") in _CLASS_NAMES:
        return _CLASS_NAMES[identifier["class_name"]].from_config(identifier.get("config", {}))
    if callable(identifier):
        return identifier
    raise ArgumentError(f"Could not interpret initializer identifier: {identifier!r} "
                        f"(known names: {', '.join(sorted(_BY_NAME))})")


def serialize(init):
    """The config Keras stores for an initialiser."""
    if isinstance(init, Initializer):
        return {"class_name": type(init).__name__, "config": init.get_config()}
    return getattr(init, "__name__", repr(init))
