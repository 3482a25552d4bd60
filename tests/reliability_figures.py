"""Figures the reliability tests hand to scripts/reliability_report.py (which sets the directory)."""

import json
import os


def record(key, figures):
    """Write ``figures`` to $MINIGRAD_RELIABILITY_DIR/<key>.json; do nothing when it is unset."""
    out = os.environ.get("MINIGRAD_RELIABILITY_DIR")
    if out:
        with open(os.path.join(out, f"{key}.json"), "w") as f:
            json.dump(figures, f, indent=1, sort_keys=True)
