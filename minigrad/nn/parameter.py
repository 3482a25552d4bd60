"""Parameter: a Tensor that a Module registers as learnable."""

from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that requires grad and that ``Module`` collects in ``parameters()``."""

    __slots__ = ()

    def __init__(self, data, requires_grad=True):
        super().__init__(data.array if isinstance(data, Tensor) else data, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()
