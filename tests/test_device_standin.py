"""The strict CuPy stand-in (tests/standin_cupy) keeps CuPy's rules, and only CuPy's names.

These tests run in every suite, GPU or not: they hold the stand-in itself to account, so a
green device run on it means something. The device suite that uses it is
``MINIGRAD_STANDIN_CUDA=1 python -m pytest -m gpu`` (see tests/conftest.py).
"""

import importlib
import pathlib
import re

import numpy as np
import pytest

import standin_cupy as cp
from standin_cupy import _trace
from standin_cupy._functions import cupy_names

ROOT = pathlib.Path(__file__).resolve().parent.parent


# ---- CuPy's rules ---------------------------------------------------------------------------------
def test_no_implicit_conversion_to_the_host():
    a = cp.asarray([1.0, 2.0])
    assert not isinstance(a, np.ndarray) and hasattr(a, "__cuda_array_interface__")
    for convert in (np.asarray, np.array, lambda x: np.float64(1.0) * np.ones(2) + np.asarray(x)):
        with pytest.raises(TypeError, match="Implicit conversion to a NumPy array is not allowed"):
            convert(a)
    with pytest.raises(TypeError):
        range(cp.asarray(3))  # CuPy's arrays have no __index__


def test_host_arrays_do_not_mix_with_device_arrays():
    a, h = cp.ones(3), np.ones(3)
    for mix in (lambda: a + h, lambda: h * a, lambda: cp.add(a, h), lambda: np.add(a, h),
                lambda: cp.concatenate([a, h]), lambda: np.concatenate([a, h]), lambda: cp.where(a > 0, a, h),
                lambda: a.dot(h)):
        with pytest.raises(TypeError, match="numpy.ndarray"):
            mix()
    # Python and NumPy scalars are fine, and host data may be uploaded explicitly
    assert isinstance(a * 2 + np.float32(1) - True, cp.ndarray)
    assert (cp.asarray(h) + a).get().tolist() == [2.0, 2.0, 2.0]


def test_numpy_functions_dispatch_to_the_device_or_refuse():
    a = cp.asarray([[1.0, 2.0], [3.0, 4.0]])
    assert isinstance(np.exp(a), cp.ndarray) and isinstance(np.concatenate([a, a]), cp.ndarray)
    assert isinstance(np.linalg.inv(a), cp.ndarray)
    assert isinstance(np.sum(a), cp.ndarray) and np.sum(a).ndim == 0  # reductions give 0-d arrays
    with pytest.raises(TypeError):  # a name CuPy lacks: NumPy finds no implementation
        np.block([a, a])


def test_the_ways_back_are_explicit_and_counted():
    a = cp.asarray([1.5, 2.5])
    with _trace.counting() as syncs:
        assert isinstance(a.get(), np.ndarray) and isinstance(cp.asnumpy(a), np.ndarray)
        assert float(a[0]) == 1.5 and a[1].item() == 2.5 and a.tolist() == [1.5, 2.5] and bool(a[0])
    assert syncs == ["get", "get", "float", "item", "tolist", "bool"]
    with _trace.no_sync():
        b = (a * 2).sum()  # device work only
        with pytest.raises(_trace.HiddenSync, match="item"):
            b.item()


def test_devices_and_transfers():
    a = cp.zeros(3)
    assert a.device.id == 0 and cp.cuda.runtime.getDeviceCount() == 2
    with cp.cuda.Device(1):
        b = cp.ones(3)
        moved = cp.asarray(a)  # from device 0: a copy on the current device
        assert cp.asarray(b) is b  # already here: no copy
    assert b.device.id == 1 and moved.device.id == 1 and moved is not a
    with pytest.raises(ValueError, match="device 1"):
        a + b  # kernels refuse arrays from another device
    assert cp.cuda.Device().id == 0


def test_views_keep_their_owner():
    a = cp.arange(12.0)
    v = a.reshape(3, 4)[1:]
    assert v.base is a and v.base is v.base and a.base is None
    v[0, 0] = -1.0
    assert a[4].item() == -1.0
    strided = cp.lib.stride_tricks.as_strided(a, (2, 2), (8, 16))
    assert strided.base is a and strided.get().tolist() == [[0.0, 2.0], [1.0, 3.0]]


def test_ufunc_at_and_inplace_out():
    a = cp.zeros(3)
    cp.add.at(a, cp.asarray([0, 0, 2]), 1.0)
    assert a.get().tolist() == [2.0, 0.0, 1.0]
    out = cp.empty(3)
    assert cp.multiply(a, 2, out=out) is out and out.get().tolist() == [4.0, 0.0, 2.0]


def test_the_generator_has_cupys_api_and_its_own_stream():
    g = cp.random.default_rng(0)
    for missing in ("permutation", "normal", "choice", "shuffle", "bit_generator_state"):
        assert not hasattr(g, missing)
    u = g.random((4,), dtype=np.float32)
    assert isinstance(u, cp.ndarray) and u.dtype == np.float32
    assert not np.array_equal(cp.random.default_rng(0).random(8).get(), np.random.default_rng(0).random(8))
    assert (cp.random.default_rng(5).integers(0, 3, size=6).get() ==
            cp.random.default_rng(5).integers(0, 3, size=6).get()).all()
    with pytest.raises(TypeError):
        g.random(3, dtype=np.int32)


def test_the_generator_methods_have_cupys_signatures():
    import inspect

    recorded = {}
    for line in (ROOT / "tests" / "standin_cupy" / "cupy_signatures.txt").read_text().splitlines():
        if line.startswith("cupy.random.Generator "):
            name, _, sig = line.split(" ", 1)[1].partition("(")
            recorded[name] = "(" + sig.replace("numpy.", "")
    assert len(recorded) >= 18
    for name, sig in recorded.items():
        ours = inspect.signature(getattr(cp.random.Generator, name))
        params = ", ".join(str(p).replace("<class 'numpy.", "").replace("'>", "") for p in ours.parameters.values())
        assert f"({params})".replace("'", "") == sig.replace("'", ""), name


# ---- only the names CuPy has ------------------------------------------------------------------------
# Python binds the reflected operators and rich comparisons separately; Cython (and so CuPy)
# answers them from __add__, __richcmp__ and __nonzero__.
_CYTHON_SPELLING = re.compile(r"__(r|i)?(add|sub|mul|truediv|floordiv|mod|pow|matmul|and|or|xor|lshift|rshift|"
                              r"divmod)__|__(eq|ne|lt|le|gt|ge|bool|hash|weakref|slots|module|dict|doc|"
                              r"class|init|new|getattr|neg|pos|abs|invert)__")


def _public(obj):
    return {n for n in dir(obj) if not n.startswith("_")}


NAMESPACES = [
    ("cupy", cp), ("cupy.random", cp.random), ("cupy.cuda", cp.cuda), ("cupy.cuda.runtime", cp.cuda.runtime),
    ("cupy.linalg", cp.linalg), ("cupy.fft", cp.fft), ("cupy.lib.stride_tricks", cp.lib.stride_tricks),
    ("cupy.ndarray", cp.ndarray), ("cupy.ufunc", cp.add), ("cupy.random.Generator", cp.random.default_rng(0)),
    ("cupy.cuda.Device", cp.cuda.Device(0)), ("cupy.cuda.Stream", cp.cuda.Stream()),
    ("cupy.cuda.MemoryPool", cp.get_default_memory_pool()),
]
# what the stand-in needs beyond CuPy's recorded names: submodules it is made of, a runtime
# error class CuPy defines in a compiled module, and the constants of its fake devices
_STANDIN_ONLY = {"cupy": set(), "cupy.cuda.runtime": {"CUDARuntimeError"}}


@pytest.mark.parametrize("namespace,obj", NAMESPACES, ids=[n for n, _ in NAMESPACES])
def test_the_standin_has_only_names_cupy_has(namespace, obj):
    names = _public(obj) - _STANDIN_ONLY.get(namespace, set())
    if isinstance(obj, type(cp)):  # a module: its own helper modules are not names
        names = {n for n in names if not isinstance(getattr(obj, n), type(cp)) or n in cupy_names(namespace)}
    extra = sorted(names - cupy_names(namespace))
    assert not extra, f"{namespace} has names CuPy lacks: {extra}"


def test_the_device_array_dunders_are_cupys():
    dunders = {n for n in vars(cp.ndarray) if n.startswith("__") and n.endswith("__")}
    extra = sorted(n for n in dunders - cupy_names("cupy.ndarray") if not _CYTHON_SPELLING.fullmatch(n)
                   and n not in ("__array_priority__", "__qualname__", "__reversed__"))
    assert not extra, extra


def test_minigrad_uses_only_names_cupy_has():
    """Every ``xp.name`` in minigrad's source is in CuPy (read from its wheel)."""
    used = set()
    for path in (ROOT / "minigrad").rglob("*.py"):
        used |= set(re.findall(r"\bxp\.([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?", path.read_text()))
    missing = []
    for name, attr in sorted(used):
        if name in ("linalg", "fft", "random"):
            ok = attr in cupy_names(f"cupy.{name}")
        elif name == "lib":
            ok = attr in cupy_names("cupy.lib")
        else:
            ok = name in cupy_names("cupy")
        if not ok:
            missing.append(f"xp.{name}" + (f".{attr}" if attr and name in ("linalg", "fft", "random", "lib") else ""))
    assert not missing, missing
    assert len(used) > 50  # the scan found minigrad's uses


def test_the_names_file_was_recorded_from_the_wheel():
    text = (ROOT / "tests" / "standin_cupy" / "cupy_names.txt").read_text()
    assert "scripts/record_cupy_names.py" in text.splitlines()[0]
    assert "permutation" not in cupy_names("cupy.random.Generator")  # the finding behind randperm's fix
    assert {"integers", "random", "standard_normal"} <= cupy_names("cupy.random.Generator")
    assert {"get", "set", "scatter_add", "shape"} <= cupy_names("cupy.ndarray")
    assert "errstate" not in cupy_names("cupy") and "asnumpy" in cupy_names("cupy")


def test_against_the_installed_cupy_when_there_is_one():
    try:
        real = importlib.import_module("cupy")
    except Exception:  # ImportError, or a CUDA library that fails to load
        pytest.skip("CuPy is not importable here; the names come from cupy_names.txt")
    extra = sorted(n for n in _public(cp) - _public(real) if n not in cupy_names("cupy"))
    assert not extra, extra
    assert not hasattr(real.random.default_rng(0), "permutation")
