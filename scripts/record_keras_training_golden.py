"""Record Keras 3's training numbers into tests/golden/keras_training.npz (needs keras and torch).

    python scripts/record_keras_training_golden.py

For every case of tests/keras_training_cases.py: the history of two epochs of ``fit``, the
weights after them, ``predict`` and ``evaluate`` (also for a masked sequence model and a model
with two outputs); for every loss case, the loss value (with and without sample weights) and its
gradient with respect to y_pred; for every metric case, its result after two batches. Keras
runs on its torch backend. tests/test_keras_training.py compares minigrad.keras with these
numbers on any machine. The script is deterministic: re-running it gives the same file.
"""

import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
GOLDEN = ROOT / "tests" / "golden" / "keras_training.npz"


def keras_module():
    os.environ["KERAS_BACKEND"] = "torch"
    import keras
    return keras


def keras_loss(keras, name):
    """A loss case's value, weighted value and gradient, computed by Keras (torch autograd)."""
    import torch

    import keras_training_cases as cases
    cls, kwargs, _, _ = cases.LOSSES[name]
    y_true, y_pred, sample_weight = cases.loss_inputs(name)
    loss = getattr(keras.losses, cls)(**kwargs)
    pred = torch.tensor(y_pred, requires_grad=True)
    value = loss(torch.tensor(y_true), pred)
    value.sum().backward()
    weighted = loss(torch.tensor(y_true), torch.tensor(y_pred), sample_weight=torch.tensor(sample_weight))
    return {f"loss/{name}/value": value.detach().numpy().astype(np.float64),
            f"loss/{name}/weighted": weighted.detach().numpy().astype(np.float64),
            f"loss/{name}/grad": pred.grad.numpy().astype(np.float64)}


def record(keras):
    import keras_training_cases as cases
    out = {}
    for case in cases.CASES:
        keras.utils.set_random_seed(0)
        out.update({f"{case}/{k}": v for k, v in cases.run(keras, case).items()})
    keras.utils.set_random_seed(0)
    out.update({f"masked_sequence/{k}": v for k, v in cases.run_masked_sequence(keras).items()})
    keras.utils.set_random_seed(0)
    out.update({f"two_outputs/{k}": v for k, v in cases.run_two_outputs(keras).items()})
    for name in cases.LOSSES:
        out.update(keras_loss(keras, name))
    for name in cases.METRICS:
        for weighted in (False, True):
            out[f"metric/{name}/{'weighted' if weighted else 'plain'}"] = cases.metric_result(keras, name, weighted)
    return out


if __name__ == "__main__":
    numbers = record(keras_module())
    np.savez_compressed(GOLDEN, **numbers)
    print(f"wrote {len(numbers)} arrays to {GOLDEN.relative_to(ROOT)} ({GOLDEN.stat().st_size} bytes)")
