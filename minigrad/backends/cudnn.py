"""``torch.backends.cudnn``'s flags: accepted and remembered, with no effect (minigrad does not
call cuDNN; see ``minigrad.backends``)."""

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available():
    """False: minigrad's GPU ops are CuPy GEMMs and kernels, not cuDNN's."""
    return False


def version():
    """None: no cuDNN is used."""
    return None
