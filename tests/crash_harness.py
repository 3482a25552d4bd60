"""Kill a training process at random moments, start it again each time, and see how it ends.

``run_with_kills`` drives tests/crash_child.py: it starts the child, SIGKILLs it at a random
moment, looks at what the kill left on disk, and starts it again, until the child finishes on
its own. It returns the counts the test asserts on and docs/reliability.md reports.

The moments are drawn from a seeded ``random.Random``, so a failing run can be replayed with
its seed. Three kinds of moment:

- "save": wait until the child begins a checkpoint, then kill it within the save's length
  (the child's saves are slowed down by its CRASH_CHILD_SLOW_SAVE hook so that this window
  is wide: writing, the file's fsync, the rename, the folder's fsync);
- "training": wait until the child has resumed (imports and loading done), then kill it
  within about two epochs: in a training step, between steps, or in a save;
- "startup": kill it within half a second of starting: while Python imports, or while the
  checkpoint is being loaded.
"""

import os
import random
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CHILD = os.path.join(HERE, "crash_child.py")
SLOW_SAVE = 0.16  # seconds per save in the child
SLOW_STEP = 0.004  # seconds after each of the 12 steps of an epoch
EPOCHS = 6


def child_env(log=None, slow=True, hold=None):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT] + [p for p in sys.path if p]))
    env.pop("MINIGRAD_RELIABILITY_DIR", None)
    for key in ("CRASH_CHILD_LOG", "CRASH_CHILD_SLOW_SAVE", "CRASH_CHILD_SLOW_STEP", "CRASH_CHILD_HOLD_SAVE"):
        env.pop(key, None)
    if log:
        env["CRASH_CHILD_LOG"] = log
    if slow:
        env["CRASH_CHILD_SLOW_SAVE"], env["CRASH_CHILD_SLOW_STEP"] = str(SLOW_SAVE), str(SLOW_STEP)
    if hold is not None:
        env["CRASH_CHILD_HOLD_SAVE"] = str(hold)
    return env


def start(folder, env):
    """The child, training towards folder/checkpoint.npz and folder/result.npz."""
    return subprocess.Popen([sys.executable, CHILD, os.path.join(folder, "checkpoint.npz"),
                             os.path.join(folder, "result.npz"), str(EPOCHS)],
                            env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def run_uninterrupted(folder, timeout=60):
    """Run the child once from scratch to the end; returns the path of its result."""
    os.makedirs(folder, exist_ok=True)
    child = start(folder, child_env(slow=False))
    try:
        _, err = child.communicate(timeout=timeout)
    finally:
        stop(child)
    if child.returncode != 0:
        raise RuntimeError(f"the uninterrupted child failed ({child.returncode}): {err.decode()[-2000:]}")
    return os.path.join(folder, "result.npz")


def stop(child):
    """SIGKILL ``child`` if it still runs, and reap it: no process is left behind."""
    if child.poll() is None:
        child.send_signal(signal.SIGKILL)
    try:
        child.wait(timeout=30)
    except subprocess.TimeoutExpired:  # pragma: no cover - a process that survives SIGKILL
        pass
    if child.stderr is not None:
        child.stderr.close()


def read_log(path):
    try:
        with open(path) as f:
            return [line.split() for line in f.read().splitlines() if line]
    except FileNotFoundError:
        return []


def wait_for(path, seen, word, child, timeout):
    """Wait until the log has a line starting with ``word`` after its first ``seen`` lines;
    False when the child exits first or the time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(line[0] == word for line in read_log(path)[seen:]):
            return True
        if child.poll() is not None:
            return False
        time.sleep(0.002)
    return False


def checkpoint_epoch(folder):
    """The epoch the checkpoint holds: None when there is none; raises when it cannot be loaded."""
    import minigrad as mg

    path = os.path.join(folder, "checkpoint.npz")
    if not os.path.exists(path):
        return None
    return int(mg.load(path)["epoch"])


def temporary_files(folder):
    return [f for f in os.listdir(folder) if f.endswith(".tmp")]


def where_killed(lines):
    """'save' when the child's last words were the start of a checkpoint; 'startup' before it
    said where it resumed; 'training' otherwise."""
    if not lines or lines[-1][0] not in ("resume", "save", "saved"):
        return "startup"
    return "save" if lines[-1][0] == "save" else "training"


def run_with_kills(folder, kills, seed, time_budget=30.0):
    """Kill the child ``kills`` times (fewer if ``time_budget`` seconds run out first), then let
    it finish. Returns a dict:

    - ``kills``, and where each landed (read from the child's log): ``in_save``, ``in_training``
      (including between steps and in the final save of the result), ``in_startup``;
    - for the kills inside a save, what the checkpoint then held: ``save_kept_old`` (the epoch
      before), ``save_got_new`` (the epoch being saved: the rename was done), ``save_other``
      (anything else; must be 0);
    - ``torn_checkpoints`` (a checkpoint that did not load) and ``epoch_went_back`` (a checkpoint
      older than the one before the kill): both must be 0;
    - ``restarts``, ``temporary_files_left`` (of killed saves), ``seed``, ``seconds``, and
      ``events``: one {kind, where, checkpoint_epoch} per kill.
    """
    from minigrad.serialization import CheckpointError

    os.makedirs(folder, exist_ok=True)
    rng = random.Random(seed)
    log = os.path.join(folder, "events.log")
    counts = {"kills": 0, "in_save": 0, "in_training": 0, "in_startup": 0, "save_kept_old": 0,
              "save_got_new": 0, "save_other": 0, "torn_checkpoints": 0, "epoch_went_back": 0, "restarts": 0,
              "temporary_files_left": 0, "seed": seed}
    events = []
    began = time.monotonic()
    last_epoch = None
    while True:
        seen = len(read_log(log))
        child = start(folder, child_env(log))
        counts["restarts"] += 1
        try:
            if counts["kills"] < kills and time.monotonic() - began < time_budget:
                kind = rng.choices(["save", "training", "startup"], weights=[6, 3, 1])[0]
                if kind == "save":
                    alive = wait_for(log, seen, "save", child, timeout=60)
                    time.sleep(rng.uniform(0.0, SLOW_SAVE))
                elif kind == "training":
                    alive = wait_for(log, seen, "resume", child, timeout=60)
                    time.sleep(rng.uniform(0.0, 2 * (SLOW_SAVE + 12 * SLOW_STEP)))
                else:
                    alive = True
                    time.sleep(rng.uniform(0.0, 0.5))
                if alive and child.poll() is None:
                    child.send_signal(signal.SIGKILL)
                    child.wait(timeout=30)
                    counts["kills"] += 1
                    lines = read_log(log)[seen:]
                    where = where_killed(lines)
                    counts[f"in_{where}"] += 1
                    try:
                        epoch = checkpoint_epoch(folder)
                    except CheckpointError:
                        counts["torn_checkpoints"] += 1
                        epoch = last_epoch
                    if where == "save":  # the file must hold the epoch before, or the one being saved
                        saving = int(lines[-1][1])
                        before = saving - 1 if saving > 1 else None
                        counts["save_got_new" if epoch == saving else
                               "save_kept_old" if epoch == before else "save_other"] += 1
                    if last_epoch is not None and (epoch is None or epoch < last_epoch):
                        counts["epoch_went_back"] += 1
                    events.append({"kind": kind, "where": where, "checkpoint_epoch": epoch})
                    last_epoch = epoch
                    continue
            _, err = child.communicate(timeout=120)
            if child.returncode != 0:
                raise RuntimeError(f"the child failed ({child.returncode}) after {counts['kills']} kills "
                                   f"(seed {seed}): {err.decode()[-2000:]}")
            break
        finally:
            stop(child)
    counts["temporary_files_left"] = len(temporary_files(folder))
    counts["seconds"] = round(time.monotonic() - began, 1)
    counts["events"] = events
    return counts


def kill_in_first_save(folder):
    """Kill the child while it writes its very first checkpoint (held there by its hook), then
    let a new child run to the end. Returns what the kill left: whether a checkpoint existed,
    the temporary files, and whether the torn temporary file loads."""
    from minigrad.serialization import CheckpointError
    import minigrad as mg

    os.makedirs(folder, exist_ok=True)
    log = os.path.join(folder, "events.log")
    child = start(folder, child_env(log, slow=False, hold=1))
    try:
        if not wait_for(log, 0, "holding", child, timeout=60):
            raise RuntimeError("the child never reached its first save")
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        stop(child)
    left = {"checkpoint_exists": os.path.exists(os.path.join(folder, "checkpoint.npz")),
            "temporary_files": temporary_files(folder), "torn_file_refused": None}
    if left["temporary_files"]:
        try:
            mg.load(os.path.join(folder, left["temporary_files"][0]))
            left["torn_file_refused"] = False
        except CheckpointError:
            left["torn_file_refused"] = True
    seen = len(read_log(log))
    child = start(folder, child_env(log, slow=False))
    try:
        _, err = child.communicate(timeout=120)
    finally:
        stop(child)
    if child.returncode != 0:
        raise RuntimeError(f"the restarted child failed ({child.returncode}): {err.decode()[-2000:]}")
    left["restart_resumed_from"] = int(next(ln[1] for ln in read_log(log)[seen:] if ln[0] == "resume"))
    return left


def same_weights(path_a, path_b):
    """True when the two results hold the same arrays, bit for bit (dtype, shape and bytes)."""
    import minigrad as mg

    a, b = mg.load(path_a)["model"], mg.load(path_b)["model"]
    return a.keys() == b.keys() and all(
        a[k].dtype == b[k].dtype and a[k].shape == b[k].shape and a[k].numpy().tobytes() == b[k].numpy().tobytes()
        for k in a)
