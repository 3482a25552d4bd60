"""The generic checks every registry entry goes through, one function per check.

Each takes an ``OpInfo`` and one of its ``Sample``s and returns a ``CheckResult`` (passed or
not, the largest absolute and relative errors, and a message naming what differs), or None
when the check does not apply to that sample. ``python -m minigrad.testing`` prints them as
a table; ``tests/test_registry.py`` asserts on them.

- ``gradcheck`` / ``gradgradcheck``: backward against finite differences (float64).
- ``float32``: float32 in -> float32 out, values and gradients close to the float64 ones.
- ``broadcast``: an n-ary elementwise op on inputs of different, broadcastable shapes gives
  what it gives on the explicitly broadcast inputs, and its gradients pass gradcheck.
- ``noncontiguous``: strided, permuted views of the inputs give the same outputs and gradients.
- ``torch``: outputs and gradients equal PyTorch's (float64).
- ``device``: outputs and gradients on ``cuda`` equal those on the CPU.
"""

import numpy as np

from .. import backend
from ..autograd.functional import grad as autograd_grad
from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor
from .gradcheck import CheckResult, _flatten, check_gradients
from .registry import is_float_array
from .strategies import noncontiguous

WEIGHT_SEED = 1234  # seeds the random output weights u of the u^T J comparisons


def _kwargs_on(sample, device):
    """The sample's keyword arguments, their arrays moved to ``device`` as its args are."""
    if backend.Device(device).type == "cpu":
        return sample.kwargs
    return {k: backend.to_device(v, device) if isinstance(v, np.ndarray) else v for k, v in sample.kwargs.items()}


def bound(entry, sample, device="cpu"):
    """``entry.op`` with the sample's keyword arguments bound, named after the entry."""
    kwargs = _kwargs_on(sample, device)

    def fn(*args):
        return entry.op(*args, **kwargs)

    fn.__name__ = entry.name
    return fn


def _float_outputs(outputs):
    return [o for o in _flatten(outputs) if isinstance(o, Tensor) and o.dtype.kind == "f"]


def _weights(outputs, seed=WEIGHT_SEED):
    """Random float64 host weights, one per float output (the same for every run of a sample)."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(o.shape) for o in outputs]


def _run(entry, sample, dtype=np.float64, device="cpu", args=None):
    """Call the op: (its args, its float outputs as host float64 arrays, the gradients of
    sum(weights * outputs) for each input requiring grad, as host float64 arrays), plus the
    output and gradient Tensors for dtype checks."""
    if args is None:
        args = sample.to_args(dtype, device)
    wrt = [a for a in args if isinstance(a, Tensor) and a.requires_grad]
    with enable_grad():
        outs = _float_outputs(entry.op(*args, **_kwargs_on(sample, device)))
    weights = _weights(outs)
    live = [(o, w) for o, w in zip(outs, weights) if o.requires_grad]
    grads = [None] * len(wrt)
    if live and wrt:
        grads = autograd_grad([o for o, _ in live],
                              wrt,
                              grad_outputs=[Tensor._make(backend.to_device(w.astype(o.dtype), o.device))
                                            for o, w in live],
                              allow_unused=True)
    return outs, wrt, grads


def _host(array):
    return np.array(backend.to_device(array, "cpu"), dtype=np.float64, copy=True)


def _compare(result, what, got, want, rtol, atol):
    """Fold one comparison into ``result``: |got - want| <= atol + rtol * |want| everywhere."""
    got, want = _host(got), _host(want)
    if got.shape != want.shape:
        result.fail(f"{what}: shape {got.shape}, expected {want.shape}")
        return
    result.add_errors(got, want, atol)
    err = np.abs(got - want)
    bad = ~(err <= atol + rtol * np.abs(want))  # NaN counts as bad
    if bad.any():
        j = int(np.argmax(np.where(np.isnan(err), np.inf, err)))
        where = np.unravel_index(j, got.shape) if got.ndim else ()
        result.fail(f"{what}: {int(bad.sum())} of {got.size} entries differ (rtol={rtol:g}, atol={atol:g}); "
                    f"worst at {tuple(int(i) for i in where)}: got {got.flat[j]:.9e}, expected "
                    f"{want.flat[j]:.9e}")


def _compare_runs(result, label, run, ref, rtol, atol, dtype=None):
    """Compare two ``_run`` results (outputs and gradients); check dtypes when ``dtype`` is given."""
    outs, _, grads = run
    ref_outs, ref_wrt, ref_grads = ref
    if len(outs) != len(ref_outs):
        result.fail(f"{label}: {len(outs)} float outputs, expected {len(ref_outs)}")
        return result
    for k, (o, r) in enumerate(zip(outs, ref_outs)):
        if dtype is not None and o.dtype != dtype:
            result.fail(f"{label}: output {k} has dtype {o.dtype}, expected {np.dtype(dtype)}")
        _compare(result, f"{label}: output {k}", o.array, r.array, rtol, atol)
    for i, (g, r, x) in enumerate(zip(grads, ref_grads, ref_wrt)):
        if (g is None) != (r is None):
            result.fail(f"{label}: gradient {i} is {'None' if g is None else 'present'}, the reference's "
                        f"is {'None' if r is None else 'present'}")
        elif g is not None:
            if dtype is not None and g.dtype != dtype:
                result.fail(f"{label}: gradient {i} has dtype {g.dtype}, expected {np.dtype(dtype)}")
            _compare(result, f"{label}: gradient {i} (input shape {tuple(x.shape)})", g.array, r.array, rtol, atol)
    return result


# ---- the checks --------------------------------------------------------------------------


def gradcheck(entry, sample, device="cpu", seed=0):
    """Backward against central differences, float64."""
    return check_gradients(bound(entry, sample, device), tuple(sample.to_args(np.float64, device)),
                           eps=entry.extra.get("eps", 1e-6), atol=entry.atol, rtol=entry.rtol,
                           fast_mode=entry.fast_mode, seed=seed)


def gradgradcheck(entry, sample, device="cpu", seed=0):
    """The gradient of the gradient against central differences (None when not supported)."""
    if not entry.double_backward:
        return None
    return check_gradients(bound(entry, sample, device), tuple(sample.to_args(np.float64, device)),
                           eps=entry.extra.get("eps", 1e-6), atol=entry.extra.get("gradgrad_atol", entry.atol),
                           rtol=entry.extra.get("gradgrad_rtol", entry.rtol), fast_mode=entry.fast_mode,
                           seed=seed, order=2)


def float32(entry, sample, device="cpu"):
    """float32 in -> float32 out: outputs and gradients are float32 and close to the float64 ones."""
    if not entry.float32:
        return None
    ref = _run(entry, sample, np.float64, device)
    run = _run(entry, sample, np.float32, device)
    return _compare_runs(CheckResult(), f"{entry.name} float32", run, ref,
                         entry.extra.get("float32_rtol", 1e-4), entry.extra.get("float32_atol", 1e-5),
                         dtype=np.float32)


def broadcast_variants(sample):
    """Samples whose float arrays have different, broadcastable shapes, made from ``sample``:
    one input at a time cut to length 1 along its first axis, and the last one also without
    its first axis."""
    positions = [p for p in sample.float_positions() if sample.args[p].ndim >= 1 and sample.args[p].shape[0] > 1]
    variants = []
    for p in positions:
        args = list(sample.args)
        args[p] = args[p][:1].copy()
        variants.append(sample.with_args(args))
    if positions:
        args = list(sample.args)
        args[positions[-1]] = np.array(args[positions[-1]][0])  # 0-d array, not a scalar
        variants.append(sample.with_args(args))
    return variants


def broadcast(entry, sample, device="cpu"):
    """For ``broadcasts=True`` entries: broadcast shapes give the explicitly broadcast result,
    and gradients (summed back to each input's shape) pass gradcheck."""
    if not entry.broadcasts or len(sample.float_positions()) < 2:
        return None
    result = CheckResult()
    for variant in broadcast_variants(sample):
        shapes = [variant.args[p].shape for p in variant.float_positions()]
        try:
            target = np.broadcast_shapes(*shapes)
        except ValueError:
            continue
        explicit = list(variant.args)
        for p in variant.float_positions():
            explicit[p] = np.ascontiguousarray(np.broadcast_to(variant.args[p], target))
        with enable_grad():
            got = _float_outputs(entry.op(*variant.to_args(np.float64, device), **variant.kwargs))
            want = _float_outputs(entry.op(*variant.with_args(explicit).to_args(np.float64, device),
                                           **variant.kwargs))
        label = f"{entry.name} on shapes {' and '.join(str(s) for s in shapes)}"
        for k, (g, w) in enumerate(zip(got, want)):
            _compare(result, f"{label}: output {k}", g.array, w.array, 1e-12, 1e-12)
        inner = gradcheck(entry, variant, device)
        for m in inner.messages:
            result.fail(f"{label}: {m}")
        result.max_abs_err = max(result.max_abs_err, inner.max_abs_err)
        result.max_rel_err = max(result.max_rel_err, inner.max_rel_err)
    return result


def noncontiguous_sample(sample):
    """The sample with every float array of two or more entries replaced by a strided view."""
    args = [noncontiguous(a) if is_float_array(a) and a.size > 1 else a for a in sample.args]
    return sample.with_args(args)


def noncontig(entry, sample, device="cpu"):
    """Non-contiguous inputs (permuted strides, gaps) give the same outputs and gradients."""
    variant = noncontiguous_sample(sample)
    if all(a is b for a, b in zip(variant.args, sample.args)):
        return None
    ref = _run(entry, sample, np.float64, device)
    run = _run(entry, variant, np.float64, device)
    return _compare_runs(CheckResult(), f"{entry.name} non-contiguous", run, ref, 1e-10, 1e-12)


def _torch_args(torch, sample):
    grad = set(sample.grad_positions())
    args = []
    for i, a in enumerate(sample.args):
        if is_float_array(a):
            args.append(torch.tensor(a, dtype=torch.float64, requires_grad=i in grad))
        elif isinstance(a, np.ndarray):
            args.append(torch.from_numpy(a.copy()))
        else:
            args.append(a)
    return args


def torch_parity(entry, sample, torch):
    """Outputs and gradients equal PyTorch's in float64 (None when the entry has no torch_fn).

    ``torch_fn(torch, *args, **kwargs)`` gets float arrays as float64 torch tensors (requiring
    grad where minigrad's do), other NumPy arrays as torch tensors, everything else as is.
    """
    if entry.torch_fn is None:
        return None
    ref_outs, ref_wrt, ref_grads = _run(entry, sample, np.float64)
    t_args = _torch_args(torch, sample)
    t_wrt = [a for a in t_args if isinstance(a, torch.Tensor) and a.requires_grad]
    t_outs = [o for o in _flatten(entry.torch_fn(torch, *t_args, **sample.kwargs))
              if isinstance(o, torch.Tensor) and o.is_floating_point()]
    result = CheckResult()
    rtol, atol = entry.extra.get("torch_rtol", 1e-7), entry.extra.get("torch_atol", 1e-9)
    label = f"{entry.name} vs torch"
    if len(t_outs) != len(ref_outs):
        result.fail(f"{label}: {len(ref_outs)} float outputs, torch gives {len(t_outs)}")
        return result
    for k, (o, t) in enumerate(zip(ref_outs, t_outs)):
        _compare(result, f"{label}: output {k}", o.array, t.detach().numpy(), rtol, atol)
    weights = _weights(ref_outs)
    live = [(t, w) for t, w in zip(t_outs, weights) if t.requires_grad]
    if live and t_wrt:
        t_grads = torch.autograd.grad([t for t, _ in live], t_wrt, [torch.from_numpy(w) for _, w in live],
                                      allow_unused=True)
        for i, (g, t, x) in enumerate(zip(ref_grads, t_grads, ref_wrt)):
            if t is None and g is None:
                continue
            _compare(result, f"{label}: gradient {i} (input shape {tuple(x.shape)})",
                     np.zeros(x.shape) if g is None else g.array,
                     np.zeros(x.shape) if t is None else t.numpy(), rtol, atol)
    return result


def device(entry, sample, device="cuda"):
    """Outputs and gradients on ``device`` equal those on the CPU (float64)."""
    ref = _run(entry, sample, np.float64, "cpu")
    run = _run(entry, sample, np.float64, device)
    return _compare_runs(CheckResult(), f"{entry.name} on {device}", run, ref,
                         entry.extra.get("device_rtol", 1e-7), entry.extra.get("device_atol", 1e-9))
