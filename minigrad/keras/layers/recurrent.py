"""Keras's recurrent layers: SimpleRNN, LSTM, GRU, and the wrappers Bidirectional and TimeDistributed.

Weights are in Keras's layouts, one set per layer:
- ``kernel`` (input_dim, G*units) multiplies the input x_t, ``recurrent_kernel`` (units, G*units)
  the previous state h_{t-1}, and ``bias`` (G*units,) is added; G = 1, 4 or 3 gates.
- LSTM gates in Keras's order i, f, c, o (PyTorch's order i, f, g, o is the same), with
  ``unit_forget_bias`` starting the forget gate's bias at 1:
      i = σ(x W_i + h U_i + b_i)   f = σ(x W_f + h U_f + b_f)   o = σ(x W_o + h U_o + b_o)
      c_t = f ⊙ c_{t-1} + i ⊙ tanh(x W_c + h U_c + b_c)         h_t = o ⊙ tanh(c_t)
- GRU gates in Keras's order z, r, h (PyTorch: r, z, n). Keras 3's default ``reset_after=True``
  keeps two biases, ``bias`` of shape (2, 3*units): row 0 for the input, row 1 for the state:
      z = σ(x W_z + b_z + h U_z + b'_z)   r = σ(x W_r + b_r + h U_r + b'_r)
      ĥ = tanh(x W_h + b_h + r ⊙ (h U_h + b'_h))      h_t = z ⊙ h_{t-1} + (1 - z) ⊙ ĥ
  which is PyTorch's GRU once the gates are reordered. ``reset_after=False`` (one bias) puts
  r inside the product instead: ĥ = tanh(x W_h + (r ⊙ h) U_h + b_h).

Two ways to run a layer, with the same results:
- fused (the defaults: tanh/sigmoid, no recurrent_dropout): the input projection of all steps
  is ONE GEMM, then minigrad's ``FusedRecurrentLayer`` runs the steps and backpropagates
  through time by hand (ops/recurrent.py). Keras's weights are handed to it transposed and,
  for a GRU, with the gate blocks reordered: views and concatenations, all differentiable.
- step by step, composed from minigrad ops, for anything else (other activations,
  ``recurrent_dropout``, ``reset_after=False``): autograd differentiates the loop.

Masks (from ``Embedding(mask_zero=True)``): at a masked step the state is carried over
unchanged and the output repeats the previous step's output (zeros before the first real
step), as Keras does; ``last output`` is the state after the last real step.
``go_backwards=True`` reads the sequence from the end, and returns the outputs in that order.
"""

import numpy as np

from ... import backend
from ...errors import ArgumentError, ShapeError
from ...ops.dropout import dropout
from ...ops.indexing import gather
from ...ops.linalg import matmul
from ...ops.recurrent import FusedRecurrentLayer
from ...ops.rearrange import flip
from ...ops.selections import where
from ...ops.shape import cat, reshape, split, stack
from ...tensor import Tensor
from .. import activations, initializers
from .base import Layer

_MERGE_MODES = ("sum", "mul", "concat", "ave", None)


def _zeros(like, shape):
    return Tensor._make(like.xp.zeros(shape, dtype=like.dtype))


def _forward_fill(outputs, valid):
    """outputs (T, B, H) with zeros at invalid steps -> each invalid step holds the last valid
    step's output (zeros before the first). ``valid`` is a bool array (T, B, 1)."""
    steps = outputs.shape[0]
    # last[t, b] = the latest valid step <= t (-1 if none), a small integer table made on the host
    host = backend.to_device(valid[..., 0], "cpu")
    last = np.maximum.accumulate(np.where(host, np.arange(steps)[:, None], -1), axis=0) + 1
    padded = cat([_zeros(outputs, (1,) + tuple(outputs.shape[1:])), outputs], dim=0)  # row 0: zeros
    index = np.ascontiguousarray(np.broadcast_to(last[:, :, None], outputs.shape))
    return gather(padded, 0, Tensor._make(backend.to_device(index, outputs.device)))


class Recurrent(Layer):
    """What SimpleRNN, LSTM and GRU share: arguments, the weights, and the loop over time."""

    GATES = 1
    MODE = None

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        kwargs.pop("use_cudnn", None)
        kwargs.pop("time_major", None)
        super().__init__(**kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ArgumentError(f"Received an invalid value for argument `units`, expected a positive integer, "
                                f"got {units}.")
        if stateful:
            raise ArgumentError(f"{type(self).__name__}: stateful=True is not supported")
        if any(r is not None for r in (kernel_regularizer, recurrent_regularizer, bias_regularizer,
                                       activity_regularizer, kernel_constraint, recurrent_constraint,
                                       bias_constraint)):
            raise ArgumentError(f"{type(self).__name__}: regularizers and constraints are not supported")
        self.units = units
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards, self.unroll = go_backwards, unroll
        self.zero_output_for_mask = zero_output_for_mask
        self.supports_masking = True

    # ---- weights ---------------------------------------------------------------------------
    def _bias_init(self, shape, dtype="float32"):
        return self.bias_initializer(shape, dtype)

    def _bias_shape(self):
        return (self.GATES * self.units,)

    def build(self, input_shape):
        if len(input_shape) != 3 or input_shape[-1] is None:
            raise ShapeError(f"{type(self).__name__} {self.name}: expected input of shape (batch, timesteps, "
                             f"features) with known features, got {input_shape}")
        n = self.GATES * self.units
        self.kernel = self.add_weight(shape=(input_shape[-1], n), initializer=self.kernel_initializer,
                                      name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, n), initializer=self.recurrent_initializer,
                                                name="recurrent_kernel")
        if self.use_bias:
            self.bias = self.add_weight(shape=self._bias_shape(), initializer=self._bias_init, name="bias")
        self.built = True

    def _state_count(self):
        return 1

    # ---- running ---------------------------------------------------------------------------
    def call(self, sequences, initial_state=None, mask=None, training=False):
        if sequences.dtype.kind != "f":
            sequences = sequences.float()
        if sequences.ndim != 3 or sequences.shape[-1] != self.kernel.shape[0]:
            raise ShapeError(f"{type(self).__name__} {self.name}: input of shape {tuple(sequences.shape)} does not "
                             f"fit; expected (batch, timesteps, {self.kernel.shape[0]})")
        batch = sequences.shape[0]
        if initial_state is None:
            states = [_zeros(sequences, (batch, self.units)) for _ in range(self._state_count())]
        else:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            if len(states) != self._state_count():
                raise ArgumentError(f"{type(self).__name__} {self.name}: initial_state needs "
                                    f"{self._state_count()} tensor(s), got {len(states)}")
        valid = None
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if mask is not None:
            valid = (mask.array if isinstance(mask, Tensor) else sequences.xp.asarray(mask)).astype(bool)
            valid = valid.T[:, :, None]  # (T, B, 1)
        if training and 0 < self.dropout < 1:  # one mask for every step, as Keras draws it
            keep = dropout(Tensor._make(sequences.xp.ones((batch, 1, sequences.shape[2]), dtype=sequences.dtype)),
                           p=self.dropout, training=True)
            sequences = sequences * keep
        if self._can_fuse(training):
            outputs, last, states = self._run_fused(sequences, states, valid)
        else:
            outputs, last, states = self._run_steps(sequences, states, valid, training)
        if valid is not None and self.zero_output_for_mask:
            v = valid[::-1] if self.go_backwards else valid
            vt = Tensor._make(v.astype(sequences.dtype))
            outputs = outputs * vt
            last = last * Tensor._make(v[-1].astype(sequences.dtype))
        elif valid is not None:
            outputs = _forward_fill(outputs, valid[::-1] if self.go_backwards else valid)
        result = outputs.transpose(0, 1) if self.return_sequences else last
        if self.return_state:
            return (result,) + tuple(states)  # a tuple, as Keras 3 returns it
        return result

    def compute_mask(self, inputs, previous_mask):
        if isinstance(previous_mask, (list, tuple)):
            previous_mask = previous_mask[0]
        output_mask = previous_mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * self._state_count()
        return output_mask

    def _can_fuse(self, training):
        return (self.activation is activations.tanh and self.recurrent_activation is activations.sigmoid
                and not (training and self.recurrent_dropout > 0))

    def _fused_weights(self):
        """(kernel, w_hh in PyTorch's (G*units, units) layout, b_ih, b_hh) for FusedRecurrentLayer."""
        return self.kernel, self.recurrent_kernel.transpose(0, 1), (self.bias if self.use_bias else None), None

    def _run_fused(self, sequences, states, valid):
        kernel, w_hh, b_ih, b_hh = self._fused_weights()
        batch, steps = sequences.shape[0], sequences.shape[1]
        xg = matmul(reshape(sequences, (batch * steps, sequences.shape[2])), kernel)
        xg = reshape(xg, (batch, steps, xg.shape[-1])).transpose(0, 1)  # time-major (T, B, G*units)
        c0 = states[1] if self.MODE == "LSTM" else None
        result = FusedRecurrentLayer.apply(xg, w_hh, b_ih, b_hh, states[0], c0, mode=self.MODE,
                                           reverse=self.go_backwards, valid=valid)
        outputs, states = result[0], list(result[1:])
        if self.go_backwards:
            outputs = flip(outputs, dims=(0,))  # Keras returns the steps in the order it read them
        return outputs, states[0], states

    def _run_steps(self, sequences, states, valid, training):
        """The loop over time written with minigrad ops (autograd does the backward)."""
        batch, steps = sequences.shape[0], sequences.shape[1]
        xs = matmul(sequences, self.kernel)  # (B, T, G*units): the input part of every step
        if self.use_bias:
            xs = xs + self._input_bias()
        h_keep = None
        if training and 0 < self.recurrent_dropout < 1:
            h_keep = dropout(_zeros(sequences, (batch, self.units)) + 1.0, p=self.recurrent_dropout, training=True)
        order = range(steps - 1, -1, -1) if self.go_backwards else range(steps)
        outputs = []
        for t in order:
            out, new_states = self._step(xs[:, t], states, h_keep)
            if valid is not None:  # a masked step keeps the state; its output is filled in by call()
                v = valid[t]
                new_states = [where(v, n, s) for n, s in zip(new_states, states)]
                out = out * Tensor._make(v.astype(out.dtype))
            states = new_states
            outputs.append(out)
        return stack(outputs, dim=0), states[0], states

    def _input_bias(self):
        return self.bias

    def get_config(self):
        return {**super().get_config(), "units": self.units, "activation": activations.serialize(self.activation),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed,
                "return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask}


class SimpleRNN(Recurrent):
    """A fully connected recurrence: h_t = activation(x_t W + h_{t-1} U + b)."""

    GATES = 1

    def __init__(self, units, activation="tanh", **kwargs):
        kwargs.pop("recurrent_activation", None)
        super().__init__(units, activation=activation, **kwargs)

    @property
    def MODE(self):
        return "RNN_RELU" if self.activation is activations.relu else "RNN_TANH"

    def _can_fuse(self, training):
        return (self.activation in (activations.tanh, activations.relu)
                and not (training and self.recurrent_dropout > 0))

    def _step(self, x_t, states, h_keep):
        h = states[0] if h_keep is None else states[0] * h_keep
        h_new = self.activation(x_t + matmul(h, self.recurrent_kernel))
        return h_new, [h_new]

    def get_config(self):
        config = super().get_config()
        config.pop("recurrent_activation")
        return config


class LSTM(Recurrent):
    """Long short-term memory (Hochreiter & Schmidhuber, 1997), gates i, f, c, o."""

    GATES = 4
    MODE = "LSTM"

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias

    def _state_count(self):
        return 2

    def _bias_init(self, shape, dtype="float32"):
        if not self.unit_forget_bias:
            return self.bias_initializer(shape, dtype)
        u = self.units
        return np.concatenate([self.bias_initializer((u,), dtype), np.ones((u,), dtype),
                               self.bias_initializer((2 * u,), dtype)])

    def _step(self, x_t, states, h_keep):
        h, c = states
        z = x_t + matmul(h if h_keep is None else h * h_keep, self.recurrent_kernel)
        i, f, g, o = split(z, self.units, dim=-1)
        i, f, o = self.recurrent_activation(i), self.recurrent_activation(f), self.recurrent_activation(o)
        c_new = f * c + i * self.activation(g)
        h_new = o * self.activation(c_new)
        return h_new, [h_new, c_new]

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}


class GRU(Recurrent):
    """Gated recurrent unit (Cho et al., 2014), gates z, r, h; Keras 3's ``reset_after=True`` by default."""

    GATES = 3
    MODE = "GRU"

    def __init__(self, units, reset_after=True, **kwargs):
        super().__init__(units, **kwargs)
        self.reset_after = reset_after

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _can_fuse(self, training):
        return self.reset_after and super()._can_fuse(training)

    def _fused_weights(self):
        def to_rzn(w):  # Keras's blocks z, r, h -> PyTorch's r, z, n along the last axis
            z, r, h = split(w, self.units, dim=-1)
            return cat([r, z, h], dim=-1)
        b_ih = b_hh = None
        if self.use_bias:
            b_ih, b_hh = to_rzn(self.bias[0]), to_rzn(self.bias[1])
        return to_rzn(self.kernel), to_rzn(self.recurrent_kernel).transpose(0, 1), b_ih, b_hh

    def _input_bias(self):
        return self.bias[0] if self.reset_after else self.bias

    def _step(self, x_t, states, h_keep):
        h = states[0]
        h_in = h if h_keep is None else h * h_keep
        xz, xr, xh = split(x_t, self.units, dim=-1)
        uz, ur, uh = split(self.recurrent_kernel, self.units, dim=-1)
        if self.reset_after:
            inner = matmul(h_in, self.recurrent_kernel)
            if self.use_bias:
                inner = inner + self.bias[1]
            rz, rr, rh = split(inner, self.units, dim=-1)
            z = self.recurrent_activation(xz + rz)
            r = self.recurrent_activation(xr + rr)
            hh = self.activation(xh + r * rh)
        else:
            z = self.recurrent_activation(xz + matmul(h_in, uz))
            r = self.recurrent_activation(xr + matmul(h_in, ur))
            hh = self.activation(xh + matmul(r * h_in, uh))
        h_new = z * h + (1.0 - z) * hh
        return h_new, [h_new]

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}


class Bidirectional(Layer):
    """Runs a recurrent layer forwards and a copy of it backwards, and merges the two outputs.

    The backward copy is made from the layer's config with ``go_backwards`` flipped; its
    output sequence is reversed back so that step t of both lines up. ``merge_mode``
    "concat" (default), "sum", "mul", "ave", or None (a list of the two outputs).
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(layer, Recurrent):
            raise ArgumentError(f"Please initialize `Bidirectional` layer with a recurrent layer instance. "
                                f"Received: {layer!r}")
        if merge_mode not in _MERGE_MODES:
            raise ArgumentError(f"Invalid merge mode. Received: {merge_mode}. Merge mode should be one of "
                                '{"sum", "mul", "ave", "concat", None}')
        config = layer.get_config()
        config.pop("batch_input_shape", None)
        base_name = layer.name[len("forward_"):] if layer.name.startswith("forward_") else layer.name
        forward = type(layer).from_config({**config, "name": "forward_" + base_name})
        if backward_layer is None:
            backward_layer = type(layer).from_config({**config, "name": "backward_" + base_name, "go_backwards": True})
        if forward.go_backwards == backward_layer.go_backwards:
            raise ArgumentError("Forward layer and backward layer should have different `go_backwards` value.")
        self.forward_layer, self.backward_layer = forward, backward_layer
        for sub in (forward, backward_layer):
            sub.zero_output_for_mask = sub.return_sequences  # as Keras forces it
        self.merge_mode = merge_mode
        self.return_sequences, self.return_state = layer.return_sequences, layer.return_state
        self.supports_masking = True
        self._initial_weights = weights

    def build(self, input_shape):
        self.forward_layer._maybe_build(input_shape)
        self.backward_layer._maybe_build(input_shape)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def call(self, sequences, initial_state=None, mask=None, training=False):
        f_state = b_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            f_state, b_state = initial_state[:half], initial_state[half:]
        y = self.forward_layer(sequences, initial_state=f_state, mask=mask, training=training)
        y_rev = self.backward_layer(sequences, initial_state=b_state, mask=mask, training=training)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = flip(y_rev, dims=(1,))
        if self.merge_mode == "concat":
            out = cat([y, y_rev], dim=-1)
        elif self.merge_mode == "sum":
            out = y + y_rev
        elif self.merge_mode == "ave":
            out = (y + y_rev) * 0.5
        elif self.merge_mode == "mul":
            out = y * y_rev
        else:
            out = [y, y_rev]
        if self.return_state:
            return (out if isinstance(out, list) else [out]) + states
        return out

    def compute_mask(self, inputs, previous_mask):
        if isinstance(previous_mask, (list, tuple)):
            previous_mask = previous_mask[0]
        mask = previous_mask if self.return_sequences else None
        if self.return_state:
            return [mask] + [None] * (2 * self.forward_layer._state_count())
        return mask

    def get_config(self):
        from ..models import serialize_layer

        layer = serialize_layer(self.forward_layer)
        layer["config"]["name"] = self.forward_layer.name[len("forward_"):]
        return {**super().get_config(), "layer": layer, "merge_mode": self.merge_mode}

    @classmethod
    def from_config(cls, config):
        from ..models import deserialize_layer

        config = dict(config)
        return cls(deserialize_layer(config.pop("layer")), **config)


class TimeDistributed(Layer):
    """Applies ``layer`` to every step of a sequence: (B, T, ...) -> fold to (B*T, ...) -> layer ->
    unfold to (B, T, ...). One call of the inner layer for all steps, no loop."""

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(layer, Layer):
            raise ArgumentError(f"Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance. "
                                f"Received: {layer!r}")
        self.layer = layer
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) < 3:
            raise ShapeError(f"TimeDistributed {self.name}: the input needs at least 3 axes (batch, time, ...), "
                             f"got shape {input_shape}")
        self.layer._maybe_build((None,) + tuple(input_shape[2:]))
        self.built = True

    def call(self, inputs, training=False):
        batch, steps = inputs.shape[0], inputs.shape[1]
        folded = reshape(inputs, (batch * steps,) + tuple(inputs.shape[2:]))
        out = self.layer(folded, training=training)
        return reshape(out, (batch, steps) + tuple(out.shape[1:]))

    def get_config(self):
        from ..models import serialize_layer

        return {**super().get_config(), "layer": serialize_layer(self.layer)}

    @classmethod
    def from_config(cls, config):
        from ..models import deserialize_layer

        config = dict(config)
        return cls(deserialize_layer(config.pop("layer")), **config)

