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


class DeviceTypeError(MinigradError, TypeError):
    """A cuda tensor where host memory is needed (``numpy()``): a TypeError, as in PyTorch."""


class GraphError(MinigradError, RuntimeError):
    """Misuse of the autograd graph: freed graph walked twice, unused inputs, in-place edits."""


class IndexOutOfRange(MinigradError, IndexError):
    """An index outside a dimension's range."""


class ArgumentError(MinigradError, ValueError):
    """An argument value an op does not take: a stride or kernel size below 1, a negative
    padding, a probability outside [0, 1], an unknown mode or reduction."""


class ArgumentAssertionError(ArgumentError, AssertionError):
    """An ArgumentError where PyTorch checks with ``assert`` (and so raises AssertionError),
    e.g. ``MultiheadAttention(5, 2)``: embed_dim not divisible by num_heads."""


class ArgumentRuntimeError(ArgumentError, RuntimeError):
    """An ArgumentError where PyTorch raises RuntimeError, e.g. a Transformer layer's activation
    named neither 'relu' nor 'gelu'."""


class UnknownMode(ArgumentError, NotImplementedError):
    """An ArgumentError where PyTorch raises NotImplementedError (a RuntimeError) for a mode it
    does not know, e.g. ``F.pad(x, p, mode='wrap')`` or an interpolation mode."""


class NotSupported(MinigradError, NotImplementedError):
    """A PyTorch feature minigrad does not have (yet), e.g. a distributed group of only some ranks."""


class DistributedError(MinigradError, RuntimeError):
    """A collective that cannot complete, e.g. a rank missing at a monitored barrier (PyTorch's DistError)."""


class MissingForward(MinigradError, NotImplementedError):
    """A Module subclass called without defining ``forward`` (PyTorch raises NotImplementedError)."""


class UnsupportedDType(DTypeError, NotImplementedError):
    """A DTypeError where PyTorch has no kernel for the dtype and raises NotImplementedError
    (a RuntimeError), e.g. ``floor`` of a bool tensor or ``bitwise_and`` of floats."""


class IntegerDivisionByZero(MinigradError, ZeroDivisionError, RuntimeError):
    """Integer division or remainder by zero (PyTorch raises RuntimeError "ZeroDivisionError")."""


class IndexRuntimeError(IndexOutOfRange, RuntimeError):
    """An index value outside its dimension where PyTorch raises RuntimeError instead of
    IndexError: gather, scatter, scatter_add, scatter_reduce, index_add."""


class DTypeRuntimeError(DTypeError, RuntimeError):
    """A DTypeError where PyTorch raises RuntimeError: an in-place result that cannot be cast
    to the tensor's dtype (``int_tensor.add_(0.5)``), a ``.grad`` of another dtype."""


class LinAlgError(MinigradError, RuntimeError):
    """A matrix factorization that cannot be completed: inverting or solving with a singular
    matrix, the Cholesky factor of a matrix that is not positive definite (PyTorch raises
    torch.linalg.LinAlgError, a RuntimeError)."""


class DataLoaderError(MinigradError, RuntimeError):
    """A DataLoader worker that died or did not answer in ``timeout`` seconds (PyTorch raises
    RuntimeError); an exception raised by a dataset inside a worker keeps its own type."""


class ArgumentTypeError(ArgumentError, TypeError):
    """An argument of the wrong type where PyTorch raises TypeError, e.g. a size of 2.5 in
    ``nn.Linear(2.5, 2)`` or ``zeros(2.5)``."""


class ArgumentKeyError(MinigradError, KeyError):
    """A bad name where PyTorch raises KeyError: registering a parameter, buffer or module
    under an empty name, a dotted one, or one already taken."""


class ModuleAttributeError(MinigradError, AttributeError):
    """A module attribute, parameter, buffer or sub-module that does not exist (AttributeError,
    so ``hasattr`` and ``getattr(m, name, default)`` keep working)."""


class IndexDTypeError(DTypeError, IndexError):
    """An index tensor of a dtype that cannot index (float) where PyTorch raises IndexError:
    ``x[float_tensor]``."""


class IndexShapeError(ShapeError, IndexError):
    """An index tensor of the wrong shape where PyTorch raises IndexError: a 2-d index to
    index_select, index_add, index_copy or index_fill."""


class PretrainedNotFound(MinigradError, FileNotFoundError):
    """``from_pretrained(name)``: no folder of that name, and no installed package of that name
    shipping the model's files (Hugging Face raises OSError, which FileNotFoundError is)."""


class MissingDependency(MinigradError, ImportError):
    """An optional package a feature needs is not installed, e.g. mpi4py for
    ``minigrad.distributed`` (the message says which ``pip install`` brings it)."""
