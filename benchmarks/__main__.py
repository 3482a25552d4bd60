"""``python -m benchmarks``: run the workloads in minigrad and torch with their floors, print the table."""

import sys

from .runner import main

sys.exit(main())
