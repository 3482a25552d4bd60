"""Keras models on minigrad: Sequential, functional and subclassed models, summary, weights, saving."""

import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))

import minigrad  # noqa: E402
import minigrad.keras as mk  # noqa: E402
from keras_layer_cases import SUMMARY_MODELS, summary_text  # noqa: E402
from keras_support import keras_or_skip  # noqa: E402
from minigrad.errors import ArgumentError, ShapeError  # noqa: E402

GOLDEN = os.path.join(os.path.dirname(__file__), "golden", "keras_layers.npz")
L = mk.layers


@pytest.fixture(scope="module")
def keras():
    return keras_or_skip()


@pytest.fixture
def columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")  # the summary's width follows the terminal, as in Keras


# ---- summary -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(SUMMARY_MODELS))
def test_summary_matches_keras(name, keras, columns):
    assert summary_text(name, mk) == summary_text(name, keras)


@pytest.mark.parametrize("name", sorted(SUMMARY_MODELS))
def test_summary_matches_golden(name, columns):
    with np.load(GOLDEN, allow_pickle=False) as data:
        expected = str(data[f"summary/{name}"])
    assert summary_text(name, mk) == expected


def test_summary_prints_and_counts(capsys, columns):
    mk.backend.clear_session()
    model = mk.Sequential([L.Dense(1, input_shape=(1,))])
    model.summary()
    text = capsys.readouterr().out
    assert 'Model: "sequential"' in text and "│ dense (Dense)" in text and " Total params: 2 (8.00 B)" in text
    assert model.count_params() == 2


# ---- Sequential ----------------------------------------------------------------------------------
def test_sequential_builds_from_input_shape_or_first_batch():
    eager = mk.Sequential([L.Dense(4, input_shape=(3,)), L.Dense(1)])
    assert eager.built and [w.shape for w in eager.get_weights()] == [(3, 4), (4,), (4, 1), (1,)]
    deferred = mk.Sequential()
    deferred.add(L.Dense(4))
    deferred.add(L.Dense(1))
    assert not deferred.built and deferred.weights == []
    out = deferred(np.ones((5, 3)))
    assert out.shape == (5, 1) and deferred.built
    assert deferred.layers[0].output.shape == (None, 4)  # built as Keras does: batch axis unknown
    added = mk.Sequential()
    added.add(mk.Input((3,)))
    added.add(L.Dense(2))
    assert added.built and added.layers[0].kernel.shape == (3, 2)
    assert added.pop() is not None and added.layers == []


def test_sequential_rejects_non_layers_and_duplicate_names():
    model = mk.Sequential([L.Dense(2, name="d")])
    with pytest.raises(ValueError, match="Only instances of `keras.Layer`"):
        model.add("dense")
    with pytest.raises(ValueError, match="unique names"):
        model.add(L.Dense(3, name="d"))


def test_sequential_is_a_module_minigrad_optimizers_can_train():
    minigrad.manual_seed(0)
    model = mk.Sequential([L.Dense(8, activation="tanh", input_shape=(2,)), L.Dense(1)])
    assert len(list(model.parameters())) == 4
    names = [n for n, _ in model.named_parameters()]
    assert names == ["dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias"] or len(names) == 4
    x = minigrad.tensor(np.random.default_rng(0).standard_normal((64, 2)).astype(np.float32))
    y = (x[:, :1] * x[:, 1:]).detach()
    opt = minigrad.optim.Adam(model.parameters(), lr=0.02)
    losses = []
    for _ in range(60):
        loss = ((model(x, training=True) - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.item()))
    assert losses[-1] < 0.5 * losses[0]


def test_embedding_lstm_classifier_takes_integer_sequences():
    model = mk.Sequential([L.Embedding(50, 8, input_length=6), L.LSTM(4), L.Dense(1, activation="sigmoid")])
    ids = np.random.default_rng(0).integers(0, 50, (3, 6))
    out = model(ids).numpy()
    assert out.shape == (3, 1) and ((out > 0) & (out < 1)).all()
    np.testing.assert_array_equal(model(ids.astype(np.float32)).numpy(), out)
    assert model.layers[1].output.shape == (None, 4)


# ---- functional ----------------------------------------------------------------------------------
def _two_branch():
    a, b = mk.Input((3,), name="a"), mk.Input((2,), name="b")
    shared = L.Dense(4, name="shared")
    x = L.Concatenate(name="join")([shared(a), L.Dense(4, name="side")(b)])
    out = L.Dense(1, name="head")(x)
    return mk.Model(inputs=[a, b], outputs=out), shared


def test_functional_model_runs_the_graph():
    model, _ = _two_branch()
    assert [l.name for l in model.layers] == ["a", "shared", "b", "side", "join", "head"]
    assert len(model.inputs) == 2 and model.outputs[0].shape == (None, 1)
    xa, xb = np.ones((5, 3), np.float32), np.ones((5, 2), np.float32)
    y = model([xa, xb])
    head, join = model.get_layer("head"), model.get_layer("join")
    by_hand = (np.concatenate([xa @ model.get_layer("shared").kernel.numpy(),
                               xb @ model.get_layer("side").kernel.numpy()], axis=1) @ head.kernel.numpy())
    np.testing.assert_allclose(y.numpy(), by_hand, rtol=1e-5)
    assert join is model.layers[4] and model.get_layer(index=-1) is head
    np.testing.assert_array_equal(model({"b": xb, "a": xa}).numpy(), y.numpy())  # inputs by name
    with pytest.raises(ValueError, match="expects 2 input"):
        model(xa)
    with pytest.raises(ValueError, match="No such layer"):
        model.get_layer("nope")


def test_layer_orders_match_keras(keras):
    def names(K):
        K.backend.clear_session()
        a, b = K.Input((3,), name="a"), K.Input((2,), name="b")
        x = K.layers.Concatenate()([K.layers.Dense(4)(a), b])
        y = K.layers.Dense(2)(K.layers.Dense(3)(x))
        model = K.Model([a, b], [y, x])
        return [l.name for l in model.layers], [w.shape for w in model.get_weights()]
    mine, theirs = names(mk), names(keras)
    assert mine[0] == theirs[0]
    assert [tuple(s) for s in mine[1]] == [tuple(s) for s in theirs[1]]


def test_shared_layers_nested_models_and_several_outputs():
    inner = mk.Sequential([L.Dense(3, activation="relu", input_shape=(4,))], name="inner")
    x1, x2 = mk.Input((4,)), mk.Input((4,))
    shared = L.Dense(4)
    y1, y2 = inner(shared(x1)), inner(shared(x2))
    model = mk.Model([x1, x2], [L.Add()([y1, y2]), y1])
    out = model([np.ones((2, 4)), np.zeros((2, 4))])
    assert isinstance(out, list) and [o.shape for o in out] == [(2, 3), (2, 3)]
    assert len(model.weights) == 4  # the shared Dense and the inner model count once
    assert len(shared._inbound_nodes) == 2


def test_graph_errors_are_clear():
    a, b = mk.Input((3,)), mk.Input((3,))
    out = L.Add()([L.Dense(3)(a), b])
    with pytest.raises(ValueError, match="Graph disconnected"):
        mk.Model(a, out)
    with pytest.raises(ValueError, match="KerasTensors"):
        mk.Model(np.ones(3), out)
    x = mk.Input((3,))
    y = L.Dense(2, name="twin")(L.Dense(3, name="twin")(x))
    with pytest.raises(ValueError, match="unique"):
        mk.Model(x, y)


# ---- subclassed ----------------------------------------------------------------------------------
class TwoLayer(mk.Model):
    def __init__(self, hidden=5, **kwargs):
        super().__init__(**kwargs)
        self.hidden = L.Dense(hidden, activation="relu")
        self.out = L.Dense(1)

    def call(self, inputs, training=None):
        return self.out(self.hidden(inputs))


class Blocks(mk.Model):
    def __init__(self):
        super().__init__()
        self.blocks = [L.Dense(4, activation="relu") for _ in range(2)]
        self.extra = []
        self.extra.append(L.Dense(1))  # appended after the assignment: found too

    def call(self, inputs):
        x = inputs
        for block in self.blocks + self.extra:
            x = block(x)
        return x


def test_layers_kept_in_lists_are_tracked():
    model = Blocks()
    model.build((None, 3))
    assert len(model.trainable_weights) == 6 and len(model.layers) == 3
    assert len(list(model.parameters())) == 6
    assert sorted(model.state_dict()) == sorted(f"{n}.{w}" for n in ("blocks_0", "blocks_1", "extra_0")
                                                for w in ("kernel", "bias"))


def test_subclassed_model_builds_and_trains_with_minigrad():
    model = TwoLayer()
    assert not model.built and model.name.startswith("two_layer")
    model.build((None, 3))
    assert model.built and [tuple(w.shape) for w in model.trainable_weights] == [(3, 5), (5,), (5, 1), (1,)]
    assert [l.name for l in model.layers] == [model.hidden.name, model.out.name]
    assert model(np.ones((2, 3))).shape == (2, 1)
    with pytest.raises(NotImplementedError, match="get_config"):
        model.save("never.keras")


# ---- weights and files ---------------------------------------------------------------------------
def test_weights_cross_to_and_from_keras(keras):
    build = SUMMARY_MODELS["stacked_rnn"]
    mine, theirs = build(mk), build(keras)
    rng = np.random.default_rng(0)
    theirs.set_weights([0.3 * rng.standard_normal(w.shape).astype(np.float32) for w in theirs.get_weights()])
    mine.set_weights(theirs.get_weights())
    x = rng.standard_normal((4, 10, 1)).astype(np.float32)
    np.testing.assert_allclose(mine.predict(x, verbose=0) if hasattr(mine, "predict") else mine(x).numpy(),
                               theirs.predict(x, verbose=0), rtol=1e-5, atol=1e-5)


def _predict(model, x):
    return (model(x) if not isinstance(model(x), list) else model(x)[0]).numpy()


def test_save_weights_and_load_weights(tmp_path):
    minigrad.manual_seed(0)
    model = mk.Sequential([L.Dense(3, input_shape=(2,)), L.Dense(1)])
    path = str(tmp_path / "model.weights.h5")
    model.save_weights(path)
    with np.load(path, allow_pickle=False) as archive:  # a plain npz: no pickle inside
        assert "__structure__" in archive.files
    other = mk.Sequential([L.Dense(3, input_shape=(2,)), L.Dense(1)])
    other.load_weights(path)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    wrong = mk.Sequential([L.Dense(4, input_shape=(2,)), L.Dense(1)])
    with pytest.raises(ShapeError, match=r"dense\w*/kernel: file \(2, 3\), model \(2, 4\)"):
        wrong.load_weights(path)
    fewer = mk.Sequential([L.Dense(1, input_shape=(2,))])
    with pytest.raises(ShapeError, match="holds 4 weights"):
        fewer.load_weights(path)
    minigrad.save({"a": minigrad.ones(2)}, str(tmp_path / "other.pt"))
    with pytest.raises(ArgumentError, match="not a minigrad.keras weights file"):
        other.load_weights(str(tmp_path / "other.pt"))


@pytest.mark.parametrize("kind", ["stacked_rnn", "classifier", "cnn", "branching_frozen", "wrappers"])
def test_save_and_load_model(kind, tmp_path):
    mk.backend.clear_session()
    minigrad.manual_seed(1)
    if kind == "wrappers":
        x = mk.Input((5, 3))
        y = L.Bidirectional(L.GRU(2, return_sequences=True), merge_mode="ave")(x)
        y = L.TimeDistributed(L.Dense(2))(y)
        y = L.LayerNormalization()(L.MultiHeadAttention(1, 2)(y, y))
        model = mk.Model(x, L.GlobalAveragePooling1D()(y))
        data = np.random.default_rng(0).standard_normal((2, 5, 3)).astype(np.float32)
    else:
        model = SUMMARY_MODELS[kind](mk)
        shape = [d or 2 for d in model.inputs[0].shape] if model._graph else None
        if kind == "classifier":
            data = np.random.default_rng(0).integers(0, 1000, (2, 20))
        elif kind == "stacked_rnn":
            data = np.random.default_rng(0).standard_normal((2, 10, 1)).astype(np.float32)
        elif kind == "cnn":
            data = np.random.default_rng(0).standard_normal((2, 28, 28, 1)).astype(np.float32)
        else:
            data = [np.ones(shape, np.float32), np.ones((2, 2), np.float32)]
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = mk.load_model(path)
    assert type(loaded) is type(model) and loaded.name == model.name
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    assert [l.trainable for l in loaded.layers] == [l.trainable for l in model.layers]
    np.testing.assert_array_equal(_predict(loaded, data), _predict(model, data))
    assert loaded.count_params() == model.count_params()


def test_load_model_refuses_other_files(tmp_path):
    path = str(tmp_path / "w.keras")
    model = mk.Sequential([L.Dense(1, input_shape=(1,))])
    model.save_weights(path)
    with pytest.raises(ArgumentError, match="not a model saved by minigrad.keras"):
        mk.load_model(path)
    with pytest.raises(ValueError, match="has not been built"):
        mk.Sequential([L.Dense(1)]).save(path)


def test_unknown_layer_class_needs_custom_objects(tmp_path):
    class Doubler(L.Layer):
        def call(self, inputs):
            return inputs * 2.0

    model = mk.Sequential([mk.Input((2,)), Doubler()])
    path = str(tmp_path / "m.keras")
    model.save(path)
    with pytest.raises(ValueError, match="Unknown layer: 'Doubler'"):
        mk.load_model(path)
    loaded = mk.load_model(path, custom_objects={"Doubler": Doubler})
    np.testing.assert_array_equal(loaded(np.ones((1, 2))).numpy(), [[2.0, 2.0]])


def test_compile_and_fit_reach_the_layers():
    """The training half (training.py) drives these models through `self(x, training=True)`."""
    minigrad.manual_seed(0)
    x = np.linspace(-1, 1, 64, dtype=np.float32).reshape(-1, 1)
    y = 3 * x - 0.5
    inp = mk.Input((1,))
    model = mk.Model(inp, L.Dense(1)(L.Dropout(0.0)(inp)))
    model.compile(optimizer=mk.optimizers.SGD(learning_rate=0.1), loss="mse")
    model.fit(x, y, epochs=50, batch_size=16, verbose=0)
    kernel, bias = model.get_weights()
    assert abs(kernel.item() - 3) < 0.1 and abs(bias.item() + 0.5) < 0.1
    sub = TwoLayer(hidden=8)
    sub.compile(optimizer="adam", loss="mse")
    history = sub.fit(x, y, epochs=20, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
