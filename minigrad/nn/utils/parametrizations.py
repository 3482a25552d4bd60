"""Ready-made parametrizations (PyTorch's ``torch.nn.utils.parametrizations``): weight norm
and spectral norm, registered with ``parametrize.register_parametrization``.

Weight norm (Salimans & Kingma, 2016) writes a weight as a direction times a length,

    w = g · v / ‖v‖,

the norm taken over every axis but ``dim`` (one length per output row for dim = 0; over the
whole tensor for dim None), and trains g and v (``original0``, ``original1``) instead of w.

Spectral norm (Miyato et al., 2018) divides a weight by its largest singular value σ, so the
layer is 1-Lipschitz: w / σ(W), W the weight as a matrix (``dim`` first, the rest flattened).
σ is estimated by power iteration on two buffers u, v (unit vectors), one or more rounds per
forward in training mode:

    u ← W v / ‖W v‖,    v ← Wᵀ u / ‖Wᵀ u‖,    σ = uᵀ W v.

u and v are constants to autograd (updated without a graph); σ's gradient flows through W.
"""

from ...autograd import no_grad
from ...errors import ArgumentError
from ...ops.distance import normalize
from ...ops.norms import vector_norm
from ...ops.products import mv
from ..conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from ..module import Module
from .parametrize import register_parametrization


def norm_except_dim(v, dim):
    """‖v‖ over every axis but ``dim``, keeping them as size 1 (dim None or -1: the whole norm, 0-d)."""
    if dim is None or dim == -1:
        return vector_norm(v)
    dim = dim % v.ndim
    return vector_norm(v, dim=tuple(d for d in range(v.ndim) if d != dim), keepdim=True)


def weight_norm_value(g, v, dim):
    """w = g · v / ‖v‖, the norm over every axis but ``dim`` (the older weight_norm's too)."""
    return v * (g / norm_except_dim(v, dim))


class _WeightNorm(Module):
    """w = g · v / ‖v‖ (see the module docstring); right_inverse(w) = (‖w‖, w)."""

    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return weight_norm_value(weight_g, weight_v, self.dim)

    def right_inverse(self, weight):
        return norm_except_dim(weight, self.dim), weight


def weight_norm(module, name="weight", dim=0):
    """Reparametrize ``module.<name>`` as g · v / ‖v‖ (weight norm); returns ``module``.
    Its state_dict keys become ``parametrizations.<name>.original0`` (g) and ``original1`` (v)."""
    return register_parametrization(module, name, _WeightNorm(dim), unsafe=True)


# ---- spectral norm: what this parametrization and the older spectral_norm (spectral_norm.py) share ----
def rows_axis(module, dim):
    """The weight's axis that makes the matrix's rows: ``dim``, by default 1 for transposed
    convolutions (their weight is (in, out, ...)) and 0 otherwise."""
    if dim is not None:
        return dim
    return 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0


def check_power_iterations(n):
    if n <= 0:
        raise ArgumentError(f"spectral_norm: n_power_iterations must be positive, got {n}")


def as_matrix(weight, dim):
    """The weight as a matrix: axis ``dim`` as the rows, every other axis flattened into the columns."""
    if dim != 0:
        weight = weight.permute(dim, *(d for d in range(weight.ndim) if d != dim))
    return weight.flatten(1)


def random_unit_vectors(matrix, eps):
    """u (rows,) and v (columns,): normal draws scaled to unit length, power iteration's start."""
    rows, cols = matrix.shape
    with no_grad():
        u = matrix.new_empty(rows).normal_(0, 1)
        v = matrix.new_empty(cols).normal_(0, 1)
    return normalize(u, dim=0, eps=eps), normalize(v, dim=0, eps=eps)


def sigma(matrix, u, v):
    """σ = uᵀ W v, the largest singular value once u and v are its singular vectors."""
    return (u * mv(matrix, v)).sum()


class _SpectralNorm(Module):
    """w / σ(W), σ by power iteration on the buffers _u, _v (see the module docstring)."""

    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if not -ndim <= dim < max(ndim, 1):
            raise ArgumentError(f"spectral_norm: dim must be in [{-ndim}, {ndim - 1}], got {dim}")
        check_power_iterations(n_power_iterations)
        self.dim = dim % max(ndim, 1)
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            u, v = random_unit_vectors(as_matrix(weight, self.dim), eps)
            self.register_buffer("_u", u)
            self.register_buffer("_v", v)
            self._power_method(as_matrix(weight, self.dim), 15)  # start from a good estimate

    def _power_method(self, matrix, rounds):
        with no_grad():
            for _ in range(rounds):
                self._u.copy_(normalize(mv(matrix, self._v), dim=0, eps=self.eps))
                self._v.copy_(normalize(mv(matrix.T, self._u), dim=0, eps=self.eps))

    def forward(self, weight):
        if weight.ndim == 1:  # a vector's only singular value is its norm
            return normalize(weight, dim=0, eps=self.eps)
        matrix = as_matrix(weight, self.dim)
        if self.training:
            self._power_method(matrix, self.n_power_iterations)
        # (copies of u, v: the next power iteration changes the buffers)
        return weight / sigma(matrix, self._u.clone(), self._v.clone())

    def right_inverse(self, value):
        return value


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Divide ``module.<name>`` by its spectral norm (largest singular value), estimated by
    ``n_power_iterations`` power-iteration rounds per training forward; returns ``module``.
    ``dim``: the axis that makes the rows (default 1 for transposed convolutions, else 0)."""
    weight = getattr(module, name, None)
    if weight is None:
        raise ArgumentError(f"spectral_norm: module {type(module).__name__} has no parameter or buffer {name!r}")
    return register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, rows_axis(module, dim), eps))
