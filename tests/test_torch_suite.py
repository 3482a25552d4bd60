"""A broad PyTorch-API suite run against minigrad (tests/torch_suite/).

Every case calls an op the ordinary PyTorch way, once on torch and once on minigrad, and compares
forward values, result dtypes and shapes, and gradients (float32 and float64); error cases check that
minigrad raises the same built-in exception type torch raises. Known bugs not yet fixed are listed in
``KNOWN_BUGS`` as strict xfails, so they stay visible and flip when fixed.

    python -m pytest -q tests/test_torch_suite.py              # pass rate: passed / (passed + xfailed)
    python -m pytest -q tests/test_torch_suite.py --runxfail  # the known bugs as plain failures
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import minigrad as mg  # noqa: E402
from minigrad.testing import gradcheck  # noqa: E402

from torch_suite import (cases_double, cases_dtypes, cases_edges, cases_errors, cases_kinks,  # noqa: E402
                         cases_math, cases_modules, cases_more, cases_nn, cases_optim, cases_tensor)
from torch_suite.harness import check_case, check_error_case, check_module_case  # noqa: E402
from torch_suite.known_bugs import KNOWN_BUGS  # noqa: E402

pytestmark = pytest.mark.torch

CASES = (cases_math.CASES + cases_tensor.CASES + cases_dtypes.CASES + cases_edges.CASES + cases_kinks.CASES
         + cases_more.CASES + cases_nn.CASES)
MODULE_CASES = cases_modules.CASES
ERROR_CASES = cases_errors.CASES


def _params(cases, dtyped=True):
    params = []
    for case in cases:
        dtypes = ("float32", "float64") if dtyped and (not hasattr(case, "has_float_input") or case.has_float_input()) \
            else ("float32",)
        for dtype in dtypes:
            ident = f"{case.name}-{dtype}" if dtyped else case.name
            marks = list(case.marks)
            reason = KNOWN_BUGS.get(case.name) or KNOWN_BUGS.get(ident)
            if reason:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            params.append(pytest.param(case, dtype, id=ident, marks=marks))
    return params


def test_suite_size():
    assert len(CASES) + len(MODULE_CASES) + len(ERROR_CASES) >= 300


@pytest.mark.parametrize("case,dtype", _params(CASES))
def test_op(case, dtype):
    check_case(case, dtype)


@pytest.mark.parametrize("case,dtype", _params(MODULE_CASES))
def test_module(case, dtype):
    check_module_case(case, dtype)


@pytest.mark.parametrize("case,dtype", _params(ERROR_CASES, dtyped=False))
def test_error(case, dtype):
    check_error_case(case)


@pytest.mark.parametrize("fn", [
    lambda y, x: mg.trapezoid(y, x, dim=0),
    lambda y, x: mg.cumulative_trapezoid(y, x, dim=0),
    lambda y, x: mg.vander(x, N=4),
    lambda y, x: mg.vander(x * 0, increasing=True),  # at x = 0, where pow's gradient would be nan
    lambda y, x: mg.cholesky_solve(y, (x.reshape(3, 1) * x + mg.eye(3, dtype=x.dtype) * 2).tril()),
], ids=["trapezoid", "cumulative_trapezoid", "vander", "vander at zero", "cholesky_solve"])
def test_composed_ops_gradcheck(fn):
    """Gradients of the ops this suite added, by finite differences (torch's vander backward fails)."""
    rng = np.random.default_rng(0)
    y = mg.tensor(rng.standard_normal((3, 2)), requires_grad=True)
    x = mg.tensor(np.array([0.0, 0.7, 1.9]), requires_grad=True)
    assert gradcheck(fn, (y, x))


@pytest.mark.parametrize("case,dtype", _params(cases_optim.CASES))
def test_optimizer(case, dtype):
    cases_optim.check_optim_case(case, dtype)


@pytest.mark.parametrize("case,dtype", _params(cases_double.CASES))
def test_double_backward(case, dtype):
    cases_double.check_double_case(case, dtype)
