"""gradcheck and gradgradcheck: backward against finite differences.

A backward function is easy to get subtly wrong (a sign, a transpose, a broadcast summed
along the wrong axis) and the mistake does not show in the forward values. So we compare
it with what calculus says it must be.

For y = f(x) the Jacobian J has entries J[j, i] = dy_j / dx_i. Backward never builds J:
given a weight u for the outputs (the incoming gradient) it returns the vector-Jacobian
product u^T J. Central differences estimate one column of J from two forward calls:

    J[:, i] ~ (f(x + eps * e_i) - f(x - eps * e_i)) / (2 * eps)      error O(eps**2)

- Full mode (default, for small inputs): u runs over the one-hot vectors of the output,
  giving J row by row (analytical); e_i runs over the entries of each input, giving J column
  by column (numerical). Every entry is compared.
- Fast mode (``fast_mode=True``, for large inputs): one random unit vector u per output and
  v per input (seeded by ``seed``), and one number each way:

      analytical  u^T J v = sum((u^T J) * v)                  one backward
      numerical   u^T (f(x + eps v) - f(x - eps v)) / (2 eps)  two forwards

  A wrong entry of J changes u^T J v for almost every random u, v.

Entries pass when |analytical - numerical| <= atol + rtol * |numerical| (like
``numpy.allclose``). Finite differences need float64: in float32 (about 7 digits) the
difference f(x + eps) - f(x - eps) is off by a rounding step of ~1e-7, which divided by
2 * eps = 2e-6 leaves about one correct digit. So float32 inputs are refused.

``gradgradcheck`` checks the second derivative the same way: it builds the function
(x, u) -> u^T J(x) with ``create_graph=True`` and runs gradcheck on that.

Inputs are never changed: the perturbed evaluations use copies. The same code runs on
CuPy arrays (each tensor's ``xp`` does the array work).
"""

from dataclasses import dataclass, field

import numpy as np

from .. import backend
from ..autograd.functional import grad as autograd_grad
from ..autograd.grad_mode import enable_grad
from ..errors import DTypeError, MinigradError
from ..tensor import Tensor


class GradcheckError(MinigradError, AssertionError):
    """A gradient does not match finite differences (or has the wrong shape, dtype or device).

    It is an ``AssertionError``, so test runners report it as a failed check, and a
    ``MinigradError``, like every error minigrad raises on purpose. Misuse of the checker
    itself (float32 inputs, nothing requiring grad) raises ``DTypeError``/``ValueError``
    instead: that is not a wrong gradient.
    """


@dataclass
class CheckResult:
    """The outcome of one check: passed or not, the largest errors, and the failure text."""

    ok: bool = True
    max_abs_err: float = 0.0
    max_rel_err: float = 0.0
    messages: list = field(default_factory=list)

    @property
    def message(self):
        return "\n".join(self.messages)

    def add_errors(self, analytical, numerical, atol):
        """Fold the errors of one comparison into the maxima (relative to max(|numerical|, atol))."""
        if analytical.size == 0:
            return
        err = np.abs(analytical - numerical)
        self.max_abs_err = max(self.max_abs_err, float(err.max()))
        self.max_rel_err = max(self.max_rel_err, float((err / np.maximum(np.abs(numerical), atol)).max()))

    def fail(self, message):
        self.ok = False
        self.messages.append(message)


# ---- public API ------------------------------------------------------------------------------


def gradcheck(fn, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, fast_mode=False, raise_exception=True,
              seed=0):
    """Check ``fn``'s analytical gradients against central finite differences.

    fn: a callable ``fn(*inputs)`` returning a Tensor or a (nested) tuple of Tensors. It is
        called many times and must give the same result each time (seed any randomness).
    inputs: a Tensor or a tuple; every float64 Tensor with ``requires_grad=True`` is checked,
        anything else (ints, tuples, constant tensors) is passed through unchanged.
    eps: the finite-difference step. atol, rtol: an entry passes when
        ``|analytical - numerical| <= atol + rtol * |numerical|``.
    fast_mode: compare random projections u^T J v instead of every Jacobian entry.
    raise_exception: raise ``GradcheckError`` on failure (default) or return False.
    seed: seeds the random projections of fast mode.

    Returns True when every gradient matches. Also checks that each gradient has its input's
    shape, dtype and device.
    """
    result = check_gradients(fn, inputs, eps=eps, atol=atol, rtol=rtol, fast_mode=fast_mode, seed=seed)
    return _finish(result, raise_exception)


def gradgradcheck(fn, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, fast_mode=False,
                  raise_exception=True, seed=0):
    """Check the second derivatives of ``fn``: gradcheck of (inputs, u) -> u^T J(inputs).

    grad_outputs: the weights u, one per differentiable output; by default random normal
        (seeded by ``seed``) and requiring grad, so the derivative with respect to them is
        checked too. Other arguments as in ``gradcheck``.
    """
    result = check_gradients(fn, inputs, grad_outputs, eps=eps, atol=atol, rtol=rtol,
                             fast_mode=fast_mode, seed=seed, order=2)
    return _finish(result, raise_exception)


def _finish(result, raise_exception):
    if result.ok:
        return True
    if raise_exception:
        raise GradcheckError(result.message)
    return False


def check_gradients(fn, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, fast_mode=False,
                    seed=0, order=1):
    """Run gradcheck (``order=1``) or gradgradcheck (``order=2``) and return a ``CheckResult``.

    ``python -m minigrad.testing`` uses this to report the largest errors of passing checks too.
    """
    inputs = _as_tuple(inputs)
    name = op_name(fn)
    labels = [f"input {i}" for i in range(len(inputs))]
    if order == 2:
        fn, inputs, labels = _first_derivative(fn, inputs, grad_outputs, name, seed)
        name = f"{name} (double backward)"
    return _Checker(fn, inputs, name, labels, eps, atol, rtol, seed).run(fast_mode)


def op_name(fn):
    """A readable name for ``fn``: its ``__name__``, the Function class of ``Op.apply``, or the
    name of the function a ``functools.partial`` wraps."""
    while hasattr(fn, "func") and not hasattr(fn, "__name__"):  # functools.partial
        fn = fn.func
    owner = getattr(fn, "__self__", None)
    if isinstance(owner, type):  # a classmethod such as MyOp.apply: name the op
        return owner.__name__
    return getattr(fn, "__name__", type(fn).__name__)


# ---- helpers ------------------------------------------------------------------------------------


def _as_tuple(inputs):
    if isinstance(inputs, Tensor):
        return (inputs,)
    return tuple(inputs)


def _flatten(outputs):
    """The outputs of fn as a flat list (tuples and lists of outputs are opened recursively)."""
    if isinstance(outputs, (tuple, list)):
        flat = []
        for o in outputs:
            flat.extend(_flatten(o))
        return flat
    return [outputs]


def _is_float_tensor(t):
    return isinstance(t, Tensor) and t.dtype.kind == "f"


def _host(array):
    """A float64 NumPy copy of a NumPy or CuPy array (never an alias of it)."""
    return np.array(backend.to_device(array, "cpu"), dtype=np.float64, copy=True)


def _index(flat_index, shape):
    """The multi-index of a flat position, as a short string."""
    if len(shape) == 0:
        return "()"
    return str(tuple(int(i) for i in np.unravel_index(flat_index, shape)))


def _first_derivative(fn, inputs, grad_outputs, name, seed):
    """The function (inputs, u) -> u^T J(inputs) whose gradient gradgradcheck checks."""
    n = len(inputs)
    diff = [i for i, a in enumerate(inputs) if isinstance(a, Tensor) and a.requires_grad]
    with enable_grad():
        outs = [o for o in _flatten(fn(*inputs)) if _is_float_tensor(o) and o.requires_grad]
    if grad_outputs is None:
        rng = np.random.default_rng(seed)
        grad_outputs = tuple(
            Tensor._make(backend.to_device(rng.standard_normal(o.shape).astype(o.dtype), o.device))
            .requires_grad_() for o in outs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
        if len(grad_outputs) != len(outs):
            raise ValueError(f"gradgradcheck({name}): {len(outs)} differentiable outputs but "
                             f"{len(grad_outputs)} grad_outputs")

    def first_derivative(*args):
        xs, us = args[:n], args[n:]
        ys = [o for o in _flatten(fn(*xs)) if _is_float_tensor(o) and o.requires_grad]
        wrt = [xs[i] for i in diff]
        gs = autograd_grad(ys, wrt, grad_outputs=list(us), create_graph=True, allow_unused=True)
        # an input the outputs do not use has a zero gradient (a constant)
        return tuple(Tensor._make(x.xp.zeros_like(x.array)) if g is None else g for x, g in zip(wrt, gs))

    first_derivative.__name__ = f"grad of {name}"
    labels = [f"input {i}" for i in range(n)] + [f"grad_output {k}" for k in range(len(grad_outputs))]
    return first_derivative, tuple(inputs) + tuple(grad_outputs), labels


class _Checker:
    """One gradcheck run: the analytical and numerical sides, and their comparison."""

    def __init__(self, fn, inputs, name, labels, eps, atol, rtol, seed):
        self.fn, self.inputs, self.name, self.labels = fn, inputs, name, labels
        self.eps, self.atol, self.rtol, self.seed = eps, atol, rtol, seed
        self.result = CheckResult()
        self.diff = [i for i, a in enumerate(inputs) if isinstance(a, Tensor) and a.requires_grad]
        if not self.diff:
            raise ValueError(f"gradcheck({name}): no input requires grad, so there is nothing to check; "
                             "make the inputs to check with requires_grad=True")
        for i in self.diff:
            if inputs[i].dtype != np.float64:
                raise DTypeError(
                    f"gradcheck({name}): {labels[i]} has dtype {inputs[i].dtype}; finite differences "
                    "need float64 (a float32 difference quotient keeps about one correct digit). "
                    "Pass float64 tensors, e.g. x.double()")
        # the perturbed evaluations work on these copies, never on the caller's arrays
        self.copies = {i: inputs[i].xp.array(inputs[i].array, copy=True, order="C") for i in self.diff}

    # ---- evaluating fn -------------------------------------------------------------------
    def _outputs(self, outputs):
        """The float outputs (position in the flat list, Tensor); float32 ones are refused."""
        outs = []
        for k, o in enumerate(_flatten(outputs)):
            if _is_float_tensor(o):
                if o.dtype != np.float64:
                    raise DTypeError(f"gradcheck({self.name}): output {k} has dtype {o.dtype}; the check "
                                     "needs float64 outputs (does the function cast?)")
                outs.append((k, o))
        return outs

    def _evaluate(self):
        """fn on fresh leaves over the copies (same requires_grad as the inputs): host outputs."""
        args = list(self.inputs)
        for i in self.diff:
            args[i] = Tensor._make(self.copies[i]).requires_grad_()
        with enable_grad():
            return [_host(o.array) for _, o in self._outputs(self.fn(*args))]

    # ---- the analytical side: vector-Jacobian products through backward -------------------
    def _vjp(self, out_k, out, weight):
        """backward of output ``out_k`` weighted by ``weight``: one host array per checked input."""
        wrt = [self.inputs[i] for i in self.diff]
        try:
            grads = autograd_grad([out], wrt, grad_outputs=[Tensor._make(weight)], retain_graph=True,
                                  allow_unused=True)
        except Exception as e:  # a backward that raises is a failed gradient, reported as such
            self.result.fail(f"gradcheck failed for {self.name}: computing the gradient of output {out_k} "
                             f"(shape {tuple(out.shape)}) raised {type(e).__name__}: {e}")
            return None
        result = []
        for i, g in zip(self.diff, grads):
            x = self.inputs[i]
            if g is None:
                result.append(np.zeros(x.shape))
                continue
            problems = [f"{what} {got} but the input has {what} {want}"
                        for what, got, want in (("shape", tuple(g.shape), tuple(x.shape)),
                                                ("dtype", g.dtype, x.dtype),
                                                ("device", g.device, x.device)) if got != want]
            if problems:
                self.result.fail(f"gradcheck failed for {self.name}: the gradient for {self.labels[i]} has "
                                 + "; ".join(problems))
                return None
            result.append(_host(g.array))
        return result

    # ---- the two modes -----------------------------------------------------------------------
    def run(self, fast_mode):
        with enable_grad():
            outs = self._outputs(self.fn(*self.inputs))
        if not outs:
            raise ValueError(f"gradcheck({self.name}): the function returned no floating point tensor")
        if fast_mode:
            self._fast(outs)
        else:
            self._full(outs)
        return self.result

    def _analytical_jacobian(self, out_k, out):
        """J[i] of shape (out.size, inputs[i].size), row by row with one-hot weights."""
        jac = {i: np.zeros((out.array.size, self.inputs[i].array.size)) for i in self.diff}
        if not out.requires_grad:  # does not depend on any input: J = 0
            return jac
        xp = out.xp
        for j in range(out.array.size):
            onehot = xp.zeros(out.array.size, dtype=out.dtype)
            onehot[j] = 1
            rows = self._vjp(out_k, out, onehot.reshape(out.shape))
            if rows is None:
                return None
            for i, r in zip(self.diff, rows):
                jac[i][j] = r.reshape(-1)
        return jac

    def _numerical_jacobian(self, i, sizes):
        """For input i, one (out.size, inputs[i].size) array per output, column by column."""
        flat = self.copies[i].reshape(-1)  # a view: writing it perturbs the copy fn will see
        start = _host(flat)
        cols = [np.zeros((size, flat.size)) for size in sizes]
        for j in range(flat.size):
            flat[j] = start[j] + self.eps
            plus = self._evaluate()
            flat[j] = start[j] - self.eps
            minus = self._evaluate()
            flat[j] = start[j]
            for c, p, m in zip(cols, plus, minus):
                c[:, j] = ((p - m) / (2 * self.eps)).reshape(-1)
        return cols

    def _full(self, outs):
        sizes = [o.array.size for _, o in outs]
        analytical = [self._analytical_jacobian(k, o) for k, o in outs]
        if not self.result.ok:
            return
        for i in self.diff:
            numerical = self._numerical_jacobian(i, sizes)
            for (k, o), a, n in zip(outs, analytical, numerical):
                self._compare_entries(k, o.shape, i, a[i], n)

    def _fast(self, outs):
        rng = np.random.default_rng(self.seed)
        us = [_unit(rng, o.shape) for _, o in outs]
        vs = {i: _unit(rng, self.inputs[i].shape) for i in self.diff}
        analytical = []  # analytical[o][i] = u_o^T J v_i
        for (k, o), u in zip(outs, us):
            if not o.requires_grad:
                analytical.append({i: 0.0 for i in self.diff})
                continue
            rows = self._vjp(k, o, backend.to_device(u.astype(o.dtype), o.device))
            if rows is None:
                return
            analytical.append({i: float(np.sum(r * vs[i])) for i, r in zip(self.diff, rows)})
        for i in self.diff:
            start = self.copies[i].copy()
            v = backend.to_device(vs[i], self.inputs[i].device)
            self.copies[i][...] = start + self.eps * v
            plus = self._evaluate()
            self.copies[i][...] = start - self.eps * v
            minus = self._evaluate()
            self.copies[i][...] = start
            for pos, ((k, o), u, a, p, m) in enumerate(zip(outs, us, analytical, plus, minus)):
                n = float(np.sum(u * (p - m))) / (2 * self.eps)
                self.result.add_errors(np.array([a[i]]), np.array([n]), self.atol)
                if not abs(a[i] - n) <= self.atol + self.rtol * abs(n):  # `not <=`: NaN fails too
                    self._fast_failure(outs, pos, i, a[i], n)

    # ---- comparison and the failure report ----------------------------------------------------
    def _compare_entries(self, out_k, out_shape, i, a, n):
        self.result.add_errors(a, n, self.atol)
        err = np.abs(a - n)
        bound = self.atol + self.rtol * np.abs(n)
        bad = ~(err <= bound)  # a NaN on either side fails: it is never within the bound
        if not bad.any():
            return
        x = self.inputs[i]
        worst = np.argsort(-np.nan_to_num(err / bound, nan=np.inf), axis=None)[: min(5, int(bad.sum()))]
        lines = [
            f"gradcheck failed for {self.name}: d(output {out_k})/d({self.labels[i]}) does not match "
            f"finite differences",
            f"  output {out_k} shape {tuple(out_shape)}, {self.labels[i]} shape {tuple(x.shape)} "
            f"({x.dtype}, {x.device})",
            f"  {int(bad.sum())} of {a.size} Jacobian entries differ "
            f"(atol={self.atol:g}, rtol={self.rtol:g}, eps={self.eps:g}); the worst:",
            f"    {'output index':<14} {'input index':<14} {'analytical':>14} {'numerical':>14} "
            f"{'abs err':>10} {'rel err':>10}",
        ]
        for flat in worst:
            r, c = np.unravel_index(flat, a.shape)
            rel = err[r, c] / max(abs(n[r, c]), self.atol)
            lines.append(f"    {_index(r, out_shape):<14} {_index(c, x.shape):<14} {a[r, c]:>14.6e} "
                         f"{n[r, c]:>14.6e} {err[r, c]:>10.2e} {rel:>10.2e}")
        self.result.fail("\n".join(lines))

    def _fast_failure(self, outs, pos, i, a, n):
        (out_k, out), x = outs[pos], self.inputs[i]
        lines = [
            f"gradcheck failed for {self.name} (fast mode): d(output {out_k})/d({self.labels[i]}) does not "
            "match finite differences",
            f"  output {out_k} shape {tuple(out.shape)}, {self.labels[i]} shape {tuple(x.shape)} "
            f"({x.dtype}, {x.device})",
            f"  u^T J v with random unit u, v (seed={self.seed}): analytical {a:.6e}, numerical {n:.6e}, "
            f"abs err {abs(a - n):.2e}, rel err {abs(a - n) / max(abs(n), self.atol):.2e} "
            f"(atol={self.atol:g}, rtol={self.rtol:g}, eps={self.eps:g})",
        ]
        if out.array.size * x.array.size <= 250_000:  # small enough: show the wrong entries themselves
            full = _Checker(self.fn, self.inputs, self.name, self.labels, self.eps, self.atol, self.rtol,
                            self.seed)
            a_full = full._analytical_jacobian(out_k, out)
            if a_full is not None:
                n_full = full._numerical_jacobian(i, [o.array.size for _, o in outs])[pos]
                full._compare_entries(out_k, out.shape, i, a_full[i], n_full)
                if not full.result.ok:
                    lines.append("  the full Jacobian, entry by entry:")
                    lines.extend("  " + line for line in full.result.message.splitlines()[2:])
        self.result.fail("\n".join(lines))


def _unit(rng, shape):
    """A random float64 vector of unit length, shaped like an input or output."""
    v = rng.standard_normal(shape)
    norm = np.sqrt(np.sum(v * v))
    return v / norm if norm > 0 else v
