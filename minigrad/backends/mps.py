"""``torch.backends.mps``: Apple's GPU backend, which minigrad does not have."""


def is_available():
    """False: minigrad runs on NumPy (CPU) and CuPy (NVIDIA GPUs) only."""
    return False


def is_built():
    """False: minigrad has no MPS backend."""
    return False
