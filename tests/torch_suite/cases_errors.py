"""Bad inputs: where torch raises, minigrad raises an instance of the same built-in exception type."""

from .harness import B, ErrorCase, Fixed, I


def F(T):
    return T.nn.functional


def _setitem(x, key, value):
    x[key] = value


def _leaf_inplace(T, x):
    x.add_(1)


CASES = [
    ErrorCase("add shape mismatch", lambda T, x, y: x + y, [(2, 3), (4,)]),
    ErrorCase("matmul inner mismatch", lambda T, x, y: x @ y, [(2, 3), (4, 2)]),
    ErrorCase("mm 1-d", lambda T, x, y: T.mm(x, y), [(3,), (3, 2)]),
    ErrorCase("view bad size", lambda T, x: x.view(5), [(2, 3)]),
    ErrorCase("view two -1", lambda T, x: x.view(-1, -1), [(2, 3)]),
    ErrorCase("reshape bad", lambda T, x: x.reshape(4, 2), [(2, 3)]),
    ErrorCase("index out of range", lambda T, x: x[5], [(2, 3)]),
    ErrorCase("index too many", lambda T, x: x[0, 0, 0], [(2, 3)]),
    ErrorCase("advanced index out of range", lambda T, x, i: x[i], [(2, 3), I([0, 7])]),
    ErrorCase("float index tensor", lambda T, x, i: x[i], [(2, 3), Fixed([0.0, 1.0], grad=False)]),
    ErrorCase("bool mask wrong shape", lambda T, x, m: x[m], [(2, 3), B([1, 0, 1])]),
    ErrorCase("dim out of range sum", lambda T, x: x.sum(dim=3), [(2, 3)]),
    ErrorCase("dim out of range softmax", lambda T, x: T.softmax(x, dim=2), [(2, 3)]),
    ErrorCase("transpose bad dim", lambda T, x: x.transpose(0, 2), [(2, 3)]),
    ErrorCase("permute wrong length", lambda T, x: x.permute(0), [(2, 3)]),
    ErrorCase("permute repeated", lambda T, x: x.permute(0, 0), [(2, 3)]),
    ErrorCase("cat mismatch", lambda T, x, y: T.cat([x, y], dim=0), [(2, 3), (2, 4)]),
    ErrorCase("cat empty list", lambda T: T.cat([])),
    ErrorCase("stack mismatch", lambda T, x, y: T.stack([x, y]), [(2, 3), (3, 2)]),
    ErrorCase("expand bad", lambda T, x: x.expand(3, 4), [(2, 4)]),
    ErrorCase("squeeze bad dim", lambda T, x: x.squeeze(4), [(2, 3)]),
    ErrorCase("gather index oob", lambda T, x, i: T.gather(x, 1, i), [(2, 3), I([[0, 5], [1, 1]])]),
    ErrorCase("gather float index", lambda T, x, i: T.gather(x, 1, i), [(2, 3), Fixed([[0.0], [1.0]], grad=False)]),
    ErrorCase("scatter index oob", lambda T, x, i, s: T.scatter(x, 1, i, s), [(2, 3), I([[0, 5]]), (1, 2)]),
    ErrorCase("index_select 2d index", lambda T, x, i: T.index_select(x, 0, i), [(2, 3), I([[0]])]),
    ErrorCase("conv2d channel mismatch", lambda T, x, w: F(T).conv2d(x, w), [(1, 3, 5, 5), (2, 2, 3, 3)]),
    ErrorCase("conv2d kernel too big", lambda T, x, w: F(T).conv2d(x, w), [(1, 2, 2, 2), (2, 2, 3, 3)]),
    ErrorCase("conv2d same stride", lambda T, x, w: F(T).conv2d(x, w, stride=2, padding="same"),
              [(1, 2, 5, 5), (2, 2, 3, 3)]),
    ErrorCase("conv2d bad padding string", lambda T, x, w: F(T).conv2d(x, w, padding="full"),
              [(1, 2, 5, 5), (2, 2, 3, 3)]),
    ErrorCase("conv2d groups mismatch", lambda T, x, w: F(T).conv2d(x, w, groups=2), [(1, 3, 5, 5), (2, 1, 3, 3)]),
    ErrorCase("max_pool2d pad too big", lambda T, x: F(T).max_pool2d(x, 2, padding=2), [(1, 1, 4, 4)]),
    ErrorCase("cross_entropy target oob", lambda T, x, t: F(T).cross_entropy(x, t), [(2, 3), I([0, 5])]),
    ErrorCase("cross_entropy float target shape", lambda T, x, t: F(T).cross_entropy(x, t), [(2, 3), (2, 4)]),
    ErrorCase("nll_loss batch mismatch", lambda T, x, t: F(T).nll_loss(x, t), [(2, 3), I([0, 1, 2])]),
    ErrorCase("mse bad reduction", lambda T, x, y: F(T).mse_loss(x, y, reduction="avg"), [(2, 3), (2, 3)]),
    ErrorCase("binary_cross_entropy out of range", lambda T, x, y: F(T).binary_cross_entropy(x, y),
              [Fixed([1.5, 0.5]), Fixed([1.0, 0.0])]),
    ErrorCase("embedding index oob", lambda T, i, w: F(T).embedding(i, w), [I([0, 9]), (4, 3)]),
    ErrorCase("embedding float index", lambda T, i, w: F(T).embedding(i, w), [Fixed([0.0, 1.0], grad=False), (4, 3)]),
    ErrorCase("linear shape mismatch", lambda T, x, w: F(T).linear(x, w), [(2, 3), (4, 5)]),
    ErrorCase("layer_norm shape mismatch", lambda T, x: F(T).layer_norm(x, (3,)), [(2, 4)]),
    ErrorCase("pad reflect too large", lambda T, x: F(T).pad(x, (3, 3), mode="reflect"), [(1, 1, 3)]),
    ErrorCase("pad odd length", lambda T, x: F(T).pad(x, (1, 2, 3)), [(2, 3)]),
    ErrorCase("interpolate both size and scale", lambda T, x: F(T).interpolate(x, size=4, scale_factor=2),
              [(1, 1, 2)]),
    ErrorCase("interpolate bad mode", lambda T, x: F(T).interpolate(x, size=4, mode="cubic"), [(1, 1, 2)]),
    ErrorCase("backward non-scalar", lambda T, x: (x * 2).backward(), [(2, 3)]),
    ErrorCase("backward twice", lambda T, x: _twice(x.exp().sum())  , [(2, 3)]),
    ErrorCase("backward no grad", lambda T, x: x.sum().backward(), [Fixed([1.0, 2.0], grad=False)]),
    ErrorCase("in-place on leaf requiring grad", _leaf_inplace, [(2, 3)]),
    ErrorCase("item of many", lambda T, x: x.item(), [(2, 3)]),
    ErrorCase("numpy of grad tensor", lambda T, x: x.numpy(), [(2, 3)]),
    ErrorCase("int requires_grad", lambda T: T.tensor([1, 2], requires_grad=True)),
    ErrorCase("setitem shape mismatch", lambda T, x, v: _setitem(x.detach(), 0, v), [(2, 3), (4,)]),
    ErrorCase("int tensor ** negative int", lambda T, a: a ** -1, [I([1, 2])]),
    ErrorCase("bitwise on float", lambda T, x, y: x & y, [(2,), (2,)]),
    ErrorCase("bool subtraction", lambda T, a, b: a - b, [B([1, 0]), B([0, 1])]),
    ErrorCase("bool negation", lambda T, a: -a, [B([1, 0])]),
    ErrorCase("in-place float into int", lambda T, a, x: a.add_(x), [I([1, 2]), Fixed([0.5, 0.5], grad=False)]),
    ErrorCase("topk k too big", lambda T, x: T.topk(x, 5), [(3,)]),
    ErrorCase("kthvalue k too big", lambda T, x: T.kthvalue(x, 4), [(3,)]),
    ErrorCase("split bad sizes", lambda T, x: T.split(x, [1, 1], dim=1), [(2, 3)]),
    ErrorCase("chunk zero", lambda T, x: x.chunk(0), [(2, 3)]),
    ErrorCase("linalg.inv non-square", lambda T, x: T.linalg.inv(x), [(2, 3)]),
    ErrorCase("linalg.inv singular", lambda T, x: T.linalg.inv(x), [Fixed([[1.0, 2.0], [2.0, 4.0]], grad=False)]),
    ErrorCase("cholesky not PD", lambda T, x: T.linalg.cholesky(x), [Fixed([[1.0, 2.0], [2.0, 1.0]], grad=False)]),
    ErrorCase("det non-square", lambda T, x: T.det(x), [(2, 3)]),
    ErrorCase("dot 2-d", lambda T, x, y: T.dot(x, y), [(2, 3), (2, 3)]),
    ErrorCase("zeros negative", lambda T: T.zeros(-1)),
    ErrorCase("arange bad step", lambda T: T.arange(0, 5, 0)),
    ErrorCase("tensor ragged", lambda T: T.tensor([[1, 2], [3]])),
    ErrorCase("randint bad range", lambda T: T.randint(5, 2, (3,))),
    ErrorCase("Linear wrong in_features", lambda T, x: T.nn.Linear(3, 2)(x), [(2, 4)]),
    ErrorCase("LSTM wrong input size", lambda T, x: T.nn.LSTM(3, 2)(x), [(4, 2, 5)]),
    ErrorCase("BatchNorm1d wrong channels", lambda T, x: T.nn.BatchNorm1d(3)(x), [(4, 2)]),
    ErrorCase("MultiheadAttention indivisible", lambda T: T.nn.MultiheadAttention(5, 2)),
    ErrorCase("Conv2d bad groups", lambda T: T.nn.Conv2d(3, 4, 3, groups=2)),
    ErrorCase("Module unknown attribute", lambda T: T.nn.Linear(2, 2).nope),
    ErrorCase("load_state_dict missing key", lambda T: T.nn.Linear(2, 2).load_state_dict({})),
    ErrorCase("optimizer empty params", lambda T: T.optim.SGD([], lr=0.1)),
    ErrorCase("optimizer negative lr", lambda T: T.optim.Adam(T.nn.Linear(2, 2).parameters(), lr=-1)),
]


def _twice(loss):
    loss.backward()
    loss.backward()
