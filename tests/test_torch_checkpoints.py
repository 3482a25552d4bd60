"""minigrad.load of the files torch.save writes (minigrad/torch_format.py): state dicts,
optimizer state, parameters, every storage dtype (bfloat16 as float32), views sharing a
storage, map_location; a whole pickled model and a damaged file get clear errors.

tests/golden/torch_checkpoint.pt was written by torch 2.13 (its values beside it, in
torch_checkpoint_values.npz), so the reader is tested where torch is not installed too."""

import os
import zipfile

import numpy as np
import pytest

import minigrad as mg
from minigrad.serialization import CheckpointError

GOLDEN = os.path.join(os.path.dirname(__file__), "golden")


def test_a_file_torch_wrote_loads_without_torch():
    loaded = mg.load(os.path.join(GOLDEN, "torch_checkpoint.pt"))
    want = np.load(os.path.join(GOLDEN, "torch_checkpoint_values.npz"))
    assert loaded["epoch"] == 7 and loaded["names"] == ["a", "b"]
    for key in want.files:
        np.testing.assert_array_equal(loaded[key].numpy(), want[key], err_msg=key)
        assert loaded[key].dtype == want[key].dtype, key  # bf16 as float32, the rest as saved
    assert loaded["view"].shape == (3, 2) and loaded["view"].is_contiguous()


@pytest.mark.torch
def test_state_dicts_of_torch_models_and_optimizers_load_into_minigrad(torch, tmp_path):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                              torch.nn.Flatten(), torch.nn.Linear(4 * 4 * 4, 3))
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    x = torch.randn(2, 1, 6, 6)
    net(x).sum().backward()
    opt.step()
    net.eval()
    path = tmp_path / "ckpt.pt"
    torch.save({"model": net.state_dict(), "optimizer": opt.state_dict(), "epoch": 3,
                "params": list(net.parameters())[:2]}, path)
    ckpt = mg.load(str(path))
    ours = mg.nn.Sequential(mg.nn.Conv2d(1, 4, 3), mg.nn.BatchNorm2d(4), mg.nn.ReLU(),
                            mg.nn.Flatten(), mg.nn.Linear(4 * 4 * 4, 3))
    ours.load_state_dict(ckpt["model"])
    ours.eval()
    np.testing.assert_allclose(ours(mg.tensor(x.numpy())).detach().numpy(), net(x).detach().numpy(),
                               rtol=1e-5, atol=1e-6)
    assert ckpt["model"]["1.num_batches_tracked"].dtype == mg.int64
    state = ckpt["optimizer"]["state"][0]
    np.testing.assert_array_equal(state["exp_avg"].numpy(), opt.state_dict()["state"][0]["exp_avg"].numpy())
    assert ckpt["optimizer"]["param_groups"][0]["lr"] == 0.01 and ckpt["epoch"] == 3
    assert all(isinstance(p, mg.nn.Parameter) and p.requires_grad for p in ckpt["params"])
    # and a minigrad Adam takes that state
    opt_ours = mg.optim.Adam(ours.parameters(), lr=0.01)
    opt_ours.load_state_dict(ckpt["optimizer"])
    assert opt_ours.param_groups[0]["lr"] == 0.01


@pytest.mark.torch
def test_file_objects_map_location_and_shared_storages(torch, tmp_path):
    import io

    base = torch.arange(12.0).reshape(3, 4)
    buffer = io.BytesIO()
    torch.save({"a": base, "b": base[1:, ::2], "g": torch.ones(2, requires_grad=True)}, buffer)
    buffer.seek(0)
    seen = []
    loaded = mg.load(buffer, map_location=lambda t, location: seen.append(location) or t)
    np.testing.assert_array_equal(loaded["b"].numpy(), base[1:, ::2].numpy())
    assert seen == ["cpu"] * 3 and loaded["g"].requires_grad
    buffer.seek(0)
    assert mg.load(buffer, map_location="cpu", weights_only=True)["a"].device.type == "cpu"


@pytest.mark.torch
def test_a_whole_model_and_a_damaged_file_are_refused_clearly(torch, tmp_path):
    path = tmp_path / "model.pt"
    torch.save(torch.nn.Linear(2, 2), path)
    with pytest.raises(CheckpointError, match=r"pickles torch\.nn\.modules\.linear\.Linear.*state_dict"):
        mg.load(str(path), weights_only=False)
    good = tmp_path / "good.pt"
    torch.save({"w": torch.ones(3)}, good)
    damaged = tmp_path / "damaged.pt"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, data[: len(data) // 2] if item.filename.endswith("data.pkl") else data)
    with pytest.raises(CheckpointError, match="looks like a PyTorch checkpoint but cannot be read"):
        mg.load(str(damaged))
    missing = tmp_path / "missing.pt"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(missing, "w") as dst:
        for item in src.infolist():
            if "/data/" not in item.filename:
                dst.writestr(item, src.read(item))
    with pytest.raises(CheckpointError, match="cannot be read"):
        mg.load(str(missing))


@pytest.mark.torch
def test_other_pickled_classes_need_weights_only_false(torch, tmp_path):
    path = tmp_path / "numpy.pt"
    torch.save({"arr": np.arange(3.0), "step": torch.tensor(3.0)}, path)
    with pytest.raises(CheckpointError, match="not a tensor or a container: pass weights_only=False"):
        mg.load(str(path))
    loaded = mg.load(str(path), weights_only=False)
    np.testing.assert_array_equal(loaded["arr"], np.arange(3.0))
    assert loaded["step"].item() == 3.0
