"""minigrad.keras training: compile/fit/evaluate/predict, optimizers, losses, metrics, callbacks.

Parity with Keras 3 goes through tests/golden/keras_training.npz (recorded by
scripts/record_keras_training_golden.py from the cases in keras_training_cases.py), so it is
checked on every machine; where Keras is installed, a few cases are re-run on Keras (torch
backend) to show the golden numbers are still Keras's.
"""

import io
import math
from pathlib import Path

import numpy as np
import pytest

import keras_training_cases as cases
import minigrad
import minigrad.keras as mk
from keras_support import import_keras, keras_or_skip
from minigrad.errors import ShapeError
from minigrad.keras import callbacks, losses, metrics, optimizers

GOLDEN = Path(__file__).parent / "golden" / "keras_training.npz"
TOL = dict(rtol=1e-5, atol=1e-5)


@pytest.fixture(scope="module")
def golden():
    with np.load(GOLDEN) as g:
        return {k: g[k] for k in g.files}


def tiny_model(units=1, activation=None, seed=0):
    """Dense(3, tanh) -> Dense(units) on 4 features, with seeded weights."""
    rng = np.random.default_rng(seed)
    model = mk.Sequential([mk.Input((4,)), mk.layers.Dense(3, activation="tanh"),
                           mk.layers.Dense(units, activation=activation)])
    model.set_weights([rng.normal(size=(4, 3)).astype(np.float32), np.zeros(3, np.float32),
                       rng.normal(size=(3, units)).astype(np.float32), np.zeros(units, np.float32)])
    return model


def regression_data(n=20, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    return x, (x @ np.array([1.0, -2.0, 0.5, 0.0], np.float32)).astype(np.float32)


# ---- parity with Keras (golden numbers) -----------------------------------------------------------
@pytest.mark.parametrize("case", list(cases.CASES))
def test_fit_matches_keras(golden, case):
    minigrad.manual_seed(0)
    out = cases.run(mk, case)
    expected = sorted(k[len(case) + 1:] for k in golden if k.startswith(case + "/"))
    assert sorted(out) == expected  # the same logs (names included) and outputs
    for key in expected:
        np.testing.assert_allclose(out[key], golden[f"{case}/{key}"], err_msg=f"{case}: {key}", **TOL)


@pytest.mark.parametrize("name", ["masked_sequence", "two_outputs"])
def test_special_models_match_keras(golden, name):
    minigrad.manual_seed(0)
    out = getattr(cases, f"run_{name}")(mk)
    assert sorted(out) == sorted(k[len(name) + 1:] for k in golden if k.startswith(name + "/"))
    for key, value in out.items():
        np.testing.assert_allclose(value, golden[f"{name}/{key}"], err_msg=key, **TOL)


@pytest.mark.parametrize("name", list(cases.LOSSES))
def test_loss_matches_keras(golden, name):
    cls, kwargs, _, _ = cases.LOSSES[name]
    y_true, y_pred, sample_weight = cases.loss_inputs(name)
    loss = getattr(losses, cls)(**kwargs)
    pred = minigrad.tensor(y_pred, requires_grad=True)
    value = loss(y_true, pred)
    value.sum().backward()
    assert value.dtype == np.float32 and pred.grad.dtype == np.float32
    np.testing.assert_allclose(value.numpy(), golden[f"loss/{name}/value"], **TOL)
    np.testing.assert_allclose(pred.grad.numpy(), golden[f"loss/{name}/grad"], **TOL)
    weighted = loss(y_true, y_pred, sample_weight=sample_weight)
    np.testing.assert_allclose(weighted.numpy(), golden[f"loss/{name}/weighted"], **TOL)


@pytest.mark.parametrize("name", list(cases.METRICS))
def test_metric_matches_keras(golden, name):
    for weighted in ("plain", "weighted"):
        result = cases.metric_result(mk, name, weighted == "weighted")
        np.testing.assert_allclose(result, golden[f"metric/{name}/{weighted}"], err_msg=weighted, **TOL)


def test_golden_numbers_are_still_keras(golden):
    keras = keras_or_skip()
    import record_keras_training_golden as record  # noqa: E402  (scripts/, put on the path below)
    runs = {case: (lambda case=case: cases.run(keras, case)) for case in ("adam_amsgrad_logits",
                                                                         "rmsprop_centered_sparse")}
    runs["two_outputs"] = lambda: cases.run_two_outputs(keras)
    for case, run in runs.items():
        keras.utils.set_random_seed(0)
        for key, value in run().items():
            np.testing.assert_allclose(value, golden[f"{case}/{key}"], rtol=1e-6, atol=1e-6, err_msg=key)
    for name in cases.LOSSES:
        for key, value in record.keras_loss(keras, name).items():
            np.testing.assert_allclose(value, golden[key], rtol=1e-6, atol=1e-6, err_msg=key)
    for name in cases.METRICS:
        np.testing.assert_allclose(cases.metric_result(keras, name, True), golden[f"metric/{name}/weighted"],
                                   rtol=1e-6, atol=1e-6, err_msg=name)


@pytest.fixture(autouse=True, scope="module")
def _scripts_on_path():
    import sys
    path = str(Path(__file__).parents[1] / "scripts")
    sys.path.insert(0, path)
    yield
    sys.path.remove(path)


# ---- optimizers -----------------------------------------------------------------------------------
def test_optimizer_defaults_are_keras():
    assert optimizers.get("sgd").learning_rate == 0.01 and optimizers.get("SGD").momentum == 0.0
    adam = optimizers.get("adam")
    assert (adam.learning_rate, adam.beta_1, adam.beta_2, adam.epsilon) == (0.001, 0.9, 0.999, 1e-7)
    rms = optimizers.get("rmsprop")
    assert (rms.learning_rate, rms.rho, rms.epsilon, rms.momentum, rms.centered) == (0.001, 0.9, 1e-7, 0.0, False)
    ada = optimizers.get("adagrad")
    assert (ada.learning_rate, ada.initial_accumulator_value, ada.epsilon) == (0.001, 0.1, 1e-7)
    assert optimizers.get("adamw").weight_decay == 0.004
    assert optimizers.Adam().get_config()["epsilon"] == 1e-7


def test_adam_adds_epsilon_before_the_bias_correction():
    """Keras: θ -= α m / (√v + ε), α = lr √(1-β₂ᵗ)/(1-β₁ᵗ). PyTorch puts ε after the correction."""
    g = np.array([1e-6, -3e-6, 2e-5], np.float32)
    keras_param = minigrad.nn.Parameter(minigrad.zeros(3))
    opt = optimizers.Adam(learning_rate=0.1)
    opt.apply([g], [keras_param])
    m, v = 0.1 * g.astype(np.float64), 0.001 * g.astype(np.float64) ** 2
    alpha = 0.1 * math.sqrt(1 - 0.999) / (1 - 0.9)
    np.testing.assert_allclose(keras_param.numpy(), -alpha * m / (np.sqrt(v) + 1e-7), rtol=1e-5)
    torch_param = minigrad.nn.Parameter(minigrad.zeros(3))
    torch_style = minigrad.optim.Adam([torch_param], lr=0.1, eps=1e-7)
    torch_param.grad = minigrad.tensor(g)
    torch_style.step()
    assert not np.allclose(keras_param.numpy(), torch_param.numpy(), rtol=1e-2)  # the placement matters here


def test_optimizer_state_iterations_and_learning_rate_assignment():
    p = minigrad.nn.Parameter(minigrad.ones(2))
    opt = optimizers.SGD(learning_rate=0.5, momentum=0.9)
    opt.apply([np.ones(2, np.float32)], [p])
    opt.learning_rate = 0.1  # what LearningRateScheduler and ReduceLROnPlateau do
    opt.apply([np.ones(2, np.float32)], [p])
    # m1 = -0.5; θ1 = 0.5; m2 = 0.9 m1 - 0.1 = -0.55; θ2 = -0.05
    np.testing.assert_allclose(p.numpy(), [-0.05, -0.05], rtol=1e-6)
    assert opt.iterations == 2 and len(opt.variables) == 1 and p.dtype == np.float32
    opt.apply([None], [p])  # no gradient: the variable is left alone
    np.testing.assert_allclose(p.numpy(), [-0.05, -0.05], rtol=1e-6)


def test_learning_rate_schedule_is_called_with_the_iteration():
    p = minigrad.nn.Parameter(minigrad.zeros(1))
    seen = []
    opt = optimizers.SGD(learning_rate=lambda step: seen.append(step) or 1.0)
    for _ in range(3):
        opt.apply([np.ones(1, np.float32)], [p])
    assert seen == [0, 1, 2] and p.numpy()[0] == -3.0


SCHEDULES = [("ExponentialDecay", (0.1, 10, 0.5), {}), ("ExponentialDecay", (0.1, 10, 0.5), {"staircase": True}),
             ("InverseTimeDecay", (0.1, 7, 0.3), {}), ("InverseTimeDecay", (0.1, 7, 0.3), {"staircase": True}),
             ("PiecewiseConstantDecay", ([5, 12], [1.0, 0.5, 0.1]), {}), ("CosineDecay", (0.1, 20), {"alpha": 0.1}),
             ("CosineDecay", (0.0, 20), {"warmup_target": 0.2, "warmup_steps": 5})]
STEPS = [0, 1, 4, 5, 6, 12, 13, 24, 30]


def test_learning_rate_schedules():
    s = optimizers.schedules
    assert math.isclose(s.ExponentialDecay(0.1, 10, 0.5)(15), 0.1 * 0.5 ** 1.5)
    assert s.ExponentialDecay(0.1, 10, 0.5, staircase=True)(15) == 0.05
    assert math.isclose(s.InverseTimeDecay(0.1, 7, 0.3)(14), 0.1 / 1.6)
    assert [s.PiecewiseConstantDecay([5, 12], [1.0, 0.5, 0.1])(t) for t in (5, 6, 12, 13)] == [1.0, 0.5, 0.5, 0.1]
    assert math.isclose(s.CosineDecay(0.1, 20, alpha=0.1)(10), 0.1 * (0.9 * 0.5 + 0.1))
    assert math.isclose(s.CosineDecay(0.0, 20, warmup_target=0.2, warmup_steps=5)(5), 0.2)
    keras = import_keras()
    if keras is not None:
        for name, args, kwargs in SCHEDULES:
            ours, theirs = getattr(s, name)(*args, **kwargs), getattr(keras.optimizers.schedules, name)(*args, **kwargs)
            for t in STEPS:
                assert math.isclose(ours(t), float(theirs(t)), rel_tol=1e-5, abs_tol=1e-7), (name, kwargs, t)  # float32


def test_optimizer_bad_arguments():
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.Adam(lr=0.1)
    with pytest.raises(ValueError, match="only one of"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="unknown optimizer 'adamm'"):
        optimizers.get("adamm")
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=1.5)
    p = minigrad.nn.Parameter(minigrad.zeros(2))
    with pytest.raises(ValueError, match="shape"):
        optimizers.SGD().apply([np.ones(3, np.float32)], [p])


# ---- losses and metrics ---------------------------------------------------------------------------
def test_loss_lines_up_flat_labels_with_a_column_of_predictions():
    y_pred = np.array([[0.2], [0.4], [0.9]], np.float32)
    value = losses.MeanSquaredError()([0.0, 1.0, 1.0], y_pred)
    assert value.shape == () and math.isclose(float(value), (0.04 + 0.36 + 0.01) / 3, rel_tol=1e-6)
    per_sample = losses.mean_squared_error(np.array([0.0, 1.0, 1.0]), y_pred)
    assert per_sample.shape == (3,)  # not a (3, 3) broadcast


def test_crossentropy_clips_probabilities():
    value = losses.binary_crossentropy(np.array([1.0, 0.0]), np.array([0.0, 1.0], np.float32))
    low, high = np.float32(1e-7), np.float32(1 - 1e-7)  # the clip, in float32
    expected = -(np.log(low) + np.log(np.float32(1) - high)) / 2
    assert np.isfinite(value.numpy()) and math.isclose(float(value), float(expected), rel_tol=1e-5)
    pred = minigrad.tensor([0.0, 0.5], requires_grad=True)
    losses.binary_crossentropy(np.array([1.0, 1.0]), pred).backward()
    assert pred.grad.numpy()[0] == 0.0  # clipped: no gradient beyond the clip, as in Keras


def test_loss_names_and_errors():
    assert losses.get("mse") is losses.mean_squared_error
    assert isinstance(losses.get("BinaryCrossentropy"), losses.BinaryCrossentropy)
    with pytest.raises(ValueError, match="unknown loss 'msee'"):
        losses.get("msee")
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="avg")
    with pytest.raises(ShapeError, match="y_true.shape"):
        losses.categorical_crossentropy(np.ones((2, 3)), np.ones((2, 4), np.float32) / 4)
    with pytest.raises(ShapeError, match="class"):
        losses.sparse_categorical_crossentropy(np.zeros((2, 2)), np.ones((2, 4), np.float32) / 4)


@pytest.mark.parametrize("y_shape,pred_shape,kind", [
    ((8,), (8, 1), metrics.BinaryAccuracy), ((8, 1), (8, 1), metrics.BinaryAccuracy),
    ((8,), (8, 3), metrics.SparseCategoricalAccuracy), ((8, 1), (8, 3), metrics.SparseCategoricalAccuracy),
    ((8, 3), (8, 3), metrics.CategoricalAccuracy)])
def test_accuracy_is_chosen_by_the_shapes(y_shape, pred_shape, kind):
    metric = metrics.get_metric("accuracy", np.zeros(y_shape), np.zeros(pred_shape))
    assert type(metric) is kind and metric.name == "accuracy"
    assert metrics.get_metric("acc", np.zeros(y_shape), np.zeros(pred_shape)).name == "acc"


def test_metrics_accumulate_over_batches_and_reset():
    acc = metrics.BinaryAccuracy()
    acc.update_state([1, 0, 1], [[0.9], [0.2], [0.3]])  # 2 of 3
    acc.update_state([1], [[0.7]])  # 1 of 1
    assert math.isclose(acc.result(), 0.75)
    acc.reset_state()
    assert acc.result() == 0.0
    top = metrics.SparseTopKCategoricalAccuracy(k=2)
    assert top([2, 0], [[0.1, 0.5, 0.4], [0.1, 0.5, 0.4]]) == 0.5
    precision, recall = metrics.Precision(), metrics.Recall()
    precision.update_state([1, 0, 1, 1], [0.9, 0.8, 0.1, 0.7])
    recall.update_state([1, 0, 1, 1], [0.9, 0.8, 0.1, 0.7])
    assert math.isclose(precision.result(), 2 / 3) and math.isclose(recall.result(), 2 / 3)
    rmse = metrics.RootMeanSquaredError()
    rmse.update_state([0.0, 0.0], [3.0, 4.0])
    assert math.isclose(rmse.result(), math.sqrt(12.5))
    with pytest.raises(ValueError, match="unknown metric"):
        metrics.get("accuracyy")


# ---- fit, evaluate, predict -----------------------------------------------------------------------
def test_the_epoch_loss_is_the_mean_over_batches_weighted_by_batch_size():
    x, y = regression_data(20)
    model = tiny_model()
    model.compile(optimizer=optimizers.SGD(learning_rate=0.0), loss="mse")
    history = model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)  # batches of 8, 8, 4
    whole = float(np.mean((model.predict(x, verbose=0)[:, 0] - y) ** 2))
    assert math.isclose(history.history["loss"][0], whole, rel_tol=1e-5)
    batch_means = [float(np.mean((model.predict(x[s], verbose=0)[:, 0] - y[s]) ** 2))
                   for s in (slice(0, 8), slice(8, 16), slice(16, 20))]
    assert not math.isclose(np.mean(batch_means), whole, rel_tol=1e-3)  # a plain mean would differ


def test_validation_split_holds_out_the_last_samples_before_shuffling():
    x, y = regression_data(20)
    model = tiny_model()
    model.compile(optimizer=optimizers.SGD(learning_rate=0.0), loss="mse", metrics=["mae"])
    history = model.fit(x, y, validation_split=0.25, epochs=2, verbose=0)  # shuffled training data
    last = model.evaluate(x[15:], y[15:], verbose=0, return_dict=True)
    first = model.evaluate(x[:15], y[:15], verbose=0, return_dict=True)
    assert sorted(history.history) == ["loss", "mae", "val_loss", "val_mae"]
    assert math.isclose(history.history["val_loss"][1], last["loss"], rel_tol=1e-5)
    assert math.isclose(history.history["loss"][1], first["loss"], rel_tol=1e-5)
    with pytest.raises(ValueError, match="not enough"):
        model.fit(x[:1], y[:1], validation_split=0.5, verbose=0)


def test_inputs_as_lists_tensors_and_a_dataloader_train_alike():
    x, y = regression_data(12)
    runs = {}
    inputs = {"arrays": (x, y), "lists": (x.tolist(), y.tolist()),
              "tensors": (minigrad.tensor(x), minigrad.tensor(y)),
              "loader": (minigrad.utils.data.DataLoader(
                  minigrad.utils.data.TensorDataset(minigrad.tensor(x), minigrad.tensor(y)), batch_size=5), None)}
    for name, (xs, ys) in inputs.items():
        model = tiny_model()
        model.compile(optimizer="adam", loss="mse")
        kwargs = {} if name == "loader" else {"batch_size": 5}
        history = model.fit(xs, ys, epochs=2, shuffle=False, verbose=0, **kwargs)
        runs[name] = (history.history["loss"], model.get_weights())
    for name, (loss, weights) in runs.items():
        np.testing.assert_allclose(loss, runs["arrays"][0], rtol=1e-6, err_msg=name)
        for a, b in zip(weights, runs["arrays"][1]):
            np.testing.assert_allclose(a, b, rtol=1e-6, err_msg=name)


def test_integer_inputs_reach_the_model_as_int64():
    seen = []

    class Probe(mk.Model):
        def __init__(self):
            super().__init__()
            self.embed = mk.layers.Embedding(10, 2)

        def call(self, inputs, training=None):
            seen.append(inputs.dtype)
            return self.embed(inputs).sum(1)

    model = Probe()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.array([[1, 2], [3, 4]], dtype=np.int32), np.zeros((2, 2)), verbose=0)
    assert seen.count(np.dtype(np.int64)) == 1 and seen[-1] == np.int64  # the one batch fit fed it


def test_predict_returns_numpy_in_batches():
    x, _ = regression_data(20)
    model = tiny_model(units=2)
    batches = []
    probe = callbacks.LambdaCallback()
    probe.on_predict_batch_end = lambda batch, logs: batches.append(logs["outputs"].shape[0])
    out = model.predict(x, batch_size=7, verbose=0, callbacks=[probe])
    assert isinstance(out, np.ndarray) and out.shape == (20, 2) and out.dtype == np.float32
    assert batches == [7, 7, 6]
    np.testing.assert_allclose(out, model(minigrad.tensor(x)).numpy(), rtol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(x[:3]), out[:3], rtol=1e-6)
    assert model.predict([[0.0, 1.0, 2.0, 3.0]], verbose=0).shape == (1, 2)  # nested lists


def test_evaluate_and_single_batch_methods():
    x, y = regression_data(20)
    labels = (y > 0).astype(np.int64)
    model = tiny_model(units=1, activation="sigmoid")
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    loss, acc = model.evaluate(x, labels, verbose=0)
    p = model.predict(x, verbose=0)[:, 0]
    assert math.isclose(acc, float(np.mean((p > 0.5) == labels)), rel_tol=1e-6)
    assert math.isclose(loss, float(losses.binary_crossentropy(labels[:, None], p[:, None]).numpy().mean()),
                        rel_tol=1e-5)
    assert model.metrics_names == ["loss", "accuracy"]
    assert set(model.evaluate(x, labels, verbose=0, return_dict=True)) == {"loss", "accuracy"}
    before = model.get_weights()[0].copy()
    out = model.train_on_batch(x, labels)
    assert len(out) == 2 and not np.allclose(model.get_weights()[0], before)
    assert isinstance(model.test_on_batch(x, labels, return_dict=True), dict)
    plain = tiny_model()
    plain.compile(optimizer="sgd", loss="mse")
    assert isinstance(plain.evaluate(x, y, verbose=0), float)  # the loss alone: a number


def test_fit_keeps_float32_and_accepts_a_pytorch_style_optimizer():
    x, y = regression_data(16)
    model = tiny_model()
    model.compile(optimizer=minigrad.optim.SGD(model.parameters(), lr=0.1), loss="mse")
    history = model.fit(x, y, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert all(w.dtype == np.float32 for w in model.get_weights())


def test_sample_and_class_weights():
    x, y = regression_data(8)
    labels = (y > 0).astype(np.float32)
    model = tiny_model(activation="sigmoid")
    model.compile(optimizer=optimizers.SGD(learning_rate=0.0), loss="binary_crossentropy")
    per_sample = losses.binary_crossentropy(labels[:, None], model.predict(x, verbose=0)).numpy()
    weights = np.linspace(0.5, 2.0, 8).astype(np.float32)
    got = model.fit(x, labels, sample_weight=weights, verbose=0).history["loss"][0]
    assert math.isclose(got, float(np.mean(per_sample * weights)), rel_tol=1e-5)
    got = model.fit(x, labels, class_weight={0: 1.0, 1: 4.0}, verbose=0).history["loss"][0]
    assert math.isclose(got, float(np.mean(per_sample * np.where(labels == 1, 4.0, 1.0))), rel_tol=1e-5)


def test_two_outputs_two_losses():
    inputs = mk.Input((4,))
    a = mk.layers.Dense(1, name="a")(inputs)
    b = mk.layers.Dense(2, activation="softmax", name="b")(inputs)
    model = mk.Model(inputs, [a, b])
    model.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"], loss_weights=[0.5, 2.0])
    x, y = regression_data(10)
    classes = (y > 0).astype(np.int64)
    pa, pb = model.predict(x, verbose=0)
    expected = 0.5 * np.mean((pa[:, 0] - y) ** 2) + 2.0 * float(
        losses.sparse_categorical_crossentropy(classes, pb).numpy().mean())
    total, loss_a, loss_b = model.evaluate(x, [y, classes], verbose=0)  # the loss, then each output's
    assert math.isclose(total, expected, rel_tol=1e-5) and math.isclose(0.5 * loss_a + 2.0 * loss_b, total,
                                                                        rel_tol=1e-5)


def test_fit_bad_inputs():
    x, y = regression_data(10)
    model = tiny_model()
    with pytest.raises(ValueError, match="compile"):
        model.fit(x, y)
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ShapeError, match="same number of samples"):
        model.fit(x, y[:7], verbose=0)
    with pytest.raises(ValueError, match="no targets"):
        model.fit(x, verbose=0)
    with pytest.raises(ValueError, match="verbose"):
        model.fit(x, y, verbose=3)
    with pytest.raises(ValueError, match="different lengths"):
        model.predict([[1.0, 2.0], [1.0]])
    loader = minigrad.utils.data.DataLoader(minigrad.utils.data.TensorDataset(minigrad.tensor(x), minigrad.tensor(y)))
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(loader, validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match="batch_size"):
        model.fit(loader, batch_size=4, verbose=0)
    with pytest.raises(ValueError, match="batch_size"):
        model.fit(x, y, batch_size=0, verbose=0)
    inputs = mk.Input((4,))
    two = mk.Model(inputs, [mk.layers.Dense(1, name="p")(inputs), mk.layers.Dense(1, name="q")(inputs)])
    two.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    with pytest.raises(ValueError, match="2 outputs but metrics has 1 entries"):
        two.fit(x, [y, y], verbose=0)
    two.compile(optimizer="sgd", loss={"p": "mse", "r": "mse"})
    with pytest.raises(ValueError, match="not outputs of the model"):
        two.fit(x, [y, y], verbose=0)
    two.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="2 outputs but got 3 targets"):
        two.fit(x, [y, y, y], verbose=0)


# ---- callbacks ------------------------------------------------------------------------------------
class _FakeModel:
    def __init__(self):
        self.stop_training, self.value, self.compiled_metrics = False, 0, []

    def get_weights(self):
        return [np.array(self.value)]

    def set_weights(self, weights):
        self.value = int(weights[0])


def test_early_stopping_rules_and_restore_best_weights():
    stop = callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    model = _FakeModel()
    stop.set_model(model)
    stop.on_train_begin()
    for epoch, value in enumerate([3.0, 2.0, 2.5, 2.6, 2.7]):
        model.value = epoch
        stop.on_epoch_end(epoch, {"val_loss": value})
        if model.stop_training:
            break
    assert epoch == 3 and stop.stopped_epoch == 3 and stop.best == 2.0
    stop.on_train_end()
    assert model.value == 1  # the weights of the best epoch


def test_early_stopping_in_fit_and_history():
    x, y = regression_data(16)
    model = tiny_model()
    model.compile(optimizer=optimizers.SGD(learning_rate=0.0), loss="mse")
    history = model.fit(x, y, epochs=10, verbose=0, callbacks=[callbacks.EarlyStopping(monitor="loss", patience=1)])
    assert history is model.history and history.epoch == [0, 1]  # no improvement at epoch 1: stop
    assert history.params == {"verbose": 0, "epochs": 10, "steps": 1}


def test_learning_rate_scheduler_and_reduce_on_plateau():
    x, y = regression_data(16)
    model = tiny_model()
    model.compile(optimizer=optimizers.SGD(learning_rate=0.0), loss="mse")
    schedule = callbacks.LearningRateScheduler(lambda epoch, lr: 0.0 * lr + 1e-9 * (epoch + 1))
    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[schedule])
    np.testing.assert_allclose(history.history["learning_rate"], [1e-9, 2e-9, 3e-9])
    model.compile(optimizer=optimizers.SGD(learning_rate=1e-9), loss="mse", metrics=["mae"])
    plateau = callbacks.ReduceLROnPlateau(monitor="mae", patience=1, factor=0.5, min_lr=2e-10)
    history = model.fit(x, y, epochs=5, verbose=0, callbacks=[plateau])
    # mae does not move: epochs 1, 2, 3, 4 each exceed the patience -> 1e-9, 5e-10, 2.5e-10, then min_lr
    np.testing.assert_allclose(history.history["learning_rate"], [1e-9, 1e-9, 5e-10, 2.5e-10, 2e-10])
    with pytest.raises(ValueError, match="factor"):
        callbacks.ReduceLROnPlateau(factor=1.5)


def test_monitor_direction_comes_from_the_metric():
    model = tiny_model(activation="sigmoid")
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    x, y = regression_data(8)
    model.evaluate(x, (y > 0).astype(np.float32), verbose=0)  # builds the metrics
    stop = callbacks.EarlyStopping(monitor="val_accuracy")
    stop.set_model(model)
    stop._set_monitor_op()
    assert stop.monitor_op is np.greater
    bad = callbacks.EarlyStopping(monitor="val_thing")
    bad.set_model(model)
    with pytest.raises(ValueError, match="mode='max'"):
        bad._set_monitor_op()


def test_model_checkpoint_and_csv_logger(tmp_path):
    x, y = regression_data(16)
    model = tiny_model()
    model.compile(optimizer="adam", loss="mse")
    pattern = str(tmp_path / "ckpt-{epoch:02d}.weights.npz")
    log = tmp_path / "log.csv"
    model.fit(x, y, epochs=3, verbose=0, callbacks=[
        callbacks.ModelCheckpoint(pattern, monitor="loss", save_weights_only=True, save_best_only=True),
        callbacks.CSVLogger(str(log))])
    saved = sorted(p.name for p in tmp_path.glob("ckpt-*"))
    assert saved == ["ckpt-01.weights.npz", "ckpt-02.weights.npz", "ckpt-03.weights.npz"]  # loss fell each time
    other = tiny_model(seed=5)
    other.load_weights(str(tmp_path / "ckpt-03.weights.npz"))
    for a, b in zip(other.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    rows = log.read_text().splitlines()
    assert rows[0] == "epoch,loss" and len(rows) == 4 and rows[1].startswith("0,")


def test_terminate_on_nan():
    x, y = regression_data(16)
    y[3] = np.nan
    model = tiny_model()
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=5, batch_size=4, verbose=0, callbacks=[callbacks.TerminateOnNaN()])
    assert len(history.epoch) == 1


# ---- the progress bar -----------------------------------------------------------------------------
class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_and_quiet_elsewhere(monkeypatch, capsys):
    x, y = regression_data(64)
    model = tiny_model(activation="sigmoid")
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    labels = (y > 0).astype(np.float32)
    model.fit(x, labels, epochs=2, verbose=1)  # captured output is not a terminal: nothing
    assert capsys.readouterr().out == ""
    screen = _Terminal()
    monkeypatch.setattr("sys.stdout", screen)
    model.fit(x, labels, epochs=2, verbose=1)
    text = screen.getvalue()
    assert "Epoch 1/2\n" in text and "Epoch 2/2\n" in text
    last = text.rstrip("\n").split("\r")[-1]
    assert "2/2" in last and "━" * 20 in last and "/step - accuracy: " in last and " - loss: " in last
    logs = io.StringIO()
    monkeypatch.setattr("sys.stdout", logs)
    model.fit(x, labels, epochs=1, verbose=2, validation_split=0.5)
    line = logs.getvalue()
    assert line.startswith("1/1 - ") and "/step - accuracy: " in line and " - val_loss: " in line
    assert "\r" not in line and "\x1b" not in line and line.count("\n") == 1


@pytest.mark.gpu
def test_fit_on_cuda_matches_the_cpu():
    x, y = regression_data(40)
    classes = np.digitize(y, [-1.0, 1.0])
    runs = {}
    for device in ("cpu", "cuda"):
        minigrad.manual_seed(0)
        model = tiny_model(units=3, activation="softmax")
        model.to(device)
        model.compile(optimizer=optimizers.Adam(learning_rate=0.01, clipnorm=1.0),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy", "sparse_top_k_categorical_accuracy"])
        history = model.fit(minigrad.tensor(x, device=device), classes, epochs=2, validation_split=0.25,
                            class_weight={0: 1.0, 1: 2.0, 2: 1.0}, verbose=0)
        assert model.trainable_weights[0].device.type == device
        runs[device] = (history.history, model.predict(x, verbose=0), model.evaluate(x, classes, verbose=0))
    (cpu_logs, cpu_pred, cpu_eval), (gpu_logs, gpu_pred, gpu_eval) = runs["cpu"], runs["cuda"]
    assert isinstance(gpu_pred, np.ndarray) and sorted(gpu_logs) == sorted(cpu_logs)
    for key in cpu_logs:
        np.testing.assert_allclose(gpu_logs[key], cpu_logs[key], rtol=1e-4, atol=1e-5, err_msg=key)
    np.testing.assert_allclose(gpu_pred, cpu_pred, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(gpu_eval, cpu_eval, rtol=1e-4, atol=1e-5)


def test_losses_by_output_name():
    inputs = mk.Input((4,))
    model = mk.Model(inputs, [mk.layers.Dense(1, name="left")(inputs), mk.layers.Dense(1, name="right")(inputs)])
    x, y = regression_data(10)
    model.compile(optimizer="sgd", loss={"right": "mae", "left": "mse"}, loss_weights={"left": 1.0, "right": 0.0})
    left, _ = model.predict(x, verbose=0)
    logs = model.evaluate(x, {"right": y, "left": y}, verbose=0, return_dict=True)
    assert math.isclose(logs["loss"], float(np.mean((left[:, 0] - y) ** 2)), rel_tol=1e-5)
    assert sorted(logs) == ["left_loss", "loss", "right_loss"]
    model.compile(optimizer="sgd", loss={"left": "mse"})  # an output without a loss is allowed
    assert sorted(model.evaluate(x, [y, y], verbose=0, return_dict=True)) == ["left_loss", "loss"]


def test_shuffling_and_batch_sources():
    from minigrad.keras.data_adapter import ArrayBatches
    minigrad.manual_seed(0)
    epoch = [x.tolist() for x, _, _ in ArrayBatches(np.arange(10), batch_size=4, shuffle=True)]
    assert [len(b) for b in epoch] == [4, 4, 2] and sorted(sum(epoch, [])) == list(range(10))
    assert sum(epoch, []) != list(range(10))
    chunks = [x.tolist() for x, _, _ in ArrayBatches(np.arange(10), batch_size=4, shuffle="batch")]
    assert [sorted(c) for c in chunks] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]  # order changes inside chunks only
    x, y = regression_data(12)

    def batches():  # a generator never ends: fit needs steps_per_epoch
        while True:
            for start in range(0, 12, 4):
                yield x[start:start + 4], y[start:start + 4]
    model = tiny_model()
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(batches(), steps_per_epoch=3, epochs=2, verbose=0)
    assert history.params["steps"] == 3 and len(history.history["loss"]) == 2
    assert model.predict(iter([x[:5], x[5:]]), verbose=0).shape == (12, 1)


def test_learning_rate_callbacks_with_a_pytorch_style_optimizer():
    x, y = regression_data(16)
    model = tiny_model()
    model.compile(optimizer=minigrad.optim.SGD(model.parameters(), lr=0.1), loss="mse")
    history = model.fit(x, y, epochs=2, verbose=0,
                        callbacks=[callbacks.LearningRateScheduler(lambda epoch: 0.01 / (epoch + 1))])
    np.testing.assert_allclose(history.history["learning_rate"], [0.01, 0.005])
    assert model.optimizer.param_groups[0]["lr"] == 0.005
