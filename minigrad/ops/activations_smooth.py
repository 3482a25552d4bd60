"""Smooth activations: elu, celu, selu, logsigmoid (fused Functions, for stability); silu, mish,
softsign, tanhshrink, softmin, gumbel_softmax, softmax2d, glu (compositions of existing ops,
differentiated by autograd).

Notation (docs/notation.md): y is the output, g = dL/dy the incoming gradient.
"""

from .. import backend
from ..autograd.function import Function
from ..errors import ArgumentError, ArgumentRuntimeError, DTypeError, ShapeError
from .activation import sigmoid, softmax, softplus, tanh
from .elementwise import _xp, abs, constant, exp
from .shape import normalize_dim


def _floating(x, op):
    if x.dtype.kind != "f":
        raise DTypeError(f"{op}: needs a floating point tensor, got dtype {x.dtype}; use .float() first")
    return x


def _out(x, y, inplace, op):
    return x._write(y, op + "_") if inplace else y


# ---- the exponential linear units ---------------------------------------------------------------
class ELU(Function):
    """y = scale x for x > 0, scale alpha (exp(input_scale x) - 1) for x <= 0.

    elu: scale = input_scale = 1; celu: input_scale = 1 / alpha; selu: PyTorch's fixed
    scale and alpha. Fused because the composition would evaluate exp(x) on the positive
    side too, where it overflows for large x (and inf * 0 poisons the gradient with nan);
    here the negative piece only ever sees min(x, 0), through expm1 (exact near 0).

    dy/dx = scale for x > 0, scale alpha input_scale exp(input_scale x) for x <= 0 (the
    negative piece at x = 0, as PyTorch: elu'(0) = alpha). Written with m = [x <= 0] constant:
        dy/dx = scale (1 - m) + scale alpha input_scale m exp(input_scale m x),
    a minigrad expression in x, so the second derivative comes from it.
    """

    @staticmethod
    def forward(ctx, x, alpha, scale, input_scale):
        xp = _xp(x)
        ctx.save_for_backward(x)
        ctx.alpha, ctx.scale, ctx.input_scale = alpha, scale, input_scale
        with backend.errstate(x, invalid="ignore"):  # alpha = nan or inf: nan on the negative side, as in PyTorch
            negative = alpha * xp.expm1(xp.minimum(x, 0) * input_scale)
        return scale * xp.where(x >= 0, x, negative)  # y(0) = 0 whatever alpha is (PyTorch's value)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        m = constant((x.array <= 0).astype(g.dtype))
        s, a, k = ctx.scale, ctx.alpha, ctx.input_scale
        return g * ((1 - m) * s + m * exp(x * m * k) * (s * a * k))


def elu(input, alpha=1.0, inplace=False):
    """y = x for x > 0, alpha (exp(x) - 1) otherwise.

    Function: ops/activations_smooth.py ELU.
    """
    x = _floating(input, "elu")
    return _out(x, ELU.apply(x, alpha=float(alpha), scale=1.0, input_scale=1.0), inplace, "elu")


def elu_(input, alpha=1.0):
    """Function: ops/activations_smooth.py ELU (through F.elu)."""
    return elu(input, alpha, inplace=True)


def celu(input, alpha=1.0, inplace=False):
    """y = max(0, x) + min(0, alpha (exp(x / alpha) - 1)), continuously differentiable at 0.

    Function: ops/activations_smooth.py ELU.
    """
    x = _floating(input, "celu")
    if alpha == 0:
        raise ArgumentRuntimeError("celu: alpha must not be 0 (it divides x)")
    y = ELU.apply(x, alpha=float(alpha), scale=1.0, input_scale=1.0 / alpha)
    return _out(x, y, inplace, "celu")


def celu_(input, alpha=1.0):
    """Function: ops/activations_smooth.py ELU (through F.celu)."""
    return celu(input, alpha, inplace=True)


# the constants of "Self-Normalizing Neural Networks" (Klambauer et al., 2017), as PyTorch has them
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace=False):
    """y = scale (max(0, x) + min(0, alpha (exp(x) - 1))), with the fixed self-normalizing constants.

    Function: ops/activations_smooth.py ELU.
    """
    x = _floating(input, "selu")
    return _out(x, ELU.apply(x, alpha=SELU_ALPHA, scale=SELU_SCALE, input_scale=1.0), inplace, "selu")


def selu_(input):
    """Function: ops/activations_smooth.py ELU (through F.selu)."""
    return selu(input, inplace=True)


# ---- sigmoid-based ------------------------------------------------------------------------------------
class LogSigmoid(Function):
    """y = log sigmoid(x) = -log(1 + exp(-x)).

    Stable form: y = min(x, 0) - log1p(exp(-|x|)) (exp never overflows; log sigmoid(-1e4) is
    -1e4, not -inf). Fused for that reason: log(sigmoid(x)) would give log(0) = -inf.
    dy/dx = exp(-x) / (1 + exp(-x)) = 1 - sigmoid(x) = sigmoid(-x), so dL/dx = g sigmoid(-x).
    """

    @staticmethod
    def forward(ctx, x):
        xp = _xp(x)
        ctx.save_for_backward(x)
        return xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x)))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * sigmoid(-x)


def logsigmoid(input):
    """Function: ops/activations_smooth.py LogSigmoid."""
    return LogSigmoid.apply(_floating(input, "logsigmoid"))


def silu(input, inplace=False):
    """y = x sigmoid(x) (also called swish). Composition: sigmoid is stable for any x.

    Composition: F.sigmoid (no Function of its own).
    """
    x = _floating(input, "silu")
    return _out(x, x * sigmoid(x), inplace, "silu")


def mish(input, inplace=False):
    """y = x tanh(softplus(x)). Composition: softplus is computed stably, tanh saturates.

    Composition: of add, F.tanh, F.softplus, mul (no Function of its own).
    """
    x = _floating(input, "mish")
    return _out(x, x * tanh(softplus(x)), inplace, "mish")


# ---- rational and shrinking ---------------------------------------------------------------------------
def softsign(input):
    """y = x / (1 + |x|).   dy/dx = 1 / (1 + |x|)^2, also at 0 (abs'(0) = 0 there, times x = 0).

    Composition: of abs, add, div (no Function of its own).
    """
    x = _floating(input, "softsign")
    return x / (abs(x) + 1)


def tanhshrink(input):
    """y = x - tanh(x).   dy/dx = tanh(x)^2.

    Composition: F.tanh (no Function of its own).
    """
    x = _floating(input, "tanhshrink")
    return x - tanh(x)


# ---- softmax relatives and gating --------------------------------------------------------------------
def softmin(input, dim=None, dtype=None):
    """y = softmax(-x) along ``dim``: the smallest entries get the largest weights.

    Composition: F.softmax (no Function of its own).
    """
    return softmax(-input, dim, dtype=dtype)


def gumbel_softmax(logits, tau=1.0, hard=False, eps=1e-10, dim=-1):
    """A differentiable sample from the categorical distribution softmax(logits) (Jang et al., 2017).

    y = softmax((logits + g) / tau) along ``dim``, with Gumbel noise g = -log(e), e ~ Exp(1),
    drawn afresh at every call (a constant: the gradient is softmax's). A lower tau gives
    samples closer to one-hot. hard=True returns the one-hot vector of argmax(y), with y's
    gradient (straight-through: one_hot - y + y, the first two terms constants).
    ``eps`` is accepted for PyTorch compatibility and unused, as in PyTorch.

    Composition: of log, F.softmax, argmax, reshape, neg, add (no Function of its own).
    """
    x = _floating(logits, "gumbel_softmax")
    if tau <= 0:
        raise ArgumentError(f"gumbel_softmax: tau must be positive, got {tau}")
    gen = backend.generator(x.device)
    draw_dtype = x.dtype if x.dtype.name in ("float32", "float64") else "float32"
    gumbels = -x.xp.log(gen.standard_exponential(x.shape, dtype=draw_dtype)).astype(x.dtype)
    y = softmax((x + constant(gumbels)) * (1.0 / tau), dim)
    if not hard:
        return y
    if x.ndim == 0:  # a single category: the one-hot vector is 1
        return y + constant(1 - y.array)
    d = normalize_dim(dim, x.ndim, "gumbel_softmax")
    xp = x.xp
    top = xp.expand_dims(y.array.argmax(axis=d), d)
    classes = xp.arange(x.shape[d]).reshape((-1,) + (1,) * (x.ndim - 1 - d))  # along dimension d
    one_hot = (classes == top).astype(y.dtype)
    return y + constant(one_hot - y.array)


def softmax2d(input):
    """softmax over the channels of (C, H, W) or (N, C, H, W): at every position, a distribution
    over channels (dimension -3).

    Function: ops/activation.py Softmax (through F.softmax).
    """
    if input.ndim not in (3, 4):
        raise ShapeError(f"softmax2d: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape "
                         f"{tuple(input.shape)}")
    return softmax(input, -3)


def glu(input, dim=-1):
    """Gated linear unit: split x in halves a, b along ``dim``; y = a * sigmoid(b).

    dy/da = sigmoid(b), dy/db = a sigmoid(b) (1 - sigmoid(b)); autograd gets them from the split,
    the product and sigmoid.

    Composition: F.sigmoid (no Function of its own).
    """
    x = _floating(input, "glu")
    if x.ndim == 0:
        raise ShapeError("glu: does not take a 0-d tensor; it halves a dimension")
    d = normalize_dim(dim, x.ndim, "glu")
    if x.shape[d] % 2:
        raise ShapeError(f"glu: halving only works on an even dimension, but dimension {dim} of the input "
                         f"of shape {tuple(x.shape)} has size {x.shape[d]}")
    half = x.shape[d] // 2
    index = [slice(None)] * x.ndim
    a_index, b_index = list(index), list(index)
    a_index[d], b_index[d] = slice(0, half), slice(half, None)
    return x[tuple(a_index)] * sigmoid(x[tuple(b_index)])


TENSOR_METHODS = {}
