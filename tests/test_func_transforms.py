"""torch.autograd.functional (vjp, jvp, jacobian, hessian, vhp, hvp) and torch.func (grad,
grad_and_value, vjp, jvp, jacrev, jacfwd, hessian, functional_call).

Without torch: each result against what it must be for functions whose derivatives are known
in closed form (a linear map's Jacobian is its matrix, a quadratic's Hessian is A + Aᵀ), and
against central differences. With torch: the same calls on the same numbers give the same
results. Bad inputs raise minigrad's errors; functional_call puts the module's own tensors
back even when the call fails.
"""

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import functional as AF
from minigrad.errors import ArgumentError, GraphError, MinigradError, ShapeError

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4))
X = RNG.standard_normal(4)
Y = RNG.standard_normal((2, 4))


def _t(a, requires_grad=False):
    return mg.tensor(a, requires_grad=requires_grad)


def _central_jacobian(f, x, eps=1e-6):
    """J[k, i] = (f(x + eps e_i) - f(x - eps e_i))_k / 2 eps, on NumPy numbers."""
    cols = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e.flat[i] = eps
        cols.append((f(x + e) - f(x - e)).ravel() / (2 * eps))
    return np.stack(cols, axis=-1)


def _smooth(lib):
    """f(x, y) = (tanh(A x) * y.sum(0)[:3] , ...) written once for both frameworks."""
    def f(x, y):
        return (lib.tensor(A) @ x).tanh() * (y.sum(0)[:3]).exp()
    return f


# ---- closed forms and finite differences ---------------------------------------------------------
def test_jacobian_of_a_linear_map_is_its_matrix():
    jac = AF.jacobian(lambda x: _t(A) @ x, _t(X))
    assert tuple(jac.shape) == (3, 4) and not jac.requires_grad
    np.testing.assert_allclose(jac.numpy(), A, rtol=0, atol=1e-15)


def test_jacobian_matches_central_differences_for_tuples():
    f = _smooth(mg)
    jac = AF.jacobian(f, (_t(X), _t(Y)))
    assert isinstance(jac, tuple) and tuple(jac[0].shape) == (3, 4) and tuple(jac[1].shape) == (3, 2, 4)
    numeric_x = _central_jacobian(lambda x: f(_t(x), _t(Y)).numpy(), X)
    numeric_y = _central_jacobian(lambda y: f(_t(X), _t(y)).numpy(), Y).reshape(3, 2, 4)
    np.testing.assert_allclose(jac[0].numpy(), numeric_x, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(jac[1].numpy(), numeric_y, rtol=1e-6, atol=1e-8)


def test_hessian_of_a_quadratic_and_its_products():
    Q = RNG.standard_normal((4, 4))
    f = lambda x: x @ (_t(Q) @ x)  # noqa: E731  (xᵀ Q x: H = Q + Qᵀ)
    np.testing.assert_allclose(AF.hessian(f, _t(X)).numpy(), Q + Q.T, rtol=0, atol=1e-14)
    v = RNG.standard_normal(4)
    value, hv = AF.hvp(f, _t(X), _t(v))
    np.testing.assert_allclose(value.numpy(), X @ Q @ X, rtol=1e-14)
    np.testing.assert_allclose(hv.numpy(), (Q + Q.T) @ v, rtol=1e-13)
    np.testing.assert_allclose(AF.vhp(f, _t(X), _t(v))[1].numpy(), v @ (Q + Q.T), rtol=1e-13)


def test_vjp_and_jvp_are_the_jacobian_products():
    f = _smooth(mg)
    jac = AF.jacobian(lambda x: f(x, _t(Y)), _t(X)).numpy()
    u, w = RNG.standard_normal(4), RNG.standard_normal(3)
    out, jv = AF.jvp(lambda x: f(x, _t(Y)), _t(X), _t(u))
    np.testing.assert_allclose(jv.numpy(), jac @ u, rtol=1e-12)
    np.testing.assert_allclose(out.numpy(), f(_t(X), _t(Y)).numpy())
    _, vj = AF.vjp(lambda x: f(x, _t(Y)), _t(X), _t(w))
    np.testing.assert_allclose(vj.numpy(), w @ jac, rtol=1e-12)


def test_inputs_grads_are_left_alone_and_create_graph_keeps_the_graph():
    x = _t(X, requires_grad=True)
    jac = AF.jacobian(lambda a: a.sin(), x)
    assert x.grad is None and not jac.requires_grad
    jac = AF.jacobian(lambda a: a.sin(), x, create_graph=True)
    assert jac.requires_grad
    jac.sum().backward()  # d/dx sum_i cos(x_i) = -sin(x)
    np.testing.assert_allclose(x.grad.numpy(), -np.sin(X), rtol=1e-14)


def test_an_input_the_output_ignores_gives_zeros_or_a_strict_error():
    jac = AF.jacobian(lambda a, b: a * 2, (_t(X), _t(Y)))
    assert np.all(jac[1].numpy() == 0) and tuple(jac[1].shape) == (4, 2, 4)
    with pytest.raises(GraphError, match="strict"):
        AF.jacobian(lambda a, b: a * 2, (_t(X), _t(Y)), strict=True)


def test_func_grad_nests_and_takes_dicts():
    f = lambda x: (x ** 3).sum()  # noqa: E731
    second = mg.func.grad(lambda x: mg.func.grad(f)(x).sum())(_t(X))
    np.testing.assert_allclose(second.numpy(), 6 * X, rtol=1e-14)
    g = mg.func.grad(lambda p: (p["w"] * p["b"]).sum())({"w": _t(X), "b": _t(X[::-1].copy())})
    assert set(g) == {"w", "b"}
    np.testing.assert_allclose(g["w"].numpy(), X[::-1])
    grads, value = mg.func.grad_and_value(f)(_t(X))
    np.testing.assert_allclose(value.numpy(), (X ** 3).sum())
    assert not grads.requires_grad and not value.requires_grad


def test_func_jacrev_jacfwd_hessian_agree():
    f = lambda x: x.sin() * x.sum()  # noqa: E731
    jr, jf = mg.func.jacrev(f)(_t(X)), mg.func.jacfwd(f)(_t(X))
    np.testing.assert_allclose(jr.numpy(), _central_jacobian(lambda x: np.sin(x) * x.sum(), X), rtol=1e-6, atol=1e-8)
    np.testing.assert_array_equal(jr.numpy(), jf.numpy())
    h = mg.func.hessian(lambda x: (x.sin() * x.sum()).sum())(_t(X))
    np.testing.assert_allclose(h.numpy(), AF.hessian(lambda x: (x.sin() * x.sum()).sum(), _t(X)).numpy(), rtol=1e-13)


def test_functional_call_swaps_and_restores():
    lin = mg.nn.Linear(4, 3).double()
    w0 = lin.weight
    params = {"weight": _t(A, requires_grad=True), "bias": _t(np.zeros(3))}
    out = mg.func.functional_call(lin, params, (_t(X),))
    np.testing.assert_allclose(out.numpy(), A @ X)
    out.sum().backward()
    np.testing.assert_allclose(params["weight"].grad.numpy(), np.tile(X, (3, 1)))
    assert lin.weight is w0 and lin.weight.grad is None

    class Boom(mg.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = mg.nn.Linear(4, 3).double()

        def forward(self, x):
            self.lin(x)
            raise RuntimeError("inside forward")

    boom = Boom()
    kept = boom.lin.weight
    with pytest.raises(RuntimeError, match="inside forward"):
        mg.func.functional_call(boom, {"lin.weight": _t(A)}, _t(X))
    assert boom.lin.weight is kept


def test_functional_call_ties_weights():
    class Tied(mg.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = mg.nn.Linear(4, 4, bias=False).double()
            self.b = mg.nn.Linear(4, 4, bias=False).double()
            self.b.weight = self.a.weight

        def forward(self, x):
            return self.b(self.a(x))

    m, w = Tied(), RNG.standard_normal((4, 4))
    np.testing.assert_allclose(mg.func.functional_call(m, {"a.weight": _t(w)}, _t(X)).numpy(), w @ (w @ X))
    untied = mg.func.functional_call(m, {"a.weight": _t(w)}, _t(X), tie_weights=False).numpy()
    np.testing.assert_allclose(untied, m.a.weight.detach().numpy() @ (w @ X))


def test_bad_inputs():
    with pytest.raises(ShapeError, match="vjp: v can be left out only"):
        AF.vjp(lambda x: x * 2, _t(X))
    with pytest.raises(ShapeError, match=r"vjp: v has shape \(3,\) but the output has shape \(4,\)"):
        AF.vjp(lambda x: x * 2, _t(X), _t(np.ones(3)))
    with pytest.raises(ShapeError, match="hessian: the function must return a single one-element"):
        AF.hessian(lambda x: x * 2, _t(X))
    with pytest.raises(ArgumentError, match="jacobian: inputs must be a tensor or a tuple"):
        AF.jacobian(lambda x: x, [1.0, 2.0])
    with pytest.raises(ArgumentError, match="strategy"):
        AF.jacobian(lambda x: x, _t(X), strategy="sideways")
    with pytest.raises(ShapeError, match="grad: the function must return a one-element tensor"):
        mg.func.grad(lambda x: x * 2)(_t(X))
    with pytest.raises(ArgumentError, match="argnums"):
        mg.func.grad(lambda x: x.sum(), argnums=3)(_t(X))
    with pytest.raises(ArgumentError, match="floating point"):
        mg.func.grad(lambda x: x.sum())(mg.tensor([1, 2]))
    with pytest.raises(ArgumentError, match="has_aux"):
        mg.func.grad(lambda x: x.sum(), has_aux=True)(_t(X))
    lin = mg.nn.Linear(4, 3)
    with pytest.raises(ArgumentError, match="strict=True"):
        mg.func.functional_call(lin, {"weight": _t(A)}, _t(X), strict=True)
    assert isinstance(lin.weight, mg.nn.Parameter)
    assert issubclass(ShapeError, MinigradError)


# ---- parity with torch ---------------------------------------------------------------------------
def test_autograd_functional_matches_torch():
    torch = pytest.importorskip("torch")
    T = torch.tensor
    ft, fm = _smooth(torch), _smooth(mg)
    jt, jm = torch.autograd.functional.jacobian(ft, (T(X), T(Y))), AF.jacobian(fm, (_t(X), _t(Y)))
    for a, b in zip(jt, jm):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-13, atol=1e-15)
    s = lambda x: (x.sin() ** 3).sum() * x.cos().sum()  # noqa: E731
    np.testing.assert_allclose(AF.hessian(s, _t(X)).numpy(), torch.autograd.functional.hessian(s, T(X)).numpy(),
                               rtol=1e-12, atol=1e-14)
    v = RNG.standard_normal(4)
    for name in ("vhp", "hvp"):
        (o1, r1), (o2, r2) = getattr(AF, name)(s, _t(X), _t(v)), getattr(torch.autograd.functional, name)(s, T(X), T(v))
        np.testing.assert_allclose(r1.numpy(), r2.numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(o1.numpy(), o2.numpy(), rtol=1e-14)
    g = lambda x: x.sin() * x  # noqa: E731
    for name in ("vjp", "jvp"):
        (o1, r1), (o2, r2) = getattr(AF, name)(g, _t(X), _t(v)), getattr(torch.autograd.functional, name)(g, T(X), T(v))
        np.testing.assert_allclose(r1.numpy(), r2.numpy(), rtol=1e-13)


def test_func_matches_torch_on_a_maml_step():
    """One inner SGD step through functional_call, then the outer gradient of the meta-weights
    (a second-order derivative through the inner step), in both frameworks on the same weights."""
    torch = pytest.importorskip("torch")
    xs, ys = RNG.standard_normal((8, 4)), RNG.standard_normal((8, 1))
    results = []
    for lib in (torch, mg):
        net = lib.nn.Sequential(lib.nn.Linear(4, 5), lib.nn.Tanh(), lib.nn.Linear(5, 1)).double()
        if lib is mg:
            net.load_state_dict({k: mg.tensor(v) for k, v in results[0][0].items()})
        meta = dict(net.named_parameters())
        x, y = lib.tensor(xs), lib.tensor(ys)

        def loss(p):
            return ((lib.func.functional_call(net, p, (x,)) - y) ** 2).mean()

        inner = lib.func.grad(loss)(meta)
        fast = {k: meta[k] - 0.1 * inner[k] for k in meta}
        outer = loss(fast)
        outer.backward()
        jac = lib.func.jacrev(lambda p: lib.func.functional_call(net, p, (x,)))(
            {k: v.detach() for k, v in meta.items()})
        results.append(({k: v.detach().numpy().copy() for k, v in net.state_dict().items()},
                        float(outer.detach()), {k: p.grad.numpy() for k, p in meta.items()},
                        {k: v.numpy() for k, v in jac.items()}))
    (_, lt, gt, jt), (_, lm, gm, jm) = results
    np.testing.assert_allclose(lm, lt, rtol=1e-13)
    for k in gt:
        np.testing.assert_allclose(gm[k], gt[k], rtol=1e-11, atol=1e-14)
        np.testing.assert_allclose(jm[k], jt[k], rtol=1e-12, atol=1e-15)


def test_stateless_is_the_same_functional_call():
    from minigrad.nn.utils import stateless

    assert stateless.functional_call is mg.func.functional_call
