"""torch.* math: elementwise, reductions, scans, sorting and selection, creation."""

import numpy as np

from .harness import B, Case, Fixed, I, P, U, perm

S = (3, 4)

_UNARY = ["abs", "neg", "exp", "expm1", "sin", "cos", "tan", "tanh", "sigmoid", "sinh", "cosh", "atan",
          "asinh", "sign", "square", "erf", "erfc", "exp2", "trunc", "floor", "ceil", "round", "frac",
          "deg2rad", "rad2deg", "sgn", "positive", "fix", "relu"]
_UNARY_POS = ["log", "log2", "log10", "log1p", "sqrt", "rsqrt", "reciprocal", "lgamma", "digamma", "acosh"]
_UNARY_UNIT = ["asin", "acos", "atanh", "erfinv", "logit"]

CASES = []
CASES += [Case(f"torch.{n}", (lambda n: lambda T, x: getattr(T, n)(x))(n), [(S)]) for n in _UNARY if n != "acosh"]
CASES += [Case(f"torch.{n}", (lambda n: lambda T, x: getattr(T, n)(x))(n),
               [P(*S) if n != "acosh" else U(*S, low=1.5, high=3.0)]) for n in _UNARY_POS]
CASES += [Case(f"torch.{n}", (lambda n: lambda T, x: getattr(T, n)(x))(n), [U(*S, low=0.1, high=0.9)])
          for n in _UNARY_UNIT]

_BINARY = ["add", "sub", "mul", "maximum", "minimum", "atan2", "hypot", "fmax", "fmin", "copysign", "xlogy"]
CASES += [Case(f"torch.{n}", (lambda n: lambda T, x, y: getattr(T, n)(x, y))(n), [S, (4,)]) for n in _BINARY
          if n != "xlogy"]
CASES += [
    Case("torch.xlogy", lambda T, x, y: T.xlogy(x, y), [S, P(*S)]),
    Case("torch.div", lambda T, x, y: T.div(x, y), [S, P(1, 4)]),
    Case("torch.div floor", lambda T, x, y: T.div(x, y, rounding_mode="floor"), [U(*S, low=0.1, high=0.9), P(*S)]),
    Case("torch.div trunc", lambda T, x, y: T.div(x, y, rounding_mode="trunc"), [U(*S, low=0.1, high=0.9), P(*S)]),
    Case("torch.pow", lambda T, x, y: T.pow(x, y), [P(*S), (S)]),
    Case("torch.pow scalar", lambda T, x: T.pow(x, 3), [S]),
    Case("torch.pow scalar base", lambda T, x: T.pow(2.0, x), [S]),
    Case("torch.float_power", lambda T, x: T.float_power(x, 2), [S]),
    Case("torch.fmod", lambda T, x: T.fmod(x, 0.7), [U(*S, low=0.1, high=0.65)]),
    Case("torch.remainder", lambda T, x: T.remainder(x, 0.7), [U(*S, low=0.1, high=0.65)]),
    Case("torch.add alpha", lambda T, x, y: T.add(x, y, alpha=2.5), [S, S]),
    Case("torch.sub alpha", lambda T, x, y: T.sub(x, y, alpha=0.5), [S, S]),
    Case("torch.rsub", lambda T, x, y: T.rsub(x, y), [S, S]),
    Case("torch.lerp scalar", lambda T, x, y: T.lerp(x, y, 0.3), [S, S]),
    Case("torch.lerp tensor", lambda T, x, y, w: T.lerp(x, y, w), [S, S, U(*S, low=0, high=1)]),
    Case("torch.addcmul", lambda T, x, y, z: T.addcmul(x, y, z, value=0.5), [S, S, S]),
    Case("torch.addcdiv", lambda T, x, y, z: T.addcdiv(x, y, z, value=0.5), [S, S, P(*S)]),
    Case("torch.clamp", lambda T, x: T.clamp(x, -0.5, 0.5), [S]),
    Case("torch.clamp min", lambda T, x: T.clamp(x, min=0.1), [S]),
    Case("torch.clamp tensor", lambda T, x, lo: T.clamp(x, min=lo), [S, (4,)]),
    Case("torch.clip", lambda T, x: T.clip(x, max=0.2), [S]),
    Case("torch.where", lambda T, c, x, y: T.where(c, x, y), [B([[1, 0, 1, 0]] * 3), S, (4,)]),
    Case("torch.where scalar", lambda T, x: T.where(x > 0, x, 0.0), [S]),
    Case("torch.logaddexp", lambda T, x, y: T.logaddexp(x, y), [S, S]),
    Case("torch.logaddexp2", lambda T, x, y: T.logaddexp2(x, y), [S, S]),
    Case("torch.sinc", lambda T, x: T.sinc(x), [U(*S, low=0.1, high=0.9)]),
    Case("torch.nan_to_num", lambda T, x: T.nan_to_num(x), [Fixed([1.0, np.nan, np.inf, -np.inf])]),
    Case("torch.isnan", lambda T, x: T.isnan(x), [Fixed([1.0, np.nan, np.inf])]),
    Case("torch.isinf", lambda T, x: T.isinf(x), [Fixed([1.0, np.nan, -np.inf])]),
    Case("torch.isfinite", lambda T, x: T.isfinite(x), [Fixed([1.0, np.nan, -np.inf])]),
    Case("torch.signbit", lambda T, x: T.signbit(x), [S]),
    Case("torch.heaviside", lambda T, x, v: T.heaviside(x, v), [S, Fixed([0.5])], grad=False),  # torch has no derivative
    Case("torch.polygamma", lambda T, x: T.polygamma(1, x), [P(*S)]),
    Case("torch.mvlgamma", lambda T, x: T.mvlgamma(x, 2), [U(*S, low=2, high=3)]),
    Case("torch.xlog1py", lambda T, x, y: T.special.xlog1py(x, y), [S, P(*S)]),
    Case("torch.special.expit", lambda T, x: T.special.expit(x), [S]),
    Case("torch.special.erfcx", lambda T, x: T.special.erfcx(x), [P(*S)]),
    Case("torch.special.i0", lambda T, x: T.special.i0(x), [S]),
    Case("torch.special.log_ndtr", lambda T, x: T.special.log_ndtr(x), [S]),
    Case("torch.special.ndtr", lambda T, x: T.special.ndtr(x), [S]),
    Case("torch.special.entr", lambda T, x: T.special.entr(x), [P(*S)]),
    Case("torch.gcd", lambda T, a, b: T.gcd(a, b), [I([12, 18, 7]), I([8, 27, 5])]),
    Case("torch.bitwise_and", lambda T, a, b: T.bitwise_and(a, b), [I([12, 18, 7]), I([8, 27, 5])]),
    Case("torch.bitwise_xor bool", lambda T, a, b: a ^ b, [B([1, 0, 1]), B([1, 1, 0])]),
    Case("torch.logical_and", lambda T, a, b: T.logical_and(a, b), [S, (4,)]),
    Case("torch.logical_not", lambda T, a: T.logical_not(a), [I([0, 2, -1])]),
    Case("torch.eq", lambda T, a, b: T.eq(a, b), [I([1, 2, 3]), I([1, 0, 3])]),
    Case("torch.isclose", lambda T, a, b: T.isclose(a, b), [Fixed([1.0, 2.0, 3.0]), Fixed([1.0, 2.1, 3.0])]),
    Case("torch.allclose", lambda T, a, b: T.allclose(a, b), [Fixed([1.0, 2.0]), Fixed([1.0, 2.0 + 1e-9])]),
    Case("torch.equal", lambda T, a, b: T.equal(a, b), [I([1, 2]), I([1, 2])]),
]

# ---- reductions
_RED = ["sum", "mean", "prod", "amax", "amin", "logsumexp", "std", "var", "norm", "nansum", "nanmean"]
for n in _RED:
    if n != "logsumexp":
        CASES.append(Case(f"torch.{n} all", (lambda n: lambda T, x: getattr(T, n)(x))(n), [(2, 3, 4)]))
    CASES.append(Case(f"torch.{n} dim", (lambda n: lambda T, x: getattr(T, n)(x, 1))(n), [(2, 3, 4)]))
    if n != "prod":  # torch.norm's second positional argument is p, so dims go by name
        CASES.append(Case(f"torch.{n} dims keepdim", (lambda n: lambda T, x: getattr(T, n)(x, dim=(0, 2), keepdim=True))(n),
                          [(2, 3, 4)]))
        CASES.append(Case(f"torch.{n} neg dim", (lambda n: lambda T, x: getattr(T, n)(x, dim=-1))(n), [(2, 3, 4)]))
CASES += [
    Case("torch.prod keepdim", lambda T, x: T.prod(x, 2, keepdim=True), [(2, 3, 4)]),
    Case("torch.sum dtype", lambda T, x: T.sum(x, dtype=T.float64), [(2, 3)]),
    Case("torch.sum int", lambda T, x: T.sum(x), [I([[1, 2], [3, 4]])]),
    Case("torch.sum bool", lambda T, x: T.sum(x, dim=0), [B([[1, 0], [1, 1]])]),
    Case("torch.mean int dtype", lambda T, x: T.mean(x, dtype=T.float32), [I([1, 2, 4])]),
    Case("torch.std correction", lambda T, x: T.std(x, dim=1, correction=0), [(3, 5)]),
    Case("torch.var unbiased", lambda T, x: T.var(x, 0, unbiased=False), [(3, 5)]),
    Case("torch.var_mean", lambda T, x: T.var_mean(x, dim=1), [(3, 5)]),
    Case("torch.std_mean", lambda T, x: T.std_mean(x, dim=(0, 1)), [(2, 3, 5)]),
    Case("torch.max all", lambda T, x: T.max(x), [(3, 4)]),
    Case("torch.max dim", lambda T, x: T.max(x, dim=1), [(3, 4)]),
    Case("torch.max dim keepdim", lambda T, x: T.max(x, 0, keepdim=True), [(3, 4)]),
    Case("torch.min dim", lambda T, x: T.min(x, dim=-1), [(3, 4)]),
    Case("torch.max binary", lambda T, x, y: T.max(x, y), [(3, 4), (3, 4)]),
    Case("torch.argmax", lambda T, x: T.argmax(x), [(3, 4)]),
    Case("torch.argmax dim", lambda T, x: T.argmax(x, dim=1, keepdim=True), [(3, 4)]),
    Case("torch.argmin dim", lambda T, x: T.argmin(x, 0), [(3, 4)]),
    Case("torch.median", lambda T, x: T.median(x), [(3, 5)]),
    Case("torch.median dim", lambda T, x: T.median(x, dim=1), [(3, 5)]),
    Case("torch.mode", lambda T, x: T.mode(x, 1), [I([[1, 2, 2, 3], [4, 4, 1, 1]])]),
    Case("torch.all", lambda T, x: T.all(x, dim=1), [B([[1, 0], [1, 1]])]),
    Case("torch.any", lambda T, x: T.any(x), [I([0, 0, 3])]),
    Case("torch.count_nonzero", lambda T, x: T.count_nonzero(x, dim=0), [I([[0, 1], [2, 0], [3, 4]])]),
    Case("torch.aminmax", lambda T, x: T.aminmax(x, dim=0), [(3, 4)]),
    Case("torch.quantile", lambda T, x: T.quantile(x, 0.3, dim=1), [(3, 5)]),
    Case("torch.dist", lambda T, x, y: T.dist(x, y, p=3), [(3, 4), (3, 4)]),
    Case("torch.norm p=1 dim", lambda T, x: T.norm(x, p=1, dim=1), [(3, 4)]),
    Case("torch.norm fro", lambda T, x: T.norm(x, p="fro"), [(3, 4)]),
    # ---- scans
    Case("torch.cumsum", lambda T, x: T.cumsum(x, dim=1), [(3, 4)]),
    Case("torch.cumsum int", lambda T, x: T.cumsum(x, 0), [I([1, 2, 3])]),
    Case("torch.cumprod", lambda T, x: T.cumprod(x, dim=0), [(3, 4)]),
    Case("torch.cummax", lambda T, x: T.cummax(x, dim=1), [(3, 4)]),
    Case("torch.cummin", lambda T, x: T.cummin(x, dim=0), [(3, 4)]),
    Case("torch.logcumsumexp", lambda T, x: T.logcumsumexp(x, dim=1), [(3, 4)]),
    Case("torch.diff", lambda T, x: T.diff(x, dim=1), [(3, 4)]),
    # ---- sorting / selection
    Case("torch.sort", lambda T, x: T.sort(x, dim=1), [(3, 5)]),
    Case("torch.sort descending", lambda T, x: T.sort(x, dim=0, descending=True), [(3, 5)]),
    Case("torch.sort stable", lambda T, x: T.sort(x, stable=True), [I([3, 1, 2, 1, 3])]),
    Case("torch.argsort", lambda T, x: T.argsort(x, dim=-1), [(3, 5)]),
    Case("torch.argsort descending", lambda T, x: T.argsort(x, descending=True), [(5,)]),
    Case("torch.topk", lambda T, x: T.topk(x, 2), [(3, 5)]),
    Case("torch.topk smallest", lambda T, x: T.topk(x, 2, dim=0, largest=False), [(3, 5)]),
    Case("torch.kthvalue", lambda T, x: T.kthvalue(x, 2, dim=1), [(3, 5)]),
    Case("torch.msort", lambda T, x: T.msort(x), [(3, 5)]),
    Case("torch.unique", lambda T, x: T.unique(x), [I([3, 1, 2, 1, 3])]),
    Case("torch.unique counts", lambda T, x: T.unique(x, return_inverse=True, return_counts=True), [I([3, 1, 2, 1, 3])]),
    Case("torch.unique_consecutive", lambda T, x: T.unique_consecutive(x), [I([1, 1, 2, 2, 3, 1])]),
    Case("torch.searchsorted", lambda T, s, v: T.searchsorted(s, v), [Fixed([1.0, 2.0, 3.0, 4.0]), Fixed([0.5, 2.5, 3.5])]),
    Case("torch.searchsorted right", lambda T, s, v: T.searchsorted(s, v, right=True), [I([1, 2, 3]), I([2, 3])]),
    Case("torch.bucketize", lambda T, v, b: T.bucketize(v, b), [Fixed([0.5, 2.5, 3.5]), Fixed([1.0, 2.0, 3.0])]),
    Case("torch.nonzero", lambda T, x: T.nonzero(x), [I([[0, 1], [2, 0]])]),
    Case("torch.nonzero tuple", lambda T, x: T.nonzero(x, as_tuple=True), [I([[0, 1], [2, 0]])]),
    Case("torch.argwhere", lambda T, x: T.argwhere(x), [I([[0, 1], [2, 0]])]),
    Case("torch.bincount", lambda T, x: T.bincount(x, minlength=5), [I([0, 1, 1, 3])]),
    Case("torch.histc", lambda T, x: T.histc(x, bins=4, min=0, max=1), [Fixed([0.1, 0.3, 0.35, 0.9])], grad=False),
    # ---- creation
    Case("torch.zeros", lambda T: T.zeros(2, 3)),
    Case("torch.zeros tuple dtype", lambda T: T.zeros((2, 3), dtype=T.int64)),
    Case("torch.ones device", lambda T: T.ones(2, device="cpu", dtype=T.float64)),
    Case("torch.full", lambda T: T.full((2, 2), 3.5)),
    Case("torch.full int", lambda T: T.full((2,), 3)),
    Case("torch.full bool", lambda T: T.full((2,), True)),
    Case("torch.empty shape", lambda T: T.empty(2, 3).shape),
    Case("torch.eye", lambda T: T.eye(3)),
    Case("torch.eye rect", lambda T: T.eye(2, 3, dtype=T.int32)),
    Case("torch.arange int", lambda T: T.arange(5)),
    Case("torch.arange float", lambda T: T.arange(0, 1, 0.25)),
    Case("torch.arange dtype", lambda T: T.arange(1, 7, 2, dtype=T.float64)),
    Case("torch.linspace", lambda T: T.linspace(0, 1, 5)),
    Case("torch.logspace", lambda T: T.logspace(0, 2, 3)),
    Case("torch.tensor int", lambda T: T.tensor([1, 2, 3])),
    Case("torch.tensor float", lambda T: T.tensor([1.0, 2.0])),
    Case("torch.tensor bool", lambda T: T.tensor([True, False])),
    Case("torch.tensor mixed", lambda T: T.tensor([1, 2.5])),
    Case("torch.tensor scalar", lambda T: T.tensor(3.0)),
    Case("torch.zeros_like", lambda T, x: T.zeros_like(x), [S], grad=False),
    Case("torch.ones_like dtype", lambda T, x: T.ones_like(x, dtype=T.int64), [S], grad=False),
    Case("torch.full_like", lambda T, x: T.full_like(x, 7), [S], grad=False),
    Case("torch.rand shape", lambda T: T.rand(2, 3), values=False),
    Case("torch.randn dtype", lambda T: T.randn(2, 3, dtype=T.float64), values=False),
    Case("torch.randint", lambda T: T.randint(0, 5, (3, 2)), values=False),
    Case("torch.randperm", lambda T: T.randperm(5), values=False),
    Case("torch.rand_like", lambda T, x: T.rand_like(x), [S], values=False, grad=False),
    Case("torch.tril_indices", lambda T: T.tril_indices(3, 3)),
    Case("torch.meshgrid", lambda T, x, y: T.meshgrid(x, y, indexing="ij"), [(3,), (2,)]),
    Case("torch.meshgrid xy", lambda T, x, y: T.meshgrid(x, y, indexing="xy"), [(3,), (2,)]),
    Case("torch.cartesian_prod", lambda T, x, y: T.cartesian_prod(x, y), [(3,), (2,)]),
    Case("torch.one_hot", lambda T, x: T.nn.functional.one_hot(x, 4), [I([0, 3, 1])]),
    Case("torch.perm index", lambda T, x, p: x[p], [(5, 2), perm(5)]),
]
