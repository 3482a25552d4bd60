"""DataLoader with num_workers > 0: real worker processes, in-order batches, seeding, errors,
timeouts, persistent workers, and no process left behind."""

import multiprocessing
import os
import random
import time

import numpy as np
import pytest

import minigrad as mg
from minigrad.data import DataLoader, Dataset, IterableDataset, TensorDataset, get_worker_info
from minigrad.errors import DataLoaderError


class Squares(Dataset):
    """Example i is (float array [i, i], i * i, the pid of the process that read it)."""

    def __init__(self, n=23, bad=None, slow=0.0):
        self.n, self.bad, self.slow = n, bad, slow

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.bad:
            raise KeyError(f"no example {i}")
        if self.slow:
            time.sleep(self.slow)
        return np.array([i, i], dtype=np.float32), i * i, os.getpid()


class RandomDraws(Dataset):
    """Example i is what minigrad's, Python's and NumPy's global generators give in the worker."""

    def __len__(self):
        return 8

    def __getitem__(self, i):
        return mg.rand(1).item(), random.random(), float(np.random.random_sample())


class Stream(IterableDataset):
    """0..n-1, each worker taking every num_workers-th number (the sharding PyTorch's docs show)."""

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(range(start, self.n, step))


def _children():
    time.sleep(0.05)
    return multiprocessing.active_children()


@pytest.fixture(autouse=True)
def no_process_left_behind():
    yield
    import gc

    gc.collect()
    deadline = time.monotonic() + 5
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not multiprocessing.active_children(), "a worker process outlived its loop"


def test_workers_give_the_same_batches_in_the_same_order_as_the_main_process():
    ds = Squares(23)
    main = list(DataLoader(ds, batch_size=4))
    workers = list(DataLoader(ds, batch_size=4, num_workers=3))
    assert len(workers) == len(main) == len(DataLoader(ds, batch_size=4, num_workers=3)) == 6
    for (x0, y0, _), (x1, y1, pids) in zip(main, workers):
        np.testing.assert_array_equal(x0.numpy(), x1.numpy())
        assert y0.tolist() == y1.tolist() and y1.dtype == np.int64
    pids = {p for *_, pid in workers for p in pid.tolist()}
    assert len(pids) >= 2 and os.getpid() not in pids  # really read in other processes


def test_shuffled_order_does_not_depend_on_num_workers():
    ds = TensorDataset(np.arange(40, dtype=np.float32).reshape(20, 2), np.arange(20))
    orders = []
    for k in (0, 2):
        loader = DataLoader(ds, batch_size=3, shuffle=True, num_workers=k, generator=mg.Generator().manual_seed(5))
        orders.append([i for _, y in loader for i in y.tolist()])
    assert orders[0] == orders[1] and sorted(orders[0]) == list(range(20))


def test_batches_come_out_in_order_even_when_workers_finish_out_of_order():
    class Uneven(Squares):
        def __getitem__(self, i):
            time.sleep(0.03 if i < 2 else 0.0)  # the first batch is the slowest
            return super().__getitem__(i)

    ys = [y.tolist() for _, y, _ in DataLoader(Uneven(12), batch_size=2, num_workers=3)]
    assert ys == [[4 * j * j for j in (0,)] + [1]] + ys[1:] and [y[0] for y in ys] == [i * i for i in range(0, 12, 2)]


def test_in_order_false_still_gives_every_batch():
    ys = [y.tolist() for _, y, _ in DataLoader(Squares(12), batch_size=2, num_workers=2, in_order=False)]
    assert sorted(v for y in ys for v in y) == [i * i for i in range(12)]


def test_workers_are_seeded_as_pytorch_does():
    mg.manual_seed(0)
    first = list(DataLoader(RandomDraws(), batch_size=2, num_workers=2))
    mg.manual_seed(0)
    again = list(DataLoader(RandomDraws(), batch_size=2, num_workers=2))
    for a, b in zip(first, again):  # minigrad's, Python's and NumPy's draws are all reproducible
        for fa, fb in zip(a, b):
            np.testing.assert_array_equal(fa.numpy(), fb.numpy())
    # worker 0 reads batches 0 and 2, worker 1 batches 1 and 3: their streams differ
    draws = np.array([[f.numpy()[0] for f in batch] for batch in first])
    assert len(np.unique(draws[:, 0])) == 4 and len(np.unique(draws[:, 1])) == 4 and len(np.unique(draws[:, 2])) == 4


def test_worker_info_and_worker_init_fn():
    class Info(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            info = get_worker_info()
            return info.id, info.num_workers, info.seed, os.environ.get("MG_TEST_WORKER", "")

    def init(worker_id):
        os.environ["MG_TEST_WORKER"] = f"w{worker_id}"

    batches = list(DataLoader(Info(), batch_size=1, num_workers=2, worker_init_fn=init))
    ids = [b[0].item() for b in batches]
    assert ids == [0, 1, 0, 1]
    assert [b[1].item() for b in batches] == [2, 2, 2, 2]
    seeds = [b[2].item() for b in batches]
    assert seeds[1] == seeds[0] + 1  # base_seed + worker_id
    assert [b[3][0] for b in batches] == ["w0", "w1", "w0", "w1"]
    assert get_worker_info() is None and "MG_TEST_WORKER" not in os.environ


def test_an_error_in_a_worker_is_reraised_naming_the_worker_and_the_sample():
    loader = DataLoader(Squares(20, bad=13), batch_size=4, num_workers=2)
    with pytest.raises(KeyError) as info:
        list(loader)
    message = str(info.value)
    assert "worker process 1" in message and "sample index 13" in message and "no example 13" in message
    assert not _children()


def test_an_error_in_worker_init_fn_is_reraised():
    def init(worker_id):
        raise ValueError(f"cannot start worker {worker_id}")

    with pytest.raises(ValueError, match="cannot start worker"):
        list(DataLoader(Squares(4), batch_size=2, num_workers=2, worker_init_fn=init))


def test_an_error_in_collate_fn_names_the_batch():
    def collate(items):
        raise TypeError("bad batch")

    with pytest.raises(TypeError, match=r"(?s)worker process 0 .*indices \[0, 1\].*bad batch"):
        list(DataLoader(Squares(4), batch_size=2, num_workers=1, collate_fn=collate))


def test_breaking_out_of_the_loop_leaves_no_process():
    loader = DataLoader(Squares(40), batch_size=2, num_workers=3)
    for i, _ in enumerate(loader):
        if i == 1:
            break
    assert not _children()


def test_a_killed_worker_is_reported():
    class Dies(Squares):
        def __getitem__(self, i):
            if i == 5:
                os._exit(3)
            return super().__getitem__(i)

    with pytest.raises(DataLoaderError, match="exited unexpectedly with exit code 3"):
        list(DataLoader(Dies(8), batch_size=1, num_workers=2))


def test_timeout():
    with pytest.raises(DataLoaderError, match="timed out after 0.5 seconds"):
        list(DataLoader(Squares(4, slow=3.0), batch_size=1, num_workers=1, timeout=0.5))


def test_persistent_workers_live_across_epochs_and_end_with_the_loader():
    loader = DataLoader(Squares(6), batch_size=2, num_workers=2, persistent_workers=True, prefetch_factor=1)
    pids_by_epoch = []
    for _ in range(2):
        pids_by_epoch.append({p for *_, pid in loader for p in pid.tolist()})
        assert [y.tolist() for _, y, _ in loader] == [[0, 1], [4, 9], [16, 25]]
    assert pids_by_epoch[0] == pids_by_epoch[1] and len(_children()) == 2
    for i, _ in enumerate(loader):  # leave an epoch early: the next one starts clean
        break
    assert [y.tolist() for _, y, _ in loader] == [[0, 1], [4, 9], [16, 25]]
    del loader


def test_iterable_dataset_in_workers():
    loader = DataLoader(Stream(10), batch_size=3, num_workers=2)
    batches = [b.tolist() for b in loader]
    assert batches == [[0, 2, 4], [1, 3, 5], [6, 8], [7, 9]]  # what PyTorch gives
    assert [b.tolist() for b in DataLoader(Stream(10), batch_size=3, num_workers=2, drop_last=True)] == \
        [[0, 2, 4], [1, 3, 5]]
    single = list(DataLoader(Stream(7), batch_size=None, num_workers=2))  # examples as they are
    assert sorted(single) == list(range(7))


def test_iterable_dataset_in_workers_matches_torch(torch):
    class TorchStream(torch.utils.data.IterableDataset):
        def __iter__(self):
            info = torch.utils.data.get_worker_info()
            return iter(range(info.id, 11, info.num_workers))

    theirs = [b.tolist() for b in torch.utils.data.DataLoader(TorchStream(), batch_size=2, num_workers=2)]
    ours = [b.tolist() for b in DataLoader(Stream(11), batch_size=2, num_workers=2)]
    assert ours == theirs


def test_worker_arguments_are_checked():
    ds = Squares(4)
    with pytest.raises(ValueError, match="non-negative"):
        DataLoader(ds, num_workers=-1)
    with pytest.raises(ValueError, match="prefetch_factor"):
        DataLoader(ds, prefetch_factor=2)
    with pytest.raises(ValueError, match="persistent_workers"):
        DataLoader(ds, persistent_workers=True)
    with pytest.raises(ValueError, match="timeout"):
        DataLoader(ds, num_workers=1, timeout=-1)


def test_spawn_context_works_with_a_picklable_dataset():
    ds = TensorDataset(np.arange(12, dtype=np.float32).reshape(6, 2), np.arange(6))
    loader = DataLoader(ds, batch_size=4, num_workers=1, multiprocessing_context="spawn")
    assert [y.tolist() for _, y in loader] == [[0, 1, 2, 3], [4, 5]]


class TwoArgumentError(Exception):
    def __init__(self, code, detail):
        super().__init__(code, detail)


def test_exceptions_that_cannot_be_rebuilt_arrive_as_dataloader_errors():
    class Raises(Squares):
        def __getitem__(self, i):
            raise TwoArgumentError(7, "detail")

    with pytest.raises(DataLoaderError, match=r"(?s)Caught TwoArgumentError in DataLoader worker process 0.*detail"):
        list(DataLoader(Raises(2), batch_size=1, num_workers=1))

    class LocalError(Exception):  # defined in a function: the main process cannot unpickle its class
        pass

    class RaisesLocal(Squares):
        def __getitem__(self, i):
            raise LocalError("local")

    with pytest.raises(DataLoaderError, match="Caught LocalError"):
        list(DataLoader(RaisesLocal(2), batch_size=1, num_workers=1))
