"""Gradient clipping: keep one bad batch from throwing the parameters far away.

Call between ``loss.backward()`` and ``optimizer.step()``. Both functions change the
``.grad`` arrays in place.
"""

import math

from ...backend import get_array_module, to_device
from ...errors import ArgumentError, ArgumentRuntimeError
from ...tensor import Tensor


def _grads(parameters):
    """The gradient arrays of the parameters that have one."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def _vector_norm(x, p):
    """‖x‖_p = (Σ |xᵢ|^p)^(1/p), and ‖x‖_∞ = max |xᵢ|, as a 0-d array of x's dtype."""
    xp = get_array_module(x)
    a = xp.abs(x)
    if p == math.inf:
        norm = a.max() if a.size else 0
    elif p == 1:
        norm = a.sum()
    elif p == 2:
        norm = xp.sqrt((a * a).sum())
    else:
        norm = (a ** p).sum() ** (1.0 / p)
    return xp.asarray(norm, dtype=x.dtype)


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scale all gradients together so that their total norm is at most ``max_norm``.

    The total norm treats every gradient as one long vector::

        total = ‖(‖g₁‖_p, ‖g₂‖_p, ...)‖_p            (= ‖concat(g₁, g₂, ...)‖_p)
        c     = min(1, max_norm / (total + 1e-6))
        gᵢ    = c · gᵢ                               for every gradient

    Scaling all of them by one factor keeps the direction of the full gradient; only its
    length is capped. The 1e-6 (PyTorch's) keeps a zero gradient from dividing by zero.
    Returns the total norm before clipping, as a Tensor (useful to log: spikes show instability).
    ``norm_type`` is a positive number or ``inf`` (largest absolute entry). The two steps are
    also public, as in PyTorch: ``get_total_norm`` and ``clip_grads_with_norm_``. ``foreach``
    (PyTorch's choice of kernel) changes nothing here.
    """
    parameters = [parameters] if isinstance(parameters, Tensor) else list(parameters)  # (read twice)
    total = get_total_norm(_grads(parameters), norm_type, error_if_nonfinite, op="clip_grad_norm_")
    clip_grads_with_norm_(parameters, max_norm, total)
    return total


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None, op="get_total_norm"):
    """‖(‖t₁‖_p, ‖t₂‖_p, ...)‖_p of the tensors (usually the gradients), as a 0-d Tensor."""
    tensors = [tensors] if isinstance(tensors, Tensor) else [t for t in tensors if t is not None]
    norm_type = float(norm_type)
    if not norm_type > 0:
        raise ArgumentError(f"{op}: norm_type must be positive or inf, got {norm_type}")
    if not tensors:
        return Tensor(0.0)
    device, xp = tensors[0].device, tensors[0].xp
    norms = [to_device(_vector_norm(t.array, norm_type), device) for t in tensors]  # one number per tensor
    total = _vector_norm(xp.stack(norms), norm_type)
    if error_if_nonfinite and not bool(xp.isfinite(total)):
        raise ArgumentRuntimeError(f"{op}: the total norm of order {norm_type} of the gradients is {float(total)}, "
                                   "so they cannot be clipped; pass error_if_nonfinite=False to scale them by it anyway")
    return Tensor._make(total)


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """gᵢ = min(1, max_norm / (total_norm + 1e-6)) · gᵢ for the gradient gᵢ of every parameter, in place."""
    grads = _grads(parameters)
    if not grads:
        return
    xp = grads[0].xp
    total = total_norm.array if isinstance(total_norm, Tensor) else xp.asarray(total_norm)
    clip_coef = xp.asarray(xp.minimum(float(max_norm) / (total + 1e-6), 1.0))
    for g in grads:
        g.array *= to_device(clip_coef, g.device)  # always: testing c < 1 would wait for the GPU
        g._vbox[0] += 1


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient entry into ``[-clip_value, clip_value]``, in place.

    Unlike ``clip_grad_norm_`` this changes the gradient's direction; it only bounds each entry.
    """
    clip_value = float(clip_value)
    if not clip_value >= 0:
        raise ArgumentError(f"clip_grad_value_: clip_value must be >= 0, got {clip_value}")
    for g in _grads(parameters):
        g.xp.clip(g.array, -clip_value, clip_value, out=g.array)
        g._vbox[0] += 1
