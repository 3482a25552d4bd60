"""Registry entries for the spatial ops: interpolate, grid_sample, affine_grid, unfold/fold,
pixel_shuffle/unshuffle, channel_shuffle, max_unpool, lp_pool, pad with negative widths, grouped-query attention.

Interpolation is linear in its input (smooth everywhere). grid_sample is piecewise smooth in
the grid: its weights bend where a point crosses a pixel centre, and 'border'/'reflection'
clamp at the edges, so the grid points here sit at pixel coordinates whose fractional part
lies in [0.2, 0.8], and inside the image for the clamping modes. lp_pool takes powers of
positive inputs only. max_unpool's indices come from max pooling evenly spaced values.
"""

import numpy as np

from ...ops import fold as FO
from ...ops.attention import scaled_dot_product_attention
from ...ops.grid_sample import affine_grid, grid_sample
from ...ops.interpolate import interpolate
from ...ops.lp_pool import lp_pool1d, lp_pool2d, lp_pool3d
from ...ops.pixel_shuffle import channel_shuffle, pixel_shuffle, pixel_unshuffle
from ...ops.padding import pad
from ...ops.unpool import max_unpool1d, max_unpool2d, max_unpool3d
from ..registry import OpInfo, Sample
from ..strategies import no_ties, positive, smooth_normal


def _torch(name):
    def fn(torch, *args, **kw):
        return getattr(torch.nn.functional, name)(*args, **kw)

    return fn


def _interpolate_samples(rng):
    def s(shape, **kw):
        return Sample((smooth_normal(rng, shape),), kw)

    return [
        s((2, 2, 5), size=8, mode="nearest"),
        s((2, 2, 4, 5), scale_factor=1.5, mode="nearest-exact"),
        s((2, 2, 5), scale_factor=0.6, mode="linear"),
        s((2, 2, 4, 5), size=(7, 3), mode="bilinear"),
        s((1, 2, 4, 5), scale_factor=2, mode="bilinear", align_corners=True),
        s((2, 2, 4, 5), size=(6, 9), mode="bicubic"),
        s((1, 2, 4, 5), scale_factor=(1.5, 0.7), mode="bicubic", align_corners=True),
        s((1, 2, 3, 4, 3), size=(5, 3, 4), mode="trilinear"),
        s((1, 2, 3, 4, 5), scale_factor=2, mode="nearest"),
        s((2, 2, 7, 6), size=(3, 4), mode="area"),
        s((2, 2, 5), scale_factor=1.7, mode="linear", recompute_scale_factor=True),
    ]


def _grid(rng, n, out, sizes, align_corners, low, high):
    """Normalised grid points whose pixel coordinates lie in [low, high] along each axis (sizes
    in D, H, W order) with fractional parts in [0.2, 0.8]: no kink within reach of a finite step."""
    coords = []
    for size in reversed(sizes):  # grid's last axis holds x (width) first
        base = rng.integers(int(np.floor(low(size))), int(np.ceil(high(size))), size=(n,) + out)
        pixel = base + rng.uniform(0.2, 0.8, size=base.shape)
        norm = pixel * 2 / (size - 1) - 1 if align_corners else (2 * pixel + 1) / size - 1
        coords.append(norm)
    return np.stack(coords, axis=-1)


def _grid_sample_samples(rng):
    samples = []
    settings = (("bilinear", "zeros", False), ("bilinear", "border", True), ("bilinear", "reflection", False),
                ("nearest", "zeros", True))
    bicubic = (("bicubic", "zeros", False), ("bicubic", "reflection", True))  # 16 taps a point: fewer points
    for shape, out, chosen in (((2, 2, 3, 4), (2, 2), settings), ((1, 1, 2, 3, 3), (2, 1, 2), settings[:3:2]),
                               ((1, 2, 3, 4), (1, 2), bicubic)):
        sizes = shape[2:]
        for mode, padding_mode, align_corners in chosen:
            outside = padding_mode == "zeros"
            grid = _grid(rng, shape[0], out, sizes, align_corners,
                         (lambda n: -2) if outside else (lambda n: 0), (lambda n: n + 1) if outside else
                         (lambda n: n - 1))
            samples.append(Sample((smooth_normal(rng, shape), grid),
                                  {"mode": mode, "padding_mode": padding_mode, "align_corners": align_corners},
                                  grad=(0,) if mode == "nearest" else None))
    return samples


def _affine_grid_samples(rng):
    return [Sample((smooth_normal(rng, (2, 2, 3)), (2, 3, 4, 5)), {"align_corners": False}),
            Sample((smooth_normal(rng, (2, 2, 3)), (2, 1, 1, 3)), {"align_corners": True}),
            Sample((smooth_normal(rng, (1, 3, 4)), (1, 1, 2, 3, 4)), {"align_corners": False})]


def _unfold_samples(rng):
    return [Sample((smooth_normal(rng, (2, 3, 5, 6)), (2, 3))),
            Sample((smooth_normal(rng, (1, 2, 6, 5)), 3), {"dilation": (1, 2), "padding": 1, "stride": (2, 1)}),
            Sample((smooth_normal(rng, (2, 4, 4)), 2), {"stride": 2})]  # unbatched


def _fold_samples(rng):
    return [Sample((smooth_normal(rng, (2, 12, 12)), (4, 5), 2)),
            Sample((smooth_normal(rng, (1, 18, 6)), (5, 6), 3), {"dilation": (1, 2), "padding": 1, "stride": 2}),
            Sample((smooth_normal(rng, (8, 9)), (4, 4), 2), {"stride": (1, 1)})]  # unbatched


def _pixel_shuffle_samples(rng):
    return [Sample((smooth_normal(rng, (2, 8, 2, 3)), 2)), Sample((smooth_normal(rng, (9, 2, 2)), 3)),
            Sample((smooth_normal(rng, (2, 1, 4, 1, 2)), 2))]


def _pixel_unshuffle_samples(rng):
    return [Sample((smooth_normal(rng, (2, 2, 4, 6)), 2)), Sample((smooth_normal(rng, (1, 6, 3)), 3))]


def _channel_shuffle_samples(rng):
    return [Sample((smooth_normal(rng, (2, 6, 3)), 2)), Sample((smooth_normal(rng, (1, 6, 2, 3)), 3))]


def _unpool_samples(rng, spatial):
    from ...ops import pooling as P
    from ...ops import pooling3d as P3
    from ...tensor import Tensor

    pool = {1: P.max_pool1d, 2: P.max_pool2d, 3: P3.max_pool3d}[spatial]
    # windows that do not overlap: with overlapping ones an element can win two windows, and then
    # unpooling writes it twice (the same value), so its derivative is not what PyTorch (and
    # minigrad) return; tests/test_unpool.py checks that case against torch instead
    cases = {1: [((2, 3, 8), 2, {}), ((2, 8), 2, {"stride": 3, "output_size": (9,)})],
             2: [((2, 2, 4, 6), 2, {}), ((2, 5, 5), 2, {"stride": 2, "padding": 1, "output_size": (5, 5)})],
             3: [((1, 2, 4, 4, 6), 2, {}), ((2, 4, 6, 4), (2, 3, 2), {"output_size": (5, 7, 4)})]}
    samples = []
    for shape, kernel, kw in cases[spatial]:
        pool_kw = {k: v for k, v in kw.items() if k != "output_size"}
        values, indices = pool(Tensor._make(no_ties(rng, shape)), kernel, return_indices=True, **pool_kw)
        samples.append(Sample((smooth_normal(rng, values.shape), np.asarray(indices.array), kernel), kw))
    return samples


def _lp_samples(rng, spatial):
    cases = {1: [((2, 3, 7), 2, 3, {}), ((2, 6), 1.5, 2, {"stride": 1})],
             2: [((2, 2, 5, 6), 2, (2, 3), {}), ((2, 5, 5), 3, 2, {"stride": 2, "ceil_mode": True})],
             3: [((1, 2, 4, 4, 3), 2, 2, {"stride": 1})]}[spatial]
    return [Sample((positive(rng, shape), p, k), kw) for shape, p, k, kw in cases]


def _pad_samples(rng):
    return [Sample((smooth_normal(rng, (2, 3, 5)), (-1, 2)), {"mode": m}) for m in ("reflect", "replicate",
                                                                                   "circular")] + \
        [Sample((smooth_normal(rng, (2, 2, 4, 5)), (2, -1, -1, 1)), {"mode": m}) for m in ("reflect", "circular")] + \
        [Sample((smooth_normal(rng, (1, 2, 3, 4, 5)), (1, -2, 0, 1, -1, 0)), {"mode": "replicate"}),
         Sample((smooth_normal(rng, (2, 6)), (3, -2)), {"mode": "reflect"})]


def _gqa_samples(rng):
    def s(q, k, v, **kw):
        return Sample((smooth_normal(rng, q), smooth_normal(rng, k), smooth_normal(rng, v)), dict(kw, enable_gqa=True))

    return [s((2, 4, 3, 5), (2, 2, 4, 5), (2, 2, 4, 3)), s((6, 3, 4), (2, 3, 4), (2, 3, 2), is_causal=True),
            s((1, 4, 2, 3), (1, 1, 2, 3), (1, 1, 2, 3), scale=0.7)]


ENTRIES = [
    OpInfo("interpolate", interpolate, _interpolate_samples, (), torch_fn=_torch("interpolate")),
    OpInfo("grid_sample", grid_sample, _grid_sample_samples, (), torch_fn=_torch("grid_sample")),
    OpInfo("affine_grid", affine_grid, _affine_grid_samples, (), torch_fn=_torch("affine_grid")),
    OpInfo("unfold", FO.unfold, _unfold_samples, (FO.Unfold, FO.Fold), torch_fn=_torch("unfold")),
    OpInfo("fold", FO.fold, _fold_samples, (FO.Fold, FO.Unfold), torch_fn=_torch("fold")),
    OpInfo("pixel_shuffle", pixel_shuffle, _pixel_shuffle_samples, (), torch_fn=_torch("pixel_shuffle")),
    OpInfo("pixel_unshuffle", pixel_unshuffle, _pixel_unshuffle_samples, (), torch_fn=_torch("pixel_unshuffle")),
    OpInfo("channel_shuffle", channel_shuffle, _channel_shuffle_samples, (), torch_fn=_torch("channel_shuffle")),
    OpInfo("max_unpool1d", max_unpool1d, lambda rng: _unpool_samples(rng, 1), (), torch_fn=_torch("max_unpool1d")),
    OpInfo("max_unpool2d", max_unpool2d, lambda rng: _unpool_samples(rng, 2), (), torch_fn=_torch("max_unpool2d")),
    OpInfo("max_unpool3d", max_unpool3d, lambda rng: _unpool_samples(rng, 3), (), torch_fn=_torch("max_unpool3d")),
    OpInfo("lp_pool1d", lp_pool1d, lambda rng: _lp_samples(rng, 1), (), torch_fn=_torch("lp_pool1d")),
    OpInfo("lp_pool2d", lp_pool2d, lambda rng: _lp_samples(rng, 2), (), torch_fn=_torch("lp_pool2d")),
    OpInfo("lp_pool3d", lp_pool3d, lambda rng: _lp_samples(rng, 3), (), torch_fn=_torch("lp_pool3d")),
    OpInfo("pad_negative", pad, _pad_samples, (), torch_fn=_torch("pad")),
    OpInfo("sdpa_gqa", scaled_dot_product_attention, _gqa_samples, (),
           torch_fn=_torch("scaled_dot_product_attention")),
]
