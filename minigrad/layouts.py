"""Layouts: how a tensor's elements are stored (PyTorch's ``torch.layout``).

- ``strided``: every element in one dense array (an ordinary Tensor);
- ``sparse_coo``: only the specified elements, as coordinates and values (a sparse COO tensor,
  minigrad/sparse/coo_tensor.py).

``t.layout`` is one of these two objects; compare with ``is`` or ``==``. Their repr names
them as the package does ("minigrad.sparse_coo"), like the dtypes' and Size's.
"""


class layout:
    """A storage layout; only the two module-level instances exist."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"minigrad.{self.name}"

    def __reduce__(self):  # pickling (copy, deepcopy) keeps the one instance
        return self.name


strided = layout("strided")
sparse_coo = layout("sparse_coo")
