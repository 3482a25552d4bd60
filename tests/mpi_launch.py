"""Starting Python programs under ``mpiexec`` for the distributed tests, so that a hang fails.

Each launch runs in a session of its own: on timeout the whole process group (mpiexec and
every rank) is killed, so no process is left behind, and the test fails with the output so far.
"""

import importlib.util
import os
import shutil
import signal
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MPIEXEC = shutil.which("mpiexec")
needs_mpi = pytest.mark.skipif(importlib.util.find_spec("mpi4py") is None or MPIEXEC is None,
                               reason="needs mpi4py and mpiexec: pip install 'minigrad[distributed]'")


def launch_env(extra=None):
    """This environment, with one BLAS thread per rank (they share the cores) and minigrad importable."""
    return dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
                PYTHONPATH=os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH")) if p), **(extra or {}))


def run_or_kill(cmd, env, timeout, cwd=ROOT):
    """(return code, stdout and stderr) of ``cmd``; past ``timeout`` its process group is killed, the test fails."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            cwd=cwd, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        pytest.fail(f"{' '.join(cmd)} did not finish in {timeout}s (killed):\n{out[-3000:]}")
    return proc.returncode, out
