"""The errors minigrad raises.

Each is a subclass of the matching built-in exception, so code that already catches
``ValueError``, ``TypeError`` or ``RuntimeError`` keeps working. Messages name the op,
the arguments involved and what was expected.
"""


class MinigradError(Exception):
    """Base class of every error minigrad raises on purpose."""


class ShapeError(MinigradError, ValueError, RuntimeError):
    """Shapes that do not fit: broadcasting, matmul, reshape, wrong feature sizes."""


class DTypeError(MinigradError, TypeError):
    """A dtype an op cannot take, e.g. requires_grad on an integer tensor."""


class DeviceError(MinigradError, RuntimeError):
    """Tensors on different devices in one op, an unknown device, or CUDA missing."""


class GraphError(MinigradError, RuntimeError):
    """Misuse of the autograd graph: freed graph walked twice, unused inputs, in-place edits."""


class IndexOutOfRange(MinigradError, IndexError):
    """An index outside a dimension's range."""


class ArgumentError(MinigradError, ValueError):
    """An argument value an op does not take: a stride or kernel size below 1, a negative
    padding, a probability outside [0, 1], an unknown mode or reduction."""
