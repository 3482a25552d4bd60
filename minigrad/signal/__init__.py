"""Signal processing (PyTorch's torch.signal): the window functions of ``minigrad.signal.windows``."""

from . import windows

__all__ = ["windows"]
