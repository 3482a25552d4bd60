"""``python -m minigrad.testing``: the gradient-check report (see ``minigrad.testing.report``).

``python -m minigrad.testing --index [FILE]`` prints the op index instead (or writes it to FILE,
e.g. docs/op-index.md; see ``minigrad.testing.op_index``). ``--help`` lists every option.
"""

import os
import sys

from .report import main

try:
    sys.exit(main())
except BrokenPipeError:  # the reader went away (``... | head``): stop quietly
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(1)
