"""torch.nn.functional: conv and pool variants, norms, losses with every reduction, activations,
interpolate and pad modes, attention."""

import numpy as np

from .harness import B, Case, Fixed, I, P, U, randint


def F(T):
    return T.nn.functional


def _off_kinks():
    """Values spread over [-3, 3] that keep at least 0.1 from every activation's kink (0, ±0.5, ±1, ±3...)."""
    return np.array([[-2.7, -1.8, -1.3, -0.8], [-0.3, -0.15, 0.15, 0.3], [0.7, 1.3, 2.2, 2.8]])


CASES = []

# ---- activations
_ACT = ["relu", "relu6", "elu", "selu", "celu", "gelu", "silu", "mish", "softplus", "softsign", "tanhshrink",
        "logsigmoid", "hardtanh", "hardsigmoid", "hardswish", "leaky_relu", "sigmoid", "tanh", "softshrink",
        "hardshrink"]
CASES += [Case(f"F.{n}", (lambda n: lambda T, x: getattr(F(T), n)(x))(n), [Fixed(_off_kinks())]) for n in _ACT]
CASES += [
    Case("F.gelu tanh", lambda T, x: F(T).gelu(x, approximate="tanh"), [(3, 4)]),
    Case("F.leaky_relu slope", lambda T, x: F(T).leaky_relu(x, 0.2), [(3, 4)]),
    Case("F.elu alpha", lambda T, x: F(T).elu(x, alpha=0.5), [(3, 4)]),
    Case("F.softplus beta", lambda T, x: F(T).softplus(x, beta=2, threshold=1), [Fixed(_off_kinks())]),
    Case("F.threshold", lambda T, x: F(T).threshold(x, 0.1, 20.0), [Fixed(_off_kinks())]),
    Case("F.prelu", lambda T, x, w: F(T).prelu(x, w), [(2, 3, 4), U(3, low=0.1, high=0.3)]),
    Case("F.rrelu eval", lambda T, x: F(T).rrelu(x, training=False), [(3, 4)]),
    Case("F.glu", lambda T, x: F(T).glu(x, dim=-1), [(3, 4)]),
    Case("F.softmax", lambda T, x: F(T).softmax(x, dim=1), [(3, 4)]),
    Case("F.softmax dtype", lambda T, x: F(T).softmax(x, dim=0, dtype=T.float64), [(3, 4)]),
    Case("F.log_softmax", lambda T, x: F(T).log_softmax(x, -1), [(3, 4)]),
    Case("F.softmin", lambda T, x: F(T).softmin(x, dim=1), [(3, 4)]),
    Case("torch.softmax", lambda T, x: T.softmax(x, 0), [(3, 4)]),
    Case("x.softmax", lambda T, x: x.softmax(-1), [(3, 4)]),
    Case("F.normalize", lambda T, x: F(T).normalize(x, dim=1), [(3, 4)]),
    Case("F.normalize p1", lambda T, x: F(T).normalize(x, p=1, dim=0), [(3, 4)]),
    Case("F.cosine_similarity", lambda T, x, y: F(T).cosine_similarity(x, y, dim=1), [(3, 4), (3, 4)]),
    Case("F.pairwise_distance", lambda T, x, y: F(T).pairwise_distance(x, y), [(3, 4), (3, 4)]),
    Case("F.linear", lambda T, x, w, b: F(T).linear(x, w, b), [(2, 3), (4, 3), (4,)]),
    Case("F.linear no bias", lambda T, x, w: F(T).linear(x, w), [(2, 5, 3), (4, 3)]),
    Case("F.bilinear", lambda T, x, y, w, b: F(T).bilinear(x, y, w, b), [(2, 3), (2, 2), (4, 3, 2), (4,)]),
    Case("F.embedding", lambda T, i, w: F(T).embedding(i, w), [I([[0, 2], [3, 3]]), (4, 3)]),
    Case("F.embedding padding_idx", lambda T, i, w: F(T).embedding(i, w, padding_idx=0), [I([0, 2, 0, 1]), (4, 3)]),
    Case("F.dropout eval", lambda T, x: F(T).dropout(x, 0.5, training=False), [(3, 4)]),
    Case("F.dropout p=0", lambda T, x: F(T).dropout(x, 0.0), [(3, 4)]),
    # ---- norms
    Case("F.layer_norm", lambda T, x, w, b: F(T).layer_norm(x, (4,), w, b), [(2, 3, 4), (4,), (4,)]),
    Case("F.layer_norm 2d", lambda T, x: F(T).layer_norm(x, (3, 4), eps=1e-3), [(2, 3, 4)]),
    Case("F.group_norm", lambda T, x, w, b: F(T).group_norm(x, 2, w, b), [(2, 4, 3), (4,), (4,)]),
    Case("F.instance_norm", lambda T, x: F(T).instance_norm(x), [(2, 3, 5)]),
    Case("F.batch_norm train", lambda T, x, w, b: F(T).batch_norm(x, None, None, w, b, training=True),
         [(4, 3), (3,), (3,)]),
    Case("F.batch_norm eval", lambda T, x, m, v: F(T).batch_norm(x, m, v, training=False),
         [(4, 3, 2), Fixed([0.1, 0.2, -0.3], grad=False), Fixed([1.0, 2.0, 0.5], grad=False)]),
    Case("F.rms_norm", lambda T, x, w: F(T).rms_norm(x, (4,), w), [(2, 3, 4), (4,)]),
    Case("F.local_response_norm", lambda T, x: F(T).local_response_norm(x, 2), [(2, 4, 3, 3)]),
    # ---- conv
    Case("F.conv1d", lambda T, x, w, b: F(T).conv1d(x, w, b), [(2, 3, 7), (4, 3, 3), (4,)]),
    Case("F.conv1d stride pad", lambda T, x, w: F(T).conv1d(x, w, stride=2, padding=1), [(2, 3, 7), (4, 3, 3)]),
    Case("F.conv1d same", lambda T, x, w: F(T).conv1d(x, w, padding="same"), [(1, 2, 6), (3, 2, 4)]),
    Case("F.conv2d", lambda T, x, w, b: F(T).conv2d(x, w, b), [(2, 3, 6, 6), (4, 3, 3, 3), (4,)]),
    Case("F.conv2d stride padding", lambda T, x, w: F(T).conv2d(x, w, stride=2, padding=1), [(1, 2, 5, 5), (3, 2, 3, 3)]),
    Case("F.conv2d tuple args", lambda T, x, w: F(T).conv2d(x, w, stride=(1, 2), padding=(2, 0)),
         [(1, 2, 5, 6), (3, 2, 3, 2)]),
    Case("F.conv2d dilation", lambda T, x, w: F(T).conv2d(x, w, dilation=2), [(1, 2, 7, 7), (3, 2, 3, 3)]),
    Case("F.conv2d groups", lambda T, x, w: F(T).conv2d(x, w, groups=2), [(1, 4, 5, 5), (6, 2, 3, 3)]),
    Case("F.conv2d depthwise", lambda T, x, w: F(T).conv2d(x, w, groups=3, padding=1), [(1, 3, 4, 4), (3, 1, 3, 3)]),
    Case("F.conv2d same", lambda T, x, w: F(T).conv2d(x, w, padding="same"), [(1, 2, 5, 5), (3, 2, 3, 3)]),
    Case("F.conv2d same even", lambda T, x, w: F(T).conv2d(x, w, padding="same"), [(1, 2, 5, 5), (3, 2, 2, 4)]),
    Case("F.conv2d same dilation", lambda T, x, w: F(T).conv2d(x, w, padding="same", dilation=2), [(1, 2, 6, 6), (2, 2, 3, 3)]),
    Case("F.conv2d valid", lambda T, x, w: F(T).conv2d(x, w, padding="valid"), [(1, 2, 5, 5), (3, 2, 3, 3)]),
    Case("F.conv2d unbatched", lambda T, x, w: F(T).conv2d(x, w), [(2, 5, 5), (3, 2, 3, 3)]),
    Case("F.conv3d", lambda T, x, w: F(T).conv3d(x, w, padding=1), [(1, 2, 4, 4, 4), (2, 2, 3, 3, 3)]),
    Case("F.conv_transpose1d", lambda T, x, w: F(T).conv_transpose1d(x, w, stride=2), [(1, 2, 5), (2, 3, 3)]),
    Case("F.conv_transpose2d", lambda T, x, w, b: F(T).conv_transpose2d(x, w, b), [(1, 2, 4, 4), (2, 3, 3, 3), (3,)]),
    Case("F.conv_transpose2d stride pad out_pad", lambda T, x, w: F(T).conv_transpose2d(
        x, w, stride=2, padding=1, output_padding=1), [(1, 2, 4, 4), (2, 3, 3, 3)]),
    Case("F.conv_transpose2d groups dilation", lambda T, x, w: F(T).conv_transpose2d(x, w, groups=2, dilation=2),
         [(1, 4, 3, 3), (4, 1, 3, 3)]),
    Case("F.conv_transpose3d", lambda T, x, w: F(T).conv_transpose3d(x, w, stride=2), [(1, 2, 3, 3, 3), (2, 1, 2, 2, 2)]),
    # ---- pooling
    Case("F.max_pool1d", lambda T, x: F(T).max_pool1d(x, 2), [(2, 3, 8)]),
    Case("F.max_pool2d", lambda T, x: F(T).max_pool2d(x, 2), [(2, 3, 6, 6)]),
    Case("F.max_pool2d stride pad", lambda T, x: F(T).max_pool2d(x, 3, stride=2, padding=1), [(1, 2, 7, 7)]),
    Case("F.max_pool2d dilation", lambda T, x: F(T).max_pool2d(x, 2, dilation=2), [(1, 2, 7, 7)]),
    Case("F.max_pool2d ceil_mode", lambda T, x: F(T).max_pool2d(x, 2, ceil_mode=True), [(1, 2, 5, 5)]),
    Case("F.max_pool2d return_indices", lambda T, x: F(T).max_pool2d(x, 2, return_indices=True), [(1, 2, 4, 4)]),
    Case("F.max_pool3d", lambda T, x: F(T).max_pool3d(x, 2), [(1, 2, 4, 4, 4)]),
    Case("F.avg_pool1d", lambda T, x: F(T).avg_pool1d(x, 3, stride=2, padding=1), [(2, 3, 8)]),
    Case("F.avg_pool2d", lambda T, x: F(T).avg_pool2d(x, 2), [(2, 3, 6, 6)]),
    Case("F.avg_pool2d pad count_include_pad", lambda T, x: F(T).avg_pool2d(x, 3, 2, 1), [(1, 2, 6, 6)]),
    Case("F.avg_pool2d pad exclude", lambda T, x: F(T).avg_pool2d(x, 3, 2, 1, count_include_pad=False), [(1, 2, 6, 6)]),
    Case("F.avg_pool2d ceil_mode", lambda T, x: F(T).avg_pool2d(x, 2, ceil_mode=True), [(1, 2, 5, 5)]),
    Case("F.avg_pool2d divisor_override", lambda T, x: F(T).avg_pool2d(x, 2, divisor_override=3), [(1, 2, 4, 4)]),
    Case("F.avg_pool3d", lambda T, x: F(T).avg_pool3d(x, 2), [(1, 2, 4, 4, 4)]),
    Case("F.adaptive_avg_pool1d", lambda T, x: F(T).adaptive_avg_pool1d(x, 3), [(2, 3, 7)]),
    Case("F.adaptive_avg_pool2d", lambda T, x: F(T).adaptive_avg_pool2d(x, (2, 3)), [(1, 2, 5, 7)]),
    Case("F.adaptive_avg_pool2d 1", lambda T, x: F(T).adaptive_avg_pool2d(x, 1), [(1, 2, 5, 7)]),
    Case("F.adaptive_max_pool2d", lambda T, x: F(T).adaptive_max_pool2d(x, 2), [(1, 2, 5, 5)]),
    Case("F.adaptive_max_pool1d indices", lambda T, x: F(T).adaptive_max_pool1d(x, 3, return_indices=True), [(1, 2, 7)]),
    Case("F.lp_pool2d", lambda T, x: F(T).lp_pool2d(x, 2, 2), [P(1, 2, 4, 4)]),
    Case("F.max_unpool2d", lambda T, x: F(T).max_unpool2d(*F(T).max_pool2d(x, 2, return_indices=True), 2),
         [(1, 2, 4, 4)]),
    Case("F.pixel_shuffle", lambda T, x: F(T).pixel_shuffle(x, 2), [(1, 8, 2, 3)]),
    Case("F.pixel_unshuffle", lambda T, x: F(T).pixel_unshuffle(x, 2), [(1, 2, 4, 6)]),
    Case("F.unfold", lambda T, x: F(T).unfold(x, 2, stride=2), [(1, 2, 4, 4)]),
    Case("F.fold", lambda T, x: F(T).fold(x, (4, 4), 2, stride=2), [(1, 8, 4)]),
    # ---- interpolate
    Case("F.interpolate nearest", lambda T, x: F(T).interpolate(x, scale_factor=2), [(1, 2, 3, 3)]),
    Case("F.interpolate nearest size", lambda T, x: F(T).interpolate(x, size=(5, 4)), [(1, 2, 3, 3)]),
    Case("F.interpolate bilinear", lambda T, x: F(T).interpolate(x, size=(5, 7), mode="bilinear"), [(1, 2, 3, 4)]),
    Case("F.interpolate bilinear corners", lambda T, x: F(T).interpolate(x, scale_factor=2, mode="bilinear",
                                                                         align_corners=True), [(1, 2, 3, 3)]),
    Case("F.interpolate linear", lambda T, x: F(T).interpolate(x, size=7, mode="linear"), [(1, 2, 4)]),
    Case("F.interpolate bicubic", lambda T, x: F(T).interpolate(x, size=(5, 5), mode="bicubic"), [(1, 1, 3, 3)]),
    Case("F.interpolate nearest-exact", lambda T, x: F(T).interpolate(x, size=(5, 5), mode="nearest-exact"),
         [(1, 1, 3, 3)]),
    Case("F.interpolate area", lambda T, x: F(T).interpolate(x, size=(2, 3), mode="area"), [(1, 1, 4, 6)]),
    Case("F.interpolate trilinear", lambda T, x: F(T).interpolate(x, scale_factor=2, mode="trilinear"),
         [(1, 1, 2, 2, 2)]),
    Case("F.upsample", lambda T, x: F(T).upsample(x, scale_factor=2, mode="nearest"), [(1, 1, 2, 2)]),
    Case("F.grid_sample", lambda T, x, g: F(T).grid_sample(x, g, align_corners=False),
         [(1, 2, 4, 4), U(1, 3, 3, 2, low=-0.9, high=0.9)]),
    Case("F.affine_grid", lambda T, th: F(T).affine_grid(th, (1, 1, 3, 4), align_corners=False), [(1, 2, 3)]),
    # ---- pad
    Case("F.pad constant", lambda T, x: F(T).pad(x, (1, 2)), [(2, 3)]),
    Case("F.pad constant value", lambda T, x: F(T).pad(x, (1, 1, 2, 0), value=1.5), [(2, 3)]),
    Case("F.pad reflect", lambda T, x: F(T).pad(x, (2, 1), mode="reflect"), [(1, 2, 5)]),
    Case("F.pad reflect 2d", lambda T, x: F(T).pad(x, (1, 1, 2, 1), mode="reflect"), [(1, 2, 4, 4)]),
    Case("F.pad replicate", lambda T, x: F(T).pad(x, (2, 1, 1, 1), mode="replicate"), [(1, 2, 3, 3)]),
    Case("F.pad circular", lambda T, x: F(T).pad(x, (1, 2), mode="circular"), [(1, 2, 4)]),
    Case("F.pad negative", lambda T, x: F(T).pad(x, (-1, 1)), [(2, 4)]),
    # ---- attention
    Case("F.scaled_dot_product_attention", lambda T, q, k, v: F(T).scaled_dot_product_attention(q, k, v),
         [(2, 3, 4), (2, 5, 4), (2, 5, 3)]),
    Case("F.sdpa causal", lambda T, q, k, v: F(T).scaled_dot_product_attention(q, k, v, is_causal=True),
         [(1, 2, 4, 4), (1, 2, 4, 4), (1, 2, 4, 4)]),
    Case("F.sdpa bool mask", lambda T, q, k, v, m: F(T).scaled_dot_product_attention(q, k, v, attn_mask=m),
         [(1, 3, 4), (1, 3, 4), (1, 3, 4), B([[1, 0, 1], [1, 1, 0], [0, 1, 1]])]),
    Case("F.sdpa float mask scale", lambda T, q, k, v, m: F(T).scaled_dot_product_attention(q, k, v, attn_mask=m,
                                                                                         scale=0.3),
         [(1, 3, 4), (1, 3, 4), (1, 3, 4), (3, 3)]),
]

# ---- losses, every reduction
_TARGET = Fixed([1, 0, 3], dtype=np.int64)
for red in ("mean", "sum", "none"):
    CASES += [
        Case(f"F.mse_loss {red}", (lambda r: lambda T, x, y: F(T).mse_loss(x, y, reduction=r))(red), [(3, 4), (3, 4)]),
        Case(f"F.l1_loss {red}", (lambda r: lambda T, x, y: F(T).l1_loss(x, y, reduction=r))(red), [(3, 4), (3, 4)]),
        Case(f"F.smooth_l1_loss {red}", (lambda r: lambda T, x, y: F(T).smooth_l1_loss(x, y, reduction=r, beta=0.5))(red),
             [(3, 4), (3, 4)]),
        Case(f"F.huber_loss {red}", (lambda r: lambda T, x, y: F(T).huber_loss(x, y, reduction=r, delta=0.7))(red),
             [(3, 4), (3, 4)]),
        Case(f"F.cross_entropy {red}", (lambda r: lambda T, x, t: F(T).cross_entropy(x, t, reduction=r))(red),
             [(3, 4), _TARGET]),
        Case(f"F.cross_entropy weight ignore {red}", (lambda r: lambda T, x, t, w: F(T).cross_entropy(
            x, t, weight=w, ignore_index=0, reduction=r))(red), [(3, 4), _TARGET, P(4, grad=False)]),
        Case(f"F.cross_entropy smoothing {red}", (lambda r: lambda T, x, t: F(T).cross_entropy(
            x, t, label_smoothing=0.1, reduction=r))(red), [(3, 4), _TARGET]),
        Case(f"F.cross_entropy probs {red}", (lambda r: lambda T, x, p: F(T).cross_entropy(x, p.softmax(-1), reduction=r))(red),
             [(3, 4), (3, 4)]),
        Case(f"F.cross_entropy 2d {red}", (lambda r: lambda T, x, t: F(T).cross_entropy(x, t, reduction=r))(red),
             [(2, 3, 2, 2), randint(0, 3, (2, 2, 2))]),
        Case(f"F.nll_loss {red}", (lambda r: lambda T, x, t: F(T).nll_loss(x.log_softmax(1), t, reduction=r))(red),
             [(3, 4), _TARGET]),
        Case(f"F.binary_cross_entropy {red}", (lambda r: lambda T, x, y: F(T).binary_cross_entropy(x, y, reduction=r))(red),
             [U(3, 4, low=0.1, high=0.9), U(3, 4, low=0, high=1)]),
        Case(f"F.bce_with_logits {red}", (lambda r: lambda T, x, y, w: F(T).binary_cross_entropy_with_logits(
            x, y, pos_weight=w, reduction=r))(red), [(3, 4), U(3, 4, low=0, high=1), P(4, grad=False)]),
        Case(f"F.kl_div {red}", (lambda r: lambda T, x, y: F(T).kl_div(x.log_softmax(-1), y.softmax(-1),
                                                                      reduction=r))(red), [(3, 4), (3, 4)]),
        Case(f"F.kl_div log_target {red}", (lambda r: lambda T, x, y: F(T).kl_div(x, y, reduction=r, log_target=True))(red),
             [(3, 4), (3, 4)]),
        Case(f"F.poisson_nll_loss {red}", (lambda r: lambda T, x, y: F(T).poisson_nll_loss(x, y, reduction=r))(red),
             [(3, 4), P(3, 4)]),
        Case(f"F.gaussian_nll_loss {red}", (lambda r: lambda T, x, y, v: F(T).gaussian_nll_loss(x, y, v, reduction=r))(red),
             [(3, 4), (3, 4), P(3, 4)]),
        Case(f"F.hinge_embedding_loss {red}", (lambda r: lambda T, x, y: F(T).hinge_embedding_loss(x, y, reduction=r))(red),
             [U(3, 4, low=0.1, high=0.8), Fixed(np.where(np.arange(12).reshape(3, 4) % 2, 1.0, -1.0), grad=False)]),
        Case(f"F.margin_ranking_loss {red}", (lambda r: lambda T, x, y, t: F(T).margin_ranking_loss(
            x, y, t, margin=0.1, reduction=r))(red), [(5,), (5,), Fixed([1.0, -1.0, 1.0, 1.0, -1.0], grad=False)]),
        Case(f"F.soft_margin_loss {red}", (lambda r: lambda T, x, y: F(T).soft_margin_loss(x, y, reduction=r))(red),
             [(5,), Fixed([1.0, -1.0, 1.0, 1.0, -1.0], grad=False)]),
        Case(f"F.multi_margin_loss {red}", (lambda r: lambda T, x, t: F(T).multi_margin_loss(x, t, reduction=r))(red),
             [(3, 4), _TARGET]),
        Case(f"F.multilabel_soft_margin_loss {red}", (lambda r: lambda T, x, y: F(T).multilabel_soft_margin_loss(
            x, y, reduction=r))(red), [(3, 4), Fixed(np.eye(3, 4), grad=False)]),
        Case(f"F.cosine_embedding_loss {red}", (lambda r: lambda T, x, y, t: F(T).cosine_embedding_loss(
            x, y, t, reduction=r))(red), [(3, 4), (3, 4), Fixed([1.0, -1.0, 1.0], grad=False)]),
        Case(f"F.triplet_margin_loss {red}", (lambda r: lambda T, a, p, n: F(T).triplet_margin_loss(
            a, p, n, reduction=r))(red), [(3, 4), (3, 4), (3, 4)]),
    ]

