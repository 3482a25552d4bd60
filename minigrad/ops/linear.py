"""The affine map of a Linear layer, y = x Wᵀ + b, as one node, and its backward as another.

The plain composition ``matmul(x, transpose(W)) + b`` is three nodes forward and, backward,
about eight more (two transposes, two products, the bias's broadcast sum, ...). The arithmetic
is the same; what differs is the fixed cost of each node (tens of µs in Python), which is most
of a small layer's time. So F.linear runs these two fused Functions on 2-D floating inputs of
one dtype, and the composition otherwise (1-D inputs, mixed dtypes: its rules apply there).

Notation: docs/notation.md.
"""

from ..autograd.function import Function
from ..autograd.grad_mode import is_grad_enabled
from ..tensor import Tensor


class Linear(Function):
    """Y = X Wᵀ + b for X (n, i), W (o, i) and an optional b (o,).

    Y[r, j] = Σ_k X[r, k] W[j, k] + b[j], so with G = dL/dY:

        dL/dX = G W        dL/dW = Gᵀ X        dL/db = Σ_r G[r, :]

    (the same as the composition's gradients: matmul's G Yᵀ and Xᵀ G with Y = Wᵀ, and the
    broadcast sum of the bias). All three come from one LinearBackward node.
    """

    @staticmethod
    def forward(ctx, x, w, b=None):
        ctx.save_for_backward(x, w)
        y = x @ w.T  # BLAS reads Wᵀ in place (a transposed view, no copy)
        if b is not None:
            y += b  # y is a fresh array: add the bias into it
        return y

    @staticmethod
    def backward(ctx, g):
        needs = ctx.needs_input_grad
        if not is_grad_enabled():  # no graph wanted: LinearBackward's arithmetic without its node
            x, w = ctx.saved_arrays
            dx, dw, db = _linear_grads(g.array, x, w, needs)
            return (None if dx is None else Tensor._make(dx), None if dw is None else Tensor._make(dw),
                    None if db is None else Tensor._make(db))
        x, w = ctx.saved_tensors
        which = tuple(i for i, n in enumerate(needs) if n)
        grads = LinearBackward.apply(g, x, w, which=which)
        out = [None, None, None]
        for i, grad in zip(which, grads):
            out[i] = grad
        return tuple(out)


def _linear_grads(g, x, w, needs):
    """(G W, Gᵀ X, Σ_r G[r, :]) on arrays, each None where ``needs`` (for dX, dW, db) says no."""
    return (g @ w if needs[0] else None,
            g.T @ x if needs[1] else None,  # (o, n) @ (n, i): row-major like W, so it becomes W.grad uncopied
            g.sum(axis=0) if len(needs) > 2 and needs[2] else None)


class LinearBackward(Function):
    """(dX, dW, db) = (G W, Gᵀ X, Σ_r G[r, :]) for Linear; ``which`` picks the ones computed
    (0: dX, 1: dW, 2: db), in that order.

    Its own backward gives Linear's second derivatives. Each output is linear in G and in one
    of X, W, so with A = dL/d(dX) (n, i), B = dL/d(dW) (o, i), c = dL/d(db) (o,):

        <A, G W>   gives  dL/dG += A Wᵀ,  dL/dW += Gᵀ A
        <B, Gᵀ X>  gives  dL/dG += X Bᵀ,  dL/dX += G B
        <c, Σ_r G> gives  dL/dG += c      (on every row)
    """

    @staticmethod
    def forward(ctx, g, x, w, which=(0, 1, 2)):
        ctx.save_for_backward(g, x, w)
        ctx.which = which
        grads = _linear_grads(g, x, w, [i in which for i in range(3)])
        return tuple(grads[i] for i in which)

    @staticmethod
    def backward(ctx, *grads):
        from .linalg import matmul
        from .shape import transpose

        g, x, w = ctx.saved_tensors
        given = dict(zip(ctx.which, grads))  # A, B, c under 0, 1, 2
        dg = dx = dw = None
        if 0 in given:
            dg = matmul(given[0], transpose(w))
            dw = matmul(transpose(g), given[0])
        if 1 in given:
            term = matmul(x, transpose(given[1]))
            dg = term if dg is None else dg + term
            dx = matmul(g, given[1])
        if 2 in given:
            dg = given[2].expand(g.shape) if dg is None else dg + given[2]
        return dg, dx, dw


def fusable(x, weight, bias):
    """True where Linear gives what the composition gives: 2-D x, one floating dtype throughout."""
    x, weight = x.array, weight.array  # the arrays' attributes: no property call per check
    dtype = x.dtype
    return (x.ndim == 2 and weight.ndim == 2 and dtype.kind == "f" and weight.dtype == dtype
            and (bias is None or bias.array.dtype == dtype))


def linear(x, weight, bias=None):
    """y = x Wᵀ + b for a 2-D x (F.linear checks the shapes and folds leading axes first)."""
    return Linear.apply(x, weight, bias)


TENSOR_METHODS = {}
