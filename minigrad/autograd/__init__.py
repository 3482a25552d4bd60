"""The autograd engine: graph nodes, backward, grad modes, ``grad()`` and anomaly detection.

``minigrad.autograd.Function`` is PyTorch's kind of custom op (forward and backward on
Tensors, ``custom_function.py``); minigrad's own ops subclass the array-level base in
``function.py``, whose forward works on raw arrays.
"""

from .anomaly import detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly
from .custom_function import Function, FunctionCtx, once_differentiable
from . import forward_ad, graph  # torch.autograd.forward_ad (dual tensors), .graph (saved-tensor hooks, Node)
from .functional import grad
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
                        set_grad_enabled)



def Variable(data, requires_grad=False, volatile=False):
    """The old PyTorch wrapper (before 0.4): today a Tensor is its own Variable."""
    from ..tensor import Tensor

    from .. import creation

    t = data if isinstance(data, Tensor) else creation.as_tensor(data)  # an ndarray keeps its dtype
    return t.requires_grad_(requires_grad) if requires_grad else t


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """``torch.autograd.backward``: ``t.backward(g)`` for several outputs at once (their gradients add)."""
    from ..tensor import Tensor
    from .engine import run_backward

    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    if grad_tensors is None or isinstance(grad_tensors, Tensor):
        grad_tensors = [grad_tensors] * len(tensors) if grad_tensors is None else [grad_tensors]
    from ..tensor import _initial_grad

    grads = [_initial_grad(t, g, "backward") for t, g in zip(tensors, grad_tensors)]
    run_backward(tensors, grads, create_graph if retain_graph is None else retain_graph, create_graph)


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, fast_mode=False, **kwargs):
    """``torch.autograd.gradcheck``: minigrad.testing's checker under PyTorch's name and arguments."""
    from ..testing import gradcheck as check

    inputs = (inputs,) if not isinstance(inputs, (tuple, list)) else tuple(inputs)
    return check(func, inputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception, fast_mode=fast_mode)


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
                  fast_mode=False, **kwargs):
    """``torch.autograd.gradgradcheck`` (see gradcheck)."""
    from ..testing import gradgradcheck as check

    inputs = (inputs,) if not isinstance(inputs, (tuple, list)) else tuple(inputs)
    return check(func, inputs, grad_outputs=grad_outputs, eps=eps, atol=atol, rtol=rtol,
                 raise_exception=raise_exception, fast_mode=fast_mode)


__all__ = ["Function", "inference_mode", "is_inference_mode_enabled", "gradcheck", "gradgradcheck", "FunctionCtx", "once_differentiable", "Variable", "backward", "grad", "no_grad", "enable_grad", "is_grad_enabled", "set_grad_enabled",
           "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled"]
