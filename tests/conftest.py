"""Shared test set-up: hypothesis profiles, the ``gpu`` and ``torch`` markers, a ``torch`` fixture.

- hypothesis: the ``ci`` profile (derandomized, so CI runs are reproducible, no deadline)
  is loaded when the environment variable CI is set, ``dev`` (random examples, no deadline)
  otherwise; HYPOTHESIS_PROFILE=name picks one explicitly.
- ``@pytest.mark.gpu`` tests are skipped unless CuPy imports and sees a GPU. With
  ``MINIGRAD_STANDIN_CUDA=1`` in the environment, device ``cuda`` is the strict stand-in for
  CuPy in tests/standin_cupy (CuPy's rules on NumPy, two fake GPUs), so
  ``MINIGRAD_STANDIN_CUDA=1 python -m pytest -m gpu`` runs the device suite without a GPU.
- ``@pytest.mark.torch`` tests are skipped when torch is not installed; the ``torch``
  fixture gives the torch module (or skips).
- the run ends with one line saying how many live PyTorch parity tests were skipped and why
  (``pytest_unconfigure``).
"""

import importlib.util
import os
import re

import pytest

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # hypothesis is in the test extra; without it property tests cannot run
    settings = None
else:
    settings.register_profile("ci", derandomize=True, deadline=None, max_examples=25, print_blob=True,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile("dev", deadline=None, max_examples=50,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


STANDIN_CUDA = os.environ.get("MINIGRAD_STANDIN_CUDA") == "1"
if STANDIN_CUDA:
    import standin_cupy

    from minigrad import backend

    backend._cupy, backend._gpu_count = standin_cupy, None  # the stand-in plays cupy from here on


def pytest_collection_modifyitems(config, items):
    gpu_items = [item for item in items if item.get_closest_marker("gpu")]
    if gpu_items:
        from minigrad.backend import is_cuda_available

        if not is_cuda_available():
            skip = pytest.mark.skip(reason="needs CuPy and a GPU (pip install 'minigrad[gpu]')")
            for item in gpu_items:
                item.add_marker(skip)
    torch_items = [item for item in items if item.get_closest_marker("torch")]
    if torch_items and importlib.util.find_spec("torch") is None:
        skip = pytest.mark.skip(reason="needs torch (pip install 'minigrad[parity]')")
        for item in torch_items:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def torch():
    """The torch module, for parity tests; skips the test when torch is not installed."""
    return pytest.importorskip("torch")


_TORCH_MISSING = re.compile(r"could not import 'torch'|needs torch|torch is not installed|without torch")


def pytest_unconfigure(config):
    """The run's last line: how many live PyTorch parity tests were skipped, and why.

    Without torch those tests skip quietly; tests/test_golden.py still checks parity against
    the outputs recorded from PyTorch in tests/golden/. (This hook runs after pytest's own
    closing line, so the sentence really ends the output.)
    """
    terminalreporter = config.pluginmanager.get_plugin("terminalreporter")
    if terminalreporter is None:
        return
    reasons = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
        if _TORCH_MISSING.search(reason):  # a skip because torch is absent, not any skip that mentions it
            reason = reason.removeprefix("Skipped: ").splitlines()[0]
            reasons[reason] = reasons.get(reason, 0) + 1
    if not reasons:
        if importlib.util.find_spec("torch") is not None:
            terminalreporter.write_line("live PyTorch parity: torch is installed, no parity test skipped")
        return
    count = sum(reasons.values())
    why = "; ".join(f"{n} x {r}" for r, n in sorted(reasons.items(), key=lambda kv: -kv[1]))
    terminalreporter.write_line(f"live PyTorch parity: {count} test(s) skipped ({why}); "
                                "tests/test_golden.py checks against outputs recorded from PyTorch instead")
