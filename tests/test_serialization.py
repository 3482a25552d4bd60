"""minigrad.save / minigrad.load: round trips, refusing pickles, detecting damaged files, and
checkpoints that survive a crash in the middle of a save."""

import io
import math
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import DeviceError
from minigrad.serialization import CheckpointError


def model():
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))


def assert_same(a, b):
    """Deep equality of loaded objects: same types, keys (and their order), dtypes and values."""
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, mg.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape and a.requires_grad == b.requires_grad
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            assert_same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == b


# ---- round trips -------------------------------------------------------------------------------------
def test_state_dict_round_trip_gives_identical_outputs(tmp_path):
    mg.manual_seed(0)
    a = model()
    a(mg.randn(8, 3))  # move BatchNorm's running statistics
    path = tmp_path / "model.npz"
    mg.save(a.state_dict(), path)
    sd = mg.load(path)
    assert isinstance(sd, OrderedDict) and list(sd) == list(a.state_dict())
    assert sd["1.num_batches_tracked"].dtype == np.int64 and sd["1.num_batches_tracked"].shape == ()
    assert sd["0.weight"].dtype == np.float32
    b = model()
    b.load_state_dict(sd)
    a.eval()
    b.eval()
    x = mg.randn(5, 3)
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())


def test_nested_structures_like_optimizer_state(tmp_path):
    obj = {
        "state": {0: {"step": 3, "exp_avg": mg.randn(2, 3), "exp_avg_sq": mg.rand(2, 3, dtype=mg.float64)},
                  1: {"step": 3, "momentum_buffer": None}},
        "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "amsgrad": False, "params": [0, 1],
                          "name": "body"}],
        "ints": mg.tensor([1, 2, 3]),
        "flags": mg.tensor([True, False]),
        "array": np.arange(6, dtype=np.int32).reshape(2, 3),
        "weights": mg.randn(3, requires_grad=True),
        "special": [float("inf"), float("-inf"), float("nan"), -0.0, 2 ** 62, "ünïcode"],
        "empty": mg.zeros(0, 4),
        "scalar": mg.tensor(2.5),
    }
    path = tmp_path / "opt.npz"
    mg.save(obj, path)
    assert_same(obj, mg.load(path))


def test_file_objects_and_map_location(tmp_path):
    sd = model().state_dict()
    buffer = io.BytesIO()
    mg.save(sd, buffer)
    buffer.seek(0)
    assert_same(sd, mg.load(buffer))
    mg.save(sd, str(tmp_path / "m.npz"))  # str paths too
    loaded = mg.load(str(tmp_path / "m.npz"), map_location="cpu")
    assert all(t.device == "cpu" for t in loaded.values())
    with pytest.raises(DeviceError):
        mg.load(str(tmp_path / "m.npz"), map_location="tpu")


def test_torch_load_and_save_arguments_are_accepted(tmp_path):
    sd = model().state_dict()
    path = tmp_path / "m.pt"
    mg.save(sd, path, pickle_module=pickle, pickle_protocol=4, _use_new_zipfile_serialization=False)
    for weights_only in (True, False, None):
        assert_same(sd, mg.load(path, map_location=None, pickle_module=pickle, weights_only=weights_only,
                                mmap=False, encoding="latin1"))
    with pytest.raises(TypeError, match="weights_only"):
        mg.load(path, weights_only="yes")
    with pytest.raises(TypeError, match="map_location"):
        mg.load(path, map_location=3)


def test_map_location_forms(tmp_path):
    """str, device, dict and callable, as torch.load documents them (on a CPU machine)."""
    sd = model().state_dict()
    path = tmp_path / "m.npz"
    mg.save(sd, path)
    for where in ("cpu", mg.device("cpu"), {"cuda:0": "cpu"}, {"cpu": "cpu"}, lambda t, loc: t,
                  lambda t, loc: None):
        loaded = mg.load(path, map_location=where)
        assert_same(sd, loaded)
        assert all(t.device == "cpu" for t in loaded.values())
    seen = []

    def double(t, location):  # called once per tensor with a CPU tensor and the saved location
        seen.append((t.shape, location))
        return t * 2

    loaded = mg.load(path, map_location=double)
    assert seen == [(v.shape, "cpu") for v in sd.values()]
    for k, v in sd.items():
        np.testing.assert_array_equal(loaded[k].numpy(), v.numpy() * 2)
    with pytest.raises(DeviceError):  # a dict sending 'cpu' where there is no such device
        mg.load(path, map_location={"cpu": "tpu"})
    with pytest.raises(CheckpointError, match="must return a Tensor"):
        mg.load(path, map_location=lambda t, loc: "cpu")

    def broken(t, location):
        raise KeyError("mine")

    with pytest.raises(KeyError, match="mine"):  # the caller's own error, not a 'corrupt file'
        mg.load(path, map_location=broken)


def test_map_location_is_applied_to_plain_npz(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, w=np.ones((2, 2), np.float32))
    out = mg.load(path, map_location=lambda t, loc: (t + 1) if loc == "cpu" else None)
    np.testing.assert_array_equal(out["w"].numpy(), np.full((2, 2), 2, np.float32))


def test_map_location_matches_torch_on_a_torch_state_dict(tmp_path, torch):
    """The same call on torch and minigrad: a callable keeping tensors on the CPU."""
    net = torch.nn.Linear(3, 2)
    torch.save(net.state_dict(), tmp_path / "t.pt")
    ref = torch.load(tmp_path / "t.pt", map_location=lambda storage, loc: storage, weights_only=True)
    np.savez(tmp_path / "t.npz", **{k: v.numpy() for k, v in net.state_dict().items()})
    got = mg.load(tmp_path / "t.npz", map_location=lambda storage, loc: storage, weights_only=True)
    assert list(got) == list(ref)
    for k in ref:
        np.testing.assert_array_equal(got[k].numpy(), ref[k].numpy())


def test_exact_path_and_permissions(tmp_path):
    path = tmp_path / "ckpt.bin"  # no .npz added to the name
    mg.save({"a": mg.ones(2)}, path)
    assert os.listdir(tmp_path) == ["ckpt.bin"]
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask  # not the 0600 of a temporary file
    os.chmod(path, 0o640)
    mg.save({"a": mg.zeros(2)}, path)
    assert os.stat(path).st_mode & 0o777 == 0o640  # replacing keeps the old file's permissions


def test_plain_npz_of_pytorch_weights_loads(tmp_path, torch):
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    path = tmp_path / "torch_weights.npz"
    np.savez(path, **{k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    sd = mg.load(path)
    ours = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    ours.load_state_dict(sd)
    x = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    np.testing.assert_allclose(ours(mg.tensor(x)).numpy(), theirs(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-6, atol=1e-6)


def test_objects_beyond_plain_data_are_pickled_and_load_only_when_trusted(tmp_path):
    path = tmp_path / "x.npz"
    for other in ({"s": {1, 2}}, {"o": 3 + 4j, "r": range(3)}, {(1, 2): 3}, {"a": np.array([1, "x"], dtype=object)}):
        mg.save(other, path)
        loaded = mg.load(path, weights_only=False)
        assert loaded.keys() == other.keys() and str(loaded) == str(other)
    assert mg.load(path)["a"].dtype == object  # NumPy's own rebuilding is allowed by default
    mg.save({"r": range(3)}, path)
    with pytest.raises(pickle.UnpicklingError, match="names builtins.range, which is not an allowed global"):
        mg.load(path)


def test_what_cannot_be_pickled_is_refused_at_save(tmp_path):
    with pytest.raises(CheckpointError, match="nor can it be pickled"):
        mg.save([lambda: 0], tmp_path / "x.npz")
    assert not os.listdir(tmp_path)  # nothing was written


# ---- refusing pickles and damaged files ---------------------------------------------------------------
def test_pickled_content_is_refused(tmp_path, torch):
    class Boom:
        def __reduce__(self):
            return (os.system, ("echo pwned > " + str(tmp_path / "pwned"),))

    np.savez(tmp_path / "objects.npz", a=np.array([Boom()], dtype=object))
    with pytest.raises(CheckpointError, match="pickle"):
        mg.load(tmp_path / "objects.npz")
    with open(tmp_path / "plain.pkl", "wb") as f:
        pickle.dump({"w": Boom()}, f)
    with pytest.raises(CheckpointError, match="pickle"):
        mg.load(tmp_path / "plain.pkl")
    torch.save({"w": torch.ones(2), "boom": Boom()}, tmp_path / "torch.pt")  # torch's zip holding a pickle
    with pytest.raises(CheckpointError, match="posix.system|nt.system"):  # read, but only tensors & containers
        mg.load(tmp_path / "torch.pt")
    assert not (tmp_path / "pwned").exists()  # no code ran


def test_not_a_checkpoint(tmp_path):
    np.save(tmp_path / "single.npy", np.ones(3))
    with pytest.raises(CheckpointError, match="single"):
        mg.load(tmp_path / "single.npy")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(CheckpointError):
        mg.load(tmp_path / "text.npz")
    np.savez(tmp_path / "other.npz", __structure__=np.frombuffer(b'{"format": "other"}', dtype=np.uint8))
    with pytest.raises(CheckpointError, match="not a minigrad checkpoint"):
        mg.load(tmp_path / "other.npz")
    newer = b'{"format": "minigrad.checkpoint", "version": 99, "root": null}'
    np.savez(tmp_path / "newer.npz", __structure__=np.frombuffer(newer, dtype=np.uint8))
    with pytest.raises(CheckpointError, match="newer"):
        mg.load(tmp_path / "newer.npz")
    with pytest.raises(FileNotFoundError):
        mg.load(tmp_path / "missing.npz")


def _small_checkpoint(path):
    obj = {"w": mg.tensor(np.arange(12, dtype=np.float32).reshape(3, 4)), "step": 7,
           "b": mg.tensor(np.array([1.5, -2.0]))}
    mg.save(obj, path)
    return obj


def test_truncated_files_are_detected(tmp_path):
    path = tmp_path / "c.npz"
    _small_checkpoint(path)
    data = path.read_bytes()
    for cut in [0, 1, 10, len(data) // 3, len(data) // 2, len(data) - 30, len(data) - 1]:
        (tmp_path / "t.npz").write_bytes(data[:cut])
        with pytest.raises(CheckpointError, match="truncated or corrupted"):
            mg.load(tmp_path / "t.npz")


def test_any_flipped_byte_is_detected_or_harmless(tmp_path):
    """Flip each byte of a checkpoint in turn: loading either raises CheckpointError or returns
    exactly the saved content (a flip in, say, a timestamp changes nothing), never wrong values."""
    path = tmp_path / "c.npz"
    obj = _small_checkpoint(path)
    data = bytearray(path.read_bytes())
    damaged = tmp_path / "d.npz"
    detected = 0
    for i in range(len(data)):
        data[i] ^= 0xFF
        damaged.write_bytes(bytes(data))
        data[i] ^= 0xFF
        try:
            got = mg.load(damaged)
        except CheckpointError:
            detected += 1
            continue
        assert_same(obj, got)
    assert detected > len(data) // 2


# ---- crashes in the middle of a save ------------------------------------------------------------------
def test_failed_save_leaves_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    old = {"w": mg.ones(3)}
    mg.save(old, path)
    from minigrad import serialization

    real_savez = np.savez

    def crash_midway(f, **members):
        f.write(b"PK\x03\x04 half an archive")  # some bytes reach the temporary file first
        raise KeyboardInterrupt

    monkeypatch.setattr(serialization.np, "savez", crash_midway)
    with pytest.raises(KeyboardInterrupt):
        mg.save({"w": mg.zeros(3)}, path)
    monkeypatch.setattr(serialization.np, "savez", real_savez)
    assert_same(old, mg.load(path))
    assert os.listdir(tmp_path) == ["ckpt.npz"]  # the temporary file was removed

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(serialization.os, "replace", disk_full)
    with pytest.raises(OSError, match="No space"):
        mg.save({"w": mg.zeros(3)}, path)
    assert_same(old, mg.load(path))
    assert os.listdir(tmp_path) == ["ckpt.npz"]


def _run_child(code, tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.getcwd()] + sys.path))
    script = tmp_path / "child.py"
    script.write_text(textwrap.dedent(code))
    return subprocess.Popen([sys.executable, str(script)], env=env, cwd=os.getcwd())


def test_process_dying_before_rename_leaves_previous_checkpoint(tmp_path):
    """The process exits abruptly (no cleanup, like a power cut) once the new bytes are written
    but before the rename: the previous checkpoint is still there, whole."""
    path = tmp_path / "ckpt.npz"
    old = {"w": mg.tensor(np.arange(5.0))}
    mg.save(old, path)
    child = _run_child(f"""
        import os
        import minigrad as mg
        from minigrad import serialization
        serialization.os.fsync = lambda fd: os._exit(3)
        mg.save({{"w": mg.zeros(1000)}}, {str(path)!r})
    """, tmp_path)
    assert child.wait(timeout=60) == 3
    assert_same(old, mg.load(path))


def test_process_killed_at_random_moments_never_breaks_the_checkpoint(tmp_path):
    """A child saves two big checkpoints in turn, over and over; SIGKILL it at several moments.
    Whatever the moment, the file at the path loads and holds one of the two, whole."""
    path = tmp_path / "ckpt.npz"
    child_code = f"""
        import numpy as np
        import minigrad as mg
        big = [np.full((1 << 20,), float(v), dtype=np.float64) for v in (1, 2)]
        i = 0
        while True:
            mg.save({{"w": mg.tensor(big[i % 2]), "i": i % 2}}, {str(path)!r})
            i += 1
    """
    for delay in (0.3, 0.45, 0.6):
        child = _run_child(child_code, tmp_path)
        deadline = time.time() + 30
        while not path.exists() and time.time() < deadline:
            time.sleep(0.02)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        got = mg.load(path)
        assert got["i"] in (0, 1)
        np.testing.assert_array_equal(got["w"].numpy(), np.full(1 << 20, float(got["i"] + 1)))
        assert zipfile.is_zipfile(path)
