"""The suite's one checker, in the style of tinygrad's ``helper_test_op``.

A case is a callable ``fn(T, *inputs)`` written once with ``T`` standing for the library (``torch`` or
``minigrad``), so the minigrad call reads exactly like the PyTorch one; an optional ``mg_fn`` replaces it
on the minigrad side where a spelling must differ. Inputs are specs turned into equal-valued tensors of
both libraries. ``check_case`` compares forward values, result dtypes and shapes, then the gradient of
``sum(out * g)`` (``g`` a fixed random upstream gradient) for every float input. ``check_module_case``
does the same for a layer whose weights are copied from torch. ``check_error_case`` checks that where
torch raises, minigrad raises an instance of the same built-in exception type.
"""

import builtins

import numpy as np
import torch

import minigrad as mg

TOLERANCES = {"float32": (1e-5, 1e-4), "float64": (1e-9, 1e-7)}  # (atol, rtol)


# ----------------------------------------------------------------------------------------- input specs
class Spec:
    """A float input of ``shape``: normal (default), or uniform on [low, high]; ``grad`` marks a leaf."""

    def __init__(self, shape, low=None, high=None, grad=True, offset=0.0):
        self.shape, self.low, self.high, self.grad, self.offset = tuple(shape), low, high, grad, offset

    def values(self, rng):
        if self.low is None:
            return rng.standard_normal(self.shape) + self.offset
        return rng.uniform(self.low, self.high, self.shape)


def U(*shape, low=-1.0, high=1.0, grad=True):
    return Spec(shape, low, high, grad)


def P(*shape, grad=True):
    """Positive values kept away from 0: [0.5, 2]."""
    return Spec(shape, 0.5, 2.0, grad)


class Fixed:
    """Given values; float arrays take the case's float dtype (and a grad), others keep their dtype."""

    def __init__(self, values, dtype=None, grad=None):
        self.array = np.asarray(values, dtype=dtype)
        self.grad = np.issubdtype(self.array.dtype, np.floating) if grad is None else grad


def I(values, dtype=np.int64):  # noqa: E743 - "index" input
    return Fixed(values, dtype=dtype, grad=False)


def B(values):
    return Fixed(np.asarray(values, dtype=bool), grad=False)


def randint(low, high, shape, seed=0, dtype=np.int64):
    return I(np.random.default_rng(seed).integers(low, high, shape), dtype=dtype)


def perm(n, seed=0):
    return I(np.random.default_rng(seed).permutation(n))


# ------------------------------------------------------------------------------------------- cases
class Case:
    def __init__(self, name, fn, inputs=(), mg_fn=None, grad=True, values=True, tol=None, marks=()):
        self.name, self.fn, self.inputs = name, fn, tuple(inputs)
        self.mg_fn = mg_fn or fn
        self.grad, self.values, self.tol, self.marks = grad, values, tol, marks

    def has_float_input(self):
        return any(isinstance(s, (Spec, tuple)) or (isinstance(s, Fixed) and s.array.dtype.kind == "f")
                   for s in self.inputs)


class ModuleCase:
    """``ctor(T)`` builds the layer; ``call(m, *inputs)`` runs it (default ``m(*inputs)``)."""

    def __init__(self, name, ctor, inputs, call=None, train=True, tol=None, marks=()):
        self.name, self.ctor, self.inputs, self.train, self.tol, self.marks = name, ctor, tuple(inputs), train, tol, marks
        self.call = call or (lambda m, *xs: m(*xs))


class ErrorCase:
    def __init__(self, name, fn, inputs=(), mg_fn=None, marks=()):
        self.name, self.fn, self.inputs, self.marks = name, fn, tuple(inputs), marks
        self.mg_fn = mg_fn or fn


def _seed(name):
    return sum(ord(c) * (i + 1) for i, c in enumerate(name)) % (2 ** 31)


def make_inputs(specs, dtype, rng):
    """Equal-valued (torch, minigrad) inputs for ``specs`` in float ``dtype``."""
    tin, min_ = [], []
    for spec in specs:
        if isinstance(spec, tuple):  # a bare shape: a normal float input with a gradient
            spec = Spec(spec)
        if isinstance(spec, Spec):
            arr, grad = spec.values(rng).astype(dtype), spec.grad
        elif isinstance(spec, Fixed):
            arr = spec.array.astype(dtype) if spec.array.dtype.kind == "f" else spec.array
            grad = spec.grad and arr.dtype.kind == "f"
        else:  # anything else (a Python scalar, a tuple) goes to both sides unchanged
            tin.append(spec)
            min_.append(spec)
            continue
        tin.append(torch.tensor(arr.copy(), requires_grad=grad))
        min_.append(mg.tensor(arr.copy(), requires_grad=grad))
    return tin, min_


# --------------------------------------------------------------------------------------- comparison
def dtype_name(dtype):
    return str(dtype).replace("torch.", "") if isinstance(dtype, torch.dtype) else np.dtype(dtype).name


def flatten(out, like=None):
    """Outputs as a flat list: tensors, tuples (named ones too) and Python values.

    ``like`` (torch's output) says where to stop on the minigrad side: a torch.Size is one leaf,
    whereas minigrad's shape is a plain tuple.
    """
    like = out if like is None else like
    if isinstance(like, (tuple, list)) and not isinstance(like, torch.Size) and isinstance(out, (tuple, list)):
        if len(like) != len(out):
            return list(out)
        return [leaf for item, ref in zip(out, like) for leaf in flatten(item, ref)]
    return [out]


def to_numpy(t):
    if isinstance(t, torch.Tensor):
        return t.detach().numpy(force=True)
    return np.asarray(t.array)


def compare_values(tout, mout, tol, where="output", values=True):
    assert len(tout) == len(mout), f"{where}: torch gives {len(tout)} outputs, minigrad {len(mout)}"
    for k, (t, m) in enumerate(zip(tout, mout)):
        label = f"{where}[{k}]"
        if isinstance(t, torch.Tensor):
            assert isinstance(m, mg.Tensor), f"{label}: minigrad gives {type(m).__name__}, torch a Tensor"
            assert dtype_name(t.dtype) == dtype_name(m.dtype), \
                f"{label}: dtype torch {dtype_name(t.dtype)} vs minigrad {dtype_name(m.dtype)}"
            assert tuple(t.shape) == tuple(m.shape), f"{label}: shape torch {tuple(t.shape)} vs minigrad {tuple(m.shape)}"
            if values:
                a, b = to_numpy(t), to_numpy(m)
                if a.dtype.kind in "fc":
                    np.testing.assert_allclose(b, a, atol=tol[0], rtol=tol[1], err_msg=label)
                else:
                    np.testing.assert_array_equal(b, a, err_msg=label)
        elif isinstance(t, torch.Size):
            assert tuple(t) == tuple(m), f"{label}: torch {tuple(t)} vs minigrad {m}"
        elif isinstance(t, float):
            assert abs(t - m) <= tol[0] + tol[1] * abs(t), f"{label}: torch {t} vs minigrad {m}"
        else:
            assert t == m, f"{label}: torch {t!r} vs minigrad {m!r}"


def _upstream(touts, rng):
    """Fixed random upstream gradients for the float outputs that carry a graph in torch."""
    return [(k, rng.standard_normal(tuple(t.shape))) for k, t in enumerate(touts)
            if isinstance(t, torch.Tensor) and t.requires_grad and t.dtype.is_floating_point]


def compare_grads(touts, mouts, tleaves, mleaves, rng, tol, names):
    ups = _upstream(touts, rng)
    if not ups or not tleaves:
        return
    tloss = sum((touts[k] * torch.tensor(g, dtype=touts[k].dtype)).sum() for k, g in ups)
    tgrads = torch.autograd.grad(tloss, tleaves, allow_unused=True)
    for k, _ in ups:
        assert mouts[k].requires_grad, f"output[{k}] has no graph in minigrad"
    mloss = sum((mouts[k] * mg.tensor(g.astype(dtype_name(touts[k].dtype)))).sum() for k, g in ups)
    mloss.backward()
    for name, tg, leaf in zip(names, tgrads, mleaves):
        mgrad = leaf.grad
        if tg is None:
            assert mgrad is None or not np.any(to_numpy(mgrad)), f"grad of {name}: torch None, minigrad nonzero"
            continue
        assert mgrad is not None, f"grad of {name}: minigrad gives None"
        assert dtype_name(mgrad.dtype) == dtype_name(tg.dtype), f"grad of {name}: dtype {mgrad.dtype} vs {tg.dtype}"
        np.testing.assert_allclose(to_numpy(mgrad), tg.numpy(force=True), atol=tol[0] * 10, rtol=tol[1],
                                   err_msg=f"grad of {name}")


# ------------------------------------------------------------------------------------------- checks
def check_case(case, dtype):
    rng = np.random.default_rng(_seed(case.name))
    tin, min_ = make_inputs(case.inputs, dtype, rng)
    tol = case.tol or TOLERANCES[dtype]
    traw = case.fn(torch, *tin)
    tout, mout = flatten(traw), flatten(case.mg_fn(mg, *min_), like=traw)
    compare_values(tout, mout, tol, values=case.values)
    if case.grad:
        pairs = [(f"input[{i}]", t, m) for i, (t, m) in enumerate(zip(tin, min_))
                 if isinstance(t, torch.Tensor) and t.requires_grad]
        compare_grads(tout, mout, [p[1] for p in pairs], [p[2] for p in pairs], rng, tol, [p[0] for p in pairs])


def copy_module(tmod, mmod):
    """Copy every parameter and buffer of the torch layer into the minigrad one, by name."""
    tstate = dict(tmod.named_parameters())
    tstate.update(dict(tmod.named_buffers()))
    mstate = dict(mmod.named_parameters())
    mstate.update(dict(mmod.named_buffers()))
    assert sorted(tstate) == sorted(mstate), f"state names: torch {sorted(tstate)} vs minigrad {sorted(mstate)}"
    for name, t in tstate.items():
        m = mstate[name]
        assert tuple(m.shape) == tuple(t.shape), f"{name}: shape torch {tuple(t.shape)} vs minigrad {tuple(m.shape)}"
        m.array[...] = t.detach().numpy()


def check_module_case(case, dtype):
    rng = np.random.default_rng(_seed(case.name))
    torch.manual_seed(_seed(case.name))
    tmod, mmod = case.ctor(torch), case.ctor(mg)
    if dtype == "float64":
        tmod, mmod = tmod.double(), mmod.double()
    copy_module(tmod, mmod)
    tmod.train(case.train)
    mmod.train(case.train)
    tin, min_ = make_inputs(case.inputs, dtype, rng)
    tol = case.tol or TOLERANCES[dtype]
    traw = case.call(tmod, *tin)
    tout, mout = flatten(traw), flatten(case.call(mmod, *min_), like=traw)
    compare_values(tout, mout, tol)
    tparams = dict(tmod.named_parameters())
    mparams = dict(mmod.named_parameters())
    pairs = [(f"input[{i}]", t, m) for i, (t, m) in enumerate(zip(tin, min_))
             if isinstance(t, torch.Tensor) and t.requires_grad]
    pairs += [(name, tparams[name], mparams[name]) for name in tparams]
    compare_grads(tout, mout, [p[1] for p in pairs], [p[2] for p in pairs], rng, tol, [p[0] for p in pairs])
    if case.train:  # running statistics move the same way
        compare_values(flatten([b for _, b in tmod.named_buffers()]), flatten([b for _, b in mmod.named_buffers()]),
                       tol, where="buffer")


_BUILTIN_ERRORS = (IndexError, KeyError, TypeError, NotImplementedError, ValueError, RuntimeError, AttributeError)


def builtin_error_type(exc):
    """The most specific built-in exception class ``exc`` is an instance of."""
    for cls in type(exc).__mro__:
        if getattr(builtins, cls.__name__, None) is cls and issubclass(cls, _BUILTIN_ERRORS):
            return cls
    return Exception


def check_error_case(case):
    rng = np.random.default_rng(_seed(case.name))
    tin, min_ = make_inputs(case.inputs, "float32", rng)
    try:
        case.fn(torch, *tin)
    except Exception as exc:  # noqa: BLE001 - any torch error defines what minigrad must raise
        expected = builtin_error_type(exc)
    else:
        raise AssertionError("torch does not raise here: the case is wrong")
    try:
        case.mg_fn(mg, *min_)
    except expected:
        return
    except Exception as exc:  # noqa: BLE001
        raise AssertionError(f"torch raises {expected.__name__}, minigrad {type(exc).__name__}: {exc}") from exc
    raise AssertionError(f"torch raises {expected.__name__}, minigrad does not raise")
