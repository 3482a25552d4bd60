"""F.multi_head_attention_forward, MultiheadAttention's functional form, against PyTorch's, and
against the module it shares its code with (nn/attention.py)."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import ArgumentError, NotSupported
from minigrad.nn import functional as F

E, H = 8, 2


def _arrays(rng, kdim=E, vdim=E, bias_kv=False):
    a = {"in_proj_weight": rng.standard_normal((3 * E, E)) / 3, "in_proj_bias": rng.standard_normal(3 * E) / 3,
         "out_proj_weight": rng.standard_normal((E, E)) / 3, "out_proj_bias": rng.standard_normal(E) / 3,
         "q_proj_weight": rng.standard_normal((E, E)) / 3, "k_proj_weight": rng.standard_normal((E, kdim)) / 3,
         "v_proj_weight": rng.standard_normal((E, vdim)) / 3}
    if bias_kv:
        a["bias_k"], a["bias_v"] = rng.standard_normal((1, 1, E)), rng.standard_normal((1, 1, E))
    return a


CASES = [
    dict(),
    dict(separate=True, kdim=5, vdim=3),
    dict(bias_kv=True, add_zero_attn=True),
    dict(masks=True),
    dict(unbatched=True, masks=True),
    dict(need_weights=False),
    dict(average_attn_weights=False, masks=True, bias_kv=True),
]


@pytest.mark.parametrize("case", CASES)
def test_matches_torch(torch, case):
    rng = np.random.default_rng(0)
    kdim, vdim = case.get("kdim", E), case.get("vdim", E)
    arrays = _arrays(rng, kdim, vdim, case.get("bias_kv", False))
    L, S, N = 4, 5, 3
    lead = () if case.get("unbatched") else (N,)
    q = rng.standard_normal((L,) + lead + (E,))
    k = rng.standard_normal((S,) + lead + (kdim,))
    v = rng.standard_normal((S,) + lead + (vdim,))
    extra = {}
    if case.get("masks"):
        padding = rng.random(lead + (S,)) < 0.3
        padding[..., 0] = False  # every query keeps a key
        blocked = rng.random((L, S)) < 0.3
        blocked[:, 0] = False
        extra = {"key_padding_mask": padding, "attn_mask": blocked}  # bool: True = not allowed
    results = []
    for lib, tensor in ((F, mg.tensor), (torch.nn.functional, torch.tensor)):
        inputs = [tensor(a, requires_grad=True) for a in (q, k, v)]
        params = {name: tensor(a, requires_grad=True) for name, a in arrays.items()}
        out, weights = lib.multi_head_attention_forward(
            *inputs, E, H, params["in_proj_weight"], params["in_proj_bias"], params.get("bias_k"),
            params.get("bias_v"), case.get("add_zero_attn", False), 0.0, params["out_proj_weight"],
            params["out_proj_bias"], training=True, need_weights=case.get("need_weights", True),
            use_separate_proj_weight=case.get("separate", False), q_proj_weight=params["q_proj_weight"],
            k_proj_weight=params["k_proj_weight"], v_proj_weight=params["v_proj_weight"],
            average_attn_weights=case.get("average_attn_weights", True),
            **{name: tensor(a) for name, a in extra.items()})
        loss = (out * out).sum() + (0 if weights is None else (weights * weights).sum())
        loss.backward()
        grads = [t.grad for t in inputs] + [p.grad for p in params.values()]
        results.append((out, weights, grads))
    (out, weights, grads), (out_t, weights_t, grads_t) = results
    np.testing.assert_allclose(out.numpy(), out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert (weights is None) == (weights_t is None)
    if weights is not None:
        np.testing.assert_allclose(weights.numpy(), weights_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    for mine, theirs in zip(grads, grads_t):
        assert (mine is None) == (theirs is None)
        if mine is not None:
            np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=1e-9, atol=1e-11)


def test_the_module_is_its_functional_form_on_its_parameters():
    mg.manual_seed(0)
    m = nn.MultiheadAttention(E, H, add_bias_kv=True)
    x = mg.tensor(np.random.default_rng(1).standard_normal((4, 3, E)).astype(np.float32))
    out, weights = m(x, x, x)
    out_f, weights_f = F.multi_head_attention_forward(
        x, x, x, E, H, m.in_proj_weight, m.in_proj_bias, m.bias_k, m.bias_v, False, 0.0, m.out_proj.weight,
        m.out_proj.bias)
    np.testing.assert_array_equal(out.numpy(), out_f.numpy())
    np.testing.assert_array_equal(weights.numpy(), weights_f.numpy())


def test_dropout_only_in_training():
    rng = np.random.default_rng(2)
    a = {n: mg.tensor(v.astype(np.float32)) for n, v in _arrays(rng).items()}
    x = mg.tensor(rng.standard_normal((4, 2, E)).astype(np.float32))
    args = (x, x, x, E, H, a["in_proj_weight"], a["in_proj_bias"], None, None, False, 0.9, a["out_proj_weight"],
            a["out_proj_bias"])
    plain = F.multi_head_attention_forward(*args[:10], 0.0, *args[11:])[1]
    np.testing.assert_array_equal(F.multi_head_attention_forward(*args, training=False)[1].numpy(), plain.numpy())
    assert not np.array_equal(F.multi_head_attention_forward(*args, training=True)[1].numpy(), plain.numpy())


def test_bad_arguments_name_the_op():
    rng = np.random.default_rng(3)
    a = {n: mg.tensor(v) for n, v in _arrays(rng).items()}
    x = mg.tensor(rng.standard_normal((4, 2, E)))
    head = (x, x, x)
    rest = (a["in_proj_weight"], a["in_proj_bias"], None, None, False, 0.0, a["out_proj_weight"], a["out_proj_bias"])
    with pytest.raises(AssertionError, match="multi_head_attention_forward: was expecting embedding dimension of 6"):
        F.multi_head_attention_forward(*head, 6, 2, *rest)
    with pytest.raises(AssertionError, match="not divisible by num_heads 3"):
        F.multi_head_attention_forward(*head, E, 3, *rest)
    with pytest.raises(NotSupported, match="static_k"):
        F.multi_head_attention_forward(*head, E, H, *rest, static_k=x)
    with pytest.raises(ArgumentError, match="in_proj_weight is None"):
        F.multi_head_attention_forward(*head, E, H, None, *rest[1:])
    with pytest.raises(ArgumentError, match="needs q_proj_weight"):
        F.multi_head_attention_forward(*head, E, H, *rest, use_separate_proj_weight=True)
    with pytest.raises(ValueError, match=r"multi_head_attention_forward: was expecting key features of size 8"):
        F.multi_head_attention_forward(x, mg.tensor(np.zeros((5, 2, 3))), x, E, H, *rest)
