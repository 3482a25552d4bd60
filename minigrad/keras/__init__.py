"""A Keras front end on minigrad: Keras programs run with the import changed.

    import minigrad as tf
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])
    model.compile(optimizer="sgd", loss="mean_squared_error")

or ``from minigrad.keras.models import Sequential``. The layers (``layers/``) are minigrad
Modules holding their weights in Keras's layouts; models (``models.py``) add Keras's building,
summary and saving; ``training.py`` is ``compile``/``fit``/``evaluate``/``predict`` written as
the plain training loop. ``import minigrad`` does not load any of this until ``minigrad.keras``
is first used.
"""

import importlib

from . import activations, initializers, layers
from .layers import Input, Layer
from .layers.base import clear_session
from .models import Model, Sequential, load_model

_SUBMODULES = ("optimizers", "losses", "metrics", "callbacks", "preprocessing", "utils", "training")


def __getattr__(name):
    """``keras.optimizers`` & co. load on first use."""
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'minigrad.keras' has no attribute {name!r}")


class _Backend:
    """``keras.backend.clear_session()``: forget the layer names used so far."""

    clear_session = staticmethod(clear_session)


backend = _Backend()

__all__ = ["Input", "Layer", "Model", "Sequential", "load_model", "layers", "activations", "initializers",
           "backend", *_SUBMODULES]
