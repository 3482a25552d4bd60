"""minigrad.nn.utils.prune: masks, the _orig/_mask reparametrization, gradients, errors, and
parity with torch.nn.utils.prune (same weights in, same masks, state_dict keys, outputs and
gradients out; the random methods compared on how much and what shape they prune)."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import (ArgumentAssertionError, ArgumentError, ArgumentRuntimeError, ArgumentTypeError,
                             IndexOutOfRange, MinigradError, ModuleAttributeError, ShapeError)
from minigrad.nn.utils import prune


# ---- without torch: masks worked out by hand ----------------------------------------------------
W = np.array([[0.5, -2.0, 0.1],
              [3.0, -0.2, 1.0]], dtype=np.float32)


def small_linear():
    lin = nn.Linear(3, 2)
    lin.weight.data = mg.tensor(W.copy())
    lin.bias.data = mg.tensor(np.array([0.25, -0.5], dtype=np.float32))
    return lin


def test_import_paths():
    assert mg.nn.utils.prune is prune
    assert mg.nn.utils.prune.l1_unstructured is prune.l1_unstructured


def test_l1_known_mask_and_reparametrization():
    lin = small_linear()
    weight = lin.weight
    assert prune.l1_unstructured(lin, "weight", amount=2) is lin
    # |w| smallest two: 0.1 (row 0, col 2) and 0.2 (row 1, col 1)
    expected = np.array([[1, 1, 0], [1, 0, 1]], dtype=np.float32)
    np.testing.assert_array_equal(lin.weight_mask.numpy(), expected)
    assert lin.weight_mask.dtype == mg.float32
    np.testing.assert_array_equal(lin.weight.numpy(), W * expected)
    assert lin.weight_orig is weight  # the same Parameter, renamed
    assert list(lin.state_dict()) == ["bias", "weight_orig", "weight_mask"]
    assert [n for n, _ in lin.named_parameters()] == ["bias", "weight_orig"]
    assert [n for n, _ in lin.named_buffers()] == ["weight_mask"]
    assert "weight" not in lin._parameters and prune.is_pruned(lin)


def test_float_amount_rounds_like_python():
    lin = small_linear()
    prune.l1_unstructured(lin, "weight", amount=0.5)  # round(0.5 * 6) = 3: 0.1, 0.2, 0.5
    np.testing.assert_array_equal(lin.weight_mask.numpy(), [[0, 1, 0], [1, 0, 1]])
    lin = small_linear()
    prune.l1_unstructured(lin, "bias", amount=0.25)  # round(0.5) = 0 (half to even): nothing
    np.testing.assert_array_equal(lin.bias_mask.numpy(), [1, 1])


def test_twice_prunes_among_the_survivors():
    lin = small_linear()
    prune.l1_unstructured(lin, "weight", amount=2)
    prune.l1_unstructured(lin, "weight", amount=0.25)  # round(0.25 * 4 survivors) = 1: the 0.5
    np.testing.assert_array_equal(lin.weight_mask.numpy(), [[0, 1, 0], [1, 0, 1]])
    hook = list(lin._forward_pre_hooks.values())
    assert len(hook) == 1 and isinstance(hook[0], prune.PruningContainer) and len(hook[0]) == 2
    assert [type(m) for m in hook[0]] == [prune.L1Unstructured, prune.L1Unstructured]


def test_ln_structured_known_masks():
    lin = small_linear()
    prune.ln_structured(lin, "weight", amount=1, n=1, dim=0)  # row L1 norms 2.6, 4.2
    np.testing.assert_array_equal(lin.weight_mask.numpy(), [[0, 0, 0], [1, 1, 1]])
    lin = small_linear()
    prune.ln_structured(lin, "weight", amount=1, n=1, dim=-1)  # column norms 3.5, 2.2, 1.1
    np.testing.assert_array_equal(lin.weight_mask.numpy(), [[1, 1, 0], [1, 1, 0]])
    lin = small_linear()
    prune.ln_structured(lin, "weight", amount=1, n=float("inf"), dim=1)  # column maxima 3, 2, 1
    np.testing.assert_array_equal(lin.weight_mask.numpy(), [[1, 1, 0], [1, 1, 0]])


def test_gradient_is_masked():
    lin = small_linear()
    prune.l1_unstructured(lin, "weight", amount=2)
    x = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]], dtype=np.float32)
    out = lin(mg.tensor(x))
    np.testing.assert_allclose(out.numpy(), x @ (W * lin.weight_mask.numpy()).T + [0.25, -0.5], rtol=1e-6)
    out.sum().backward()
    # d(sum of x W^T)/dW = a row of column sums of x for every output, then times the mask
    expected = np.tile(x.sum(0), (2, 1)) * lin.weight_mask.numpy()
    np.testing.assert_allclose(lin.weight_orig.grad.numpy(), expected, rtol=1e-6)
    assert lin.weight_mask.grad is None


def test_hook_recomputes_weight_before_forward():
    lin = small_linear()
    prune.l1_unstructured(lin, "weight", amount=2)
    with mg.no_grad():
        lin.weight_orig.mul_(2.0)
    lin(mg.ones(1, 3))
    np.testing.assert_array_equal(lin.weight.numpy(), 2 * W * lin.weight_mask.numpy())


def test_remove_makes_it_permanent():
    lin = small_linear()
    orig = lin.weight
    prune.l1_unstructured(lin, "weight", amount=2)
    mask = lin.weight_mask.numpy()
    assert prune.remove(lin, "weight") is lin
    assert lin.weight is orig and isinstance(lin.weight, nn.Parameter)
    np.testing.assert_array_equal(lin.weight.numpy(), W * mask)
    assert list(lin.state_dict()) == ["bias", "weight"]
    assert not lin._forward_pre_hooks and not prune.is_pruned(lin)
    assert not hasattr(lin, "weight_orig") and not hasattr(lin, "weight_mask")


def test_custom_from_mask_identity_and_prune_method():
    lin = small_linear()
    prune.identity(lin, "weight")
    np.testing.assert_array_equal(lin.weight_mask.numpy(), np.ones((2, 3)))
    prune.custom_from_mask(lin, "weight", mask=mg.tensor([[0, 1, 1], [1, 1, 0]]))
    np.testing.assert_array_equal(lin.weight_mask.numpy(), [[0, 1, 1], [1, 1, 0]])
    pruned = prune.L1Unstructured(amount=1).prune(mg.tensor(W))
    np.testing.assert_array_equal(pruned.numpy(), W * [[1, 1, 0], [1, 1, 1]])


def test_importance_scores_choose_the_mask():
    lin = small_linear()
    scores = mg.tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    prune.l1_unstructured(lin, "weight", amount=2, importance_scores=scores)
    np.testing.assert_array_equal(lin.weight_mask.numpy(), [[0, 0, 1], [1, 1, 1]])


def test_global_unstructured_pools_parameters():
    a, b = small_linear(), small_linear()
    with mg.no_grad():
        b.weight.mul_(100.0)
    prune.global_unstructured([(a, "weight"), (b, "weight")], prune.L1Unstructured, amount=6)
    np.testing.assert_array_equal(a.weight_mask.numpy(), np.zeros((2, 3)))  # a holds the 6 smallest
    np.testing.assert_array_equal(b.weight_mask.numpy(), np.ones((2, 3)))


def test_state_dict_round_trip():
    src, dst = small_linear(), nn.Linear(3, 2)
    prune.l1_unstructured(src, "weight", amount=3)
    prune.identity(dst, "weight")
    dst.load_state_dict(src.state_dict())
    x = mg.tensor(np.ones((1, 3), dtype=np.float32))
    np.testing.assert_array_equal(dst(x).numpy(), src(x).numpy())


# ---- bad input: a clear minigrad error, and the module left as it was -------------------------------
def snapshot(module):
    return (list(module.state_dict().items()), list(module._forward_pre_hooks.items()),
            sorted(module.__dict__), [len(h) if isinstance(h, prune.PruningContainer) else 0
                                      for h in module._forward_pre_hooks.values()])


def same_snapshot(a, b):
    (sa, ha, da, la), (sb, hb, db, lb) = a, b
    assert [k for k, _ in sa] == [k for k, _ in sb] and ha == hb and da == db and la == lb
    for (_, x), (_, y) in zip(sa, sb):
        np.testing.assert_array_equal(x.numpy(), y.numpy())


BAD = [
    (lambda m: prune.l1_unstructured(m, "weight", amount=-1), ArgumentError, ValueError, ["l1_unstructured", "-1"]),
    (lambda m: prune.l1_unstructured(m, "weight", amount=1.5), ArgumentError, ValueError, ["l1_unstructured", "1.5"]),
    (lambda m: prune.random_unstructured(m, "weight", amount=7), ArgumentError, ValueError,
     ["random_unstructured", "7"]),
    (lambda m: prune.l1_unstructured(m, "weight", amount=7), ArgumentError, ValueError, ["l1_unstructured", "7"]),
    (lambda m: prune.l1_unstructured(m, "weight", amount="half"), ArgumentTypeError, TypeError, ["'half'"]),
    (lambda m: prune.l1_unstructured(m, "nope", amount=1), ModuleAttributeError, AttributeError,
     ["l1_unstructured", "'nope'"]),
    (lambda m: prune.remove(m, "bias"), ArgumentError, ValueError, ["remove", "'bias'"]),
    (lambda m: prune.custom_from_mask(m, "weight", mask=mg.ones(3, 3)), ArgumentAssertionError, AssertionError,
     ["custom_from_mask", "(3, 3)", "(2, 3)"]),
    (lambda m: prune.l1_unstructured(m, "weight", 1, importance_scores=mg.ones(3)), ArgumentAssertionError,
     AssertionError, ["l1_unstructured", "(3,)"]),
    (lambda m: prune.ln_structured(m, "bias", amount=1, n=2, dim=0), ArgumentError, ValueError,
     ["ln_structured", "(2,)"]),
    (lambda m: prune.ln_structured(m, "weight", amount=1, n=2, dim=2), IndexOutOfRange, IndexError,
     ["ln_structured", "dim=2"]),
    (lambda m: prune.random_structured(m, "weight", amount=1, dim=-3), IndexOutOfRange, IndexError,
     ["random_structured", "dim=-3"]),
    (lambda m: prune.ln_structured(m, "weight", amount=3, n=2, dim=0), ArgumentError, ValueError,
     ["ln_structured", "3"]),
    (lambda m: prune.ln_structured(m, "weight", amount=1, n="nuc", dim=0), ArgumentRuntimeError, RuntimeError,
     ["ln_structured", "'nuc'"]),
    (lambda m: prune.global_unstructured([(m, "weight")], prune.LnStructured, amount=1, n=2, dim=0),
     ArgumentTypeError, TypeError, ["global_unstructured", "LnStructured"]),
    (lambda m: prune.global_unstructured([(m, "weight")], prune.L1Unstructured, amount=9), ArgumentError,
     ValueError, ["global_unstructured", "9"]),
    (lambda m: prune.global_unstructured(3, prune.L1Unstructured, amount=1), ArgumentTypeError, TypeError,
     ["global_unstructured"]),
    (lambda m: prune.global_unstructured([], prune.L1Unstructured, amount=1), ArgumentRuntimeError, RuntimeError,
     ["global_unstructured", "empty"]),
    (lambda m: prune.global_unstructured([(m, "weight")], prune.L1Unstructured,
                                         importance_scores={(m, "weight"): mg.ones(6)}, amount=1),
     ShapeError, RuntimeError, ["global_unstructured", "(6,)"]),
]


@pytest.mark.parametrize("already_pruned", [False, True])
@pytest.mark.parametrize("call, error, builtin, words", BAD)
def test_bad_input_raises_and_changes_nothing(call, error, builtin, words, already_pruned):
    lin = small_linear()
    if already_pruned:
        prune.l1_unstructured(lin, "weight", amount=1)
        prune.ln_structured(lin, "weight", amount=0, n=2, dim=0)
    before = snapshot(lin)
    with pytest.raises(error) as info:
        call(lin)
    assert isinstance(info.value, (MinigradError, builtin))
    assert isinstance(info.value, builtin)
    for word in words:
        assert word in str(info.value)
    same_snapshot(before, snapshot(lin))


def test_buffer_is_not_a_parameter():
    bn = nn.BatchNorm1d(3)
    before = snapshot(bn)
    with pytest.raises(ArgumentTypeError, match="running_mean"):
        prune.l1_unstructured(bn, "running_mean", amount=1)
    same_snapshot(before, snapshot(bn))


# ---- parity with torch.nn.utils.prune ---------------------------------------------------------------
def make_pair(torch, kind):
    """A minigrad and a torch module of the same kind holding the same (untied) weights."""
    rng = np.random.RandomState(7)
    if kind == "linear":
        ours, theirs = nn.Linear(5, 4), torch.nn.Linear(5, 4)
    else:
        ours, theirs = nn.Conv2d(3, 4, 3), torch.nn.Conv2d(3, 4, 3)
    for name in ("weight", "bias"):
        value = rng.randn(*getattr(theirs, name).shape).astype(np.float32)
        getattr(ours, name).data = mg.tensor(value)
        getattr(theirs, name).data = torch.tensor(value)
    return ours, theirs


def sample_input(kind):
    rng = np.random.RandomState(3)
    return rng.randn(2, 5).astype(np.float32) if kind == "linear" else rng.randn(2, 3, 6, 6).astype(np.float32)


def check_same(torch, ours, theirs, kind):
    """Masks, weights, state_dict keys and values, forward outputs and weight_orig.grad agree."""
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key].numpy(), value.numpy(), rtol=1e-6, atol=1e-7)
    for name in ("weight", "bias"):
        np.testing.assert_allclose(getattr(ours, name).detach().numpy(), getattr(theirs, name).detach().numpy(),
                                   rtol=1e-6)
    x = sample_input(kind)
    out_ours, out_theirs = ours(mg.tensor(x)), theirs(torch.tensor(x))
    np.testing.assert_allclose(out_ours.detach().numpy(), out_theirs.detach().numpy(), rtol=1e-5, atol=1e-5)
    (out_ours ** 2).sum().backward()
    (out_theirs ** 2).sum().backward()
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(dict(ours.named_parameters())[name].grad.numpy(), p.grad.numpy(),
                                   rtol=1e-4, atol=1e-5)


# each case: a list of (function name, positional args after (module, name), keyword args)
CASES = {
    "identity": [("identity", (), {})],
    "l1_int": [("l1_unstructured", (), {"amount": 7})],
    "l1_float": [("l1_unstructured", (), {"amount": 0.3})],
    "l1_all": [("l1_unstructured", (), {"amount": 1.0})],
    "l1_zero": [("l1_unstructured", (), {"amount": 0})],
    "l1_twice": [("l1_unstructured", (), {"amount": 0.5}), ("l1_unstructured", (), {"amount": 3})],
    "l1_three_times": [("l1_unstructured", (), {"amount": 0.2}), ("l1_unstructured", (), {"amount": 0.2}),
                       ("l1_unstructured", (), {"amount": 2})],
    "ln2_dim0": [("ln_structured", (), {"amount": 1, "n": 2, "dim": 0})],
    "ln1_dim1_float": [("ln_structured", (), {"amount": 0.4, "n": 1, "dim": 1})],
    "lninf_dim_last": [("ln_structured", (), {"amount": 1, "n": float("inf"), "dim": -1})],
    "ln_neg_inf": [("ln_structured", (), {"amount": 2, "n": float("-inf"), "dim": 0})],
    "ln_p3": [("ln_structured", (), {"amount": 0.5, "n": 3, "dim": 0})],
    "ln_twice": [("ln_structured", (), {"amount": 1, "n": 2, "dim": 0}),
                 ("ln_structured", (), {"amount": 0.5, "n": 1, "dim": 0})],
    "l1_then_ln": [("l1_unstructured", (), {"amount": 0.5}), ("ln_structured", (), {"amount": 1, "n": 2, "dim": 1})],
    "ln_then_l1": [("ln_structured", (), {"amount": 2, "n": 1, "dim": -1}), ("l1_unstructured", (), {"amount": 0.5})],
    "custom_then_l1": [("custom_from_mask", (), {"mask": "checker"}), ("l1_unstructured", (), {"amount": 0.25})],
}


def run_case(lib, module, steps, to_tensor, name="weight"):
    for fn, args, kwargs in steps:
        kwargs = dict(kwargs)
        if kwargs.get("mask") == "checker":
            shape = tuple(getattr(module, name).shape)
            kwargs["mask"] = to_tensor((np.indices(shape).sum(0) % 2).astype(np.float32))
        getattr(lib, fn)(module, name, *args, **kwargs)


@pytest.mark.parametrize("kind", ["linear", "conv"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_parity_with_torch(case, kind):
    torch = pytest.importorskip("torch")
    import torch.nn.utils.prune as torch_prune

    ours, theirs = make_pair(torch, kind)
    run_case(prune, ours, CASES[case], mg.tensor)
    run_case(torch_prune, theirs, CASES[case], torch.tensor)
    check_same(torch, ours, theirs, kind)
    methods = [type(h).__name__ for h in ours._forward_pre_hooks.values()]
    assert methods == [type(h).__name__ for h in theirs._forward_pre_hooks.values()]


@pytest.mark.parametrize("kind", ["linear", "conv"])
def test_parity_fro_norm(kind):
    """'fro' is the 2-norm of each flattened channel (torch 2.13 refuses 'fro' on 4-d weights,
    so the conv case is compared with n=2)."""
    torch = pytest.importorskip("torch")
    import torch.nn.utils.prune as torch_prune

    ours, theirs = make_pair(torch, kind)
    prune.ln_structured(ours, "weight", amount=2, n="fro", dim=0)
    torch_prune.ln_structured(theirs, "weight", amount=2, n="fro" if kind == "linear" else 2, dim=0)
    check_same(torch, ours, theirs, kind)


@pytest.mark.parametrize("amount", [0.625, 0.375, 2])
def test_parity_bias_rounding(amount):
    torch = pytest.importorskip("torch")
    import torch.nn.utils.prune as torch_prune

    ours, theirs = make_pair(torch, "linear")
    prune.l1_unstructured(ours, "bias", amount=amount)  # 0.625 * 4 = 2.5 rounds to 2, 0.375 * 4 to 2
    torch_prune.l1_unstructured(theirs, "bias", amount=amount)
    check_same(torch, ours, theirs, "linear")


def test_parity_importance_scores():
    torch = pytest.importorskip("torch")
    import torch.nn.utils.prune as torch_prune

    ours, theirs = make_pair(torch, "conv")
    scores = np.random.RandomState(1).rand(4, 3, 3, 3).astype(np.float32)
    prune.l1_unstructured(ours, "weight", amount=30, importance_scores=mg.tensor(scores))
    torch_prune.l1_unstructured(theirs, "weight", amount=30, importance_scores=torch.tensor(scores))
    prune.ln_structured(ours, "weight", 1, 2, 1, importance_scores=mg.tensor(scores))
    torch_prune.ln_structured(theirs, "weight", 1, 2, 1, importance_scores=torch.tensor(scores))
    check_same(torch, ours, theirs, "conv")


@pytest.mark.parametrize("amount", [20, 0.4])
def test_parity_global_unstructured(amount):
    torch = pytest.importorskip("torch")
    import torch.nn.utils.prune as torch_prune

    lin, tlin = make_pair(torch, "linear")
    conv, tconv = make_pair(torch, "conv")
    prune.l1_unstructured(lin, "weight", amount=3)  # one of them already pruned
    torch_prune.l1_unstructured(tlin, "weight", amount=3)
    scores = np.abs(np.random.RandomState(2).randn(4)).astype(np.float32)
    prune.global_unstructured([(lin, "weight"), (conv, "weight"), (lin, "bias")], prune.L1Unstructured,
                              importance_scores={(lin, "bias"): mg.tensor(scores)}, amount=amount)
    torch_prune.global_unstructured([(tlin, "weight"), (tconv, "weight"), (tlin, "bias")],
                                    torch_prune.L1Unstructured,
                                    importance_scores={(tlin, "bias"): torch.tensor(scores)}, amount=amount)
    check_same(torch, lin, tlin, "linear")
    check_same(torch, conv, tconv, "conv")


@pytest.mark.parametrize("kind", ["linear", "conv"])
def test_parity_remove(kind):
    torch = pytest.importorskip("torch")
    import torch.nn.utils.prune as torch_prune

    ours, theirs = make_pair(torch, kind)
    for lib, module in ((prune, ours), (torch_prune, theirs)):
        lib.l1_unstructured(module, "weight", amount=0.5)
        lib.ln_structured(module, "weight", amount=1, n=2, dim=0)
        lib.random_unstructured(module, "bias", amount=1)
        lib.remove(module, "weight")
    assert prune.is_pruned(ours) and torch_prune.is_pruned(theirs)
    for lib, module in ((prune, ours), (torch_prune, theirs)):
        lib.remove(module, "bias")
    assert not prune.is_pruned(ours) and not torch_prune.is_pruned(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight", "bias"]  # re-registered last
    np.testing.assert_allclose(ours.weight.detach().numpy(), theirs.weight.detach().numpy(), rtol=1e-6)
    assert (ours.bias.numpy() == 0).sum() == (theirs.bias.detach().numpy() == 0).sum() == 1


# the random methods: same amount of pruning, same structure, not the same entries
def zeros_per_channel(mask, dim):
    mask = np.moveaxis(mask, dim, 0).reshape(mask.shape[dim], -1)
    return sorted((mask == 0).sum(1).tolist())


@pytest.mark.parametrize("kind", ["linear", "conv"])
@pytest.mark.parametrize("amounts", [(5,), (0.3,), (0.5, 4), (1.0,)])
def test_parity_random_unstructured(kind, amounts):
    torch = pytest.importorskip("torch")
    import torch.nn.utils.prune as torch_prune

    ours, theirs = make_pair(torch, kind)
    for amount in amounts:
        prune.random_unstructured(ours, "weight", amount=amount)
        torch_prune.random_unstructured(theirs, "weight", amount=amount)
    zeros = (ours.weight_mask.numpy() == 0).sum()
    assert zeros == (theirs.weight_mask.numpy() == 0).sum()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    np.testing.assert_array_equal(ours.weight.numpy(), ours.weight_orig.numpy() * ours.weight_mask.numpy())


@pytest.mark.parametrize("kind", ["linear", "conv"])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("amounts", [(1,), (0.5,), (0.34, 1)])
def test_parity_random_structured(kind, dim, amounts):
    torch = pytest.importorskip("torch")
    import torch.nn.utils.prune as torch_prune

    ours, theirs = make_pair(torch, kind)
    for amount in amounts:
        prune.random_structured(ours, "weight", amount=amount, dim=dim)
        torch_prune.random_structured(theirs, "weight", amount=amount, dim=dim)
    mask, tmask = ours.weight_mask.numpy(), theirs.weight_mask.numpy()
    channel = mask.size // mask.shape[dim]
    assert set(zeros_per_channel(mask, dim)) <= {0, channel}  # whole channels, nothing in between
    assert zeros_per_channel(mask, dim) == zeros_per_channel(tmask, dim)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_random_methods_follow_manual_seed():
    masks = []
    for _ in range(2):
        mg.manual_seed(0)
        lin = small_linear()
        prune.random_unstructured(lin, "weight", amount=3)
        prune.random_structured(lin, "weight", amount=1, dim=1)
        masks.append(lin.weight_mask.numpy())
    np.testing.assert_array_equal(masks[0], masks[1])


# ---- on a GPU (or on the CuPy stand-in: MINIGRAD_STANDIN_CUDA=1) --------------------------------------
@pytest.mark.gpu
def test_prune_on_cuda():
    lin = small_linear().to("cuda")
    prune.l1_unstructured(lin, "weight", amount=2)
    prune.ln_structured(lin, "weight", amount=1, n=1, dim=1)
    prune.random_unstructured(lin, "bias", amount=1)
    prune.global_unstructured([(lin, "weight"), (lin, "bias")], prune.L1Unstructured, amount=2)
    assert lin.weight_mask.device.type == "cuda"
    np.testing.assert_array_equal(lin.weight_mask.cpu().numpy(), [[0, 1, 0], [1, 0, 0]])
    out = lin(mg.ones(1, 3, device="cuda"))
    out.sum().backward()
    np.testing.assert_array_equal(lin.weight_orig.grad.cpu().numpy(), lin.weight_mask.cpu().numpy())
    prune.remove(lin, "weight")
    np.testing.assert_array_equal(lin.weight.cpu().numpy(), W * [[0, 1, 0], [1, 0, 0]])
