"""Generators, seeding, states, the random factories and the random in-place methods."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ArgumentRuntimeError, DeviceError, DTypeError, GraphError, UnsupportedDType


# ---- Generator, seeds and states -----------------------------------------------------------------
def test_generator_seeding_is_reproducible_and_chains():
    g = mg.Generator().manual_seed(3)
    assert isinstance(g, mg.Generator) and g.initial_seed() == 3 and g.device == "cpu"
    a = mg.rand(5, generator=g)
    b = mg.rand(5, generator=mg.Generator().manual_seed(3))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.array_equal(mg.rand(5, generator=g).numpy(), a.numpy())  # the stream moves on


def test_new_generator_starts_from_pytorchs_default_seed():
    assert mg.Generator().initial_seed() == 67280421310721
    np.testing.assert_array_equal(mg.randn(4, generator=mg.Generator()).numpy(),
                                  mg.randn(4, generator=mg.Generator()).numpy())


def test_generator_state_roundtrip_through_save(tmp_path):
    g = mg.Generator().manual_seed(11)
    mg.rand(7, generator=g)
    state = g.get_state()
    assert isinstance(state, mg.Tensor) and state.dtype == np.uint8 and state.shape == (48,)
    first = mg.randn(6, generator=g).numpy()
    mg.save({"rng": state}, tmp_path / "rng.npz")
    g.set_state(mg.load(tmp_path / "rng.npz")["rng"])
    np.testing.assert_array_equal(mg.randn(6, generator=g).numpy(), first)


def test_generator_seed_is_fresh_each_time():
    g = mg.Generator()
    s1, s2 = g.seed(), g.seed()
    assert s1 != s2 and g.initial_seed() == s2 and 0 <= s2 < 2**64


def test_set_state_rejects_a_wrong_state():
    with pytest.raises(ValueError, match="48-byte"):
        mg.Generator().set_state(np.zeros(10, dtype=np.uint8))


def test_manual_seed_returns_the_default_generator_and_fixes_everything():
    g = mg.manual_seed(5)
    assert g is mg.default_generator and mg.initial_seed() == 5
    a = (mg.rand(3).numpy(), mg.randn(3).numpy(), mg.randint(0, 100, (3,)).numpy(), mg.randperm(6).numpy())
    mg.manual_seed(5)
    b = (mg.rand(3).numpy(), mg.randn(3).numpy(), mg.randint(0, 100, (3,)).numpy(), mg.randperm(6).numpy())
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def test_global_rng_state_roundtrip():
    mg.manual_seed(0)
    state = mg.get_rng_state()
    a = mg.rand(4).numpy()
    mg.set_rng_state(state)
    np.testing.assert_array_equal(mg.rand(4).numpy(), a)
    # the default generator's state is the one dropout and nn.init use too
    mg.set_rng_state(state)
    np.testing.assert_array_equal(mg.default_generator.get_state().numpy(), state.numpy())


def test_seed_and_initial_seed():
    s = mg.seed()
    assert mg.initial_seed() == s
    mg.manual_seed(-1)  # PyTorch keeps negative seeds as their uint64 value
    assert mg.initial_seed() == 2**64 - 1


def test_bad_seeds():
    with pytest.raises(TypeError):
        mg.manual_seed(1.5)
    with pytest.raises(ValueError):
        mg.manual_seed(2**64)


def test_generator_must_be_a_generator_on_the_right_device():
    with pytest.raises(DTypeError, match="minigrad.Generator"):
        mg.rand(2, generator=np.random.default_rng(0))
    cuda_gen = mg.Generator("cuda")  # making one needs no GPU; drawing from it on the CPU is refused
    with pytest.raises(DeviceError, match="'cpu' device type"):
        mg.rand(2, generator=cuda_gen)


def test_generator_with_torch_semantics(torch):
    # the same API shape as torch.Generator (the numbers themselves differ: PCG64 vs Mersenne Twister)
    for name in ("manual_seed", "seed", "initial_seed", "get_state", "set_state", "device"):
        assert hasattr(torch.Generator(), name) and hasattr(mg.Generator(), name)
    assert mg.Generator().initial_seed() == torch.Generator().initial_seed()


# ---- the factories ---------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda g: mg.rand(3, 2, generator=g),
    lambda g: mg.randn((3, 2), generator=g),
    lambda g: mg.randint(10, (6,), generator=g),
    lambda g: mg.randint(-5, 5, (6,), generator=g),
    lambda g: mg.randperm(8, generator=g),
    lambda g: mg.normal(0.0, 2.0, (5,), generator=g),
    lambda g: mg.normal(mg.zeros(5), mg.ones(5), generator=g),
    lambda g: mg.bernoulli(mg.full((8,), 0.5), generator=g),
    lambda g: mg.poisson(mg.full((6,), 3.0), generator=g),
    lambda g: mg.rand_like(mg.zeros(4), generator=g),
    lambda g: mg.randn_like(mg.zeros(4), generator=g),
    lambda g: mg.randint_like(mg.zeros(4), 3, 9, generator=g),
])
def test_every_factory_follows_its_generator(make):
    a = make(mg.Generator().manual_seed(1)).numpy()
    b = make(mg.Generator().manual_seed(1)).numpy()
    c = make(mg.Generator().manual_seed(2)).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_factory_dtypes_and_shapes_match_torch(torch):
    cases = [
        (lambda m: m.rand(2, 3), None), (lambda m: m.randn(2, 3, dtype=m.float64), None),
        (lambda m: m.randint(10, (4,)), None), (lambda m: m.randint(2, 10, (2, 2), dtype=m.int32), None),
        (lambda m: m.randperm(5), None), (lambda m: m.normal(0.0, 1.0, (3,)), None),
        (lambda m: m.normal(m.zeros(3, dtype=m.float64), 1.0), None),
        (lambda m: m.normal(m.zeros(2, 1), m.ones(2, 1)), None),
        (lambda m: m.bernoulli(m.full((3,), 0.3)), None), (lambda m: m.poisson(m.full((3,), 2.0)), None),
        (lambda m: m.rand_like(m.zeros(2, dtype=m.float64)), None),
        (lambda m: m.randint_like(m.zeros(3, dtype=m.int32), 4), None),
        (lambda m: m.randint_like(m.zeros(3), 2, 4), None),
    ]
    for make, _ in cases:
        ours, theirs = make(mg), make(torch)
        assert tuple(ours.shape) == tuple(theirs.shape)
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")


def test_factory_values_are_in_their_range():
    mg.manual_seed(0)
    assert 0 <= mg.rand(1000).numpy().min() and mg.rand(1000).numpy().max() < 1
    r = mg.randint(3, 7, (1000,)).numpy()
    assert r.min() == 3 and r.max() == 6
    assert sorted(mg.randperm(10).tolist()) == list(range(10))
    b = mg.bernoulli(mg.tensor([0.0, 1.0, 0.0, 1.0])).numpy()
    np.testing.assert_array_equal(b, [0, 1, 0, 1])
    assert abs(mg.bernoulli(mg.zeros(4000), p=0.25).numpy().mean() - 0.25) < 0.03
    n = mg.normal(mg.full((4000,), 3.0), mg.full((4000,), 0.5)).numpy()
    assert abs(n.mean() - 3.0) < 0.05 and abs(n.std() - 0.5) < 0.05
    assert abs(mg.poisson(mg.full((4000,), 4.0)).numpy().mean() - 4.0) < 0.15


def test_factories_keep_float32_and_float16():
    assert mg.rand(3).dtype == np.float32 and mg.randn(3, dtype=mg.float16).dtype == np.float16
    assert mg.normal(mg.zeros(3), 1.0).dtype == np.float32
    assert mg.randn_like(mg.zeros(2, dtype=mg.float64)).dtype == np.float64


def test_factory_errors():
    with pytest.raises(RuntimeError, match="rand"):  # PyTorch: "not implemented for 'Long'"
        mg.rand(2, dtype=mg.int64)
    with pytest.raises(UnsupportedDType):
        mg.randn(2, dtype=mg.int32)
    with pytest.raises(ArgumentRuntimeError, match="low"):
        mg.randint(5, 5, (2,))
    with pytest.raises(RuntimeError, match="std"):
        mg.normal(mg.zeros(2), -1.0)
    with pytest.raises(RuntimeError, match="size"):
        mg.normal(0.0, 1.0)
    with pytest.raises(RuntimeError, match=r"\[0, 1\]"):
        mg.bernoulli(mg.tensor([0.5, 1.5]))
    with pytest.raises(RuntimeError, match=">= 0"):
        mg.poisson(mg.tensor([-1.0]))


def test_samples_carry_no_gradient():
    mean = mg.zeros(3, requires_grad=True)
    assert not mg.normal(mean, 1.0).requires_grad
    assert mg.rand(2, requires_grad=True).requires_grad and mg.rand(2, requires_grad=True).is_leaf


# ---- in-place random methods --------------------------------------------------------------------------
INPLACE = [
    ("normal_", (), {"mean": 2.0, "std": 0.5}),
    ("uniform_", (-1.0, 3.0), {}),
    ("bernoulli_", (0.3,), {}),
    ("exponential_", (2.0,), {}),
    ("cauchy_", (), {}),
    ("log_normal_", (0.0, 0.25), {}),
    ("geometric_", (0.4,), {}),
    ("random_", (2, 9), {}),
]


@pytest.mark.parametrize("name, args, kwargs", INPLACE, ids=[n for n, _, _ in INPLACE])
def test_inplace_random_methods_write_in_place_and_follow_the_generator(name, args, kwargs):
    x = mg.zeros(2000)
    version = x._version
    out = getattr(x, name)(*args, **kwargs, generator=mg.Generator().manual_seed(4))
    assert out is x and x.dtype == np.float32 and x._version > version
    y = getattr(mg.zeros(2000), name)(*args, **kwargs, generator=mg.Generator().manual_seed(4))
    np.testing.assert_array_equal(x.numpy(), y.numpy())
    assert len(np.unique(x.numpy())) > 1


def test_inplace_random_distributions():
    mg.manual_seed(0)
    n = mg.zeros(20000).normal_(2.0, 0.5).numpy()
    assert abs(n.mean() - 2.0) < 0.02 and abs(n.std() - 0.5) < 0.02
    u = mg.zeros(20000).uniform_(-1.0, 3.0).numpy()
    assert u.min() >= -1 and u.max() < 3 and abs(u.mean() - 1.0) < 0.05
    u2 = mg.zeros(100).uniform_(**{"from": 5, "to": 6}).numpy()
    assert u2.min() >= 5 and u2.max() < 6
    e = mg.zeros(20000).exponential_(2.0).numpy()
    assert e.min() >= 0 and abs(e.mean() - 0.5) < 0.02
    g = mg.zeros(20000).geometric_(0.25).numpy()
    assert g.min() == 1 and abs(g.mean() - 4.0) < 0.15 and np.all(g == np.round(g))
    c = mg.zeros(20000, dtype=mg.float64).cauchy_(1.0, 2.0).numpy()
    assert abs(np.median(c) - 1.0) < 0.1
    ln = mg.zeros(20000).log_normal_(0.0, 0.25).numpy()
    assert ln.min() > 0 and abs(np.log(ln).std() - 0.25) < 0.01
    r = mg.zeros(5000, dtype=mg.int64).random_(2, 9).numpy()
    assert r.min() == 2 and r.max() == 8
    assert mg.zeros(5000).random_(4).numpy().max() == 3
    b = mg.zeros(4000).bernoulli_(mg.full((4000,), 0.75)).numpy()
    assert set(np.unique(b)) == {0.0, 1.0} and abs(b.mean() - 0.75) < 0.03


def test_random_without_bounds_matches_torchs_ranges(torch):
    for dtype in ("float32", "float16", "uint8", "int8", "bool"):
        ours = mg.zeros(3000, dtype=getattr(mg, dtype if dtype != "bool" else "bool_")).random_().numpy()
        theirs = torch.zeros(3000, dtype=getattr(torch, dtype)).random_().numpy()
        assert ours.dtype == theirs.dtype
        assert ours.min() >= 0 and ours.max() <= max(theirs.max(), {"float32": 2**24, "float16": 2**11}.get(dtype, 0))
        assert ours.max() > theirs.max() / 4


def test_inplace_random_refuses_a_leaf_that_requires_grad_outside_no_grad():
    w = mg.zeros(3, requires_grad=True)
    with pytest.raises(GraphError):
        w.normal_()
    with mg.no_grad():
        w.normal_()
    assert w.requires_grad and w.is_leaf and len(np.unique(w.numpy())) == 3


def test_inplace_random_errors():
    with pytest.raises(NotImplementedError):  # PyTorch: "normal_kernel_cpu" not implemented for 'Long'
        mg.zeros(3, dtype=mg.int64).normal_()
    with pytest.raises(RuntimeError, match="from <= to"):
        mg.zeros(3).uniform_(2.0, 1.0)
    with pytest.raises(RuntimeError, match="p must"):
        mg.zeros(3).bernoulli_(1.5)
    with pytest.raises(RuntimeError, match="from < to"):
        mg.zeros(3).random_(5, 5)
    with pytest.raises(RuntimeError, match="lambd"):
        mg.zeros(3).exponential_(0.0)


def test_fork_rng_restores_the_default_generator():
    mg.manual_seed(2)
    expected = mg.rand(3).numpy()
    mg.manual_seed(2)
    with mg.random.fork_rng():
        mg.manual_seed(99)
        mg.randn(10)
    np.testing.assert_array_equal(mg.rand(3).numpy(), expected)
    assert mg.initial_seed() == 2
