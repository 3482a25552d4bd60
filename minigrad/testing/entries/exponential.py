"""Registry entries for minigrad/ops/exponential.py.

log2, log10 and rsqrt get positive inputs, log1p inputs above -0.5; erfc's samples reach past
|x| = 1 so both of its branches are checked; xlogy's x includes exact zeros (xlogy is linear in
x there) with a positive y.
"""

import numpy as np

from ...ops import exponential as X
from ..registry import OpInfo, Sample
from ..strategies import positive, smooth_normal, uniform


def _unary(draw):
    def samples(rng):
        return [Sample((draw(rng, (3, 4)),)), Sample((draw(rng, (2, 3, 2)),)), Sample((np.asarray(draw(rng, ())),))]

    return samples


def _normal(rng, shape):
    return smooth_normal(rng, shape)


def _positive(rng, shape):
    return np.asarray(positive(rng, shape))


def _binary(rng):
    return [Sample((smooth_normal(rng, (3, 4)), smooth_normal(rng, (3, 4)))),
            Sample((smooth_normal(rng, (2, 3, 4)), smooth_normal(rng, (4,)))),
            Sample((smooth_normal(rng, (3, 1)), smooth_normal(rng, (1, 4))))]


def _xlogy_samples(rng):
    x = smooth_normal(rng, (3, 4))
    x[0, :2] = 0.0
    return [Sample((x, positive(rng, (3, 4)))), Sample((smooth_normal(rng, (2, 3, 4)), positive(rng, (4,)))),
            Sample((smooth_normal(rng, (3, 1)), positive(rng, (1, 4))))]


def _entry(name, cls, samples, **kw):
    return OpInfo(name, getattr(X, name), samples, (cls,),
                  torch_fn=lambda torch, *args: getattr(torch, name)(*args), **kw)


ENTRIES = [
    _entry("exp2", X.Exp2, _unary(_normal)),
    _entry("expm1", X.Expm1, _unary(_normal)),
    _entry("log2", X.Log2, _unary(_positive)),
    _entry("log10", X.Log10, _unary(_positive)),
    _entry("log1p", X.Log1p, _unary(lambda rng, s: uniform(rng, s, -0.5, 2.0))),
    _entry("rsqrt", X.Rsqrt, _unary(_positive)),
    _entry("erfc", X.Erfc, _unary(lambda rng, s: uniform(rng, s, -4.0, 4.0))),
    OpInfo("special.erfcx", X.erfcx, _unary(lambda rng, s: uniform(rng, s, -3.0, 30.0)), (X.Erfcx,),
           torch_fn=lambda torch, x: torch.special.erfcx(x)),
    _entry("logaddexp", X.LogAddExp, _binary, broadcasts=True),
    _entry("logaddexp2", X.LogAddExp2, _binary, broadcasts=True),
    _entry("xlogy", X.Xlogy, _xlogy_samples, broadcasts=True),
]
