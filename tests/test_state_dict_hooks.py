"""Stepping into state_dict() and load_state_dict() as PyTorch programs do
(minigrad/nn/state_dict_hooks.py): a _load_from_state_dict override that renames an old key,
the load and save hooks, state_dict()._metadata; the same calls run on torch alongside."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ArgumentRuntimeError


def _model(fw):
    class Block(fw.nn.Module):
        _version = 2

        def __init__(self):
            super().__init__()
            self.proj = fw.nn.Linear(2, 2)
            self.register_buffer("scale", fw.ones(1))

        def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                                  unexpected_keys, error_msgs):
            if local_metadata.get("version", 1) < 2 and prefix + "gain" in state_dict:  # the old name
                state_dict[prefix + "scale"] = state_dict.pop(prefix + "gain")
            if prefix + "refuse" in state_dict:
                error_msgs.append("this checkpoint is refused")
            super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                          unexpected_keys, error_msgs)

    return fw.nn.Sequential(Block(), fw.nn.ReLU())


@pytest.mark.torch
def test_an_override_renames_an_old_key_as_in_torch(torch):
    for fw in (mg, torch):
        model = _model(fw)
        state = model.state_dict()
        assert dict(state._metadata) == {"": {"version": 1}, "0": {"version": 2}, "0.proj": {"version": 1},
                                         "1": {"version": 1}}
        old = type(state)((k.replace("scale", "gain"), v * 3) for k, v in state.items())
        old._metadata = type(state._metadata)(state._metadata)
        old._metadata["0"] = {"version": 1}
        model.load_state_dict(old)
        assert model[0].scale.tolist() == [3.0]
        old["0.refuse"] = fw.zeros(1)
        with pytest.raises(RuntimeError, match="this checkpoint is refused"):
            model.load_state_dict(old, strict=False)
    assert model[0].scale.tolist() == [3.0]  # (minigrad: nothing changed by the refused load)


@pytest.mark.torch
def test_load_and_save_hooks_run_as_in_torch(torch):
    def run(fw):
        calls = []
        model = fw.nn.Sequential(fw.nn.Linear(2, 2))
        inner = model[0]
        inner.register_load_state_dict_pre_hook(
            lambda module, sd, prefix, *rest: calls.append(("pre", type(module).__name__, prefix, sorted(sd))))
        handle = inner.register_load_state_dict_post_hook(
            lambda module, keys: calls.append(("post", sorted(keys.missing_keys), sorted(keys.unexpected_keys))))
        inner.register_state_dict_pre_hook(lambda module, prefix, keep_vars: calls.append(("save", prefix, keep_vars)))
        inner._register_state_dict_hook(lambda module, sd, prefix, meta: calls.append(("saved", prefix, sorted(sd))))
        state = model.state_dict()
        model.load_state_dict({"0.weight": state["0.weight"], "extra": fw.zeros(1)}, strict=False)
        handle.remove()
        model.load_state_dict(state)
        return calls

    ours, theirs = run(mg), run(torch)
    assert ours == theirs


def test_a_state_dict_hook_may_replace_the_state_dict():
    model = mg.nn.Linear(2, 2)
    model._register_state_dict_hook(lambda module, sd, prefix, meta: {k.upper(): v for k, v in sd.items()})
    assert sorted(model.state_dict()) == ["BIAS", "WEIGHT"]
    with pytest.raises(ArgumentRuntimeError, match="Missing key"):
        mg.nn.Linear(2, 3).load_state_dict(model.state_dict())
    plain = {}
    mg.nn.Linear(2, 2).state_dict(destination=plain)  # a plain dict as destination: no _metadata to carry
    assert sorted(plain) == ["bias", "weight"]
    np.testing.assert_array_equal(model.state_dict()["WEIGHT"].numpy(), model.weight.detach().numpy())
