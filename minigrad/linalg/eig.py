"""Eigenvalues and eigenvectors of general square matrices: A V = V diag(w), complex w and V.

Notation: docs/notation.md (L is the loss, so the eigenvalues are w here); the complex
gradient convention (dL/dz = dL/dx + i dL/dy): ops/complex_numbers.py.
"""

from collections import namedtuple

import numpy as np

from ..autograd.function import Function
from ..autograd.grad_mode import is_grad_enabled
from ..errors import (ArgumentRuntimeError, ArgumentTypeError, DTypeRuntimeError, GraphError, ShapeError,
                      UnsupportedDType)
from ..ops.complex_numbers import COMPLEX_OF, conj, real
from ..ops.elementwise import constant
from ..ops.linalg import matmul
from ..ops.shape import unsqueeze
from ..tensor import Tensor
from .checks import lapack
from .matrices import diag_embed, diagonal, mT
from .svd import is_zero

PHASE_ATOL = 1e-2  # how far from 0 Im (V^H gV)_ii may be before the loss counts as phase-dependent (PyTorch's)


class Eig(Function):
    """(w, V) = eig(A) for square A (..., n, n), real or complex: A V = V diag(w).

    w and V are complex even for real A (whose complex eigenvalues come in conjugate pairs):
    complex64 for float32 or complex64 A, complex128 for float64 or complex128. LAPACK's geev
    gives the eigenvalues in the order it finds them and each eigenvector (a column of V) with
    norm 1 and its largest component real.

    Backward (dL = Re <g, dz> for every complex z, <a, b> = sum conj(a) b). Differentiate
    A V = V W (W = diag(w)) and multiply by V^-1 on the left. With dP = V^-1 dA V and
    C = V^-1 dV:

        dP + W C = C W + dW

    so dw = diag(dP), and off the diagonal C_ij = dP_ij / E_ij with E_ij = w_j - w_i.
    A V = V W leaves the diagonal of C free (each column of V may be scaled); norm 1 fixes its
    real part: Re(v_i^H dv_i) = 0 with dv_i = sum_k v_k C_ki gives

        Re C_ii = -Re sum_{k != i} (V^H V)_ik C_ki

    Its imaginary part turns v_i's phase, which is LAPACK's choice. With M = V^H gV,

        dL = Re <gw, diag(dP)> + Re <gV, V C> = Re <gw, diag(dP)> + Re sum_ij conj(M_ij) C_ij

    whose diagonal terms are Re M_ii Re C_ii + Im M_ii Im C_ii. The second is the phase's
    share: only a loss with Im M_ii = 0 (one that does not change when v_i -> v_i e^{i phi})
    has a gradient. The first, by the line above, moves onto the off-diagonal as the term
    N = (V^H V) diag(Re M_ii). So dL = Re <G, dP> with

        G = diag(gw) + (M - N) / conj(E)        (the fraction off the diagonal only)

    and <G, V^-1 dA V> = <V^-H G V^H, dA> gives

        dL/dA = V^-H G V^H          (its real part for real A)

    the formula of PyTorch's linalg_eig_backward. (Without gw PyTorch leaves i Im M_ii on G's
    diagonal, which a phase-free loss makes 0.) V^-H (...) is a linear solve with V^H.

    Conditions:
    - E is 0 at repeated eigenvalues: the gradient through V is then undefined. Through w alone
      it stays defined: gV = 0 leaves V^-H diag(gw) V^H, computed alone.
    - A loss that depends on the phases raises GraphError (|Im M_ii| > 1e-2, PyTorch's test).
    - A must be diagonalizable (V invertible).
    Written with matmul, einsum, elementwise ops and ComplexSolve: double backward works.
    """

    complex_grad = True

    @staticmethod
    def forward(ctx, A):
        xp = _xp(A)
        w, V = lapack("linalg.eig", xp.linalg.eig, A, what="the algorithm failed to converge")
        dtype = complex_dtype(A.dtype)
        w, V = w.astype(dtype, copy=False), V.astype(dtype, copy=False)  # NumPy gives real ones for real spectra
        ctx.real_input = A.dtype.kind == "f"
        ctx.save_for_backward(w, V)
        return w, V

    @staticmethod
    def backward(ctx, gw, gV):
        w, V = ctx.saved_tensors
        gA = eig_backward(w, V, gw, gV)
        return real(gA) if ctx.real_input else gA


def eig_backward(w, V, gw, gV):
    """dL/dA = V^-H G V^H for A V = V diag(w) (see Eig's docstring), complex."""
    Vh = mT(conj(V))
    if is_zero(gV):  # a loss of w alone: V^-H diag(gw) V^H, defined even at repeated eigenvalues
        return solve_complex(Vh, unsqueeze(gw, -1) * Vh)
    M = matmul(Vh, gV)
    phase_share = M.xp.abs(M.xp.diagonal(M.array, axis1=-2, axis2=-1).imag)
    if bool((phase_share > PHASE_ATOL).any()):
        raise GraphError("linalg.eig backward: The eigenvectors in the complex case are specified up to "
                         "multiplication by e^{i phi}. The specified loss function depends on this quantity, so "
                         f"it is ill-defined (|Im (V^H gV)_ii| up to {float(phase_share.max()):.3g})")
    n = w.shape[-1]
    eye = constant(w.xp.eye(n, dtype=w.dtype))
    wc = conj(w)
    Ec = unsqueeze(wc, -2) - unsqueeze(wc, -1) + eye  # conj(E_ij) = conj(w_j - w_i), 1 on the diagonal
    N = matmul(Vh, V * unsqueeze(real(diagonal(M)), -2))  # (V^H V) diag(Re M_ii)
    G = (M - N) / Ec * (1 - eye)
    if not is_zero(gw):
        G = G + diag_embed(gw)
    return solve_complex(Vh, matmul(G, Vh))


class ComplexSolve(Function):
    """X = A^-1 B for A (..., n, n) invertible and B (..., n, k), complex or real, one batch shape.

    linalg/solve.py's Solve with the complex convention: differentiate A X = B,
    dX = A^-1 (dB - dA X), and with G = dL/dX

        dL = Re <G, A^-1 dB> - Re <G, A^-1 dA X> = Re <A^-H G, dB> - Re <A^-H G X^H, dA>

    so gB = A^-H G (one more solve, with the conjugate transpose) and gA = -gB X^H. Both are
    this solve and matmul again, so double backward works. (For real A and B, ^H is ^T.)
    """

    complex_grad = True

    @staticmethod
    def forward(ctx, A, B):
        X = lapack("linalg.eig (backward)", _xp(A, B).linalg.solve, A, B)
        ctx.save_for_backward(A, X)
        return X

    @staticmethod
    def backward(ctx, G):
        A, X = ctx.saved_tensors
        gB = ComplexSolve.apply(mT(conj(A)), G)
        gA = -matmul(gB, mT(conj(X))) if ctx.needs_input_grad[0] else None
        return gA, (gB if ctx.needs_input_grad[1] else None)


def solve_complex(A, B):
    """A^-1 B for complex (or real) square A (..., n, n) and B (..., n, k) of A's dtype and batch shape."""
    return ComplexSolve.apply(A, B)


def complex_dtype(dtype):
    """The complex dtype of eig's results: complex64 for float32 or complex64, complex128 for the doubles."""
    return dtype if dtype.kind == "c" else COMPLEX_OF[dtype]


def _xp(*arrays):
    from ..backend import get_array_module

    return get_array_module(*arrays)


EigResult = namedtuple("EigResult", ["eigenvalues", "eigenvectors"])


def _square_input(A, op):
    """A as a float32/float64/complex64/complex128 tensor of square matrices, finite (as torch checks)."""
    if not isinstance(A, Tensor):
        raise ArgumentTypeError(f"{op}: expected a tensor, got {type(A).__name__}")
    if A.dtype.kind not in "fc":
        raise DTypeRuntimeError(f"{op}: expected a floating point or complex tensor, got dtype {A.dtype} "
                                f"(shape {tuple(A.shape)})")
    if A.dtype.itemsize < 4:  # LAPACK has no half precision; PyTorch raises NotImplementedError
        raise UnsupportedDType(f"{op}: low precision dtypes are not supported, got {A.dtype} (shape "
                               f"{tuple(A.shape)}); use float32, float64, complex64 or complex128")
    if A.ndim < 2:
        raise ShapeError(f"{op}: the input A must have at least 2 dimensions, got shape {tuple(A.shape)}")
    if A.shape[-1] != A.shape[-2]:
        raise ShapeError(f"{op}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                         f"{A.shape[-1]} matrices (shape {tuple(A.shape)})")
    if not bool(A.xp.isfinite(A.array).all()):
        raise ArgumentRuntimeError(f"{op}: the input should not contain infs or NaNs (shape {tuple(A.shape)})")
    return A


def eig(A):
    """(eigenvalues, eigenvectors) of each square matrix of A (..., n, n), like torch.linalg.eig.

    Both are complex (complex64 for float32 input, complex128 for float64): A V = V diag(w),
    the eigenvalues in LAPACK's order, each eigenvector of norm 1 with its phase LAPACK's
    choice. So a loss may depend on V only through phase-free quantities (|V|, V diag(f(w)) V^-1,
    ...): the backward raises for any other.
    """
    A = _square_input(A, "linalg.eig")
    return EigResult(*Eig.apply(A))


def eigvals(A):
    """The eigenvalues of each square matrix of A, complex, like torch.linalg.eigvals.

    With a gradient to compute they come from eig (the backward needs V); without, LAPACK
    skips the eigenvectors. Infs and NaNs are refused either way (torch's eigvals refuses them
    only in the first case, passing them to LAPACK in the second)."""
    A = _square_input(A, "linalg.eigvals")
    if A.requires_grad and is_grad_enabled():
        return Eig.apply(A)[0]
    xp = A.xp
    w = lapack("linalg.eigvals", xp.linalg.eigvals, A.array, what="the algorithm failed to converge")
    return constant(xp.asarray(w, dtype=complex_dtype(np.dtype(A.dtype))))
