"""Gradient checking, as a product: check minigrad's ops, or your own.

- ``gradcheck(fn, inputs)``: the gradients ``fn``'s backward computes agree with central
  finite differences, for every input that requires grad and every output.
- ``gradgradcheck(fn, inputs)``: the same for the gradient of the gradient.
- ``GradcheckError``: what they raise, with the worst entries side by side.
- ``OpInfo``, ``Sample``, ``all_entries()``: the op registry that drives the generic tests
  and ``python -m minigrad.testing``.
- ``strategies``: inputs kept away from kinks (NumPy helpers; hypothesis strategies when
  hypothesis is installed, imported only when one is used).
- ``assert_close``, ``make_tensor``: PyTorch's ``torch.testing`` helpers for tests.

Example::

    import minigrad
    from minigrad.testing import gradcheck

    x = minigrad.randn(3, 4, dtype=minigrad.float64, requires_grad=True)
    gradcheck(lambda t: (t * t).sum(dim=1), (x,))   # True, or raises GradcheckError
"""

from . import strategies
from .assert_close import assert_close, make_tensor
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .registry import OpInfo, Sample, all_entries

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError", "OpInfo", "Sample", "all_entries",
           "strategies", "assert_close", "make_tensor"]
