"""Record Keras 3's results for the layer cases into tests/golden/keras_layers.npz.

    KERAS_BACKEND=torch python scripts/record_keras_golden.py

tests/test_keras_layers.py compares minigrad with Keras live where Keras is installed, and
with this file elsewhere. Each case stores its outputs, the gradients of sum(output * R)
with respect to the trainable weights and to the float inputs, and the weights after the
call (BatchNormalization's moving averages move in training mode); for FIT_CASES the loss
and the weights after one epoch of ``fit``; the summary tables of
tests/test_keras_models.py's models are stored as text. Inputs and weights are not stored:
they are drawn again from their seeds (tests/keras_layer_cases.py).
"""

import os
import sys

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))

import keras  # noqa: E402
import torch  # noqa: E402

from keras_layer_cases import CASES, FIT_CASES, SUMMARY_MODELS, run_fit, run_keras, summary_text  # noqa: E402


def main():
    arrays = {}
    for name in CASES:
        result = run_keras(name, keras, torch)
        for kind, values in result.items():
            for i, v in enumerate(values):
                arrays[f"{name}/{kind}/{i}"] = np.asarray(v)
    for name in FIT_CASES:
        result = run_fit(name, keras)
        arrays[f"fit/{name}/loss"] = np.asarray(result["loss"])
        for i, w in enumerate(result["weights"]):
            arrays[f"fit/{name}/weights/{i}"] = w
    for name in SUMMARY_MODELS:
        arrays[f"summary/{name}"] = np.array(summary_text(name, keras))
    path = os.path.join(ROOT, "tests", "golden", "keras_layers.npz")
    np.savez_compressed(path, **arrays)
    print(f"wrote {len(arrays)} arrays to {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
