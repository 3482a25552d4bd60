"""``torch.backends.mkldnn``: a library of PyTorch's CPU kernels, which minigrad does not use (NumPy's BLAS does its products)."""


def is_available():
    """False: minigrad's CPU ops are NumPy's."""
    return False
