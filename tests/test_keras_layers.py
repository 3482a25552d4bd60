"""Keras layers on minigrad: parity with Keras 3 (live, or its golden file), and the layers' own rules.

Parity: every case of tests/keras_layer_cases.py runs in both libraries with the same inputs
and weights; outputs, the gradients of sum(output * R) with respect to the weights and the
inputs, and the weights afterwards (BatchNormalization's moving averages) must agree to 1e-5
(float32). Keras runs on its torch backend where it is installed; elsewhere the numbers come
from tests/golden/keras_layers.npz (scripts/record_keras_golden.py).
"""

import os
import subprocess
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))

import minigrad  # noqa: E402
import minigrad.keras as mk  # noqa: E402
from keras_layer_cases import CASES, FIT_CASES, run_fit, run_minigrad  # noqa: E402
from keras_support import keras_or_skip  # noqa: E402
from minigrad.errors import ArgumentError, ShapeError  # noqa: E402

GOLDEN = os.path.join(os.path.dirname(__file__), "golden", "keras_layers.npz")
RTOL = ATOL = 1e-5


@pytest.fixture(scope="module")
def keras_torch():
    """(keras, torch) with Keras on its torch backend, imported once; skips without them."""
    keras = keras_or_skip()
    import torch  # there, since Keras runs on it
    return keras, torch


@pytest.fixture(scope="module")
def golden():
    with np.load(GOLDEN, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def _compare(name, mine, ref):
    for kind in ("out", "grad_w", "grad_x", "weights_after"):
        assert len(mine[kind]) == len(ref[kind]), (name, kind)
        for i, (a, b) in enumerate(zip(mine[kind], ref[kind])):
            assert a.shape == b.shape, (name, kind, i)
            scale = 1.0 + float(np.abs(b).max()) if kind == "grad_w" else 1.0  # sums over a batch
            np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL * scale, err_msg=f"{name}: {kind}[{i}]")


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras(name, keras_torch):
    from keras_layer_cases import run_keras

    _compare(name, run_minigrad(name), run_keras(name, *keras_torch))


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_golden(name, golden):
    mine = run_minigrad(name)
    ref = {kind: [golden[f"{name}/{kind}/{i}"] for i in range(len(mine[kind]))
                  if f"{name}/{kind}/{i}" in golden] for kind in mine}
    _compare(name, mine, ref)


def _compare_fit(name, mine, ref_loss, ref_weights):
    np.testing.assert_allclose(mine["loss"], ref_loss, rtol=RTOL, atol=ATOL, err_msg=f"{name}: loss")
    assert len(mine["weights"]) == len(ref_weights)
    for i, (a, b) in enumerate(zip(mine["weights"], ref_weights)):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL, err_msg=f"{name}: weight {i} after one epoch")


@pytest.mark.parametrize("name", FIT_CASES)
def test_one_epoch_of_fit_matches_keras(name, keras_torch):
    """compile(SGD, mse) + fit(epochs=1, batch_size=2, shuffle=False) through each kind of layer."""
    ref = run_fit(name, keras_torch[0])
    _compare_fit(name, run_fit(name, mk), ref["loss"], ref["weights"])


@pytest.mark.parametrize("name", FIT_CASES)
def test_one_epoch_of_fit_matches_golden(name, golden):
    mine = run_fit(name, mk)
    weights = [golden[f"fit/{name}/weights/{i}"] for i in range(len(mine["weights"]))]
    _compare_fit(name, mine, golden[f"fit/{name}/loss"], weights)


def test_outputs_are_float32():
    for name in ("dense", "lstm_sequences_masked", "conv2d_same_strided", "mha_cross", "batch_norm_training"):
        result = run_minigrad(name)
        assert all(o.dtype == np.float32 for o in result["out"] + result["grad_w"]), name


# ---- initialisers ---------------------------------------------------------------------------------
def test_default_initialisers_follow_keras():
    minigrad.manual_seed(0)
    layer = mk.layers.LSTM(64)
    layer.build((None, 5, 48))
    kernel, recurrent, bias = layer.get_weights()
    limit = np.sqrt(6.0 / (48 + 256))  # glorot_uniform on (48, 256)
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.95 * limit
    # orthogonal (64, 256): the rows are orthonormal
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(64), atol=1e-5)
    np.testing.assert_array_equal(bias, np.r_[np.zeros(64), np.ones(64), np.zeros(128)])  # unit_forget_bias
    gru = mk.layers.GRU(4)
    gru.build((None, 3, 2))
    assert gru.bias.shape == (2, 12) and not gru.get_weights()[2].any()


def test_initialisers_by_name_and_statistics():
    minigrad.manual_seed(1)
    he = mk.initializers.get("he_normal")((400, 300))
    assert abs(he.std() - np.sqrt(2 / 400)) < 0.05 * np.sqrt(2 / 400)
    assert np.abs(he).max() <= 2 * np.sqrt(2 / 400) / 0.87962566103423978 + 1e-6  # truncated at 2 sigma
    uniform = mk.initializers.get("random_uniform")((1000,))
    assert uniform.min() >= -0.05 and uniform.max() <= 0.05
    assert mk.initializers.get("zeros")((2, 2)).sum() == 0
    np.testing.assert_array_equal(mk.initializers.Constant(3.0)((2,)), [3.0, 3.0])
    with pytest.raises(ArgumentError, match="initializer"):
        mk.initializers.get("no_such_init")


def test_manual_seed_makes_weights_reproducible():
    def weights():
        minigrad.manual_seed(7)
        m = mk.Sequential([mk.Input((3,)), mk.layers.Dense(4), mk.layers.Dense(2)])
        return m.get_weights()
    for a, b in zip(weights(), weights()):
        np.testing.assert_array_equal(a, b)


# ---- weights, freezing, config ---------------------------------------------------------------
def test_weights_are_parameters_in_keras_order():
    bn = mk.layers.BatchNormalization()
    bn.build((None, 3))
    assert [tuple(w.shape) for w in bn.weights] == [(3,)] * 4
    assert bn.weights[0] is bn.gamma and bn.weights[2] is bn.moving_mean
    assert [id(w) for w in bn.trainable_weights] == [id(bn.gamma), id(bn.beta)]
    assert [id(w) for w in bn.non_trainable_weights] == [id(bn.moving_mean), id(bn.moving_variance)]
    assert isinstance(bn.gamma, minigrad.nn.Parameter)
    assert len(list(bn.parameters())) == 4


def test_trainable_false_freezes_the_layer_and_its_sublayers():
    bi = mk.layers.Bidirectional(mk.layers.LSTM(2))
    model = mk.Sequential([mk.Input((4, 3)), bi, mk.layers.Dense(1)])
    assert len(model.trainable_weights) == 8
    bi.trainable = False
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 6
    assert not bi.forward_layer.trainable and not bi.forward_layer.kernel.requires_grad
    out = model(np.ones((2, 4, 3), dtype=np.float32)).sum()
    out.backward()
    assert bi.forward_layer.kernel.grad is None and model.layers[1].kernel.grad is not None
    bi.trainable = True
    assert len(model.trainable_weights) == 8


def test_frozen_batch_norm_runs_in_inference_mode():
    bn = mk.layers.BatchNormalization()
    x = np.random.default_rng(0).standard_normal((8, 3)).astype(np.float32) * 3 + 2
    bn.trainable = False
    y = bn(x, training=True).numpy()
    np.testing.assert_allclose(y, x / np.sqrt(1 + 1e-3), rtol=1e-6)  # moving stats 0 and 1
    np.testing.assert_array_equal(bn.moving_mean.numpy(), 0)


def test_set_weights_checks_count_and_shapes():
    dense = mk.layers.Dense(2)
    dense.build((None, 3))
    with pytest.raises(ValueError, match="expects 2 weights"):
        dense.set_weights([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"\(3, 2\) is not compatible with provided weight shape \(2, 3\)"):
        dense.set_weights([np.zeros((2, 3)), np.zeros(2)])
    dense.set_weights([np.ones((3, 2)), np.arange(2)])
    np.testing.assert_array_equal(dense(np.ones((1, 3))).numpy(), [[3.0, 4.0]])
    assert dense.kernel.dtype == np.float32


def test_get_config_remakes_the_layer():
    for layer in (mk.layers.Dense(3, activation="relu", use_bias=False), mk.layers.LSTM(4, return_sequences=True,
                  go_backwards=True, dropout=0.1), mk.layers.GRU(2, reset_after=False),
                  mk.layers.Conv2D(3, (2, 3), strides=2, padding="same"), mk.layers.MaxPooling1D(3),
                  mk.layers.Bidirectional(mk.layers.SimpleRNN(2), merge_mode="sum"),
                  mk.layers.TimeDistributed(mk.layers.Dense(2)), mk.layers.MultiHeadAttention(2, 4),
                  mk.layers.Embedding(10, 3, mask_zero=True), mk.layers.BatchNormalization(momentum=0.5),
                  mk.layers.ReLU(max_value=6.0), mk.layers.LeakyReLU(0.1), mk.layers.ZeroPadding2D(((1, 2), (0, 1))),
                  mk.layers.UpSampling2D(3), mk.layers.Permute((2, 1)), mk.layers.RepeatVector(4)):
        config = layer.get_config()
        again = type(layer).from_config(config)
        assert again.get_config() == config, type(layer).__name__


def test_unknown_arguments_and_bad_values_raise():
    with pytest.raises(ValueError, match="Unrecognized keyword arguments passed to Dense"):
        mk.layers.Dense(3, no_such_argument=1)
    with pytest.raises(ValueError, match="units"):
        mk.layers.Dense(0)
    with pytest.raises(ValueError, match="activation"):
        mk.layers.Dense(2, activation="no_such_activation")
    with pytest.raises(ValueError, match="rate"):
        mk.layers.Dropout(1.5)
    with pytest.raises(ValueError, match="padding"):
        mk.layers.Conv2D(2, 3, padding="causal")
    with pytest.raises(ValueError, match="merge mode"):
        mk.layers.Bidirectional(mk.layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="recurrent layer"):
        mk.layers.Bidirectional(mk.layers.Dense(2))
    with pytest.raises(ValueError, match="isn't built"):
        mk.layers.Dense(2).count_params()


def test_bad_input_shapes_raise_shape_errors():
    dense = mk.layers.Dense(2)
    dense(np.ones((1, 3)))
    with pytest.raises(ShapeError, match=r"input of shape \(1, 4\)"):
        dense(np.ones((1, 4)))
    with pytest.raises(RuntimeError):  # a ShapeError is also a RuntimeError, as in PyTorch
        dense(np.ones((1, 4)))
    with pytest.raises(ShapeError, match="timesteps"):
        mk.layers.LSTM(2)(np.ones((2, 3)))
    with pytest.raises(ValueError, match="at least 2"):
        mk.layers.Add()([np.ones((1, 2))])
    with pytest.raises(IndexError):
        mk.layers.Embedding(5, 2)(np.array([[1, 7]]))


# ---- behaviour -----------------------------------------------------------------------------------
def test_dropout_scales_in_training_and_passes_through_otherwise():
    minigrad.manual_seed(0)
    x = np.ones((200, 50), dtype=np.float32)
    layer = mk.layers.Dropout(0.4)
    np.testing.assert_array_equal(layer(x).numpy(), x)
    y = layer(x, training=True).numpy()
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.6)}
    assert abs((y == 0).mean() - 0.4) < 0.02


def test_training_flag_reaches_layers_inside_a_model():
    minigrad.manual_seed(0)
    model = mk.Sequential([mk.Input((100,)), mk.layers.Dropout(0.5)])
    x = np.ones((4, 100), dtype=np.float32)
    assert (model(x).numpy() == 1).all()
    assert (model(x, training=True).numpy() == 0).any()
    inp = mk.Input((100,))
    functional = mk.Model(inp, model(_identity_dense(inp)))  # a Sequential nested in a functional model
    assert (functional(x).numpy() == 1).all()
    assert (functional(x, training=True).numpy() == 0).any()


def _identity_dense(x):
    layer = mk.layers.Dense(100, kernel_initializer="identity", use_bias=False)
    return layer(x)


def test_building_a_masked_model_raises_no_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = mk.Sequential([mk.Input((5,), dtype="int32"), mk.layers.Embedding(3, 2, mask_zero=True),
                               mk.layers.GlobalAveragePooling1D()])
    assert model.output_shape == (None, 2)


def test_embedding_mask_and_input_length():
    emb = mk.layers.Embedding(10, 3, mask_zero=True, input_length=4)
    ids = np.array([[1, 2, 0, 0], [3, 0, 4, 5]])
    out = emb(ids)
    assert out.shape == (2, 4, 3)
    mask = emb.compute_mask(minigrad.tensor(ids), None)
    np.testing.assert_array_equal(mask.numpy(), ids != 0)
    assert emb(ids.astype(np.float64)).shape == (2, 4, 3)  # float ids are cast, as in Keras


def test_fused_and_step_by_step_recurrences_agree():
    """The fused kernels and the composed loop are two ways to run the same layer."""
    rng = np.random.default_rng(0)
    x = minigrad.tensor(rng.standard_normal((3, 5, 4)).astype(np.float32))
    ids = np.array([[1, 2, 3, 0, 0], [0, 1, 2, 3, 4], [1, 0, 2, 0, 3]])
    mask = minigrad.tensor(ids != 0)
    for cls in (mk.layers.SimpleRNN, mk.layers.LSTM, mk.layers.GRU):
        for kw in ({}, {"return_sequences": True, "go_backwards": True}):
            layer = cls(3, **kw)
            layer(x)
            fused = layer(x, mask=mask)
            layer._can_fuse = lambda training: False
            steps = layer(x, mask=mask)
            np.testing.assert_allclose(fused.numpy(), steps.numpy(), rtol=1e-5, atol=1e-6)


def test_recurrent_dropout_trains_step_by_step():
    minigrad.manual_seed(0)
    layer = mk.layers.LSTM(4, dropout=0.3, recurrent_dropout=0.3)
    x = np.random.default_rng(1).standard_normal((2, 5, 3)).astype(np.float32)
    a = layer(x).numpy()
    np.testing.assert_array_equal(a, layer(x).numpy())  # inference: no dropout
    y = layer(x, training=True)
    assert not np.allclose(y.numpy(), a)
    y.sum().backward()
    assert layer.recurrent_kernel.grad is not None and np.isfinite(layer.recurrent_kernel.grad.numpy()).all()


def test_return_state_and_initial_state():
    layer = mk.layers.LSTM(3, return_state=True)
    x = np.random.default_rng(2).standard_normal((2, 4, 5)).astype(np.float32)
    out, h, c = layer(x)
    np.testing.assert_array_equal(out.numpy(), h.numpy())
    resumed = mk.layers.LSTM(3)
    resumed.build((None, 4, 5))
    resumed.set_weights(layer.get_weights())
    whole = resumed(np.concatenate([x, x], axis=1))
    second = resumed(x, initial_state=[h, c])
    np.testing.assert_allclose(whole.numpy(), second.numpy(), rtol=1e-5, atol=1e-6)


def test_multi_head_attention_scores_and_mask():
    layer = mk.layers.MultiHeadAttention(num_heads=2, key_dim=3)
    rng = np.random.default_rng(3)
    q = rng.standard_normal((2, 4, 6)).astype(np.float32)
    v = rng.standard_normal((2, 5, 6)).astype(np.float32)
    mask = np.ones((2, 4, 5), dtype=bool)
    mask[:, :, 3:] = False
    out, scores = layer(q, v, attention_mask=mask, return_attention_scores=True)
    assert out.shape == (2, 4, 6) and scores.shape == (2, 2, 4, 5)
    np.testing.assert_allclose(scores.numpy().sum(-1), 1.0, rtol=1e-6)
    assert (scores.numpy()[..., 3:] == 0).all()
    assert [tuple(w.shape) for w in layer.weights] == [(6, 2, 3), (2, 3), (6, 2, 3), (2, 3), (6, 2, 3), (2, 3),
                                                       (2, 3, 6), (6,)]


def test_average_pooling_same_counts_only_real_cells():
    """TensorFlow's rule (also Keras on JAX and TensorFlow): each window's sum is divided by the
    number of unpadded cells in it. (Keras 3 on torch pads with copies of the edge instead
    when the padding is uneven; minigrad follows the rule of Keras's reference backends.)"""
    x = np.arange(1, 5, dtype=np.float32).reshape(1, 4, 1)  # 1 2 3 4
    out = mk.layers.AveragePooling1D(3, strides=2, padding="same")(x).numpy().ravel()
    np.testing.assert_allclose(out, [(1 + 2 + 3) / 3, (3 + 4) / 2])  # padding (0, 1)
    top = mk.layers.MaxPooling1D(3, strides=2, padding="same")(-x).numpy().ravel()
    np.testing.assert_array_equal(top, [-1, -3])  # the padding never wins a max


def test_softmax_layer_with_a_mask():
    x = np.random.default_rng(4).standard_normal((2, 5)).astype(np.float32)
    mask = np.array([[1, 1, 0, 1, 0], [0, 0, 0, 0, 0]], dtype=bool)
    y = mk.layers.Softmax()(x, mask=mask).numpy()
    np.testing.assert_allclose(y[0].sum(), 1.0, rtol=1e-6)
    assert (y[0, ~mask[0]] == 0).all() and (y[1] == 0).all()  # a row with nothing left is all zeros, as in Keras
    with pytest.raises(ValueError, match="Permute"):
        mk.layers.Permute((1, 3))


def test_compute_output_shape_marks_unknown_axes():
    assert mk.layers.Dense(3).compute_output_shape((None, 7)) == (None, 3)
    assert mk.layers.LSTM(4, return_sequences=True).compute_output_shape((None, None, 2)) == (None, None, 4)
    assert mk.layers.Conv2D(2, 3, strides=2, padding="same").compute_output_shape((None, 9, 8, 1)) == (None, 5, 4, 2)
    x = mk.Input((None, 3))
    assert mk.layers.GRU(2, return_sequences=True)(x).shape == (None, None, 2)


def test_keras_tensors_are_symbolic():
    x = mk.Input((3,))
    assert repr(x).startswith("<KerasTensor shape=(None, 3)")
    with pytest.raises(ValueError, match="symbolic"):
        bool(x)


def test_layer_subclass_the_keras_way():
    class Scale(mk.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

        def call(self, inputs):
            return inputs * self.w

    layer = Scale()
    assert layer.name == "scale" or layer.name.startswith("scale_")
    y = layer(np.array([[1.0, 2.0]]))
    np.testing.assert_array_equal(y.numpy(), [[1.0, 2.0]])
    assert layer.built and [tuple(w.shape) for w in layer.trainable_weights] == [(2,)]


def test_import_minigrad_does_not_load_keras():
    code = ("import sys, minigrad; assert 'minigrad.keras' not in sys.modules; "
            "import minigrad as tf; tf.keras.layers.Dense; assert 'minigrad.keras' in sys.modules; "
            "from minigrad.keras.models import Sequential; from minigrad.keras.layers import Dense, LSTM; "
            "print('ok')")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            cwd=root, env={**os.environ, "PYTHONPATH": root})
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr
