"""TransformerEncoderLayer and TransformerEncoder: parity with torch (dropout 0), structure,
dropout, and a 2-layer encoder learning a small sequence task.

Parity: float64 outputs and gradients within 1e-10, float32 within 1e-5.
"""

import time

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn

TOL = {np.float64: 1e-10, np.float32: 1e-5}
D, HEADS, FF, N, S = 8, 2, 16, 3, 5


def close(got, want, dtype):
    got = got.numpy() if isinstance(got, mg.Tensor) else np.asarray(got)
    want = want.detach().numpy() if hasattr(want, "detach") else np.asarray(want)
    assert got.dtype == np.dtype(dtype), f"dtype {got.dtype}, expected {np.dtype(dtype)}"
    np.testing.assert_allclose(got, want, rtol=TOL[dtype], atol=TOL[dtype])


def copy_weights(t, m):
    state = {k: v.detach().numpy() for k, v in t.state_dict().items()}
    assert list(state) == [k for k, _ in m.state_dict().items()], "state_dict keys differ from torch"
    m.load_state_dict({k: mg.tensor(v) for k, v in state.items()})


def check_against_torch(torch, t, m, dtype, batch_first, **kwargs):
    """Same input through both; compare the outputs and every gradient."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, S, D) if batch_first else (S, N, D)).astype(dtype)
    tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    t_kw = {k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    t_out, m_out = t(tx, **t_kw), m(mx, **kwargs)
    close(m_out, t_out, dtype)
    w = rng.standard_normal(t_out.shape).astype(dtype)
    (t_out * torch.from_numpy(w)).sum().backward()
    (m_out * mg.tensor(w)).sum().backward()
    close(mx.grad, tx.grad, dtype)
    t_params = dict(t.named_parameters())
    for k, p in m.named_parameters():
        close(p.grad, t_params[k].grad, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_encoder_layer_matches_torch(torch, norm_first, activation, batch_first, dtype):
    torch.manual_seed(0)
    kwargs = dict(dim_feedforward=FF, dropout=0.0, activation=activation, batch_first=batch_first,
                  norm_first=norm_first)
    t = torch.nn.TransformerEncoderLayer(D, HEADS, **kwargs).to(torch.float64 if dtype == np.float64 else torch.float32)
    m = nn.TransformerEncoderLayer(D, HEADS, **kwargs).to(dtype=dtype)
    copy_weights(t, m)
    check_against_torch(torch, t, m, dtype, batch_first)


@pytest.mark.parametrize("masks", ["key_padding", "attn_mask", "causal"])
def test_encoder_layer_masks_match_torch(torch, masks):
    torch.manual_seed(1)
    t = torch.nn.TransformerEncoderLayer(D, HEADS, FF, dropout=0.0, batch_first=True).double()
    m = nn.TransformerEncoderLayer(D, HEADS, FF, dropout=0.0, batch_first=True).double()
    copy_weights(t, m)
    causal = np.triu(np.ones((S, S), dtype=bool), 1)
    if masks == "key_padding":
        pad = np.zeros((N, S), dtype=bool)
        pad[0, 3:] = True
        check_against_torch(torch, t, m, np.float64, True, src_key_padding_mask=pad)
    elif masks == "attn_mask":
        check_against_torch(torch, t, m, np.float64, True, src_mask=causal)
    else:
        check_against_torch(torch, t, m, np.float64, True, src_mask=causal, is_causal=True)


@pytest.mark.parametrize("final_norm", [False, True])
def test_encoder_stack_matches_torch(torch, final_norm):
    torch.manual_seed(2)
    t_layer = torch.nn.TransformerEncoderLayer(D, HEADS, FF, dropout=0.0, norm_first=True)
    t = torch.nn.TransformerEncoder(t_layer, 2, norm=torch.nn.LayerNorm(D) if final_norm else None,
                                    enable_nested_tensor=False).double()
    m = nn.TransformerEncoder(nn.TransformerEncoderLayer(D, HEADS, FF, dropout=0.0, norm_first=True), 2,
                              norm=nn.LayerNorm(D) if final_norm else None).double()
    copy_weights(t, m)
    assert "layers.1.self_attn.in_proj_weight" in m.state_dict()
    pad = np.zeros((N, S), dtype=bool)
    pad[2, 4] = True
    check_against_torch(torch, t, m, np.float64, False, src_key_padding_mask=pad)


def test_encoder_layers_are_independent_copies():
    layer = nn.TransformerEncoderLayer(D, HEADS, FF)
    enc = nn.TransformerEncoder(layer, 3)
    ws = [enc.layers[i].linear1.weight for i in range(3)]
    assert len({id(w) for w in ws}) == 3 and all(w is not layer.linear1.weight for w in ws)
    np.testing.assert_array_equal(ws[0].numpy(), ws[2].numpy())  # copies start equal
    with mg.no_grad():
        ws[0].mul_(2.0)
    assert not np.allclose(ws[0].numpy(), ws[1].numpy())
    assert len(list(enc.parameters())) == 3 * len(list(layer.parameters()))


def test_dropout_acts_only_in_training():
    mg.manual_seed(3)
    layer = nn.TransformerEncoderLayer(D, HEADS, FF, dropout=0.3)
    x = mg.randn(S, N, D)
    layer.eval()
    np.testing.assert_array_equal(layer(x).numpy(), layer(x).numpy())
    layer.train()
    assert not np.allclose(layer(x).numpy(), layer(x).numpy())


def test_bad_arguments():
    with pytest.raises(ValueError, match="relu' or 'gelu'"):
        nn.TransformerEncoderLayer(D, HEADS, activation="tanh")
    with pytest.raises(ValueError, match="divisible"):
        nn.TransformerEncoderLayer(10, 3)
    with pytest.raises(ValueError, match="num_layers"):
        nn.TransformerEncoder(nn.TransformerEncoderLayer(D, HEADS), 0)
    layer = nn.TransformerEncoderLayer(D, HEADS, FF)
    with pytest.raises(Exception, match="expecting query features of size 8, but got 7"):
        layer(mg.randn(S, N, 7))


def test_transformer_learns_to_reverse_a_sequence():
    """Tokens from 8 symbols, length 6; output at position i the token at position 5 - i.

    Pure routing by position: attention must learn to look at the mirrored position (chance
    is 12.5 % per token). A 2-layer encoder (d_model 32, 4 heads) with learned position
    embeddings, seeded, 150 Adam steps of batch 64 (a few seconds): at least 95 % of the tokens
    of a fresh batch right.
    """
    from minigrad.optim import Adam

    mg.manual_seed(0)
    rng = np.random.default_rng(0)
    vocab, length, d = 8, 6, 32

    class Reverser(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(vocab, d)
            self.pos = nn.Parameter(mg.randn(length, d) * 0.1)
            layer = nn.TransformerEncoderLayer(d, 4, dim_feedforward=64, dropout=0.0, batch_first=True)
            self.encoder = nn.TransformerEncoder(layer, 2)
            self.head = nn.Linear(d, vocab)

        def forward(self, tokens):
            return self.head(self.encoder(self.embed(tokens) + self.pos))

    def batch(n):
        tokens = rng.integers(0, vocab, size=(n, length))
        return mg.tensor(tokens), mg.tensor(tokens[:, ::-1].copy())

    model = Reverser()
    opt = Adam(model.parameters(), lr=1e-2)
    start = time.perf_counter()
    for _ in range(150):
        x, y = batch(64)
        loss = nn.functional.cross_entropy(model(x).reshape(-1, vocab), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    x, y = batch(256)
    with mg.no_grad():
        accuracy = (model(x).numpy().argmax(axis=-1) == y.numpy()).mean()
    assert accuracy >= 0.95, f"accuracy {accuracy:.3f} after {time.perf_counter() - start:.1f} s"


def test_encoder_options_like_torch(torch):
    """A callable activation, bias=False, and TransformerEncoder's enable_nested_tensor /
    mask_check (accepted; they only pick PyTorch's fast paths, which give the same numbers)."""
    torch.manual_seed(4)
    t_layer = torch.nn.TransformerEncoderLayer(D, HEADS, FF, dropout=0.0, activation=torch.nn.functional.silu,
                                               bias=False)
    t = torch.nn.TransformerEncoder(t_layer, 2, enable_nested_tensor=False, mask_check=False).double()
    m_layer = nn.TransformerEncoderLayer(D, HEADS, FF, dropout=0.0, activation=lambda x: x * x.sigmoid(), bias=False)
    m = nn.TransformerEncoder(m_layer, 2, enable_nested_tensor=False, mask_check=False).double()
    copy_weights(t, m)
    assert not any(k.endswith("bias") for k in m.state_dict())
    check_against_torch(torch, t, m, np.float64, False)


def test_activation_errors_like_torch(torch):
    from minigrad.errors import ArgumentError, DTypeError

    with pytest.raises(RuntimeError):  # torch raises RuntimeError for an unknown name
        torch.nn.TransformerEncoderLayer(D, HEADS, activation="tanh")
    with pytest.raises(RuntimeError, match="relu' or 'gelu'") as err:
        nn.TransformerEncoderLayer(D, HEADS, activation="tanh")
    assert isinstance(err.value, ArgumentError)
    with pytest.raises(DTypeError, match="callable"):
        nn.TransformerEncoderLayer(D, HEADS, activation=3)
    with pytest.raises(TypeError, match="Module"):
        nn.TransformerEncoder("layer", 2)
