"""Registry entries for minigrad/ops/attention.py: softmax attention, with and without masks.

Softmax is smooth everywhere, so any inputs do. Samples cover: no mask, a bool mask, an
additive float mask (whose gradient is checked too), the causal mask, broadcasting of the
mask and of the batch axes, a fully masked row (output and gradients 0), and a fixed dropout
mask (passed to the Function directly, since a random one cannot be checked).
"""

from ...ops import attention as A
from ..registry import OpInfo, Sample
from ..strategies import smooth_normal


def _qkv(rng, lead, rows, cols, e=3, ev=2):
    return (smooth_normal(rng, lead + (rows, e)), smooth_normal(rng, lead + (cols, e)),
            smooth_normal(rng, lead + (cols, ev)))


def _sdpa_samples(rng):
    bool_mask = rng.random((3, 4)) < 0.6
    bool_mask[:, 0] = True  # every query sees at least one key
    fully_masked = bool_mask.copy()
    fully_masked[1] = False  # query 1 sees nothing: its output is 0
    return [
        Sample(_qkv(rng, (2,), 3, 4)),
        Sample(_qkv(rng, (2, 2), 3, 4), {"attn_mask": bool_mask}),
        Sample(_qkv(rng, (2, 2), 3, 4), {"attn_mask": fully_masked}),
        Sample(_qkv(rng, (2,), 4, 4), {"is_causal": True}),
        Sample(_qkv(rng, (2,), 3, 4), {"scale": 0.3}),
        Sample((smooth_normal(rng, (2, 1, 3, 3)), smooth_normal(rng, (2, 4, 3)), smooth_normal(rng, (4, 2)))),
        # an additive float mask is an input too: its gradient is dS
        Sample(_qkv(rng, (2,), 3, 4) + (smooth_normal(rng, (3, 4)),)),
    ]


def _sdpa(q, k, v, mask=None, **kwargs):
    if mask is not None:  # a float mask comes positionally, so it is a Tensor that requires grad
        kwargs["attn_mask"] = mask
    return A.scaled_dot_product_attention(q, k, v, **kwargs)


def _torch_sdpa(torch, q, k, v, mask=None, **kwargs):
    if mask is not None:
        kwargs["attn_mask"] = mask
    elif "attn_mask" in kwargs:  # keyword arguments arrive as they are: a NumPy bool array
        kwargs["attn_mask"] = torch.from_numpy(kwargs["attn_mask"])
    return torch.nn.functional.scaled_dot_product_attention(q, k, v, **kwargs)


def _fused(q, k, v, bias=None, keep=None, scale=0.5):
    return A.SoftmaxAttention.apply(q, k, v, bias, keep, scale=scale)


def _fused_samples(rng):
    keep = (rng.random((2, 3, 4)) >= 0.3) / 0.7  # a fixed dropout mask, p = 0.3
    bias = smooth_normal(rng, (1, 3, 4))
    return [
        Sample(_qkv(rng, (2,), 3, 4)),  # both outputs (out, weights) are checked
        Sample(_qkv(rng, (2,), 3, 4) + (bias,)),
        Sample(_qkv(rng, (2,), 3, 4) + (bias, keep), grad=(0, 1, 2, 3)),
    ]


def _torch_fused(torch, q, k, v, bias=None, keep=None, scale=0.5):
    s = q @ k.transpose(-1, -2) * scale
    p = torch.softmax(s if bias is None else s + bias, dim=-1)
    return (p if keep is None else p * keep) @ v, p


ENTRIES = [
    OpInfo("scaled_dot_product_attention", _sdpa, _sdpa_samples, (A.SoftmaxAttention,), torch_fn=_torch_sdpa),
    OpInfo("softmax_attention", _fused, _fused_samples, (A.SoftmaxAttention,), torch_fn=_torch_fused),
]
