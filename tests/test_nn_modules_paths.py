"""minigrad.nn.modules: PyTorch's torch.nn.modules import paths, holding minigrad.nn's very classes."""

import importlib

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn.modules import SOURCES
from minigrad.nn.modules.utils import _ntuple, _pair, _quadruple, _reverse_repeat_tuple, _single, _triple


def test_private_bases_programs_subclass():
    from minigrad.nn.modules.batchnorm import _BatchNorm, _NormBase
    from minigrad.nn.modules.conv import _ConvNd
    from minigrad.nn.modules.loss import _Loss, _WeightedLoss
    from minigrad.nn.modules.module import Module

    assert issubclass(mg.nn.BatchNorm2d, _BatchNorm) and issubclass(_BatchNorm, _NormBase)
    assert issubclass(mg.nn.Conv2d, _ConvNd) and issubclass(mg.nn.CrossEntropyLoss, _WeightedLoss)
    assert Module is mg.nn.Module and mg.nn.modules.Linear is mg.nn.Linear

    class Scaled(_Loss):  # a custom loss as PyTorch programs write it
        def forward(self, a, b):
            d = ((a - b) ** 2).sum()
            return d / a.numel() if self.reduction == "mean" else d

    a, b = mg.tensor([1.0, 2.0]), mg.tensor([0.0, 0.0])
    assert float(Scaled()(a, b)) == 2.5 and float(Scaled(reduction="sum")(a, b)) == 5.0


def test_ntuples():
    assert _pair(3) == (3, 3) and _pair((1, 2)) == (1, 2) and _single(4) == (4,)
    assert _triple(0) == (0, 0, 0) and _quadruple(1) == (1,) * 4 and _ntuple(5)(2) == (2,) * 5
    assert _pair([5, 6]) == (5, 6) and _reverse_repeat_tuple((1, 2), 2) == (2, 2, 1, 1)


def test_every_submodule_imports_and_holds_nn_objects():
    for name in SOURCES:
        sub = importlib.import_module(f"minigrad.nn.modules.{name}")
        for attr, obj in vars(sub).items():
            if isinstance(obj, type) and attr[0] != "_" and hasattr(mg.nn, attr):
                assert getattr(mg.nn, attr) is obj, (name, attr)


def test_the_classes_sit_where_torch_has_them():
    torch = pytest.importorskip("torch")
    missing = []
    for name in SOURCES:
        theirs = importlib.import_module(f"torch.nn.modules.{name}")
        ours = importlib.import_module(f"minigrad.nn.modules.{name}")
        for attr, obj in vars(theirs).items():
            if isinstance(obj, type) and obj.__module__ == theirs.__name__ and hasattr(mg.nn, attr) \
                    and issubclass(obj, torch.nn.Module):
                if getattr(ours, attr, None) is not getattr(mg.nn, attr):
                    missing.append(f"{name}.{attr}")
    assert not missing
    for fn in ("_single", "_pair", "_triple", "_quadruple"):
        for x in (2, (3, 4)):
            assert getattr(torch.nn.modules.utils, fn)(x) == getattr(mg.nn.modules.utils, fn)(x)
    np.testing.assert_equal(torch.nn.modules.utils._reverse_repeat_tuple((1, 2, 3), 2),
                            _reverse_repeat_tuple((1, 2, 3), 2))
