"""erf and erfc on raw arrays (NumPy has neither): Cephes' rational approximations, each branch
evaluated only on the elements in its range.

``_erf_reference`` and ``_erfc_reference`` state the formulas the plain way (every branch on
every element, then pick); ``erf_array`` and ``erfc_array`` give exactly their bits, faster
(tests/test_erf_fast.py checks both, and their accuracy). The Functions Erf (ops/activation.py)
and Erfc (ops/exponential.py) call these.
"""

import numpy as np  # errstate, and telling host arrays from device ones

from .elementwise import _xp

# Cephes' rational approximations of erf (S. L. Moshier, public domain; the ones SciPy uses):
#   |x| <= 1:      erf(x)  = x T(x^2) / U(x^2)
#   1 < |x| < 8:   erfc(x) = exp(-x^2) P(x) / Q(x)
#   |x| >= 8:      erfc(x) = exp(-x^2) R(x) / S(x)
# with erf = 1 - erfc. Coefficients from the highest power down; U, Q, S have a leading 1.
_ERF_T = (9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
          7.00332514112805075473e3, 5.55923013010394962768e4)
_ERF_U = (1.0, 3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
          2.26290000613890934246e4, 4.92673942608635921086e4)
_ERFC_P = (2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
           4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
           9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2)
_ERFC_Q = (1.0, 1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
           9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
           1.65666309194161350182e3, 5.57535340817727675546e2)
_ERFC_R = (5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0,
           6.16021097993053585195e0, 7.40974269950448939160e0, 2.97886665372100240670e0)
_ERFC_S = (1.0, 2.26052863220117276590e0, 9.39603524938001434673e0, 1.20489539808096656605e1,
           1.70814450747565897222e1, 9.60896809063285878198e0, 3.36907645100081516050e0)


def _poly(coefs, x):
    """Horner's rule: coefs[0] x^n + ... + coefs[n] (python float coefficients keep x's dtype)."""
    result = x * 0 + coefs[0]
    for c in coefs[1:]:
        result = result * x + c
    return result


def _horner(coefs, x):
    """_poly in place on one new array: the same roundings, so the same bits for finite x
    (x * 0 + c0 is c0 exactly, and 1 * x is x), in half the passes over memory."""
    result = x + coefs[1] if coefs[0] == 1 else x * coefs[0] + coefs[1]
    for c in coefs[2:]:
        result *= x
        result += c
    return result


def _erf_reference(x):
    """erf on a raw array, the plain way: every branch on every element, then pick. The readable
    statement of the formula, and what erf_array must agree with bit for bit (tests/test_erf_fast.py)."""
    xp = _xp(x)
    if x.dtype == "float16":  # the coefficients overflow float16: compute in float32
        return _erf_reference(x.astype("float32")).astype(x.dtype)
    a = xp.abs(x)
    # clip each branch's argument into its own range: no overflow, no inf/inf, no warnings
    # (beyond |x| = 1e5, exp(-x^2) is 0 and the large branch's value does not matter)
    xs, a_mid, a_large = xp.clip(x, -1, 1), xp.clip(a, 1, 8), xp.clip(a, 8, 1e5)
    small = xs * _poly(_ERF_T, xs * xs) / _poly(_ERF_U, xs * xs)
    mid = _poly(_ERFC_P, a_mid) / _poly(_ERFC_Q, a_mid)
    large = _poly(_ERFC_R, a_large) / _poly(_ERFC_S, a_large)
    erfc = xp.exp(-a * a) * xp.where(a < 8, mid, large)
    return xp.where(a <= 1, small, xp.sign(x) * (1 - erfc))


# From here on the formula gives erf(x) = +-1 exactly: 1 - erfc(x) rounds to 1 once erfc(x) is
# below half an ulp of 1. Found by searching every float32 (and bisecting float64) for the first
# x where _erf_reference is 1; erf rounded to float32 turns to 1 at the same x (float64: libm's
# erf one float earlier, where the formula is 1 ulp below). Both lie below 8, so erf never needs
# the |x| >= 8 branch (erfc does).
_ERF_IS_ONE_FROM = {"float32": 3.919206, "float64": 5.921587195794508}


def _erf_small_into(x, a):
    """x T(x^2) / U(x^2), erf's |x| <= 1 branch, on every element; a = |x| is used as scratch.

    Right (the same bits as _erf_reference) where |x| <= 1 or x is nan; finite or +-inf elsewhere,
    for the caller to overwrite. x^2 is taken as min(|x|, 1)^2, equal to clip(x, -1, 1)^2.
    """
    xp = _xp(x)
    zz = xp.minimum(a, 1, out=a)
    zz *= zz
    out = _horner(_ERF_T, zz)
    with np.errstate(over="ignore"):  # only where |x| > 1, which the caller overwrites
        out *= x
    out /= _horner(_ERF_U, zz)
    return out


def _exp_ratio(a, p, q):
    """exp(-a^2) p(a) / q(a) over a new array (a is kept): the form of erfc's two outer branches."""
    xp = _xp(a)
    erfc = a * a
    xp.negative(erfc, out=erfc)
    xp.exp(erfc, out=erfc)
    ratio = _horner(p, a)
    ratio /= _horner(q, a)
    erfc *= ratio
    return erfc


def _erfc_middle(a):
    """exp(-a^2) P(a) / Q(a), erfc on 1 < a < 8."""
    return _exp_ratio(a, _ERFC_P, _ERFC_Q)


def _erf_compacted(x):
    """_erf_reference's values, each branch evaluated only where it is needed.

    The |x| <= 1 branch runs on every element: it is the cheapest and, for activations, where
    most elements lie. The |x| > 1 elements are gathered into a short array by their flat
    indices; from t = _ERF_IS_ONE_FROM on they get sign(x), below t the middle branch, and
    they are scattered back. A branch no element needs costs nothing. Every step writes into
    an array it owns (out=, in-place operators): new large arrays cost more than the arithmetic.
    """
    xp = _xp(x)
    one_from = _ERF_IS_ONE_FROM[str(x.dtype)]
    a = xp.abs(x)
    outer = xp.flatnonzero(a > 1)
    a_outer = a.ravel().take(outer)
    out = _erf_small_into(x, a)
    if outer.size:
        x_outer = xp.take(x, outer)
        values = xp.sign(x_outer)
        near = xp.flatnonzero(a_outer < one_from)
        if near.size:
            erf = _erfc_middle(a_outer.take(near))
            xp.subtract(1, erf, out=erf)
            values[near] = xp.copysign(erf, x_outer.take(near))
        out.ravel()[outer] = values
    return out


def erf_array(x):
    """erf on a raw array (NumPy has none), vectorised, with Cephes' three branches above.

    On the host each branch runs only on its own elements (_erf_compacted). On a GPU the plain
    every-branch formula is used: its extra kernels cost little there, while gathering a
    branch's elements needs their count on the host, a synchronisation on every call.
    """
    return _by_branches(x, _erf_compacted, _erf_reference)


def _by_branches(x, compacted, reference):
    """compacted(x) on the host in float32 and float64, reference(x) on a GPU and in other
    dtypes; float16 goes through float32 (the coefficients overflow float16)."""
    if x.dtype == "float16":
        return _by_branches(x.astype("float32"), compacted, reference).astype(x.dtype)
    if _xp(x) is not np or x.dtype not in (np.float32, np.float64):
        return reference(x)
    if x.ndim == 0:  # flat indices need an array, not NumPy's 0-d scalars
        return compacted(x.reshape(1)).reshape(())
    return compacted(np.ascontiguousarray(x))  # results are scattered through a flat view


# ---- erfc ---------------------------------------------------------------------------------------
def _erfc_reference(x):
    """erfc on a raw array, the plain way: 1 - erf(x) for |x| <= 1; for |x| > 1, exp(-x**2) times
    the rational approximations erf uses (so the tail keeps its relative precision), mirrored
    for x < -1 by erfc(-a) = 2 - erfc(a). Every branch on every element, then pick: the readable
    statement of the formula, and what erfc_array must agree with bit for bit."""
    xp = _xp(x)
    if x.dtype == "float16":
        return _erfc_reference(x.astype("float32")).astype(x.dtype)
    a = xp.abs(x)
    a_mid, a_large = xp.clip(a, 1, 8), xp.clip(a, 8, 1e5)
    tail = xp.exp(-a * a) * xp.where(a < 8, _poly(_ERFC_P, a_mid) / _poly(_ERFC_Q, a_mid),
                                     _poly(_ERFC_R, a_large) / _poly(_ERFC_S, a_large))
    far = xp.where(x > 0, tail, 2 - tail)
    return xp.where(a <= 1, 1 - _erf_reference(xp.clip(x, -1, 1)), far)


def _erfc_large(a):
    """exp(-a^2) R(a) / S(a), erfc on a >= 8. Past a = 1e5 exp(-a^2) is 0: a is capped there, so
    a^2 cannot overflow."""
    return _exp_ratio(_xp(a).minimum(a, 1e5), _ERFC_R, _ERFC_S)


def _erfc_compacted(x):
    """_erfc_reference's values, each branch evaluated only where it is needed (as erf_array
    does): 1 - erf's small branch on every element, then the |x| > 1 elements gathered by
    their flat indices, given the middle or the large branch, mirrored where x < -1, scattered back."""
    xp = _xp(x)
    a = xp.abs(x)
    outer = xp.flatnonzero(a > 1)
    a_outer = a.ravel().take(outer)
    out = _erf_small_into(x, a)
    xp.subtract(1, out, out=out)
    if outer.size:
        tail = xp.empty_like(a_outer)
        for branch, mask in ((_erfc_middle, a_outer < 8), (_erfc_large, a_outer >= 8)):
            index = xp.flatnonzero(mask)
            if index.size:
                tail[index] = branch(a_outer.take(index))
        negative = xp.flatnonzero(xp.take(x, outer) < 0)
        tail[negative] = 2 - tail.take(negative)
        out.ravel()[outer] = tail
    return out


def erfc_array(x):
    """erfc on a raw array: _erfc_reference's formula, on the host each branch only on its own
    elements (on a GPU the every-branch form: see erf_array)."""
    return _by_branches(x, _erfc_compacted, _erfc_reference)
