"""Lazy layers: the input size is read off the first input (PyTorch's ``nn.LazyConv2d``,
``nn.LazyBatchNorm2d``, ...; ``nn.LazyLinear`` is in linear.py).

    conv = nn.LazyConv2d(16, 3)      # in_channels unknown yet
    y = conv(torch.randn(8, 3, 32, 32))   # now a Conv2d(3, 16, 3): weight (16, 3, 3, 3)

Until the first forward the parameters (and buffers) hold no elements along the unknown
size. That call gives them their shapes in place (the same Parameter objects, so an
optimizer built before still trains them), initialises them as the plain layer does, and
turns the module into that layer (``cls_to_become``). Load a state_dict after that first
call: before it, the shapes do not match.
"""

import inspect

from .. import creation
from ..errors import ArgumentError, ShapeError
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d


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


def _refill(tensor, *shape):
    """Give a parameter or buffer a new (uninitialised) array of ``shape``, in place."""
    tensor.data = creation.empty(*shape, dtype=tensor.dtype, device=tensor.device)


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
            _refill(self.weight, c, self.out_channels // self.groups, *self.kernel_size)
        else:
            _refill(self.weight, self.out_channels, c // self.groups, *self.kernel_size)
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
    else:
        def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                     padding_mode="zeros", device=None, dtype=None):
            base.__init__(self, 0, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode,
                          device, dtype)
    name = "Lazy" + base.__name__
    return type(name, (_LazyConv, base), {
        "__init__": __init__, "cls_to_become": base, "_input_dims": (spatial + 1, spatial + 2),
        "__module__": __name__, "__qualname__": name,
        "__doc__": _doc(base, "in_channels")})


LazyConv1d, LazyConv2d, LazyConv3d = (_lazy_conv(b, False) for b in (Conv1d, Conv2d, Conv3d))
LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d = (
    _lazy_conv(b, True) for b in (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d))


class _LazyBatchNorm:
    """num_features read off the first input; see the module docstring."""

    def reset_parameters(self):
        if self.num_features:
            super().reset_parameters()

    def forward(self, x):
        c = _channels(self, x)
        self.num_features = c
        for t in (self.weight, self.bias, self.running_mean, self.running_var):
            if t is not None:
                _refill(t, c)
        self.__class__ = self.cls_to_become
        self.reset_parameters()
        return self.forward(x)


def _lazy_norm(base, dims):
    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None):
        base.__init__(self, 0, eps, momentum, affine, track_running_stats, device, dtype)

    name = "Lazy" + base.__name__
    return type(name, (_LazyBatchNorm, base), {
        "__init__": __init__, "cls_to_become": base, "_input_dims": dims, "__module__": __name__, "__qualname__": name,
        "__doc__": _doc(base, "num_features")})


LazyBatchNorm1d = _lazy_norm(BatchNorm1d, (2, 3))
LazyBatchNorm2d = _lazy_norm(BatchNorm2d, (4,))
LazyBatchNorm3d = _lazy_norm(BatchNorm3d, (5,))
