"""The initialisation schemes beyond uniform/normal/Xavier/Kaiming: their defining properties."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import init


def test_trunc_normal_stays_in_bounds_with_the_truncated_moments():
    mg.manual_seed(0)
    t = init.trunc_normal_(mg.empty(200_000, dtype=mg.float64), mean=0.5, std=1.0, a=-1.0, b=2.0)
    x = t.numpy()
    assert x.min() >= -1.0 and x.max() <= 2.0
    # the truncated normal on symmetric standardised bounds ±1.5 keeps the mean, shrinks the variance:
    # Var = 1 - 2·1.5·φ(1.5) / (2Φ(1.5) - 1) = 0.6057...
    phi = np.exp(-1.5 ** 2 / 2) / np.sqrt(2 * np.pi)
    big_phi = 0.5 * (1 + __import__("math").erf(1.5 / np.sqrt(2)))
    var = 1 - 2 * 1.5 * phi / (2 * big_phi - 1)
    assert abs(x.mean() - 0.5) < 0.01 and abs(x.var() - var) < 0.01


@pytest.mark.parametrize("shape", [(5, 8), (8, 5), (6, 2, 3)])
def test_orthogonal_rows_or_columns_are_orthonormal(shape):
    w = init.orthogonal_(mg.empty(*shape, dtype=mg.float64), gain=2.0).numpy().reshape(shape[0], -1)
    small = min(w.shape)
    gram = w @ w.T if w.shape[0] == small else w.T @ w
    np.testing.assert_allclose(gram, 4.0 * np.eye(small), atol=1e-12)


def test_dirac_makes_a_convolution_pass_its_input_through():
    w = init.dirac_(mg.empty(3, 3, 3, 3))
    x = mg.randn(2, 3, 5, 5)
    y = mg.nn.functional.conv2d(x, w, padding=1)
    np.testing.assert_allclose(y.numpy(), x.numpy(), atol=1e-6)


def test_eye_sparse_and_bad_shapes():
    np.testing.assert_array_equal(init.eye_(mg.empty(2, 3)).numpy(), np.eye(2, 3))
    s = init.sparse_(mg.empty(10, 4), sparsity=0.3).numpy()
    assert ((s == 0).sum(axis=0) == 3).all()
    for f in (init.eye_, init.orthogonal_):
        with pytest.raises(ValueError, match=f.__name__):
            f(mg.empty(3))
    with pytest.raises(ValueError, match="dirac_"):
        init.dirac_(mg.empty(3, 3))


def test_old_names_without_underscore_still_work():
    w = mg.empty(4, 4)
    init.xavier_uniform(w)
    init.kaiming_normal(w)
    init.constant(w, 0.5)
    np.testing.assert_array_equal(w.numpy(), 0.5)
