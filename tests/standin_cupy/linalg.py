"""The stand-in's ``cupy.linalg``: NumPy's, for the names CuPy has there."""

import numpy as np

from . import _functions

globals().update(_functions.build("cupy.linalg", np.linalg))
LinAlgError = np.linalg.LinAlgError
