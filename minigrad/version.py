"""``torch.version``: the version strings programs print. minigrad has no CUDA or ROCm build of
its own (CuPy brings the GPU), so those are None, as in a CPU build of PyTorch."""

from . import __version__  # noqa: F401  (the one in minigrad/__init__.py)
cuda = None
hip = None
debug = False
git_version = "unknown"
