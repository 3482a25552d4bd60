"""Second derivatives against torch: g = d(sum(f(x) * u))/dx with create_graph, then d(sum(g * v))/dx."""

import numpy as np
import torch

import minigrad as mg

from .harness import Case, P, U, make_inputs, flatten


def F(T):
    return T.nn.functional


def check_double_case(case, dtype):
    rng = np.random.default_rng(len(case.name) + 7)
    tin, min_ = make_inputs(case.inputs, dtype, rng)
    grads = []
    for T, xs in ((torch, tin), (mg, min_)):
        out = flatten(case.fn(T, *xs))[0]
        u = T.tensor(np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(dtype))
        leaves = [x for x in xs if getattr(x, "requires_grad", False)]
        first = T.autograd.grad((out * u).sum(), leaves, create_graph=True)
        total = sum((g * T.tensor(np.random.default_rng(2 + k).standard_normal(tuple(g.shape)).astype(dtype))).sum()
                    for k, g in enumerate(first))
        second = T.autograd.grad(total, leaves, allow_unused=True)
        grads.append([None if g is None else np.asarray(g.detach().numpy()) for g in second])
    atol, rtol = (1e-4, 1e-3) if dtype == "float32" else (1e-8, 1e-6)
    for k, (t, m) in enumerate(zip(*grads)):
        if t is None:
            assert m is None or not np.any(m), f"second derivative {k}: torch None, minigrad nonzero"
            continue
        assert m is not None, f"second derivative {k}: minigrad None"
        np.testing.assert_allclose(m, t, atol=atol, rtol=rtol, err_msg=f"second derivative of input {k}")


CASES = [
    Case("d2 exp", lambda T, x: x.exp(), [(3,)]),
    Case("d2 tanh", lambda T, x: x.tanh(), [(3,)]),
    Case("d2 sigmoid", lambda T, x: x.sigmoid(), [(3,)]),
    Case("d2 log", lambda T, x: x.log(), [P(3)]),
    Case("d2 pow", lambda T, x, y: x ** y, [P(3), (3,)]),
    Case("d2 div", lambda T, x, y: x / y, [(3,), P(3)]),
    Case("d2 mul bcast", lambda T, x, y: x * y * x, [(2, 3), (3,)]),
    Case("d2 matmul", lambda T, x, y: (x @ y) ** 2, [(2, 3), (3, 2)]),
    Case("d2 softmax", lambda T, x: T.softmax(x, -1), [(2, 3)]),
    Case("d2 log_softmax", lambda T, x: T.log_softmax(x, 0), [(2, 3)]),
    Case("d2 logsumexp", lambda T, x: T.logsumexp(x, 1), [(2, 3)]),
    Case("d2 norm", lambda T, x: x.norm(dim=1), [(2, 3)]),
    Case("d2 var", lambda T, x: x.var(0), [(3, 2)]),
    Case("d2 gelu", lambda T, x: F(T).gelu(x), [(3,)]),
    Case("d2 silu", lambda T, x: F(T).silu(x), [(3,)]),
    Case("d2 softplus", lambda T, x: F(T).softplus(x), [(3,)]),
    Case("d2 elu", lambda T, x: F(T).elu(x), [(4,)]),
    Case("d2 layer_norm", lambda T, x, w: F(T).layer_norm(x, (3,), w), [(2, 3), (3,)]),
    Case("d2 conv2d", lambda T, x, w: F(T).conv2d(x, w, padding=1) ** 2, [(1, 2, 4, 4), (2, 2, 3, 3)]),
    Case("d2 max_pool2d", lambda T, x: F(T).max_pool2d(x, 2) ** 2, [(1, 1, 4, 4)]),
    Case("d2 avg_pool2d", lambda T, x: F(T).avg_pool2d(x, 2) ** 2, [(1, 1, 4, 4)]),
    Case("d2 cross_entropy", lambda T, x: F(T).cross_entropy(x, T.tensor([0, 2])), [(2, 3)]),
    Case("d2 mse", lambda T, x, y: F(T).mse_loss(x, y), [(2, 3), (2, 3)]),
    Case("d2 bce_with_logits", lambda T, x: F(T).binary_cross_entropy_with_logits(x, T.ones(3) * 0.3), [(3,)]),
    Case("d2 getitem", lambda T, x: x[[0, 0, 1]] ** 2, [(2, 3)]),
    Case("d2 gather", lambda T, x: x.gather(1, T.tensor([[0], [2]])) ** 3, [(2, 3)]),
    Case("d2 cumsum", lambda T, x: x.cumsum(0) ** 2, [(3,)]),
    Case("d2 cumprod", lambda T, x: x.cumprod(0), [(3,)]),
    Case("d2 sort", lambda T, x: x.sort().values ** 2, [(4,)]),
    Case("d2 linalg.inv", lambda T, x: T.linalg.inv(x + 3 * T.eye(2, dtype=x.dtype)), [U(2, 2, low=-0.5, high=0.5)]),
    Case("d2 det", lambda T, x: T.linalg.det(x), [(3, 3)]),
    Case("d2 sdpa", lambda T, q, k: F(T).scaled_dot_product_attention(q, k, k), [(1, 2, 3), (1, 2, 3)]),
    Case("d2 interpolate bilinear", lambda T, x: F(T).interpolate(x, scale_factor=2, mode="bilinear") ** 2,
         [(1, 1, 2, 2)]),
    Case("d2 atan2", lambda T, x, y: T.atan2(x, y), [(3,), P(3)]),
    Case("d2 lstm cell path", lambda T, x, w: (x @ w).sigmoid() * (x @ w).tanh(), [(2, 3), (3, 4)]),
]
