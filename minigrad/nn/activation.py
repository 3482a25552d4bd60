"""Activation functions as modules, for use inside Sequential. The math is in minigrad.ops.activation*.

A module with ``inplace=True`` writes its result into its input, as PyTorch's does.
"""

from .. import creation
from ..errors import ArgumentAssertionError
from . import functional as F
from .module import Module
from .parameter import Parameter


def _inplace_repr(inplace):
    return "inplace=True" if inplace else ""


class _Inplace(Module):
    """An activation without settings besides ``inplace``; subclasses name their function."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, x):
        return self.function(x, inplace=self.inplace)

    def extra_repr(self):
        return _inplace_repr(self.inplace)


class ReLU(_Inplace):
    """y = max(x, 0).

    Function: ops/activation.py ReLU (through F.relu).
    """

    function = staticmethod(F.relu)


class LeakyReLU(Module):
    """y = x for x > 0, negative_slope * x otherwise.

    Function: ops/activation.py LeakyReLU (through F.leaky_relu).
    """

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope, self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class Sigmoid(Module):
    """y = 1 / (1 + exp(-x)).

    Function: ops/activation.py Sigmoid (through F.sigmoid).
    """

    def forward(self, x):
        return F.sigmoid(x)


class Tanh(Module):
    """y = tanh(x).

    Function: ops/activation.py Tanh (through F.tanh).
    """

    def forward(self, x):
        return F.tanh(x)


class GELU(Module):
    """y = x * Phi(x) (Phi the normal CDF); approximate='tanh' uses the tanh formula.

    Function: ops/activation.py GELU (through F.gelu).
    """

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, x):
        return F.gelu(x, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Softplus(Module):
    """y = log(1 + exp(beta x)) / beta, and y = x where beta x > threshold.

    Function: ops/activation.py Softplus (through F.softplus).
    """

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, x):
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmax(Module):
    """y = exp(x) / sum(exp(x)) along ``dim``.

    Function: ops/activation.py Softmax (through F.softmax).
    """

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return F.softmax(x, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """y = log(softmax(x)) along ``dim``, computed stably.

    Function: ops/activation.py LogSoftmax (through F.log_softmax).
    """

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return F.log_softmax(x, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSigmoid(Module):
    """y = log sigmoid(x), computed stably.

    Function: ops/activations_smooth.py LogSigmoid (through F.logsigmoid).
    """

    def forward(self, x):
        return F.logsigmoid(x)


class ELU(Module):
    """y = x for x > 0, alpha (exp(x) - 1) otherwise.

    Function: ops/activations_smooth.py ELU (through F.elu).
    """

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, x):
        return F.elu(x, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class CELU(ELU):
    """y = max(0, x) + min(0, alpha (exp(x / alpha) - 1)).

    Function: ops/activations_smooth.py ELU (through F.celu).
    """

    def forward(self, x):
        return F.celu(x, self.alpha, self.inplace)


class SELU(_Inplace):
    """y = scale (max(0, x) + min(0, alpha (exp(x) - 1))) with the self-normalizing constants.

    Function: ops/activations_smooth.py ELU (through F.selu).
    """

    function = staticmethod(F.selu)


class SiLU(_Inplace):
    """y = x sigmoid(x).

    Composition: F.silu (no Function of its own).
    """

    function = staticmethod(F.silu)


class Mish(_Inplace):
    """y = x tanh(softplus(x)).

    Composition: F.mish (no Function of its own).
    """

    function = staticmethod(F.mish)


class Hardsigmoid(_Inplace):
    """y = clamp(x / 6 + 1/2, 0, 1).

    Composition: F.hardsigmoid (no Function of its own).
    """

    function = staticmethod(F.hardsigmoid)


class Hardswish(_Inplace):
    """y = x hardsigmoid(x).

    Composition: F.hardswish (no Function of its own).
    """

    function = staticmethod(F.hardswish)


class Hardtanh(Module):
    """y = clamp(x, min_val, max_val).

    Composition: F.hardtanh (no Function of its own).
    """

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__()
        if min_val > max_val:
            raise ArgumentAssertionError(f"Hardtanh: max_val ({max_val}) must be greater than min_val ({min_val})")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, x):
        return F.hardtanh(x, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}" + (", inplace=True" if self.inplace else "")


class ReLU6(_Inplace):
    """y = min(max(x, 0), 6).

    Composition: F.relu6 (no Function of its own).
    """

    function = staticmethod(F.relu6)


class Softsign(Module):
    """y = x / (1 + |x|).

    Composition: F.softsign (no Function of its own).
    """

    def forward(self, x):
        return F.softsign(x)


class Tanhshrink(Module):
    """y = x - tanh(x).

    Composition: F.tanhshrink (no Function of its own).
    """

    def forward(self, x):
        return F.tanhshrink(x)


class Softshrink(Module):
    """y = x - lambd for x > lambd, x + lambd for x < -lambd, else 0.

    Composition: F.softshrink (no Function of its own).
    """

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, x):
        return F.softshrink(x, self.lambd)

    def extra_repr(self):
        return str(self.lambd)


class Hardshrink(Softshrink):
    """y = x where |x| > lambd, else 0.

    Composition: F.hardshrink (no Function of its own).
    """

    def forward(self, x):
        return F.hardshrink(x, self.lambd)


class Threshold(Module):
    """y = x where x > threshold, else value.

    Composition: F.threshold (no Function of its own).
    """

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, x):
        return F.threshold(x, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        return f"threshold={self.threshold}, value={self.value}" + (", inplace=True" if self.inplace else "")


class GLU(Module):
    """y = a sigmoid(b), with a, b the two halves of x along ``dim``.

    Composition: F.glu (no Function of its own).
    """

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return F.glu(x, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class RReLU(Module):
    """Randomized leaky relu: a random negative slope in [lower, upper] while training, their mean in eval.

    Composition: F.rrelu (no Function of its own).
    """

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, x):
        return F.rrelu(x, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        return f"lower={self.lower}, upper={self.upper}" + (", inplace=True" if self.inplace else "")


class PReLU(Module):
    """y = x for x > 0, a x otherwise, with a learned slope a: one shared (num_parameters=1) or one
    per channel (num_parameters = C, the input's dimension 1). The slopes start at ``init``.

    Composition: F.prelu (no Function of its own).
    """

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        super().__init__()
        self.num_parameters, self.init = num_parameters, init
        self.weight = Parameter(creation.full((num_parameters,), init, dtype=dtype, device=device))

    def reset_parameters(self):
        from ..autograd import no_grad

        with no_grad():
            self.weight.fill_(self.init)

    def forward(self, x):
        return F.prelu(x, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class Softmin(Module):
    """y = softmax(-x) along ``dim``.

    Composition: F.softmin (no Function of its own).
    """

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return F.softmin(x, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax2d(Module):
    """softmax over the channels (dimension -3) of (C, H, W) or (N, C, H, W) inputs.

    Function: ops/activation.py Softmax (through F.softmax2d).
    """

    def forward(self, x):
        return F.softmax2d(x)
