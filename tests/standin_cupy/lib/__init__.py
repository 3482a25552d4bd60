"""The stand-in's ``cupy.lib``."""

from . import stride_tricks  # noqa: F401
