"""TransformerDecoderLayer, TransformerDecoder and the encoder-decoder Transformer: parity with
torch (dropout 0, weights copied from torch), state_dict keys, masks, bad arguments.

Parity: float64 outputs and gradients within 1e-10, float32 within 1e-5.
"""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
from minigrad.errors import ArgumentAssertionError, ArgumentError, ShapeError

TOL = {np.float64: 1e-10, np.float32: 1e-5}
D, HEADS, FF, N, S, T = 8, 2, 16, 3, 5, 4


def close(got, want, dtype):
    got = got.numpy() if isinstance(got, mg.Tensor) else np.asarray(got)
    want = want.detach().numpy() if hasattr(want, "detach") else np.asarray(want)
    assert got.dtype == np.dtype(dtype), f"dtype {got.dtype}, expected {np.dtype(dtype)}"
    np.testing.assert_allclose(got, want, rtol=TOL[dtype], atol=TOL[dtype])


def copy_weights(t, m):
    """torch's state_dict into m: the keys (in order) and shapes must be the same."""
    state = {k: v.detach().numpy() for k, v in t.state_dict().items()}
    mine = m.state_dict()
    assert list(state) == list(mine), "state_dict keys differ from torch"
    assert all(tuple(mine[k].shape) == v.shape for k, v in state.items())
    m.load_state_dict({k: mg.tensor(v) for k, v in state.items()})


def check_two_inputs(torch, t, m, dtype, batch_first, **kwargs):
    """(tgt, memory) or (src, tgt) through both; compare the output and every gradient."""
    rng = np.random.default_rng(0)
    shape = (lambda length: (N, length, D)) if batch_first else (lambda length: (length, N, D))
    a, b = rng.standard_normal(shape(T)).astype(dtype), rng.standard_normal(shape(S)).astype(dtype)
    if isinstance(m, nn.Transformer):
        a, b = b, a  # (src, tgt)
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    ma, mb = mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)
    t_kw = {k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    t_out, m_out = t(ta, tb, **t_kw), m(ma, mb, **kwargs)
    close(m_out, t_out, dtype)
    w = rng.standard_normal(tuple(t_out.shape)).astype(dtype)
    (t_out * torch.from_numpy(w)).sum().backward()
    (m_out * mg.tensor(w)).sum().backward()
    close(ma.grad, ta.grad, dtype)
    close(mb.grad, tb.grad, dtype)
    t_params = dict(t.named_parameters())
    for k, p in m.named_parameters():
        close(p.grad, t_params[k].grad, dtype)


def torch_dtype(torch, dtype):
    return torch.float64 if dtype == np.float64 else torch.float32


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_decoder_layer_matches_torch(torch, norm_first, activation, batch_first, dtype):
    torch.manual_seed(0)
    kwargs = dict(dim_feedforward=FF, dropout=0.0, activation=activation, batch_first=batch_first,
                  norm_first=norm_first)
    t = torch.nn.TransformerDecoderLayer(D, HEADS, **kwargs).to(torch_dtype(torch, dtype))
    m = nn.TransformerDecoderLayer(D, HEADS, **kwargs).to(dtype=dtype)
    copy_weights(t, m)
    check_two_inputs(torch, t, m, dtype, batch_first)


def test_decoder_layer_callable_activation_and_no_bias(torch):
    torch.manual_seed(1)
    t = torch.nn.TransformerDecoderLayer(D, HEADS, FF, dropout=0.0, activation=torch.tanh, bias=False).double()
    m = nn.TransformerDecoderLayer(D, HEADS, FF, dropout=0.0, activation=mg.Tensor.tanh, bias=False).double()
    copy_weights(t, m)
    assert not any(k.endswith("bias") for k in m.state_dict())
    check_two_inputs(torch, t, m, np.float64, False)


def test_decoder_layer_masks_match_torch(torch):
    torch.manual_seed(2)
    t = torch.nn.TransformerDecoderLayer(D, HEADS, FF, dropout=0.0, batch_first=True).double()
    m = nn.TransformerDecoderLayer(D, HEADS, FF, dropout=0.0, batch_first=True).double()
    copy_weights(t, m)
    causal = np.triu(np.ones((T, T), dtype=bool), 1)
    tgt_pad = np.zeros((N, T), dtype=bool)
    tgt_pad[1, 3] = True
    mem_pad = np.zeros((N, S), dtype=bool)
    mem_pad[0, 2:] = True
    memory_mask = np.random.default_rng(3).standard_normal((T, S))  # a float mask is added
    check_two_inputs(torch, t, m, np.float64, True, tgt_mask=causal, tgt_key_padding_mask=tgt_pad,
                     memory_key_padding_mask=mem_pad, memory_mask=memory_mask, tgt_is_causal=True)


@pytest.mark.parametrize("final_norm", [False, True])
def test_decoder_stack_matches_torch(torch, final_norm):
    torch.manual_seed(4)
    t_layer = torch.nn.TransformerDecoderLayer(D, HEADS, FF, dropout=0.0, norm_first=True)
    t = torch.nn.TransformerDecoder(t_layer, 2, norm=torch.nn.LayerNorm(D) if final_norm else None).double()
    m = nn.TransformerDecoder(nn.TransformerDecoderLayer(D, HEADS, FF, dropout=0.0, norm_first=True), 2,
                              norm=nn.LayerNorm(D) if final_norm else None).double()
    copy_weights(t, m)
    assert "layers.1.multihead_attn.in_proj_weight" in m.state_dict()
    mask = nn.Transformer.generate_square_subsequent_mask(T, dtype=mg.float64)
    check_two_inputs(torch, t, m, np.float64, False, tgt_mask=mask.numpy())


def test_decoder_layers_are_independent_copies():
    layer = nn.TransformerDecoderLayer(D, HEADS, FF)
    dec = nn.TransformerDecoder(layer, 2)
    a, b = dec.layers[0].multihead_attn.in_proj_weight, dec.layers[1].multihead_attn.in_proj_weight
    assert a is not b and a is not layer.multihead_attn.in_proj_weight
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert len(list(dec.parameters())) == 2 * len(list(layer.parameters()))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_transformer_matches_torch(torch, norm_first, batch_first, dtype):
    torch.manual_seed(5)
    kwargs = dict(d_model=D, nhead=HEADS, num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=FF,
                  dropout=0.0, batch_first=batch_first, norm_first=norm_first)
    t = torch.nn.Transformer(**kwargs).to(torch_dtype(torch, dtype))
    m = nn.Transformer(**kwargs).to(dtype=dtype)
    copy_weights(t, m)
    tgt_mask = nn.Transformer.generate_square_subsequent_mask(T, dtype=dtype).numpy()
    src_pad = np.zeros((N, S), dtype=bool)
    src_pad[2, 3:] = True
    check_two_inputs(torch, t, m, dtype, batch_first, tgt_mask=tgt_mask, src_key_padding_mask=src_pad,
                     memory_key_padding_mask=src_pad)


def test_transformer_structure_and_init(torch):
    m = nn.Transformer(D, HEADS, 1, 3, FF)
    t = torch.nn.Transformer(D, HEADS, 1, 3, FF)
    assert [(k, tuple(v.shape)) for k, v in m.state_dict().items()] == \
           [(k, tuple(v.shape)) for k, v in t.state_dict().items()]
    assert m.encoder.norm is not None and m.decoder.norm is not None
    assert (m.d_model, m.nhead, m.batch_first) == (D, HEADS, False)
    # xavier_uniform_ on every matrix: bound sqrt(6 / (fan_in + fan_out))
    w = m.decoder.layers[0].linear1.weight.numpy()
    bound = np.sqrt(6.0 / (D + FF))
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound
    np.testing.assert_array_equal(m.encoder.norm.weight.numpy(), np.ones(D, dtype=np.float32))


def test_transformer_custom_encoder_and_decoder():
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(D, HEADS, FF), 1)
    dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(D, HEADS, FF), 1)
    m = nn.Transformer(D, HEADS, custom_encoder=enc, custom_decoder=dec)
    assert m.encoder is enc and m.decoder is dec
    assert m(mg.randn(S, N, D), mg.randn(T, N, D)).shape == (T, N, D)


def test_generate_square_subsequent_mask_matches_torch(torch):
    got = nn.Transformer.generate_square_subsequent_mask(4)
    want = torch.nn.Transformer.generate_square_subsequent_mask(4)
    assert got.dtype == mg.float32
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert nn.Transformer.generate_square_subsequent_mask(3, dtype=mg.float64).dtype == mg.float64
    assert nn.Transformer.generate_square_subsequent_mask(0).shape == (0, 0)


def test_causal_decoder_does_not_look_ahead():
    """With the causal mask, changing the last target position leaves the earlier outputs alone."""
    mg.manual_seed(6)
    m = nn.Transformer(D, HEADS, 1, 1, FF, dropout=0.0)
    src, tgt = mg.randn(S, 1, D), mg.randn(T, 1, D)
    mask = nn.Transformer.generate_square_subsequent_mask(T)
    out1 = m(src, tgt, tgt_mask=mask).numpy()
    tgt2 = tgt.numpy().copy()
    tgt2[-1] += 1.0
    out2 = m(src, mg.tensor(tgt2), tgt_mask=mask).numpy()
    np.testing.assert_allclose(out1[:-1], out2[:-1], rtol=1e-5, atol=1e-6)
    assert not np.allclose(out1[-1], out2[-1])


def test_bad_arguments(torch):
    with pytest.raises(RuntimeError, match="relu' or 'gelu'") as err:
        nn.TransformerDecoderLayer(D, HEADS, activation="tanh")
    assert isinstance(err.value, ArgumentError)
    with pytest.raises(RuntimeError):  # what torch raises there
        torch.nn.TransformerDecoderLayer(D, HEADS, activation="tanh")
    with pytest.raises(AssertionError, match="divisible"):  # torch asserts it
        nn.TransformerDecoderLayer(10, 3)
    with pytest.raises(ArgumentAssertionError):
        nn.Transformer(10, 3)
    with pytest.raises(ArgumentError, match="num_layers"):
        nn.TransformerDecoder(nn.TransformerDecoderLayer(D, HEADS), 0)
    with pytest.raises(TypeError, match="Module"):
        nn.TransformerDecoder("layer", 2)
    m = nn.Transformer(D, HEADS, 1, 1, FF)
    with pytest.raises(ShapeError, match="batch number of src and tgt must be equal"):
        m(mg.randn(S, N, D), mg.randn(T, N + 1, D))
    with pytest.raises(RuntimeError, match="feature number of src and tgt must be equal to d_model"):
        m(mg.randn(S, N, D), mg.randn(T, N, D + 1))
    with pytest.raises(ArgumentError, match="sz"):
        nn.Transformer.generate_square_subsequent_mask(-1)


def test_transformer_unbatched_matches_torch(torch):
    torch.manual_seed(7)
    t = torch.nn.Transformer(D, HEADS, 1, 1, FF, dropout=0.0).double()
    m = nn.Transformer(D, HEADS, 1, 1, FF, dropout=0.0).double()
    copy_weights(t, m)
    rng = np.random.default_rng(8)
    src, tgt = rng.standard_normal((S, D)), rng.standard_normal((T, D))
    mask = nn.Transformer.generate_square_subsequent_mask(T, dtype=mg.float64)
    t_out = t(torch.tensor(src), torch.tensor(tgt), tgt_mask=torch.tensor(mask.numpy()))
    m_out = m(mg.tensor(src), mg.tensor(tgt), tgt_mask=mask)
    assert m_out.shape == (T, D)
    close(m_out, t_out, np.float64)


def test_transformer_learns_to_copy_a_sequence():
    """Tokens from 8 symbols, length 6; the decoder, fed the target shifted right (teacher
    forcing) under the causal mask, must output the source sequence: it has to read it from the
    memory through cross-attention (chance is 12.5 % per token). d_model 32, one encoder and
    one decoder layer, seeded, 150 Adam steps of batch 32: at least 95 % of the tokens of a
    fresh batch right.
    """
    import time

    from minigrad.optim import Adam

    mg.manual_seed(0)
    rng = np.random.default_rng(0)
    vocab, length, d = 8, 6, 32
    start_token = vocab  # one extra symbol to start the decoder input

    class Copier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(vocab + 1, d)
            self.pos = nn.Parameter(mg.randn(length, d) * 0.1)
            self.model = nn.Transformer(d, 4, 1, 1, dim_feedforward=64, dropout=0.0, batch_first=True)
            self.head = nn.Linear(d, vocab)
            self.mask = nn.Transformer.generate_square_subsequent_mask(length)

        def forward(self, src, tgt_in):
            x = self.model(self.embed(src) + self.pos, self.embed(tgt_in) + self.pos, tgt_mask=self.mask)
            return self.head(x)

    def batch(n):
        tokens = rng.integers(0, vocab, size=(n, length))
        shifted = np.concatenate([np.full((n, 1), start_token), tokens[:, :-1]], axis=1)
        return mg.tensor(tokens), mg.tensor(shifted)

    model = Copier()
    opt = Adam(model.parameters(), lr=3e-3)
    begin = time.perf_counter()
    for _ in range(150):
        src, tgt_in = batch(32)
        loss = nn.functional.cross_entropy(model(src, tgt_in).reshape(-1, vocab), src.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    src, tgt_in = batch(256)
    with mg.no_grad():
        accuracy = (model(src, tgt_in).numpy().argmax(axis=-1) == src.numpy()).mean()
    assert accuracy >= 0.95, f"accuracy {accuracy:.3f} after {time.perf_counter() - begin:.1f} s"


def test_signatures_match_torch(torch):
    import inspect

    for name in ("Transformer", "TransformerEncoderLayer", "TransformerEncoder", "TransformerDecoderLayer",
                 "TransformerDecoder", "MultiheadAttention"):
        ours, theirs = getattr(nn, name), getattr(torch.nn, name)
        assert list(inspect.signature(ours).parameters) == list(inspect.signature(theirs).parameters), name
        assert list(inspect.signature(ours.forward).parameters) == \
               list(inspect.signature(theirs.forward).parameters), name
