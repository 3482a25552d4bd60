"""Recurrent layers: RNN, LSTM, GRU over whole sequences, and their one-step cells.

Names, arguments, return values, parameter names and shapes, gate order and initialisation
are PyTorch's, so a PyTorch ``state_dict`` loads as is:

    weight_ih_l{k}{_reverse}   (G·H, I_k)   I_0 = input_size, I_k = H·D for k > 0
    weight_hh_l{k}{_reverse}   (G·H, H)
    bias_ih_l{k}{_reverse}     (G·H,)       G = 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n)
    bias_hh_l{k}{_reverse}     (G·H,)       D = 2 when bidirectional, else 1

all drawn from U(-1/sqrt(H), 1/sqrt(H)). The math of one step is in
``minigrad.ops.recurrent``; a layer runs it over the sequence with ``run_layer``.
An LSTM with ``proj_size`` P > 0 also has ``weight_hr_l{k}{_reverse}`` (P, H): its hidden
state is projected to P features, so weight_hh is (4H, P), I_k = P·D for k > 0, and the
outputs and h_n have P features (c_n keeps H); see ``minigrad.ops.recurrent_projected``.

Shapes (batch_first=False): input (T, B, I), output (T, B, D·H), h_n and c_n
(num_layers·D, B, H). With batch_first=True, input and output are (B, T, ·); the states are
not affected. An unbatched input (T, I) gives unbatched results (T, D·H) and (num_layers·D, H).
A ``PackedSequence`` (``minigrad.nn.utils.rnn``) as input gives a PackedSequence as output,
and h_n / c_n taken at each sequence's own last step.
"""

import math
import warnings

from .. import creation
from ..errors import ArgumentError, ArgumentTypeError, DTypeError, ShapeError
from ..ops.dropout import dropout
from ..ops.recurrent import FusedGRUCell, FusedLSTMCell, FusedRNNCell, run_layer
from ..ops.recurrent_projected import run_projected_lstm
from ..ops.shape import cat, stack, unsqueeze, squeeze
from ..tensor import Tensor
from . import init
from .functional import linear
from .module import Module
from .parameter import Parameter

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _uniform_init(module, hidden_size):
    """PyTorch's default for recurrent layers and cells: every parameter ~ U(-1/sqrt(H), 1/sqrt(H))."""
    bound = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0.0
    for p in module.parameters():
        init.uniform_(p, -bound, bound)


def _check_dtype(op, x, weight):
    if x.dtype != weight.dtype:
        raise DTypeError(f"{op}: input has dtype {x.dtype} but the parameters have dtype {weight.dtype}; "
                         f"convert one of them (x.to({weight.dtype}) or module.to({x.dtype}))")


def _check_sizes(name, *sizes):
    """Each (argument, value) a positive int: TypeError for a non-integer, ValueError below 1, as in PyTorch."""
    for arg, value in sizes:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ArgumentTypeError(f"{name}: {arg} must be a positive integer, got {type(value).__name__} {value!r}")
        if value <= 0:
            raise ArgumentError(f"{name}: {arg} must be a positive integer, got {value!r}")


class RNNBase(Module):
    """What RNN, LSTM and GRU share: the parameters, the checks and the loop over layers.

    ``RNNBase(mode, input_size, hidden_size, ...)`` with mode 'RNN_TANH', 'RNN_RELU', 'LSTM' or
    'GRU' has the parameters, names and shapes of that layer, as in PyTorch, and, unlike
    PyTorch's (which has no forward of its own), also runs it; so a proj_size is refused for a
    mode other than LSTM (PyTorch's builds weights that nothing could use). ``all_weights`` lists
    the parameters per layer and direction, ``_flat_weights_names`` their names in that order.

    Function: ops/recurrent.py FusedRecurrentLayer, one node per layer and direction (through run_layer);
    for an LSTM with proj_size > 0, ops/recurrent.py FusedLSTMCell per step (through run_projected_lstm).
    """

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        name = type(self).__name__
        if mode not in _GATES:
            raise ArgumentError(f"{name}: unrecognized RNN mode {mode!r}; choose one of {', '.join(_GATES)}")
        _check_sizes(name, ("input_size", input_size), ("hidden_size", hidden_size), ("num_layers", num_layers))
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1:
            raise ArgumentError(f"{name}: dropout must be a number in [0, 1], got {dropout!r}")
        if isinstance(proj_size, bool) or not isinstance(proj_size, int) or proj_size < 0:
            raise ArgumentError(f"{name}: proj_size should be a positive integer or zero to disable projections, "
                                f"got {proj_size!r}")
        if proj_size and mode != "LSTM":
            raise ArgumentError(f"{name}: proj_size argument is only supported for LSTM, not RNN or GRU")
        if proj_size >= hidden_size:
            raise ArgumentError(f"{name}: proj_size has to be smaller than hidden_size, got proj_size={proj_size} "
                                f"and hidden_size={hidden_size}")
        if dropout > 0 and num_layers == 1:
            warnings.warn(f"{name}: dropout={dropout} acts between layers, so with num_layers=1 it does "
                          "nothing", stacklevel=3)
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, proj_size
        gate_size = _GATES[mode] * hidden_size
        directions = 2 if bidirectional else 1
        real_hidden = proj_size or hidden_size  # the size of h: what is fed back and returned
        self._all_weights = []  # the parameter names of each layer and direction, PyTorch's order
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else real_hidden * directions
            for suffix in ("", "_reverse")[:directions]:
                shapes = [("weight_ih", (gate_size, layer_input)), ("weight_hh", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                names = [f"{kind}_l{layer}{suffix}" for kind, _ in shapes]
                for param_name, (_, shape) in zip(names, shapes):
                    setattr(self, param_name, Parameter(creation.empty(*shape, dtype=dtype, device=device)))
                self._all_weights.append(names)
        self._flat_weights_names = [n for names in self._all_weights for n in names]
        self.reset_parameters()

    @property
    def all_weights(self):
        """The parameters, one list per layer and direction: [[weight_ih_l0, weight_hh_l0, ...], ...]."""
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    @property
    def _flat_weights(self):
        return [getattr(self, n) for n in self._flat_weights_names]

    def reset_parameters(self):
        _uniform_init(self, self.hidden_size)

    def flatten_parameters(self):
        """Does nothing: PyTorch compacts its cuDNN weight buffer here; minigrad has none."""

    def _weights(self, layer, suffix):
        get = lambda kind: getattr(self, f"{kind}_l{layer}{suffix}")  # noqa: E731
        if self.bias:
            return get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh")
        return get("weight_ih"), get("weight_hh"), None, None

    # ---- forward ------------------------------------------------------------------------------
    def forward(self, input, hx=None):
        from .utils.rnn import PackedSequence, _padded_from_packed, _packed_from_padded

        name = type(self).__name__
        packed = input if isinstance(input, PackedSequence) else None
        valid = None
        if packed is not None:
            x, lengths = _padded_from_packed(packed)  # (T, B, I), time-major, original batch order
            steps = x.shape[0]
            valid = (x.xp.arange(steps)[:, None] < x.xp.asarray(lengths)[None, :])[:, :, None]
            batched = True
        else:
            if not isinstance(input, Tensor):
                raise DTypeError(f"{name}: input must be a Tensor or a PackedSequence, got {type(input).__name__}")
            if input.ndim not in (2, 3):
                raise ShapeError(f"{name}: expected input to be 2-D (unbatched) or 3-D (batched), got "
                                 f"{input.ndim}-D input of shape {tuple(input.shape)}")
            batched = input.ndim == 3
            x = input if not batched else (input.transpose(0, 1) if self.batch_first else input)
            x = x if batched else unsqueeze(x, 1)
        if x.shape[-1] != self.input_size:
            raise ShapeError(f"{name}: input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                             f"got {x.shape[-1]} (input shape {tuple(x.shape)})")
        if x.shape[0] == 0:
            raise ShapeError(f"{name}: the input sequence is empty (shape {tuple(x.shape)})")
        _check_dtype(name, x, self.weight_ih_l0)
        h0, c0 = self._initial_states(x, hx, batched)

        directions = 2 if self.bidirectional else 1
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            if layer > 0 and self.dropout > 0:
                x = dropout(x, self.dropout, self.training)
            outs = []
            for d, suffix in enumerate(("", "_reverse")[:directions]):
                k = layer * directions + d
                if self.proj_size:
                    result = run_projected_lstm(x, *self._weights(layer, suffix),
                                                getattr(self, f"weight_hr_l{layer}{suffix}"), h0[k], c0[k],
                                                reverse=d == 1, valid=valid)
                else:
                    result = run_layer(self.mode, x, *self._weights(layer, suffix), h0[k],
                                       None if c0 is None else c0[k], reverse=d == 1, valid=valid)
                outs.append(result[0])
                h_n.append(result[1])
                if self.mode == "LSTM":
                    c_n.append(result[2])
            x = outs[0] if directions == 1 else cat(outs, dim=-1)

        h_n = stack(h_n)
        c_n = stack(c_n) if self.mode == "LSTM" else None
        if packed is not None:
            output = _packed_from_padded(x, packed)
        elif not batched:
            output, h_n = squeeze(x, 1), squeeze(h_n, 1)
            c_n = None if c_n is None else squeeze(c_n, 1)
        else:
            output = x.transpose(0, 1) if self.batch_first else x
        return (output, (h_n, c_n)) if self.mode == "LSTM" else (output, h_n)

    def _initial_states(self, x, hx, batched):
        """The initial (h, c) per layer and direction: given, or zeros. h has proj_size features
        when the LSTM projects, c always hidden_size."""
        name = type(self).__name__
        batch = x.shape[1]
        n = self.num_layers * (2 if self.bidirectional else 1)
        sizes = (self.proj_size or self.hidden_size, self.hidden_size)
        if hx is None:
            h0 = creation.zeros(n, batch, sizes[0], dtype=x.dtype, device=x.device)
            c0 = creation.zeros(n, batch, sizes[1], dtype=x.dtype, device=x.device) if self.mode == "LSTM" else None
            return h0, c0
        if self.mode == "LSTM":
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise DTypeError(f"{name}: hx must be a tuple (h_0, c_0), got {type(hx).__name__}")
            states = list(hx)
        else:
            if not isinstance(hx, Tensor):
                raise DTypeError(f"{name}: hx must be a Tensor, got {type(hx).__name__}")
            states = [hx]
        for i, s in enumerate(states):
            label = ("h_0", "c_0")[i]
            expected = (n, batch, sizes[i]) if batched else (n, sizes[i])
            if tuple(s.shape) != expected:
                raise ShapeError(f"{name}: expected {label} of shape {expected}, got {tuple(s.shape)}")
            _check_dtype(name, s, self.weight_ih_l0)
            states[i] = s if batched else unsqueeze(s, 1)
        return states[0], (states[1] if self.mode == "LSTM" else None)

    def extra_repr(self):
        """PyTorch's text: the nonlinearity of an RNN is not shown."""
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s


class RNN(RNNBase):
    """Elman RNN: h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), act = tanh or relu.

    ``forward(input, h_0=None) -> output, h_n``.

    Function: ops/recurrent.py FusedRecurrentLayer, one node per layer and direction with backpropagation
    through time written out (through run_layer); under create_graph its backward rebuilds the steps from
    ops/recurrent.py FusedRNNCell.
    """

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ArgumentError(f"RNN: unknown nonlinearity {nonlinearity!r}; choose 'tanh' or 'relu'")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size,
                         num_layers, bias, batch_first, dropout, bidirectional, 0, device, dtype)


class LSTM(RNNBase):
    """Long short-term memory (gates i, f, g, o; see ``FusedLSTMCell`` for the equations).

    ``forward(input, (h_0, c_0)=None) -> output, (h_n, c_n)``. With ``proj_size`` P > 0 the
    hidden state is projected, h_t = W_hr (o ⊙ tanh(c_t)): output and h_n have P features.

    Function: ops/recurrent.py FusedRecurrentLayer, one node per layer and direction with backpropagation
    through time written out (through run_layer); under create_graph its backward rebuilds the steps from
    ops/recurrent.py FusedLSTMCell. With proj_size > 0 the steps are one ops/recurrent.py FusedLSTMCell
    node each (through run_projected_lstm in ops/recurrent_projected.py), differentiated by the engine.
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, device, dtype)


class GRU(RNNBase):
    """Gated recurrent unit (gates r, z, n; see ``FusedGRUCell`` for the equations).

    ``forward(input, h_0=None) -> output, h_n``.

    Function: ops/recurrent.py FusedRecurrentLayer, one node per layer and direction with backpropagation
    through time written out (through run_layer); under create_graph its backward rebuilds the steps from
    ops/recurrent.py FusedGRUCell.
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, 0, device, dtype)


# ---- cells: one step, the loop is yours ---------------------------------------------------------
class RNNCellBase(Module):
    """What the cells share: weight_ih (G·H, I), weight_hh (G·H, H), bias_ih, bias_hh (G·H,),
    G = ``num_chunks`` (1 for RNNCell, 4 for LSTMCell, 3 for GRUCell). Each cell has its own forward.

    Composition: none; the parameters its subclasses' forward uses (no Function of its own).
    """

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        _check_sizes(type(self).__name__, ("input_size", input_size), ("hidden_size", hidden_size))
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        g = num_chunks
        self.weight_ih = Parameter(creation.empty(g * hidden_size, input_size, dtype=dtype, device=device))
        self.weight_hh = Parameter(creation.empty(g * hidden_size, hidden_size, dtype=dtype, device=device))
        if bias:
            self.bias_ih = Parameter(creation.empty(g * hidden_size, dtype=dtype, device=device))
            self.bias_hh = Parameter(creation.empty(g * hidden_size, dtype=dtype, device=device))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        _uniform_init(self, self.hidden_size)

    def _inputs(self, input, states):
        """Check shapes, add the batch axis to an unbatched input, make zero states if missing."""
        name = type(self).__name__
        if not isinstance(input, Tensor) or input.ndim not in (1, 2):
            shape = tuple(input.shape) if isinstance(input, Tensor) else type(input).__name__
            raise ShapeError(f"{name}: expected input to be 1-D (unbatched) or 2-D (batch, {self.input_size}), "
                             f"got {shape}")
        if input.shape[-1] != self.input_size:
            raise ShapeError(f"{name}: input has {input.shape[-1]} features, expected input_size={self.input_size} "
                             f"(input shape {tuple(input.shape)})")
        _check_dtype(name, input, self.weight_ih)
        batched = input.ndim == 2
        x = input if batched else unsqueeze(input, 0)
        expected = (x.shape[0], self.hidden_size) if batched else (self.hidden_size,)
        out = []
        for label, s in states:
            if s is None:
                s = creation.zeros(x.shape[0], self.hidden_size, dtype=x.dtype, device=x.device)
            else:
                if tuple(s.shape) != expected:
                    raise ShapeError(f"{name}: expected {label} of shape {expected}, got {tuple(s.shape)}")
                _check_dtype(name, s, self.weight_ih)
                s = s if batched else unsqueeze(s, 0)
            out.append(s)
        xg = linear(x, self.weight_ih, self.bias_ih)
        return batched, xg, out

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            s += ", bias=False"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"  # unquoted, as PyTorch prints it
        return s


class RNNCell(RNNCellBase):
    """h' = act(W_ih x + b_ih + W_hh h + b_hh).   ``forward(input, hx=None) -> h'``.

    Function: ops/recurrent.py FusedRNNCell.
    """

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ArgumentError(f"RNNCell: unknown nonlinearity {nonlinearity!r}; choose 'tanh' or 'relu'")
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)

    def forward(self, input, hx=None):
        batched, xg, (h,) = self._inputs(input, [("hx", hx)])
        h = FusedRNNCell.apply(xg, linear(h, self.weight_hh, self.bias_hh), nonlinearity=self.nonlinearity)
        return h if batched else squeeze(h, 0)


class LSTMCell(RNNCellBase):
    """One LSTM step.   ``forward(input, (h, c)=None) -> (h', c')``.

    Function: ops/recurrent.py FusedLSTMCell.
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        if hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise DTypeError(f"LSTMCell: hx must be a tuple (h, c), got {type(hx).__name__}")
        h, c = (None, None) if hx is None else hx
        batched, xg, (h, c) = self._inputs(input, [("h", h), ("c", c)])
        h, c = FusedLSTMCell.apply(xg, linear(h, self.weight_hh, self.bias_hh), c)
        return (h, c) if batched else (squeeze(h, 0), squeeze(c, 0))


class GRUCell(RNNCellBase):
    """One GRU step.   ``forward(input, hx=None) -> h'``.

    Function: ops/recurrent.py FusedGRUCell.
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        batched, xg, (h,) = self._inputs(input, [("hx", hx)])
        h = FusedGRUCell.apply(xg, linear(h, self.weight_hh), h, self.bias_hh)
        return h if batched else squeeze(h, 0)
