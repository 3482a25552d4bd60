"""save(model, path) pickles a whole object; load unpickles it as PyTorch 2.6+ does: with the
allowed globals only, unless weights_only=False."""

import copy
import pickle

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import MinigradError
from minigrad.serialization import (add_safe_globals, clear_safe_globals, get_safe_globals,
                                    get_unsafe_globals_in_checkpoint, safe_globals)


class TinyModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(3, 4)
        self.head = nn.Linear(4, 2)
        self.register_buffer("pe", mg.arange(8.0).reshape(2, 4).t())  # a view, as PositionalEncoding keeps

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out)


@pytest.fixture(autouse=True)
def _no_leftover_globals():
    clear_safe_globals()
    yield
    clear_safe_globals()


def _saved(tmp_path):
    mg.manual_seed(0)
    model = TinyModel()
    path = tmp_path / "model.pt"
    mg.save(model, path)
    return model, path


def test_whole_model_round_trips_with_weights_only_false(tmp_path):
    model, path = _saved(tmp_path)
    loaded = mg.load(path, weights_only=False)
    assert type(loaded) is TinyModel and loaded is not model
    x = mg.randn(5, 1, 3)
    np.testing.assert_array_equal(loaded(x).numpy(), model(x).numpy())
    assert isinstance(loaded.head.weight, nn.Parameter) and loaded.head.weight.requires_grad
    np.testing.assert_array_equal(loaded.pe.numpy(), model.pe.numpy())


def test_default_load_refuses_unlisted_classes_and_names_them(tmp_path):
    _, path = _saved(tmp_path)
    with pytest.raises(pickle.UnpicklingError, match=r"names .*TinyModel, which is not an allowed global") as info:
        mg.load(path)
    assert isinstance(info.value, MinigradError)
    unsafe = get_unsafe_globals_in_checkpoint(path)
    assert f"{__name__}.TinyModel" in unsafe and "minigrad.nn.rnn.LSTM" in unsafe
    assert "minigrad.tensor._rebuilt" not in unsafe and "collections.OrderedDict" not in unsafe


def test_safe_globals_allow_the_listed_classes_only_inside_the_block(tmp_path):
    model, path = _saved(tmp_path)
    with safe_globals([TinyModel, nn.LSTM, nn.Linear]):
        loaded = mg.load(path)
        assert len(get_safe_globals()) == 3
    np.testing.assert_array_equal(loaded.head.bias.numpy(), model.head.bias.numpy())
    assert get_safe_globals() == []
    with pytest.raises(pickle.UnpicklingError):
        mg.load(path)
    add_safe_globals([TinyModel, nn.LSTM, nn.Linear])
    assert type(mg.load(path)) is TinyModel
    assert get_unsafe_globals_in_checkpoint(path) == []


def test_plain_state_dicts_still_load_without_pickle(tmp_path):
    model = TinyModel()
    mg.save(model.state_dict(), tmp_path / "sd.pt")
    assert get_unsafe_globals_in_checkpoint(tmp_path / "sd.pt") == []
    loaded = mg.load(tmp_path / "sd.pt")
    np.testing.assert_array_equal(loaded["head.weight"].numpy(), model.head.weight.numpy())


def test_tensors_pickle_as_leaves_with_their_values():
    x = mg.ones(3, requires_grad=True)
    y = pickle.loads(pickle.dumps(x * 2))  # a graph's intermediate comes back a leaf, as in PyTorch
    assert y.is_leaf and y.requires_grad and y.grad_fn is None and (y.numpy() == 2).all()
    v = pickle.loads(pickle.dumps(mg.arange(6.0)[2:4]))
    assert v.numpy().tolist() == [2.0, 3.0] and v.is_contiguous()
    assert pickle.loads(pickle.dumps(mg.tensor([1, 2]))).dtype == mg.int64


def test_deepcopy_keeps_parameters_and_their_grads():
    model = nn.Linear(2, 2)
    model.weight.grad = mg.ones(2, 2)
    twin = copy.deepcopy(model)
    assert isinstance(twin.weight, nn.Parameter) and twin.weight is not model.weight
    np.testing.assert_array_equal(twin.weight.grad.numpy(), np.ones((2, 2)))
    twin.weight.data.add_(1.0)
    assert not np.array_equal(twin.weight.numpy(), model.weight.numpy())
    tied = nn.Sequential(nn.Linear(2, 2, bias=False), nn.Linear(2, 2, bias=False))
    tied[1].weight = tied[0].weight
    copied = copy.deepcopy(tied)
    assert copied[1].weight is copied[0].weight  # shared parameters stay shared


def test_add_safe_globals_rejects_a_malformed_entry():
    with pytest.raises(TypeError, match="add_safe_globals"):
        add_safe_globals(nn.Linear)
    with pytest.raises(TypeError, match="a pair must be"):
        add_safe_globals([(nn.Linear, 3)])


def test_a_refused_global_is_not_even_imported(tmp_path, monkeypatch):
    (tmp_path / "sideeffect_module_xyz.py").write_text(f"open({str(tmp_path / 'imported')!r}, 'w').close()\nx = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    data = b"csideeffect_module_xyz\nx\n."  # protocol 0: GLOBAL sideeffect_module_xyz.x
    from minigrad.safe_globals import restricted_loads, unsafe_globals

    with pytest.raises(pickle.UnpicklingError, match="sideeffect_module_xyz.x, which is not an allowed global"):
        restricted_loads(data)
    assert unsafe_globals(data) == ["sideeffect_module_xyz.x"]
    assert not (tmp_path / "imported").exists()  # importing would have run the module's code
