"""The op registry: one entry per differentiable op, driving every generic check.

An entry (``OpInfo``) says how to call the op, how to build sample inputs that keep away
from its kinks, which ``Function`` classes it exercises, whether it supports double
backward, its tolerances and its PyTorch twin. Generic tests (gradcheck, gradgradcheck,
float32 preservation, broadcasting, non-contiguous inputs, torch parity, the GPU) loop over
``all_entries()``; adding an op means adding an entry, and every check applies to it.

Entries live in ``minigrad/testing/entries/<family>.py``, each module holding a list
``ENTRIES``.
"""

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable, Optional


@dataclass
class Sample:
    """One call of an op.

    ``args``: positional arguments. NumPy float arrays become Tensors (float64 in gradient
    checks, or the dtype under test); those at the positions in ``grad`` require grad
    (default: every float array). Anything else (ints, tuples, integer arrays) is passed as is.
    ``kwargs``: keyword arguments, passed as is.
    """

    args: tuple
    kwargs: dict = field(default_factory=dict)
    grad: Optional[tuple] = None  # indices of args that require grad; None = all float arrays


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
    torch_fn: Optional[Callable] = None  # torch_fn(torch, *torch_tensors, **kwargs), for parity
    broadcasts: bool = False  # elementwise n-ary op: also checked on broadcast shapes
    float32: bool = True  # float32 in -> float32 out (values and grads) is checked
    fast_mode: bool = False  # gradcheck by random projections (large inputs)
    notes: str = ""
    extra: dict = field(default_factory=dict)


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
