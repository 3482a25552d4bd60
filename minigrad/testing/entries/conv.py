"""Registry entries for minigrad/ops/conv.py and conv3d.py.

Convolutions are bilinear, so smooth everywhere: plain normal samples. The shapes are small
(full-Jacobian gradient checks) but cover stride, padding (ints, 'same', 'valid'), dilation,
groups, odd sizes, kernels larger than the stride and unbatched inputs. conv2d's gradgradcheck
runs through all three Functions (Conv2d -> ConvTranspose2d + Conv2dGradWeight -> Conv2d ...);
``conv2d_weight`` checks Conv2dGradWeight on its own against torch.nn.grad.conv2d_weight.
"""

from ...ops import conv as C
from ...ops.conv3d import conv3d, conv_transpose3d
from ..registry import OpInfo, Sample
from ..strategies import smooth_normal


def _conv2d_samples(rng):
    def s(x, w, bias=True, **kw):
        args = (smooth_normal(rng, x), smooth_normal(rng, w)) + ((smooth_normal(rng, (w[0],)),) if bias else ())
        return Sample(args, kw)

    return [
        s((2, 3, 5, 5), (4, 3, 3, 3)),
        s((2, 2, 6, 5), (3, 2, 3, 2), stride=2, padding=1),  # odd sizes, kernel larger than the stride
        s((1, 4, 7, 6), (4, 2, 3, 3), bias=False, stride=(2, 1), padding=(1, 2), dilation=(2, 1), groups=2),
        s((2, 3, 5, 4), (3, 1, 2, 3), padding="same", dilation=2, groups=3),  # depthwise, uneven 'same'
        s((2, 2, 4, 5), (2, 2, 4, 4), padding="valid", stride=3),
        s((3, 5, 5), (2, 3, 3, 3), bias=False),  # unbatched
    ]


def _conv1d_samples(rng):
    def s(x, w, bias=True, **kw):
        args = (smooth_normal(rng, x), smooth_normal(rng, w)) + ((smooth_normal(rng, (w[0],)),) if bias else ())
        return Sample(args, kw)

    return [
        s((2, 3, 7), (4, 3, 3)),
        s((2, 4, 9), (4, 2, 4), stride=2, padding=2, dilation=2, groups=2),
        s((2, 2, 6), (3, 2, 4), bias=False, padding="same"),
    ]


def _conv_transpose2d_samples(rng):
    def s(x, w, bias=True, **kw):
        groups = kw.get("groups", 1)
        b = (smooth_normal(rng, (w[1] * groups,)),) if bias else ()
        return Sample((smooth_normal(rng, x), smooth_normal(rng, w)) + b, kw)

    return [
        s((2, 3, 4, 3), (3, 2, 3, 3)),
        s((2, 4, 3, 4), (4, 1, 3, 2), stride=2, padding=1, output_padding=1, groups=2),
        s((1, 2, 3, 3), (2, 3, 2, 3), bias=False, stride=(1, 3), padding=(0, 1), output_padding=(0, 2),
          dilation=(2, 1)),
        s((2, 3, 3), (2, 2, 3, 3), bias=False),  # unbatched
    ]


def _conv_transpose1d_samples(rng):
    return [Sample((smooth_normal(rng, (2, 4, 5)), smooth_normal(rng, (4, 1, 3)), smooth_normal(rng, (2,))),
                   {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2})]


def _conv3d_samples(rng):
    def s(x, w, bias=True, **kw):
        args = (smooth_normal(rng, x), smooth_normal(rng, w)) + ((smooth_normal(rng, (w[0],)),) if bias else ())
        return Sample(args, kw)

    return [
        s((2, 2, 3, 4, 3), (3, 2, 2, 2, 2)),
        s((1, 4, 4, 3, 5), (2, 2, 2, 3, 2), bias=False, stride=(2, 1, 2), padding=(1, 1, 0), dilation=(1, 1, 2),
          groups=2),
        s((2, 3, 3, 4), (2, 2, 3, 2, 1), padding="same"),  # unbatched, uneven 'same'
    ]


def _conv_transpose3d_samples(rng):
    return [
        Sample((smooth_normal(rng, (2, 2, 2, 3, 2)), smooth_normal(rng, (2, 3, 2, 2, 3)), smooth_normal(rng, (3,)))),
        Sample((smooth_normal(rng, (1, 4, 2, 2, 3)), smooth_normal(rng, (4, 1, 3, 2, 2))),
               {"stride": (2, 1, 2), "padding": (1, 0, 1), "output_padding": (1, 0, 1), "groups": 2}),
    ]


def conv2d_weight(x, gy, kernel_size, stride=1, padding=0, dilation=1, groups=1):
    """Conv2dGradWeight called directly: dL/dw of conv2d(x, w) for the output gradient gy."""
    pair = C._pair
    stride, dilation = pair(stride, "stride", "conv2d_weight"), pair(dilation, "dilation", "conv2d_weight")
    padding = tuple((p, p) for p in pair(padding, "padding", "conv2d_weight"))
    return C.Conv2dGradWeight.apply(x, gy, kernel=tuple(kernel_size), stride=stride, padding=padding,
                                    dilation=dilation, groups=groups)


def _grad_weight_samples(rng):
    return [
        Sample((smooth_normal(rng, (2, 2, 5, 5)), smooth_normal(rng, (2, 3, 3, 3))), {"kernel_size": (3, 3)}),
        Sample((smooth_normal(rng, (2, 4, 6, 5)), smooth_normal(rng, (2, 2, 3, 3))),
               {"kernel_size": (2, 2), "stride": 2, "padding": 1, "dilation": (2, 1), "groups": 2}),
    ]


def _torch_weight(torch, x, gy, kernel_size, stride=1, padding=0, dilation=1, groups=1):
    shape = (gy.shape[1], x.shape[1] // groups) + tuple(kernel_size)
    return torch.nn.grad.conv2d_weight(x, shape, gy, stride, padding, dilation, groups)


def _torch_conv(name):
    def fn(torch, *args, **kw):
        return getattr(torch.nn.functional, name)(*args, **kw)

    return fn


ENTRIES = [
    OpInfo("conv2d", C.conv2d, _conv2d_samples, (C.Conv2d, C.ConvTranspose2d, C.Conv2dGradWeight),
           torch_fn=_torch_conv("conv2d")),
    OpInfo("conv1d", C.conv1d, _conv1d_samples, (C.Conv2d, C.ConvTranspose2d, C.Conv2dGradWeight),
           torch_fn=_torch_conv("conv1d")),
    OpInfo("conv_transpose2d", C.conv_transpose2d, _conv_transpose2d_samples,
           (C.ConvTranspose2d, C.Conv2d, C.Conv2dGradWeight), torch_fn=_torch_conv("conv_transpose2d")),
    OpInfo("conv_transpose1d", C.conv_transpose1d, _conv_transpose1d_samples,
           (C.ConvTranspose2d, C.Conv2d, C.Conv2dGradWeight), torch_fn=_torch_conv("conv_transpose1d")),
    OpInfo("conv3d", conv3d, _conv3d_samples, (C.Conv2d, C.ConvTranspose2d, C.Conv2dGradWeight),
           torch_fn=_torch_conv("conv3d")),
    OpInfo("conv_transpose3d", conv_transpose3d, _conv_transpose3d_samples,
           (C.ConvTranspose2d, C.Conv2d, C.Conv2dGradWeight), torch_fn=_torch_conv("conv_transpose3d")),
    OpInfo("conv2d_weight", conv2d_weight, _grad_weight_samples, (C.Conv2dGradWeight, C.Conv2d, C.ConvTranspose2d),
           torch_fn=_torch_weight),
]
