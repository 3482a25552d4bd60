"""Registry entries for minigrad/ops/pooling.py, pooling3d.py and adaptive_pooling.py.

Max pooling is only differentiable where each window has a unique maximum, so its samples
are permutations of evenly spaced values (``no_ties``): every pair differs by far more than
the finite-difference step, and no arg-max moves. Average and adaptive pooling are linear.
max_pool's gradgradcheck runs its backward (MaxPoolScatter) and that one's gradient
(MaxPoolGather); avg_pool's runs WindowSum and WindowSumTranspose both ways.
"""

from ...ops import adaptive_pooling as A
from ...ops import pooling as P
from ...ops import pooling3d as P3
from ..registry import OpInfo, Sample
from ..strategies import no_ties, smooth_normal


def _max_samples(rng):
    def s(shape, *args, **kw):
        return Sample((no_ties(rng, shape),) + args, kw)

    return [
        s((2, 3, 4, 4), 2),  # kernel == stride
        s((2, 2, 5, 7), 3, 2, 1),  # overlapping windows, padding, odd sizes
        s((1, 2, 5, 6), (2, 3), (1, 2), (1, 1), (2, 1)),  # dilation
        s((2, 2, 5, 5), 2, ceil_mode=True),
        s((2, 5, 6), 3, 2, 1, ceil_mode=True),  # unbatched
    ]


def _max1d_samples(rng):
    return [Sample((no_ties(rng, (2, 3, 9)), 3, 2, 1)), Sample((no_ties(rng, (2, 2, 8)), 2), {"dilation": 2})]


def _avg_samples(rng):
    def s(shape, *args, **kw):
        return Sample((smooth_normal(rng, shape),) + args, kw)

    return [
        s((2, 3, 4, 4), 2),
        s((2, 2, 5, 7), 3, 2, 1),
        s((2, 2, 5, 7), 3, 2, 1, count_include_pad=False),
        s((1, 2, 5, 6), (2, 3), (1, 2), ceil_mode=True, padding=1),
        s((1, 2, 5, 6), 3, 2, 1, ceil_mode=True, count_include_pad=False),
        s((2, 4, 4), 3, 1, divisor_override=4),
    ]


def _avg1d_samples(rng):
    return [Sample((smooth_normal(rng, (2, 3, 9)), 3, 2, 1)),
            Sample((smooth_normal(rng, (2, 2, 8)), 3), {"ceil_mode": True, "count_include_pad": False})]


def _adaptive_samples(rng):
    return [Sample((smooth_normal(rng, (2, 3, 5, 7)), o)) for o in (1, (2, 3), (3, None), (4, 5))] + \
        [Sample((smooth_normal(rng, (3, 6, 4)), (4, 3)))]


def _adaptive1d_samples(rng):
    return [Sample((smooth_normal(rng, (2, 3, 7)), o)) for o in (1, 3, 5)]


def _max3d_samples(rng):
    return [Sample((no_ties(rng, (2, 2, 4, 4, 4)), 2)),
            Sample((no_ties(rng, (1, 2, 5, 4, 6)), (3, 2, 3), (2, 1, 2), 1), {"ceil_mode": True}),
            Sample((no_ties(rng, (2, 4, 5, 5)), 2), {"dilation": (1, 2, 1)})]  # unbatched


def _avg3d_samples(rng):
    return [Sample((smooth_normal(rng, (2, 2, 4, 4, 4)), 2)),
            Sample((smooth_normal(rng, (1, 2, 5, 4, 6)), (3, 2, 3), (2, 1, 2), 1),
                   {"ceil_mode": True, "count_include_pad": False}),
            Sample((smooth_normal(rng, (2, 3, 4, 5)), 2), {"divisor_override": 3})]


def _adaptive3d_samples(rng):
    return [Sample((smooth_normal(rng, (2, 2, 5, 4, 7)), o)) for o in (1, (2, 3, 4), (None, 3, 2))]


def _adaptive_max_samples(rng, spatial):
    shapes = {1: [((2, 3, 7), 3), ((3, 8), 5)],
              2: [((2, 2, 5, 7), (2, 3)), ((2, 6, 5), (4, None)), ((1, 2, 4, 4), 1)],
              3: [((1, 2, 5, 4, 6), (2, 3, 4)), ((2, 3, 4, 5), (None, 2, 3))]}[spatial]
    return [Sample((no_ties(rng, shape), o)) for shape, o in shapes]


def _torch(name):
    def fn(torch, *args, **kw):
        return getattr(torch.nn.functional, name)(*args, **kw)

    return fn


ENTRIES = [
    OpInfo("max_pool2d", P.max_pool2d, _max_samples, (P.MaxPool2d, P.MaxPoolScatter, P.MaxPoolGather),
           torch_fn=_torch("max_pool2d")),
    OpInfo("max_pool1d", P.max_pool1d, _max1d_samples, (P.MaxPool2d, P.MaxPoolScatter, P.MaxPoolGather),
           torch_fn=_torch("max_pool1d")),
    OpInfo("avg_pool2d", P.avg_pool2d, _avg_samples, (P.WindowSum, P.WindowSumTranspose),
           torch_fn=_torch("avg_pool2d")),
    OpInfo("avg_pool1d", P.avg_pool1d, _avg1d_samples, (P.WindowSum, P.WindowSumTranspose),
           torch_fn=_torch("avg_pool1d")),
    OpInfo("max_pool3d", P3.max_pool3d, _max3d_samples, (P.MaxPool2d, P.MaxPoolScatter, P.MaxPoolGather),
           torch_fn=_torch("max_pool3d")),
    OpInfo("avg_pool3d", P3.avg_pool3d, _avg3d_samples, (P.WindowSum, P.WindowSumTranspose),
           torch_fn=_torch("avg_pool3d")),
    OpInfo("adaptive_avg_pool3d", A.adaptive_avg_pool3d, _adaptive3d_samples, (),
           torch_fn=_torch("adaptive_avg_pool3d")),
] + [
    OpInfo(f"adaptive_max_pool{n}d", getattr(A, f"adaptive_max_pool{n}d"),
           lambda rng, n=n: _adaptive_max_samples(rng, n), (), torch_fn=_torch(f"adaptive_max_pool{n}d"))
    for n in (1, 2, 3)
] + [
    OpInfo("adaptive_avg_pool2d", A.adaptive_avg_pool2d, _adaptive_samples, (), torch_fn=_torch("adaptive_avg_pool2d")),
    OpInfo("adaptive_avg_pool1d", A.adaptive_avg_pool1d, _adaptive1d_samples, (),
           torch_fn=_torch("adaptive_avg_pool1d")),
]
