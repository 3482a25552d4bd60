"""compile / fit / evaluate / predict: the Keras training loop, written out.

``fit`` is the loop a PyTorch program writes by hand, with its parts chosen by ``compile``::

    for epoch in range(epochs):
        for x, y in batches(data, batch_size=32, shuffle=True):
            y_pred = model(x, training=True)          # forward
            loss = loss_fn(y, y_pred)                  # compile(loss=...)
            for w in model.trainable_weights:
                w.grad = None                          # optimizer.zero_grad()
            loss.backward()                            # the gradients
            optimizer.apply([w.grad for w in model.trainable_weights],
                            model.trainable_weights)   # optimizer.step()
            update the metrics                         # compile(metrics=[...])
        evaluate on the validation data, call the callbacks

(``train_step`` below is exactly the inner body). What Keras adds around it: the data in any
form (data_adapter.py), compile's names made into objects at the first batch
(compile_utils.py), a running mean of the loss weighted by batch size and running metrics over
the epoch, the validation pass, callbacks (callbacks.py) and the progress bar (progbar.py).
"""

import warnings

import numpy as np

from .. import backend
from ..autograd.grad_mode import no_grad
from ..errors import ArgumentError
from ..optim.optimizer import Optimizer as TorchStyleOptimizer
from . import compile_config
from . import metrics as metrics_module
from . import optimizers as optimizers_module
from .callbacks import CallbackList
from .compile_utils import CompiledLoss, CompiledMetrics
from .data_adapter import (flatten, is_array_like, make_batches, map_structure, standardize, to_model_tensor,
                           train_validation_split, unpack)


class Trainer:
    """The training half of a Keras ``Model``: compile, fit, evaluate, predict.

    A model class inherits it next to ``Layer``; it needs only ``self(x, training=...)`` and
    ``self.trainable_weights`` (and ``get_weights``/``set_weights``/``save`` for the callbacks
    that use them).
    """

    # ---- compile ----------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", auto_scale_loss=True):
        """Choose the optimizer, the loss and the metrics (by name or as objects).

        ``optimizer`` may also be a minigrad (PyTorch-style) optimizer already holding the
        model's parameters: ``fit`` then calls its ``step()``. ``metrics=["accuracy"]`` is
        resolved at the first batch, from the shapes of labels and predictions.
        """
        if isinstance(optimizer, TorchStyleOptimizer):
            self.optimizer = optimizer
        else:
            self.optimizer = optimizers_module.get(optimizer)
        self.loss, self.loss_weights = loss, loss_weights
        self._compile_args = dict(loss=loss, loss_weights=loss_weights, metrics=metrics,
                                  weighted_metrics=weighted_metrics, run_eagerly=run_eagerly,
                                  steps_per_execution=steps_per_execution, jit_compile=jit_compile)
        self._metric_ids, self._weighted_metric_ids = metrics, weighted_metrics
        self._compile_loss = self._compile_metrics = None  # made at the first batch (see compile_utils.py)
        self.compiled_metrics = None  # then the list of metric objects
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.stop_training = False
        self.compiled = True

    def get_compile_config(self):
        """compile's arguments as JSON-ready data ({} before compile): what ``save`` stores.

        The optimizer is the model's own object, so its learning rate is the current one (after
        ``ReduceLROnPlateau``, say). Raises ``ArgumentError`` for a setting JSON cannot hold (a
        function of your own, a PyTorch-style optimizer); see compile_config.py.
        """
        if not getattr(self, "compiled", False):
            return {}
        return compile_config.serialize(dict(optimizer=self.optimizer, **self._compile_args), "compile")

    def compile_from_config(self, config):
        """``compile`` with the arguments ``get_compile_config`` gave (``load_model`` calls it)."""
        self.compile(**compile_config.deserialize(config))

    def _check_compiled(self, what):
        if not getattr(self, "compiled", False):
            raise ArgumentError(f"You must call compile() before using the model ({what}).")

    @property
    def metrics(self):
        """The metric objects: the loss's running mean, each output's loss (several outputs), the metrics."""
        if not getattr(self, "compiled", False):
            return []
        per_output_losses = self._compile_loss.metrics if self._compile_loss is not None else []
        return [self._loss_tracker] + per_output_losses + list(self.compiled_metrics or ())

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    # ---- the loss and the metrics of one batch ----------------------------------------------
    def _output_names(self, y_pred):
        """The names the logs give the outputs: the output layers' names, or output_0, output_1, ..."""
        count = len(flatten(y_pred))
        graph = getattr(self, "outputs", None) or []
        if count > 1 and len(graph) == count and all(hasattr(t, "node") for t in graph):
            return [t.node.layer.name for t in graph]
        return [f"output_{i}" for i in range(count)] if count > 1 else ["output"]

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The loss to minimise: the compiled loss (over several outputs, Σ loss_weight · loss)."""
        if self._compile_loss is None:
            if self.loss is None:
                raise ArgumentError("the model was compiled without a loss: compile(loss=...) to train or evaluate")
            if y is None:
                raise ArgumentError("no targets to compute the loss with: give y (or batches of (x, y))")
            self._compile_loss = CompiledLoss(self.loss, self.loss_weights, self._output_names(y_pred), y, y_pred)
        return self._compile_loss(y, y_pred, sample_weight)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the metrics with this batch and return every result so far (the logs)."""
        if self._compile_metrics is None:
            self._compile_metrics = CompiledMetrics(self._metric_ids, self._weighted_metric_ids,
                                                    self._output_names(y_pred), y, y_pred)
            self.compiled_metrics = self._compile_metrics.metrics
        self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self):
        """{name: value} of the loss and every metric, sorted by name as Keras logs them."""
        return dict(sorted((m.name, float(m.result())) for m in self.metrics))

    # ---- one batch ----------------------------------------------------------------------------
    def train_step(self, data):
        """One step of gradient descent on one batch; returns the logs so far."""
        x, y, sample_weight = data
        y_pred = self(x, training=True)
        loss = self.compute_loss(x, y, y_pred, sample_weight, training=True)
        self._loss_tracker.update_state(float(loss.item()), sample_weight=_batch_size(x))
        weights = self.trainable_weights
        if weights:
            for w in weights:
                w.grad = None
            loss.backward()
            if isinstance(self.optimizer, TorchStyleOptimizer):
                self.optimizer.step()
            else:
                self.optimizer.apply([w.grad for w in weights], weights)
        else:
            # nothing to train (only pooling, reshaping, frozen layers): the loss is still
            # reported, as Keras does
            warnings.warn("The model does not have any trainable weights.", stacklevel=2)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        """The loss and metrics of one batch, without training."""
        x, y, sample_weight = data
        with no_grad():
            y_pred = self(x, training=False)
            loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        self._loss_tracker.update_state(float(loss.item()), sample_weight=_batch_size(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        x, _, _ = data
        with no_grad():
            return self(x, training=False)

    def _tensors(self, batch):
        """A batch of arrays as Tensors on the model's device (inputs float32 or int64)."""
        x, y, sample_weight = batch
        device = _device_of(self)
        return (map_structure(lambda a: to_model_tensor(_expand_1d(_raw(a)), device), x),
                map_structure(lambda a: to_model_tensor(_raw(a), device, labels=True), y),
                map_structure(lambda a: to_model_tensor(_raw(a).astype(np.float32), device), sample_weight))

    # ---- fit ----------------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1):
        """Train for ``epochs`` passes over the data; return the ``History`` of the epochs' logs.

        ``validation_split`` holds out the *last* fraction of the samples (before shuffling) and
        evaluates on it after each epoch; ``validation_data`` gives them instead, as (x, y) or
        (x, y, sample_weight) or a loader. The logged loss of an epoch is the mean of its batch
        losses weighted by batch size, the metrics are over all its samples.
        """
        self._check_compiled("fit")
        if validation_split and validation_data is None:
            if not is_array_like(x):
                raise ArgumentError("validation_split is only supported for arrays (NumPy arrays, Tensors, lists), "
                                    f"not for a {type(x).__name__}; give validation_data instead")
            arrays = (standardize(x, "x"), standardize(y, "y"), standardize(sample_weight, "sample_weight"))
            (x, y, sample_weight), validation_data = train_validation_split(arrays, validation_split)
        data = make_batches(x, y, sample_weight, batch_size, shuffle, steps_per_epoch, class_weight)
        val = None
        if validation_data is not None:
            vx, vy, vsw = unpack(validation_data) if isinstance(validation_data, (list, tuple)) else (
                validation_data, None, None)
            val = make_batches(vx, vy, vsw, (validation_batch_size or batch_size) if is_array_like(vx) else None,
                               False, validation_steps)
        verbose = _verbose(verbose)
        callbacks = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                                 verbose=verbose, epochs=epochs, steps=data.num_batches)
        self.stop_training = False
        callbacks.on_train_begin()
        epoch_logs = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            self.train()  # training mode for minigrad modules inside (dropout, batch norm)
            steps = 0
            for step, batch in enumerate(data):
                callbacks.on_train_batch_begin(step)
                logs = self.train_step(self._tensors(batch))
                callbacks.on_train_batch_end(step, logs)
                steps += 1
                if self.stop_training:
                    break
            self.eval()
            if steps == 0:
                warnings.warn("fit: the input ran out of data; give steps_per_epoch, or data that can be "
                              "read again each epoch", stacklevel=2)
                break
            epoch_logs = self.get_metrics_result()
            if val is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._evaluate_batches(val, callbacks)
                epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
            callbacks.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        callbacks.on_train_end(epoch_logs)
        return self.history

    # ---- evaluate and predict -----------------------------------------------------------------
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False):
        """The loss and metrics over the data: a number (loss alone), a list [loss, metrics...] or a dict."""
        self._check_compiled("evaluate")
        data = make_batches(x, y, sample_weight, batch_size, False, steps)
        verbose = _verbose(verbose)
        if not isinstance(callbacks, CallbackList):
            callbacks = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                                     steps=data.num_batches)
        logs = self._evaluate_batches(data, callbacks)
        if return_dict:
            return logs
        names = self.metrics_names
        values = [logs[n] for n in names if n in logs] + [v for k, v in logs.items() if k not in names]
        return values[0] if len(values) == 1 else values

    def _evaluate_batches(self, data, callbacks):
        self.reset_metrics()
        callbacks.on_test_begin()
        for step, batch in enumerate(data):
            callbacks.on_test_batch_begin(step)
            logs = self.test_step(self._tensors(batch))
            callbacks.on_test_batch_end(step, logs)
        logs = self.get_metrics_result()
        callbacks.on_test_end(logs)
        return logs

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs on ``x``, computed batch by batch, as NumPy arrays."""
        data = make_batches(x, None, None, batch_size, False, steps)
        verbose = _verbose(verbose)
        if not isinstance(callbacks, CallbackList):
            callbacks = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                                     steps=data.num_batches)
        callbacks.on_predict_begin()
        outputs = []
        for step, batch in enumerate(data):
            callbacks.on_predict_batch_begin(step)
            out = map_structure(_to_numpy, self.predict_step(self._tensors(batch)))
            outputs.append(out)
            callbacks.on_predict_batch_end(step, {"outputs": out})
        callbacks.on_predict_end()
        if not outputs:
            raise ArgumentError("predict: the input has no samples")
        return _concatenate(outputs)

    # ---- single batches -----------------------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on exactly this batch (metrics keep accumulating, as in Keras 3)."""
        self._check_compiled("train_on_batch")
        batch = next(iter(make_batches(x, y, sample_weight, _num_rows(x), False, class_weight=class_weight)))
        self.train()
        logs = self.train_step(self._tensors(batch))
        self.eval()
        return logs if return_dict else self._in_order(logs)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._check_compiled("test_on_batch")
        batch = next(iter(make_batches(x, y, sample_weight, _num_rows(x), False)))
        logs = self.test_step(self._tensors(batch))
        return logs if return_dict else self._in_order(logs)

    def predict_on_batch(self, x):
        batch = next(iter(make_batches(x, None, None, _num_rows(x), False)))
        return map_structure(_to_numpy, self.predict_step(self._tensors(batch)))

    def _in_order(self, logs):
        values = [logs[n] for n in self.metrics_names if n in logs]
        return values[0] if len(values) == 1 else values


# ---- small helpers ------------------------------------------------------------------------------
def _verbose(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2):
        raise ArgumentError(f"verbose must be 'auto', 0, 1 or 2, got {verbose!r}")
    return verbose


def _device_of(model):
    for w in model.weights:  # all of them: a frozen model on a GPU still wants its inputs there
        return w.device
    return None


def _raw(a):
    return a.array if hasattr(a, "array") and not isinstance(a, np.ndarray) else a


def _expand_1d(a):
    """A flat input of n numbers is n samples of one feature, (n,) -> (n, 1), as in tf.keras
    (``fit(xs, ys)`` on ``Dense(1, input_shape=(1,))`` with xs a flat array)."""
    return a[:, None] if a.ndim == 1 else a


def _batch_size(x):
    return flatten(x)[0].shape[0]


def _num_rows(x):
    leaves = flatten(standardize(x))
    if not leaves:
        raise ArgumentError("no input data given (x is None)")
    return max(leaves[0].shape[0], 1) if leaves[0].ndim else 1


def _to_numpy(t):
    return np.asarray(backend.to_device(t.array, "cpu"))


def _concatenate(outputs):
    first = outputs[0]
    if isinstance(first, dict):
        return {k: _concatenate([o[k] for o in outputs]) for k in first}
    if isinstance(first, (list, tuple)):
        return type(first)(_concatenate([o[i] for o in outputs]) for i in range(len(first)))
    return np.concatenate(outputs, axis=0)

