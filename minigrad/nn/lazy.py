"""Lazy layers: the input size is read off the first input (PyTorch's ``nn.LazyConv2d``,
``nn.LazyBatchNorm2d``, ``nn.LazyInstanceNorm2d``, ...; ``nn.LazyLinear`` is in linear.py).

    conv = nn.LazyConv2d(16, 3)      # in_channels unknown yet
    y = conv(torch.randn(8, 3, 32, 32))   # now a Conv2d(3, 16, 3): weight (16, 3, 3, 3)

Until the first forward the parameters (and buffers) are placeholders, PyTorch's
``nn.UninitializedParameter`` and ``nn.UninitializedBuffer`` (nn/parameter.py), holding no
elements along the unknown size. That call materializes them in place (the same objects, so
an optimizer built before still trains them; now plain Parameters), initialises them as the
plain layer does, and turns the module into that layer (``cls_to_become``). Load a
state_dict after that first call: before it, the shapes do not match.
"""

import inspect

from ..errors import ArgumentError, ShapeError
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d
from .parameter import Parameter, UninitializedBuffer, UninitializedParameter


def _doc(base, what):
    """The lazy layer's docstring, ending with the plain layer's 'Function:' line."""
    line = next(l for l in inspect.cleandoc(base.__doc__).splitlines() if l.startswith(("Function:", "Composition:")))
    return f"A {base.__name__} whose {what} is read off its first input (see the module docstring).\n\n{line}"


def _channels(module, x, unbatched_ndim=None):
    """The channel count of x: dimension 1 of a batch, 0 of one unbatched sample (a conv's
    input with ``unbatched_ndim`` dimensions)."""
    name = type(module).__name__
    ndims = module._input_dims
    if x.ndim not in ndims:
        raise ShapeError(f"{name}: expected a {' or '.join(map(str, ndims))}-D input, got shape {tuple(x.shape)}")
    return x.shape[0] if x.ndim == unbatched_ndim else x.shape[1]


def mark_uninitialized(module, *names):
    """Put UninitializedParameter / UninitializedBuffer placeholders in the places ``names``
    (in the registries themselves, so the state_dict order stays). They keep the zero-size
    arrays the plain layer's __init__ made, whose shapes show which size is unknown."""
    for name in names:
        t = getattr(module, name)
        if t is None:
            continue
        if isinstance(t, Parameter):
            lazy = module._parameters[name] = UninitializedParameter(t.requires_grad, t.device, t.dtype)
        else:
            lazy = module._buffers[name] = UninitializedBuffer(
                t.requires_grad, t.device, t.dtype, persistent=name not in module._non_persistent_buffers)
        lazy.array = t.array


class _LazyConv:
    """in_channels read off the first input; see the module docstring."""

    def reset_parameters(self):
        if self.in_channels:  # nothing to initialise before the shape is known
            super().reset_parameters()

    def forward(self, x):
        c = _channels(self, x, unbatched_ndim=self._spatial + 1)
        if c % self.groups:
            raise ArgumentError(f"{type(self).__name__}: the input's {c} channels must be divisible by "
                                f"groups ({self.groups})")
        self.in_channels = c
        if self._transposed:
            self.weight.materialize((c, self.out_channels // self.groups, *self.kernel_size))
        else:
            self.weight.materialize((self.out_channels, c // self.groups, *self.kernel_size))
        if self.bias is not None:
            self.bias.materialize((self.out_channels,))
        self.__class__ = self.cls_to_become
        self.reset_parameters()
        return self.forward(x)


def _lazy_conv(base, transposed):
    spatial = base._spatial

    if transposed:
        def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True,
                     dilation=1, padding_mode="zeros", device=None, dtype=None):
            base.__init__(self, 0, out_channels, kernel_size, stride, padding, output_padding, groups, bias, dilation,
                          padding_mode, device, dtype)
            mark_uninitialized(self, "weight", "bias")
    else:
        def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                     padding_mode="zeros", device=None, dtype=None):
            base.__init__(self, 0, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode,
                          device, dtype)
            mark_uninitialized(self, "weight", "bias")
    name = "Lazy" + base.__name__
    return type(name, (_LazyConv, base), {
        "__init__": __init__, "cls_to_become": base, "_input_dims": (spatial + 1, spatial + 2),
        "__module__": __name__, "__qualname__": name,
        "__doc__": _doc(base, "in_channels")})


LazyConv1d, LazyConv2d, LazyConv3d = (_lazy_conv(b, False) for b in (Conv1d, Conv2d, Conv3d))
LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d = (
    _lazy_conv(b, True) for b in (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d))


class _LazyNorm:
    """num_features read off the first input; see the module docstring."""

    def reset_parameters(self):
        if self.num_features:
            super().reset_parameters()

    def forward(self, x):
        c = _channels(self, x, self._unbatched_ndim)
        self.num_features = c
        for t in (self.weight, self.bias, self.running_mean, self.running_var):
            if t is not None:
                t.materialize((c,))
        self.__class__ = self.cls_to_become
        self.reset_parameters()
        return self.forward(x)


def _lazy_norm(base, dims, unbatched_ndim=None):
    """The lazy form of a batch or instance norm. Both default to affine=True and
    track_running_stats=True, as PyTorch's lazy norms do (InstanceNorm's own defaults are False).
    An instance norm's input may lack the batch axis (``unbatched_ndim``): its channels are then
    dimension 0 (PyTorch reads dimension 1 there, and fails)."""
    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *,
                 bias=True):
        base.__init__(self, 0, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)
        mark_uninitialized(self, "weight", "bias", "running_mean", "running_var")

    name = "Lazy" + base.__name__
    return type(name, (_LazyNorm, base), {
        "__init__": __init__, "cls_to_become": base, "_input_dims": dims, "_unbatched_ndim": unbatched_ndim,
        "__module__": __name__, "__qualname__": name, "__doc__": _doc(base, "num_features")})


LazyBatchNorm1d = _lazy_norm(BatchNorm1d, (2, 3))
LazyBatchNorm2d = _lazy_norm(BatchNorm2d, (4,))
LazyBatchNorm3d = _lazy_norm(BatchNorm3d, (5,))
LazyInstanceNorm1d = _lazy_norm(InstanceNorm1d, (2, 3), unbatched_ndim=2)
LazyInstanceNorm2d = _lazy_norm(InstanceNorm2d, (3, 4), unbatched_ndim=3)
LazyInstanceNorm3d = _lazy_norm(InstanceNorm3d, (4, 5), unbatched_ndim=4)
