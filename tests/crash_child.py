"""A small training run that checkpoints after every epoch and resumes from its checkpoint:
the process tests/test_crash_resume.py kills at random moments and starts again.

    python tests/crash_child.py CHECKPOINT RESULT [EPOCHS]

It trains the way a PyTorch user's loop does: a model with dropout, a DataLoader shuffling
with its own Generator, Adam and StepLR. After each epoch it saves everything the rest of the
run depends on (weights, optimizer, scheduler, both generators, the epoch) to CHECKPOINT; when
CHECKPOINT exists at start, it goes on from there. At the end it saves the weights to RESULT.

Test hooks, from the environment (the test sets them; minigrad knows nothing of them):

- CRASH_CHILD_LOG=FILE: append one line per event: ``resume E`` (starting after epoch E, 0 for
  a fresh start), ``save E`` / ``saved E`` around the checkpoint of epoch E, ``done``.
- CRASH_CHILD_SLOW_SAVE=SECONDS: each save takes about that long: 40% writing its bytes in
  pieces (each flushed to the file, so a kill leaves a torn temporary file on disk), 20% in
  the file's fsync, and 40% in the folder's fsync (after the rename). Kills then land inside
  saves often, before the rename and after it.
- CRASH_CHILD_SLOW_STEP=SECONDS: a pause after each training step, so epochs take some time.
- CRASH_CHILD_HOLD_SAVE=E: halfway through writing the checkpoint of epoch E, log ``holding E``
  and wait (for the kill).
"""

import io
import os
import stat
import sys
import time

import numpy as np

import minigrad as mg
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset

LOG = os.environ.get("CRASH_CHILD_LOG")


def log(*words):
    if LOG:
        with open(LOG, "a") as f:
            f.write(" ".join(str(w) for w in words) + "\n")


def slow_saves(seconds, hold_epoch, epoch_of_save):
    """Patch the two calls minigrad.save writes through, in this process only."""
    real_savez, real_fsync = np.savez, os.fsync
    pieces = 8

    def savez(file, *args, **arrays):
        buffer = io.BytesIO()
        real_savez(buffer, *args, **arrays)
        data = buffer.getvalue()
        size = -(-len(data) // pieces)
        for i in range(pieces):
            file.write(data[i * size:(i + 1) * size])
            file.flush()  # in the kernel's hands: a kill from now on leaves these bytes in the file
            if i == pieces // 2 and hold_epoch == epoch_of_save[0]:
                log("holding", epoch_of_save[0])
                time.sleep(60)
            time.sleep(0.4 * seconds / pieces)

    def fsync(fd):
        time.sleep((0.4 if stat.S_ISDIR(os.fstat(fd).st_mode) else 0.2) * seconds)
        real_fsync(fd)

    np.savez, os.fsync = savez, fsync


def data():
    """384 points in 16 dimensions, labelled by the largest of 4 fixed projections."""
    rng = np.random.default_rng(1234)
    x = rng.standard_normal((384, 16)).astype(np.float32)
    y = (x @ rng.standard_normal((16, 4))).argmax(axis=1)
    return TensorDataset(mg.tensor(x), mg.tensor(y))


def main(checkpoint, result, epochs=6):
    epoch_of_save = [None]
    slow = float(os.environ.get("CRASH_CHILD_SLOW_SAVE", "0"))
    hold = int(os.environ.get("CRASH_CHILD_HOLD_SAVE", "-1"))
    if slow or hold >= 0:
        slow_saves(slow, hold, epoch_of_save)
    pause = float(os.environ.get("CRASH_CHILD_SLOW_STEP", "0"))

    mg.manual_seed(0)  # the weights' initialization and the dropout masks
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 4))
    opt = optim.Adam(model.parameters(), lr=0.01)
    sched = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    shuffle = mg.Generator().manual_seed(7)
    loader = DataLoader(data(), batch_size=32, shuffle=True, generator=shuffle)
    loss_fn = nn.CrossEntropyLoss()

    done = 0
    if os.path.exists(checkpoint):
        state = mg.load(checkpoint)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optim"])
        sched.load_state_dict(state["sched"])
        mg.set_rng_state(state["rng"])
        shuffle.set_state(state["loader_generator"])
        done = int(state["epoch"])
    log("resume", done)

    for epoch in range(done + 1, epochs + 1):
        for x, y in loader:
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if pause:
                time.sleep(pause)
        sched.step()
        log("save", epoch)
        epoch_of_save[0] = epoch
        mg.save({"model": model.state_dict(), "optim": opt.state_dict(), "sched": sched.state_dict(),
                 "rng": mg.get_rng_state(), "loader_generator": shuffle.get_state(), "epoch": epoch}, checkpoint)
        log("saved", epoch)
    epoch_of_save[0] = None
    mg.save({"model": model.state_dict()}, result)
    log("done")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], *(int(a) for a in sys.argv[3:4]))
