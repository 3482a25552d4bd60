"""The modified Bessel functions of the first kind of orders 0 and 1: i0, i1, and their
exponentially scaled forms i0e(x) = e^(-|x|) I0(x), i1e(x) = e^(-|x|) I1(x).

    I0(x) = sum_k (x/2)^(2k) / (k!)^2,        I1(x) = sum_k (x/2)^(2k+1) / (k! (k+1)!)

I0 is even, I1 odd, and both grow like e^|x| / sqrt(2 pi |x|), so the scaled forms stay of
order one where I0 and I1 overflow (beyond |x| ~ 709 in float64, 89 in float32).

NumPy has only np.i0 (and CuPy a different set), so they are computed here, vectorised, by the
Chebyshev expansions of Cephes (S. L. Moshier, Cephes Math Library 2.8, i0.c and i1.c), as
PyTorch and SciPy do: with z = |x|,

    z <= 8:   i0e = S_A(z/2 - 2),            i1e = z S_A1(z/2 - 2)
    z > 8:    i0e = S_B(32/z - 2) / sqrt(z),  i1e = S_B1(32/z - 2) / sqrt(z)

where S_C(t) = sum'_k c_k T_k(t/2) is a Chebyshev series (the first term halved), each fitting
e^(-z) I(z) (times 1/z or sqrt(z)) on [0, 8] or on [8, inf) mapped to [-1, 1]. It is summed by
Clenshaw's recurrence, b_k = t b_(k+1) - b_(k+2) + c_k, S = (b_0 - b_2) / 2. i1e is odd (its
sign is x's), and i0 = e^|x| i0e, i1 = e^|x| i1e.

Derivatives (from I0' = I1 and I1' = I0 - I1/x, the Bessel recurrences), with s = sign(x):

    d i0/dx  = i1(x)
    d i1/dx  = i0(x) - i1(x)/x            (1/2 at x = 0, the limit: I1(x)/x -> 1/2)
    d i0e/dx = i1e(x) - s i0e(x)          (d e^(-|x|)/dx = -s e^(-|x|))
    d i1e/dx = i0e(x) - i1e(x)/x - s i1e(x)   (1/2 at x = 0)

i0e and i1e have a kink at 0 (|x|): its derivative there is the one of sign(0) = 0, as PyTorch.
I1(x)/x is summed as its power series near 0 (see _i1_over_x), so second derivatives stay
accurate there too.
Each backward is written with these functions themselves, so every order of derivative exists.
float32 stays float32 (the series is summed in the input's dtype); float16 is summed in float32.

Notation: docs/notation.md.
"""

import math

from ..backend import errstate
from ..autograd.function import Function
from ..errors import UnsupportedDType
from .elementwise import _float_input, _xp, constant, where
from .inplace import with_inplace
from .rounding import sign

# Chebyshev coefficients of exp(-x) I0(x) on [0, 8] (lim x->0: 1)
_A = (-4.41534164647933937950e-18, 3.33079451882223809783e-17, -2.43127984654795469359e-16,
      1.71539128555513303061e-15, -1.16853328779934516808e-14, 7.67618549860493561688e-14,
      -4.85644678311192946090e-13, 2.95505266312963983461e-12, -1.72682629144155570723e-11,
      9.67580903537323691224e-11, -5.18979560163526290666e-10, 2.65982372468238665035e-9,
      -1.30002500998624804212e-8, 6.04699502254191894932e-8, -2.67079385394061173391e-7,
      1.11738753912010371815e-6, -4.41673835845875056359e-6, 1.64484480707288970893e-5,
      -5.75419501008210370398e-5, 1.88502885095841655729e-4, -5.76375574538582365885e-4,
      1.63947561694133579842e-3, -4.32430999505057594430e-3, 1.05464603945949983183e-2,
      -2.37374148058994688156e-2, 4.93052842396707084878e-2, -9.49010970480476444210e-2,
      1.71620901522208775349e-1, -3.04682672343198398683e-1, 6.76795274409476084995e-1)

# Chebyshev coefficients of exp(-x) sqrt(x) I0(x) on [8, inf), in 32/x (lim x->inf: 1/sqrt(2 pi))
_B = (-7.23318048787475395456e-18, -4.83050448594418207126e-18, 4.46562142029675999901e-17,
      3.46122286769746109310e-17, -2.82762398051658348494e-16, -3.42548561967721913462e-16,
      1.77256013305652638360e-15, 3.81168066935262242075e-15, -9.55484669882830764870e-15,
      -4.15056934728722208663e-14, 1.54008621752140982691e-14, 3.85277838274214270114e-13,
      7.18012445138366623367e-13, -1.79417853150680611778e-12, -1.32158118404477131188e-11,
      -3.14991652796324136454e-11, 1.18891471078464383424e-11, 4.94060238822496958910e-10,
      3.39623202570838634515e-9, 2.26666899049817806459e-8, 2.04891858946906374183e-7,
      2.89137052083475648297e-6, 6.88975834691682398426e-5, 3.36911647825569408990e-3,
      8.04490411014108831608e-1)

# Chebyshev coefficients of exp(-x) I1(x) / x on [0, 8] (lim x->0: 1/2)
_A1 = (2.77791411276104639959e-18, -2.11142121435816608115e-17, 1.55363195773620046921e-16,
       -1.10559694773538630805e-15, 7.60068429473540693410e-15, -5.04218550472791168711e-14,
       3.22379336594557470981e-13, -1.98397439776494371520e-12, 1.17361862988909016308e-11,
       -6.66348972350202774223e-11, 3.62559028155211703701e-10, -1.88724975172282928790e-9,
       9.38153738649577178388e-9, -4.44505912879632808065e-8, 2.00329475355213526229e-7,
       -8.56872026469545474066e-7, 3.47025130813767847674e-6, -1.32731636560394358279e-5,
       4.78156510755005422638e-5, -1.61760815825896745588e-4, 5.12285956168575772895e-4,
       -1.51357245063125314899e-3, 4.15642294431288815669e-3, -1.05640848946261981558e-2,
       2.47264490306265168283e-2, -5.29459812080949914269e-2, 1.02643658689847095384e-1,
       -1.76416518357834055153e-1, 2.52587186443633654823e-1)

# Chebyshev coefficients of exp(-x) sqrt(x) I1(x) on [8, inf), in 32/x (lim x->inf: 1/sqrt(2 pi))
_B1 = (7.51729631084210481353e-18, 4.41434832307170791151e-18, -4.65030536848935832153e-17,
       -3.20952592199342395980e-17, 2.96262899764595013876e-16, 3.30820231092092828324e-16,
       -1.88035477551078244854e-15, -3.81440307243700780478e-15, 1.04202769841288027642e-14,
       4.27244001671195135429e-14, -2.10154184277266431302e-14, -4.08355111109219731823e-13,
       -7.19855177624590851209e-13, 2.03562854414708950722e-12, 1.41258074366137813316e-11,
       3.25260358301548823856e-11, -1.89749581235054123450e-11, -5.58974346219658380687e-10,
       -3.83538038596423702205e-9, -2.63146884688951950684e-8, -2.51223623787020892529e-7,
       -3.88256480887769039346e-6, -1.10588938762623716291e-4, -9.76109749136146840777e-3,
       7.78576235018280120474e-1)


def _chebyshev(t, coefficients):
    """sum'_k c_k T_k(t/2) by Clenshaw's recurrence (coefficients from the highest order down)."""
    b0, b1, b2 = coefficients[0] + 0 * t, 0 * t, 0 * t
    for c in coefficients[1:]:
        b2, b1 = b1, b0
        b0 = t * b1 - b2 + c
    return 0.5 * (b0 - b2)


def _scaled(x, order):
    """i0e(x) (order 0) or i1e(x) (order 1) on an array, by the two expansions of the docstring."""
    xp = _xp(x)
    if x.dtype.itemsize < 4:  # float16: sum in float32, as PyTorch does
        return _scaled(x.astype("float32"), order).astype(x.dtype)
    z = xp.abs(x)
    near = xp.minimum(z, 8)  # each expansion on its own interval only (no overflow in the other)
    far = xp.maximum(z, 8)
    if order == 0:
        small, large = _chebyshev(near / 2 - 2, _A), _chebyshev(32 / far - 2, _B) / xp.sqrt(far)
    else:
        small, large = near * _chebyshev(near / 2 - 2, _A1), _chebyshev(32 / far - 2, _B1) / xp.sqrt(far)
    out = xp.where(z <= 8, small, large)
    if order == 1:
        out = xp.where(x < 0, -out, out)  # i1e is odd
    return out.astype(x.dtype, copy=False)


def _unscaled(x, order):
    """i0(x) or i1(x) on an array: e^|x| times the scaled form."""
    xp = _xp(x)
    if x.dtype.itemsize < 4:  # float16: e^|x| overflows long before I(x) does; work in float32
        return _unscaled(x.astype("float32"), order).astype(x.dtype)
    with errstate(x, over="ignore", invalid="ignore"):  # e^|x| overflows to inf for large x, as I0 and I1 do
        return (xp.exp(xp.abs(x)) * _scaled(x, order)).astype(x.dtype, copy=False)



def _i1_over_x(x, scaled):
    """I1(x)/x, or i1e(x)/x = e^(-|x|) I1(x)/x when ``scaled``, with its limit 1/2 at x = 0.

    For |x| <= 1 it is the power series (1/2) sum_k y^k / (k! (k+1)!), y = x^2/4, whose ten
    terms reach double precision there: dividing I1(x) by a small x would be fine for the value
    but its own derivative, I1'(x)/x - I1(x)/x^2, subtracts two numbers of size 1/(2x) and
    loses every digit (the second derivative of i1 near 0). Each branch is evaluated at a
    stand-in where it is not used (0 for the series, 1 for the quotient), so no inf or nan
    reaches the gradient of the branch that ``where`` drops.
    """
    from .elementwise import abs, exp

    small = constant(abs(x).array <= 1)
    near_x = where(small, x, 0.0)
    y = near_x * near_x / 4
    series = 0.0
    for k in reversed(range(10)):  # Horner's rule from the highest term down
        series = series * y + 1.0 / (math.factorial(k) * math.factorial(k + 1))
    series = series / 2
    if scaled:
        series = series * exp(-abs(near_x))
    far_x = where(small, 1.0, x)
    quotient = (i1e(far_x) if scaled else i1(far_x)) / far_x
    return where(small, series, quotient)


class I0(Function):
    """z = I0(x).   dz/dx = I1(x), so dL/dx = g i1(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _unscaled(x, 0)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * i1(x)


class I0e(Function):
    """z = e^(-|x|) I0(x).   dz/dx = i1e(x) - sign(x) i0e(x) (the docstring of the module)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _scaled(x, 0)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (i1e(x) - sign(x) * i0e(x))


class I1(Function):
    """z = I1(x).   dz/dx = I0(x) - I1(x)/x (1/2 at 0), so dL/dx = g (i0(x) - i1(x)/x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _unscaled(x, 1)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (i0(x) - _i1_over_x(x, scaled=False))


class I1e(Function):
    """z = e^(-|x|) I1(x).   dz/dx = i0e(x) - i1e(x)/x - sign(x) i1e(x) (1/2 at 0)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _scaled(x, 1)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (i0e(x) - _i1_over_x(x, scaled=True) - sign(x) * i1e(x))


def _real_input(op, input):
    """Integer and bool inputs as the default float (PyTorch's rule); complex ones refused."""
    if input.dtype.kind == "c":
        raise UnsupportedDType(f"{op}: not implemented for complex tensors (dtype {input.dtype}, shape "
                               f"{tuple(input.shape)})")
    return _float_input(input)


def i0(input):
    """I0(x), the modified Bessel function of the first kind of order 0 (torch.i0, torch.special.i0)."""
    return I0.apply(_real_input("i0", input))


def i0e(input):
    """e^(-|x|) I0(x), the exponentially scaled I0 (torch.special.i0e)."""
    return I0e.apply(_real_input("special.i0e", input))


def i1(input):
    """I1(x), the modified Bessel function of the first kind of order 1 (torch.special.i1)."""
    return I1.apply(_real_input("special.i1", input))


def i1e(input):
    """e^(-|x|) I1(x), the exponentially scaled I1 (torch.special.i1e)."""
    return I1e.apply(_real_input("special.i1e", input))


TENSOR_METHODS = with_inplace({"i0": i0})  # Tensor.i0 and Tensor.i0_ (i0e, i1, i1e are functions only)
