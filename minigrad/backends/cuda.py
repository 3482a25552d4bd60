"""``torch.backends.cuda``: ``is_built()`` and the matmul flags programs set.

``matmul.allow_tf32`` follows ``minigrad.set_float32_matmul_precision`` as in PyTorch
(True for 'high' and 'medium'); setting it sets the precision. Neither changes minigrad's
products, which are float32 throughout.
"""


def is_built():
    """True when CuPy can be imported (minigrad's CUDA support is CuPy)."""
    from .. import backend

    try:
        backend.cupy_module()
    except Exception:
        return False
    return True


class _MatmulFlags:
    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True
    _precision = ["highest"]  # replaced by minigrad.backends' own setting when it loads

    @property
    def allow_tf32(self):
        return self._precision[0] != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value):
        self._precision[0] = "high" if value else "highest"


matmul = _MatmulFlags()
