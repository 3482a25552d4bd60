"""``torch.accelerator``: the one accelerator a program may use, device-agnostic.

minigrad's only accelerator is an NVIDIA GPU through CuPy, so this answers with ``cuda``:

    device = (minigrad.accelerator.current_accelerator().type
              if minigrad.accelerator.is_available() else "cpu")
"""

from . import backend, cuda


def is_available():
    """True when a GPU is usable."""
    return cuda.is_available()


def current_accelerator(check_available=False):
    """``device(type='cuda')`` when a GPU is usable, else None (with ``check_available`` too)."""
    return backend.Device("cuda") if cuda.is_available() else None


def device_count():
    """The number of GPUs (0 without one)."""
    return cuda.device_count()


def current_device_index():
    """The index of the current GPU."""
    return cuda.current_device()


def set_device_index(device):
    """Make GPU ``device`` current."""
    cuda.set_device(device)


def synchronize(device=None):
    """Wait for the GPU's queued work to finish."""
    cuda.synchronize(device)
