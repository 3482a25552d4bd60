"""Checkpoints under faults: a save cut off at any byte, files truncated or overwritten with
garbage, pickles, and state dicts that do not fit the model.

A realistic checkpoint is used throughout: a small CNN's state_dict (with BatchNorm's running
statistics and its integer step counter) and an Adam optimizer's state, after a few steps.

- A save that fails after writing any number of bytes (a full disk) leaves the previous
  checkpoint byte for byte as it was, and no temporary file behind.
- Every truncation of a checkpoint, and hundreds of random overwrites, either raise
  ``CheckpointError`` or load exactly what was saved: never other values.
- Loading never unpickles anything (pickle itself is switched off while loading).
- ``load_state_dict`` with wrong shapes, dtypes, keys or values names every bad key, and a
  failed load leaves the model exactly as it was.

(tests/test_serialization.py covers the format itself, SIGKILL in the middle of saves, and
a process dying before the rename.) Counts go to $MINIGRAD_RELIABILITY_DIR/checkpoints_*.json
when that variable is set.
"""

import errno
import os
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import minigrad
from minigrad import nn, optim
from minigrad.nn import functional as F
from minigrad.serialization import CheckpointError

from reliability_figures import record


def _trained(seed=0, steps=3):
    """A small CNN and its Adam optimizer after a few training steps."""
    minigrad.manual_seed(seed)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 4 * 4, 3))
    opt = optim.Adam(model.parameters(), lr=1e-2)
    x, y = minigrad.randn(4, 1, 6, 6), minigrad.tensor(np.array([0, 1, 2, 1]))
    for _ in range(steps):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    return model, opt


def _checkpoint(seed=0):
    model, opt = _trained(seed)
    return {"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": seed}


def _same(a, b):
    """Deep equality, bit for bit for arrays, with types, keys and their order."""
    if isinstance(a, minigrad.Tensor) or isinstance(a, np.ndarray):
        a = a.numpy() if isinstance(a, minigrad.Tensor) else a
        b = b.numpy() if isinstance(b, minigrad.Tensor) else b
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def _snapshot(model):
    return OrderedDict((k, v.numpy().copy()) for k, v in model.state_dict().items())


# ---- a save cut off part way ------------------------------------------------------------------------
class _DiskFillsUp:
    """A file object that accepts ``room`` bytes, writes them, then fails like a full disk."""

    def __init__(self, f, room):
        self.f, self.room = f, room

    def write(self, data):
        data = bytes(data)
        if len(data) > self.room:
            self.f.write(data[:self.room])
            self.room = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return self.f.write(data)

    def __getattr__(self, name):
        return getattr(self.f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()
        return False


def test_a_save_cut_off_anywhere_leaves_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    old, new = _checkpoint(0), _checkpoint(1)
    minigrad.save(old, path)
    before = path.read_bytes()
    minigrad.save(new, tmp_path / "size.npz")
    size = (tmp_path / "size.npz").stat().st_size
    os.unlink(tmp_path / "size.npz")

    real_fdopen = os.fdopen
    cuts = sorted({0, 1, 30, 100, 1000, size // 4, size // 2, 3 * size // 4, size - 100, size - 22, size - 1})
    for room in cuts:
        monkeypatch.setattr(os, "fdopen", lambda fd, *a, room=room, **k: _DiskFillsUp(real_fdopen(fd, *a, **k), room))
        with pytest.raises(OSError, match="No space"):
            minigrad.save(new, path)
        monkeypatch.setattr(os, "fdopen", real_fdopen)
        assert path.read_bytes() == before, f"the previous checkpoint changed after a save cut at byte {room}"
        assert os.listdir(tmp_path) == ["ckpt.npz"], f"a temporary file was left (cut at byte {room})"
    assert _same(minigrad.load(path), old)

    minigrad.save(new, path)  # and with room enough, the save goes through
    assert _same(minigrad.load(path), new)
    record("checkpoints_interrupted", {"cuts": len(cuts), "size": size})


def test_an_interrupted_save_keeps_a_usable_model(tmp_path, monkeypatch):
    """Ctrl-C in the middle of saving: the model restored from the previous checkpoint computes
    exactly what it computed when that checkpoint was taken."""
    path = tmp_path / "ckpt.npz"
    model, opt = _trained(0)
    x = minigrad.randn(2, 1, 6, 6)
    model.eval()
    expected = model(x).numpy()
    minigrad.save({"model": model.state_dict(), "optimizer": opt.state_dict()}, path)

    more, _ = _trained(0, steps=6)  # training went on; its save is interrupted
    real_fdopen = os.fdopen

    class Interrupt(_DiskFillsUp):
        def write(self, data):
            if len(data) > self.room:
                raise KeyboardInterrupt
            return super().write(data)

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: Interrupt(real_fdopen(fd, *a, **k), 500))
    with pytest.raises(KeyboardInterrupt):
        minigrad.save({"model": more.state_dict()}, path)
    monkeypatch.setattr(os, "fdopen", real_fdopen)

    restored, restored_opt = _trained(5, steps=0)  # other weights, no optimizer state yet
    checkpoint = minigrad.load(path)
    restored.load_state_dict(checkpoint["model"])
    restored_opt.load_state_dict(checkpoint["optimizer"])
    restored.eval()
    np.testing.assert_array_equal(restored(x).numpy(), expected)


# ---- damaged files ----------------------------------------------------------------------------------
def test_every_truncation_is_detected(tmp_path):
    path = tmp_path / "ckpt.npz"
    minigrad.save(_checkpoint(), path)
    data = path.read_bytes()
    cut = tmp_path / "cut.npz"
    for n in range(len(data)):
        cut.write_bytes(data[:n])
        with pytest.raises(CheckpointError):
            minigrad.load(cut)
    record("checkpoints_truncated", {"cases": len(data)})


def test_random_overwrites_are_detected_or_harmless(tmp_path):
    """Overwrite a random span (1 to 64 bytes) with random bytes, 300 times: each damaged file
    raises CheckpointError or loads exactly the saved checkpoint (a byte of a zip header that
    nobody reads, say); never different values."""
    path = tmp_path / "ckpt.npz"
    saved = _checkpoint()
    minigrad.save(saved, path)
    data = path.read_bytes()
    rng = np.random.default_rng(0)
    damaged, detected, harmless = tmp_path / "damaged.npz", 0, 0
    for _ in range(300):
        start = int(rng.integers(0, len(data)))
        n = int(rng.integers(1, 65))
        junk = rng.integers(0, 256, size=n, dtype=np.uint8).tobytes()
        bad = data[:start] + junk[:len(data) - start] + data[start + n:]
        damaged.write_bytes(bad)
        try:
            got = minigrad.load(damaged)
        except CheckpointError:
            detected += 1
            continue
        assert _same(got, saved), f"{n} bytes overwritten at {start} loaded as different values"
        harmless += 1
    assert detected > 250
    record("checkpoints_corrupted", {"cases": 300, "detected": detected, "harmless": harmless})


# ---- pickles ----------------------------------------------------------------------------------------
def test_loading_never_unpickles(tmp_path, monkeypatch):
    ran = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (open, (str(ran), "w"))

    files = {
        "pickle.npz": lambda p: p.write_bytes(pickle.dumps({"w": Payload()})),
        "objects.npz": lambda p: np.savez(p, w=np.array([Payload()], dtype=object)),
        "object_member.npz": lambda p: np.savez(p, __structure__=np.frombuffer(b"{}", np.uint8),
                                                a0=np.array([{"w": 1}], dtype=object)),
    }
    for name, write in files.items():
        write(tmp_path / name)
    good = tmp_path / "good.npz"
    minigrad.save(_checkpoint(), good)

    def refuse(*args, **kwargs):
        raise AssertionError("load unpickled something")

    for fn in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, fn, refuse)
    for name in files:
        with pytest.raises(CheckpointError, match="pickle"):
            minigrad.load(tmp_path / name)
    assert _same(minigrad.load(good), _checkpoint())  # a real checkpoint needs no pickle
    assert not ran.exists()


# ---- state dicts that do not fit -------------------------------------------------------------------
def _bad_state_dicts(model):
    good = model.state_dict()
    keys = list(good)

    def edited(**changes):
        sd = OrderedDict((k, v.clone()) for k, v in good.items())
        for k, v in changes.items():
            k = k.replace("__", ".")
            if v is None:
                del sd[k]
            else:
                sd[k] = v
        return sd

    wide = minigrad.zeros(3, 2 * 4 * 4 + 1)
    return {
        "shape": (edited(**{"4__weight": wide, "0__bias": minigrad.zeros(5)}), ["4.weight", "0.bias"]),
        "float into an int buffer": (edited(**{"1__num_batches_tracked": minigrad.tensor(2.5)}),
                                     ["1.num_batches_tracked"]),
        "not a number": (edited(**{"1__running_mean": "zeros", "4__bias": np.array(["a", "b", "c"])}),
                         ["1.running_mean", "4.bias"]),
        "missing": (edited(**{"1__running_var": None}), ["1.running_var"]),
        "unexpected": (OrderedDict(list(edited().items()) + [("5.weight", minigrad.zeros(2))]), ["5.weight"]),
        "last key wrong": (edited(**{keys[-1]: minigrad.zeros(7)}), [keys[-1]]),
    }


@pytest.mark.parametrize("case", ["shape", "float into an int buffer", "not a number", "missing", "unexpected",
                                  "last key wrong"])
def test_a_bad_state_dict_names_every_bad_key_and_changes_nothing(case):
    model, _ = _trained(0)
    before = _snapshot(model)
    x = minigrad.randn(2, 1, 6, 6)
    model.eval()
    out_before = model(x).numpy()
    state, bad_keys = _bad_state_dicts(_trained(1)[0])[case]
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(state)
    message = str(info.value)
    for key in bad_keys:
        assert key in message, f"{case}: the error does not name {key!r}:\n{message}"
    after = _snapshot(model)
    assert list(after) == list(before)
    for k in before:
        assert after[k].dtype == before[k].dtype and after[k].tobytes() == before[k].tobytes(), \
            f"{case}: {k} changed although the load failed"
    np.testing.assert_array_equal(model(x).numpy(), out_before)


def test_a_checkpoint_of_another_model_is_refused_whole(tmp_path):
    """A checkpoint of a wider model, loaded from disk: every layer that differs is named."""
    minigrad.manual_seed(0)
    wide = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    narrow = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 2))
    minigrad.save(wide.state_dict(), tmp_path / "wide.npz")
    before = _snapshot(narrow)
    with pytest.raises(RuntimeError) as info:
        narrow.load_state_dict(minigrad.load(tmp_path / "wide.npz"))
    for key in ("0.weight", "0.bias", "2.weight"):
        assert key in str(info.value)
    assert "2.bias" not in str(info.value)  # (2,) fits: only the keys that differ are named
    assert all(before[k].tobytes() == v.tobytes() for k, v in _snapshot(narrow).items())


# ---- hostile files: lying sizes, zip bombs, deep nesting, odd fields, cycles -----------------------
def _npz_with_member(path, member_name, raw):
    """A zip holding one stored member with the given raw bytes (as a hand-made file would)."""
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(member_name, raw)


def _npy_bytes(shape, dtype="<f4", data=b""):
    import io

    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buf.getvalue() + data


def test_a_header_declaring_2gib_is_refused_before_allocating(tmp_path, monkeypatch):
    path = tmp_path / "liar.npz"
    _npz_with_member(path, "a0.npy", _npy_bytes((2 ** 29,), data=b"\0" * 64))  # 2 GiB claimed
    assert path.stat().st_size < 400
    allocated = []
    real_empty = np.empty

    def spy(shape, *args, **kwargs):
        allocated.append(shape)
        return real_empty(shape, *args, **kwargs)

    monkeypatch.setattr(np, "empty", spy)
    with pytest.raises(CheckpointError, match="declares an array of shape"):
        minigrad.load(path)
    assert not allocated


def test_a_zip_bomb_member_is_refused_by_its_ratio(tmp_path):
    import zipfile

    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a0.npy", _npy_bytes((2 ** 22,), data=b"\0" * 2 ** 24))
    info = zipfile.ZipFile(path).infolist()[0]
    info_ratio = info.file_size / info.compress_size
    assert info_ratio < 1100  # real deflate stays under the bound: this one loads...
    out = minigrad.load(path)
    assert out["a0"].shape == (2 ** 22,)
    raw = bytearray(path.read_bytes())  # ...but a member whose sizes were edited to lie does not
    import struct

    cd = raw.rfind(b"PK\x01\x02")
    struct.pack_into("<I", raw, cd + 24, 2 ** 31)  # uncompressed size in the central directory
    path.write_bytes(bytes(raw))
    with pytest.raises(CheckpointError):
        minigrad.load(path)


def test_deeply_nested_structure_is_a_checkpoint_error(tmp_path):
    import json

    text = json.dumps({"format": "minigrad.checkpoint", "version": 1, "root": None})
    deep = "[" * 100_000 + "]" * 100_000
    text = text.replace("null", deep)
    path = tmp_path / "deep.npz"
    np.savez(path, __structure__=np.frombuffer(text.encode(), dtype=np.uint8))
    with pytest.raises(CheckpointError, match="nested too deeply"):
        minigrad.load(path)


def test_a_string_version_field_is_a_checkpoint_error(tmp_path):
    import json

    text = json.dumps({"format": "minigrad.checkpoint", "version": "1", "root": None})
    path = tmp_path / "version.npz"
    np.savez(path, __structure__=np.frombuffer(text.encode(), dtype=np.uint8))
    with pytest.raises(CheckpointError, match="version"):
        minigrad.load(path)


def test_a_dict_that_contains_itself_is_pickled_and_comes_back_so(tmp_path):
    d = {"a": 1}
    d["self"] = d
    minigrad.save(d, tmp_path / "cycle.npz")  # not a tree of plain data: pickled, as torch.save would
    loaded = minigrad.load(tmp_path / "cycle.npz")  # (it names no class: allowed by default)
    assert loaded["a"] == 1 and loaded["self"] is loaded
    shared = [1, 2]
    minigrad.save({"x": shared, "y": shared}, tmp_path / "shared.npz")  # sharing is not a cycle
    assert minigrad.load(tmp_path / "shared.npz") == {"x": [1, 2], "y": [1, 2]}
    deep = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(CheckpointError, match="nested too deeply"):
        minigrad.save(deep, tmp_path / "deep.npz")
