"""Training one model in several processes (``torch.nn.parallel``'s names).

- ``DistributedDataParallel``  gradients averaged across ranks during backward (distributed.py,
                               the buckets and hooks in reducer.py)
- ``DataParallel``             a thin single-process wrapper, for PyTorch programs (data_parallel.py)
"""

from .data_parallel import DataParallel
from .distributed import DistributedDataParallel

__all__ = ["DistributedDataParallel", "DataParallel"]
