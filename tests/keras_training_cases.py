"""Training scenarios run the same way on Keras 3 and on minigrad.keras, for parity.

Each case is a small model (Dense(3, tanh) then Dense(k, activation)) with fixed starting
weights, trained for two epochs on 40 samples in batches of 16 (16, 16, 8: the epoch loss is
then a mean weighted by batch size) without shuffling. A run gives the history, the final
weights, the predictions and the evaluation. ``run(keras_module, case)`` takes either
``keras`` (Keras 3 on its torch backend) or ``minigrad.keras``: the two share the API.

scripts/record_keras_training_golden.py stores Keras's numbers in
tests/golden/keras_training.npz; tests/test_keras_training.py compares minigrad with them
(and, where Keras is installed, checks that Keras still gives them).
"""

import numpy as np

N, FEATURES, HIDDEN = 40, 4, 3

# name: (optimizer (class, kwargs) or a name, loss (class, kwargs) or a name, metrics,
#        output units, output activation, labels kind, extra fit arguments)
CASES = {
    "sgd_mse": ("sgd", "mse", ["mae"], 1, None, "real", {}),
    "sgd_nesterov_mae": (("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
                         "mean_absolute_error", ["mse"], 2, None, "real", {}),
    "sgd_momentum_clipnorm": (("SGD", {"learning_rate": 0.1, "momentum": 0.5, "clipnorm": 0.5}), "mse", [], 1,
                              None, "real", {}),
    "sgd_clipvalue": (("SGD", {"learning_rate": 0.1, "clipvalue": 0.05}), "mse", [], 1, None, "real", {}),
    "adam_bce": ("adam", "binary_crossentropy", ["accuracy"], 1, "sigmoid", "binary", {}),
    "adam_amsgrad_logits": (("Adam", {"learning_rate": 0.01, "amsgrad": True}),
                            ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}),
                            ["accuracy"], 1, None, "binary_column", {}),
    "adam_global_clipnorm_decay": (("Adam", {"learning_rate": 0.01, "global_clipnorm": 0.3, "weight_decay": 0.05}),
                                   "mse", ["mae"], 2, None, "real", {}),
    "adamw_huber": ("adamw", "huber", ["mse"], 1, None, "real", {}),
    "rmsprop_cce": ("rmsprop", "categorical_crossentropy", ["accuracy"], 3, "softmax", "onehot", {}),
    "rmsprop_centered_sparse": (("RMSprop", {"learning_rate": 0.01, "momentum": 0.5, "centered": True}),
                                "sparse_categorical_crossentropy", ["accuracy"], 3, "softmax", "sparse", {}),
    "adagrad_sparse_logits": ("adagrad", ("SparseCategoricalCrossentropy", {"from_logits": True}),
                              ["accuracy"], 3, None, "sparse_column", {}),
    "adam_cce_smoothing_logits": (("Adam", {"learning_rate": 0.02}),
                                  ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}),
                                  ["accuracy", "categorical_crossentropy"], 3, None, "onehot", {}),
    "adam_sample_weight": ("adam", "binary_crossentropy", ["accuracy"], 1, "sigmoid", "binary",
                           {"sample_weight": True}),
    "adam_class_weight": ("adam", "binary_crossentropy", ["accuracy"], 1, "sigmoid", "binary",
                          {"class_weight": {0: 1.0, 1: 3.0}}),
    "sgd_validation_split": (("SGD", {"learning_rate": 0.05}), "mse", ["mae"], 1, None, "real",
                             {"validation_split": 0.25}),
    "rmsprop_validation_data": ("rmsprop", "sparse_categorical_crossentropy", ["accuracy"], 3, "softmax",
                                "sparse", {"validation_data": True}),
}


def data(case):
    """The case's inputs, labels, starting weights and sample weights (seeded, float32)."""
    *_, units, _, labels, _ = CASES[case]
    rng = np.random.default_rng(sum(map(ord, case)))
    x = rng.normal(size=(N, FEATURES)).astype(np.float32)
    score = x @ rng.normal(size=(FEATURES, units)).astype(np.float32)
    if labels == "real":
        y = (score + 0.1 * rng.normal(size=score.shape)).astype(np.float32)
        y = y[:, 0] if units == 1 else y  # (n,) against (n, 1): Keras expands the labels
    elif labels in ("binary", "binary_column"):
        y = (score[:, 0] > 0).astype(np.float32)
        y = y[:, None] if labels == "binary_column" else y
    elif labels == "onehot":
        y = np.eye(units, dtype=np.float32)[score.argmax(1)]
    else:  # sparse integer labels, flat or as a column
        y = score.argmax(1).astype(np.int64)
        y = y[:, None] if labels == "sparse_column" else y
    weights = [rng.normal(scale=0.5, size=(FEATURES, HIDDEN)).astype(np.float32),
               rng.normal(scale=0.1, size=(HIDDEN,)).astype(np.float32),
               rng.normal(scale=0.5, size=(HIDDEN, units)).astype(np.float32),
               rng.normal(scale=0.1, size=(units,)).astype(np.float32)]
    sample_weight = rng.uniform(0.2, 2.0, size=N).astype(np.float32)
    return x, y, weights, sample_weight


def build(keras, case):
    """The case's compiled model, on ``keras`` (Keras 3 or minigrad.keras)."""
    optimizer, loss, metrics, units, activation, _, _ = CASES[case]
    _, _, weights, _ = data(case)
    model = keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(HIDDEN, activation="tanh"),
                              keras.layers.Dense(units, activation=activation)])
    model.set_weights(weights)
    if not isinstance(optimizer, str):
        optimizer = getattr(keras.optimizers, optimizer[0])(**optimizer[1])
    if not isinstance(loss, str):
        loss = getattr(keras.losses, loss[0])(**loss[1])
    model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    return model


def run(keras, case):
    """Train the case's model; its numbers as a flat dict of float64 arrays."""
    x, y, _, sample_weight = data(case)
    extra = dict(CASES[case][-1])
    model = build(keras, case)
    fit = {"batch_size": 16, "epochs": 2, "shuffle": False, "verbose": 0}
    if extra.pop("sample_weight", False):
        fit["sample_weight"] = sample_weight
    if extra.pop("validation_data", False):
        fit["validation_data"] = (x[:10], y[:10])
    fit.update(extra)
    history = model.fit(x, y, **fit).history
    out = {f"history/{k}": np.asarray(v, dtype=np.float64) for k, v in history.items()}
    out.update({f"weights/{i}": np.asarray(w, dtype=np.float64) for i, w in enumerate(model.get_weights())})
    out["predict"] = np.asarray(model.predict(x, batch_size=16, verbose=0), dtype=np.float64)
    evaluation = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    out.update({f"evaluate/{k}": np.float64(v) for k, v in evaluation.items()})
    return out


def run_masked_sequence(keras):
    """A masked sequence model: Embedding(mask_zero=True) -> LSTM(return_sequences) -> Dense(3),
    a label per step. Padding steps (id 0) must count neither in the loss nor in the accuracy."""
    rng = np.random.default_rng(7)
    x = rng.integers(1, 10, size=(20, 6))
    x[np.arange(6) < rng.integers(0, 4, size=(20, 1))] = 0  # 0 to 3 padding steps in front
    y = rng.integers(0, 3, size=(20, 6))
    model = keras.Sequential([keras.Input((6,), dtype="int64"), keras.layers.Embedding(10, 4, mask_zero=True),
                              keras.layers.LSTM(5, return_sequences=True),
                              keras.layers.Dense(3, activation="softmax")])
    model.set_weights([rng.normal(scale=0.5, size=w.shape).astype(np.float32) for w in model.get_weights()])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    out = {f"history/{k}": np.asarray(v, dtype=np.float64) for k, v in history.items()}
    out.update({f"weights/{i}": np.asarray(w, dtype=np.float64) for i, w in enumerate(model.get_weights())})
    evaluation = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    out.update({f"evaluate/{k}": np.float64(v) for k, v in evaluation.items()})
    return out


def run_two_outputs(keras):
    """A functional model with two heads, a loss and metrics for each (given by list and by dict),
    loss weights, targets as a dict, a validation split."""
    rng = np.random.default_rng(11)
    x = rng.normal(size=(N, FEATURES)).astype(np.float32)
    left = (x @ rng.normal(size=FEATURES)).astype(np.float32)
    right = (x @ rng.normal(size=(FEATURES, 3))).argmax(1).astype(np.int64)
    inputs = keras.Input((FEATURES,))
    hidden = keras.layers.Dense(HIDDEN, activation="tanh", name="hidden")(inputs)
    model = keras.Model(inputs, [keras.layers.Dense(1, name="left")(hidden),
                                 keras.layers.Dense(3, activation="softmax", name="right")(hidden)])
    model.set_weights([rng.normal(scale=0.5, size=w.shape).astype(np.float32) for w in model.get_weights()])
    model.compile(optimizer="adam", loss={"left": "mse", "right": "sparse_categorical_crossentropy"},
                  loss_weights=[0.5, 2.0], metrics=[["mae"], ["accuracy"]])
    history = model.fit(x, {"left": left, "right": right}, batch_size=16, epochs=2, shuffle=False, verbose=0,
                        validation_split=0.25).history
    out = {f"history/{k}": np.asarray(v, dtype=np.float64) for k, v in history.items()}
    out.update({f"weights/{i}": np.asarray(w, dtype=np.float64) for i, w in enumerate(model.get_weights())})
    out["evaluate"] = np.asarray(model.evaluate(x, [left, right], batch_size=16, verbose=0), dtype=np.float64)
    left_pred, right_pred = model.predict(x, verbose=0)
    out["predict/left"], out["predict/right"] = left_pred.astype(np.float64), right_pred.astype(np.float64)
    return out


# ---- loss functions on fixed inputs: values and gradients ---------------------------------------
LOSSES = {  # name: (keras.losses class, kwargs, kind of y_true, kind of y_pred)
    "mse": ("MeanSquaredError", {}, "real", "real"),
    "mae": ("MeanAbsoluteError", {}, "real", "real"),
    "mape": ("MeanAbsolutePercentageError", {}, "real", "real"),
    "msle": ("MeanSquaredLogarithmicError", {}, "positive", "positive"),
    "huber": ("Huber", {"delta": 0.7}, "real", "real"),
    "log_cosh": ("LogCosh", {}, "real", "real"),
    "bce": ("BinaryCrossentropy", {}, "binary", "probability"),
    "bce_logits_smoothing": ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "binary", "real"),
    "cce": ("CategoricalCrossentropy", {}, "onehot", "simplex"),
    "cce_unnormalised": ("CategoricalCrossentropy", {}, "onehot", "positive"),
    "cce_logits_smoothing": ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "onehot",
                             "real"),
    "scce": ("SparseCategoricalCrossentropy", {}, "sparse", "simplex"),
    "scce_logits": ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse", "real"),
    "hinge": ("Hinge", {}, "binary", "real"),
    "squared_hinge": ("SquaredHinge", {}, "binary", "real"),
    "kld": ("KLDivergence", {}, "simplex", "simplex"),
    "poisson": ("Poisson", {}, "positive", "positive"),
    "cosine": ("CosineSimilarity", {}, "real", "real"),
    "mse_sum": ("MeanSquaredError", {"reduction": "sum"}, "real", "real"),
    "bce_none": ("BinaryCrossentropy", {"reduction": None}, "binary", "probability"),
}


def loss_inputs(name):
    """(y_true, y_pred, sample_weight) for a loss case: 6 samples, 4 columns (classes)."""
    rng = np.random.default_rng(sum(map(ord, name)) + 1)

    def make(kind):
        if kind == "real":
            return rng.normal(size=(6, 4)).astype(np.float32)
        if kind == "positive":
            return rng.uniform(0.1, 2.0, size=(6, 4)).astype(np.float32)
        if kind == "probability":
            return rng.uniform(0.02, 0.98, size=(6, 4)).astype(np.float32)
        if kind == "binary":
            return (rng.uniform(size=(6, 4)) > 0.5).astype(np.float32)
        if kind == "simplex":
            p = rng.uniform(0.05, 1.0, size=(6, 4))
            return (p / p.sum(1, keepdims=True)).astype(np.float32)
        if kind == "onehot":
            return np.eye(4, dtype=np.float32)[rng.integers(0, 4, size=6)]
        return rng.integers(0, 4, size=6).astype(np.int64)  # sparse

    _, _, true_kind, pred_kind = LOSSES[name]
    y_true, y_pred = make(true_kind), make(pred_kind)
    return y_true, y_pred, rng.uniform(0.2, 2.0, size=6).astype(np.float32)


# ---- metrics on fixed inputs: the result after two batches ---------------------------------------
METRICS = {  # name: (keras.metrics class, kwargs, kind of y_true, kind of y_pred)
    "accuracy": ("Accuracy", {}, "sparse", "near"),
    "binary_accuracy": ("BinaryAccuracy", {"threshold": 0.4}, "binary", "probability"),
    "categorical_accuracy": ("CategoricalAccuracy", {}, "onehot", "simplex"),
    "sparse_categorical_accuracy": ("SparseCategoricalAccuracy", {}, "sparse", "simplex"),
    "top_k": ("TopKCategoricalAccuracy", {"k": 2}, "onehot", "simplex"),
    "sparse_top_k": ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse", "simplex"),
    "mse": ("MeanSquaredError", {}, "real", "real"),
    "mae": ("MeanAbsoluteError", {}, "real", "real"),
    "mape": ("MeanAbsolutePercentageError", {}, "real", "real"),
    "rmse": ("RootMeanSquaredError", {}, "real", "real"),
    "bce": ("BinaryCrossentropy", {}, "binary", "probability"),
    "cce_logits": ("CategoricalCrossentropy", {"from_logits": True}, "onehot", "real"),
    "scce": ("SparseCategoricalCrossentropy", {}, "sparse", "simplex"),
    "precision": ("Precision", {}, "binary", "probability"),
    "recall": ("Recall", {"thresholds": 0.3}, "binary", "probability"),
}


def metric_result(keras, name, weighted):
    """The metric's result after two batches of metric_inputs (with sample weights if ``weighted``)."""
    cls, kwargs, _, _ = METRICS[name]
    metric = getattr(keras.metrics, cls)(**kwargs)
    for y_true, y_pred, sample_weight in metric_inputs(name):
        metric.update_state(y_true, y_pred, sample_weight=sample_weight if weighted else None)
    return np.float64(metric.result())


def metric_inputs(name):
    """Two batches (y_true, y_pred, sample_weight) for a metric case, of 6 and 4 samples."""
    _, _, true_kind, pred_kind = METRICS[name]
    batches = []
    for size, seed in ((6, 0), (4, 1)):
        rng = np.random.default_rng(sum(map(ord, name)) + seed)

        def make(kind):
            if kind == "sparse":
                return rng.integers(0, 4, size=size).astype(np.int64)
            if kind == "binary":
                return (rng.uniform(size=(size, 1)) > 0.5).astype(np.float32)
            if kind == "probability":
                return rng.uniform(0.02, 0.98, size=(size, 1)).astype(np.float32)
            if kind == "onehot":
                return np.eye(4, dtype=np.float32)[rng.integers(0, 4, size=size)]
            if kind == "simplex":
                p = rng.uniform(0.05, 1.0, size=(size, 4))
                return (p / p.sum(1, keepdims=True)).astype(np.float32)
            return rng.normal(size=(size, 4)).astype(np.float32)
        y_true = make(true_kind)
        if pred_kind == "near":  # the labels, about half of them changed
            y_pred = np.where(rng.uniform(size=size) < 0.5, y_true, make("sparse"))
        else:
            y_pred = make(pred_kind)
        batches.append((y_true, y_pred, rng.uniform(0.2, 2.0, size=size).astype(np.float32)))
    return batches
