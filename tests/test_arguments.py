"""Bad arguments to factories, layers and tensors: each raises a MinigradError that is also the
built-in exception PyTorch raises for the same call (so PyTorch code's ``except`` still works)."""

import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import MinigradError
from minigrad.nn import functional as F

torch = pytest.importorskip("torch")

CASES = {
    "Linear(2.5, 2)": lambda lib: lib.nn.Linear(2.5, 2),
    "Linear(-1, 2)": lambda lib: lib.nn.Linear(-1, 2),
    "Embedding(2.5, 2)": lambda lib: lib.nn.Embedding(2.5, 2),
    "dropout(p=1.5)": lambda lib: lib.nn.functional.dropout(lib.ones(3), p=1.5),
    "Dropout(p=2)": lambda lib: lib.nn.Dropout(p=2),
    "arange(0, 5, 0)": lambda lib: lib.arange(0, 5, 0),
    "cat([])": lambda lib: lib.cat([]),
    "MultiheadAttention(5, 2)": lambda lib: lib.nn.MultiheadAttention(5, 2),
    "zeros(-1)": lambda lib: lib.zeros(-1),
    "ones(2.5)": lambda lib: lib.ones(2.5),
    "randn(-1, 2)": lambda lib: lib.randn(-1, 2),
    "full((2, -3), 1.0)": lambda lib: lib.full((2, -3), 1.0),
    "linspace(0, 1, -1)": lambda lib: lib.linspace(0, 1, -1),
    "eye(-1)": lambda lib: lib.eye(-1),
    "ragged tensor": lambda lib: lib.tensor([[1, 2], [3]]),
    "randint(5, 2, (3,))": lambda lib: lib.randint(5, 2, (3,)),
    "flatten(2, 1)": lambda lib: lib.ones(2, 3, 4).flatten(2, 1),
    "Conv2d groups": lambda lib: lib.nn.Conv2d(3, 4, 3, groups=2),
    "load_state_dict shapes": lambda lib: lib.nn.Linear(2, 2).load_state_dict(
        {"weight": lib.zeros(3, 3), "bias": lib.zeros(2)}),
    "int add_ float": lambda lib: lib.tensor([1, 2, 3]).add_(0.5),
    "grad of another size": lambda lib: setattr(lib.zeros(3, requires_grad=True), "grad", lib.zeros(2)),
    "len of 0-d": lambda lib: len(lib.tensor(1.0)),
    "register_buffer dotted": lambda lib: lib.nn.Module().register_buffer("a.b", None),
}


def _raised(fn, lib):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(lib)
    except Exception as e:  # noqa: BLE001 - what was raised is the subject of the test
        return e
    return None


@pytest.mark.parametrize("name", list(CASES))
def test_error_is_a_minigrad_error_of_torchs_type(name):
    theirs = _raised(CASES[name], torch)
    mine = _raised(CASES[name], mg)
    assert theirs is not None, f"{name}: torch accepts it"
    assert isinstance(mine, MinigradError), f"{name}: raised {type(mine).__name__}: {mine}"
    for builtin in (TypeError, ValueError, RuntimeError, IndexError, KeyError, AssertionError, AttributeError):
        if isinstance(theirs, builtin):
            assert isinstance(mine, builtin), f"{name}: torch raises {type(theirs).__name__}, minigrad {type(mine).__mro__}"
    assert str(mine)


def test_zero_sized_layers_are_built_with_empty_weights():
    with pytest.warns(UserWarning, match="zero-element"):
        lin = nn.Linear(0, 2)
    assert lin.weight.shape == (2, 0) and lin.bias.shape == (2,)
    assert np.isfinite(lin.bias.numpy()).all()
    assert lin(mg.ones(4, 0)).shape == (4, 2)
    with pytest.warns(UserWarning, match="zero-element"):
        conv = nn.Conv2d(0, 4, 3)
    assert conv.weight.shape == (4, 0, 3, 3)
    with pytest.warns(UserWarning):
        nn.Linear(3, 0)


def test_float16_random_factories_work():
    for make in (mg.randn, mg.rand):
        t = make(2, 3, dtype=mg.float16)
        assert t.dtype == mg.float16 and t.shape == (2, 3)


def test_sizes_may_be_numpy_integers_or_tuples():
    assert mg.zeros(np.int64(2), 3).shape == (2, 3)
    assert mg.ones((2, 3)).shape == (2, 3) and mg.ones([4]).shape == (4,)
    assert mg.zeros(0).shape == (0,)
    assert nn.Linear(np.int32(3), 2).weight.shape == (2, 3)


def test_messages_name_the_op():
    with pytest.raises(MinigradError, match="arange"):
        mg.arange(0, 5, 0)
    with pytest.raises(MinigradError, match="negative dimension -1"):
        mg.randn(-1, 2)
    with pytest.raises(MinigradError, match="2.5"):
        nn.Linear(2.5, 2)
    with pytest.raises(MinigradError, match="dropout"):
        F.dropout(mg.ones(2), p=-0.1)
