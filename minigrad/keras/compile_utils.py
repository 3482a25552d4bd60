"""What ``compile(loss=..., metrics=...)`` becomes at the first batch.

The loss and the metrics are given by name before the model has run, and what a name means
can depend on the data ("accuracy" and "crossentropy" look at the shapes of labels and
predictions), so both are resolved when the first batch arrives:

- ``CompiledLoss``: one Loss object per output; for a model with several outputs the loss is
  Σ loss_weightᵢ · lossᵢ, and each lossᵢ (unweighted) is also tracked as ``<output>_loss``.
- ``CompiledMetrics``: the metric objects, per output; with several outputs each metric is
  logged as ``<output>_<metric>``.

Losses and metrics for several outputs are given as a list with one entry per output or as a
dict keyed by output (layer) name, as in Keras; targets ``y`` likewise (a list, or a dict).
"""

import numpy as np

from ..errors import ArgumentError
from . import losses as losses_module
from . import metrics as metrics_module
from .data_adapter import flatten
from .layers.base import get_mask


def per_output(spec, names, what, broadcast=True):
    """``spec`` (a list, a dict by output name, or one value for all) as a list in output order."""
    if isinstance(spec, dict):
        unknown = sorted(set(spec) - set(names))
        if unknown:
            raise ArgumentError(f"{what} names {unknown}, which are not outputs of the model (its outputs: {names})")
        return [spec.get(n) for n in names]
    if isinstance(spec, (list, tuple)) and len(names) > 1:
        if len(spec) != len(names):
            raise ArgumentError(f"the model has {len(names)} outputs but {what} has {len(spec)} entries; give one "
                                f"per output, or a dict keyed by output name ({names})")
        return list(spec)
    if not broadcast and len(names) > 1:
        raise ArgumentError(f"the model has {len(names)} outputs: give {what} as a list with one entry per output "
                            f"or as a dict keyed by output name ({names})")
    return [spec] * len(names)


def targets_in_order(y, names):
    """The targets as a list in output order (``y`` a list, a dict by output name, or one array)."""
    if isinstance(y, dict):
        missing = [n for n in names if n not in y]
        if missing:
            raise ArgumentError(f"the targets have no entry for the outputs {missing} (keys: {sorted(y)})")
        return [y[n] for n in names]
    targets = flatten(y) if isinstance(y, (list, tuple)) else [y]
    if len(targets) != len(names):
        raise ArgumentError(f"the model has {len(names)} outputs but got {len(targets)} targets")
    return targets


def as_loss(identifier, y_true, y_pred):
    """A Loss object for a loss name, function or object; "crossentropy" picks its kind by the shapes."""
    if isinstance(identifier, str) and identifier.lower() in ("crossentropy", "ce"):
        is_binary, is_sparse = metrics_module.is_binary_or_sparse_categorical(y_true, y_pred)
        fn = (losses_module.binary_crossentropy if is_binary else losses_module.sparse_categorical_crossentropy
              if is_sparse else losses_module.categorical_crossentropy)
        return losses_module.LossFunctionWrapper(fn, name=identifier)
    loss = losses_module.get(identifier)
    if isinstance(loss, losses_module.Loss) or loss is None:
        return loss
    name = identifier if isinstance(identifier, str) else getattr(loss, "__name__", None)
    return losses_module.LossFunctionWrapper(loss, name=name)


class CompiledLoss:
    """The compiled loss of a model with outputs ``names`` (one name: a single-output model)."""

    def __init__(self, loss, loss_weights, names, y, y_pred):
        self.names = names
        targets, outputs = targets_in_order(y, names), flatten(y_pred)
        self.losses = [None if s is None else as_loss(s, t, p)
                       for s, t, p in zip(per_output(loss, names, "loss"), targets, outputs)]
        if all(fn is None for fn in self.losses):
            raise ArgumentError("compile(loss=...) gives no loss for any output")
        self.weights = [1.0] * len(names) if loss_weights is None else per_output(loss_weights, names,
                                                                                 "loss_weights", broadcast=False)
        self.metrics = [metrics_module.Mean(name=f"{n}_loss") for n, fn in zip(names, self.losses)
                        if fn is not None] if len(names) > 1 else []

    def __call__(self, y, y_pred, sample_weight=None):
        total, trackers = None, iter(self.metrics)
        batch = flatten(y_pred)[0].shape[0]
        for fn, w, t, p in zip(self.losses, self.weights, targets_in_order(y, self.names), flatten(y_pred)):
            if fn is None:
                continue  # an output with no loss: it trains only through the others
            value = fn(t, p, sample_weight)
            if self.metrics:
                next(trackers).update_state(float(value.item()), sample_weight=batch)
            term = value if w == 1.0 else value * w
            total = term if total is None else total + term
        return total


class CompiledMetrics:
    """The compiled metrics (and weighted metrics), per output, made from the first batch."""

    def __init__(self, metrics, weighted_metrics, names, y, y_pred):
        self.names = names
        targets, outputs = targets_in_order(y, names), flatten(y_pred)
        self.plain = self._build(metrics, names, targets, outputs, "metrics")
        self.weighted = self._build(weighted_metrics, names, targets, outputs, "weighted_metrics")
        taken = {m.name for ms in self.plain for m in ms}
        for m in (m for ms in self.weighted for m in ms):
            if m.name in taken:
                m.name = "weighted_" + m.name

    @staticmethod
    def _build(spec, names, targets, outputs, what):
        if not spec:
            return [[] for _ in names]
        if len(names) == 1:
            specs = [flatten(spec) if isinstance(spec, (list, tuple)) else [spec]]
        else:
            specs = [[] if s is None else (list(s) if isinstance(s, (list, tuple)) else [s])
                     for s in per_output(spec, names, what, broadcast=False)]
        built = []
        for name, ids, t, p in zip(names, specs, targets, outputs):
            objects = [metrics_module.get_metric(m, t.array, p.array) for m in ids]
            if len(names) > 1:
                for m in objects:
                    m.name = f"{name}_{m.name}"
            built.append(objects)
        return built

    @property
    def metrics(self):
        return [m for ms in self.plain + self.weighted for m in ms]

    def update_state(self, y, y_pred, sample_weight=None):
        for plain, weighted, t, p in zip(self.plain, self.weighted, targets_in_order(y, self.names),
                                         flatten(y_pred)):
            if not plain and not weighted:
                continue
            mask = get_mask(p)  # masked (padding) steps count for no metric
            mask = None if mask is None else mask.array.astype(np.float32)
            weights = None if sample_weight is None else sample_weight.array
            if mask is not None and weights is not None:
                weights = mask * weights.reshape(weights.shape + (1,) * (mask.ndim - weights.ndim))
            elif mask is not None:
                weights = mask
            for m in plain:
                m.update_state(t.array, p.array, mask)
            for m in weighted:
                m.update_state(t.array, p.array, weights)
