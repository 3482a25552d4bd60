"""Shared test set-up: hypothesis profiles, the ``gpu`` and ``torch`` markers, a ``torch`` fixture.

- hypothesis: the ``ci`` profile (derandomized, so CI runs are reproducible, no deadline)
  is loaded when the environment variable CI is set, ``dev`` (random examples, no deadline)
  otherwise; HYPOTHESIS_PROFILE=name picks one explicitly.
- ``@pytest.mark.gpu`` tests are skipped unless CuPy imports and sees a GPU.
- ``@pytest.mark.torch`` tests are skipped when torch is not installed; the ``torch``
  fixture gives the torch module (or skips).
"""

import importlib.util
import os

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
