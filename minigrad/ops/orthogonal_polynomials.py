"""The orthogonal polynomials of torch.special: Chebyshev T, U, V, W and their shifted forms,
Hermite H and He, Laguerre L and Legendre P, each ``f(input, n)`` = P_n(x).

Each is summed by its three-term recurrence P_{k+1} = a_k(x) P_k - b_k P_{k-1}, from P_0 = 1
and P_1:

    T: P_1 = x,       T_{k+1} = 2x T_k - T_{k-1}            (U, V, W: the same step, with
    U: P_1 = 2x,      V: P_1 = 2x - 1,   W: P_1 = 2x + 1     P_1 as on the left)
    H: H_1 = 2x,      H_{k+1} = 2x H_k - 2k H_{k-1}
    He: He_1 = x,     He_{k+1} = x He_k - k He_{k-1}
    L: L_1 = 1 - x,   L_{k+1} = ((2k + 1 - x) L_k - k L_{k-1}) / (k + 1)
    P: P_1 = x,       P_{k+1} = ((2k + 1) x P_k - k P_{k-1}) / (k + 1)

The shifted Chebyshev polynomials are the plain ones at y = 2x - 1 (orthogonal on [0, 1]).
With θ = acos(x), |x| < 1, the Chebyshev ones also have closed forms, which torch uses above a
small degree (they cost the same for every n, where the recurrence costs n steps):

    T_n = cos(nθ),   U_n = sin((n+1)θ) / sin θ,
    V_n = cos((n+½)θ) / cos(θ/2),   W_n = sin((n+½)θ) / sin(θ/2),

and at x = ±1 they are integers: T_n(±1) = (±1)^n, U_n(±1) = (±1)^n (n+1), V_n(1) = 1,
V_n(-1) = (-1)^n (2n+1), W_n(1) = 2n+1, W_n(-1) = (-1)^n.

As torch: n is truncated to an integer (n = 2.5 is degree 2), and n < 0 (or nan, ±inf) gives 0.
x = nan gives nan (torch's CPU kernel returns arbitrary numbers there).
The recurrence runs over the whole array at once, one step per degree, up to the largest n
among the elements that need it; each element keeps its value when the step reaches its n.
input and n broadcast; the result has their promoted dtype, integers and bools as the default
float; float16, bfloat16 and complex are refused (torch has no kernel for them).

Gradients: torch records none for these functions (its result is outside the graph, with
requires_grad False), and here the same: the result is a constant of the graph.

Notation: docs/notation.md.
"""

from ..backend import errstate
from ..backend import get_array_module as _xp
from ..errors import ArgumentTypeError, UnsupportedDType
from ..tensor import Tensor
from .elementwise import _float_input, constant, pair


def _operands(op, input, n):
    """x and the integer degrees k as broadcast arrays of one float dtype (k as int64, -1 where n
    is negative or not finite: those give 0)."""
    if not isinstance(input, Tensor) and not isinstance(n, Tensor):
        raise ArgumentTypeError(f"special.{op}: input or n must be a Tensor, got {type(input).__name__} and "
                                f"{type(n).__name__} (as torch)")
    x, n = pair(input, n, f"special.{op}")
    if x.dtype.kind == "c":
        raise UnsupportedDType(f"special.{op}: not implemented for complex tensors (dtype {x.dtype})")
    x, n = _float_input(x), _float_input(n)
    if x.dtype.itemsize < 4:
        raise UnsupportedDType(f"special.{op}: not implemented for {x.dtype} (only float32 and float64)")
    xp = _xp(x.array)
    xa, na = xp.broadcast_arrays(x.array, n.array)
    valid = xp.isfinite(na) & (xp.abs(na) < 2.0 ** 62)
    k = xp.where(valid, xp.trunc(xp.where(valid, na, 0)), -1).astype(xp.int64)
    return xp.array(xa), k


def _recurrence(x, k, first, step):
    """P_k(x) elementwise for k >= 0 (anything where k < 0), from P_0 = 1, P_1 = ``first`` and
    P_{j+1} = step(j, P_j, P_{j-1})."""
    xp = _xp(x)
    value = xp.where(k == 0, xp.ones_like(x), first)
    top = int(k.max()) if k.size else 0
    previous, current = xp.ones_like(x), first
    with errstate(x, over="ignore", invalid="ignore"):  # large x or n overflow to inf, inf - inf is nan: as torch
        for j in range(1, top):
            previous, current = current, step(j, current, previous)
            value = xp.where(k == j + 1, current, value)
    return value


def _finish(x, k, value):
    """The result tensor: 0 where n < 0, in x's dtype."""
    xp = _xp(x)
    return constant(xp.where(k < 0, 0, value).astype(x.dtype))


def _chebyshev_step(y):
    return lambda j, current, previous: (y + y) * current - previous


def _chebyshev(op, input, n, kind, shifted, closed_above):
    """Chebyshev T, U, V or W (``kind``) at x, or at 2x - 1 when ``shifted``: the closed forms of
    the module docstring where |y| < 1 and n > ``closed_above``, the integers at y = ±1, else
    the recurrence."""
    x, k = _operands(op, input, n)
    xp = _xp(x)
    y = x + x - 1 if shifted else x
    one = (y == 1) | (y == -1)
    closed = (xp.abs(y) < 1) & (k > closed_above)
    recurring = ~one & ~closed
    first = {"t": y, "u": y + y, "v": y + y - 1, "w": y + y + 1}[kind]
    value = _recurrence(y, xp.where(recurring, k, 0), first, _chebyshev_step(y))
    with errstate(x, invalid="ignore", divide="ignore"):
        theta = xp.arccos(xp.where(closed, y, 0))  # the stand-in 0 keeps acos defined off the closed set
        m = k.astype(x.dtype)
        if kind == "t":
            form = xp.cos(m * theta)
        elif kind == "u":
            form = xp.sin((m + 1) * theta) / xp.sin(theta)  # sin θ > 0 for |y| < 1
        elif kind == "v":
            form = xp.cos((m + 0.5) * theta) / xp.cos(theta / 2)
        else:
            form = xp.sin((m + 0.5) * theta) / xp.sin(theta / 2)
    value = xp.where(closed, form, value)
    sign = xp.where((y > 0) | (k % 2 == 0), 1, -1).astype(x.dtype)  # (±1)^n
    edge = {"t": sign, "u": sign * (m + 1), "v": xp.where(y > 0, 1, sign * (m + m + 1)),
            "w": xp.where(y > 0, m + m + 1, sign)}[kind]
    return _finish(x, k, xp.where(one, edge, value))


def chebyshev_polynomial_t(input, n):
    """T_n(x), the Chebyshev polynomial of the first kind: T_n(cos θ) = cos(nθ)."""
    return _chebyshev("chebyshev_polynomial_t", input, n, "t", False, 6)


def chebyshev_polynomial_u(input, n):
    """U_n(x), the Chebyshev polynomial of the second kind: U_n(cos θ) = sin((n+1)θ) / sin θ."""
    return _chebyshev("chebyshev_polynomial_u", input, n, "u", False, 8)


def chebyshev_polynomial_v(input, n):
    """V_n(x), the Chebyshev polynomial of the third kind: V_n(cos θ) = cos((n+½)θ) / cos(θ/2)."""
    return _chebyshev("chebyshev_polynomial_v", input, n, "v", False, 8)


def chebyshev_polynomial_w(input, n):
    """W_n(x), the Chebyshev polynomial of the fourth kind: W_n(cos θ) = sin((n+½)θ) / sin(θ/2)."""
    return _chebyshev("chebyshev_polynomial_w", input, n, "w", False, 8)


def shifted_chebyshev_polynomial_t(input, n):
    """T*_n(x) = T_n(2x - 1), the shifted Chebyshev polynomial of the first kind (on [0, 1])."""
    return _chebyshev("shifted_chebyshev_polynomial_t", input, n, "t", True, 6)


def shifted_chebyshev_polynomial_u(input, n):
    """U*_n(x) = U_n(2x - 1), the shifted Chebyshev polynomial of the second kind."""
    return _chebyshev("shifted_chebyshev_polynomial_u", input, n, "u", True, 6)


def shifted_chebyshev_polynomial_v(input, n):
    """V*_n(x) = V_n(2x - 1), the shifted Chebyshev polynomial of the third kind."""
    return _chebyshev("shifted_chebyshev_polynomial_v", input, n, "v", True, 6)


def shifted_chebyshev_polynomial_w(input, n):
    """W*_n(x) = W_n(2x - 1), the shifted Chebyshev polynomial of the fourth kind."""
    return _chebyshev("shifted_chebyshev_polynomial_w", input, n, "w", True, 4)


def hermite_polynomial_h(input, n):
    """H_n(x), the physicists' Hermite polynomial: H_{k+1} = 2x H_k - 2k H_{k-1}, H_1 = 2x."""
    x, k = _operands("hermite_polynomial_h", input, n)
    return _finish(x, k, _recurrence(x, k, x + x, lambda j, h, h_: (x + x) * h - (j + j) * h_))


def hermite_polynomial_he(input, n):
    """He_n(x), the probabilists' Hermite polynomial: He_{k+1} = x He_k - k He_{k-1}, He_1 = x."""
    x, k = _operands("hermite_polynomial_he", input, n)
    return _finish(x, k, _recurrence(x, k, x, lambda j, h, h_: x * h - j * h_))


def laguerre_polynomial_l(input, n):
    """L_n(x), the Laguerre polynomial: L_{k+1} = ((2k + 1 - x) L_k - k L_{k-1}) / (k + 1),
    L_1 = 1 - x (L_n(0) = 1)."""
    x, k = _operands("laguerre_polynomial_l", input, n)
    xp = _xp(x)
    value = _recurrence(x, k, 1 - x, lambda j, p, p_: ((j + j + (1 - x)) * p - j * p_) / (j + 1))
    return _finish(x, k, xp.where(x == 0, 1, value))


def legendre_polynomial_p(input, n):
    """P_n(x), the Legendre polynomial: P_{k+1} = ((2k + 1) x P_k - k P_{k-1}) / (k + 1), P_1 = x
    (P_n(±1) = (±1)^n)."""
    x, k = _operands("legendre_polynomial_p", input, n)
    xp = _xp(x)
    value = _recurrence(x, k, x, lambda j, p, p_: ((j + j + 1) * x * p - j * p_) / (j + 1))
    sign = xp.where((x > 0) | (k % 2 == 0), 1, -1)
    return _finish(x, k, xp.where(xp.abs(x) == 1, sign, value))
