"""``torch.cuda.amp``'s import path (``from torch.cuda.amp import autocast, GradScaler``), the
older spelling of ``torch.amp``: its autocast is for cuda and takes ``enabled`` first."""

from .. import dtypes
from ..settings import autocast as _autocast
from .grad_scaler import GradScaler


class autocast(_autocast):
    """``torch.cuda.amp.autocast(enabled=True, dtype=float16, cache_enabled=True)``:
    ``autocast("cuda", ...)`` (computing in full precision, as every autocast here)."""

    def __init__(self, enabled=True, dtype=dtypes.float16, cache_enabled=True):
        super().__init__("cuda", dtype, enabled, cache_enabled)


__all__ = ["autocast", "GradScaler"]
