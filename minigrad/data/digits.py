"""The handwritten digits that scikit-learn ships inside its package: no download.

1797 grayscale images of 8x8 pixels, each a digit 0-9 written by one of 43 people
(the UCI "optical recognition of handwritten digits" test set). Pixel values are counts
0..16 of dark pixels in 4x4 blocks of the original 32x32 bitmaps.

The file is ``sklearn/datasets/data/digits.csv.gz``: one image per line, 64 pixel values
then the label. It is read here with NumPy; scikit-learn is located, not imported.
"""

import gzip
import importlib.util
import os

import numpy as np

_MISSING = (
    "the digits dataset is read from the data file that scikit-learn ships; scikit-learn is "
    "not installed. Install it with: pip install scikit-learn  (or pip install 'minigrad[examples]')"
)


def digits_path():
    """The path of scikit-learn's ``digits.csv.gz`` (found without importing scikit-learn)."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(_MISSING)
    for root in spec.submodule_search_locations:
        path = os.path.join(root, "datasets", "data", "digits.csv.gz")
        if os.path.exists(path):
            return path
    raise FileNotFoundError(
        "scikit-learn is installed but its digits data file (datasets/data/digits.csv.gz) was not "
        f"found under {list(spec.submodule_search_locations)}"
    )


_cache = None


def load_digits(normalize=True):
    """Return ``(images, labels)`` as NumPy arrays: float32 (1797, 8, 8) and int64 (1797,).

    With ``normalize`` the pixels are divided by 16, so they lie in [0, 1]; otherwise they are
    the raw counts 0..16. The file is read once and cached.
    """
    global _cache
    if _cache is None:
        with gzip.open(digits_path(), "rt") as f:
            table = np.loadtxt(f, delimiter=",", dtype=np.float32)
        _cache = (table[:, :-1].reshape(-1, 8, 8), table[:, -1].astype(np.int64))
    images, labels = _cache
    images = images / np.float32(16.0) if normalize else images.copy()
    return images, labels.copy()


def digits_dataset(normalize=True, channel=True):
    """The digits as a ``TensorDataset`` of (image, label); images are (1, 8, 8) with ``channel``."""
    from .dataset import TensorDataset

    images, labels = load_digits(normalize)
    if channel:
        images = images[:, None]
    return TensorDataset(images, labels)
