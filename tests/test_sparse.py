"""Sparse COO tensors (minigrad/sparse, ops/sparse_products.py): construction and its checks,
the tensor's facts and repr, coalesce, conversions, arithmetic, sums, softmax, the products and
their gradients, against PyTorch in float64; the errors; and a small GCN (pytorch/examples'
gcn/main.py) trained for a few Adam steps from the same weights in both libraries. Gradcheck,
gradgradcheck, float32 and the GPU on the registry's samples are tests/test_registry.py's."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import (ArgumentRuntimeError, DeviceError, DTypeRuntimeError, IndexRuntimeError, MinigradError,
                             NotSupported, ShapeError)
from minigrad.sparse import SparseCooTensor

INDICES = [[1, 0, 1, 2, 0], [0, 2, 0, 1, 1]]  # (1, 0) twice: an uncoalesced tensor
VALUES = [1.0, 2.0, 3.0, 4.0, -5.0]
SIZE = (3, 4)

# torch warns on every sparse_coo_tensor made without check_invariants (the example's are)
pytestmark = pytest.mark.filterwarnings("ignore:Sparse invariant checks:UserWarning")


def close(a, b, tol=1e-12):
    a = a.to_dense() if a.is_sparse else a
    b = b.to_dense() if b.is_sparse else b
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=tol, atol=tol)


def both(torch, indices=INDICES, values=VALUES, size=SIZE, requires_grad=False, dtype=np.float64):
    """The same sparse tensor (float64 by default) in minigrad and in torch, and its values tensors."""
    v = mg.tensor(np.asarray(values, dtype=dtype), requires_grad=requires_grad)
    tv = torch.tensor(np.asarray(values, dtype=dtype), requires_grad=requires_grad)
    s = mg.sparse_coo_tensor(indices, v, size)
    ts = torch.sparse_coo_tensor(torch.tensor(indices), tv, size, check_invariants=True)
    return s, ts, v, tv


def same_coo(s, ts):
    """Same indices, values, size, nnz and coalesced flag."""
    assert tuple(s.shape) == tuple(ts.shape) and s._nnz() == ts._nnz()
    assert s.is_coalesced() == ts.is_coalesced()
    np.testing.assert_array_equal(s._indices().numpy(), ts._indices().numpy())
    np.testing.assert_allclose(s._values().numpy(), ts._values().detach().numpy(), rtol=1e-12, atol=1e-12)


# ---- the dense path keeps its meaning ---------------------------------------------------------------
def test_dense_tensors_are_strided():
    x = mg.ones(2, 3)
    assert x.layout is mg.strided and not x.is_sparse and x.to_dense() is x
    assert x.layout is mg.strided and mg.Tensor.layout is mg.strided and repr(mg.strided) == "minigrad.strided"
    assert isinstance(mg.sparse_coo, mg.layout) and repr(mg.sparse_coo) == "minigrad.sparse_coo"
    assert hasattr(mg, "sparse") and hasattr(mg.Tensor, "to_sparse")  # scripts/api_coverage.py counts them


# ---- construction -----------------------------------------------------------------------------------
@pytest.mark.torch
def test_construction_and_facts_like_torch(torch):
    s, ts, _, _ = both(torch)
    same_coo(s, ts)
    assert isinstance(s, mg.Tensor) and mg.is_tensor(s) and s.is_sparse and s.layout is mg.sparse_coo
    assert (s.sparse_dim(), s.dense_dim(), s.dim(), s.ndim, s.numel(), len(s)) == \
        (ts.sparse_dim(), ts.dense_dim(), ts.dim(), ts.ndim, ts.numel(), len(ts))
    assert s.size() == (3, 4) and s.size(1) == 4 and s.dtype == mg.float64 and s.device.type == "cpu"
    assert s.type() == "torch.sparse.DoubleTensor" == ts.type()
    close(s, ts)


@pytest.mark.torch
def test_construction_variants_like_torch(torch):
    cases = [  # (indices, values, size, kwargs)
        (INDICES, VALUES, None, {}),  # size inferred from the largest indices
        ([[0, 2]], [[1.0, 2.0], [3.0, 4.0]], None, {}),  # hybrid: one sparse dim, one dense
        ([[0, 1]], [1, 2], (3,), {}),  # int64 values
        ([[0, 1]], [1.0, 2.0], (3,), {"dtype": "float64"}),
        (np.array([[0, 1], [2, 0]], dtype=np.int32), np.ones(2, dtype=np.float32), (2, 3), {"dtype": "int64"}),
        (np.zeros((2, 0), dtype=np.int64), np.zeros(0), (2, 2), {}),  # no entries
        ([[1]], [2.0], (3,), {}),  # one entry: coalesced already
        ([[1, 0]], [2.0, 1.0], (3,), {"is_coalesced": False}),
    ]
    for indices, values, size, kw in cases:
        tkw = {k: getattr(torch, v) if k == "dtype" else v for k, v in kw.items()}
        sized = () if size is None else (size,)
        s = mg.sparse_coo_tensor(indices, values, *sized, **kw)
        parts = [torch.as_tensor(a) if isinstance(a, np.ndarray) else a for a in (indices, values)]
        ts = torch.sparse_coo_tensor(*parts, *sized, **tkw)
        same_coo(s, ts)
        assert s.dtype.name == str(ts.dtype).split(".")[-1], (indices, values)
        assert s._indices().dtype == mg.int64


def test_construction_shares_memory_and_keeps_its_own_leaf():
    v = mg.tensor([1.0, 2.0])
    s = mg.sparse_coo_tensor([[0, 1]], v, (2,))
    v.array[0] = 5.0  # like torch, the sparse tensor shares the values' memory
    assert s._values().tolist() == [5.0, 2.0]
    s.requires_grad_()
    assert s.requires_grad and s.is_leaf and not v.requires_grad  # its own values Tensor
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    t = mg.sparse_coo_tensor([[0, 1]], w, (2,), requires_grad=True)
    assert t.requires_grad and not t.is_leaf and t.grad_fn is not None  # made from w: not a leaf


def test_construction_errors():
    v = mg.tensor([1.0, 2.0, 3.0])
    with pytest.raises(IndexRuntimeError, match="for dim 0, size is 1 but found index 1"):
        mg.sparse_coo_tensor([[1, 0, 1], [0, 2, 0]], v, (1, 3))  # PyTorch checks this only when asked
    with pytest.raises(IndexRuntimeError, match="negative index -1 for dim 0"):
        mg.sparse_coo_tensor([[-1, 0, 1], [0, 2, 0]], v, (2, 3))
    with pytest.raises(ShapeError, match="2-D tensor of shape \\(sparse_dim, nnz\\)"):
        mg.sparse_coo_tensor([1, 0, 1], v, (2, 3))
    with pytest.raises(ShapeError, match="same nnz"):
        mg.sparse_coo_tensor([[1, 0], [0, 2]], v, (2, 3))
    with pytest.raises(ShapeError, match="sparse_dim \\+ dense_dim"):
        mg.sparse_coo_tensor([[1, 0, 1], [0, 2, 0]], v, (2, 3, 2))
    with pytest.raises(ShapeError, match="dense sizes"):
        mg.sparse_coo_tensor([[1, 0, 1]], mg.ones(3, 2), (2, 3))
    with pytest.raises(ShapeError, match="0-d"):
        mg.sparse_coo_tensor([[1]], mg.tensor(1.0), (2,))
    with pytest.raises(DTypeRuntimeError):  # only float tensors require grad
        mg.sparse_coo_tensor([[0]], [1], (2,), requires_grad=True)
    with pytest.raises(MinigradError):
        SparseCooTensor([[0]], [1.0])
    for e in (IndexRuntimeError, ShapeError):
        assert issubclass(e, RuntimeError)  # PyTorch raises RuntimeError for all of these


# ---- repr ---------------------------------------------------------------------------------------------
@pytest.mark.torch
def test_repr_like_torch(torch):
    s, ts, _, _ = both(torch, dtype=np.float32)
    tensors = [(s, ts), (s.coalesce(), ts.coalesce()),
               (mg.zeros(2, 3).to_sparse(), torch.zeros(2, 3).to_sparse()),
               (mg.tensor([[0.0, 1.5], [2.0, 0.0]]).to_sparse(1), torch.tensor([[0.0, 1.5], [2.0, 0.0]]).to_sparse(1)),
               (s.requires_grad_(), ts.requires_grad_())]
    for a, b in tensors:
        assert repr(a) == repr(b).replace("layout=torch.", "layout=minigrad.")
    s64, ts64, _, _ = both(torch)
    assert repr(s64) == repr(ts64).replace("dtype=torch.float64", "dtype=float64").replace("layout=torch.", "layout=minigrad.")
    assert repr(s * 2).endswith("layout=minigrad.sparse_coo, grad_fn=<MulBackward0>)")


# ---- coalesce, conversions ----------------------------------------------------------------------------
@pytest.mark.torch
def test_coalesce_and_conversions_like_torch(torch):
    s, ts, _, _ = both(torch)
    c, tc = s.coalesce(), ts.coalesce()
    same_coo(c, tc)
    assert c.coalesce() is c and c.is_coalesced()
    np.testing.assert_array_equal(c.indices().numpy(), tc.indices().numpy())
    close(c.values(), tc.values())
    close(s.to_dense(), ts.to_dense())
    with pytest.raises(ArgumentRuntimeError, match="uncoalesced"):
        s.indices()
    with pytest.raises(ArgumentRuntimeError, match="uncoalesced"):
        s.values()
    with pytest.raises(ArgumentRuntimeError, match="dtype"):
        s.to_dense(mg.float32)
    x = np.array([[[0.0, 1.0], [0.0, 0.0]], [[2.0, 0.0], [0.0, -3.0]]])
    same_coo(mg.tensor(x).to_sparse(), torch.tensor(x).to_sparse())
    for sparse_dim in (1, 2, 3):
        same_coo(mg.tensor(x).to_sparse(sparse_dim), torch.tensor(x).to_sparse(sparse_dim))
    same_coo(mg.tensor(0.0).to_sparse(), torch.tensor(0.0).to_sparse())
    same_coo(mg.tensor(3.0).to_sparse(), torch.tensor(3.0).to_sparse())
    same_coo(mg.tensor(x).to_sparse_coo(), torch.tensor(x).to_sparse_coo())
    for sparse_dim in (0, 4):
        with pytest.raises(ArgumentRuntimeError, match="sparse_dim"):
            mg.tensor(x).to_sparse(sparse_dim)
    with pytest.raises(NotSupported):
        mg.tensor(x).to_sparse(layout="csr")
    assert c.to_sparse() is c


def test_to_dtype_device_copy_and_detach():
    s = mg.sparse_coo_tensor(INDICES, VALUES, SIZE)
    assert s.to("cpu") is s and s.cpu() is s and s.to(mg.float32) is s
    d = s.double()
    assert d.is_sparse and d.dtype == mg.float64 and d._values().tolist() == VALUES
    assert s.long().dtype == mg.int64 and s.type(mg.float64).dtype == mg.float64
    c = s.clone()
    c._values().array[0] = 100.0
    assert s._values().tolist()[0] == 1.0
    s.requires_grad_()
    assert s.detach().requires_grad is False and s.data.is_sparse and s.requires_grad


# ---- arithmetic -----------------------------------------------------------------------------------------
@pytest.mark.torch
def test_arithmetic_like_torch(torch):
    s, ts, _, _ = both(torch)
    s2, ts2, _, _ = both(torch, [[0, 2, 1], [1, 3, 0]], [10.0, 20.0, 30.0])
    dense = np.arange(12.0).reshape(3, 4) - 5
    d, td = mg.tensor(dense), torch.tensor(dense)
    cases = [(s * 2, ts * 2), (2 * s, 2 * ts), (s / 4, ts / 4), (-s, -ts), (s * mg.tensor(3.0), ts * torch.tensor(3.0)),
             (s + s2, ts + ts2), (s - s2, ts - ts2), (s.add(s2, alpha=2), ts.add(ts2, alpha=2)),
             (s.coalesce() + s2.coalesce(), ts.coalesce() + ts2.coalesce()),
             (s * d, ts * td), (d * s, td * ts), (s * s2, ts * ts2), (d + s, td + ts), (d - s, td - ts),
             (s.t(), ts.t()), (s.transpose(0, 1), ts.transpose(0, 1)), (s.T, ts.T),
             (mg.sparse_coo_tensor([[0, 1]], [1, 2], (2,)) * 2.5,
              torch.sparse_coo_tensor([[0, 1]], [1, 2], (2,)) * 2.5)]
    for got, want in cases:
        assert got.is_sparse == want.is_sparse and got.dtype.name == str(want.dtype).split(".")[-1]
        if got.is_sparse:
            assert got.is_coalesced() == want.is_coalesced() or not want.is_coalesced()
        close(got, want)
    assert (s.coalesce() + s2.coalesce()).is_coalesced()
    with pytest.raises(NotSupported, match="add\\(dense, sparse\\)"):
        s + d
    with pytest.raises(NotSupported):
        s + 1
    with pytest.raises(ShapeError):
        s + mg.sparse_coo_tensor([[0]], [1.0], (3,))
    with pytest.raises(ShapeError):
        mg.ones(3, 1) + s  # no broadcasting between dense and sparse, as in PyTorch
    with pytest.raises(NotSupported):
        mg.sparse_coo_tensor([[0]], mg.ones(1, 2), (2, 2)).t()  # a dense dim: t() refuses, as in PyTorch


# ---- sums, softmax ----------------------------------------------------------------------------------------
@pytest.mark.torch
def test_sums_like_torch(torch):
    s, ts, _, _ = both(torch)
    h, th, _, _ = both(torch, [[0, 1, 1]], np.arange(6.0).reshape(3, 2), (2, 2))  # hybrid
    close(s.sum(), ts.sum())
    for dim in (0, 1, -1, (0, 1), [1]):
        got, want = mg.sparse.sum(s, dim), torch.sparse.sum(ts, dim)
        assert got.is_sparse == want.is_sparse
        close(got, want)
    for dim in (0, 1, (0, 1)):
        got, want = mg.sparse.sum(h, dim), torch.sparse.sum(th, dim)
        assert got.is_sparse == want.is_sparse
        close(got, want)
    for dim in (0, (0, 1)):
        got, want = s.sum(dim, keepdim=True), ts.sum(dim, keepdim=True)
        assert got.is_sparse == want.is_sparse and got.shape == want.shape
        close(got, want)
    close(mg.sparse.sum(s, 1, mg.float32), torch.sparse.sum(ts, 1, torch.float32), 1e-6)  # dtype third, as in torch
    with pytest.raises(ArgumentRuntimeError, match="multiple times"):
        mg.sparse.sum(s, (0, 0))
    with pytest.raises(NotSupported, match="expects a sparse COO tensor"):
        mg.sparse.sum(mg.ones(2))
    with pytest.raises(NotSupported, match="expects a sparse COO tensor"):
        mg.sparse.softmax(mg.ones(2), 0)


@pytest.mark.torch
def test_softmax_like_torch(torch):
    weights = np.random.default_rng(0).standard_normal((3, 4))
    hybrid = ([[0, 1, 1]], np.arange(6.0).reshape(3, 2) / 3, (2, 2))
    for fn in ("softmax", "log_softmax"):
        for parts, dim in [((INDICES, VALUES, SIZE), 1), ((INDICES, VALUES, SIZE), 0), (hybrid, 0), (hybrid, 1)]:
            a, ta, w, tw = both(torch, *parts, requires_grad=True)
            got, want = getattr(mg.sparse, fn)(a, dim), getattr(torch.sparse, fn)(ta, dim)
            same_coo(got.detach(), want.detach())
            u = weights.reshape(-1)[:got._nnz() * (got.dense_dim() + 1)].reshape(got._values().shape)
            g, = mg.grad((got.values() * mg.tensor(u)).sum(), [w])
            tg, = torch.autograd.grad((want.values() * torch.tensor(u)).sum(), [tw])
            close(g, tg)


# ---- products ----------------------------------------------------------------------------------------------
PRODUCTS = {
    "sparse.mm": (lambda m, s, d: m.sparse.mm(s, d)), "spmm": (lambda m, s, d: m.spmm(s, d)),
    "mm": (lambda m, s, d: m.mm(s, d)), "matmul": (lambda m, s, d: m.matmul(s, d)), "@": (lambda m, s, d: s @ d),
    "Tensor.mm": (lambda m, s, d: s.mm(d)),
}


@pytest.mark.torch
@pytest.mark.parametrize("name", list(PRODUCTS))
def test_products_and_gradients_like_torch(torch, name):
    """Values, dL/dD and dL/dv (v the dense values the sparse tensor was made from)."""
    s, ts, v, tv = both(torch, requires_grad=True)
    dense = np.random.default_rng(1).standard_normal((4, 3))
    d, td = mg.tensor(dense, requires_grad=True), torch.tensor(dense, requires_grad=True)
    w = np.random.default_rng(2).standard_normal((3, 3))
    out, tout = PRODUCTS[name](mg, s, d), PRODUCTS[name](torch, ts, td)
    close(out, tout)
    (out * mg.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    close(d.grad, td.grad)
    close(v.grad, tv.grad)


@pytest.mark.torch
def test_dense_times_sparse_and_vectors_like_torch(torch):
    s, ts, v, tv = both(torch, requires_grad=True)
    rng = np.random.default_rng(3)
    left, vec = rng.standard_normal((2, 3)), rng.standard_normal(4)
    d, td = mg.tensor(left, requires_grad=True), torch.tensor(left, requires_grad=True)
    out, tout = d @ s, td @ ts
    close(out, tout)
    close(mg.mm(d, s), torch.mm(td, ts))
    (out ** 2).sum().backward()
    (tout ** 2).sum().backward()
    close(d.grad, td.grad)
    close(v.grad, tv.grad)
    close(mg.mv(s, mg.tensor(vec)), torch.mv(ts, torch.tensor(vec)))
    close(s @ mg.tensor(vec), ts @ torch.tensor(vec))


@pytest.mark.torch
def test_addmm_like_torch(torch):
    s, ts, _, _ = both(torch)
    rng = np.random.default_rng(4)
    c, d = rng.standard_normal((3, 2)), rng.standard_normal((4, 2))
    close(mg.sparse.addmm(mg.tensor(c), s, mg.tensor(d), beta=0.5, alpha=2.0),
          torch.sparse.addmm(torch.tensor(c), ts, torch.tensor(d), beta=0.5, alpha=2.0))
    close(mg.addmm(mg.tensor(c[:1]), s, mg.tensor(d)), torch.addmm(torch.tensor(c[:1]), ts, torch.tensor(d)))


@pytest.mark.torch
def test_sparse_leaf_gradient_is_on_its_pattern_like_torch_sparse_mm(torch):
    """A sparse leaf that requires grad: torch.sparse.mm gives it a sparse gradient on its
    (coalesced) pattern; so do to_dense, sum and softmax, in both libraries."""
    dense = np.random.default_rng(5).standard_normal((4, 2))
    for fn in (lambda m, s: m.sparse.mm(s, m.tensor(dense)).sum(),
               lambda m, s: (m.sparse.mm(s, m.tensor(dense)) ** 2).sum(),
               lambda m, s: (s.to_dense() ** 2).sum(), lambda m, s: m.sparse.sum(s),
               lambda m, s: (m.sparse.softmax(s, 1).to_dense() ** 2).sum()):
        for indices in (INDICES, [[0, 1, 2], [3, 1, 0]]):  # with a repeated place, and without
            s = mg.sparse_coo_tensor(indices, VALUES[:len(indices[0])], SIZE, dtype=mg.float64, requires_grad=True)
            ts = torch.sparse_coo_tensor(indices, VALUES[:len(indices[0])], SIZE, dtype=torch.float64,
                                         requires_grad=True)
            fn(mg, s).backward()
            fn(torch, ts).backward()
            assert s.grad.is_sparse and ts.grad.is_sparse
            close(s.grad, ts.grad)
            np.testing.assert_array_equal(s.grad._indices().numpy(), ts.grad.coalesce()._indices().numpy())
    s.grad = None
    assert s.grad is None


@pytest.mark.torch
def test_to_sparse_of_a_dense_tensor_that_requires_grad(torch):
    x = np.array([[0.0, 1.0, 0.0], [2.0, 0.0, -3.0]])
    a, ta = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    d = np.random.default_rng(6).standard_normal((3, 2))
    out = mg.sparse.mm(a.to_sparse(), mg.tensor(d)) + a.to_sparse().to_dense().sum()
    tout = torch.sparse.mm(ta.to_sparse(), torch.tensor(d)) + ta.to_sparse().to_dense().sum()
    close(out, tout)
    (out ** 2).sum().backward()
    (tout ** 2).sum().backward()
    close(a.grad, ta.grad)


def test_product_errors():
    s = mg.sparse_coo_tensor(INDICES, VALUES, SIZE)
    with pytest.raises(ShapeError, match="cannot be multiplied \\(4 != 5\\)"):
        mg.sparse.mm(s, mg.ones(5, 2))
    with pytest.raises(ShapeError, match="cannot be multiplied"):
        mg.ones(2, 2) @ s
    with pytest.raises(DTypeRuntimeError, match="one dtype"):
        mg.spmm(s, mg.ones(4, 2, dtype=mg.float64))
    with pytest.raises(NotSupported, match="two sparse tensors"):
        s @ s.t()
    with pytest.raises(ShapeError, match="2-D matrix"):
        mg.sparse_coo_tensor([[0]], mg.ones(1, 4), (3, 4)) @ mg.ones(4, 2)
    with pytest.raises(ShapeError):
        mg.mm(s, mg.ones(4))  # mm takes matrices only (matmul takes a vector)
    with pytest.raises(ShapeError, match="1-D or 2-D"):
        s @ mg.ones(2, 4, 2)
    with pytest.raises(NotSupported):
        mg.sparse.mm(s, mg.ones(4, 2), reduce="amax")


# ---- ops that do not take sparse tensors ---------------------------------------------------------------
@pytest.mark.parametrize("call, op", [
    (lambda s: s.exp(), "Exp"), (lambda s: mg.sum(s), "Sum"), (lambda s: s.numpy(), "numpy"),
    (lambda s: s.reshape(6), "reshape"), (lambda s: s[0], "getitem"), (lambda s: mg.relu(s), "ReLU"),
    (lambda s: s.item(), "item"), (lambda s: mg.tensor(s), "tensor"), (lambda s: s.mul_(2), "mul"),
    (lambda s: mg.nn.Linear(4, 2)(s), "linear"), (lambda s: s.abs_(), "abs"),
])
def test_dense_ops_refuse_sparse_tensors_by_name(call, op):
    s = mg.sparse_coo_tensor(INDICES, VALUES, SIZE)
    with pytest.raises(NotSupported) as info:
        call(s)
    assert str(info.value).split(":")[0].lower().startswith(op.lower()) and "sparse" in str(info.value)
    assert isinstance(info.value, NotImplementedError)


def test_autograd_entry_points_refuse_a_sparse_tensor():
    s = mg.sparse_coo_tensor(INDICES, VALUES, SIZE, requires_grad=True)
    with pytest.raises(NotSupported):
        mg.grad(mg.sparse.sum(s), [s])
    with pytest.raises(NotSupported):
        s.register_hook(lambda g: g)


# ---- a graph convolutional network: pytorch/examples gcn/main.py ----------------------------------------
def _gcn(torch):
    """The example's model, written once for either library (``torch.empty`` for its
    ``torch.Tensor(input_dim, output_dim)``: the weights are copied across anyway)."""
    nn, F = torch.nn, torch.nn.functional

    class GraphConv(nn.Module):
        def __init__(self, input_dim, output_dim, use_bias=False):
            super().__init__()
            self.kernel = nn.Parameter(torch.empty(input_dim, output_dim))
            nn.init.xavier_normal_(self.kernel)
            self.bias = None
            if use_bias:
                self.bias = nn.Parameter(torch.empty(output_dim))
                nn.init.zeros_(self.bias)

        def forward(self, input_tensor, adj_mat):
            support = torch.mm(input_tensor, self.kernel)
            output = torch.spmm(adj_mat, support)
            if self.bias is not None:
                output = output + self.bias
            return output

    class GCN(nn.Module):
        def __init__(self, input_dim, hidden_dim, output_dim, use_bias=True, dropout_p=0.1):
            super().__init__()
            self.gc1 = GraphConv(input_dim, hidden_dim, use_bias=use_bias)
            self.gc2 = GraphConv(hidden_dim, output_dim, use_bias=use_bias)
            self.dropout = nn.Dropout(dropout_p)

        def forward(self, input_tensor, adj_mat):
            x = self.gc1(input_tensor, adj_mat)
            x = F.relu(x)
            x = self.dropout(x)
            x = self.gc2(x, adj_mat)
            return F.log_softmax(x, dim=1)

    return GCN


def _load_graph(torch, content, labels, cites):
    """The example's load_cora, on arrays instead of files."""
    features = torch.FloatTensor(content)
    scale_vector = torch.sum(features, dim=1)
    scale_vector = 1 / scale_vector
    scale_vector[scale_vector == float('inf')] = 0
    scale_vector = torch.diag(scale_vector).to_sparse()
    features = scale_vector @ features
    labels = torch.LongTensor(labels)
    V, E = content.shape[0], cites.shape[0]
    adj_mat = torch.sparse_coo_tensor(cites.T, torch.ones(E), (V, V), dtype=torch.int64)
    adj_mat = torch.eye(V) + adj_mat
    degree_mat = torch.sum(adj_mat, dim=1)
    degree_mat = torch.sqrt(1 / degree_mat)
    degree_mat[degree_mat == float('inf')] = 0
    degree_mat = torch.diag(degree_mat).to_sparse()
    adj_mat = degree_mat @ adj_mat @ degree_mat
    return features.to_sparse().to("cpu"), labels, adj_mat.to_sparse().to("cpu")


@pytest.mark.torch
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # 1 / 0 for the node without features
def test_gcn_trains_like_torch(torch):
    rng = np.random.default_rng(7)
    nodes, feats, classes = 40, 24, 3
    content = (rng.random((nodes, feats)) < 0.15).astype(np.int32)
    content[5] = 0  # a node without features: its scale is 1/0 = inf, set to 0
    cites = rng.integers(0, nodes, (90, 2)).astype(np.int32)
    cites[1] = cites[0]  # a repeated edge: an uncoalesced adjacency
    labels = rng.integers(0, classes, nodes)
    graphs = [_load_graph(m, content, labels, cites) for m in (mg, torch)]
    for a, b in zip(graphs[0], graphs[1]):
        close(a, b, 1e-6)
    torch.manual_seed(0)
    t_model = _gcn(torch)(feats, 8, classes, True, 0.0)
    m_model = _gcn(mg)(feats, 8, classes, True, 0.0)
    m_model.load_state_dict({k: mg.tensor(v.detach().numpy()) for k, v in t_model.state_dict().items()})
    idx_train = np.arange(0, 30)
    losses = []
    for lib, model, (features, target, adj) in ((mg, m_model, graphs[0]), (torch, t_model, graphs[1])):
        optimizer = lib.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
        criterion = lib.nn.NLLLoss()
        mask = lib.tensor(idx_train)
        run = []
        for _ in range(5):
            model.train()
            optimizer.zero_grad()
            output = model(features, adj)
            loss = criterion(output[mask], target[mask])
            loss.backward()
            optimizer.step()
            model.eval()
            with lib.no_grad():
                out = model(features, adj)
                acc = (out.argmax(dim=1) == target).float().sum() / len(target)
            run.append((loss.item(), acc.item()))
        losses.append(run)
    np.testing.assert_allclose(losses[0], losses[1], rtol=2e-5, atol=1e-6)
    for name, p in m_model.named_parameters():
        np.testing.assert_allclose(p.detach().numpy(), t_model.state_dict()[name].numpy(), rtol=1e-4, atol=1e-6)


# ---- the GPU ---------------------------------------------------------------------------------------------
@pytest.mark.gpu
def test_on_the_gpu_like_on_the_cpu():
    cpu = mg.sparse_coo_tensor(INDICES, VALUES, SIZE, dtype=mg.float64)
    gpu = cpu.to("cuda")
    assert gpu.device.type == "cuda" and gpu._indices().device.type == "cuda" and "device='cuda:0'" in repr(gpu)
    dense = mg.tensor(np.arange(8.0).reshape(4, 2), requires_grad=True)
    dense_gpu = dense.detach().to("cuda").requires_grad_()
    out, out_gpu = cpu @ dense, gpu @ dense_gpu
    np.testing.assert_allclose(out_gpu.cpu().numpy(), out.numpy())
    (out ** 2).sum().backward()
    (out_gpu ** 2).sum().backward()
    np.testing.assert_allclose(dense_gpu.grad.cpu().numpy(), dense.grad.numpy())
    for fn in (lambda s: s.coalesce().to_dense(), lambda s: mg.sparse.softmax(s, 1).to_dense(),
               lambda s: mg.sparse.sum(s, 0).to_dense(), lambda s: (s * s.t().t()).to_dense()):
        np.testing.assert_allclose(fn(gpu).cpu().numpy(), fn(cpu).numpy())
    with pytest.raises(DeviceError):
        mg.sparse_coo_tensor(mg.tensor(INDICES), gpu._values(), SIZE)  # indices on the CPU, values on the GPU
    x = mg.tensor([[0.0, 1.0], [2.0, 0.0]], device="cuda")
    np.testing.assert_allclose(x.to_sparse().to_dense().cpu().numpy(), x.cpu().numpy())
