"""torch.linalg.householder_product (LAPACK's orgqr/ungqr): the matrix Q a product of
Householder reflectors stands for, e.g. the Q of the (A, tau) that torch.geqrf returns.

A is (..., m, n) with m >= n, tau (..., k) with k <= n. Column i of A gives the vector v_i:
zero above row i, one on row i, A[i+1:, i] below. Each reflector is

    H_i = I - tau_i v_i v_i^H        (v_i^H: the conjugate transpose)

and the output is the first n columns of H_0 H_1 ... H_{k-1}, an m x n matrix.

A composition of differentiable ops, so autograd gives the gradient. Applied right to left,
each step is Q <- H_i Q = Q - tau_i v_i (v_i^H Q): two matrix products, never the m x m H_i.
With G = dL/dQ' for Q' = H_i Q, autograd's chain rule through the step reads

    dL/dQ     = G - conj(tau_i) v_i (v_i^H G)     (= H_i^H G)
    dL/dtau_i = -sum(G * conj(v_i (v_i^H Q)))     (summed over the matrix)
    dL/dv_i   = -tau_i (G Q^T + Q G^T) v_i        (real case; v_i appears twice in H_i)

and v_i reaches only A's entries below the diagonal (A times a strict lower mask), so the
diagonal and the upper triangle get a zero gradient, as in PyTorch. The loop runs over the
k reflectors; the batch axes go through each matmul at once.
"""

from ..creation import eye, ones
from ..errors import ArgumentTypeError, DTypeRuntimeError, ShapeError, UnsupportedDType
from ..ops.triangular import tril
from ..tensor import Tensor


def householder_product(A, tau):
    """torch.linalg.householder_product(A, tau): the first n columns of H_0 ... H_{k-1}."""
    op = "linalg.householder_product"
    for name, t in (("A", A), ("tau", tau)):
        if not isinstance(t, Tensor):
            raise ArgumentTypeError(f"{op}: {name} must be a tensor, got {type(t).__name__}")
    if A.ndim < 2:
        raise ShapeError(f"{op}: A must have at least 2 dimensions, got shape {tuple(A.shape)}")
    m, n = A.shape[-2], A.shape[-1]
    if m < n:
        raise ShapeError(f"{op}: A.shape[-2] must be greater than or equal to A.shape[-1], got shape {tuple(A.shape)}")
    if tau.ndim != A.ndim - 1:
        raise ShapeError(f"{op}: expected tau to have one dimension less than A, but got tau of shape "
                         f"{tuple(tau.shape)} and A of shape {tuple(A.shape)}")
    if tuple(tau.shape[:-1]) != tuple(A.shape[:-2]):
        raise ShapeError(f"{op}: expected the batch dimensions of tau to be equal to A.shape[:-2], but got tau of "
                         f"shape {tuple(tau.shape)} and A of shape {tuple(A.shape)}")
    k = tau.shape[-1]
    if k > n:
        raise ShapeError(f"{op}: A.shape[-1] must be greater than or equal to tau.shape[-1], got A of shape "
                         f"{tuple(A.shape)} and tau of shape {tuple(tau.shape)}")
    if A.dtype.kind not in "fc":
        raise UnsupportedDType(f"{op}: floating point or complex tensors only, got dtype {A.dtype}")
    if tau.dtype != A.dtype:
        raise DTypeRuntimeError(f"{op}: tau dtype {tau.dtype} does not match A dtype {A.dtype}")
    Q = eye(m, n, dtype=A.dtype, device=A.device).expand(*A.shape)
    if k == 0:
        return Q.clone()
    # All k vectors at once: A's strict lower triangle plus ones on the diagonal.
    # (A mask, not tril(A), which has no complex gradient: where() has none.)
    below = tril(ones(m, k, dtype=A.real.dtype if A.dtype.kind == "c" else A.dtype, device=A.device), -1)
    V = A.narrow(-1, 0, k) * below + eye(m, k, dtype=A.dtype, device=A.device)
    for i in reversed(range(k)):  # Q = H_0 (H_1 (... (H_{k-1} I)))
        v = V.narrow(-1, i, 1)                      # (..., m, 1)
        t = tau.narrow(-1, i, 1).unsqueeze(-1)      # (..., 1, 1)
        Q = Q - (v * t) @ (v.mH @ Q)
    return Q


def orgqr(input, tau):
    """torch.orgqr / Tensor.orgqr: PyTorch's other name for linalg.householder_product."""
    return householder_product(input, tau)
