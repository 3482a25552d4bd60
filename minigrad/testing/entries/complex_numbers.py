"""Registry entries for minigrad/ops/complex_numbers.py and complex arithmetic.

The gradient checks work on real tensors, so each entry is a real function through complex
numbers: real pairs in (view_as_complex, complex, polar), complex arithmetic in between, real
numbers out (view_as_real, real, imag, abs, angle). Finite differences of such a function
check the complex convention end to end (dL/dz = dL/dx + i dL/dy, products taking conj). The
moduli stay away from 0, where abs and angle have kinks.
"""

from ...ops import complex_numbers as C
from ...ops import elementwise as E
from ...ops import shape as S
from ..registry import OpInfo, Sample
from ..strategies import positive, smooth_normal, uniform


def _rope(x, theta):
    """Rotary embedding: feature pairs of x turned by the angles θ, as LLaMA-style code writes it."""
    z = C.view_as_complex(S.reshape(x, x.shape[:-1] + (x.shape[-1] // 2, 2)))
    rotation = C.polar(E.constant(theta.xp.ones(theta.shape, dtype=theta.dtype)), theta)
    return S.reshape(C.view_as_real(z * rotation), x.shape)


def _torch_rope(torch, x, theta):
    z = torch.view_as_complex(x.reshape(*x.shape[:-1], -1, 2))
    return torch.view_as_real(z * torch.polar(torch.ones_like(theta), theta)).reshape(x.shape)


def _rope_samples(rng):
    return [Sample((smooth_normal(rng, (2, 3, 4)), uniform(rng, (3, 2), -3.0, 3.0))),
            Sample((smooth_normal(rng, (2, 5, 1, 6)), uniform(rng, (5, 1, 3), -3.0, 3.0)))]


def _arithmetic(a, b, r, theta):
    """z1 = a + ib, z2 = r e^{iθ}: the parts, modulus and angle of conj(z1) z2 / (z2 + 2) - 1j z1."""
    z1, z2 = C.complex(a, b), C.polar(r, theta)
    w = C.conj(z1) * z2 / (z2 + 2.0) - 1j * z1 + 0.5 * z2
    return C.real(w), C.imag(w), E.abs(w), C.angle(w)


def _torch_arithmetic(torch, a, b, r, theta):
    z1, z2 = torch.complex(a, b), torch.polar(r, theta)
    w = z1.conj() * z2 / (z2 + 2.0) - 1j * z1 + 0.5 * z2
    return w.real, w.imag, w.abs(), w.angle()


def _arithmetic_samples(rng):
    # a = 2 + ..., so that |w| stays away from 0 (abs and angle are smooth there)
    shape = (3, 2)
    return [Sample((2.0 + uniform(rng, shape, 0.0, 1.0), smooth_normal(rng, shape, 0.3),
                    positive(rng, shape, 0.5, 1.5), uniform(rng, shape, -1.0, 1.0)))]


def _joined(x, y):
    """Reshaping, joining, indexing and sums of complex tensors, back to real pairs."""
    z = C.view_as_complex(x)
    w = S.cat([z, C.conj(z) * C.view_as_complex(y)], dim=0)
    return C.view_as_real(S.permute(w, (1, 0))[1:].sum(dim=0, keepdim=True) - w.mean())


def _torch_joined(torch, x, y):
    z = torch.view_as_complex(x)
    w = torch.cat([z, z.conj() * torch.view_as_complex(y)], dim=0)
    return torch.view_as_real((w.permute(1, 0)[1:].sum(dim=0, keepdim=True) - w.mean()).resolve_conj())


def _joined_samples(rng):
    return [Sample((smooth_normal(rng, (2, 3, 2)), smooth_normal(rng, (2, 3, 2))))]


ENTRIES = [
    OpInfo("rotary_embedding_complex", _rope, _rope_samples,
           (C.ViewAsComplex, C.ViewAsReal, C.Polar, E.Mul), torch_fn=_torch_rope),
    OpInfo("complex_arithmetic", _arithmetic, _arithmetic_samples,
           (C.Complex, C.Polar, C.Conj, C.Real, C.Imag, C.Angle, E.Mul, E.Div, E.Add, E.Sub, E.Abs, E.Cast),
           torch_fn=_torch_arithmetic),
    OpInfo("complex_reshape_join_sum", _joined, _joined_samples,
           (C.ViewAsComplex, C.ViewAsReal, C.Conj, S.Cat, S.Permute), torch_fn=_torch_joined),
]
