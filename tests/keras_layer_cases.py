"""The layer cases that tests/test_keras_layers.py runs against Keras 3 (or its golden file).

Each case builds the same small model with either library, given as ``K`` (``keras`` or
``minigrad.keras``: their APIs are the same), and draws its inputs from a seeded NumPy
generator. The weights are drawn the same way from the model's weight shapes, so both
libraries compute with the same numbers. scripts/record_keras_golden.py records Keras's
outputs and gradients into tests/golden/keras_layers.npz for machines without Keras.
"""

import numpy as np


def _seq(K, shape, *layers, dtype="float32"):
    return K.Sequential([K.Input(shape, dtype=dtype)] + list(layers))


def _ids(rng, batch=3, steps=6, vocab=20, masked=True):
    ids = rng.integers(1, vocab, (batch, steps))
    if masked:  # padding (id 0) at the end, at the start, and in the middle
        ids[0, 4:] = 0
        ids[1, :2] = 0
        ids[2, 3] = 0
    return ids


def _masked(K, layer, vocab=20, dim=4, steps=6):
    return _seq(K, (steps,), K.layers.Embedding(vocab, dim, mask_zero=True), layer, dtype="int32")


def _two_inputs(K, merge):
    a, b = K.Input((4,)), K.Input((4,))
    x = merge([K.layers.Dense(4, name="left")(a), K.layers.Dense(4, name="right")(b)])
    return K.Model([a, b], K.layers.Dense(2)(x))


def _mha(K, **call):
    q, v = K.Input((5, 6)), K.Input((4, 6))
    out = K.layers.MultiHeadAttention(num_heads=2, key_dim=3)(q, v if not call.get("self") else q,
                                                               use_causal_mask=call.get("causal", False))
    return K.Model([q, v], out)


_ACTIVATIONS = ["elu", "selu", "softplus", "gelu", "hard_sigmoid", "leaky_relu", "silu", "softsign", "relu6"]


def _normal(*shape):
    return lambda rng: [rng.standard_normal(shape).astype("float32")]


def _two(*shape):
    return lambda rng: [rng.standard_normal(shape).astype("float32") for _ in range(2)]


# name -> (model builder, input maker, training flag)
CASES = {
    "dense": (lambda K: _seq(K, (4,), K.layers.Dense(3, activation="tanh")), _normal(5, 4), False),
    "dense_3d": (lambda K: _seq(K, (5, 4), K.layers.Dense(2)), _normal(3, 5, 4), False),
    "dense_softmax": (lambda K: _seq(K, (6,), K.layers.Dense(5), K.layers.Activation("softmax")), _normal(4, 6), False),
    "dense_activations": (lambda K: _seq(K, (6,), *[K.layers.Dense(4, activation=a) for a in _ACTIVATIONS]),
                          _normal(4, 6), False),
    "embedding": (lambda K: _seq(K, (6,), K.layers.Embedding(20, 4), dtype="int32"),
                  lambda rng: [_ids(rng, masked=False)], False),
    "flatten_reshape": (lambda K: _seq(K, (2, 3, 2), K.layers.Flatten(), K.layers.Reshape((3, 4)), K.layers.Dense(2)),
                        _normal(3, 2, 3, 2), False),
    "time_distributed": (lambda K: _seq(K, (6, 4), K.layers.TimeDistributed(K.layers.Dense(3))), _normal(3, 6, 4),
                         False),
    "batch_norm_inference": (lambda K: _seq(K, (5, 3), K.layers.BatchNormalization()), _normal(4, 5, 3), False),
    "batch_norm_training": (lambda K: _seq(K, (5, 3), K.layers.BatchNormalization(momentum=0.9)), _normal(4, 5, 3),
                            True),
    "layer_norm": (lambda K: _seq(K, (5, 6), K.layers.LayerNormalization()), _normal(3, 5, 6), False),
    "conv1d_valid": (lambda K: _seq(K, (9, 3), K.layers.Conv1D(4, 3, activation="relu")), _normal(2, 9, 3), False),
    "conv1d_same_strided": (lambda K: _seq(K, (9, 3), K.layers.Conv1D(4, 4, strides=2, padding="same")),
                            _normal(2, 9, 3), False),
    "conv1d_causal_dilated": (lambda K: _seq(K, (9, 3), K.layers.Conv1D(2, 3, padding="causal", dilation_rate=2)),
                              _normal(2, 9, 3), False),
    "conv2d_valid": (lambda K: _seq(K, (7, 6, 3), K.layers.Conv2D(4, (3, 2))), _normal(2, 7, 6, 3), False),
    "conv2d_same_strided": (lambda K: _seq(K, (7, 6, 3), K.layers.Conv2D(4, 3, strides=2, padding="same")),
                            _normal(2, 7, 6, 3), False),
    "pool1d": (lambda K: _seq(K, (9, 3), K.layers.MaxPooling1D(2), K.layers.AveragePooling1D(2)), _normal(2, 9, 3),
               False),
    "pool1d_same": (lambda K: _seq(K, (9, 3), K.layers.MaxPooling1D(3, strides=2, padding="same"),
                                   K.layers.AveragePooling1D(2, padding="same")), _normal(2, 9, 3), False),
    "pool2d": (lambda K: _seq(K, (7, 6, 3), K.layers.MaxPooling2D(), K.layers.AveragePooling2D((1, 2))),
               _normal(2, 7, 6, 3), False),
    "pool2d_same": (lambda K: _seq(K, (7, 6, 3), K.layers.MaxPooling2D(padding="same"),
                                   K.layers.AveragePooling2D(3, strides=1, padding="same")),
                    _normal(2, 7, 6, 3), False),
    "global_pool1d": (lambda K: _two_global(K, 1), _normal(3, 6, 4), False),
    "global_pool2d": (lambda K: _two_global(K, 2), _normal(3, 5, 4, 2), False),
    "global_avg_masked": (lambda K: _masked(K, K.layers.GlobalAveragePooling1D()), lambda rng: [_ids(rng)], False),
    "concatenate": (lambda K: _two_inputs(K, K.layers.Concatenate()), _two(3, 4), False),
    "add": (lambda K: _two_inputs(K, K.layers.Add()), _two(3, 4), False),
    "activation_layers": (lambda K: _seq(K, (6,), K.layers.Dense(6), K.layers.ReLU(max_value=0.8), K.layers.Dense(6),
                                         K.layers.ReLU(negative_slope=0.1, threshold=0.2), K.layers.Dense(6),
                                         K.layers.LeakyReLU(), K.layers.Dense(5), K.layers.ELU(alpha=0.5),
                                         K.layers.Softmax()), _normal(4, 6), False),
    "reshaping_1d": (lambda K: _seq(K, (3, 2), K.layers.ZeroPadding1D((1, 2)), K.layers.UpSampling1D(2),
                                    K.layers.Permute((2, 1)), K.layers.Flatten(), K.layers.Dense(3),
                                    K.layers.RepeatVector(2), K.layers.Dense(2)), _normal(2, 3, 2), False),
    "reshaping_2d": (lambda K: _seq(K, (3, 4, 2), K.layers.ZeroPadding2D(((1, 0), (2, 1))),
                                    K.layers.UpSampling2D((2, 1)), K.layers.Conv2D(2, 3)), _normal(2, 3, 4, 2), False),
    "mha_cross": (lambda K: _mha(K), lambda rng: _normal(2, 5, 6)(rng) + _normal(2, 4, 6)(rng), False),
    "mha_causal": (lambda K: _mha_self(K), lambda rng: _normal(2, 5, 6)(rng), False),
}


def _two_global(K, rank):
    shape = (6, 4) if rank == 1 else (5, 4, 2)
    x = K.Input(shape)
    avg = (K.layers.GlobalAveragePooling1D if rank == 1 else K.layers.GlobalAveragePooling2D)()(x)
    top = (K.layers.GlobalMaxPooling1D if rank == 1 else K.layers.GlobalMaxPooling2D)()(x)
    return K.Model(x, K.layers.Concatenate()([avg, top]))


def _mha_self(K):
    x = K.Input((5, 6))
    return K.Model(x, K.layers.MultiHeadAttention(num_heads=2, key_dim=4, value_dim=3)(x, x, use_causal_mask=True))


def _bidirectional_states(K):
    x = K.Input((6, 4))
    outputs = K.layers.Bidirectional(K.layers.GRU(3, return_state=True))(x)
    return K.Model(x, K.layers.Concatenate()(list(outputs)))


def _two_heads(K):
    x = K.Input((4,))
    return K.Model(x, [K.layers.Dense(2)(x), K.layers.Dense(3)(x)])


def _chain(K):
    x = K.Input((4,))
    return K.Model(x, K.layers.Dense(2)(K.layers.Dense(3, activation="relu")(x)))


def _recurrent_cases():
    normal = _normal(3, 6, 4)
    for cls in ("SimpleRNN", "LSTM", "GRU"):
        for tag, kw in (("last", {}), ("sequences", {"return_sequences": True}),
                        ("backwards", {"return_sequences": True, "go_backwards": True})):
            CASES[f"{cls.lower()}_{tag}"] = (lambda K, cls=cls, kw=kw: _seq(K, (6, 4), getattr(K.layers, cls)(5, **kw)),
                                             normal, False)
            CASES[f"{cls.lower()}_{tag}_masked"] = (
                lambda K, cls=cls, kw=kw: _masked(K, getattr(K.layers, cls)(5, **kw)), lambda rng: [_ids(rng)], False)
        CASES[f"{cls.lower()}_state"] = (
            lambda K, cls=cls: _state_model(K, cls), normal, False)
        CASES[f"{cls.lower()}_relu_steps"] = (
            lambda K, cls=cls: _masked(K, getattr(K.layers, cls)(5, activation="relu", return_sequences=True)),
            lambda rng: [_ids(rng)], False)
    CASES["gru_reset_before"] = (lambda K: _masked(K, K.layers.GRU(5, reset_after=False, return_sequences=True)),
                                 lambda rng: [_ids(rng)], False)
    CASES["lstm_stacked"] = (lambda K: _seq(K, (6, 4), K.layers.LSTM(5, return_sequences=True), K.layers.LSTM(3),
                                            K.layers.Dense(1, activation="sigmoid")), normal, False)
    CASES["bidirectional_concat"] = (
        lambda K: _masked(K, K.layers.Bidirectional(K.layers.LSTM(3, return_sequences=True))), lambda rng: [_ids(rng)],
        False)
    CASES["bidirectional_sum_gru"] = (
        lambda K: _seq(K, (6, 4), K.layers.Bidirectional(K.layers.GRU(3), merge_mode="sum")), normal, False)


def _state_model(K, cls):
    x = K.Input((6, 4))
    outputs = getattr(K.layers, cls)(5, return_state=True)(x)
    return K.Model(x, K.layers.Concatenate()(list(outputs)))


_recurrent_cases()


def case_data(name, minigrad_model):
    """(inputs, weights) of a case: weights normal(0, 0.5), except variances: |normal| + 0.5.

    The weight names and shapes come from the minigrad model (the same order as Keras's
    ``get_weights``), so no Keras is needed to make them.
    """
    seed = sum(ord(c) for c in name)
    inputs = CASES[name][1](np.random.default_rng(seed))
    rng = np.random.default_rng(seed + 1)
    weights = []
    for w_name, w in zip(minigrad_model._weight_names(), minigrad_model.weights):
        value = 0.5 * rng.standard_normal(tuple(w.shape))
        weights.append((np.abs(value) + 0.5 if "variance" in w_name else value).astype("float32"))
    return inputs, weights


def output_weighting(name, outputs):
    """The R of the loss sum(output * R) whose gradients are compared."""
    rng = np.random.default_rng(sum(ord(c) for c in name) + 2)
    return [rng.standard_normal(o.shape).astype("float32") for o in outputs]


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def run_minigrad(name):
    """What the case computes with minigrad: outputs, gradients of sum(output * R) with respect
    to the trainable weights and the float inputs, and the weights afterwards."""
    import minigrad
    import minigrad.keras as mk

    build, _, training = CASES[name]
    model = build(mk)
    inputs, weights = case_data(name, model)
    model.set_weights(weights)
    xs = [minigrad.tensor(i, requires_grad=i.dtype.kind == "f") if i.dtype.kind == "f" else minigrad.tensor(i)
          for i in inputs]
    outputs = _as_list(model(xs if len(xs) > 1 else xs[0], training=training))
    weighting = output_weighting(name, outputs)
    loss = sum((o * minigrad.tensor(r)).sum() for o, r in zip(outputs, weighting))
    loss.backward()
    return {"out": [o.numpy() for o in outputs],
            "grad_w": [np.zeros(w.shape, "float32") if w.grad is None else w.grad.numpy()
                       for w in model.trainable_weights],
            "grad_x": [x.grad.numpy() for x in xs if x.requires_grad],
            "weights_after": model.get_weights() if training else []}


def run_keras(name, keras, torch):
    """The same with Keras 3 on its torch backend (weights shapes from the minigrad model)."""
    import minigrad.keras as mk

    build, _, training = CASES[name]
    model = build(keras)
    inputs, weights = case_data(name, build(mk))
    model.set_weights(weights)
    xs = [torch.tensor(i, requires_grad=i.dtype.kind == "f") if i.dtype.kind == "f" else torch.tensor(i)
          for i in inputs]
    outputs = _as_list(model(xs if len(xs) > 1 else xs[0], training=training))
    weighting = output_weighting(name, [o.detach().numpy() for o in outputs])
    loss = sum((o * torch.tensor(r)).sum() for o, r in zip(outputs, weighting))
    loss.backward()
    return {"out": [o.detach().numpy() for o in outputs],
            "grad_w": [np.zeros(v.shape, "float32") if v.value.grad is None else v.value.grad.numpy()
                       for v in model.trainable_weights],
            "grad_x": [x.grad.numpy() for x in xs if x.requires_grad],
            "weights_after": model.get_weights() if training else []}


# ---- summary tables ------------------------------------------------------------------------------
def _branching(K, frozen=False):
    a, b = K.Input((3,), name="a"), K.Input((2,), name="b")
    x = K.layers.Concatenate()([K.layers.Dense(4)(a), b])
    norm = K.layers.BatchNormalization()
    model = K.Model([a, b], K.layers.Dense(1)(norm(x)))
    norm.trainable = not frozen
    return model


SUMMARY_MODELS = {
    "classifier": lambda K: K.Sequential([K.Input((20,), dtype="int32"), K.layers.Embedding(1000, 16),
                                          K.layers.LSTM(32), K.layers.Dense(1, activation="sigmoid")]),
    "stacked_rnn": lambda K: K.Sequential([K.layers.SimpleRNN(32, input_shape=(10, 1), return_sequences=True),
                                           K.layers.SimpleRNN(32), K.layers.Dense(1)]),
    "unbuilt": lambda K: K.Sequential([K.layers.Dense(3), K.layers.Dense(1)]),
    "cnn": lambda K: K.Sequential([K.Input((28, 28, 1)), K.layers.Conv2D(8, 3, activation="relu"),
                                   K.layers.MaxPooling2D(), K.layers.Flatten(), K.layers.Dropout(0.5),
                                   K.layers.Dense(10, activation="softmax")]),
    "branching": _branching,
    "states": lambda K: _state_model(K, "LSTM"),
    "bidirectional_states": lambda K: _bidirectional_states(K),
    "two_heads": lambda K: _two_heads(K),
    "chain": lambda K: _chain(K),
    "branching_frozen": lambda K: _branching(K, frozen=True),
}


def summary_text(name, K):
    """The summary of a SUMMARY_MODELS model, names counted from a fresh session, lines
    stripped of trailing spaces."""
    K.backend.clear_session()
    model = SUMMARY_MODELS[name](K)
    lines = []
    model.summary(print_fn=lambda text, *args, **kwargs: lines.append(text))
    return "\n".join(line.rstrip() for line in "\n".join(lines).strip("\n").split("\n"))


# ---- one epoch of fit ----------------------------------------------------------------------------
FIT_CASES = ["dense", "embedding", "time_distributed", "batch_norm_training", "layer_norm", "conv1d_causal_dilated",
             "conv2d_same_strided", "simplernn_backwards_masked", "lstm_sequences_masked", "gru_last",
             "gru_reset_before", "bidirectional_concat", "mha_causal", "global_avg_masked"]


def run_fit(name, K):
    """One epoch of ``fit`` (SGD, mean squared error against fixed targets, batches of 2, no
    shuffling) with either library: the loss per epoch and the weights afterwards."""
    K.backend.clear_session()
    import minigrad.keras as mk

    build = CASES[name][0]
    model = build(K)
    inputs, weights = case_data(name, build(mk))
    model.set_weights(weights)
    x = inputs[0]
    out_shape = (x.shape[0],) + tuple(d for d in model.outputs[0].shape[1:])
    target = output_weighting(name, [np.zeros(out_shape, "float32")])[0]
    model.compile(optimizer=K.optimizers.SGD(learning_rate=0.05), loss="mse")
    history = model.fit(x, target, epochs=1, batch_size=2, shuffle=False, verbose=0)
    return {"loss": [np.float32(v) for v in history.history["loss"]], "weights": model.get_weights()}
