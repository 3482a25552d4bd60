"""minigrad.jit: TorchScript programs run unchanged and eagerly, with the results and gradients
of the undecorated code; trace runs the function on its example inputs; save/load refuse
plainly instead of writing something that is not an archive."""

import typing

import numpy as np
import pytest

import minigrad as torch
from minigrad import jit, nn, optim
from minigrad.errors import MinigradError, NotSupported
from minigrad.nn import functional as F


def _x(seed=0, shape=(4, 3)):
    return torch.tensor(np.random.default_rng(seed).standard_normal(shape).astype(np.float32), requires_grad=True)


def _gelu(x):
    return x * 0.5 * (1.0 + torch.erf(x / 1.41421))


class _Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 5)
        self.fc2 = nn.Linear(5, 1)

    def forward(self, x):
        return self.fc2(_gelu(self.fc1(x)))


def test_script_returns_the_object_itself():
    net = _Net()
    assert jit.script(_gelu) is _gelu
    assert jit.script(net) is net
    assert jit.script(_Net) is _Net
    assert torch.jit.script is jit.script


def test_scripted_function_matches_eager_in_value_and_gradient():
    scripted = torch.jit.script(_gelu)
    a, b = _x(), _x()
    ya, yb = scripted(a), _gelu(b)
    np.testing.assert_array_equal(ya.numpy(), yb.numpy())
    ya.sum().backward()
    yb.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


def test_scripted_module_matches_eager_in_value_and_gradients():
    torch.manual_seed(0)
    eager = _Net()
    scripted = _Net()
    scripted.load_state_dict(eager.state_dict())
    scripted = torch.jit.script(scripted)
    assert isinstance(scripted, torch.jit.ScriptModule)
    x = _x()
    ya, yb = scripted(x), eager(x)
    np.testing.assert_array_equal(ya.numpy(), yb.numpy())
    ya.sum().backward()
    yb.sum().backward()
    for (name, p), q in zip(scripted.named_parameters(), eager.parameters()):
        np.testing.assert_array_equal(p.grad.numpy(), q.grad.numpy(), err_msg=name)


def test_script_decorator_on_annotated_function_and_on_class():
    @torch.jit.script
    def scale(x: torch.Tensor, k: float = 2.0) -> torch.Tensor:
        return x * k

    @torch.jit.script
    class Counter:
        def __init__(self, start: int):
            self.n = start

        def bump(self) -> int:
            self.n += 1
            return self.n

    np.testing.assert_allclose(scale(torch.ones(2), 3.0).numpy(), [3.0, 3.0])
    assert scale.__annotations__["k"] is float
    assert Counter(4).bump() == 5


def test_ignore_unused_export_leave_methods_callable():
    class M(nn.Module):
        @torch.jit.ignore
        def debug(self, x):
            return x + 1

        @torch.jit.ignore(drop=True)
        def dropped(self, x):
            return x + 2

        @torch.jit.unused
        def spare(self, x):
            return x + 3

        @torch.jit.export
        def extra(self, x):
            return x + 4

        def forward(self, x):
            return self.debug(x)

    m = torch.jit.script(M())
    x = torch.zeros(2)
    assert [float(f(x)[0]) for f in (m, m.dropped, m.spare, m.extra)] == [1.0, 2.0, 3.0, 4.0]
    assert torch.jit.interface(M) is M


def test_trace_runs_the_function_on_the_example_inputs():
    calls = []

    def f(x, y):
        calls.append((x.shape, y.shape))
        return x * y + 1

    a, b = torch.ones(2, 3), torch.full((2, 3), 2.0)
    traced = torch.jit.trace(f, (a, b))
    assert calls == [((2, 3), (2, 3))]
    assert callable(traced)
    np.testing.assert_array_equal(traced(a, b).numpy(), f(a, b).numpy())

    calls.clear()
    torch.jit.trace(lambda x: f(x, x), torch.ones(4))  # a single tensor is the one argument
    assert calls == [((4,), (4,))]


def test_trace_raises_an_error_in_the_function_at_trace_time():
    def broken(x):
        raise ValueError("bad shape in broken")

    with pytest.raises(ValueError, match="bad shape in broken"):
        torch.jit.trace(broken, torch.ones(2))


def test_trace_records_gradients_as_usual():
    seen = []

    def f(x):
        seen.append(torch.is_grad_enabled())
        return x * 2

    torch.jit.trace(f, _x())
    assert seen == [True]


def test_trace_module_and_tracing_a_module():
    torch.manual_seed(1)
    net = _Net()
    x = _x()
    assert torch.jit.trace(net, x) is net
    calls = []

    class M(nn.Module):
        def forward(self, x):
            calls.append("forward")
            return x

        def other(self, x, y):
            calls.append("other")
            return x + y

    m = M()
    assert torch.jit.trace_module(m, {"forward": torch.ones(1), "other": (torch.ones(1), torch.ones(1))}) is m
    assert calls == ["forward", "other"]


def test_language_helpers():
    assert torch.jit.is_scripting() is False
    assert torch.jit.is_tracing() is False
    value = torch.jit.annotate(typing.List[int], [])
    assert value == []
    assert torch.jit.Attribute(3, int) == 3
    assert torch.jit.Final is typing.Final
    assert torch.jit.isinstance(torch.ones(1), torch.Tensor)
    assert torch.jit.isinstance([1, 2], typing.List[int])
    assert not torch.jit.isinstance([1, "a"], typing.List[int])
    assert torch.jit.isinstance({"a": torch.ones(1)}, typing.Dict[str, torch.Tensor])
    assert torch.jit.isinstance(None, typing.Optional[int])
    assert torch.jit.isinstance((1, 2.0), typing.Tuple[int, float])
    net = _Net()
    assert torch.jit.freeze(net) is net and torch.jit.optimize_for_inference(net) is net


def test_fork_runs_now_and_wait_returns_the_result():
    calls = []

    def work(x, k=1):
        calls.append(k)
        return x + k

    fut = torch.jit.fork(work, torch.ones(2), k=5)
    assert calls == [5]
    np.testing.assert_array_equal(torch.jit.wait(fut).numpy(), [6.0, 6.0])
    np.testing.assert_array_equal(fut.wait().numpy(), [6.0, 6.0])


def test_onednn_fusion_flag():
    before = torch.jit.onednn_fusion_enabled()
    try:
        torch.jit.enable_onednn_fusion(True)
        assert torch.jit.onednn_fusion_enabled() is True
        torch.jit.enable_onednn_fusion(False)
        assert torch.jit.onednn_fusion_enabled() is False
    finally:
        torch.jit.enable_onednn_fusion(before)


def test_save_and_load_refuse_and_write_nothing(tmp_path):
    path = tmp_path / "model.pt"
    with pytest.raises(NotSupported, match="state_dict") as info:
        torch.jit.save(torch.jit.script(_Net()), str(path))
    assert isinstance(info.value, MinigradError) and isinstance(info.value, NotImplementedError)
    assert not path.exists()
    with pytest.raises(NotSupported, match="state_dict"):
        torch.jit.load(str(path))
    assert not path.exists()


def _train(scripted, steps=5):
    """A PyTorch-style program: a fused activation and a Module, both scripted when asked."""
    torch.manual_seed(0)
    act = torch.jit.script(_gelu) if scripted else _gelu

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(3, 8)
            self.fc2 = nn.Linear(8, 1)

        def forward(self, x):
            return self.fc2(act(self.fc1(x)))

    model = torch.jit.script(Model()) if scripted else Model()
    opt = optim.SGD(model.parameters(), lr=0.1)
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.standard_normal((16, 3)).astype(np.float32))
    y = torch.tensor(rng.standard_normal((16, 1)).astype(np.float32))
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        losses.append(float(loss.item()))
    return losses


def test_scripted_training_gives_the_same_losses_as_eager():
    scripted, eager = _train(True), _train(False)
    assert scripted == eager
    assert scripted[-1] < scripted[0]


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
def test_scripted_program_matches_torch():
    real = pytest.importorskip("torch")

    @real.jit.script
    def real_act(x):
        return x * 0.5 * (1.0 + real.erf(x / 1.41421))

    class RealNet(real.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = real.nn.Linear(3, 5)
            self.fc2 = real.nn.Linear(5, 1)

        def forward(self, x):
            return self.fc2(real_act(self.fc1(x)))

    ours = torch.jit.script(_Net())
    theirs = RealNet()
    with real.no_grad():
        for name, p in ours.named_parameters():
            theirs.get_parameter(name).copy_(real.from_numpy(p.detach().numpy().copy()))
    theirs = real.jit.script(theirs)
    x = np.random.default_rng(3).standard_normal((6, 3)).astype(np.float32)
    expected = theirs(real.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(ours(torch.tensor(x)).detach().numpy(), expected, rtol=1e-5, atol=1e-6)


def test_import_minigrad_jit_works():
    import importlib

    assert importlib.import_module("minigrad.jit") is torch.jit
