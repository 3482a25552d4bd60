"""``torch.cuda``'s functions that programs call, answered through CuPy.

    device = "cuda" if minigrad.cuda.is_available() else "cpu"
    minigrad.cuda.manual_seed_all(0)

Everything here works without CuPy and without a GPU: the questions answer "no GPU"
(``is_available()`` is False, ``device_count()`` is 0), seeding and ``empty_cache`` do
nothing harmful, and what needs a GPU (``current_device``, ``synchronize``,
``get_device_name``, ``get_rng_state``) raises a ``DeviceError`` saying how to get one.
"""

import numpy as np

from . import backend
from .errors import ArgumentRuntimeError, DeviceError


def is_available():
    """True when CuPy imports and sees at least one GPU."""
    return backend.is_cuda_available()


def device_count():
    """The number of GPUs CuPy sees (0 without CuPy)."""
    if not is_available():
        return 0
    return int(backend.cupy_module().cuda.runtime.getDeviceCount())


def _need_gpu(op):
    if not is_available():
        raise DeviceError(f"minigrad.cuda.{op}: no GPU is available. {backend._GPU_HELP}")
    return backend.cupy_module()


def _index(device):
    """A GPU index from None (the current one), an int, 'cuda:N' or a minigrad.device."""
    if device is None:
        return current_device()
    if isinstance(device, int):
        return device
    d = backend.Device(device)
    if d.type != "cuda":
        raise DeviceError(f"expected a cuda device, got {device!r}")
    return d.index


def current_device():
    """The index of the current GPU."""
    return int(_need_gpu("current_device").cuda.runtime.getDevice())


def set_device(device):
    """Make ``device`` (an index or 'cuda:N') the current GPU."""
    _need_gpu("set_device").cuda.runtime.setDevice(_index(device))


def device(device):
    """A context manager making ``device`` the current GPU: ``with minigrad.cuda.device(1): ...``."""
    return backend.on_device(f"cuda:{_index(device)}")


def get_device_name(device=None):
    """The GPU's name, e.g. 'NVIDIA H100 80GB HBM3'."""
    name = _need_gpu("get_device_name").cuda.runtime.getDeviceProperties(_index(device))["name"]
    return name.decode() if isinstance(name, bytes) else str(name)


def get_device_capability(device=None):
    """The GPU's compute capability as (major, minor)."""
    props = _need_gpu("get_device_capability").cuda.runtime.getDeviceProperties(_index(device))
    return int(props["major"]), int(props["minor"])


def get_device_properties(device=None):
    """CuPy's dict of the GPU's properties (name, totalGlobalMem, multiProcessorCount, major,
    minor, ...); PyTorch returns an object with attributes instead."""
    return _need_gpu("get_device_properties").cuda.runtime.getDeviceProperties(_index(device))


def mem_get_info(device=None):
    """(free, total) bytes of the GPU's memory, as the driver reports them."""
    cp = _need_gpu("mem_get_info")
    with cp.cuda.Device(_index(device)):
        free, total = cp.cuda.runtime.memGetInfo()
    return int(free), int(total)


def synchronize(device=None):
    """Wait until every kernel queued on the GPU has finished (for honest timings)."""
    cp = _need_gpu("synchronize")
    with cp.cuda.Device(_index(device)):
        cp.cuda.Device().synchronize()


def empty_cache():
    """Give the GPU memory CuPy keeps for reuse back to the driver (nothing to do without a GPU)."""
    if is_available():
        backend.cupy_module().get_default_memory_pool().free_all_blocks()


def memory_allocated(device=None):
    """Bytes of GPU memory in use by arrays (0 without a GPU). CuPy's pool is shared by all GPUs."""
    return int(backend.cupy_module().get_default_memory_pool().used_bytes()) if is_available() else 0


def memory_reserved(device=None):
    """Bytes of GPU memory held by CuPy's pool, in use or cached (0 without a GPU)."""
    return int(backend.cupy_module().get_default_memory_pool().total_bytes()) if is_available() else 0


def is_bf16_supported():
    """False: minigrad has no bfloat16 dtype (NumPy has none)."""
    return False


# ---- random numbers on the GPUs -------------------------------------------------------------------


def manual_seed(seed):
    """Seed the current GPU's default generator (GPU 0 when none is available yet)."""
    backend.seed_device(f"cuda:{current_device() if is_available() else 0}", seed)


def manual_seed_all(seed):
    """Seed the default generator of every GPU."""
    for i in range(max(device_count(), 1)):
        backend.seed_device(f"cuda:{i}", seed)


def seed():
    """Seed the current GPU's default generator from the system's entropy."""
    manual_seed(backend.fresh_seed())


def seed_all():
    """Seed every GPU's default generator from the system's entropy (one seed for all)."""
    manual_seed_all(backend.fresh_seed())


def initial_seed():
    """The seed of the current GPU's default generator."""
    return backend.initial_seed(f"cuda:{current_device() if is_available() else 0}")


def get_rng_state(device="cuda"):
    """The state of one GPU's default generator, as a uint8 Tensor on the CPU that
    ``minigrad.save`` stores; ``set_rng_state`` goes back to it. Needs a GPU."""
    from .random import default_generator_of

    _need_gpu("get_rng_state")
    return default_generator_of(_rng_device(device)).get_state()


def set_rng_state(new_state, device="cuda"):
    """Restore one GPU's default generator from ``get_rng_state(device)``.

    Without a GPU there is no generator to restore and, as in PyTorch (which defers the call
    until CUDA starts), nothing happens: a checkpoint written on a GPU machine still resumes
    on a CPU-only one. The state must still be a uint8 tensor.
    """
    from .random import _state_array, default_generator_of

    _state_array(new_state)
    if is_available():
        default_generator_of(_rng_device(device)).set_state(new_state)


def _rng_device(device):
    """'cuda:N' from PyTorch's ways to name a GPU; plain 'cuda' is the current one, as in PyTorch."""
    return f"cuda:{_index(None if isinstance(device, str) and device.strip().lower() == 'cuda' else device)}"


def get_rng_state_all():
    """The states of every GPU's default generator, one per GPU ([] without a GPU)."""
    return [get_rng_state(i) for i in range(device_count())]


def set_rng_state_all(new_states):
    """Restore every GPU's default generator from ``get_rng_state_all()`` (GPU i from state i)."""
    for i, state in enumerate(new_states):
        set_rng_state(state, i)


def _curand_bits(stream):
    """The device array of cuRAND states behind a CuPy Generator (its bit generator's ``_state``:
    one state per GPU thread the random kernels run, all the state the stream has)."""
    state = getattr(getattr(stream, "bit_generator", None), "_state", None)
    if state is None:
        raise DeviceError("get_state: this CuPy version keeps its generator's state where minigrad cannot "
                          "read it; seed the generator with manual_seed instead")
    return state


def _curand_state(stream, device):
    """A CUDA generator's state copied to the host as a 1-D uint8 array (``Generator.get_state``)."""
    with backend.on_device(device):
        return np.ascontiguousarray(backend.to_device(_curand_bits(stream), "cpu")).view(np.uint8).copy()


def _set_curand_state(stream, host_state, device):
    """Copy a state from ``_curand_state`` back into the generator's device array."""
    bits = _curand_bits(stream)
    if host_state.shape != (bits.nbytes,):
        raise ArgumentRuntimeError(f"set_state: expected the {bits.nbytes}-byte state this CUDA generator's "
                                   f"get_state returns, got {host_state.size} bytes")
    with backend.on_device(device):
        bits.set(np.ascontiguousarray(host_state).view(bits.dtype))


def max_memory_allocated(device=None):
    """The peak of ``memory_allocated`` is not tracked by CuPy's pool: its current use is returned."""
    return memory_allocated(device)


def reset_peak_memory_stats(device=None):
    """Accepted (nothing to reset: see max_memory_allocated)."""


from .legacy_tensors import CUDA_TYPES as _LEGACY_TYPES  # noqa: E402
globals().update(_LEGACY_TYPES)  # cuda.FloatTensor, cuda.LongTensor, ...: the legacy types of GPU tensors
from .amp import cuda_amp as amp  # noqa: E402  (minigrad.cuda.amp.GradScaler / autocast, PyTorch's older path)
import sys as _sys  # noqa: E402

_sys.modules[__name__ + ".amp"] = amp  # `import minigrad.cuda.amp` too (cuda.py is a module, not a package)
from .cuda_streams import Event, Stream, current_stream, default_stream, stream  # noqa: E402,F401
