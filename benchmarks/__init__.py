"""Side-by-side benchmark of minigrad against PyTorch (the workloads W0-W6 of BENCHMARKS.md).

Run it with ``python -m benchmarks`` (``--help`` lists the options).

- ``workloads``: each workload written once, for any framework, through a small adapter;
- ``runner``: interleaved timing (minigrad, torch, minigrad, torch, ...) and the W6 memory
  probe, which runs each framework in a fresh process;
- ``report``: the table, and the figures as JSON.

Neither torch nor minigrad is imported until a workload is built, so the CLI starts fast
and works without torch (it then prints minigrad's figures alone).
"""
