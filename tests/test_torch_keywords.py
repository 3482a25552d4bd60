"""PyTorch's keywords that public programs pass: out=, size=, memory_format=, layout=,
pin_memory=, non_blocking=, and the import paths and attributes they reach for."""

import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import ArgumentTypeError, DTypeRuntimeError, GraphError, NotSupported, ShapeError

try:
    import torch
except ImportError:  # the parity checks below skip; the rest runs
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="torch is not installed")


# ---- out= --------------------------------------------------------------------------------------
def test_out_writes_the_result_and_returns_out():
    a = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    out = mg.empty(2, 2)
    assert mg.add(a, a, out=out) is out
    np.testing.assert_array_equal(out.numpy(), 2 * a.numpy())
    s = mg.zeros(2)
    mg.sum(a, 1, out=s)
    np.testing.assert_array_equal(s.numpy(), [3.0, 7.0])
    np.testing.assert_array_equal(mg.matmul(a, a, out=mg.empty(0)).numpy(), a.numpy() @ a.numpy())
    np.testing.assert_allclose(mg.linalg.inv(a, out=mg.empty(2, 2)).numpy(), np.linalg.inv(a.numpy()), rtol=1e-6)
    np.testing.assert_allclose(mg.special.expit(a, out=mg.empty(2, 2)).numpy(), 1 / (1 + np.exp(-a.numpy())),
                               rtol=1e-6)
    assert mg.eq(a, a, out=mg.empty(2, 2, dtype=mg.bool)).dtype == mg.bool
    np.testing.assert_array_equal(mg.arange(4, out=mg.zeros(4)).numpy(), [0.0, 1.0, 2.0, 3.0])


def test_out_of_another_shape_is_resized_with_a_warning_unless_empty():
    a = mg.ones(2, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        empty = mg.empty(0)
        mg.mul(a, 3, out=empty)  # no elements: resized silently
    assert empty.shape == (2, 3)
    full = mg.zeros(5)
    with pytest.warns(UserWarning, match=r"mul\(\): an output with one or more elements was resized"):
        mg.mul(a, 3, out=full)
    assert full.shape == (2, 3) and (full.numpy() == 3).all()


def test_out_takes_a_tuple_for_ops_with_several_results():
    x = mg.tensor([[1.0, 5.0], [7.0, 2.0]])
    values, indices = mg.empty(0), mg.empty(0, dtype=mg.long)
    result = mg.max(x, 1, out=(values, indices))
    assert result.values is values and result.indices is indices
    np.testing.assert_array_equal(values.numpy(), [5.0, 7.0])
    np.testing.assert_array_equal(indices.numpy(), [1, 0])
    v, i = mg.sort(mg.tensor([3.0, 1.0]), out=(mg.empty(2), mg.empty(2, dtype=mg.long)))
    np.testing.assert_array_equal(i.numpy(), [1, 0])


def test_out_refuses_what_pytorch_refuses_and_leaves_out_untouched():
    a = mg.ones(2, 3)
    target = mg.zeros(2, 3, dtype=mg.long)
    with pytest.raises(DTypeRuntimeError, match=r"add\(\): result type float32 can't be cast to .* int64"):
        mg.add(a, a, out=target)
    assert (target.numpy() == 0).all()
    x = mg.ones(2, requires_grad=True)
    plain = mg.zeros(2)
    with pytest.raises(GraphError, match=r"mul\(\): functions with out=... arguments don't support automatic"):
        mg.mul(x, 2, out=plain)
    assert (plain.numpy() == 0).all()
    with mg.no_grad():
        mg.mul(x, 2, out=plain)
    assert (plain.numpy() == 2).all()
    with pytest.raises(ArgumentTypeError, match=r"add\(\): out must be a Tensor"):
        mg.add(a, a, out=[1])
    with pytest.raises(ArgumentTypeError, match="out must be a tuple of 2 Tensors"):
        mg.max(a, 1, out=mg.empty(0))


@needs_torch
def test_out_matches_torch_on_a_view_target():
    base_mg, base_t = mg.zeros(3, 4), torch.zeros(3, 4)
    mg.add(mg.ones(4), 1, out=base_mg[1])
    torch.add(torch.ones(4), 1, out=base_t[1])
    np.testing.assert_array_equal(base_mg.numpy(), base_t.numpy())


# ---- factory keywords ----------------------------------------------------------------------------
def test_factories_take_size_layout_pin_memory_and_memory_format():
    assert mg.zeros(size=(2, 3)).shape == (2, 3)
    assert mg.ones(size=[4]).shape == (4,)
    assert mg.empty(size=(2,), dtype=mg.float64).dtype == mg.float64
    assert mg.rand(size=(3,)).shape == (3,) and mg.randn(size=(2, 2)).shape == (2, 2)
    x = mg.zeros(2, 3)
    assert x.new_zeros(size=(5,)).shape == (5,) and x.new_empty((2,), pin_memory=False).shape == (2,)
    assert mg.zeros(2, layout=mg.strided).layout is mg.strided
    assert mg.empty(2, pin_memory=False).shape == (2,) and mg.tensor([1, 2], pin_memory=False).shape == (2,)
    assert mg.ones_like(x, memory_format=mg.preserve_format).shape == (2, 3)
    assert mg.empty(2, 3, 4, 5, memory_format=mg.channels_last).is_contiguous(memory_format=mg.channels_last)
    with pytest.raises(NotSupported, match=r"zeros\(\): layout=minigrad.sparse_coo is not supported"):
        mg.zeros(2, layout=mg.sparse_coo)
    with pytest.raises(ArgumentTypeError, match=r"ones\(\): got the size both"):
        mg.ones(2, size=(3,))
    with pytest.raises(NotSupported, match="named tensors"):
        mg.zeros(2, names=("a",))


# ---- memory formats ------------------------------------------------------------------------------
@needs_torch
def test_channels_last_strides_match_torch():
    a = np.random.default_rng(0).standard_normal((2, 3, 4, 5)).astype(np.float32)
    got = mg.tensor(a).contiguous(memory_format=mg.channels_last)
    want = torch.tensor(a).contiguous(memory_format=torch.channels_last)
    assert got.stride() == want.stride()
    assert got.is_contiguous() == want.is_contiguous() is False
    assert got.is_contiguous(memory_format=mg.channels_last) and want.is_contiguous(memory_format=torch.channels_last)
    np.testing.assert_array_equal(got.numpy(), a)
    v = np.zeros((2, 3, 4, 5, 6), np.float32)
    assert (mg.tensor(v).contiguous(memory_format=mg.channels_last_3d).stride()
            == torch.tensor(v).contiguous(memory_format=torch.channels_last_3d).stride())
    assert mg.zeros(2, 3).is_contiguous(memory_format=mg.channels_last) is False


def test_channels_last_is_differentiable_and_runs_through_layers():
    x = mg.randn(2, 3, 6, 6, requires_grad=True)
    y = x.to(memory_format=mg.channels_last)
    conv = nn.Conv2d(3, 4, 3).to(memory_format=mg.channels_last)
    assert conv.weight.is_contiguous(memory_format=mg.channels_last) and conv.bias.is_contiguous()
    ref = nn.Conv2d(3, 4, 3)
    ref.load_state_dict(conv.state_dict())
    np.testing.assert_allclose(conv(y).numpy(), ref(x).numpy(), rtol=1e-5, atol=1e-6)
    (conv(y) ** 2).sum().backward()
    assert x.grad.shape == x.shape
    assert x.clone(memory_format=mg.channels_last).is_contiguous(memory_format=mg.channels_last)
    assert y.contiguous().is_contiguous()
    with pytest.raises(ShapeError, match="contiguous: required rank 4 tensor to use channels_last format"):
        mg.zeros(2, 3).contiguous(memory_format=mg.channels_last)
    with pytest.raises(ArgumentTypeError, match="memory_format must be"):
        x.contiguous(memory_format="channels_last")


def test_to_takes_non_blocking_and_the_positional_flags():
    x = mg.ones(2)
    assert x.to("cpu", non_blocking=True) is x
    assert x.cpu() is x
    copied = x.to("cpu", mg.float32, False, True)  # (device, dtype, non_blocking, copy)
    assert copied is not x and (copied.numpy() == 1).all()
    model = nn.Linear(2, 2)
    assert model.to("cpu", non_blocking=True) is model


# ---- import paths and attributes ------------------------------------------------------------------
def test_torch_utils_data_submodule_paths():
    from minigrad.utils.data._utils.collate import default_collate as collate
    from minigrad.utils.data.dataloader import DataLoader, default_collate
    from minigrad.utils.data.dataset import Dataset, TensorDataset
    from minigrad.utils.data.sampler import SubsetRandomSampler

    assert DataLoader is mg.data.DataLoader and Dataset is mg.data.Dataset and collate is default_collate
    assert TensorDataset is mg.data.TensorDataset and SubsetRandomSampler is mg.data.SubsetRandomSampler


def test_device_queries_for_other_backends_are_false():
    t = mg.zeros(2)
    assert t.is_cpu and not any(getattr(t, f"is_{d}") for d in ("xpu", "mps", "ipu", "xla", "hpu", "mtia", "vulkan"))
    assert not t.is_nested and not t.is_sparse_csr and not t.is_mkldnn


def test_a_range_indexes_like_a_list():
    x = mg.zeros(3, 4)
    x[range(3), [1, 2, 3]] = 5.0
    assert x.numpy()[[0, 1, 2], [1, 2, 3]].tolist() == [5.0, 5.0, 5.0] and x.sum().item() == 15.0
    assert x[range(2)].shape == (2, 4) and x[range(0)].shape == (0, 4)


def test_onnx_is_importable_and_export_says_why_not():
    import minigrad.onnx

    assert minigrad.onnx.is_in_onnx_export() is False
    with pytest.raises(NotSupported, match="onnx.export: minigrad cannot export models to ONNX .*Linear"):
        minigrad.onnx.export(nn.Linear(2, 2), (mg.zeros(1, 2),), "model.onnx")


@needs_torch
def test_multihead_attention_repr_and_out_proj_type_match_torch():
    ours, theirs = nn.MultiheadAttention(8, 2), torch.nn.MultiheadAttention(8, 2)
    assert repr(ours).replace("minigrad", "torch") == repr(theirs)
    assert isinstance(ours.out_proj, nn.modules.linear.NonDynamicallyQuantizableLinear)
    assert isinstance(ours.out_proj, nn.Linear)


# ---- default device ------------------------------------------------------------------------------
def test_device_takes_a_type_and_index_or_a_gpu_number():
    assert mg.device("cuda", 1) == "cuda:1" and mg.device(0) == "cuda:0" and mg.device("cpu", 0) == "cpu"
    with pytest.raises(mg.errors.DeviceError, match="non-negative index"):
        mg.device("cuda", -1)
    with mg.device("cpu") as where:
        assert where == "cpu" and mg.get_default_device() == "cpu" and mg.zeros(2).device == "cpu"


@pytest.mark.gpu
def test_with_device_and_set_default_device_place_new_tensors():
    try:
        with mg.device("cuda"):
            made = [mg.zeros(2), mg.randn(3), mg.tensor([1.0]), mg.arange(3), nn.Linear(2, 3).weight]
            host = mg.zeros(1, device="cpu")
            like = mg.zeros_like(mg.tensor([1.0], device="cpu"))  # *_like follow their tensor
        assert all(t.device == "cuda:0" for t in made) and host.device == "cpu" and like.device == "cpu"
        assert mg.zeros(1).device == "cpu"  # the block ended
        mg.set_default_device("cuda")
        assert mg.ones(2).device == "cuda:0" and mg.get_default_device() == "cuda:0"
    finally:
        mg.set_default_device(None)
    assert mg.ones(1).device == "cpu"


# ---- smaller PyTorch surfaces programs reach for ---------------------------------------------------
def test_load_state_dict_assign_takes_the_given_tensors():
    model = nn.Linear(2, 3)
    model.weight.requires_grad_(False)
    given = {k: v.double() + 1 for k, v in nn.Linear(2, 3).state_dict().items()}
    assert str(model.load_state_dict(given, assign=True)) == "<All keys matched successfully>"
    assert model.weight.dtype == mg.float64 and isinstance(model.weight, nn.Parameter)
    assert np.shares_memory(model.weight.numpy(), given["weight"].numpy())
    assert not model.weight.requires_grad and model.bias.requires_grad  # requires_grad is the module's


def test_to_empty_and_numpy_force():
    model = nn.Linear(2, 3)
    weight = model.weight
    model.to_empty(device="cpu")
    assert model.weight is weight and weight.shape == (3, 2) and weight.dtype == mg.float32
    t = mg.ones(2, requires_grad=True)
    assert (t.numpy(force=True) == 1).all()


def test_pad_sequence_pads_left_when_asked():
    seqs = [mg.tensor([1.0, 2.0]), mg.tensor([3.0])]
    assert nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_side="left").tolist() == [[1, 2], [0, 3]]
    with pytest.raises(ValueError, match="padding_side"):
        nn.utils.rnn.pad_sequence(seqs, padding_side="middle")


def test_optimizer_step_hooks_run_around_every_step():
    model = nn.Linear(2, 1)
    calls = []
    sgd = mg.optim.SGD(model.parameters(), lr=0.1)
    handle = sgd.register_step_pre_hook(lambda opt, args, kwargs: calls.append(("pre", opt is sgd)))
    sgd.register_step_post_hook(lambda opt, args, kwargs: calls.append(("post", opt is sgd)))
    model(mg.ones(1, 2)).sum().backward()
    sgd.step()
    handle.remove()
    sgd.step()
    assert calls == [("pre", True), ("post", True), ("post", True)]
    from minigrad.utils.hooks import RemovableHandle

    assert isinstance(handle, RemovableHandle)


def test_autocast_state_is_reported_inside_its_block():
    assert not mg.is_autocast_enabled() and mg.get_autocast_dtype("cuda") == mg.float16
    with mg.autocast("cuda", dtype=mg.float16):
        assert mg.is_autocast_enabled() and mg.is_autocast_enabled("cuda") and not mg.is_autocast_cpu_enabled()
    with mg.autocast("cpu", enabled=False):
        assert not mg.is_autocast_cpu_enabled()
    assert not mg.is_autocast_enabled()


def test_pytree_flattens_and_rebuilds_nested_containers():
    from collections import OrderedDict, namedtuple

    from minigrad.utils import _pytree as pytree

    pair = namedtuple("pair", "a b")
    tree = {"x": [1, (2, 3)], "y": pair(4, {"z": 5}), "o": OrderedDict(k=6)}
    leaves, spec = pytree.tree_flatten(tree)
    assert leaves == [1, 2, 3, 4, 5, 6] and spec.num_leaves == 6
    assert pytree.tree_unflatten([v * 10 for v in leaves], spec) == {"x": [10, (20, 30)], "y": pair(40, {"z": 50}),
                                                                      "o": OrderedDict(k=60)}
    assert pytree.tree_map(lambda a, b: a + b, tree, tree)["y"].b == {"z": 10}
    with pytest.raises(ValueError, match="differ in structure"):
        pytree.tree_map(lambda a, b: a, [1, 2], [1])
    assert pytree.tree_map_only(mg.Tensor, lambda t: t * 2, [mg.ones(1), 3])[1] == 3


def test_hub_reads_its_cache_and_local_hubconf(tmp_path):
    import minigrad.hub as hub

    hub.set_dir(tmp_path)
    (tmp_path / "checkpoints").mkdir()
    mg.save({"w": mg.ones(2)}, tmp_path / "checkpoints" / "model-abc.pth")
    assert (hub.load_state_dict_from_url("https://example.com/weights/model-abc.pth")["w"].numpy() == 1).all()
    with pytest.raises(mg.errors.PretrainedNotFound, match="does not download"):
        hub.load_state_dict_from_url("https://example.com/weights/other.pth")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "hubconf.py").write_text("def tiny(width=2):\n    import minigrad\n    return minigrad.nn.Linear(width, 1)\n")
    assert hub.list(repo, source="local") == ["tiny"]
    assert hub.load(repo, "tiny", width=3, source="local").in_features == 3
    with pytest.raises(NotSupported, match="needs the network"):
        hub.load("owner/repo", "tiny")


def test_benchmark_timer_measures_a_statement():
    from minigrad.utils import benchmark

    m = benchmark.Timer("x * 2", globals={"x": mg.ones(8)}, label="mul").blocked_autorange(min_run_time=0.02)
    assert len(m.times) >= 2 and 0 < m.median < 1e-2 and m.title == "mul"
    once = benchmark.Timer("y + 1", setup="y = 1").timeit(100)
    assert once.number_per_run == 100 and len(once.times) == 1
    assert "mul" in str(benchmark.Compare([m]))


def test_torch_cuda_amp_is_an_importable_module_with_its_own_autocast():
    import minigrad.cuda.amp
    from minigrad.cuda.amp import GradScaler, autocast

    assert GradScaler is mg.amp.GradScaler and minigrad.cuda.amp.autocast is autocast
    with autocast():  # enabled first, for cuda
        assert mg.is_autocast_enabled("cuda") and not mg.is_autocast_cpu_enabled()
    with autocast(False):
        assert not mg.is_autocast_enabled()


def test_layout_queries_rnn_unpadding_and_cpu_backend_flags():
    x = mg.zeros(2, 3, 4).permute(2, 0, 1)
    assert x.dim_order() == (1, 2, 0) and x.is_set_to(x) and not x.is_set_to(x.contiguous())
    assert x.rename(None) is x
    with pytest.raises(NotSupported, match="named tensors"):
        x.rename("N", "C", "L")
    rnn = nn.utils.rnn
    seqs = [mg.tensor([1.0, 2.0]), mg.tensor([3.0, 4.0, 5.0])]
    assert [s.tolist() for s in rnn.unpack_sequence(rnn.pack_sequence(seqs, enforce_sorted=False))] == \
        [[1.0, 2.0], [3.0, 4.0, 5.0]]
    padded = rnn.pad_sequence(seqs)
    assert [s.tolist() for s in rnn.unpad_sequence(padded, mg.tensor([2, 3]))] == [[1.0, 2.0], [3.0, 4.0, 5.0]]
    assert not mg.backends.mkldnn.is_available() and not mg.backends.openmp.is_available()


@needs_torch
@pytest.mark.parametrize("kind", ["conv", "conv_transpose", "linear"])
def test_batchnorm_folded_into_the_layer_before_it_matches_torch(kind):
    from minigrad.nn.utils.fusion import fuse_conv_bn_eval, fuse_linear_bn_eval

    rng = np.random.default_rng(0)
    if kind == "linear":
        make = lambda m: (m.Linear(5, 4), m.BatchNorm1d(4))  # noqa: E731
        x = rng.standard_normal((6, 5))
    else:
        make = lambda m: ((m.Conv2d(3, 4, 3, bias=False) if kind == "conv" else m.ConvTranspose2d(3, 4, 3)),  # noqa: E731
                          m.BatchNorm2d(4))
        x = rng.standard_normal((2, 3, 6, 6))
    (layer, bn), (t_layer, t_bn) = make(nn), make(torch.nn)
    for ours, theirs in ((layer, t_layer), (bn, t_bn)):
        theirs.load_state_dict({k: torch.tensor(rng.standard_normal(v.shape) if v.dtype.kind == "f" else v.numpy())
                                for k, v in ours.state_dict().items()} | ({"running_var": torch.tensor(
                                    rng.uniform(0.5, 2.0, 4).astype(np.float32))} if theirs is t_bn else {}))
        ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
        ours.eval(), theirs.eval()
    if kind == "linear":
        fused, t_fused = fuse_linear_bn_eval(layer, bn), torch.nn.utils.fusion.fuse_linear_bn_eval(t_layer, t_bn)
    else:
        fused = fuse_conv_bn_eval(layer, bn, transpose=kind == "conv_transpose")
        t_fused = torch.nn.utils.fusion.fuse_conv_bn_eval(t_layer, t_bn, transpose=kind == "conv_transpose")
    xm, xt = mg.tensor(x.astype(np.float32)), torch.tensor(x.astype(np.float32))
    np.testing.assert_allclose(fused(xm).numpy(), bn(layer(xm)).numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(fused.weight.numpy(), t_fused.weight.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(fused.bias.numpy(), t_fused.bias.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert isinstance(fused.weight, nn.Parameter) and fused is not layer
    bn.train()
    with pytest.raises(ValueError, match="only for eval mode"):
        (fuse_linear_bn_eval if kind == "linear" else fuse_conv_bn_eval)(layer, bn)


def test_fusing_a_linear_layer_with_a_batchnorm_of_other_width_is_refused():
    from minigrad.nn.utils.fusion import fuse_linear_bn_eval

    with pytest.raises(ValueError, match="4 outputs do not match the BatchNorm's 3 features"):
        fuse_linear_bn_eval(nn.Linear(2, 4).eval(), nn.BatchNorm1d(3).eval())


def test_step_hooks_run_once_when_a_subclass_step_calls_the_base_step():
    class Logged(mg.optim.SGD):
        def step(self, closure=None):
            return super().step(closure)

    model = nn.Linear(2, 1)
    opt = Logged(model.parameters(), lr=0.1)
    calls = []
    opt.register_step_pre_hook(lambda *a: calls.append("pre"))
    opt.register_step_post_hook(lambda *a: calls.append("post"))
    model(mg.ones(1, 2)).sum().backward()
    opt.step()
    assert calls == ["pre", "post"]


@needs_torch
def test_gather_sparse_grad_clone_memory_format_and_an_empty_parameter():
    x = np.arange(6.0).reshape(2, 3)
    index = np.array([[2], [0]])
    for sparse_grad in (False, True):
        ours = mg.tensor(x, requires_grad=True)
        theirs = torch.tensor(x, requires_grad=True)
        got = mg.gather(ours, 1, mg.tensor(index), sparse_grad=sparse_grad)
        want = torch.gather(theirs, 1, torch.tensor(index), sparse_grad=sparse_grad)
        np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
        got.sum().backward()
        want.sum().backward()
        grad = theirs.grad.to_dense() if theirs.grad.is_sparse else theirs.grad
        np.testing.assert_array_equal(ours.grad.numpy(), grad.numpy())  # dense here, the same values
    assert ours.gather(1, mg.tensor(index), sparse_grad=False).shape == (2, 1)
    images = np.arange(36.0, dtype=np.float32).reshape(1, 4, 3, 3)
    ours = mg.clone(mg.tensor(images), memory_format=mg.channels_last)
    theirs = torch.clone(torch.tensor(images), memory_format=torch.channels_last)
    assert ours.stride() == theirs.stride() and ours.is_contiguous(memory_format=mg.channels_last)
    np.testing.assert_array_equal(ours.numpy(), images)
    p, q = nn.Parameter(), torch.nn.Parameter()
    assert p.shape == tuple(q.shape) == (0,) and str(p.dtype) == "float32" and p.requires_grad
