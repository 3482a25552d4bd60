"""Registry entries for minigrad/ops/rounding.py.

Rounding functions are checked away from their jumps: inputs are k + u with k an integer and
u in [0.1, 0.4] or [0.6, 0.9], so neither integers nor halves (round's jumps) are near. The
remainders get x = y * (k + u): x / y is never near an integer, where fmod and remainder jump.
"""

import numpy as np

from ...ops import rounding as R
from ..registry import OpInfo, Sample
from ..strategies import away_from, positive, smooth_normal


def _off_grid(rng, shape, scale=1.0):
    """k + u, u in [0.1, 0.4] or [0.6, 0.9] (either sign), times ``scale``."""
    k = rng.integers(-4, 5, size=shape)
    u = rng.uniform(0.1, 0.4, size=shape) + rng.choice([0.0, 0.5], size=shape)
    return np.asarray((k + u) * scale, dtype=np.float64)


def _rounding_samples(scale=1.0):
    def samples(rng):
        return [Sample((_off_grid(rng, (3, 4), scale),)), Sample((_off_grid(rng, (2, 3, 2), scale),)),
                Sample((_off_grid(rng, (), scale),))]

    return samples


def _sign_samples(rng):
    return [Sample((away_from(smooth_normal(rng, (3, 4)), (0.0,), 0.2),)),
            Sample((away_from(smooth_normal(rng, (5,)), (0.0,), 0.2),))]


def _divisor(rng, shape):
    return positive(rng, shape) * rng.choice([-1.0, 1.0], size=shape)


def _division_samples(rng):
    """x = q * y with q off the integers, so x / y is too (y broadcasts against x's shape)."""
    samples = []
    for sx, sy in (((3, 4), (3, 4)), ((2, 3, 4), (4,)), ((2, 3, 4), (3, 1))):
        y = _divisor(rng, sy)
        samples.append(Sample((_off_grid(rng, sx) * y, y)))
    samples.append(Sample((_off_grid(rng, (2, 3)) * 1.5, 1.5)))
    return samples


def _copysign_samples(rng):
    def off_zero(shape):
        return away_from(smooth_normal(rng, shape), (0.0,), 0.2)

    return [Sample((off_zero((3, 4)), off_zero((3, 4)))), Sample((off_zero((2, 3, 4)), off_zero((4,)))),
            Sample((off_zero((2, 3)), -1.5))]


def _round_decimals(torch, x, decimals=0):
    return torch.round(x, decimals=decimals)


ENTRIES = [
    OpInfo("floor", R.floor, _rounding_samples(), (R.Rounding,), torch_fn=lambda torch, x: torch.floor(x)),
    OpInfo("ceil", R.ceil, _rounding_samples(), (R.Rounding,), torch_fn=lambda torch, x: torch.ceil(x)),
    OpInfo("trunc", R.trunc, _rounding_samples(), (R.Rounding,), torch_fn=lambda torch, x: torch.trunc(x)),
    OpInfo("round", R.round, _rounding_samples(), (R.Rounding,), torch_fn=lambda torch, x: torch.round(x)),
    OpInfo("round_decimals", lambda x: R.round(x, decimals=1), _rounding_samples(0.1), (R.Rounding,),
           torch_fn=lambda torch, x: torch.round(x, decimals=1)),
    OpInfo("frac", R.frac, _rounding_samples(), (R.Rounding,), torch_fn=lambda torch, x: torch.frac(x)),
    OpInfo("sign", R.sign, _sign_samples, (R.Rounding,), torch_fn=lambda torch, x: torch.sign(x)),
    OpInfo("copysign", R.copysign, _copysign_samples, (R.Copysign,), broadcasts=True,
           torch_fn=lambda torch, x, y: torch.copysign(x, y)),
    OpInfo("fmod", R.fmod, _division_samples, (R.Fmod,), torch_fn=lambda torch, x, y: torch.fmod(x, y)),
    OpInfo("remainder", R.remainder, _division_samples, (R.Remainder,),
           torch_fn=lambda torch, x, y: torch.remainder(x, y)),
    OpInfo("div_trunc", lambda x, y: R.rounded_div(x, y, "trunc"), _division_samples, (R.RoundedDiv,),
           torch_fn=lambda torch, x, y: torch.div(x, y, rounding_mode="trunc")),
    OpInfo("floor_divide", R.floor_divide, _division_samples, (R.RoundedDiv,),
           torch_fn=lambda torch, x, y: torch.div(x, y, rounding_mode="floor"),
           notes="torch.floor_divide has no backward; torch.div(rounding_mode=\"floor\") is its differentiable twin"),
]
