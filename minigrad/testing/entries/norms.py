"""Registry entries for the normalizations built on layer norm's Function or composed:
minigrad/ops/group_norm.py (group_norm, instance_norm), rms_norm.py, local_response_norm.py.

All are smooth where the variance (or mean square) is away from 0; the samples are normal
draws, so every group has spread. Instance norm's running statistics are updated in place
under no_grad and are no input of the gradient; its eval form (use_input_stats=False) is
batch_norm_eval's, checked there.
"""

from ...nn import functional as F
from ...ops import normalization as N
from ..registry import OpInfo, Sample
from ..strategies import positive, smooth_normal


def _group_norm(x, weight=None, bias=None, num_groups=1, eps=1e-5):
    return F.group_norm(x, num_groups, weight, bias, eps)


def _torch_group_norm(torch, x, weight=None, bias=None, num_groups=1, eps=1e-5):
    return torch.nn.functional.group_norm(x, num_groups, weight, bias, eps)


def _group_norm_samples(rng):
    return [
        Sample((smooth_normal(rng, (2, 4, 3), scale=2.0), smooth_normal(rng, (4,)), smooth_normal(rng, (4,))),
               {"num_groups": 2}),
        Sample((smooth_normal(rng, (2, 6, 2, 2)), smooth_normal(rng, (6,)), smooth_normal(rng, (6,))),
               {"num_groups": 3, "eps": 1e-3}),
        Sample((smooth_normal(rng, (3, 4)), smooth_normal(rng, (4,))), {"num_groups": 1}),
        Sample((smooth_normal(rng, (2, 3, 4)),), {"num_groups": 3}),
    ]


def _instance_norm(x, weight=None, bias=None, eps=1e-5):
    return F.instance_norm(x, None, None, weight, bias, eps=eps)


def _torch_instance_norm(torch, x, weight=None, bias=None, eps=1e-5):
    return torch.nn.functional.instance_norm(x, None, None, weight, bias, eps=eps)


def _instance_norm_samples(rng):
    return [
        Sample((smooth_normal(rng, (2, 3, 4), scale=2.0), smooth_normal(rng, (3,)), smooth_normal(rng, (3,)))),
        Sample((smooth_normal(rng, (2, 2, 3, 2)),), {"eps": 1e-3}),
        Sample((smooth_normal(rng, (1, 2, 2, 2, 2)), smooth_normal(rng, (2,)), smooth_normal(rng, (2,)))),
    ]


def _rms_norm(x, weight=None, normalized_shape=None, eps=None):
    return F.rms_norm(x, normalized_shape, weight, eps)


def _torch_rms_norm(torch, x, weight=None, normalized_shape=None, eps=None):
    shape = [normalized_shape] if isinstance(normalized_shape, int) else list(normalized_shape)
    return torch.nn.functional.rms_norm(x, shape, weight, eps)


def _rms_norm_samples(rng):
    return [
        Sample((smooth_normal(rng, (3, 4), scale=2.0), smooth_normal(rng, (4,))), {"normalized_shape": (4,)}),
        Sample((smooth_normal(rng, (2, 3, 4)), smooth_normal(rng, (3, 4))), {"normalized_shape": (3, 4), "eps": 1e-3}),
        Sample((smooth_normal(rng, (2, 5)),), {"normalized_shape": 5}),
    ]


def _lrn(x, size=2, alpha=1e-4, beta=0.75, k=1.0):
    return F.local_response_norm(x, size, alpha, beta, k)


def _torch_lrn(torch, x, size=2, alpha=1e-4, beta=0.75, k=1.0):
    return torch.nn.functional.local_response_norm(x, size, alpha, beta, k)


def _lrn_samples(rng):
    # a large alpha, so the denominator really depends on the neighbours in the checks
    return [
        Sample((smooth_normal(rng, (2, 5, 3)),), {"size": 3, "alpha": 0.5}),
        Sample((smooth_normal(rng, (2, 4, 2, 2)),), {"size": 2, "alpha": 0.8, "beta": 0.6, "k": 2.0}),
        Sample((smooth_normal(rng, (1, 3, 2, 2, 2)),), {"size": 5, "alpha": 1.0}),
        Sample((positive(rng, (2, 4, 3)),), {"size": 1, "alpha": 0.3}),
    ]


ENTRIES = [
    OpInfo("group_norm", _group_norm, _group_norm_samples, (N.LayerNorm,), torch_fn=_torch_group_norm),
    OpInfo("instance_norm", _instance_norm, _instance_norm_samples, (N.LayerNorm,), torch_fn=_torch_instance_norm),
    OpInfo("rms_norm", _rms_norm, _rms_norm_samples, torch_fn=_torch_rms_norm),
    OpInfo("local_response_norm", _lrn, _lrn_samples, torch_fn=_torch_lrn),
]
