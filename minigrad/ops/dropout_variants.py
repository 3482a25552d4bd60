"""PyTorch's top-level dropout functions, which take (input, p, train), all three required.

    native_dropout(x, p, train)          -> (y, mask)   y = x ⊙ mask / (1 - p), mask a bool tensor
    alpha_dropout(x, p, train)           F.alpha_dropout: dropped units go to SELU's saturation
    feature_dropout(x, p, train)         drops whole channels: one draw per x[n, c]
    feature_alpha_dropout(x, p, train)   alpha dropout of whole channels
    alpha_dropout_, feature_dropout_, feature_alpha_dropout_: the same, written into x

"Feature" means what it means in PyTorch: for any input of 2 or more dimensions axis 0 is
the batch and axis 1 the channels, and the mask has shape (N, C, 1, ..., 1) (a 2-D (N, C)
input so drops single elements). As in PyTorch, p must lie in [0, 1], and when p == 0, when
not training or when x is empty these return x itself (native_dropout: a copy and an
all-True mask); otherwise x must be a floating point tensor.

Composite: the masks are constants, so each y is x times (and plus) constants, and the
gradients are mul's (ops/elementwise.py Mul). The formulas are in ops/dropout.py.
"""

from ..autograd.grad_mode import is_grad_enabled
from ..errors import DTypeRuntimeError, GraphError, ShapeError
from ..tensor import Tensor
from .dropout import _check_p, _feature_dropout, _scaled_mask
from .dropout import alpha_dropout as _alpha_dropout, feature_alpha_dropout as _feature_alpha_dropout
from .elementwise import mul


def _floating(op, input):
    if input.dtype.kind != "f":
        raise DTypeRuntimeError(f"{op}: dropout needs a floating point input, got dtype {input.dtype}")


def _active(op, input, p, train, inplace=False):
    """Whether this dropout changes anything (after checking p, and then the input)."""
    _check_p(p, op)
    if p == 0 or not train or input.array.size == 0:
        return False
    _floating(op, input)
    if inplace and input.requires_grad and input.is_leaf and is_grad_enabled():
        raise GraphError(f"{op}: a leaf tensor that requires grad cannot be modified in place outside no_grad() "
                         f"(shape {tuple(input.shape)})")
    return True


def native_dropout(input, p, train):
    """(x ⊙ mask / (1 - p), mask), mask[i] ~ Bernoulli(1 - p) as bool; train=None means training.

    Composition: of ops/elementwise.py Mul with a constant mask (no Function of its own).
    """
    op = "native_dropout"
    _check_p(p, op)
    if train is not None and not train:
        return input.clone(), Tensor._make(input.xp.ones_like(input.array, dtype=bool))
    _floating(op, input)
    scale = _scaled_mask(input, tuple(input.shape), p)  # 0 where dropped, 1 / (1 - p) where kept
    return mul(input, scale), Tensor._make(scale.array != 0)


def alpha_dropout(input, p, train):
    """F.alpha_dropout(input, p, training=train).

    Composition: of ops/elementwise.py Mul and Add with a constant mask (no Function of its own).
    """
    if not _active("alpha_dropout", input, p, train):
        return input
    return _alpha_dropout(input, p, training=True)


def alpha_dropout_(input, p, train):
    """alpha_dropout written into ``input``, which is returned.

    Composition: of ops/elementwise.py Mul and Add with a constant mask, then copy_ (no Function of its own).
    """
    if not _active("alpha_dropout_", input, p, train, inplace=True):
        return input
    return input.copy_(_alpha_dropout(input, p, training=True))


def feature_dropout(input, p, train):
    """Drop whole channels x[n, c] of an (N, C, *) input, scaling the kept ones by 1 / (1 - p).

    Composition: of ops/elementwise.py Mul with a constant mask (no Function of its own).
    """
    if not _active("feature_dropout", input, p, train):
        return input
    return _feature_dropout(input, p, True, False, batched=True, op="feature_dropout")


def feature_dropout_(input, p, train):
    """feature_dropout written into ``input``, which is returned.

    Composition: of ops/elementwise.py Mul with a constant mask, in place (no Function of its own).
    """
    if not _active("feature_dropout_", input, p, train, inplace=True):
        return input
    return _feature_dropout(input, p, True, True, batched=True, op="feature_dropout_")


def _feature_alpha(op, input, p, train, inplace):
    if not _active(op, input, p, train, inplace):
        return input
    if input.ndim < 2:
        raise ShapeError(f"{op}: feature dropout needs at least 2 dimensions (N, C, *), got shape {tuple(input.shape)}")
    y = _feature_alpha_dropout(input, p, training=True)
    return input.copy_(y) if inplace else y


def feature_alpha_dropout(input, p, train):
    """Alpha dropout of whole channels x[n, c] of an (N, C, *) input.

    Composition: of ops/elementwise.py Mul and Add with a constant mask (no Function of its own).
    """
    return _feature_alpha("feature_alpha_dropout", input, p, train, inplace=False)


def feature_alpha_dropout_(input, p, train):
    """feature_alpha_dropout written into ``input``, which is returned.

    Composition: of ops/elementwise.py Mul and Add with a constant mask, then copy_ (no Function of its own).
    """
    return _feature_alpha("feature_alpha_dropout_", input, p, train, inplace=True)
