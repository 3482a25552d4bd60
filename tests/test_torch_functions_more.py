"""More of torch's top-level functions, against torch: the functional recurrent cells, the native
normalization and dropout kernels, the dropout variants, binomial, constant_pad_nd,
channel_shuffle, convolution, the legacy norms, nonzero_static, tensor questions, empty_permuted,
the process-wide switches, and storages (Tensor.untyped_storage / storage / new_empty_strided)."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.errors import (ArgumentError, ArgumentRuntimeError, ArgumentTypeError, DTypeError, GraphError,
                             MinigradError, ShapeError)
from minigrad.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def _arrays(*shapes):
    return [RNG.standard_normal(s) for s in shapes]


def _both(torch, arrays, requires_grad=True):
    """The same float64 values as torch and minigrad leaves."""
    ts = [None if a is None else torch.tensor(a, requires_grad=requires_grad) for a in arrays]
    ms = [None if a is None else mg.tensor(a, requires_grad=requires_grad) for a in arrays]
    return ts, ms


def _close(ours, theirs, atol=1e-10):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=atol, rtol=1e-7)


def _as_tuple(y):
    return y if isinstance(y, tuple) else (y,)


# ---- the functional recurrent cells ---------------------------------------------------------------
CELLS = [("rnn_tanh_cell", 1), ("rnn_relu_cell", 1), ("lstm_cell", 4), ("gru_cell", 3)]


def _cell_arrays(gates, batch=3, features=5, hidden=4, bias=True):
    x, h, c, w_ih, w_hh = _arrays((batch, features), (batch, hidden), (batch, hidden), (gates * hidden, features),
                                  (gates * hidden, hidden))
    b_ih, b_hh = _arrays((gates * hidden,), (gates * hidden,)) if bias else (None, None)
    return [x, h, c, w_ih, w_hh, b_ih, b_hh]


def _call_cell(fn, gates, x, h, c, *weights):
    return fn(x, (h, c) if gates == 4 else h, *weights)


@pytest.mark.torch
@pytest.mark.parametrize("name, gates", CELLS)
@pytest.mark.parametrize("bias", [True, False])
def test_cells_match_torch_forward_and_backward(torch, name, gates, bias):
    ts, ms = _both(torch, _cell_arrays(gates, bias=bias))
    theirs = _as_tuple(_call_cell(getattr(torch, name), gates, *ts))
    ours = _as_tuple(_call_cell(getattr(mg, name), gates, *ms))
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        _close(o, t)
    sum((k + 1.5) * t.sum() for k, t in enumerate(theirs)).backward()
    sum((k + 1.5) * o.sum() for k, o in enumerate(ours)).backward()
    for o, t in zip(ms, ts):
        if t is not None and t.grad is not None:  # (c is only an input of the LSTM)
            _close(o.grad, t.grad)


@pytest.mark.parametrize("name, gates", CELLS)
def test_cells_gradcheck_and_gradgradcheck(name, gates):
    arrays = _cell_arrays(gates, batch=2, features=3, hidden=2)
    if name == "rnn_relu_cell":  # keep the pre-activations away from relu's kink at 0
        arrays[0] *= 0.1
        arrays[5] = np.abs(arrays[5]) + 1.0
    inputs = [mg.tensor(a, requires_grad=True) for a in arrays]
    fn = getattr(mg, name)

    def cell(x, h, c, *weights):
        return _call_cell(fn, gates, x, h, c, *weights)

    assert gradcheck(cell, tuple(inputs))
    assert gradgradcheck(cell, tuple(inputs))


def test_cells_refuse_bad_input():
    x, h, c, w_ih, w_hh, b_ih, b_hh = (mg.tensor(a) for a in _cell_arrays(4))
    with pytest.raises(ShapeError, match=r"gru_cell: w_ih has shape \(16, 5\), expected \(12, 5\)"):
        mg.gru_cell(x, h, w_ih, w_hh[:12], b_ih[:12], b_hh[:12])
    with pytest.raises(ShapeError, match="rnn_tanh_cell: hx has shape"):
        mg.rnn_tanh_cell(x, h[:2], w_ih[:4], w_hh[:4])
    with pytest.raises(ShapeError, match="2-D"):
        mg.rnn_relu_cell(x[0], h[0], w_ih[:4], w_hh[:4])
    with pytest.raises(DTypeError, match="gru_cell: hx has dtype float32 but input has dtype float64"):
        mg.gru_cell(x, h.float(), w_ih[:12], w_hh[:12])
    with pytest.raises(DTypeError, match="floating point"):
        mg.rnn_tanh_cell(x.long(), h.long(), w_ih[:4].long(), w_hh[:4].long())
    with pytest.raises(ArgumentTypeError, match="lstm_cell: hx must be a tuple"):
        mg.lstm_cell(x, h, w_ih, w_hh)
    with pytest.raises(ArgumentRuntimeError, match="two hidden states"):
        mg.lstm_cell(x, (h,), w_ih, w_hh)


# ---- native normalization --------------------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("normalized_shape", [[4], [3, 4]])
def test_native_layer_norm_matches_torch(torch, normalized_shape):
    ts, ms = _both(torch, _arrays((2, 3, 4), (3, 4)[-len(normalized_shape):], (3, 4)[-len(normalized_shape):]))
    theirs = torch.native_layer_norm(ts[0], normalized_shape, ts[1], ts[2], 1e-5)
    ours = mg.native_layer_norm(ms[0], normalized_shape, ms[1], ms[2], 1e-5)
    for o, t in zip(ours, theirs):
        assert tuple(o.shape) == tuple(t.shape) and o.dtype == mg.float64
        _close(o, t)
    assert not ours[1].requires_grad and not ours[2].requires_grad  # the statistics carry no gradient
    theirs[0].pow(2).sum().backward()
    ours[0].pow(2).sum().backward()
    for o, t in zip(ms, ts):
        _close(o.grad, t.grad)


@pytest.mark.torch
@pytest.mark.parametrize("training", [True, False])
def test_native_batch_norm_matches_torch(torch, training):
    ts, ms = _both(torch, _arrays((4, 3, 5), (3,), (3,)))
    stats = np.abs(_arrays((3,), (3,)))
    t_rm, t_rv = (torch.tensor(s) for s in stats)
    m_rm, m_rv = (mg.tensor(s) for s in stats)
    theirs = torch.native_batch_norm(ts[0], ts[1], ts[2], t_rm, t_rv, training, 0.1, 1e-5)
    ours = mg.native_batch_norm(ms[0], ms[1], ms[2], m_rm, m_rv, training, 0.1, 1e-5)
    for o, t in zip(ours, theirs):
        assert tuple(o.shape) == tuple(t.shape)  # save_mean, save_invstd: (C,) training, (0,) not
        _close(o, t)
    _close(m_rm, t_rm)
    _close(m_rv, t_rv)
    theirs[0].pow(2).sum().backward()
    ours[0].pow(2).sum().backward()
    for o, t in zip(ms, ts):
        _close(o.grad, t.grad)


@pytest.mark.torch
def test_native_group_norm_matches_torch(torch):
    ts, ms = _both(torch, _arrays((2, 6, 3, 2), (6,), (6,)))
    for shape in ((2, 6, 3, 2), (12, 6)):  # the input is read as (N, C, HxW) whatever its shape
        theirs = torch.native_group_norm(ts[0].reshape(shape), ts[1], ts[2], 2, 6, 6, 3, 1e-5)
        ours = mg.native_group_norm(ms[0].reshape(shape), ms[1], ms[2], 2, 6, 6, 3, 1e-5)
        for o, t in zip(ours, theirs):
            assert tuple(o.shape) == tuple(t.shape)
            _close(o, t)
    theirs[0].pow(2).sum().backward()
    ours[0].pow(2).sum().backward()
    for o, t in zip(ms, ts):
        _close(o.grad, t.grad)


def test_native_norms_gradcheck():
    x, w, b = (mg.tensor(a, requires_grad=True) for a in _arrays((3, 2, 4), (2,), (2,)))
    assert gradcheck(lambda x, w, b: mg.native_batch_norm(x, w, b, None, None, True, 0.1, 1e-5)[0], (x, w, b))
    assert gradcheck(lambda x: mg.native_layer_norm(x, [2, 4], None, None, 1e-5)[0], (x,))
    assert gradcheck(lambda x, w, b: mg.native_group_norm(x, w, b, 3, 2, 4, 2, 1e-5)[0], (x, w, b))


def test_native_norms_refuse_bad_input():
    x = mg.randn(4, 3, 5)
    with pytest.raises(ArgumentError, match="native_batch_norm: running_mean and running_var"):
        mg.native_batch_norm(x, None, None, None, None, False, 0.1, 1e-5)
    with pytest.raises(ShapeError, match="native_batch_norm: running_var has shape"):
        mg.native_batch_norm(x, None, None, mg.zeros(3), mg.ones(4), True, 0.1, 1e-5)
    with pytest.raises(ShapeError, match="more than 1 value per channel"):
        mg.native_batch_norm(mg.randn(1, 3), None, None, mg.zeros(3), mg.ones(3), True, 0.1, 1e-5)
    y, mean, invstd = mg.native_batch_norm(mg.randn(1, 3), None, None, None, None, True, 0.1, 1e-5)
    assert tuple(mean.shape) == (3,) and np.allclose(y.numpy(), 0, atol=1e-5)  # one value: allowed without running_var
    with pytest.raises(ShapeError, match=r"native_group_norm: .* \(N, C, HxW\) = \(2, 6, 5\)"):
        mg.native_group_norm(mg.randn(2, 6, 3, 2), None, None, 2, 6, 5, 3, 1e-5)
    with pytest.raises(ShapeError, match="divisible by num_groups"):
        mg.native_group_norm(mg.randn(2, 6, 6), None, None, 2, 6, 6, 4, 1e-5)
    with pytest.raises(ShapeError, match="normalized_shape"):
        mg.native_layer_norm(x, [4], None, None, 1e-5)
    with pytest.raises(DTypeError, match="floating point"):
        mg.native_layer_norm(x.long(), [5], None, None, 1e-5)


# ---- dropout --------------------------------------------------------------------------------------
def test_native_dropout_mask_scale_and_gradient():
    x = mg.randn(200, 500, requires_grad=True)
    y, mask = mg.native_dropout(x, 0.3, True)
    assert mask.dtype == mg.bool_ and tuple(mask.shape) == (200, 500) and not mask.requires_grad
    m = mask.numpy()
    np.testing.assert_allclose(y.detach().numpy(), x.detach().numpy() * m / 0.7, rtol=1e-6)
    # the kept fraction over n = 100 000 draws: standard error sqrt(0.3 * 0.7 / n) = 0.0015, so 6 of them
    assert abs(m.mean() - 0.7) < 0.009
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), m / 0.7, rtol=1e-6)


@pytest.mark.torch
def test_native_dropout_edge_cases_match_torch(torch):
    x = mg.randn(3, 4)
    for train in (False, None, True):
        for p in (0.0, 1.0):
            ours, theirs = mg.native_dropout(x, p, train), torch.native_dropout(torch.tensor(x.numpy()), p, train)
            assert ours[1].numpy().tolist() == theirs[1].numpy().tolist()
            np.testing.assert_array_equal(ours[0].numpy(), theirs[0].numpy())
    y, mask = mg.native_dropout(x, 0.5, False)
    assert y is not x and bool(mask.all())  # not training: a copy and an all-True mask, as in torch
    with pytest.raises(ArgumentError, match="native_dropout: dropout probability"):
        mg.native_dropout(x, 1.5, True)
    with pytest.raises(DTypeError, match="native_dropout: dropout needs a floating point input"):
        mg.native_dropout(mg.arange(3), 0.5, True)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["feature_dropout", "feature_alpha_dropout"])
@pytest.mark.parametrize("shape", [(4, 5), (4, 5, 3), (4, 5, 3, 2), (4, 5, 2, 2, 2)])
def test_feature_dropouts_draw_one_decision_per_sample_and_channel(torch, name, shape):
    y = getattr(mg, name)(mg.ones(*shape), 0.5, True).numpy()
    t = getattr(torch, name)(torch.ones(*shape), 0.5, True).numpy()
    flat = y.reshape(shape[0], shape[1], -1)
    assert (flat == flat[..., :1]).all()  # constant over the positions of each x[n, c]
    assert set(np.unique(y).round(5)) <= set(np.unique(t).round(5))  # the same two values torch uses


@pytest.mark.torch
def test_alpha_dropout_keeps_mean_0_and_variance_1(torch):
    x = mg.randn(400, 500)
    y = mg.alpha_dropout(x, 0.2, True).numpy()
    # n = 200 000 values: the mean's standard error is 1/sqrt(n) = 0.0022, the variance's about 0.004
    assert abs(y.mean()) < 0.015 and abs(y.var() - 1) < 0.03
    assert set(np.unique(mg.alpha_dropout(mg.ones(50, 50), 0.2, True).numpy()).round(5)) == \
        set(np.unique(torch.alpha_dropout(torch.ones(50, 50), 0.2, True).numpy()).round(5))


@pytest.mark.parametrize("name", ["alpha_dropout", "feature_dropout", "feature_alpha_dropout"])
def test_dropout_variants_in_place_forms_and_shortcuts(name):
    out_of_place, in_place = getattr(mg, name), getattr(mg, name + "_")
    x = mg.randn(4, 6, 3)
    assert out_of_place(x, 0.5, False) is x and out_of_place(x, 0.0, True) is x  # as in torch: x itself
    a = mg.randn(4, 6, 3, requires_grad=True)
    b = a.clone()
    before = b.numpy().copy()
    assert in_place(b, 0.5, True) is b and not np.array_equal(b.detach().numpy(), before)
    b.sum().backward()
    assert a.grad is not None and tuple(a.grad.shape) == (4, 6, 3)
    with pytest.raises(GraphError, match=name + "_: a leaf tensor"):
        in_place(a, 0.5, True)
    assert in_place(a, 0.5, False) is a
    with pytest.raises(ArgumentError, match="between 0 and 1"):
        out_of_place(x, -0.1, False)
    with pytest.raises(DTypeError, match="floating point"):
        out_of_place(mg.arange(6).reshape(2, 3), 0.5, True)


@pytest.mark.parametrize("name", ["feature_dropout", "feature_alpha_dropout", "feature_dropout_"])
def test_feature_dropouts_need_two_dimensions(name):
    with pytest.raises(ShapeError, match=f"{name}: feature dropout needs at least 2 dimensions"):
        getattr(mg, name)(mg.ones(3), 0.5, True)
    assert getattr(mg, name)(mg.ones(3), 0.5, False).shape == (3,)  # (checked only when it would drop)


# ---- binomial --------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [mg.float32, mg.float64])
def test_binomial_mean_variance_and_support(dtype):
    n, p, draws = 20.0, 0.3, 100_000
    k = mg.binomial(mg.full((draws,), n, dtype=dtype), mg.full((draws,), p, dtype=dtype))
    assert k.dtype == dtype and not k.requires_grad
    values = k.numpy()
    assert (values == np.round(values)).all() and values.min() >= 0 and values.max() <= n
    # mean n p = 6, variance n p (1 - p) = 4.2: standard errors sqrt(4.2 / draws) = 0.0065 and about 0.02
    assert abs(values.mean() - n * p) < 0.04 and abs(values.var() - n * p * (1 - p)) < 0.12
    edges = mg.binomial(mg.tensor([0.0, 7.0, 7.0], dtype=dtype), mg.tensor([0.5, 0.0, 1.0], dtype=dtype))
    assert edges.numpy().tolist() == [0.0, 0.0, 7.0]


@pytest.mark.torch
def test_binomial_shapes_generators_and_errors(torch):
    count, prob = mg.tensor([10.0, 20.0, 0.0]), mg.tensor(0.5)
    theirs = torch.binomial(torch.tensor([10.0, 20.0, 0.0]), torch.tensor(0.5))
    ours = mg.binomial(count, prob)
    assert tuple(ours.shape) == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    g1, g2 = mg.Generator().manual_seed(3), mg.Generator().manual_seed(3)
    assert mg.binomial(count, prob, generator=g1).tolist() == mg.binomial(count, prob, generator=g2).tolist()
    with pytest.raises(ArgumentError, match="binomial: only floating point dtypes are supported for count"):
        mg.binomial(mg.tensor([1]), mg.tensor([0.5]))
    with pytest.raises(DTypeError, match="binomial: prob has dtype float64 but count has dtype float32"):
        mg.binomial(mg.tensor([1.0]), mg.tensor([0.5], dtype=mg.float64))
    with pytest.raises(ArgumentRuntimeError, match="prob must lie in"):
        mg.binomial(mg.tensor([1.0]), mg.tensor([float("nan")]))
    with pytest.raises(ArgumentRuntimeError, match="non-negative whole numbers"):
        mg.binomial(mg.tensor([-1.0, 1.5]), mg.tensor([0.5, 0.5]))
    with pytest.raises(ShapeError, match=r"count of shape \(2,\) and prob of shape \(3,\)"):
        mg.binomial(mg.tensor([1.0, 2.0]), mg.tensor([0.5, 0.5, 0.5]))


# ---- constant_pad_nd, channel_shuffle, convolution --------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("pad, value", [([1, 2], 0), ([1, 0, 0, 1], 7.5), ([-1, 0, 2, 1], -1), ([], 0)])
def test_constant_pad_nd_matches_torch(torch, pad, value):
    ts, ms = _both(torch, _arrays((2, 3)))
    theirs, ours = torch.constant_pad_nd(ts[0], pad, value), mg.constant_pad_nd(ms[0], pad, value)
    _close(ours, theirs)
    (theirs * theirs).sum().backward()
    (ours * ours).sum().backward()
    _close(ms[0].grad, ts[0].grad)
    ints = mg.constant_pad_nd(mg.arange(6).reshape(2, 3), [1, 1], value=2)
    assert ints.numpy().tolist() == torch.constant_pad_nd(torch.arange(6).reshape(2, 3), [1, 1], value=2).tolist()
    with pytest.raises(ShapeError, match="even length"):
        mg.constant_pad_nd(ms[0], [1])


@pytest.mark.torch
@pytest.mark.parametrize("groups", [1, 2, 3])
def test_channel_shuffles_match_torch(torch, groups):
    x = np.arange(2 * 6 * 2.0).reshape(2, 6, 2)
    for ours, theirs in ((mg.channel_shuffle, torch.channel_shuffle),
                         (mg.native_channel_shuffle, torch.native_channel_shuffle),
                         (F.native_channel_shuffle, torch.nn.functional.native_channel_shuffle)):
        np.testing.assert_array_equal(ours(mg.tensor(x), groups).numpy(), theirs(torch.tensor(x), groups).numpy())
    with pytest.raises(ShapeError, match="divisible by groups"):
        mg.native_channel_shuffle(mg.tensor(x), 4)
    with pytest.raises(ShapeError, match="more than 2 dimensions"):
        mg.channel_shuffle(mg.tensor(x[:, :, 0]), 2)


CONVOLUTIONS = [  # input, weight, stride, padding, dilation, transposed, output_padding, groups
    ((2, 4, 9), (6, 2, 3), [2], [1], [1], False, [0], 2),
    ((2, 4, 7, 7), (6, 2, 3, 3), [2, 1], [1, 0], [1, 2], False, [0, 0], 2),
    ((1, 2, 4, 4, 4), (3, 2, 2, 2, 2), [1], [0], [1], False, [0], 1),
    ((2, 4, 5), (4, 3, 3), [2], [1], [1], True, [1], 1),
    ((2, 4, 5, 5), (4, 3, 3, 3), [2, 2], [1, 1], [1, 1], True, [1, 0], 2),
    ((1, 2, 3, 3, 3), (2, 3, 2, 2, 2), [2], [1], [1], True, [1], 1),
]


@pytest.mark.torch
@pytest.mark.parametrize("case", CONVOLUTIONS)
def test_convolution_matches_torch(torch, case):
    x_shape, w_shape, stride, padding, dilation, transposed, output_padding, groups = case
    out_channels = w_shape[1] * groups if transposed else w_shape[0]
    ts, ms = _both(torch, _arrays(x_shape, w_shape, (out_channels,)))
    args = (stride, padding, dilation, transposed, output_padding, groups)
    theirs, ours = torch.convolution(*ts, *args), mg.convolution(*ms, *args)
    assert tuple(ours.shape) == tuple(theirs.shape)
    _close(ours, theirs, atol=1e-9)
    (theirs * theirs).sum().backward()
    (ours * ours).sum().backward()
    for o, t in zip(ms, ts):
        _close(o.grad, t.grad, atol=1e-8)


def test_convolution_refuses_bad_arguments():
    x, w = mg.randn(2, 4, 7, 7), mg.randn(6, 2, 3, 3)
    with pytest.raises(ArgumentRuntimeError, match=r"convolution: expected stride .* list of 2 values"):
        mg.convolution(x, w, None, [1, 1, 1], [0], [1], False, [0], 2)
    with pytest.raises(ShapeError, match=r"convolution: .* input of shape \(4, 7, 7\) and weight of shape"):
        mg.convolution(x[0], w, None, [1], [0], [1], False, [0], 2)
    with pytest.raises(ShapeError, match="conv2d: expected input with 6 channels"):
        mg.convolution(x, w, None, [1], [0], [1], False, [0], 3)


# ---- the legacy norms, nonzero_static, tensor questions, empty_permuted --------------------------------
@pytest.mark.torch
@pytest.mark.filterwarnings("ignore:.*is deprecated")
def test_frobenius_and_nuclear_norms_match_torch(torch):
    ts, ms = _both(torch, _arrays((3, 4, 5)))
    for args in [((1, 2),), ([0],), (0,), ((1, 2), True), ((),), ((), True)]:
        _close(mg.frobenius_norm(ms[0], *args), torch.frobenius_norm(ts[0], *args))
        assert tuple(mg.frobenius_norm(ms[0], *args).shape) == tuple(torch.frobenius_norm(ts[0], *args).shape)
    for args in [(), (True,), ((1, 2),), ((0, 2), True), ((2, 0),)]:
        _close(mg.nuclear_norm(ms[0], *args), torch.nuclear_norm(ts[0], *args))
        assert tuple(mg.nuclear_norm(ms[0], *args).shape) == tuple(torch.nuclear_norm(ts[0], *args).shape)
    (torch.frobenius_norm(ts[0], (0, 2)).sum() + torch.nuclear_norm(ts[0]).sum()).backward()
    (mg.frobenius_norm(ms[0], (0, 2)).sum() + mg.nuclear_norm(ms[0]).sum()).backward()
    _close(ms[0].grad, ts[0].grad, atol=1e-9)
    assert gradcheck(lambda a: mg.nuclear_norm(a, (0, 2)), (mg.tensor(_arrays((3, 2, 4))[0], requires_grad=True),))


@pytest.mark.filterwarnings("ignore:.*is deprecated")
def test_legacy_norms_refuse_bad_input_and_warn():
    a = mg.randn(3, 4, 5)
    with pytest.raises(ArgumentRuntimeError, match="frobenius_norm: expected at most 2 dimensions"):
        mg.frobenius_norm(a, (0, 1, 2))
    with pytest.raises(ArgumentRuntimeError, match="nuclear_norm: dim must be a 2-tuple"):
        mg.nuclear_norm(a, (1,))
    with pytest.raises(DTypeError, match="frobenius_norm: input dtype should be floating point"):
        mg.frobenius_norm(a.long(), (1, 2))
    mg.set_warn_always(True)
    try:  # warn_always: the deprecation warning each time, not only the first
        for _ in range(2):
            with pytest.warns(UserWarning, match="nuclear_norm is deprecated"):
                mg.nuclear_norm(a)
    finally:
        mg.set_warn_always(False)


@pytest.mark.torch
def test_nonzero_static_matches_torch(torch):
    for values in ([[0, 1, 0], [2, 0, 3]], 3.0, [True], [0.0, 0.0]):
        for size, fill in ((0, -1), (2, -1), (5, -1), (3, 9)):
            ours = mg.nonzero_static(mg.tensor(values), size=size, fill_value=fill)
            theirs = torch.nonzero_static(torch.tensor(values), size=size, fill_value=fill)
            assert tuple(ours.shape) == tuple(theirs.shape) and ours.dtype == mg.int64
            assert ours.numpy().tolist() == theirs.numpy().tolist()
    assert mg.nonzero_static(mg.tensor([1, 0, 2]), size=3, out=mg.empty(0, dtype=mg.int64)).tolist() == [[0], [2], [-1]]
    with pytest.raises(ArgumentRuntimeError, match="nonzero_static: size must be a non-negative integer"):
        mg.nonzero_static(mg.tensor([1]), size=-1)
    with pytest.raises(ArgumentTypeError, match="nonzero_static: size must be an int"):
        mg.nonzero_static(mg.tensor([1]), size=2.5)


@pytest.mark.torch
def test_tensor_questions_match_torch(torch):
    for values in ([1.0, 2.0], [1, 2]):
        ours, theirs = mg.tensor(values), torch.tensor(values)
        for name in ("is_conj", "is_neg", "is_inference", "is_distributed", "get_device"):
            assert getattr(mg, name)(ours) == getattr(torch, name)(theirs), name
    with pytest.raises(DTypeError, match=r"get_device\(\): argument 'input' must be a Tensor"):
        mg.get_device(3)


@pytest.mark.torch
@pytest.mark.parametrize("size, layout", [((2, 3, 4), (0, 2, 1)), ((2, 3, 4, 5), (0, 2, 3, 1)), ((2, 3), (1, 0)),
                                          ((), ())])
def test_empty_permuted_matches_torch(torch, size, layout):
    ours = mg.empty_permuted(size, layout, dtype=mg.float64, requires_grad=True)
    theirs = torch.empty_permuted(size, layout, dtype=torch.float64, requires_grad=True)
    assert tuple(ours.shape) == tuple(theirs.shape) and ours.stride() == theirs.stride()
    assert ours.dtype == mg.float64 and ours.requires_grad and ours.is_leaf
    assert mg.empty_permuted(size, layout).dtype == mg.float32


def test_empty_permuted_refuses_bad_layouts():
    with pytest.raises(ArgumentRuntimeError, match="empty_permuted: physical_layout must be a permutation"):
        mg.empty_permuted((2, 3), (0, 0))
    with pytest.raises(ShapeError, match="empty_permuted: size .* has 2 dimensions"):
        mg.empty_permuted((2, 3), (0,))


# ---- process-wide switches ------------------------------------------------------------------------------
def test_flush_denormal_and_warn_always():
    assert mg.set_flush_denormal(True) is False and mg.set_flush_denormal(False) is False  # NumPy cannot flush
    with pytest.raises(ArgumentRuntimeError, match="set_flush_denormal: expects a bool"):
        mg.set_flush_denormal(1)
    assert mg.is_warn_always_enabled() is False
    mg.set_warn_always(True)
    assert mg.is_warn_always_enabled() is True
    mg.set_warn_always(False)
    with pytest.raises(ArgumentRuntimeError, match="set_warn_always: expects a bool"):
        mg.set_warn_always("yes")


@pytest.mark.torch
def test_deterministic_debug_mode_follows_use_deterministic_algorithms_as_in_torch(torch):
    saved = torch.get_deterministic_debug_mode(), mg.get_deterministic_debug_mode()
    try:
        steps = [lambda m: m.set_deterministic_debug_mode("warn"), lambda m: m.set_deterministic_debug_mode(2),
                 lambda m: m.set_deterministic_debug_mode(True), lambda m: m.set_deterministic_debug_mode("default"),
                 lambda m: m.use_deterministic_algorithms(True, warn_only=True),
                 lambda m: m.use_deterministic_algorithms(True)]
        for step in steps:
            step(torch)
            step(mg)
            assert mg.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode()
            assert mg.are_deterministic_algorithms_enabled() == torch.are_deterministic_algorithms_enabled()
            assert mg.is_deterministic_algorithms_warn_only_enabled() == \
                torch.is_deterministic_algorithms_warn_only_enabled()
        with pytest.raises(ArgumentRuntimeError, match="expected 0, 1, or 2, but got 3"):
            mg.set_deterministic_debug_mode(3)
        with pytest.raises(ArgumentRuntimeError, match="expected one of 'default', 'warn', 'error'"):
            mg.set_deterministic_debug_mode("loud")
        with pytest.raises(ArgumentTypeError, match="must be str or int"):
            mg.set_deterministic_debug_mode(1.0)
    finally:
        torch.set_deterministic_debug_mode(saved[0])
        mg.set_deterministic_debug_mode(saved[1])


# ---- storages ---------------------------------------------------------------------------------------------
VIEWS = [lambda t: t, lambda t: t[1:], lambda t: t.reshape(2, 3).t(), lambda t: t[::2], lambda t: t.reshape(3, 2)[1]]


@pytest.mark.torch
@pytest.mark.filterwarnings("ignore:TypedStorage is deprecated")
@pytest.mark.parametrize("dtype", ["float32", "float64", "int16", "int64", "bool"])
@pytest.mark.parametrize("view", range(len(VIEWS)))
def test_storages_match_torch(torch, dtype, view):
    values = np.arange(6) % 2 == 1 if dtype == "bool" else np.arange(6).astype(dtype)
    base, t_base = mg.tensor(values), torch.tensor(values)
    ours, theirs = VIEWS[view](base), VIEWS[view](t_base)
    u, tu = ours.untyped_storage(), theirs.untyped_storage()
    assert (u.nbytes(), u.size(), len(u), u.element_size()) == (tu.nbytes(), tu.size(), len(tu), 1)
    assert u.tolist() == tu.tolist() and str(u.device) == str(tu.device) == "cpu"
    s, ts = ours.storage(), theirs.storage()
    assert (s.nbytes(), s.size(), len(s), s.element_size()) == (ts.nbytes(), ts.size(), len(ts), ts.element_size())
    assert s.tolist() == ts.tolist() and str(s.dtype) == str(ts.dtype).replace("torch.", "")
    assert s[1] == ts[1] and type(s[1]) is type(ts[1])
    # views share their base's storage; a view's own data_ptr lies further in, by its offset
    assert u.data_ptr() == base.untyped_storage().data_ptr() == base.data_ptr() == s.data_ptr()
    assert u == base.untyped_storage() and s.untyped() == u
    assert ours.data_ptr() - u.data_ptr() == (theirs.data_ptr() - tu.data_ptr())
    assert mg.is_storage(u) and mg.is_storage(s) and not mg.is_storage(ours)
    assert isinstance(u, mg.UntypedStorage) and isinstance(s, mg.TypedStorage)


@pytest.mark.filterwarnings("ignore:TypedStorage is deprecated")
def test_writing_through_a_storage_changes_every_tensor_over_it():
    a = mg.arange(6.0)
    view = a[2:]
    a.storage().fill_(1.0)
    view.storage()[0] = 5.0
    assert a.tolist() == [5.0, 1.0, 1.0, 1.0, 1.0, 1.0] and view.tolist() == [1.0] * 4
    assert mg.arange(6.0).untyped_storage() != a.untyped_storage()  # other memory
    assert repr(a.untyped_storage()) == "[minigrad.storage.UntypedStorage(device=cpu) of size 24]"
    assert repr(a.storage()) == "[minigrad.storage.TypedStorage(dtype=float32, device=cpu) of size 6]"
    with pytest.raises(MinigradError, match="an index must be an int"):
        a.storage()[1:3]


@pytest.mark.torch
def test_new_empty_strided_matches_torch(torch):
    ours, theirs = mg.zeros(3, dtype=mg.float64), torch.zeros(3, dtype=torch.float64)
    for size, stride in (((2, 2), (1, 2)), ((2, 3), (4, 1)), ((2,), (1,))):
        o, t = ours.new_empty_strided(size, stride), theirs.new_empty_strided(size, stride)
        assert tuple(o.shape) == tuple(t.shape) and o.stride() == t.stride() and o.dtype == mg.float64
        assert o.untyped_storage().nbytes() == t.untyped_storage().nbytes()
    other = ours.new_empty_strided((2, 2), (2, 1), dtype=mg.int32, requires_grad=False, layout=mg.strided)
    assert other.dtype == mg.int32
    assert ours.new_empty_strided((2,), (1,), requires_grad=True).requires_grad


# ---- on the GPU (or the CuPy stand-in: MINIGRAD_STANDIN_CUDA=1 python -m pytest -m gpu) -------------------
@pytest.mark.gpu
@pytest.mark.filterwarnings("ignore:.*deprecated")
def test_the_new_functions_run_on_cuda_and_stay_there():
    dev = "cuda"
    a = mg.arange(6.0, device=dev)
    u, s = a.untyped_storage(), a.storage()
    assert u.nbytes() == 24 and s.size() == 6 and u.is_cuda and a[2:].untyped_storage() == u
    assert u.data_ptr() == a.data_ptr() and s.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    s.fill_(2.0)
    assert a.cpu().tolist() == [2.0] * 6
    k = mg.binomial(mg.full((50_000,), 10.0, device=dev), mg.full((50_000,), 0.4, device=dev))
    assert k.device.type == "cuda" and abs(k.mean().item() - 4.0) < 0.05  # standard error sqrt(2.4 / 50 000) = 0.007
    x = mg.randn(3, 5, device=dev, dtype=mg.float64, requires_grad=True)
    h, c = mg.randn(3, 4, device=dev, dtype=mg.float64), mg.randn(3, 4, device=dev, dtype=mg.float64)
    w_ih, w_hh = mg.randn(16, 5, device=dev, dtype=mg.float64), mg.randn(16, 4, device=dev, dtype=mg.float64)
    b = mg.randn(16, device=dev, dtype=mg.float64)
    h1, c1 = mg.lstm_cell(x, (h, c), w_ih, w_hh, b, b)
    (h1.sum() + c1.sum() + mg.gru_cell(x, h, w_ih[:12], w_hh[:12], b[:12], b[:12]).sum()).backward()
    assert x.grad.device.type == "cuda"
    _, mean, _ = mg.native_layer_norm(mg.randn(2, 3, 4, device=dev), [4], None, None, 1e-5)
    _, save_mean, _ = mg.native_batch_norm(mg.randn(4, 3, 5, device=dev), None, None, mg.zeros(3, device=dev),
                                           mg.ones(3, device=dev), True, 0.1, 1e-5)
    _, group_mean, _ = mg.native_group_norm(mg.randn(2, 6, 4, device=dev), None, None, 2, 6, 4, 3, 1e-5)
    assert all(t.device.type == "cuda" for t in (mean, save_mean, group_mean))
    _, mask = mg.native_dropout(mg.randn(100, 100, device=dev), 0.3, True)
    assert mask.dtype == mg.bool_ and mask.device.type == "cuda"
    assert mg.feature_alpha_dropout(mg.ones(4, 5, 3, device=dev), 0.5, True).device.type == "cuda"
    found = mg.nonzero_static(mg.tensor([[0, 1], [2, 0]], device=dev), size=3)
    assert found.cpu().tolist() == [[0, 1], [1, 0], [-1, -1]]
    conv = mg.convolution(mg.randn(2, 4, 7, 7, device=dev), mg.randn(6, 2, 3, 3, device=dev), None, [1], [1], [1],
                          False, [0], 2)
    assert conv.shape == (2, 6, 7, 7) and conv.device.type == "cuda"
    assert mg.nuclear_norm(mg.randn(3, 3, device=dev)).device.type == "cuda" and mg.get_device(a) == 0
    assert mg.empty_permuted((2, 3, 4), (0, 2, 1), device=dev).stride() == (12, 1, 3)
