"""The op registry: one entry per differentiable op, driving every generic check.

An entry (``OpInfo``) says how to call the op, how to build sample inputs that keep away
from its kinks, which ``Function`` classes it exercises, whether it supports double
backward, its tolerances and its PyTorch twin. Generic tests (gradcheck, gradgradcheck,
float32 preservation, broadcasting, non-contiguous inputs, torch parity, the GPU) loop over
``all_entries()``; adding an op means adding an entry, and every check applies to it.

Entries live in ``minigrad/testing/entries/<family>.py``, each module holding a list
``ENTRIES``. The checks are in ``minigrad.testing.checks``; ``python -m minigrad.testing``
prints them as a table and ``tests/test_registry.py`` runs them all.
"""

import dataclasses
import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np


@dataclass
class Sample:
    """One call of an op.

    ``args``: positional arguments. NumPy float arrays become Tensors (float64 in gradient
    checks, or the dtype under test); those at the positions in ``grad`` require grad
    (default: every float array). Anything else (ints, tuples, integer arrays) is passed as is
    (on a GPU run, integer and bool NumPy arrays are moved to the GPU, still as arrays).
    ``kwargs``: keyword arguments, passed as is.
    """

    args: tuple
    kwargs: dict = field(default_factory=dict)
    grad: Optional[tuple] = None  # indices of args that require grad; None = all float arrays

    def float_positions(self):
        """Indices of the args that are NumPy float arrays (they become Tensors)."""
        return tuple(i for i, a in enumerate(self.args) if is_float_array(a))

    def grad_positions(self):
        """Indices of the args that require grad."""
        return tuple(self.float_positions() if self.grad is None else self.grad)

    def to_args(self, dtype=np.float64, device="cpu", requires_grad=True):
        """The args for ``op``: float arrays as Tensors of ``dtype`` on ``device``.

        Those at ``grad_positions()`` require grad (when ``requires_grad``). An array already
        of ``dtype`` is wrapped without a copy, so a non-contiguous array stays non-contiguous.
        """
        from .. import backend
        from ..tensor import Tensor

        grad = set(self.grad_positions()) if requires_grad else set()
        args = []
        for i, a in enumerate(self.args):
            if is_float_array(a):
                a = a if a.dtype == dtype else a.astype(dtype)
                t = Tensor._make(backend.to_device(a, device))
                args.append(t.requires_grad_() if i in grad else t)
            elif isinstance(a, np.ndarray):
                args.append(backend.to_device(a, device))
            else:
                args.append(a)
        return args

    def with_args(self, args):
        """A copy of this sample with other positional arguments (same kwargs and grad)."""
        return dataclasses.replace(self, args=tuple(args))


def is_float_array(a):
    return isinstance(a, np.ndarray) and a.dtype.kind == "f"


@dataclass
class OpInfo:
    """How to check one op (see the module docstring)."""

    name: str
    op: Callable  # op(*tensors, **kwargs) -> Tensor or tuple of Tensors
    sample_inputs: Callable  # sample_inputs(rng: numpy Generator) -> list[Sample] (float64 arrays)
    functions: tuple = ()  # the Function classes this entry exercises
    double_backward: bool = True
    atol: float = 1e-5
    rtol: float = 1e-3
    # torch_fn(torch, *args, **kwargs), for parity: float arrays arrive as float64 torch tensors
    # (requiring grad where minigrad's do), other NumPy arrays as torch tensors, the rest as is
    torch_fn: Optional[Callable] = None
    broadcasts: bool = False  # elementwise n-ary op: also checked on broadcast shapes
    float32: bool = True  # float32 in -> float32 out (values and grads) is checked
    fast_mode: bool = False  # gradcheck by random projections (large inputs)
    notes: str = ""
    # optional keys: "float32_rtol"/"float32_atol" (float32 vs float64 results, default 1e-4/1e-5),
    # "torch_rtol"/"torch_atol" (default 1e-7/1e-9), "gradgrad_atol"/"gradgrad_rtol" (default
    # atol/rtol), "eps" (finite-difference step, default 1e-6), "device_rtol"/"device_atol"
    # (GPU vs CPU, default 1e-7/1e-9)
    extra: dict = field(default_factory=dict)

    def samples(self, rng):
        """The entry's samples for a numpy Generator, as a list."""
        return list(self.sample_inputs(rng))


def entry_modules():
    """The modules of ``minigrad.testing.entries``, imported."""
    from . import entries

    return [importlib.import_module(f"{entries.__name__}.{m.name}")
            for m in sorted(pkgutil.iter_modules(entries.__path__), key=lambda m: m.name)]


def all_entries():
    """Every registered OpInfo, in a stable order."""
    result = []
    for module in entry_modules():
        result.extend(module.ENTRIES)
    return result


def functions_covered():
    """The set of Function classes some entry exercises."""
    return {f for e in all_entries() for f in e.functions}
