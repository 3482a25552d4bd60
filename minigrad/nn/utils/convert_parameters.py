"""All parameters as one flat vector and back (for second-order methods, model averaging, ...)."""

from ...errors import ShapeError, DTypeError
from ...ops.shape import cat
from ...tensor import Tensor


def parameters_to_vector(parameters):
    """The parameters, flattened and concatenated in order (differentiable, a new tensor)."""
    params = list(parameters)
    if not all(isinstance(p, Tensor) for p in params):
        raise DTypeError("parameters_to_vector: expected an iterable of Tensors")
    return cat([p.reshape(-1) for p in params])


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the 1-D ``vec`` into the parameters, in place (no graph)."""
    if not isinstance(vec, Tensor) or vec.ndim != 1:
        raise DTypeError(f"vector_to_parameters: expected a 1-D Tensor, got {type(vec).__name__}")
    params = list(parameters)
    total = sum(p.numel() for p in params)
    if vec.numel() != total:
        raise ShapeError(f"vector_to_parameters: the vector has {vec.numel()} elements, the parameters {total}")
    offset = 0
    for p in params:
        n = p.numel()
        p.data = vec[offset:offset + n].reshape(p.shape).detach().clone()
        offset += n
