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
import warnings

from .. import backend
from ..autograd.grad_mode import no_grad
from ..errors import ArgumentError
from ..tensor import Tensor


def _empty(tensor):
    """Zero-element tensors (nn.Linear(0, 2)) have no fan to scale by: PyTorch skips them."""
    if tensor.numel() == 0:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return True
    return False


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
            raise ArgumentError(f"calculate_gain: negative_slope {slope!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ArgumentError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _calculate_fan_in_and_fan_out(tensor):
    """fan_in = inputs per output, fan_out = outputs per input.

    A weight of shape (out, in, *kernel) (Linear, Conv) has fan_in = in * prod(kernel) and
    fan_out = out * prod(kernel).
    """
    if tensor.ndim < 2:
        raise ArgumentError(f"fan in and fan out cannot be computed for a tensor with fewer than 2 "
                         f"dimensions (got shape {tuple(tensor.shape)})")
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ArgumentError(f"mode {mode!r} is not supported, use 'fan_in' or 'fan_out'")
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
    if _empty(tensor):
        return tensor
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor, gain=1.0):
    """N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    if _empty(tensor):
        return tensor
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    """U(-b, b) with b = gain * sqrt(3 / fan)  (He et al., 2015).

    ``a`` is the negative slope of the leaky ReLU that follows. PyTorch's Linear and Conv
    use a = sqrt(5), which gives b = 1 / sqrt(fan_in).
    """
    if _empty(tensor):
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    """N(0, std**2) with std = gain / sqrt(fan)."""
    if _empty(tensor):
        return tensor
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


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0):
    """Fill with N(mean, std**2) conditioned on [a, b] (the bounds are values, not multiples of std).

    By inverse transform sampling: with Φ the normal CDF, draw u ~ U(Φ(α), Φ(β)) for the
    standardised bounds α = (a - mean)/std, β = (b - mean)/std, and return mean + std·Φ⁻¹(u),
    where Φ⁻¹(u) = √2 erf⁻¹(2u - 1). Every draw lands inside [a, b]: no rejection loop.
    """
    def cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    lo, hi = cdf((a - mean) / std), cdf((b - mean) / std)
    gen = backend.generator(tensor.device)
    u = gen.random(tensor.shape, dtype="float64") * (hi - lo) + lo
    z = math.sqrt(2.0) * _erfinv(tensor.xp, 2.0 * u - 1.0)
    return _fill(tensor, tensor.xp.clip(mean + std * z, a, b))


def _erfinv(xp, y):
    """erf⁻¹(y) by Newton's method on erf(x) = y, from x = y √π / 2 (erf's slope at 0).

    Each step is x ← x - (erf(x) - y) / erf'(x), with erf'(x) = (2/√π) exp(-x²); the
    iterates are clipped to |x| <= 6, past which erf is 1 in float64.
    """
    from ..ops.activation import erf_array

    x = xp.clip(y * (math.sqrt(math.pi) / 2), -6, 6)
    for _ in range(50):
        x = xp.clip(x - (erf_array(x) - y) / (2.0 / math.sqrt(math.pi) * xp.exp(-x * x)), -6, 6)
    return x


def orthogonal_(tensor, gain=1.0):
    """Fill with a (semi-)orthogonal matrix (Saxe et al., 2013), the trailing dims flattened.

    Take A ~ N(0, 1) of shape (rows, cols) (transposed when rows < cols), factor A = QR and
    multiply Q's columns by sign(diag R), so Q is uniformly distributed over orthogonal
    matrices (Haar); then W = gain · Q. The rows (or columns) of W are orthonormal, so W
    keeps the norm of every vector it maps: no explosion or decay through depth.
    """
    if tensor.ndim < 2:
        raise ArgumentError(f"orthogonal_: only tensors with 2 or more dimensions are supported, got shape "
                         f"{tuple(tensor.shape)}")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    xp = tensor.xp
    gen = backend.generator(tensor.device)
    flat = gen.standard_normal((rows, cols), dtype="float64")
    if rows < cols:
        flat = flat.T
    q, r = xp.linalg.qr(flat)
    q = q * xp.sign(xp.diagonal(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, (gain * q).reshape(tensor.shape))


def eye_(tensor):
    """Fill a 2-D tensor with the identity (keeps a Linear layer's inputs as they are)."""
    if tensor.ndim != 2:
        raise ArgumentError(f"eye_: only 2-D tensors are supported, got shape {tuple(tensor.shape)}")
    return _fill(tensor, tensor.xp.eye(*tensor.shape))


def dirac_(tensor, groups=1):
    """Fill a conv weight (out, in, *kernel) with the Dirac delta: the conv passes channels through.

    Output channel i of each group takes input channel i at the kernel's centre, weight 1.
    """
    if tensor.ndim not in (3, 4, 5):
        raise ArgumentError(f"dirac_: only 3-, 4- and 5-D tensors are supported, got shape {tuple(tensor.shape)}")
    out_per_group = tensor.shape[0] // groups
    if tensor.shape[0] % groups:
        raise ArgumentError(f"dirac_: dim 0 ({tensor.shape[0]}) must be divisible by groups={groups}")
    xp = tensor.xp
    w = xp.zeros(tensor.shape)
    n = min(out_per_group, tensor.shape[1])
    centre = tuple(k // 2 for k in tensor.shape[2:])
    for g in range(groups):  # a loop over groups, not over elements
        i = xp.arange(n)
        w[(g * out_per_group + i, i) + centre] = 1
    return _fill(tensor, w)


def sparse_(tensor, sparsity, std=0.01):
    """Fill a 2-D tensor with N(0, std**2) and zero a fraction ``sparsity`` of each column (Martens, 2010)."""
    if tensor.ndim != 2:
        raise ArgumentError(f"sparse_: only 2-D tensors are supported, got shape {tuple(tensor.shape)}")
    rows, cols = tensor.shape
    num_zeros = int(math.ceil(sparsity * rows))
    gen = backend.generator(tensor.device)
    w = gen.standard_normal((rows, cols), dtype="float64") * std
    order = tensor.xp.argsort(gen.random((rows, cols)), axis=0)  # a random permutation per column
    tensor.xp.put_along_axis(w, order[:num_zeros], 0.0, axis=0)
    return _fill(tensor, w)


# The names before the trailing underscore became the convention; old programs still call them.
uniform, normal, constant = uniform_, normal_, constant_
xavier_uniform, xavier_normal = xavier_uniform_, xavier_normal_
kaiming_uniform, kaiming_normal = kaiming_uniform_, kaiming_normal_
orthogonal, eye, dirac, sparse = orthogonal_, eye_, dirac_, sparse_
