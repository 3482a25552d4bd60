"""Keras's losses: functions of (y_true, y_pred) and the Loss objects that reduce them.

A loss *function* returns one value per sample: it averages over the last axis
(``mean_squared_error(y, p) = mean((y - p)², axis=-1)``). A ``Loss`` *object* calls such a
function and reduces the per-sample values to one number, by default Keras's
``"sum_over_batch_size"``: Σᵢ wᵢ ℓᵢ / (number of values), wᵢ the sample weights (1 without).

Before that, Keras lines the two up: when their ranks differ by one and the longer ends in a
size-1 axis, it squeezes or expands that axis (``squeeze_or_expand_to_same_rank``). Labels as
a flat list (shape (n,)) against a (n, 1) prediction become (n, 1), not an (n, n) broadcast.

Probabilities are clipped to [ε, 1 - ε], ε = 1e-7, before their log in the crossentropies
(without ``from_logits``): the loss stays finite for a prediction of exactly 0 or 1, and the
gradient is zero beyond the clip, as in Keras. Everything is written with minigrad's
differentiable ops, so the loss backpropagates like any other expression.
"""

import math

import numpy as np

from .. import nn
from ..errors import ArgumentError, ShapeError
from ..ops.selections import where
from ..tensor import Tensor
from .layers.base import get_mask

EPSILON = 1e-7  # keras.backend.epsilon()


def as_tensor(x, dtype=None):
    """``x`` (a Tensor, an array, a list or a number) as a Tensor, cast to ``dtype`` if given."""
    if not isinstance(x, Tensor):
        x = x if hasattr(x, "__cuda_array_interface__") else np.asarray(x)
        x = Tensor._make(x.astype(np.float32) if x.dtype == np.float64 else x)
    if dtype is not None and x.dtype != dtype:
        x = x.to(dtype)
    return x


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Keras's alignment of two tensors whose ranks differ by one at a trailing size-1 axis."""
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = x2.unsqueeze(-1)
        else:
            x1 = x1.squeeze(-1)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = x1.unsqueeze(-1)
        else:
            x2 = x2.squeeze(-1)
    return x1, x2


def _pair(y_true, y_pred, align=True):
    y_pred = as_tensor(y_pred)
    y_true = as_tensor(y_true, y_pred.dtype)
    return squeeze_or_expand_to_same_rank(y_true, y_pred) if align else (y_true, y_pred)


def _same_shape(name, y_true, y_pred):
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ShapeError(f"{name}: y_true and y_pred must have the same shape, got y_true.shape="
                         f"{tuple(y_true.shape)} and y_pred.shape={tuple(y_pred.shape)}")


# ---- per-sample loss functions ----------------------------------------------------------------
def mean_squared_error(y_true, y_pred):
    """mean((y - p)², axis=-1)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return ((y_true - y_pred) ** 2).mean(-1)


def mean_absolute_error(y_true, y_pred):
    """mean(|y - p|, axis=-1) (the gradient of |0| is 0, as in PyTorch)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return (y_true - y_pred).abs().mean(-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """100 · mean(|y - p| / max(|y|, ε), axis=-1)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return ((y_true - y_pred) / y_true.abs().clamp(min=EPSILON)).abs().mean(-1) * 100.0


def mean_squared_logarithmic_error(y_true, y_pred):
    """mean((log(max(p, ε) + 1) - log(max(y, ε) + 1))², axis=-1)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return ((y_pred.clamp(min=EPSILON) + 1).log() - (y_true.clamp(min=EPSILON) + 1).log()).pow(2).mean(-1)


def huber(y_true, y_pred, delta=1.0):
    """mean(½ e² where |e| ≤ δ, else δ|e| - ½ δ², axis=-1), e = p - y."""
    y_true, y_pred = _pair(y_true, y_pred)
    e = y_pred - y_true
    a = e.abs()
    return where(a <= delta, 0.5 * e * e, delta * a - 0.5 * delta * delta).mean(-1)


def log_cosh(y_true, y_pred):
    """mean(log cosh(p - y), axis=-1), written x + softplus(-2x) - log 2 so that it cannot overflow."""
    y_true, y_pred = _pair(y_true, y_pred)
    x = y_pred - y_true
    return (x + nn.functional.softplus(-2.0 * x) - math.log(2.0)).mean(-1)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """mean(-(y log p + (1 - y) log(1 - p)), axis), p clipped to [ε, 1 - ε].

    With ``from_logits`` p = σ(z) is never formed: the loss is max(z, 0) - z y + log(1 + e^-|z|),
    stable for any z. ``label_smoothing`` s moves the targets towards ½: y = y (1 - s) + s / 2.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    _same_shape("binary_crossentropy", y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        values = nn.functional.binary_cross_entropy_with_logits(y_pred, y_true, reduction="none")
    else:
        p = y_pred.clamp(EPSILON, 1.0 - EPSILON)
        values = -(y_true * p.log() + (1.0 - y_true) * (1.0 - p).log())
    return values.mean(axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-Σ_c y_c log p_c over the class axis; y one-hot (or soft) targets.

    Without ``from_logits`` Keras first rescales p to sum to 1, then clips it to [ε, 1 - ε].
    With it, log p = log_softmax(z). ``label_smoothing`` s: y = y (1 - s) + s / classes.
    """
    y_true, y_pred = _pair(y_true, y_pred, align=False)
    _same_shape("categorical_crossentropy", y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[axis]
    return -(y_true * _log_probabilities(y_pred, from_logits, axis)).sum(axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """-log p[y]: the same loss with integer class labels in place of one-hot rows.

    Labels of shape (n,) or (n, 1) for predictions (n, classes); ``ignore_class`` labels
    give a zero loss.
    """
    y_pred = as_tensor(y_pred)
    y_true = as_tensor(y_true)
    if y_true.dtype.kind == "f":
        y_true = y_true.to(np.int64)
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        y_true = y_true.squeeze(axis)
    expected = tuple(s for i, s in enumerate(y_pred.shape) if i != axis % y_pred.ndim)
    if tuple(y_true.shape) != expected:
        raise ShapeError(f"sparse_categorical_crossentropy: y_true must have y_pred's shape without its class "
                         f"axis, got y_true.shape={tuple(y_true.shape)} and y_pred.shape={tuple(y_pred.shape)}")
    keep = None
    if ignore_class is not None:
        keep = y_true != ignore_class
        y_true = where(keep, y_true, 0)
    log_p = _log_probabilities(y_pred, from_logits, axis)
    values = -log_p.gather(axis, y_true.unsqueeze(axis)).squeeze(axis)
    return values if keep is None else where(keep, values, 0.0)


def _log_probabilities(y_pred, from_logits, axis):
    if from_logits:
        return y_pred.log_softmax(axis)
    p = y_pred / y_pred.sum(axis, keepdim=True)
    return p.clamp(EPSILON, 1.0 - EPSILON).log()


def hinge(y_true, y_pred):
    """mean(max(1 - y p, 0), axis=-1), labels in {0, 1} first mapped to {-1, 1}."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _to_plus_minus_one(y_true)
    return (1.0 - y_true * y_pred).clamp(min=0.0).mean(-1)


def squared_hinge(y_true, y_pred):
    """mean(max(1 - y p, 0)², axis=-1), labels in {0, 1} first mapped to {-1, 1}."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _to_plus_minus_one(y_true)
    return (1.0 - y_true * y_pred).clamp(min=0.0).pow(2).mean(-1)


def _to_plus_minus_one(y):
    array = y.array
    binary = ((array == 0) | (array == 1)).all()
    return y * 2.0 - 1.0 if bool(binary) else y


def kl_divergence(y_true, y_pred):
    """Σ y log(y / p) over the last axis, both clipped to [ε, 1]."""
    y_true, y_pred = _pair(y_true, y_pred, align=False)
    y_true, y_pred = y_true.clamp(EPSILON, 1.0), y_pred.clamp(EPSILON, 1.0)
    return (y_true * (y_true / y_pred).log()).sum(-1)


def poisson(y_true, y_pred):
    """mean(p - y log(p + ε), axis=-1)."""
    y_true, y_pred = _pair(y_true, y_pred, align=False)
    return (y_pred - y_true * (y_pred + EPSILON).log()).mean(-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """-Σ ŷ p̂ over ``axis``, each side first scaled to unit L2 norm (norms floored at 1e-12 as in Keras)."""
    y_true, y_pred = _pair(y_true, y_pred, align=False)
    y_true = y_true / (y_true * y_true).sum(axis, keepdim=True).clamp(min=1e-12).sqrt()
    y_pred = y_pred / (y_pred * y_pred).sum(axis, keepdim=True).clamp(min=1e-12).sqrt()
    return -(y_true * y_pred).sum(axis)


# ---- reduction ----------------------------------------------------------------------------
REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def reduce_weighted_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Multiply by the sample weights (aligned as the losses are) and reduce.

    ``"sum_over_batch_size"`` and ``"mean"``: Σ w ℓ / (number of values); ``"sum"``: Σ w ℓ;
    ``"mean_with_sample_weight"``: Σ w ℓ / Σ w; ``"none"`` / None: the weighted values.
    """
    if sample_weight is not None:
        sample_weight = as_tensor(sample_weight, values.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        values = values * sample_weight
    if reduction in (None, "none") or values.ndim == 0 or values.numel() == 0:
        return values
    total = values.sum()
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        weight = float(sample_weight.array.sum()) * (values.numel() / max(sample_weight.numel(), 1))
        return total / weight if weight else total * 0.0
    return total / values.numel()


def apply_mask(sample_weight, mask, reduction="sum_over_batch_size"):
    """Sample weights that leave the masked-out steps out of the loss (Keras's rule).

    For a mean, the kept steps are weighted total / kept, so that Σ w ℓ / total is the mean
    over the kept steps alone; for a sum they are weighted 1.
    """
    weight = mask.to(np.float32) if isinstance(mask, Tensor) else as_tensor(np.asarray(mask, np.float32))
    if reduction in ("mean", "sum_over_batch_size"):
        kept = float(weight.array.sum())
        weight = weight * (weight.numel() / kept if kept else 0.0)
    if sample_weight is None:
        return weight
    sample_weight = as_tensor(sample_weight, weight.dtype)
    while sample_weight.ndim < weight.ndim:  # one weight per sample, spread over its steps
        sample_weight = sample_weight.unsqueeze(-1)
    return weight * sample_weight


class Loss:
    """A loss object: ``loss(y_true, y_pred, sample_weight=None)`` is one number (by default).

    Subclasses implement ``call(y_true, y_pred)`` giving per-sample values.
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if reduction not in REDUCTIONS:
            raise ArgumentError(f"{type(self).__name__}: invalid reduction {reduction!r}; expected one of "
                                f"{', '.join(repr(r) for r in REDUCTIONS)}")
        self.name = name or _snake(type(self).__name__)
        self.reduction = reduction
        self.dtype = dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        mask = get_mask(y_pred)  # padding steps a layer marked (Embedding(mask_zero=True) and on)
        values = self.call(y_true, y_pred)
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, self.reduction)
        return reduce_weighted_values(values, sample_weight, self.reduction)

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


class LossFunctionWrapper(Loss):
    """A Loss made of a per-sample function and its keyword arguments (``from_logits``, ...)."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name or fn.__name__, reduction=reduction, dtype=dtype)
        self.fn, self._fn_kwargs = fn, kwargs

    def call(self, y_true, y_pred):
        y_pred = as_tensor(y_pred)
        y_true, y_pred = squeeze_or_expand_to_same_rank(as_tensor(y_true), y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return dict(super().get_config(), **self._fn_kwargs)


class MeanSquaredError(LossFunctionWrapper):
    """mean((y - p)², axis=-1), reduced over the batch."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """mean(|y - p|, axis=-1), reduced over the batch."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """100 · mean(|y - p| / |y|, axis=-1), reduced over the batch."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, reduction=reduction, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """mean((log(p + 1) - log(y + 1))², axis=-1), reduced over the batch."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, reduction=reduction, name=name, dtype=dtype)


class Huber(LossFunctionWrapper):
    """Quadratic within ``delta`` of the target, linear beyond."""

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber", dtype=None):
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)


class LogCosh(LossFunctionWrapper):
    """mean(log cosh(p - y), axis=-1), reduced over the batch."""

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, reduction=reduction, name=name, dtype=dtype)


class BinaryCrossentropy(LossFunctionWrapper):
    """Crossentropy of independent yes/no outputs (sigmoid units)."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, reduction=reduction, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class CategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy against one-hot (or soft) targets."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, reduction=reduction, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy against integer class labels."""

    def __init__(self, from_logits=False, ignore_class=None, axis=-1, reduction="sum_over_batch_size",
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)


class Hinge(LossFunctionWrapper):
    """mean(max(1 - y p, 0), axis=-1), reduced over the batch."""

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """mean(max(1 - y p, 0)², axis=-1), reduced over the batch."""

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction=reduction, name=name, dtype=dtype)


class KLDivergence(LossFunctionWrapper):
    """Σ y log(y / p) over the last axis, reduced over the batch."""

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, reduction=reduction, name=name, dtype=dtype)


class Poisson(LossFunctionWrapper):
    """mean(p - y log p, axis=-1), reduced over the batch."""

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, reduction=reduction, name=name, dtype=dtype)


class CosineSimilarity(LossFunctionWrapper):
    """-cos(y, p) along ``axis``, reduced over the batch."""

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None):
        super().__init__(cosine_similarity, reduction=reduction, name=name, dtype=dtype, axis=axis)


# Keras's short names
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kl_divergence

_FUNCTIONS = {f.__name__: f for f in (
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error, mean_squared_logarithmic_error,
    huber, log_cosh, binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, hinge,
    squared_hinge, kl_divergence, poisson, cosine_similarity)}
_FUNCTIONS.update(mse=mse, mae=mae, mape=mape, msle=msle, kld=kld, kl_divergence=kl_divergence,
                  kullback_leibler_divergence=kl_divergence, logcosh=log_cosh, huber_loss=huber)
_CLASSES = {c.__name__: c for c in (
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Huber, LogCosh,
    BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, Hinge, SquaredHinge, KLDivergence,
    Poisson, CosineSimilarity)}


def get(identifier):
    """A loss from a name (``"mse"``, ``"binary_crossentropy"``, ``"BinaryCrossentropy"``), a Loss
    object or a function of (y_true, y_pred); None stays None."""
    if identifier is None or isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        if identifier in _FUNCTIONS:
            return _FUNCTIONS[identifier]
        if identifier in _CLASSES:
            return _CLASSES[identifier]()
        raise ArgumentError(f"keras.losses.get: unknown loss {identifier!r}; known names: "
                            f"{', '.join(sorted(_FUNCTIONS))}")
    if isinstance(identifier, dict) and "class_name" in identifier:
        return _CLASSES[identifier["class_name"]].from_config(identifier.get("config", {}))
    if callable(identifier):
        return identifier
    raise ArgumentError(f"keras.losses.get: could not interpret loss identifier {identifier!r}")


def _snake(name):
    return "".join("_" + c.lower() if c.isupper() and i and not name[i - 1].isupper() else c.lower()
                   for i, c in enumerate(name))
