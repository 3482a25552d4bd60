"""``python -m benchmarks``: run W0-W6 in minigrad and torch, print the table."""

import sys

from .runner import main

sys.exit(main())
