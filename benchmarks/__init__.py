"""Side-by-side benchmark of minigrad against PyTorch and the NumPy floor (BENCHMARKS.md).

Run it with ``python -m benchmarks`` (``--help`` lists the options).

- ``frameworks``: the adapters (minigrad, torch) a workload is written against;
- ``workloads``: each workload written once, for any framework,
  with the matrix products of its NumPy floor; ``register`` adds a workload from another
  module (``EXTRA_MODULES``: benchmarks/bert.py, benchmarks/distributed.py);
- ``runner``: the block protocol (each framework's calls back to back, a pause, alternating
  rounds), the older interleaved one (``--protocol interleaved``), the floor, and the W6
  memory probe, which runs each framework in a fresh process;
- ``sweep``: W1 and W5 at 4 batch sizes, W4 at 4 sequence lengths (``--sweep``);
- ``report``: the table, and the figures as JSON.

Neither torch nor minigrad is imported until a workload is built, so the CLI starts fast
and works without torch (it then prints minigrad's figures and the floors alone).
"""
