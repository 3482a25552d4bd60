"""minigrad.host_memory: freed host memory is kept for reuse (glibc), and can be turned off."""

import os
import subprocess
import sys

import pytest

from minigrad import host_memory

GLIBC = sys.platform.startswith("linux") and host_memory._libc_version().startswith("glibc")

# A step's worth of large arrays, allocated, written and freed again and again; prints the minor
# page faults (pages the kernel had to map afresh) of the last 20 rounds.
_ROUNDS = """
import resource, sys
import numpy as np
import minigrad
def step():
    arrays = [np.empty(3 * 1024 * 1024, np.float32) for _ in range(4)]  # 4 x 12 MB
    for a in arrays:
        a.fill(1.0)
for _ in range(3):
    step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    step()
print(minigrad.host_memory.HOST_MALLOC_TUNED, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(setting):
    env = dict(os.environ)
    env.pop("MINIGRAD_HOST_MALLOC", None)
    if setting is not None:
        env["MINIGRAD_HOST_MALLOC"] = setting
    out = subprocess.run([sys.executable, "-c", _ROUNDS], env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout.split()
    return out[0] == "True", int(out[1])


@pytest.mark.skipif(not GLIBC, reason="the thresholds are glibc's; elsewhere minigrad leaves malloc alone")
def test_reused_arrays_do_not_fault_in_fresh_pages():
    tuned, faults = _faults(None)
    untuned, faults_default = _faults("default")
    assert tuned and not untuned
    # each 12 MB array spans at least six 2 MB (huge) pages, far more 4 KB ones
    fresh = 20 * 4 * 6
    assert faults_default >= fresh  # glibc's default hands the arrays back and maps them again
    assert faults < fresh // 10  # kept: the rounds reuse the same pages


def test_turned_off_by_the_environment(monkeypatch):
    monkeypatch.setenv("MINIGRAD_HOST_MALLOC", "default")
    assert host_memory.keep_freed_memory() is False


@pytest.mark.skipif(GLIBC, reason="on glibc the thresholds are set")
def test_nothing_is_done_without_glibc():
    assert host_memory.HOST_MALLOC_TUNED is False
