"""``torch.utils.benchmark``'s import path: Timer, Measurement and Compare (timer.py)."""

from .timer import Compare, Measurement, Timer

__all__ = ["Timer", "Measurement", "Compare"]
