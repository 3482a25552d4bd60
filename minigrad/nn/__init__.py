"""Layers, losses, containers and initialisation, with PyTorch's names.

``minigrad.nn.functional`` (imported as ``F``) holds the same computations as functions.
"""

from . import init
from .module import Module
from .parameter import Parameter
