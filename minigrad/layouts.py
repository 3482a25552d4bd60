"""Layouts: how a tensor's elements are stored (PyTorch's ``torch.layout``).

- ``strided``: every element in one dense array (an ordinary Tensor);
- ``sparse_coo``: only the specified elements, as coordinates and values (a sparse COO tensor,
  minigrad/sparse/coo_tensor.py).

``t.layout`` is one of these two objects; compare with ``is`` or ``==``. Their repr names
them as the package does ("minigrad.sparse_coo"), like the dtypes' and Size's.
"""


class PackageConstant:
    """A named object the package holds one of (``minigrad.strided``, ``minigrad.channels_last``):
    it prints as its package name and pickles (copies, deep copies) as that one instance."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"minigrad.{self.name}"

    def __reduce__(self):  # (the module attribute of that name: the one instance)
        return self.name


class layout(PackageConstant):
    """A storage layout; only the two module-level instances exist."""

    __slots__ = ()


strided = layout("strided")
sparse_coo = layout("sparse_coo")
