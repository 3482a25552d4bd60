"""Keras's metrics: running statistics that ``fit`` and ``evaluate`` report.

A metric is *stateful*: ``update_state(y_true, y_pred)`` adds a batch, ``result()`` is the value
over every batch since the last ``reset_state()``. ``fit`` resets them at the start of each
epoch, so the accuracy it prints is the accuracy over the epoch so far, not the last batch's.
Most metrics are a running mean of per-sample values (``MeanMetricWrapper``): total / count,
each sample counted once (times its sample weight).

Metrics do not backpropagate: they work on the raw arrays (NumPy or CuPy) of predictions.

Which accuracy ``metrics=["accuracy"]`` means is decided from the first batch, as in Keras:
binary accuracy (threshold 0.5) when the model has one output unit, sparse categorical accuracy
when the labels have one axis fewer than the predictions (or a last axis of size 1 against
several classes), categorical accuracy (argmax against argmax) otherwise.
"""

import numpy as np

from ..backend import get_array_module
from ..errors import ArgumentError
from ..tensor import Tensor
from . import losses as losses_module


def _array(x):
    """The raw array of a Tensor, a CuPy array as it is, anything else as a NumPy array."""
    if isinstance(x, Tensor):
        return x.array
    return x if hasattr(x, "__cuda_array_interface__") else np.asarray(x)


def _align(x1, x2):
    """Keras's squeeze_or_expand_to_same_rank on arrays (see keras.losses)."""
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        x1, x2 = (x1, x2[..., None]) if x2.ndim == 1 else (x1[..., 0], x2)
    if x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        x1, x2 = (x1[..., None], x2) if x1.ndim == 1 else (x1, x2[..., 0])
    return x1, x2


# ---- per-sample metric functions (arrays in, arrays out) -------------------------------------
def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1 where (p > threshold) equals y, else 0, one value per entry."""
    y_true, y_pred = _align(_array(y_true), _array(y_pred))
    return (y_true == (y_pred > threshold).astype(y_true.dtype)).astype(np.float32)


def categorical_accuracy(y_true, y_pred):
    """1 where argmax p equals argmax y (one-hot labels)."""
    y_true, y_pred = _array(y_true), _array(y_pred)
    return (y_true.argmax(-1) == y_pred.argmax(-1)).astype(np.float32)


def sparse_categorical_accuracy(y_true, y_pred):
    """1 where argmax p equals the integer label y."""
    y_true, y_pred = _array(y_true), _array(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return (y_true.astype(np.int64) == y_pred.argmax(-1)).astype(np.float32)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where argmax y is among the k largest entries of p."""
    return _in_top_k(_array(y_true).argmax(-1), _array(y_pred), k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where the integer label y is among the k largest entries of p."""
    y_true, y_pred = _array(y_true), _array(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return _in_top_k(y_true.astype(np.int64), y_pred, k)


def _in_top_k(labels, y_pred, k):
    """A label is in the top k when fewer than k classes score strictly higher (ties count in, as in Keras)."""
    xp = get_array_module(y_pred)
    target = xp.take_along_axis(y_pred, labels[..., None], axis=-1)
    return ((y_pred > target).sum(-1) < k).astype(np.float32)


def accuracy(y_true, y_pred):
    """1 where p equals y exactly (``keras.metrics.Accuracy``; for class predictions)."""
    y_true, y_pred = _align(_array(y_true), _array(y_pred))
    return (y_true == y_pred).astype(np.float32)


def _from_loss(fn, **fixed):
    """A loss function as a metric function: the same formula, on arrays, no graph."""
    def metric(y_true, y_pred, **kwargs):
        return fn(losses_module.as_tensor(_array(y_true)), losses_module.as_tensor(_array(y_pred)),
                  **fixed, **kwargs).array
    metric.__name__ = fn.__name__
    metric.__doc__ = fn.__doc__
    return metric


# ---- the metric objects -------------------------------------------------------------------
class Metric:
    """The base class: ``update_state``, ``result``, ``reset_state``; ``metric(y, p)`` does the
    first two. ``_direction`` ("up" or "down") tells callbacks whether larger is better."""

    _direction = "down"

    def __init__(self, name=None, dtype=None):
        self.name = name or _snake(type(self).__name__)
        self.dtype = dtype or "float32"
        self.reset_state()

    def reset_state(self):
        raise NotImplementedError

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} result={self.result():.4g}>"


class Mean(Metric):
    """The running (weighted) mean of the values given: total / count.

    Each sample counts once: values with more axes than their weights are first averaged
    over the extra axes. A weight w counts a value w times, so ``total / count`` is
    Σ w·v / Σ w over everything seen (a weight of 0 leaves a value out, as a mask does).
    A single weight for a whole batch (``fit`` gives the loss the batch size) weighs the batch.
    """

    def reset_state(self):
        self.total, self.count = 0.0, 0.0

    def update_state(self, values, sample_weight=None):
        values = _array(values).astype(np.float64)
        xp = get_array_module(values)
        if sample_weight is not None:
            weight = xp.asarray(_array(sample_weight), dtype=np.float64)
            values, weight = _align(values, weight)
            if values.ndim > weight.ndim:
                values = values.mean(axis=tuple(range(weight.ndim, values.ndim)))
            weight = xp.broadcast_to(weight, values.shape)
            values = values * weight
            if weight.ndim > 1:
                weight = weight.mean(axis=tuple(range(1, weight.ndim)))
        if values.ndim > 1:
            values = values.mean(axis=tuple(range(1, values.ndim)))
        self.total += float(values.sum())
        if sample_weight is not None:
            self.count += float(weight.sum())
        else:
            self.count += values.shape[0] if values.ndim else 1

    def result(self):
        return self.total / self.count if self.count else 0.0


class Sum(Metric):
    """The running (weighted) sum of the values given."""

    def reset_state(self):
        self.total = 0.0

    def update_state(self, values, sample_weight=None):
        values = _array(values).astype(np.float64)
        if sample_weight is not None:
            values = values * _array(sample_weight)
        self.total += float(values.sum())

    def result(self):
        return self.total


class MeanMetricWrapper(Mean):
    """The running mean of ``fn(y_true, y_pred, **kwargs)``, a per-sample function."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        self._fn, self._fn_kwargs = fn, kwargs
        super().__init__(name=name or getattr(fn, "__name__", "mean_metric_wrapper"), dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        super().update_state(self._fn(y_true, y_pred, **self._fn_kwargs), sample_weight)

    def get_config(self):
        return dict(super().get_config(), **self._fn_kwargs)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly."""

    _direction = "up"

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often (p > threshold) matches a 0/1 label."""

    _direction = "up"

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often argmax p matches a one-hot label."""

    _direction = "up"

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often argmax p matches an integer label."""

    _direction = "up"

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often a one-hot label is among the k top predictions."""

    _direction = "up"

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often an integer label is among the k top predictions."""

    _direction = "up"

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None):
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k)


mean_squared_error = _from_loss(losses_module.mean_squared_error)
mean_absolute_error = _from_loss(losses_module.mean_absolute_error)
mean_absolute_percentage_error = _from_loss(losses_module.mean_absolute_percentage_error)
mean_squared_logarithmic_error = _from_loss(losses_module.mean_squared_logarithmic_error)
binary_crossentropy = _from_loss(losses_module.binary_crossentropy)
categorical_crossentropy = _from_loss(losses_module.categorical_crossentropy)
sparse_categorical_crossentropy = _from_loss(losses_module.sparse_categorical_crossentropy)
kl_divergence = _from_loss(losses_module.kl_divergence)
poisson = _from_loss(losses_module.poisson)


class MeanSquaredError(MeanMetricWrapper):
    """The mean of (y - p)²."""

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """The mean of |y - p|."""

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """100 · the mean of |y - p| / |y|."""

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """√(running mean of (y - p)²), over every entry seen (not a mean of per-batch roots)."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = _align(_array(y_true), _array(y_pred))
        super().update_state((y_true - y_pred) ** 2, sample_weight)

    def result(self):
        return float(np.sqrt(super().result()))


class BinaryCrossentropy(MeanMetricWrapper):
    """The mean binary crossentropy (see keras.losses)."""

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0.0):
        super().__init__(binary_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean categorical crossentropy (see keras.losses)."""

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False, label_smoothing=0.0):
        super().__init__(categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean sparse categorical crossentropy (see keras.losses)."""

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False):
        super().__init__(sparse_categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits)


class _Confusion(Metric):
    """True/false positives and negatives of (p > threshold) against 0/1 labels, summed over batches."""

    _direction = "up"

    def __init__(self, thresholds=None, name=None, dtype=None):
        self.thresholds = 0.5 if thresholds is None else thresholds
        super().__init__(name=name, dtype=dtype)

    def reset_state(self):
        self.true_positives = self.false_positives = self.false_negatives = 0.0

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = _align(_array(y_true), _array(y_pred))
        truth, guess = y_true > 0.5, y_pred > self.thresholds
        w = 1.0 if sample_weight is None else _align(_array(sample_weight), truth)[0]
        self.true_positives += float(((truth & guess) * w).sum())
        self.false_positives += float(((~truth & guess) * w).sum())
        self.false_negatives += float(((truth & ~guess) * w).sum())


class Precision(_Confusion):
    """TP / (TP + FP): of the samples called positive, the share that are."""

    def __init__(self, thresholds=None, name="precision", dtype=None):
        super().__init__(thresholds, name=name, dtype=dtype)

    def result(self):
        called = self.true_positives + self.false_positives
        return self.true_positives / called if called else 0.0


class Recall(_Confusion):
    """TP / (TP + FN): of the positive samples, the share called positive."""

    def __init__(self, thresholds=None, name="recall", dtype=None):
        super().__init__(thresholds, name=name, dtype=dtype)

    def result(self):
        positive = self.true_positives + self.false_negatives
        return self.true_positives / positive if positive else 0.0


# ---- names --------------------------------------------------------------------------------
_FUNCTIONS = {
    "binary_accuracy": binary_accuracy, "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "top_k_categorical_accuracy": top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy": sparse_top_k_categorical_accuracy,
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
    "mean_absolute_percentage_error": mean_absolute_percentage_error, "mape": mean_absolute_percentage_error,
    "mean_squared_logarithmic_error": mean_squared_logarithmic_error, "msle": mean_squared_logarithmic_error,
    "binary_crossentropy": binary_crossentropy, "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy, "kl_divergence": kl_divergence,
    "poisson": poisson,
}
_CLASSES = {c.__name__: c for c in (
    Mean, Sum, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy, MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    RootMeanSquaredError, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, Precision,
    Recall)}
_CLASSES.update(precision=Precision, recall=Recall, root_mean_squared_error=RootMeanSquaredError)
_UP = {"binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy", "top_k_categorical_accuracy",
       "sparse_top_k_categorical_accuracy"}


def get(identifier):
    """A metric from a name (``"mae"``, ``"binary_accuracy"``, ``"Precision"``), a Metric object or
    a per-sample function of (y_true, y_pred)."""
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        if identifier in _CLASSES:
            return _CLASSES[identifier]()
        if identifier in _FUNCTIONS:
            return _FUNCTIONS[identifier]
        raise ArgumentError(f"keras.metrics.get: unknown metric {identifier!r}; known names: accuracy, "
                            f"{', '.join(sorted(_FUNCTIONS))}, {', '.join(sorted(_CLASSES))}")
    if callable(identifier):
        return identifier
    raise ArgumentError(f"keras.metrics.get: could not interpret metric identifier {identifier!r}")


def is_binary_or_sparse_categorical(y_true, y_pred):
    """Keras's rule for "accuracy" and "crossentropy": (binary?, sparse?) from the shapes."""
    is_binary = y_pred.shape[-1] == 1
    is_sparse = y_true.ndim < y_pred.ndim or (y_true.shape[-1] == 1 and y_pred.shape[-1] > 1)
    return is_binary, is_sparse


def get_metric(identifier, y_true, y_pred):
    """The metric object compile's ``metrics=[...]`` entry stands for, given the first batch.

    "accuracy" / "acc" become binary, sparse categorical or categorical accuracy by the
    shapes (see the module docstring); the log name is the identifier when it is a string.
    """
    if str(identifier).lower() in ("accuracy", "acc"):
        is_binary, is_sparse = is_binary_or_sparse_categorical(_array(y_true), _array(y_pred))
        cls = BinaryAccuracy if is_binary else SparseCategoricalAccuracy if is_sparse else CategoricalAccuracy
        return cls(name=str(identifier))
    metric = get(identifier)
    if not isinstance(metric, Metric):
        metric = MeanMetricWrapper(metric, name=getattr(metric, "__name__", None))
        if metric.name in _UP:
            metric._direction = "up"
    if isinstance(identifier, str):
        metric.name = identifier
    return metric


def _snake(name):
    return "".join("_" + c.lower() if c.isupper() and i and not name[i - 1].isupper() else c.lower()
                   for i, c in enumerate(name))
