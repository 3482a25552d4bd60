"""Explicit values at kinks and ties, to pin down PyTorch's subgradient and tie-breaking conventions
(tinygrad's ``vals=`` cases)."""

import numpy as np

from .harness import Case, Fixed, I


def F(T):
    return T.nn.functional


K = Fixed([-1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 6.0])  # 0, ±0.5, ±1, 3, 6: the kinks of the piecewise ops
TIES = Fixed([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, -1.0]])
CASES = [Case(f"kink {n}", (lambda n: lambda T, x: getattr(F(T), n)(x))(n), [K])
         for n in ("relu", "relu6", "hardtanh", "hardsigmoid", "hardswish", "leaky_relu", "elu", "celu", "selu",
                   "softshrink", "hardshrink")]
CASES += [
    Case("kink abs", lambda T, x: x.abs(), [K]),
    Case("kink sign", lambda T, x: x.sign(), [K]),
    Case("kink clamp bounds", lambda T, x: x.clamp(-0.5, 0.5), [K]),
    Case("kink clamp min only", lambda T, x: x.clamp(min=0.0), [K]),
    Case("kink threshold", lambda T, x: F(T).threshold(x, 0.5, -2.0), [K]),
    Case("kink floor", lambda T, x: x.floor(), [K]),
    Case("kink round half even", lambda T, x: x.round(), [Fixed([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5])]),
    Case("kink sqrt 0 forward", lambda T, x: x.sqrt(), [Fixed([0.0, 1.0, 4.0])], grad=False),
    Case("kink l1_loss 0", lambda T, x, y: F(T).l1_loss(x, y), [Fixed([1.0, 2.0]), Fixed([1.0, 3.0])]),
    Case("kink smooth_l1 at beta", lambda T, x, y: F(T).smooth_l1_loss(x, y, beta=1.0), [Fixed([1.0, 2.0, 0.0]),
                                                                                         Fixed([0.0, 2.0, 0.5])]),
    Case("kink hinge margin", lambda T, x, y: F(T).hinge_embedding_loss(x, y), [Fixed([1.0, 0.5]), Fixed([-1.0, -1.0])]),
    Case("ties max all", lambda T, x: x.max(), [TIES]),
    Case("ties min all", lambda T, x: (-x).min(), [TIES]),
    Case("ties amax dim", lambda T, x: x.amax(1), [TIES]),
    Case("ties amin tuple", lambda T, x: x.amin((0, 1)), [TIES]),
    Case("ties max dim", lambda T, x: x.max(1), [TIES]),
    Case("ties min dim", lambda T, x: x.min(0), [TIES]),
    Case("ties argmax", lambda T, x: x.argmax(1), [TIES]),
    Case("ties argmin", lambda T, x: x.argmin(), [TIES]),
    Case("ties maximum", lambda T, x, y: T.maximum(x, y), [Fixed([1.0, 2.0, 3.0]), Fixed([1.0, 0.0, 3.0])]),
    Case("ties minimum", lambda T, x, y: T.minimum(x, y), [Fixed([1.0, 2.0, 3.0]), Fixed([1.0, 0.0, 3.0])]),
    Case("ties fmax", lambda T, x, y: T.fmax(x, y), [Fixed([1.0, 2.0]), Fixed([1.0, 0.0])]),
    Case("ties max binary", lambda T, x, y: T.max(x, y), [Fixed([1.0, 2.0]), Fixed([1.0, 0.0])]),
    Case("ties clamp tensor", lambda T, x, lo: T.clamp(x, min=lo), [Fixed([1.0, 2.0]), Fixed([1.0, 3.0])]),
    Case("ties sort stable", lambda T, x: T.sort(x, dim=1, stable=True), [TIES]),
    Case("ties sort descending stable", lambda T, x: T.sort(x, dim=1, descending=True, stable=True), [TIES]),
    Case("ties argsort stable", lambda T, x: T.argsort(x, dim=1, stable=True), [TIES]),
    Case("ties median even", lambda T, x: T.median(x, 1), [Fixed([[1.0, 4.0, 2.0, 3.0]])]),
    Case("ties median all even", lambda T, x: T.median(x), [Fixed([1.0, 4.0, 2.0, 3.0])]),
    Case("ties kthvalue", lambda T, x: T.kthvalue(x, 2, 1), [Fixed([[3.0, 1.0, 3.0, 2.0]])], grad=False),
    Case("ties cummax", lambda T, x: T.cummax(x, 1), [TIES]),
    Case("ties cummin", lambda T, x: T.cummin(x, 1), [Fixed([[2.0, 1.0, 1.0, 3.0]])]),
    # the order of tied elements in topk is unspecified in PyTorch: k takes every tie in, and the sum
    # makes the upstream gradient the same for each place
    Case("ties topk values", lambda T, x: T.topk(x, 3).values.sum(-1), [TIES]),
    Case("ties max_pool2d", lambda T, x: F(T).max_pool2d(x, 2), [Fixed(np.ones((1, 1, 4, 4)))]),
    Case("ties max_pool2d indices", lambda T, x: F(T).max_pool2d(x, 2, return_indices=True)[1],
         [Fixed(np.ones((1, 1, 4, 4)))], grad=False),
    Case("ties mode", lambda T, a: T.mode(a), [I([[1, 2, 2, 1], [3, 3, 0, 0]])]),
    Case("ties unique sorted", lambda T, a: T.unique(a, sorted=True, return_inverse=True), [I([3, 3, 1, 2, 1])]),
    Case("ties unique dim", lambda T, a: T.unique(a, dim=0), [I([[1, 2], [0, 1], [1, 2]])]),
    Case("norm at zero", lambda T, x: x.norm(), [Fixed([0.0, 0.0])]),
    Case("vector_norm inf", lambda T, x: T.linalg.vector_norm(x, ord=float("inf")), [Fixed([1.0, -3.0, 3.0])]),
    Case("dist at zero", lambda T, x, y: T.dist(x, y), [Fixed([1.0, 2.0]), Fixed([1.0, 2.0])]),
    Case("logsumexp -inf", lambda T, x: T.logsumexp(x, 0), [Fixed([-np.inf, -np.inf])], grad=False),
    Case("logsumexp inf", lambda T, x: T.logsumexp(x, 0), [Fixed([np.inf, 1.0])], grad=False),
    Case("softmax -inf row", lambda T, x: T.softmax(x, 0), [Fixed([-np.inf, 0.0, 1.0])]),
    Case("log_softmax large", lambda T, x: T.log_softmax(x, 0), [Fixed([1000.0, 0.0, -1000.0])]),
    Case("sigmoid extremes", lambda T, x: T.sigmoid(x), [Fixed([-100.0, 0.0, 100.0])]),
    Case("softplus large", lambda T, x: F(T).softplus(x), [Fixed([-50.0, 0.0, 50.0])]),
    Case("bce_with_logits large", lambda T, x, y: F(T).binary_cross_entropy_with_logits(x, y),
         [Fixed([-100.0, 100.0]), Fixed([1.0, 0.0], grad=False)]),
    Case("cross_entropy large logits", lambda T, x, t: F(T).cross_entropy(x, t), [Fixed([[1000.0, 0.0, -1000.0]]), I([2])]),
    Case("xlogy x=0", lambda T, x, y: T.xlogy(x, y), [Fixed([0.0, 1.0]), Fixed([0.0, 2.0])]),
    Case("nan max", lambda T, x: x.max(), [Fixed([1.0, np.nan, 2.0])], grad=False),
    Case("nan maximum", lambda T, x, y: T.maximum(x, y), [Fixed([1.0, np.nan]), Fixed([np.nan, 2.0])], grad=False),
    Case("nan fmax", lambda T, x, y: T.fmax(x, y), [Fixed([1.0, np.nan]), Fixed([np.nan, 2.0])], grad=False),
    Case("nan sort", lambda T, x: T.sort(x), [Fixed([2.0, np.nan, 1.0])], grad=False),
    Case("nan argmax", lambda T, x: T.argmax(x), [Fixed([2.0, np.nan, 1.0])], grad=False),
    Case("nan clamp", lambda T, x: T.clamp(x, 0, 1), [Fixed([2.0, np.nan, 0.5])], grad=False),
    Case("nan relu", lambda T, x: T.relu(x), [Fixed([-2.0, np.nan, 0.5])], grad=False),
    Case("nan nanmean", lambda T, x: T.nanmean(x), [Fixed([2.0, np.nan, 1.0])]),
    Case("nan nansum", lambda T, x: T.nansum(x), [Fixed([2.0, np.nan, 1.0])]),
    Case("inf * 0", lambda T, x: x * 0, [Fixed([np.inf, 1.0])], grad=False),
    Case("div by zero", lambda T, x, y: x / y, [Fixed([1.0, -1.0, 0.0]), Fixed([0.0, 0.0, 0.0])], grad=False),
    Case("int div by zero float", lambda T, a: a / 0, [I([1, 0])]),
]
