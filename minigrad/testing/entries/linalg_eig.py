"""Registry entries for minigrad/linalg/eig.py: eig, eigvals and the complex solve of their backward.

Samples are built as A = P D P^-1 from a well-conditioned P (singular values in [1, 3]) and
eigenvalues D well apart (at least 0.4), so eig's gradient, which divides by the
gaps, is well defined and a finite difference of A keeps every eigenvalue in its place in
LAPACK's order. Real samples have real eigenvalues or a conjugate pair a +- ib; complex ones
are passed as their real and imaginary parts (the checks work on real arrays).

The eigenvectors are defined up to a phase each (LAPACK's choice), so eig is seen through
what does not change with it: the parts of w, |V|^2, and V diag(w^2) V^-1 (= A^2).
"""

import numpy as np

from ... import linalg as LA
from ...linalg.eig import ComplexSolve, Eig, solve_complex
from ...ops import complex_numbers as C
from ...ops.complex_numbers import Complex, Conj, Imag, Real
from ..matrix_samples import spread, well_conditioned
from ..registry import OpInfo, Sample
from ..strategies import smooth_normal

F32 = {"float32_rtol": 1e-3, "float32_atol": 1e-4}


def _with_eigenvalues(rng, shape, D):
    """P D P^-1 for a random well-conditioned P (D: (..., n, n), diagonal or a real block)."""
    P = well_conditioned(rng, shape)
    return P @ D @ np.linalg.inv(P)


def _real_spectrum(rng, shape):
    """A real (..., n, n) matrix with real eigenvalues of both signs, at least 0.8 apart."""
    *batch, n = shape[:-1]
    w = spread(rng, batch, n, low=-0.5 * n, gap=1.0)
    return _with_eigenvalues(rng, shape, w[..., None, :] * np.eye(n))


def _conjugate_pair(rng, shape):
    """A real (..., n, n) matrix with eigenvalues a +- ib (b in [1, 1.5]) and real ones below -1."""
    *batch, n = shape[:-1]
    D = np.zeros(shape)
    D[..., :n - 2, :n - 2] = -spread(rng, batch, n - 2, low=1.0, gap=1.0)[..., None, :] * np.eye(n - 2)
    a, b = rng.uniform(0.5, 1.0, size=tuple(batch)), rng.uniform(1.0, 1.5, size=tuple(batch))
    D[..., n - 2, n - 2] = D[..., n - 1, n - 1] = a
    D[..., n - 2, n - 1], D[..., n - 1, n - 2] = -b, b
    return _with_eigenvalues(rng, shape, D)


def _complex_spectrum(rng, shape):
    """(Re A, Im A) of a complex (..., n, n) matrix P D P^-1: complex P, eigenvalues on distinct
    radii (at least 0.4 apart) and random angles."""
    *batch, n = shape[:-1]
    P = _complex_well_conditioned(rng, shape)
    radius = spread(rng, batch, n, low=1.0, gap=0.5)
    angle = rng.uniform(-np.pi, np.pi, size=tuple(batch) + (n,))
    D = (radius * np.exp(1j * angle))[..., None, :] * np.eye(n)
    A = P @ D @ np.linalg.inv(P)
    return A.real.copy(), A.imag.copy()


def _complex_well_conditioned(rng, shape):
    """A complex (..., n, n) matrix U diag(s) W^H with unitary U, W and s in [1, 3]."""
    unitary = [np.linalg.qr(rng.standard_normal(shape) + 1j * rng.standard_normal(shape))[0] for _ in range(2)]
    s = spread(rng, shape[:-2], shape[-1], low=1.0, gap=2.0 / max(shape[-1] - 1, 1) * 0.8)
    return (unitary[0] * s[..., None, :]) @ np.swapaxes(unitary[1], -1, -2).conj()


def _real_samples(rng):
    return [Sample((_real_spectrum(rng, (3, 3)),)), Sample((_real_spectrum(rng, (2, 4, 4)),)),
            Sample((_conjugate_pair(rng, (3, 3)),)), Sample((_conjugate_pair(rng, (2, 4, 4)),)),
            Sample((np.array([[1.5]]),))]


def _complex_samples(rng):
    return [Sample(_complex_spectrum(rng, (3, 3))), Sample(_complex_spectrum(rng, (2, 4, 4)))]


def _eig_view(solve, w, V):
    """Phase-free functions of (w, V): Re w, Im w, |V|^2 and the parts of V diag(w^2) V^-1
    (A^2 again, through a complex solve: X V = V diag(w^2) as V^T X^T = (V diag(w^2))^T)."""
    A2 = solve(V.mT, (V * (w * w)[..., None, :]).mT).mT
    return w.real, w.imag, (V * V.conj()).real, A2.real, A2.imag


def _eig(A):
    return _eig_view(solve_complex, *LA.eig(A))


def _torch_eig(torch, A):
    return _eig_view(torch.linalg.solve, *torch.linalg.eig(A))


def _eig_complex(re, im):
    return _eig(C.complex(re, im))


def _torch_eig_complex(torch, re, im):
    return _torch_eig(torch, torch.complex(re, im))


def _eigvals(A):
    w = LA.eigvals(A)
    return w.real, w.imag


def _torch_eigvals(torch, A):
    w = torch.linalg.eigvals(A)
    return w.real, w.imag


def _eigvals_complex(re, im):
    return _eigvals(C.complex(re, im))


def _torch_eigvals_complex(torch, re, im):
    return _torch_eigvals(torch, torch.complex(re, im))


def _solve(a_re, a_im, b_re, b_im):
    X = solve_complex(C.complex(a_re, a_im), C.complex(b_re, b_im))
    return X.real, X.imag


def _torch_solve(torch, a_re, a_im, b_re, b_im):
    X = torch.linalg.solve(torch.complex(a_re, a_im), torch.complex(b_re, b_im))
    return X.real, X.imag


def _solve_samples(rng):
    samples = []
    for batch, k in [((), 2), ((2,), 3)]:
        A = _complex_well_conditioned(rng, batch + (4, 4))
        samples.append(Sample((A.real.copy(), A.imag.copy(), smooth_normal(rng, batch + (4, k)),
                               smooth_normal(rng, batch + (4, k)))))
    return samples


ENTRIES = [
    OpInfo("linalg.eig", _eig, _real_samples, (Eig, ComplexSolve, Conj, Real, Imag), torch_fn=_torch_eig,
           extra=F32),
    OpInfo("linalg.eig complex", _eig_complex, _complex_samples, (Eig, ComplexSolve, Complex, Conj, Real, Imag),
           torch_fn=_torch_eig_complex, extra=F32),
    OpInfo("linalg.eigvals", _eigvals, _real_samples, (Eig, ComplexSolve, Real, Imag), torch_fn=_torch_eigvals,
           extra=F32),
    OpInfo("linalg.eigvals complex", _eigvals_complex, _complex_samples, (Eig, ComplexSolve, Complex, Real, Imag),
           torch_fn=_torch_eigvals_complex, extra=F32),
    OpInfo("linalg.eig complex solve", _solve, _solve_samples, (ComplexSolve, Complex, Real, Imag),
           torch_fn=_torch_solve, extra=F32),
]
