"""Padding layers: Zero, Constant, Reflection, Replication and Circular Pad 1d/2d/3d.

Each holds F.pad's padding tuple, (left, right) for the last dimension first, then (top,
bottom), then (front, back): an int pads every side alike. They call
``minigrad.ops.padding.pad``; a negative width crops.
"""

from ..errors import ArgumentError, ShapeError
from ..ops.padding import pad
from .module import Module


class _PadNd(Module):
    _spatial = 1
    _mode = "constant"

    def __init__(self, padding):
        super().__init__()
        n = 2 * self._spatial
        if isinstance(padding, (tuple, list)):
            if len(padding) != n:
                raise ArgumentError(f"{type(self).__name__}: padding must be an int or a tuple of {n} ints, "
                                    f"got {tuple(padding)}")
            self.padding = tuple(int(p) for p in padding)
        else:
            self.padding = (int(padding),) * n

    def forward(self, input):
        if input.ndim not in (self._spatial + 1, self._spatial + 2):
            raise ShapeError(f"{type(self).__name__}: expected a {self._spatial + 1}-D or {self._spatial + 2}-D "
                             f"input, got shape {tuple(input.shape)}")
        return pad(input, self.padding, mode=self._mode, value=getattr(self, "value", 0))

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dimension with ``value``: ConstantPad1d(padding, value).

    Composition: F.pad (no Function of its own).
    """

    _spatial = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dimensions with ``value``: ConstantPad2d(padding, value).

    Composition: F.pad (no Function of its own).
    """

    _spatial = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last three dimensions with ``value``: ConstantPad3d(padding, value).

    Composition: F.pad (no Function of its own).
    """

    _spatial = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    """Pad the last dimension with zeros.

    Composition: F.pad (no Function of its own).
    """

    _spatial = 1


class ZeroPad2d(_ZeroPadNd):
    """Pad the last two dimensions with zeros.

    Composition: F.pad (no Function of its own).
    """

    _spatial = 2


class ZeroPad3d(_ZeroPadNd):
    """Pad the last three dimensions with zeros.

    Composition: F.pad (no Function of its own).
    """

    _spatial = 3


class ReflectionPad1d(_PadNd):
    """Pad the last dimension with its mirror image, the edge not repeated (widths < its size).

    Composition: F.pad (no Function of its own).
    """

    _spatial, _mode = 1, "reflect"


class ReflectionPad2d(_PadNd):
    """Pad the last two dimensions with their mirror images.

    Composition: F.pad (no Function of its own).
    """

    _spatial, _mode = 2, "reflect"


class ReflectionPad3d(_PadNd):
    """Pad the last three dimensions with their mirror images.

    Composition: F.pad (no Function of its own).
    """

    _spatial, _mode = 3, "reflect"


class ReplicationPad1d(_PadNd):
    """Pad the last dimension by repeating its edge values.

    Composition: F.pad (no Function of its own).
    """

    _spatial, _mode = 1, "replicate"


class ReplicationPad2d(_PadNd):
    """Pad the last two dimensions by repeating their edges.

    Composition: F.pad (no Function of its own).
    """

    _spatial, _mode = 2, "replicate"


class ReplicationPad3d(_PadNd):
    """Pad the last three dimensions by repeating their edges.

    Composition: F.pad (no Function of its own).
    """

    _spatial, _mode = 3, "replicate"


class CircularPad1d(_PadNd):
    """Pad the last dimension by wrapping around (the end continues from the start).

    Composition: F.pad (no Function of its own).
    """

    _spatial, _mode = 1, "circular"


class CircularPad2d(_PadNd):
    """Pad the last two dimensions by wrapping around.

    Composition: F.pad (no Function of its own).
    """

    _spatial, _mode = 2, "circular"


class CircularPad3d(_PadNd):
    """Pad the last three dimensions by wrapping around.

    Composition: F.pad (no Function of its own).
    """

    _spatial, _mode = 3, "circular"
