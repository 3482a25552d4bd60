"""Keras's activation functions by name: ``Dense(1, activation="sigmoid")``.

Each name maps to a composition of minigrad's differentiable ops, with Keras's defaults
(which sometimes differ from PyTorch's): ``leaky_relu`` has negative_slope 0.2, ``gelu`` is
the exact (erf) form, ``hard_sigmoid`` is relu6(x + 3) / 6, ``softmax`` is over the last axis.
"""

from ..errors import ArgumentError
from ..ops import activation as A
from ..ops import activations_piecewise as P
from ..ops import activations_smooth as S


def linear(x):
    """f(x) = x (no activation; Keras's default)."""
    return x


def relu(x):
    return A.relu(x)


def relu6(x):
    return P.relu6(x)


def sigmoid(x):
    return A.sigmoid(x)


def tanh(x):
    return A.tanh(x)


def softmax(x, axis=-1):
    return A.softmax(x, dim=axis)


def log_softmax(x, axis=-1):
    return A.log_softmax(x, dim=axis)


def elu(x, alpha=1.0):
    return S.elu(x, alpha=alpha)


def selu(x):
    return S.selu(x)


def softplus(x):
    return A.softplus(x)


def softsign(x):
    return S.softsign(x)


def silu(x):
    """x * sigmoid(x), also called swish."""
    return S.silu(x)


def gelu(x, approximate=False):
    return A.gelu(x, approximate="tanh" if approximate else "none")


def exponential(x):
    return x.exp()


def hard_sigmoid(x):
    """relu6(x + 3) / 6 (Keras 3's definition)."""
    return P.relu6(x + 3.0) / 6.0


def leaky_relu(x, negative_slope=0.2):
    return A.leaky_relu(x, negative_slope)


def mish(x):
    return S.mish(x)


_BY_NAME = {
    "linear": linear, "relu": relu, "relu6": relu6, "sigmoid": sigmoid, "tanh": tanh, "softmax": softmax,
    "log_softmax": log_softmax, "elu": elu, "selu": selu, "softplus": softplus, "softsign": softsign,
    "silu": silu, "swish": silu, "gelu": gelu, "exponential": exponential, "hard_sigmoid": hard_sigmoid,
    "leaky_relu": leaky_relu, "mish": mish,
}


def get(identifier):
    """The activation function for a name, a callable, or None (meaning ``linear``)."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier]
    raise ArgumentError(f"Could not interpret activation function identifier: {identifier!r} "
                        f"(known names: {', '.join(sorted(_BY_NAME))})")


def serialize(fn):
    """The name Keras stores in a config for an activation function."""
    for name, f in _BY_NAME.items():
        if f is fn:
            return "silu" if name == "swish" else name
    return getattr(fn, "__name__", repr(fn))
