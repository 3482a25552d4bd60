"""Bessel functions of torch.special: bessel_j0/j1, bessel_y0/y1 (first and second kind),
modified_bessel_i0/i1/k0/k1, scaled_modified_bessel_k0/k1 and spherical_bessel_j0.

Each is split, as in Cephes (S. L. Moshier), at a point R (8 for J and Y, 2 for K) into a
near part, where it is a log term plus an entire function of s = x^2, and a far part, where
it is its large-x form with smooth amplitudes. With chi = x - (2 nu + 1) pi / 4:

    x <= 8:  J0 = F(s),  J1 = x F(s),  Y0 = (2/pi) log(x) J0 + F(s),
             Y1 = (2/pi) (log(x) J1 - 1/x) + x F(s)
    x > 8:   J_nu = sqrt(2/(pi x)) (P_nu cos chi - Q_nu sin chi),
             Y_nu = sqrt(2/(pi x)) (P_nu sin chi + Q_nu cos chi),   P_nu, x Q_nu smooth in 64/x^2
    x <= 2:  K0 = -log(x) I0 + F(s),  K1 = log(x) I1 + 1/x + x F(s)
    x > 2:   K_nu = e^(-x) F(2/x) / sqrt(x)

(each F its own function). Every F is a Chebyshev series sum'_k c_k T_k(u) in its variable
mapped onto u in [-1, 1], summed by Clenshaw's recurrence (ops/bessel.py's _chebyshev). The
coefficients were computed for this file by interpolating each F at 70 Chebyshev nodes in
40-digit arithmetic and dropping the trailing ones below 1e-18.

J0 and I0 are even, J1 and I1 odd; Y and K are defined for x >= 0 only (nan below, as torch),
with Y(0) = -inf and K(0) = inf. modified_bessel_i0/i1 are ops/bessel.py's i0/i1.

Gradients: torch records none for these functions. Here each is a composition of minigrad
ops (Clenshaw sums, log, cos, where, ...), so backward differentiates the approximation
itself, which matches the true derivatives (J0' = -J1, J1' = J0 - J1/x, K0' = -K1, ...) to
about the approximation's accuracy. Branches are evaluated at stand-in points where they
are not used, so no inf or nan reaches the gradient of a branch that ``where`` drops.
float32 stays float32; float16 is refused, as torch has no kernel for it.

Notation: docs/notation.md.
"""

import math

from ..backend import errstate
from ..errors import UnsupportedDType
from .bessel import _chebyshev, _real_input, i0, i1
from .elementwise import abs, constant, cos, exp, log, sin, sqrt, where

# J0(x), in s = x^2 on [0, 64]
_J0_NEAR = (1.2218515873961411e-17, -7.588508125447546e-16, 4.125320595634374e-14, -1.9438346867370164e-12,
            7.848696314479465e-11, -2.679253530557673e-09, 7.608163592418782e-08, -1.7619469077621507e-06,
            3.246032882100508e-05, -0.00046062616620627504, 0.004819180069467605, -0.034893769411408884,
            0.15806710233209725, -0.37009499387264977, 0.2651786132033368, -0.008723442352852221,
            0.31545594294978024)

# J1(x)/x, in s = x^2 on [0, 64]
_J1_NEAR = (-2.4441972916190464e-17, 1.4232144003513942e-15, -7.221755239651773e-14, 3.160154580348003e-12,
            -1.178026622695885e-10, 3.687133759097148e-09, -9.521984756750436e-08, 1.9858774049915165e-06,
            -3.255554866857259e-05, 0.0004050337728354822, -0.003646940600769276, 0.022213639654966037,
            -0.08268049176681791, 0.1609992623572097, -0.1489751450676521, 0.16208969265131623)

# Y0(x) - (2/pi) log(x) J0(x), in s = x^2 on [0, 64]
_Y0_NEAR = (-2.6977881152566837e-17, 1.6434898714919468e-15, -8.747341203310769e-14, 4.02633081830612e-12,
            -1.5837552541812015e-10, 5.248794787330516e-09, -1.44072332740187e-07, 3.206532537654801e-06,
            -5.632079141056987e-05, 0.0007531135932577742, -0.007287962479552079, 0.04719668959576339,
            -0.17730201278114358, 0.26156734625504663, 0.17903431407718265, -0.2744743055297453,
            -0.06629222640656988)

# (Y1(x) - (2/pi) (log(x) J1(x) - 1/x)) / x, in s = x^2 on [0, 64]
_Y1_NEAR = (5.34668038572867e-17, -3.0511859694473254e-15, 1.51429151205002e-13, -6.4651518414115946e-12,
            2.344337905911516e-10, -7.11055004989928e-09, 1.7707804556154404e-07, -3.53808001868935e-06,
            5.505982873338744e-05, -0.0006414551451326356, 0.005289897544167113, -0.028328123944594365,
            0.08445197259652346, -0.09591204536083074, -0.01608717304766875, 0.005076026471483563)

# P0(x), in w = 64/x^2 on (0, 1]
_P0 = (-2.880866169482871e-18, 1.6305919233744186e-17, -1.0011513723467786e-16, 6.748072215733873e-16,
       -5.069034095935236e-15, 4.3265957431549404e-14, -4.3045788699253914e-13, 5.168262387349193e-12,
       -7.86409137723707e-11, 1.6306464635151382e-09, -5.1705945376060975e-08, 3.0751847875194745e-06,
       -0.0005365220468132117, 1.9989206986950374)

# x Q0(x), in w = 64/x^2 on (0, 1]
_Q0 = (1.0473158973776097e-18, -4.952892629886516e-18, 2.4865952389390515e-17, -1.3348852171502517e-16,
       7.729703176242605e-16, -4.87994410531204e-15, 3.4041800321963686e-14, -2.6690625482579414e-13,
       2.404916100281365e-12, -2.565397936797308e-11, 3.376097523734991e-10, -5.817532749493056e-09,
       1.4377965798375193e-07, -5.9315987288485175e-06, 0.0005470815954089319, -0.24889367368539214)

# P1(x), in w = 64/x^2 on (0, 1]
_P1 = (3.0492991197665872e-18, -1.7312313216116335e-17, 1.0667689114335412e-16, -7.221180842274018e-16,
       5.452674896044717e-15, -4.6842237839904895e-14, 4.699195515230542e-13, -5.704863640395645e-12,
       8.816898659582339e-11, -1.8718907491063067e-09, 6.177633960644299e-08, -3.987284300488908e-06,
       0.0008989898330859408, 2.0018060817200274)

# x Q1(x), in w = 64/x^2 on (0, 1]
_Q1 = (-1.101261718787959e-18, 5.2192649196714085e-18, -2.626761589838529e-17, 1.4141084390211833e-16,
       -8.215318025458595e-16, 5.206626366226707e-15, -3.649001916061838e-14, 2.8774212663332235e-13,
       -2.61145253946232e-12, 2.8121750359748866e-11, -3.749090950541556e-10, 6.583354662120443e-09,
       -1.676782510726674e-07, 7.3108922063643636e-06, -0.0007702178839325664, 0.7484445931125652)

# K0(x) + log(x) I0(x), in s = x^2 on [0, 4]
_K0_NEAR = (1.7966278703136082e-16, 5.635214661841847e-14, 1.3895141631982779e-11, 2.6056207418988497e-09,
            3.5563825166277007e-07, 3.3247998700597626e-05, 0.0019458946141853283, 0.06152577860244072,
            0.787078990859296, 1.6867954551544446)

# (K1(x) - log(x) I1(x) - 1/x) / x, in s = x^2 on [0, 4]
_K1_NEAR = (-9.092150880033067e-18, -3.1733487638923218e-15, -8.819221396228751e-13, -1.89459722399161e-10,
            -3.026704146655771e-08, -3.4112002554142968e-06, -0.0002513233586483403, -0.010725575310322739,
            -0.2114356597763456, -1.017847569064165)

# sqrt(x) e^x K0(x), in w = 2/x on (0, 1]
_K0_FAR = (-1.7331712005821001e-18, 5.3004337711773354e-18, -1.6475805939842632e-17, 5.2103917776435543e-17,
           -1.6782311257549006e-16, 5.5120559994043335e-16, -1.848593377920907e-15, 6.340076476276646e-15,
           -2.2275133267462965e-14, 8.032890775068375e-14, -2.9800969231481784e-13, 1.1403405882073441e-12,
           -4.514597883374519e-12, 1.8559491149549264e-11, -7.957489244477396e-11, 3.5773972814003283e-10,
           -1.6975345093890614e-09, 8.574034017414225e-09, -4.660489897687948e-08, 2.766813639445015e-07,
           -1.8317555227191195e-06, 1.39498137188765e-05, -0.00012849549581627802, 0.0015698838857300533,
           -0.0314481013119645, 2.4403030820659555)

# sqrt(x) e^x K1(x), in w = 2/x on (0, 1]
_K1_FAR = (1.8778651901623268e-18, -5.7567444820733025e-18, 1.7940510478863572e-17, -5.689462849193648e-17,
           1.8380935752430455e-16, -6.057047270643018e-16, 2.038703166239861e-15, -7.0198370892147685e-15,
           2.4771544242195988e-14, -8.976705182010146e-14, 3.348419666052243e-13, -1.2891739609498229e-12,
           5.139639673482343e-12, -2.129967838427791e-11, 9.218315187605315e-11, -4.1903547593419254e-10,
           2.0150497551970347e-09, -1.0345762465678097e-08, 5.7410841254500495e-08, -3.5019606030878126e-07,
           2.406484947837217e-06, -1.936197974166083e-05, 0.00019521551847135162, -0.002857816859622779,
           0.10392373657681724, 2.7206261904844427)

_TWO_OVER_PI = 2 / math.pi


def _series(u, coefficients):
    """sum'_k c_k T_k(u), u in [-1, 1] (_chebyshev takes t = 2u)."""
    return _chebyshev(2 * u, coefficients)


def _input(op, input):
    """input as a float32/float64 tensor: integers and bools as the default float; complex and
    float16 refused (torch has no kernel for them)."""
    x = _real_input(f"special.{op}", input)
    if x.dtype.itemsize < 4:
        raise UnsupportedDType(f"special.{op}: not implemented for {x.dtype} (only float32 and float64)")
    return x


def _j_or_y(x, order, second_kind):
    """J_order(|x|) or Y_order(x) for x >= 0, by the two forms of the module docstring."""
    z = abs(x)
    near = constant(z.array <= 8)
    zn = where(near, z, 1.0)  # stand-ins: 1 for the near form, 8 for the far one
    zf = where(near, 8.0, z)
    u = zn * zn / 32 - 1
    if order == 0:
        j = _series(u, _J0_NEAR)
        small = _TWO_OVER_PI * log(zn) * j + _series(u, _Y0_NEAR) if second_kind else j
    else:
        j = zn * _series(u, _J1_NEAR)
        small = (_TWO_OVER_PI * (log(zn) * j - 1 / zn) + zn * _series(u, _Y1_NEAR)) if second_kind else j
    with errstate(zf.array, over="ignore", invalid="ignore"):  # x^2 overflows, cos(inf) is nan: as torch
        w = 2 * (64 / (zf * zf)) - 1
        p = _series(w, _P1 if order else _P0)
        q = _series(w, _Q1 if order else _Q0) / zf
        chi = zf - (0.75 if order else 0.25) * math.pi
        c, s_ = cos(chi), sin(chi)
        amplitude = sqrt(_TWO_OVER_PI / zf)
        large = amplitude * ((p * s_ + q * c) if second_kind else (p * c - q * s_))
    return where(near, small, large)


def bessel_j0(input):
    """J0(x), the Bessel function of the first kind of order 0 (even): the module docstring."""
    return _j_or_y(_input("bessel_j0", input), 0, False)


def bessel_j1(input):
    """J1(x), the Bessel function of the first kind of order 1 (odd; J1(-0) = -0)."""
    x = _input("bessel_j1", input)
    near = constant(abs(x).array <= 8)
    small = where(near, x, 0.0)  # x J1(x)/x series with x's own sign, so -0 stays -0
    u = small * small / 32 - 1
    value = where(near, small * _series(u, _J1_NEAR), _j_or_y(where(near, 9.0, x), 1, False))
    return where(constant(x.array < -8), -value, value)


def _second_kind(op, input, order):
    x = _input(op, input)
    xa = x.array
    value = _j_or_y(where(constant(xa > 0), x, 1.0), order, True)
    value = where(constant(xa == 0), -math.inf, value)
    return where(constant(~(xa >= 0)), math.nan, value)  # defined for x >= 0 only, as torch


def bessel_y0(input):
    """Y0(x), the Bessel function of the second kind of order 0: -inf at 0, nan for x < 0."""
    return _second_kind("bessel_y0", input, 0)


def bessel_y1(input):
    """Y1(x), the Bessel function of the second kind of order 1: -inf at 0, nan for x < 0."""
    return _second_kind("bessel_y1", input, 1)


def modified_bessel_i0(input):
    """I0(x) = sum_k (x/2)^(2k) / (k!)^2 (ops/bessel.py's i0)."""
    return i0(_input("modified_bessel_i0", input))


def modified_bessel_i1(input):
    """I1(x) = sum_k (x/2)^(2k+1) / (k! (k+1)!) (ops/bessel.py's i1)."""
    return i1(_input("modified_bessel_i1", input))


def _k(op, input, order, scaled):
    """K_order(x), or e^x K_order(x) when ``scaled``: nan for x < 0, inf at 0."""
    x = _input(op, input)
    xa = x.array
    near = constant((xa > 0) & (xa <= 2))
    xn = where(near, x, 1.0)  # stand-ins: 1 for the near form, 2 for the far one
    xf = where(constant(xa <= 2), 2.0, x)
    u = xn * xn / 2 - 1
    if order == 0:
        small = _series(u, _K0_NEAR) - log(xn) * i0(xn)
    else:
        small = log(xn) * i1(xn) + 1 / xn + xn * _series(u, _K1_NEAR)
    if scaled:
        small = small * exp(xn)
    large = _series(2 * (2 / xf) - 1, _K1_FAR if order else _K0_FAR) / sqrt(xf)
    if not scaled:
        large = large * exp(-xf)
    value = where(near, small, large)
    value = where(constant(xa == 0), math.inf, value)
    return where(constant(~(xa >= 0)), math.nan, value)


def modified_bessel_k0(input):
    """K0(x), the modified Bessel function of the second kind of order 0 (x >= 0)."""
    return _k("modified_bessel_k0", input, 0, False)


def modified_bessel_k1(input):
    """K1(x), the modified Bessel function of the second kind of order 1 (x >= 0)."""
    return _k("modified_bessel_k1", input, 1, False)


def scaled_modified_bessel_k0(input):
    """e^x K0(x), finite where K0 underflows (x >= 0)."""
    return _k("scaled_modified_bessel_k0", input, 0, True)


def scaled_modified_bessel_k1(input):
    """e^x K1(x), finite where K1 underflows (x >= 0)."""
    return _k("scaled_modified_bessel_k1", input, 1, True)


# sin(x)/x = sum_k (-1)^k x^(2k) / (2k+1)!, to x^12: below 1e-16 relative for |x| < 1/2
_SINC_SERIES = tuple((-1) ** k / math.factorial(2 * k + 1) for k in range(7))


def spherical_bessel_j0(input):
    """j0(x) = sin(x)/x (1 at 0, 0 at +-inf, as torch); its series for |x| < 1/2, where the
    quotient's derivative cos(x)/x - sin(x)/x^2 would cancel."""
    x = _input("spherical_bessel_j0", input)
    infinite = constant(abs(x).array == math.inf)
    small = constant(abs(x).array < 0.5)
    xs = where(small, x, 0.0)
    y = xs * xs
    series = 0.0
    for c in reversed(_SINC_SERIES):  # Horner's rule in x^2
        series = series * y + c
    xq = where(constant(small.array | infinite.array), 1.0, x)
    value = where(small, series, sin(xq) / xq)
    return where(infinite, 0.0, value)
