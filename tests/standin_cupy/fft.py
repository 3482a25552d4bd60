"""The stand-in's ``cupy.fft``: NumPy's, for the names CuPy has there."""

import numpy as np

from . import _functions

globals().update(_functions.build("cupy.fft", np.fft, skip=("config",)))
