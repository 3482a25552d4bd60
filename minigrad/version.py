"""``torch.version``: the version strings programs print. minigrad has no CUDA or ROCm build of
its own (CuPy brings the GPU), so those are None, as in a CPU build of PyTorch."""

__version__ = "0.1.0"
cuda = None
hip = None
debug = False
git_version = "unknown"
