"""Keras 3 for the parity tests: imported once, on its torch backend, or the test is skipped.

Keras picks its backend when it is first imported, so KERAS_BACKEND is set before that; a
Keras that was already imported with another backend counts as missing.
"""

import os

import pytest


def import_keras():
    """Keras 3 on its torch backend, or None where it (or torch) is missing or runs another backend."""
    os.environ["KERAS_BACKEND"] = "torch"
    try:
        import keras
    except ImportError:
        return None
    return keras if keras.backend.backend() == "torch" else None


def keras_or_skip():
    """Keras 3 on its torch backend; skips the calling test without it."""
    keras = import_keras()
    if keras is None:
        pytest.skip("keras 3 (on its torch backend) is not installed")
    return keras
