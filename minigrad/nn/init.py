"""Weight initialisation, in place, with PyTorch's names and formulas.

Why the scale matters: a layer computes y = W x with fan_in inputs per output. If the
entries of W have variance s**2 and x has unit variance, Var(y) = fan_in * s**2. Keeping
activations from growing or vanishing layer after layer asks for s**2 = gain**2 / fan_in
(Kaiming/He, for ReLU nets, gain = sqrt(2) because ReLU zeroes half the signal) or
s**2 = gain**2 * 2 / (fan_in + fan_out) (Xavier/Glorot, a compromise between the forward
and backward passes). A uniform distribution on [-b, b] has variance b**2 / 3, hence the
sqrt(3) in the uniform versions.

Random numbers come from ``backend.generator(device)``, so ``minigrad.manual_seed`` makes
initialisation reproducible. Each function fills ``tensor`` in place and returns it.
"""

import math

from .. import backend
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor


def _fill(tensor, array):
    """Write ``array`` into ``tensor`` in place, outside the graph."""
    with no_grad():  # copy_ also moves the version counter, like any in-place write
        return tensor.copy_(Tensor._make(array.astype(tensor.dtype, copy=False)))


def _random_dtype(tensor):
    # NumPy's Generator draws float32 or float64 only; other floats are drawn in float32
    return tensor.dtype if tensor.dtype.name in ("float32", "float64") else "float32"


def calculate_gain(nonlinearity, param=None):
    """The factor by which a nonlinearity shrinks the standard deviation of its input.

    linear, conv, sigmoid: 1;  tanh: 5/3;  relu: sqrt(2);  selu: 3/4;
    leaky_relu with negative slope a (default 0.01): sqrt(2 / (1 + a**2)).
    """
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
              "conv_transpose3d", "sigmoid")
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"calculate_gain: negative_slope {slope!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _calculate_fan_in_and_fan_out(tensor):
    """fan_in = inputs per output, fan_out = outputs per input.

    A weight of shape (out, in, *kernel) (Linear, Conv) has fan_in = in * prod(kernel) and
    fan_out = out * prod(kernel).
    """
    if tensor.ndim < 2:
        raise ValueError(f"fan in and fan out cannot be computed for a tensor with fewer than 2 "
                         f"dimensions (got shape {tuple(tensor.shape)})")
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode {mode!r} is not supported, use 'fan_in' or 'fan_out'")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor, a=0.0, b=1.0):
    """Fill with samples from U(a, b)."""
    gen = backend.generator(tensor.device)
    u = gen.random(tensor.shape, dtype=_random_dtype(tensor))
    return _fill(tensor, u * (b - a) + a)


def normal_(tensor, mean=0.0, std=1.0):
    """Fill with samples from N(mean, std**2)."""
    gen = backend.generator(tensor.device)
    z = gen.standard_normal(tensor.shape, dtype=_random_dtype(tensor))
    return _fill(tensor, z * std + mean)


def constant_(tensor, val):
    """Fill with the number ``val``."""
    return _fill(tensor, tensor.xp.full(tensor.shape, val, dtype=tensor.dtype))


def zeros_(tensor):
    return constant_(tensor, 0)


def ones_(tensor):
    return constant_(tensor, 1)


def xavier_uniform_(tensor, gain=1.0):
    """U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out))  (Glorot & Bengio, 2010)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor, gain=1.0):
    """N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    """U(-b, b) with b = gain * sqrt(3 / fan)  (He et al., 2015).

    ``a`` is the negative slope of the leaky ReLU that follows. PyTorch's Linear and Conv
    use a = sqrt(5), which gives b = 1 / sqrt(fan_in).
    """
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    """N(0, std**2) with std = gain / sqrt(fan)."""
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return normal_(tensor, 0.0, std)


def _default_layer_init_(weight, bias):
    """PyTorch's default for Linear and Conv: weight and bias both U(-1/sqrt(fan_in), 1/sqrt(fan_in)).

    a = sqrt(5) makes kaiming_uniform_'s bound gain * sqrt(3 / fan_in) equal 1 / sqrt(fan_in).
    ``bias`` may be None.
    """
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = _calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        uniform_(bias, -bound, bound)
