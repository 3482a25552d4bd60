"""Complex numbers: view_as_real, view_as_complex, polar, complex, real, imag, conj, angle.

A complex tensor holds z = x + iy in complex64 (two float32) or complex128 (two float64).
Programs mostly meet them in rotary position embeddings, a rotation of feature pairs:

    z = view_as_complex(q.reshape(..., d/2, 2))      pairs (q0, q1) as q0 + i q1
    out = view_as_real(z * polar(1, θ)).flatten(-2)   each pair turned by its angle θ

Gradients, PyTorch's convention (notation: docs/notation.md). A real loss L of z = x + iy depends on the two real numbers
x and y; the gradient stored for z is the complex number

    dL/dz := dL/dx + i dL/dy        (twice Wirtinger's ∂L/∂z̄)

so complex tensors behave as pairs of reals, and view_as_real / view_as_complex pass
gradients through unchanged in layout. For w = f(z) holomorphic (mul, div, ...), the chain
rule in this convention reads dL/dz = dL/dw · conj(f'(z)): for w = z c, dL/dz = g · conj(c).
A real input of an op with a complex output (polar, complex, a cast) gets the real part of
its gradient's share. Elementwise Mul and Div conjugate accordingly (ops/elementwise.py).

Only ops whose backward follows this convention accept complex inputs that require grad
(``Function.complex_grad``): arithmetic (+, -, *, /, negation, abs), reshaping, indexing,
joining, sums and means, casts and the ops of this file. Others refuse them (NotSupported)
rather than return a gradient computed for real numbers. Without a gradient any op runs on
complex arrays as NumPy does.

The results of view_as_real and view_as_complex are copies, not views of the input as in
PyTorch (writing into one does not change the other).
"""

import numpy as np

from ..autograd.function import Function
from ..backend import get_array_module
from ..errors import DTypeRuntimeError, ShapeError
from ..tensor import Tensor
from .elementwise import abs, cast, check_broadcast, complex_sign, constant, cos, sin  # noqa: A004

COMPLEX_OF = {np.dtype("float32"): np.dtype("complex64"), np.dtype("float64"): np.dtype("complex128")}
_REAL_OF = {c: f for f, c in COMPLEX_OF.items()}


def real_pairs(z):
    """The (..., 2) float view [Re, Im] of a C-contiguous complex array z (the same memory)."""
    return z.view(_REAL_OF[z.dtype]).reshape(z.shape + (2,))


def complex_of_pairs(x):
    """The complex view x[..., 0] + i x[..., 1] of a C-contiguous float array x (..., 2)
    (the same memory)."""
    return x.view(COMPLEX_OF[x.dtype])[..., 0]


def _from_parts(xp, re, im):
    """The complex array re + i im (broadcast together): the pairs stacked, viewed as complex
    (exact for any values, where re + 1j * im turns an infinite im into a NaN real part)."""
    shape = np.broadcast_shapes(re.shape, im.shape)
    return complex_of_pairs(xp.stack([xp.broadcast_to(re, shape), xp.broadcast_to(im, shape)], axis=-1))


class ViewAsReal(Function):
    """x[..., 0] = Re z, x[..., 1] = Im z for z (...,) complex: x (..., 2) real.

    Backward: the pair (dL/dx0, dL/dx1) is the complex gradient dL/dx0 + i dL/dx1, so
    dL/dz = view_as_complex(g).
    """

    complex_grad = True

    @staticmethod
    def forward(ctx, z):
        xp = get_array_module(z)
        return real_pairs(xp.ascontiguousarray(z)).copy()

    @staticmethod
    def backward(ctx, g):
        return ViewAsComplex.apply(g)


class ViewAsComplex(Function):
    """z = x[..., 0] + i x[..., 1] for x (..., 2) real: z (...,) complex.

    Backward: dL/dz = dL/dx0 + i dL/dx1 is the pair (dL/dx0, dL/dx1): view_as_real(g).
    """

    complex_grad = True

    @staticmethod
    def forward(ctx, x):
        xp = get_array_module(x)
        return complex_of_pairs(xp.ascontiguousarray(x)).copy()

    @staticmethod
    def backward(ctx, g):
        return ViewAsReal.apply(g)


class Polar(Function):
    """z = r (cos θ + i sin θ) for real r (abs) and θ (angle).

    With z = x + iy, x = r cos θ and y = r sin θ, so for g = dL/dx + i dL/dy:
        dL/dr = dL/dx cos θ + dL/dy sin θ = Re(g) cos θ + Im(g) sin θ
        dL/dθ = -dL/dx r sin θ + dL/dy r cos θ = r (Im(g) cos θ - Re(g) sin θ)
    """

    complex_grad = True

    @staticmethod
    def forward(ctx, r, theta):
        xp = get_array_module(r, theta)
        ctx.save_for_backward(r, theta)
        return _from_parts(xp, r * xp.cos(theta), r * xp.sin(theta))

    @staticmethod
    def backward(ctx, g):
        r, theta = ctx.saved_tensors
        gx, gy = real(g), imag(g)
        c, s = cos(theta), sin(theta)
        need_r, need_theta = ctx.needs_input_grad
        return (gx * c + gy * s if need_r else None,
                r * (gy * c - gx * s) if need_theta else None)


class Complex(Function):
    """z = x + i y for real x and y.   dL/dx = Re(g), dL/dy = Im(g)."""

    complex_grad = True

    @staticmethod
    def forward(ctx, x, y):
        return _from_parts(get_array_module(x, y), x, y)

    @staticmethod
    def backward(ctx, g):
        return real(g), imag(g)


class Real(Function):
    """x = Re z.   A real gradient g reaches z as g + 0i (dL/dIm z = 0)."""

    complex_grad = True

    @staticmethod
    def forward(ctx, z):
        ctx.dtype = z.dtype
        return z.real.copy()

    @staticmethod
    def backward(ctx, g):
        return cast(g, ctx.dtype)


class Imag(Function):
    """y = Im z.   A real gradient g reaches z as 0 + ig (dL/dRe z = 0)."""

    complex_grad = True

    @staticmethod
    def forward(ctx, z):
        return z.imag.copy()

    @staticmethod
    def backward(ctx, g):
        return Complex.apply(constant(g.xp.zeros(g.shape, dtype=g.dtype)), g)


class Conj(Function):
    """w = conj(z) = x - iy.   (dL/dx, dL/dy) = (dL/du, -dL/dv) for w = u + iv: dL/dz = conj(g)."""

    complex_grad = True

    @staticmethod
    def forward(ctx, z):
        return get_array_module(z).conj(z)

    @staticmethod
    def backward(ctx, g):
        return Conj.apply(g)


class Angle(Function):
    """θ = atan2(y, x) for z = x + iy (0 for z = 0).

    dθ/dx = -y / |z|², dθ/dy = x / |z|², so dL/dz = g (-y + ix) / |z|² = g · i z / |z|²
    (0 at z = 0, PyTorch's convention).
    """

    complex_grad = True

    @staticmethod
    def forward(ctx, z):
        ctx.save_for_backward(z)
        return get_array_module(z).angle(z)

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g * (complex_sign(z) * 1j / (abs(z) + constant((z.array == 0).astype(g.dtype))))


# ---- the functions users call --------------------------------------------------------------------
def _need_complex(op, z):
    if not isinstance(z, Tensor) or z.dtype.kind != "c":
        got = type(z).__name__ if not isinstance(z, Tensor) else f"dtype {z.dtype}"
        raise DTypeRuntimeError(f"{op}: expected a complex tensor, got {got}")


def _float_pair_dtype(op, *tensors):
    dtype = tensors[0].dtype
    if dtype not in COMPLEX_OF or any(t.dtype != dtype for t in tensors):
        dtypes = ", ".join(str(t.dtype) for t in tensors)
        raise DTypeRuntimeError(f"{op}: expected float32 or float64 tensors of one dtype, got {dtypes}")


def view_as_real(input):
    """(..., 2) real pairs [Re, Im] of a complex tensor (a copy)."""
    _need_complex("view_as_real", input)
    return ViewAsReal.apply(input)


def view_as_complex(input):
    """The complex tensor x[..., 0] + i x[..., 1] of a float32/float64 tensor whose last
    dimension has size 2 (a copy)."""
    if not isinstance(input, Tensor):
        raise DTypeRuntimeError(f"view_as_complex: expected a tensor, got {type(input).__name__}")
    _float_pair_dtype("view_as_complex", input)
    if input.ndim == 0 or input.shape[-1] != 2:
        raise ShapeError(f"view_as_complex: the last dimension must have size 2, got shape {tuple(input.shape)}")
    return ViewAsComplex.apply(input)


def polar(abs, angle):  # noqa: A002  (PyTorch's argument names)
    """abs · (cos(angle) + i sin(angle)), complex, from real tensors of one dtype."""
    _float_pair_dtype("polar", abs, angle)
    check_broadcast("polar", abs.shape, angle.shape)
    return Polar.apply(abs, angle)


def complex(real, imag):  # noqa: A001
    """real + i imag, complex, from real tensors of one dtype."""
    _float_pair_dtype("complex", real, imag)
    check_broadcast("complex", real.shape, imag.shape)
    return Complex.apply(real, imag)


def real(input):
    """Re z; a real tensor is its own real part (returned as is, as in PyTorch)."""
    return Real.apply(input) if input.dtype.kind == "c" else input


def imag(input):
    """Im z, for complex tensors only (PyTorch refuses real ones too)."""
    _need_complex("imag", input)
    return Imag.apply(input)


def conj(input):
    """x - iy; a real tensor is returned as is."""
    return Conj.apply(input) if input.dtype.kind == "c" else input


def angle(input):
    """atan2(Im z, Re z) of a complex tensor; of a real one, π where it is negative, else 0
    (float results; no gradient flows through a real input, as in PyTorch)."""
    if input.dtype.kind == "c":
        return Angle.apply(input)
    xp = input.xp
    dtype = input.dtype if input.dtype.kind == "f" else np.dtype("float32")
    return Tensor._make(xp.where(input.array < 0, np.pi, 0).astype(dtype))


def resolve_conj(input):
    """The tensor itself: minigrad's conj computes its result (PyTorch's may be a lazy view)."""
    return input


conj_physical = conj

def adjoint(input):
    """The conjugate transpose of the last two axes (the transpose, for real tensors)."""
    return conj(input.mT)


TENSOR_METHODS = {
    "conj": conj, "angle": angle, "resolve_conj": resolve_conj, "conj_physical": conj_physical,
    "adjoint": adjoint,
    "real": property(real), "imag": property(imag),
    "H": property(lambda self: conj(self.T)), "mH": property(adjoint),
}
