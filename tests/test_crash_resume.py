"""Training survives a crash: SIGKILL a training process at random moments, start it again each
time, and it ends with exactly the weights of a run that was never interrupted.

The child (tests/crash_child.py) trains a small model with dropout, a DataLoader shuffling with
its own Generator, Adam and StepLR, and checkpoints after every epoch; tests/crash_harness.py
kills it, most often inside a save (its saves are slowed down so that they are wide targets).
Every kill must leave a checkpoint that loads, the old one or the new one, never a torn file;
the checkpoint never goes back to an earlier epoch; the final weights equal, bit for bit, those
of an uninterrupted run.

The kill moments come from a seed: 0 when CI is set (the same kills on every CI run), a fresh
one otherwise; CRASH_SEED=n replays a run (the seed is in every failure message).
"""

import os
import random
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from crash_harness import kill_in_first_save, run_uninterrupted, run_with_kills, same_weights  # noqa: E402
from reliability_figures import record  # noqa: E402

pytestmark = pytest.mark.skipif(not hasattr(__import__("signal"), "SIGKILL"), reason="needs POSIX signals")

KILLS = 10


def kill_seed():
    if os.environ.get("CRASH_SEED"):
        return int(os.environ["CRASH_SEED"])
    return 0 if os.environ.get("CI") else random.randrange(2**32)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The weights of the run nobody interrupts."""
    return run_uninterrupted(str(tmp_path_factory.mktemp("uninterrupted")))


def test_killed_at_random_moments_ends_bit_identical(tmp_path, reference):
    seed = kill_seed()
    counts = run_with_kills(str(tmp_path), kills=KILLS, seed=seed, time_budget=20.0)
    why = f"(seed {seed}; replay with CRASH_SEED={seed}): {counts}"
    assert counts["kills"] >= 4, "too few kills landed " + why  # fewer only on a machine slowed to a crawl
    assert counts["in_save"] >= counts["kills"] // 3, "too few kills inside a save " + why
    assert counts["torn_checkpoints"] == 0, "a kill left a checkpoint that does not load " + why
    assert counts["epoch_went_back"] == 0, "a kill lost a checkpoint already written " + why
    assert counts["save_other"] == 0, "a kill in a save left neither the old checkpoint nor the new " + why
    assert counts["save_kept_old"] + counts["save_got_new"] == counts["in_save"]
    assert same_weights(reference, os.path.join(tmp_path, "result.npz")), "the resumed run ended elsewhere " + why
    record("crash_resume", {k: v for k, v in counts.items() if k != "events"})


def test_killed_in_the_very_first_save_starts_over_cleanly(tmp_path, reference):
    left = kill_in_first_save(str(tmp_path))
    assert not left["checkpoint_exists"], left  # the rename never happened: no checkpoint at all
    assert len(left["temporary_files"]) == 1 and left["torn_file_refused"] is True, left
    assert left["restart_resumed_from"] == 0, left  # a fresh start, not a resume from garbage
    assert same_weights(reference, os.path.join(tmp_path, "result.npz"))
    record("crash_first_save", {k: v for k, v in left.items() if k != "temporary_files"})

