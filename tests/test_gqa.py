"""scaled_dot_product_attention(enable_gqa=True): grouped-query attention against torch."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import functional as F


@pytest.mark.parametrize("q,k,v,kw", [((2, 6, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3), {}),
                                      ((6, 3, 4), (3, 3, 4), (3, 3, 2), dict(is_causal=True)),
                                      ((1, 4, 2, 3), (1, 1, 2, 3), (1, 1, 2, 3), dict(scale=0.3)),
                                      ((2, 4, 3, 4), (2, 4, 5, 4), (2, 4, 5, 4), {})])
def test_matches_torch(torch, q, k, v, kw):
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=s) for s in (q, k, v)]
    ms = [mg.tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    y = F.scaled_dot_product_attention(*ms, enable_gqa=True, **kw)
    yt = torch.nn.functional.scaled_dot_product_attention(*ts, enable_gqa=True, **kw)
    np.testing.assert_allclose(y.numpy(), yt.detach().numpy(), atol=1e-12)
    g = rng.normal(size=y.shape)
    y.backward(mg.tensor(g))
    yt.backward(torch.tensor(g))
    for m, t in zip(ms, ts):
        np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), atol=1e-12)


def test_heads_must_divide():
    q, k = mg.tensor(np.zeros((1, 6, 2, 3))), mg.tensor(np.zeros((1, 4, 2, 3)))
    with pytest.raises(RuntimeError):
        F.scaled_dot_product_attention(q, k, k, enable_gqa=True)


def test_without_enable_gqa_heads_must_broadcast():
    q, k = mg.tensor(np.zeros((1, 6, 2, 3))), mg.tensor(np.zeros((1, 2, 2, 3)))
    with pytest.raises(RuntimeError):
        F.scaled_dot_product_attention(q, k, k)
