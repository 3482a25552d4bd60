"""Random number generators: ``minigrad.Generator`` and the default one of each device.

A ``Generator`` is a seeded stream of random numbers on one device. Every random factory
(``rand``, ``randn``, ``randint``, ``randperm``, ``normal``, ``bernoulli``, ``poisson``, the
``*_like`` ones), every random in-place method (``x.normal_()``, ``x.uniform_()``, ...) and
the samplers of ``minigrad.data`` take ``generator=``; without it they draw from the
device's default generator, which ``minigrad.manual_seed`` seeds.

    g = minigrad.Generator().manual_seed(0)
    a = minigrad.rand(3, generator=g)       # the same numbers on every run
    state = g.get_state()                   # a uint8 Tensor: minigrad.save can store it
    b = minigrad.rand(3, generator=g)
    g.set_state(state)
    assert (minigrad.rand(3, generator=g) == b).all()

As in PyTorch, ``minigrad.manual_seed`` returns the CPU's default generator, a new
``Generator()`` starts from the seed 67280421310721, and a fresh process starts its default
generators from a random seed. The streams themselves are NumPy's PCG64 (CuPy's generator
on a GPU), so the numbers differ from PyTorch's for the same seed.
"""

import contextlib

from . import backend
from .errors import ArgumentRuntimeError, DeviceError, DTypeError

DEFAULT_SEED = 67280421310721  # PyTorch's seed for a new Generator


class Generator:
    """A seeded random stream on ``device`` (``"cpu"`` or ``"cuda:N"``)."""

    def __init__(self, device="cpu"):
        self.device = backend.Device(device)
        self._seed = DEFAULT_SEED
        self._stream = None  # made on first use: building a CuPy stream needs the GPU

    def stream(self):
        """The array-level generator behind this one (a NumPy Generator, or CuPy's on a GPU)."""
        if self._stream is None:
            self._stream = backend.new_stream(self.device, self._seed)
        return self._stream

    def manual_seed(self, seed):
        """Restart from ``seed``; returns the generator, so ``Generator().manual_seed(0)`` chains."""
        self._seed = backend.seed_value(seed)
        self._stream = None
        return self

    def seed(self):
        """Restart from a non-deterministic seed, and return that seed."""
        self.manual_seed(backend.fresh_seed())
        return self._seed

    def initial_seed(self):
        """The seed this generator last started from."""
        return self._seed

    def get_state(self):
        """The stream's state as a uint8 Tensor on the CPU, a plain array ``minigrad.save`` stores:
        48 bytes for a CPU generator (PCG64); for a CUDA one, the cuRAND states CuPy keeps on
        its GPU (one per thread of its random kernels, about 1.5 MB), copied to the host."""
        from .tensor import Tensor

        if self.device.type == "cuda":
            from .cuda import _curand_state

            return Tensor._make(_curand_state(self.stream(), self.device))
        return Tensor._make(backend.stream_state(self.stream()))

    def set_state(self, new_state):
        """Go back to a state ``get_state`` returned; returns the generator.

        As in PyTorch, a state that is not a uint8 tensor is a TypeError, and one of the wrong
        size (another kind of generator's) a RuntimeError.
        """
        array = _state_array(new_state)
        if self.device.type == "cuda":
            from .cuda import _set_curand_state

            _set_curand_state(self.stream(), array, self.device)
            return self
        if array.shape != (_CPU_STATE_BYTES,):
            raise ArgumentRuntimeError(f"set_state: expected the {_CPU_STATE_BYTES}-byte uint8 state a CPU "
                                       f"generator's get_state returns, got {array.size} bytes")
        backend.set_stream_state(self.stream(), array)
        return self

    def __repr__(self):
        return f"<minigrad.Generator device={self.device} initial_seed={self._seed}>"


_CPU_STATE_BYTES = 48  # PCG64: 128-bit state and increment, and a buffered 32-bit half-word


def _state_array(new_state):
    """The host uint8 array inside a state given to ``set_state`` (a Tensor or an array)."""
    from .tensor import Tensor

    array = new_state.array if isinstance(new_state, Tensor) else new_state
    if not hasattr(array, "dtype") or not hasattr(array, "shape"):
        raise DTypeError(f"set_state: expected a uint8 Tensor (what get_state returns), got "
                         f"{type(new_state).__name__}")
    if array.dtype != "uint8":
        raise DTypeError(f"set_state: the RNG state must be a uint8 Tensor (what get_state returns), got "
                         f"dtype {array.dtype}")
    return backend.to_device(array, "cpu")


class _DefaultGenerator(Generator):
    """The default generator of one device: its seed and stream live in ``backend``, so that
    ``minigrad.manual_seed`` and ``backend.generator(device)`` (used by dropout and nn.init)
    see the very same stream."""

    def __init__(self, device):
        self.device = backend.Device(device)

    @property
    def _seed(self):
        return backend.initial_seed(self.device)

    def stream(self):
        return backend.generator(self.device)

    def manual_seed(self, seed):
        backend.seed_device(self.device, seed)
        return self

    def __repr__(self):
        return f"<minigrad default Generator device={self.device} initial_seed={self._seed}>"


default_generator = _DefaultGenerator("cpu")
_cuda_defaults = {}


def default_generator_of(device):
    """The default Generator of ``device``."""
    device = backend.Device(device)
    if device.type == "cpu":
        return default_generator
    key = str(device)
    if key not in _cuda_defaults:
        _cuda_defaults[key] = _DefaultGenerator(key)
    return _cuda_defaults[key]


def stream_for(generator=None, device="cpu"):
    """The array-level generator to draw from: ``generator``'s own stream, or the default one of
    ``device`` when ``generator`` is None. Random ops call this with their ``generator=`` argument.

    The generator must live on the device the numbers are made on (PyTorch's rule too).
    """
    device = backend.Device(device)
    if generator is None:
        return backend.generator(device)
    if not isinstance(generator, Generator):
        raise DTypeError(f"generator must be a minigrad.Generator, got {type(generator).__name__}")
    if generator.device.type != device.type:
        raise DeviceError(f"expected a '{device.type}' device type for the generator but found "
                          f"'{generator.device.type}'")
    return generator.stream()


# ---- the global functions PyTorch has (torch.manual_seed, torch.seed, ...) ---------------------


def manual_seed(seed):
    """Seed every device's default generator, for reproducible runs; returns the CPU's.

    Each device repeats its own numbers; cpu and cuda are different generators, so one seed
    gives them different numbers (docs/differences-from-pytorch.md, "Random numbers")."""
    backend.manual_seed(seed)
    return default_generator


def seed():
    """Seed every device's default generator from the operating system's entropy; returns the seed."""
    value = backend.fresh_seed()
    backend.manual_seed(value)
    return value


def initial_seed():
    """The seed of the CPU's default generator."""
    return default_generator.initial_seed()


def get_rng_state():
    """The CPU default generator's state, a uint8 Tensor."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore the CPU default generator's state from ``get_rng_state()``."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True):
    """Run a block with the default generators' states saved and restored afterwards, so the
    random numbers the block draws do not change what the rest of the program draws.

    The CPU's generator is always forked; ``devices`` lists the GPUs whose generators are
    forked too (indices or 'cuda:N'; None: every GPU there is, none without a GPU).
    """
    if not enabled:
        yield
        return
    from . import cuda

    gpus = range(cuda.device_count()) if devices is None else [cuda._index(d) for d in devices]
    seeds = {d: backend.initial_seed(d) for d in ["cpu"] + [f"cuda:{i}" for i in gpus]}
    states = {d: default_generator_of(d).get_state() for d in seeds}
    try:
        yield
    finally:
        for d, state in states.items():
            backend.seed_device(d, seeds[d])
            default_generator_of(d).set_state(state)
