"""minigrad.keras against Keras 3 on four points: fit with nothing to train, compile settings
kept by save/load_model, subclassed models fed token ids, and masks through Concatenate,
the elementwise merges and MultiHeadAttention."""

import json
import warnings

import numpy as np
import pytest

import minigrad.keras as mk
from keras_support import keras_or_skip
from minigrad.errors import ArgumentError
from minigrad.keras.layers.base import get_mask

L = mk.layers


@pytest.fixture(scope="module")
def keras():
    return keras_or_skip()


def _numpy(t):
    """A Keras (torch) tensor or a minigrad Tensor as a NumPy array."""
    if hasattr(t, "detach"):
        return t.detach().cpu().numpy()
    return np.asarray(t.array)


# ---- 1. fit on a model with no trainable weights ---------------------------------------------------
def _pool_model(K):
    return K.Sequential([K.Input((4, 2)), K.layers.MaxPooling1D(2), K.layers.Flatten()])


def test_fit_without_trainable_weights_reports_the_loss(keras):
    rng = np.random.default_rng(0)
    x = rng.random((10, 4, 2), dtype=np.float32)
    y = rng.random((10, 4), dtype=np.float32)
    logs = {}
    for K in (mk, keras):
        model = _pool_model(K)
        model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        with pytest.warns(UserWarning, match="does not have any trainable weights"):
            history = model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
        logs[K] = history.history
    pooled = x.reshape(10, 2, 2, 2).max(axis=2).reshape(10, 4)
    expected = float(np.mean((pooled - y) ** 2))
    for K in (mk, keras):
        np.testing.assert_allclose(logs[K]["loss"], [expected, expected], rtol=1e-5)
    np.testing.assert_allclose(logs[mk]["mae"], logs[keras]["mae"], rtol=1e-5)


def test_fit_a_frozen_model_leaves_the_weights_alone():
    model = mk.Sequential([L.Input((3,)), L.Dense(2)])
    model.trainable = False
    before = model.get_weights()
    model.compile(optimizer="adam", loss="mse")
    with pytest.warns(UserWarning, match="trainable weights"):
        history = model.fit(np.ones((6, 3), np.float32), np.zeros((6, 2), np.float32), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


# ---- 2. compile settings through save / load_model -------------------------------------------------
def _classifier():
    return mk.Sequential([L.Input((4,)), L.Dense(5, activation="relu"), L.Dense(1)])


def _data(n=24):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    return x, (x[:, :1] + x[:, 1:2] > 0).astype(np.float32)


def test_get_compile_config_has_keras_keys_and_is_json(keras):
    mine = _classifier()
    assert mine.get_compile_config() == {}
    mine.compile(optimizer="adam", loss="mse", metrics=["mae"])
    theirs = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    theirs.compile(optimizer="adam", loss="mse", metrics=["mae"])
    a, b = mine.get_compile_config(), theirs.get_compile_config()
    assert set(a) == set(b)
    assert (a["loss"], a["metrics"]) == (b["loss"], b["metrics"]) == ("mse", ["mae"])
    assert a["optimizer"]["class_name"] == b["optimizer"]["class_name"] == "Adam"
    assert a["optimizer"]["config"]["learning_rate"] == pytest.approx(b["optimizer"]["config"]["learning_rate"])
    assert a["optimizer"]["config"]["epsilon"] == pytest.approx(b["optimizer"]["config"]["epsilon"])
    assert json.loads(json.dumps(a)) == a


def test_objects_round_trip_through_the_compile_config():
    model = _classifier()
    schedule = mk.optimizers.schedules.ExponentialDecay(0.05, decay_steps=3, decay_rate=0.5)
    model.compile(optimizer=mk.optimizers.SGD(learning_rate=schedule, momentum=0.9),
                  loss=mk.losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
                  metrics=[mk.metrics.BinaryAccuracy(threshold=0.3), mk.metrics.mean_absolute_error])
    config = json.loads(json.dumps(model.get_compile_config()))
    other = _classifier()
    other.compile_from_config(config)
    opt = other.optimizer
    assert isinstance(opt, mk.optimizers.SGD) and opt.momentum == 0.9
    assert isinstance(opt.learning_rate, mk.optimizers.schedules.ExponentialDecay)
    assert opt.learning_rate(3) == pytest.approx(0.025)
    assert isinstance(other.loss, mk.losses.BinaryCrossentropy)
    assert other.loss.get_config() == model.loss.get_config()
    acc, mae = other._compile_args["metrics"]
    assert isinstance(acc, mk.metrics.BinaryAccuracy)
    assert acc.get_config() == model._compile_args["metrics"][0].get_config()
    assert mae == "mean_absolute_error"  # a Keras function is saved by its name
    x, y = _data(8)
    other.build((None, 4))
    other.set_weights(model.get_weights())
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "binary_accuracy", "mean_absolute_error"}
    assert other.evaluate(x, y, verbose=0, return_dict=True) == pytest.approx(logs, rel=1e-6)


def test_loaded_model_evaluates_and_trains_on_as_the_original(tmp_path):
    x, y = _data()
    model = _classifier()
    model.compile(optimizer=mk.optimizers.Adam(learning_rate=0.01),
                  loss=mk.losses.BinaryCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = mk.models.load_model(path)
    assert loaded.optimizer.iterations == model.optimizer.iterations == 6
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0), rel=1e-6)
    # the optimizer's moments came back too: one more epoch moves both models alike
    h1 = model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0).history
    h2 = loaded.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0).history
    assert h1.keys() == h2.keys()
    for key in h1:
        assert h1[key] == pytest.approx(h2[key], rel=1e-6), key
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_load_model_compile_false_and_unsaveable_settings(tmp_path):
    x, y = _data(8)
    model = _classifier()
    model.compile(optimizer="sgd", loss="mse")
    path = str(tmp_path / "a.keras")
    model.save(path)
    plain = mk.models.load_model(path, compile=False)
    with pytest.raises(ArgumentError, match="compile"):
        plain.evaluate(x, y, verbose=0)
    # a loss of one's own cannot be JSON: the model is still saved, uncompiled, with a warning
    model.compile(optimizer="sgd", loss=lambda t, p: ((t - p) ** 2).mean())
    with pytest.raises(ArgumentError, match="cannot save"):
        model.get_compile_config()
    with pytest.warns(UserWarning, match="compile settings are not saved"):
        model.save(str(tmp_path / "b.keras"))
    again = mk.models.load_model(str(tmp_path / "b.keras"))
    assert not getattr(again, "compiled", False)


def test_learning_rate_set_by_a_callback_is_saved(tmp_path):
    x, y = _data(8)
    model = _classifier()
    model.compile(optimizer="sgd", loss="mse")
    model.optimizer.learning_rate = np.float32(0.003)  # as ReduceLROnPlateau may leave it
    path = str(tmp_path / "c.keras")
    model.save(path)
    assert mk.models.load_model(path).optimizer.learning_rate == pytest.approx(0.003)


def test_saved_and_loaded_model_evaluates_as_in_keras(keras, tmp_path):
    """The same compiled model in both, weights copied, saved and loaded: the same evaluation."""
    x, y = _data()
    results = []
    for K, name in ((mk, "m.keras"), (keras, "k.keras")):
        model = K.Sequential([K.Input((4,)), K.layers.Dense(3, activation="tanh"), K.layers.Dense(1)])
        model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
        results.append(model)
    results[0].set_weights(results[1].get_weights())
    values = []
    for model, name in zip(results, ("m.keras", "k.keras")):
        path = str(tmp_path / name)
        model.save(path)
        loaded = (mk.models.load_model if model is results[0] else keras.models.load_model)(path)
        values.append(loaded.evaluate(x, y, verbose=0))
    np.testing.assert_allclose(values[0], values[1], rtol=1e-5)


# ---- 3. subclassed models fed token ids ------------------------------------------------------------
class _TokenModel(mk.Model):
    def __init__(self):
        super().__init__()
        self.emb = L.Embedding(12, 4, mask_zero=True)
        self.rnn = L.LSTM(3)
        self.out = L.Dense(1, activation="sigmoid")
        self.seen = []

    def call(self, ids):
        self.seen.append(str(ids.dtype))
        return self.out(self.rnn(self.emb(ids)))


def test_subclassed_model_builds_on_token_ids():
    model = _TokenModel()
    model.build((None, 5))
    assert model.built and model.seen == ["int64"]
    assert model.count_params() == 12 * 4 + (4 * 12 + 3 * 12 + 12) + 4


def test_subclassed_model_builds_lazily_from_the_first_batch():
    model = _TokenModel()
    model.predict(np.array([[3, 4, 0, 0, 0]]), verbose=0)
    assert model.seen == ["int64"]  # one run, on the real batch: no extra run on zeros


class _Dense2(mk.Model):
    def __init__(self):
        super().__init__()
        self.d = L.Dense(2)

    def build(self, input_shape):  # a model with a build of its own still has it called
        self.called_with = tuple(input_shape)
        super().build(input_shape)

    def call(self, x):
        return self.d(x)


def test_own_build_is_still_called():
    model = _Dense2()
    model(np.ones((3, 4), np.float32))
    assert model.called_with == (3, 4) and model.count_params() == 10


def test_subclassed_token_model_fits_as_keras(keras):
    class KerasTokenModel(keras.Model):
        def __init__(self):
            super().__init__()
            self.emb = keras.layers.Embedding(12, 4, mask_zero=True)
            self.rnn = keras.layers.LSTM(3)
            self.out = keras.layers.Dense(1, activation="sigmoid")

        def call(self, ids):
            return self.out(self.rnn(self.emb(ids)))

    rng = np.random.default_rng(2)
    ids = rng.integers(1, 12, (16, 6))
    ids[::2, 4:] = 0
    labels = (ids[:, 0] > 5).astype(np.float32)
    mine, theirs = _TokenModel(), KerasTokenModel()
    mine.build((None, 6))
    theirs(ids[:2])  # Keras's build((None, 6)) of a subclassed model makes no weights
    mine.set_weights(theirs.get_weights())
    for model in (mine, theirs):
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    h1 = mine.fit(ids, labels, epochs=1, batch_size=8, shuffle=False, verbose=0).history
    h2 = theirs.fit(ids, labels, epochs=1, batch_size=8, shuffle=False, verbose=0).history
    assert h1["loss"] == pytest.approx(h2["loss"], rel=1e-5)
    for a, b in zip(mine.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


# ---- 4. masks through merges and attention ---------------------------------------------------------
IDS_A = np.array([[1, 2, 0, 0], [3, 0, 0, 0]])
IDS_B = np.array([[4, 5, 6, 0], [7, 8, 0, 0]])


def _embedded(K, masked=(True, True), dims=(3, 2)):
    """IDS_A and IDS_B embedded (eagerly, fixed weights), with their masks where asked for."""
    outs = []
    for ids, dim, m in zip((IDS_A, IDS_B), dims, masked):
        layer = K.layers.Embedding(10, dim, mask_zero=m)
        layer.build((None, 4))
        layer.set_weights([np.arange(10 * dim, dtype=np.float32).reshape(10, dim) / 10])
        outs.append(layer(ids))
    return outs


def _mask_of(K, t, keras):
    m = getattr(t, "_keras_mask", None) if K is keras else get_mask(t)
    return None if m is None else _numpy(m)


@pytest.mark.parametrize("masked", [(True, True), (True, False), (False, True), (False, False)])
@pytest.mark.parametrize("axis", [-1, 1])
def test_concatenate_merges_masks_as_keras(keras, masked, axis):
    got = []
    for K in (mk, keras):
        a, b = _embedded(K, masked, dims=(3, 2) if axis == -1 else (3, 3))
        got.append(_mask_of(K, K.layers.Concatenate(axis=axis)([a, b]), keras))
    if masked == (False, False):
        assert got == [None, None]
        return
    np.testing.assert_array_equal(got[0], got[1])
    ma = IDS_A != 0 if masked[0] else np.ones_like(IDS_A, bool)
    mb = IDS_B != 0 if masked[1] else np.ones_like(IDS_B, bool)
    np.testing.assert_array_equal(got[0], (ma | mb) if axis == -1 else np.concatenate([ma, mb], axis=1))


@pytest.mark.parametrize("masked", [(True, True), (True, False)])
@pytest.mark.parametrize("name", ["Add", "Multiply", "Maximum"])
def test_elementwise_merges_mask_as_keras(keras, masked, name):
    got = []
    for K in (mk, keras):
        a, b = _embedded(K, masked, dims=(2, 2))
        got.append(_mask_of(K, getattr(K.layers, name)()([a, b]), keras))
    if masked == (True, False):
        assert got == [None, None]  # an input without a mask: none on the output
    else:
        np.testing.assert_array_equal(got[0], got[1])
        np.testing.assert_array_equal(got[0], (IDS_A != 0) | (IDS_B != 0))


def _inputs(K, cross):
    """Fresh (query, value) for each call: Keras's attention takes the masks off its inputs."""
    a, b = _embedded(K, dims=(6, 5))
    return a, (b if cross else a)


@pytest.mark.parametrize("cross", [False, True])
def test_multi_head_attention_uses_the_input_masks(keras, cross):
    rng = np.random.default_rng(3)
    mine, theirs = mk.layers.MultiHeadAttention(2, 3), keras.layers.MultiHeadAttention(2, 3)
    theirs(*_inputs(keras, cross))
    mine(*_inputs(mk, cross))
    mine.set_weights([rng.normal(size=w.shape).astype(np.float32) for w in theirs.get_weights()])
    theirs.set_weights(mine.get_weights())
    out_m, scores_m = mine(*_inputs(mk, cross), return_attention_scores=True)
    out_k, scores_k = theirs(*_inputs(keras, cross), return_attention_scores=True)
    np.testing.assert_allclose(_numpy(scores_m), _numpy(scores_k), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_numpy(out_m), _numpy(out_k), rtol=1e-5, atol=1e-5)
    # the masks mattered: a masked query row attends to nothing, a padded key gets no weight
    value_ids = IDS_B if cross else IDS_A
    scores = _numpy(scores_m)
    assert np.all(scores[~np.broadcast_to((IDS_A != 0)[:, None, :, None] & (value_ids != 0)[:, None, None, :],
                                          scores.shape)] == 0)
    np.testing.assert_allclose(scores.sum(-1), np.broadcast_to((IDS_A != 0)[:, None, :], scores.shape[:-1]),
                               rtol=1e-6)
    # the output carries the query's mask, as in Keras
    np.testing.assert_array_equal(_mask_of(mk, mine(*_inputs(mk, cross)), keras),
                                  _mask_of(keras, theirs(*_inputs(keras, cross)), keras))
    np.testing.assert_array_equal(_mask_of(mk, mine(*_inputs(mk, cross)), keras), IDS_A != 0)
    # a mask given explicitly wins over the one the input carries
    q, v = _inputs(mk, cross)
    full = _numpy(mine(q, v, query_mask=np.ones((2, 4), bool), value_mask=np.ones((2, 4), bool),
                       return_attention_scores=True)[1])
    np.testing.assert_allclose(full.sum(-1), 1.0, rtol=1e-6)


def test_masked_attention_model_predicts_as_keras(keras):
    def build(K):
        ids = K.Input((4,), dtype="int64")
        x = K.layers.Embedding(10, 4, mask_zero=True)(ids)
        x = K.layers.MultiHeadAttention(num_heads=2, key_dim=2)(x, x)
        x = K.layers.GlobalAveragePooling1D()(x)
        return K.Model(ids, K.layers.Dense(1)(x))
    mine, theirs = build(mk), build(keras)
    mine.set_weights(theirs.get_weights())
    np.testing.assert_allclose(mine.predict(IDS_A, verbose=0), theirs.predict(IDS_A, verbose=0), rtol=1e-5,
                               atol=1e-6)


def test_no_warning_from_fit_with_weights():
    model = _classifier()
    model.compile(optimizer="sgd", loss="mse")
    x, y = _data(8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(x, y, epochs=1, verbose=0)
