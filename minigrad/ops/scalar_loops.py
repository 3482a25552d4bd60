"""Two elementwise passes written so that NumPy runs its vector loops: the same numbers, faster.

1. max(x, 0) and min(x, c) against a scalar. NumPy's float maximum and minimum run a slow loop
   when one operand is a scalar (measured: 0.54 ms on 1.6 M float32, against 0.22 ms for the
   same maximum against an array). Against a row of c, broadcast over x viewed as rows of
   ROW elements, they take the fast loop again. Each element is compared with the same c, so
   the result is the same bit for bit (NaN, -0.0 and infinities included; tested).

2. g * mask for a boolean mask. Multiplying float by bool runs a mixed-type loop that casts
   every element (0.5 ms on 1.6 M float32); casting the mask to g's dtype once and then
   multiplying two float arrays takes 0.35 ms. 1.0 * g and 0.0 * g are the same numbers either
   way.

Only on the host, for float arrays of at least ROW elements; elsewhere the plain expression.
"""

import numpy as np

ROW = 1024  # elements per row: long enough for the vector loop, short enough to stay in cache


def _rows_of(a):
    """(body, tail): contiguous ``a`` as (k, ROW) rows and the flat rest, or None for small,
    strided or non-float arrays and on a GPU."""
    # (the size first: small arrays, most calls, leave at the cheapest test)
    if a.size < ROW or type(a) is not np.ndarray or a.dtype.kind != "f" or not a.flags.c_contiguous:
        return None
    flat = a.reshape(-1)
    cut = flat.size - flat.size % ROW
    return flat[:cut].reshape(-1, ROW), flat[cut:]


def bound(fn, x, value):
    """fn(x, value) for fn the array module's maximum or minimum: against a Python number, a
    fresh array of x's shape and dtype (see 1. above); against anything else, plain fn."""
    parts = _rows_of(x) if isinstance(value, (int, float)) else None
    if parts is None:
        return fn(x, value)
    out = np.empty_like(x)
    (body, tail), (out_body, out_tail) = parts, _rows_of(out)
    fn(body, np.full(ROW, value, dtype=x.dtype), out=out_body)
    fn(tail, value, out=out_tail)
    return out


def masked(g, mask):
    """g * mask for a bool ``mask`` of g's shape, as a fresh array of g's dtype (see 2. above)."""
    if _rows_of(g) is None or mask.shape != g.shape:
        return g * mask
    out = mask.astype(g.dtype)
    out *= g
    return out
