"""``Size``: a tensor's shape as PyTorch gives it, a tuple of sizes with ``numel()``."""


class Size(tuple):
    """What ``Tensor.shape`` and ``Tensor.size()`` return (PyTorch's ``torch.Size``).

    A tuple, equal to the plain tuple of the same sizes, so ``x.shape == (2, 3)`` holds and
    NumPy takes it as a shape. Adding a tuple to it gives a Size again, and so does a slice of it
    (``x.shape[1:].numel()``).
    """

    __slots__ = ()

    def numel(self):
        """The number of elements a tensor of this shape holds (1 for the 0-d shape)."""
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, index):
        try:
            part = tuple.__getitem__(self, index)
        except IndexError:  # (an IndexError still, as a tuple's)
            from .errors import IndexOutOfRange

            raise IndexOutOfRange(f"Size: index {index} is out of range for a shape of {len(self)} "
                                  f"dimensions {list(self)}") from None
        return Size(part) if isinstance(index, slice) else part

    def __add__(self, other):
        return Size(tuple.__add__(self, other))

    def __repr__(self):
        return f"minigrad.Size({list(self)})"
