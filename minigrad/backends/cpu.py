"""``torch.backends.cpu``: what the CPU offers. minigrad's CPU is NumPy, whose BLAS picks its own
instructions at run time."""


def get_cpu_capability():
    """'DEFAULT': minigrad does not dispatch on CPU instruction sets itself (NumPy's BLAS does)."""
    return "DEFAULT"
