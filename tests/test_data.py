"""Datasets, DataLoader, random_split, and the two shipped datasets (digits, pydoc text)."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.data import (CharSequenceDataset, CharVocab, DataLoader, Dataset, Subset, TensorDataset,
                           default_collate, digits_dataset, load_digits, load_text, random_split)
from minigrad.data import digits as digits_module
from minigrad.errors import ShapeError


class Squares(Dataset):
    """A plain map-style dataset: example i is (i as float array, i**2 as int)."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return np.array([i, i], dtype=np.float32), i * i


def _xy(n=10):
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n, dtype=np.int64)
    return TensorDataset(x, y)


# ---- TensorDataset and Subset -------------------------------------------------------------------
def test_tensor_dataset_items_and_length():
    ds = _xy(5)
    assert len(ds) == 5
    x, y = ds[3]
    assert isinstance(x, mg.Tensor) and x.shape == (3,) and x.dtype == np.float32
    np.testing.assert_array_equal(x.numpy(), [9, 10, 11])
    assert y.item() == 3 and y.dtype == np.int64


def test_tensor_dataset_rejects_mismatched_lengths():
    with pytest.raises(ShapeError, match=r"\(4, 2\).*\(3,\)"):
        TensorDataset(np.zeros((4, 2)), np.zeros(3))
    with pytest.raises(ValueError):
        TensorDataset()


def test_subset_maps_indices():
    sub = Subset(_xy(10), [7, 2, 5])
    assert len(sub) == 3
    assert sub[0][1].item() == 7 and sub[2][1].item() == 5
    xb, yb = sub.batch(np.array([2, 0]))
    np.testing.assert_array_equal(yb.numpy(), [5, 7])
    xl, yl = sub[[2, 0]]  # a list of indices gives the examples stacked, as with a TensorDataset
    np.testing.assert_array_equal(yl.numpy(), [5, 7])
    assert xl.shape == (2, 3)


# ---- random_split -----------------------------------------------------------------------------
def test_random_split_counts_are_disjoint_and_cover():
    parts = random_split(_xy(10), [6, 3, 1], seed=0)
    assert [len(p) for p in parts] == [6, 3, 1]
    allidx = np.concatenate([p.indices for p in parts])
    assert sorted(allidx.tolist()) == list(range(10))


def test_random_split_fractions_hand_out_the_remainder_first_split_first():
    parts = random_split(_xy(10), [0.33, 0.33, 0.34], seed=0)
    assert [len(p) for p in parts] == [4, 3, 3]  # floors 3, 3, 3 and one left over for the first
    parts = random_split(_xy(1797), [0.8, 0.2], seed=0)
    assert [len(p) for p in parts] == [1438, 359]


def test_random_split_lengths_match_torch():
    torch = pytest.importorskip("torch")
    for n, fr in [(10, [0.33, 0.33, 0.34]), (1797, [0.8, 0.2]), (7, [0.5, 0.25, 0.25]), (5, [0.1, 0.9])]:
        ours = [len(p) for p in random_split(_xy(n), fr, seed=0)]
        theirs = [len(p) for p in torch.utils.data.random_split(range(n), fr)]
        assert ours == theirs, (n, fr)


def test_random_split_is_reproducible_and_seed_dependent():
    a = random_split(_xy(50), [0.5, 0.5], seed=3)[0].indices
    b = random_split(_xy(50), [0.5, 0.5], seed=3)[0].indices
    c = random_split(_xy(50), [0.5, 0.5], seed=4)[0].indices
    g = random_split(_xy(50), [0.5, 0.5], generator=np.random.default_rng(3))[0].indices
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, g)
    assert not np.array_equal(a, c)


def test_random_split_follows_manual_seed():
    mg.manual_seed(11)
    a = random_split(_xy(40), [20, 20])[0].indices
    mg.manual_seed(11)
    b = random_split(_xy(40), [20, 20])[0].indices
    np.testing.assert_array_equal(a, b)


def test_random_split_bad_lengths():
    with pytest.raises(ValueError, match="sum to 9"):
        random_split(_xy(10), [5, 4], seed=0)
    with pytest.raises(ValueError, match="counts, or fractions"):
        random_split(_xy(10), [0.5, 0.7], seed=0)
    with pytest.raises(ValueError, match="either generator or seed"):
        random_split(_xy(10), [5, 5], generator=1, seed=0)


# ---- DataLoader ---------------------------------------------------------------------------------
def test_loader_batches_in_order_without_shuffle():
    batches = list(DataLoader(_xy(10), batch_size=4))
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert batches[0][0].shape == (4, 3) and batches[0][0].dtype == np.float32


@pytest.mark.parametrize("n, bs, drop, expected", [(10, 4, False, 3), (10, 4, True, 2), (8, 4, True, 2),
                                                   (3, 5, True, 0), (3, 5, False, 1)])
def test_loader_length_and_drop_last(n, bs, drop, expected):
    loader = DataLoader(_xy(n), batch_size=bs, drop_last=drop)
    assert len(loader) == expected
    batches = list(loader)
    assert len(batches) == expected
    if drop:
        assert all(len(b[1]) == bs for b in batches)


def test_loader_shuffle_is_a_permutation_each_epoch_and_reproducible():
    loader = DataLoader(_xy(23), batch_size=5, shuffle=True, seed=7)
    epoch1 = np.concatenate([b[1].numpy() for b in loader])
    epoch2 = np.concatenate([b[1].numpy() for b in loader])
    assert sorted(epoch1.tolist()) == list(range(23)) and sorted(epoch2.tolist()) == list(range(23))
    assert not np.array_equal(epoch1, epoch2)  # a new order each epoch
    again = DataLoader(_xy(23), batch_size=5, shuffle=True, seed=7)
    np.testing.assert_array_equal(np.concatenate([b[1].numpy() for b in again]), epoch1)
    np.testing.assert_array_equal(np.concatenate([b[1].numpy() for b in again]), epoch2)


def test_loader_shuffle_follows_manual_seed():
    def order():
        return np.concatenate([b[1].numpy() for b in DataLoader(_xy(30), batch_size=7, shuffle=True)])

    mg.manual_seed(5)
    a = order()
    mg.manual_seed(5)
    b = order()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, np.arange(30))


def test_loader_fast_path_gathers_whole_batches_without_getitem():
    class NoItems(TensorDataset):
        def __getitem__(self, index):
            raise AssertionError("the fast path must not fetch examples one by one")

    ds = NoItems(np.arange(20, dtype=np.float32).reshape(10, 2), np.arange(10))
    sub = random_split(ds, [6, 4], seed=0)[0]
    for loader in (DataLoader(ds, batch_size=4, shuffle=True, seed=0), DataLoader(sub, batch_size=4)):
        for xb, yb in loader:
            np.testing.assert_array_equal(xb.numpy()[:, 0], 2 * yb.numpy())


def test_loader_fast_path_equals_general_path():
    ds = _xy(17)
    fast = DataLoader(ds, batch_size=5, shuffle=True, seed=2)
    slow = DataLoader(ds, batch_size=5, shuffle=True, seed=2, collate_fn=default_collate)
    for (xf, yf), (xs, ys) in zip(fast, slow):
        np.testing.assert_array_equal(xf.numpy(), xs.numpy())
        np.testing.assert_array_equal(yf.numpy(), ys.numpy())
        assert xf.dtype == xs.dtype and yf.dtype == ys.dtype


def test_loader_on_a_plain_dataset_collates_arrays_and_numbers():
    xb, yb = next(iter(DataLoader(Squares(6), batch_size=4)))
    assert isinstance(xb, mg.Tensor) and xb.shape == (4, 2) and xb.dtype == np.float32
    assert yb.tolist() == [0, 1, 4, 9] and yb.dtype == np.int64


def test_loader_custom_collate_fn():
    loader = DataLoader(Squares(5), batch_size=2, collate_fn=lambda items: sum(i[1] for i in items))
    assert list(loader) == [1, 13, 16]


def test_default_collate_structures():
    out = default_collate([{"a": 1.5, "b": "x"}, {"a": 2.5, "b": "y"}])
    # Python floats are doubles: PyTorch's default_collate makes them float64, and so does minigrad
    assert out["a"].dtype == np.float64 and out["a"].tolist() == [1.5, 2.5] and out["b"] == ["x", "y"]
    a, b = default_collate([(mg.tensor([1.0]), 0), (mg.tensor([2.0]), 1)])
    assert a.shape == (2, 1) and b.tolist() == [0, 1]
    with pytest.raises(TypeError, match="collate_fn"):
        default_collate([object(), object()])


def test_loader_rejects_bad_batch_size():
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(_xy(3), batch_size=0)


# ---- the digits ---------------------------------------------------------------------------------
needs_sklearn_file = pytest.mark.skipif(
    __import__("importlib").util.find_spec("sklearn") is None, reason="scikit-learn is not installed")


@needs_sklearn_file
def test_digits_shapes_values_and_labels():
    images, labels = load_digits()
    assert images.shape == (1797, 8, 8) and images.dtype == np.float32
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert images.min() == 0.0 and images.max() == 1.0
    counts = np.bincount(labels)
    assert len(counts) == 10 and counts.min() >= 170  # about 180 of each digit
    raw, _ = load_digits(normalize=False)
    np.testing.assert_array_equal(raw, np.round(raw))  # raw values are counts 0..16
    assert raw.max() == 16


@needs_sklearn_file
def test_digits_match_scikit_learn():
    datasets = pytest.importorskip("sklearn.datasets")
    ref = datasets.load_digits()
    images, labels = load_digits(normalize=False)
    np.testing.assert_array_equal(images, ref.images)
    np.testing.assert_array_equal(labels, ref.target)


@needs_sklearn_file
def test_digits_dataset_has_a_channel_axis():
    ds = digits_dataset()
    x, y = ds[0]
    assert x.shape == (1, 8, 8) and y.item() == 0


def test_digits_without_scikit_learn_says_what_to_install(monkeypatch):
    monkeypatch.setattr(digits_module.importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(digits_module, "_cache", None)
    with pytest.raises(ModuleNotFoundError, match="pip install scikit-learn"):
        load_digits()


# ---- the text -----------------------------------------------------------------------------------
def test_text_corpus_is_the_pydoc_topics():
    text = load_text()
    assert len(text) > 100_000
    assert "assert" in text and "The " in text
    assert load_text(max_chars=50) == text[:50]


def test_vocab_roundtrip_and_errors():
    text = load_text(max_chars=5000)
    vocab = CharVocab(text)
    ids = vocab.encode(text)
    assert ids.dtype == np.int64 and ids.max() < len(vocab)
    assert vocab.decode(ids) == text
    assert vocab.decode(mg.tensor(ids[:10])) == text[:10]
    again = CharVocab.from_array(vocab.to_array())
    assert again.chars == vocab.chars and again.decode(ids) == text
    with pytest.raises(KeyError, match="not in the vocabulary"):
        CharVocab("abc").encode("abd")


def test_char_sequence_dataset_targets_are_inputs_shifted_by_one():
    ids = np.arange(23)
    ds = CharSequenceDataset(ids, seq_len=5)
    assert len(ds) == 4  # windows of 6 starting at 0, 5, 10, 15
    x, y = ds[1]
    assert x.tolist() == [5, 6, 7, 8, 9] and y.tolist() == [6, 7, 8, 9, 10]
    overlapping = CharSequenceDataset(ids, seq_len=5, stride=2)
    assert len(overlapping) == 9
    xb, yb = next(iter(DataLoader(overlapping, batch_size=9)))
    np.testing.assert_array_equal(xb.numpy()[:, 1:], yb.numpy()[:, :-1])
    np.testing.assert_array_equal(xb.numpy()[:, 0], np.arange(0, 18, 2))
    with pytest.raises(ValueError, match="too few"):
        CharSequenceDataset(np.arange(3), seq_len=5)


# ---- PyTorch's DataLoader arguments, samplers and collation ----------------------------------------
from collections import namedtuple  # noqa: E402

from minigrad.data import (BatchSampler, ChainDataset, ConcatDataset, IterableDataset, RandomSampler,  # noqa: E402
                           SequentialSampler, SubsetRandomSampler, WeightedRandomSampler, default_convert)

Point = namedtuple("Point", "x y")


class Lists(Dataset):
    """What real programs return: Python lists, ints, floats, numpy arrays, dicts, strings."""

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {"ids": [i, i + 1, i + 2], "label": i % 2, "score": i / 2, "arr": np.full(2, i, np.int32),
                "name": f"n{i}", "p": Point(i, float(i))}


def test_collate_of_python_data_matches_torch(torch):
    ours = next(iter(DataLoader(Lists(), batch_size=3)))
    theirs = next(iter(torch.utils.data.DataLoader(Lists(), batch_size=3)))
    assert isinstance(ours["ids"], list) and len(ours["ids"]) == 3
    for a, b in zip(ours["ids"], theirs["ids"]):
        assert a.tolist() == b.tolist() and str(a.dtype) == str(b.dtype).replace("torch.", "")
    for key in ("label", "score", "arr"):
        assert ours[key].tolist() == theirs[key].tolist(), key
        assert str(ours[key].dtype) == str(theirs[key].dtype).replace("torch.", ""), key
    assert ours["name"] == theirs["name"] == ["n0", "n1", "n2"]
    assert isinstance(ours["p"], Point) and ours["p"].x.tolist() == theirs["p"].x.tolist()
    assert ours["p"].y.dtype == np.float64


def test_default_collate_rules():
    assert default_collate([1.5, 2.0]).dtype == np.float64  # Python floats are doubles, as in PyTorch
    assert default_collate([1, 2]).dtype == np.int64
    assert default_collate([True, False]).dtype == np.bool_
    assert default_collate([np.float32(1), np.float32(2)]).dtype == np.float32
    assert default_collate([np.zeros((2, 2), np.float32)] * 3).shape == (3, 2, 2)
    assert default_collate([(1, 2.0), (3, 4.0)])[1].tolist() == [2.0, 4.0]  # a tuple gives a list
    assert isinstance(default_collate([Point(1, 2), Point(3, 4)]), Point)
    assert default_collate([[1, 2], [3, 4]])[0].tolist() == [1, 3]


def test_default_collate_errors_are_pytorchs_types():
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([mg.zeros(2), mg.zeros(3)])
    with pytest.raises(TypeError, match="numpy array of dtype <U1"):
        default_collate([np.array(["a"]), np.array(["b"])])


def test_default_convert():
    out = default_convert({"a": np.zeros(2), "b": 1, "c": "s", "d": (np.ones(1), 2)})
    assert isinstance(out["a"], mg.Tensor) and out["b"] == 1 and out["c"] == "s"
    assert isinstance(out["d"], list) and isinstance(out["d"][0], mg.Tensor)
    assert next(iter(DataLoader(Squares(3), batch_size=None)))[1] == 0  # no batching: examples converted


def test_batch_size_none_gives_examples():
    items = list(DataLoader(Squares(3), batch_size=None))
    assert len(items) == 3 and isinstance(items[1][0], mg.Tensor) and items[1][0].shape == (2,)
    assert len(DataLoader(Squares(3), batch_size=None)) == 3


def test_sampler_and_batch_sampler_arguments():
    ds = _xy(10)
    loader = DataLoader(ds, batch_size=3, sampler=[9, 8, 7, 6])
    assert [b[1].tolist() for b in loader] == [[9, 8, 7], [6]]
    loader = DataLoader(ds, batch_sampler=[[0, 5], [2], [9, 1, 3]])
    assert [b[1].tolist() for b in loader] == [[0, 5], [2], [9, 1, 3]] and len(loader) == 3
    bs = BatchSampler(SequentialSampler(range(7)), 3, drop_last=True)
    assert list(bs) == [[0, 1, 2], [3, 4, 5]] and len(bs) == 2


def test_dataloader_argument_errors_are_pytorchs():
    ds = _xy(4)
    with pytest.raises(ValueError, match="mutually exclusive with shuffle"):
        DataLoader(ds, sampler=[0, 1], shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(ds, batch_sampler=[[0]], batch_size=2)
    with pytest.raises(ValueError, match="drop_last"):
        DataLoader(ds, batch_size=None, drop_last=True)
    with pytest.raises(ValueError, match="drop_last should be a boolean"):
        BatchSampler(range(3), 2, 1)
    with pytest.raises(ValueError, match="expected unspecified shuffle"):
        DataLoader(Counting(3), shuffle=True)
    with pytest.raises(TypeError, match="replacement"):
        RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="num_samples"):
        RandomSampler(range(3), num_samples=0)


def test_pin_memory_is_accepted():
    xb, _ = next(iter(DataLoader(_xy(4), batch_size=2, pin_memory=True)))
    assert xb.shape == (2, 3)


def test_generator_argument_fixes_the_order():
    def order(g):
        return [i for _, y in DataLoader(_xy(12), batch_size=5, shuffle=True, generator=g) for i in y.tolist()]

    assert order(mg.Generator().manual_seed(1)) == order(mg.Generator().manual_seed(1))
    assert order(mg.Generator().manual_seed(1)) != order(mg.Generator().manual_seed(2))
    g = mg.Generator().manual_seed(1)
    loader = DataLoader(_xy(12), batch_size=5, shuffle=True, generator=g)
    e1 = [i for _, y in loader for i in y.tolist()]
    e2 = [i for _, y in loader for i in y.tolist()]
    assert e1 != e2 and sorted(e1) == sorted(e2) == list(range(12))


def test_random_samplers():
    g = mg.Generator().manual_seed(0)
    assert sorted(RandomSampler(range(6), generator=g)) == list(range(6))
    drawn = list(RandomSampler(range(3), num_samples=7, generator=g))
    assert len(drawn) == 7 and sorted(drawn[:3]) == [0, 1, 2] and sorted(drawn[3:6]) == [0, 1, 2]
    with_rep = list(RandomSampler(range(4), replacement=True, num_samples=50, generator=g))
    assert len(with_rep) == 50 and set(with_rep) <= {0, 1, 2, 3}
    assert sorted(SubsetRandomSampler([10, 20, 30], generator=g)) == [10, 20, 30]
    w = list(WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 2000, generator=g))
    assert set(w) == {1, 3} and abs(w.count(3) / 2000 - 0.75) < 0.04
    assert sorted(WeightedRandomSampler([1, 1, 0, 1], 3, replacement=False, generator=g)) == [0, 1, 3]
    with pytest.raises(ValueError, match="without replacement"):
        WeightedRandomSampler([1, 0], 2, replacement=False)
    with pytest.raises(ValueError, match="non-negative"):
        WeightedRandomSampler([1, -1], 2)


def test_weighted_sampler_in_a_loader_is_reproducible():
    def draws():
        sampler = WeightedRandomSampler(np.arange(1, 11, dtype=np.float64), 20, generator=mg.Generator().manual_seed(3))
        return [i for _, y in DataLoader(_xy(10), batch_size=4, sampler=sampler) for i in y.tolist()]

    assert draws() == draws() and len(draws()) == 20


class Counting(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))


def test_iterable_dataset_in_the_main_process():
    assert [b.tolist() for b in DataLoader(Counting(7), batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [b.tolist() for b in DataLoader(Counting(7), batch_size=3, drop_last=True)] == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(TypeError):
        len(DataLoader(Counting(7), batch_size=3))  # a stream without __len__ has no length
    chained = ChainDataset([Counting(2), Counting(3)])
    assert list(chained) == [0, 1, 0, 1, 2]
    with pytest.raises(TypeError):
        len(chained)


def test_concat_dataset():
    cat = ConcatDataset([_xy(3), _xy(4)])
    assert len(cat) == 7 and cat[3][1].item() == 0 and cat[6][1].item() == 3 and cat[-1][1].item() == 3
    assert len(_xy(2) + _xy(5)) == 7
    with pytest.raises(IndexError):
        cat[7]
    assert [b[1].tolist() for b in DataLoader(cat, batch_size=4)] == [[0, 1, 2, 0], [1, 2, 3]]


def test_random_split_with_a_minigrad_generator():
    a = random_split(_xy(20), [10, 10], generator=mg.Generator().manual_seed(3))[0].indices
    b = random_split(_xy(20), [10, 10], seed=3)[0].indices
    np.testing.assert_array_equal(a, b)


def test_tensor_dataset_batches_with_one_fancy_index_per_tensor():
    calls = []

    class Counted(TensorDataset):
        def batch(self, indices):
            calls.append(len(indices))
            return super().batch(indices)

    ds = Counted(np.zeros((100, 2), np.float32), np.arange(100))
    assert len(list(DataLoader(ds, batch_size=32, shuffle=True))) == 4
    assert calls == [32, 32, 32, 4]


def test_a_dataset_with_getitems_is_asked_once_per_batch():
    class Batched(Squares):
        calls = []

        def __getitems__(self, indices):
            Batched.calls.append(list(indices))
            return [self[i] for i in indices]

    batches = list(DataLoader(Batched(5), batch_size=2))
    assert Batched.calls == [[0, 1], [2, 3], [4]]
    assert [b[1].tolist() for b in batches] == [[0, 1], [4, 9], [16]]


# ---- DistributedSampler and StackDataset ------------------------------------------------------------
from minigrad.data import DistributedSampler, StackDataset  # noqa: E402


@pytest.mark.parametrize("n, replicas, drop", [(10, 3, False), (10, 3, True), (12, 4, False), (2, 5, False)])
def test_distributed_sampler_without_shuffle_matches_torch(n, replicas, drop, torch):
    for rank in range(replicas):
        ours = DistributedSampler(range(n), num_replicas=replicas, rank=rank, shuffle=False, drop_last=drop)
        theirs = torch.utils.data.DistributedSampler(range(n), num_replicas=replicas, rank=rank, shuffle=False,
                                                     drop_last=drop)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)


def test_distributed_sampler_shares_one_shuffled_order():
    shares = [list(DistributedSampler(range(11), num_replicas=3, rank=r, seed=4)) for r in range(3)]
    assert [len(s) for s in shares] == [4, 4, 4]
    flat = sorted(i for s in shares for i in s)
    assert set(flat) == set(range(11)) and len(flat) == 12  # one index repeated to even the shares out
    sampler = DistributedSampler(range(11), num_replicas=3, rank=0, seed=4)
    first = list(sampler)
    assert list(sampler) == first
    sampler.set_epoch(1)
    assert list(sampler) != first
    loader = DataLoader(_xy(11), batch_size=2, sampler=DistributedSampler(_xy(11), num_replicas=3, rank=1, seed=4))
    assert [i for _, y in loader for i in y.tolist()] == shares[1]


def test_distributed_sampler_errors():
    with pytest.raises(ValueError, match="Invalid rank 3"):
        DistributedSampler(range(4), num_replicas=3, rank=3)
    with pytest.raises(RuntimeError, match="process group"):
        DistributedSampler(range(4))


def test_stack_dataset_matches_torch(torch):
    a, b = _xy(4), Squares(4)
    ours, theirs = StackDataset(a, b), torch.utils.data.StackDataset(a, b)
    assert len(ours) == len(theirs) == 4 and ours[2][1][1] == theirs[2][1][1] == 4
    named = StackDataset(x=a, y=b)
    assert set(named[0]) == {"x", "y"} and named[3]["y"][1] == 9
    with pytest.raises(ValueError, match="size mismatch"):
        StackDataset(a, Squares(5))
    xb = next(iter(DataLoader(named, batch_size=2)))
    assert xb["y"][1].tolist() == [0, 1]
