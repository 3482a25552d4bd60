"""SummaryWriter: PyTorch's ``torch.utils.tensorboard.SummaryWriter``, writing the event files
TensorBoard reads (event_file.py) with no TensorFlow or protobuf installed.

Written: scalars (``add_scalar``, ``add_scalars``), histograms, images (one, or a batch as a
grid), text, matplotlib figures (when matplotlib is installed), and hyperparameter runs as
their metric scalars. Not written: ``add_graph`` (minigrad records no traceable graph of a
model) and the hparams plugin's table; both warn once and go on, so a training script runs.
"""

import math
import os
import socket
import time
import warnings
from datetime import datetime

import numpy as np

from ... import backend
from ...errors import ArgumentError, ShapeError
from ...tensor import Tensor
from . import event_file as ef


def _numpy(x):
    """A tensor (on any device), an array (CuPy's too) or a number as a host array."""
    if isinstance(x, Tensor):
        return x.detach().numpy(force=True)
    return backend.to_device(x, "cpu") if hasattr(x, "__cuda_array_interface__") else np.asarray(x)


def _image_hwc(img, dataformats, op):
    """A (H, W, C) uint8 array from an image in ``dataformats`` (CHW, HWC, HW); floats are in [0, 1]."""
    a = _numpy(img)
    fmt = dataformats.upper()
    if a.ndim != len(fmt) or set(fmt) - set("CHW"):
        raise ShapeError(f"{op}: an image of shape {a.shape} does not match dataformats={dataformats!r}")
    if "C" not in fmt:
        a, fmt = a[..., None], fmt + "C"
    a = a.transpose([fmt.index(axis) for axis in "HWC"])
    if a.shape[2] not in (1, 3, 4):
        raise ShapeError(f"{op}: an image needs 1, 3 or 4 channels, got {a.shape[2]}")
    if a.dtype.kind == "f":
        a = np.clip(a * 255.0 + 0.5, 0, 255)
    return np.ascontiguousarray(a.astype(np.uint8))


def _grid(batch):
    """Images (N, H, W, C) tiled into one, ceil(sqrt(N)) to a row."""
    n, h, w, c = batch.shape
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    canvas = np.zeros((rows * h, cols * w, c), np.uint8)
    for k in range(n):  # (one copy per image of the batch: an image grid for a log, not an op)
        canvas[(k // cols) * h:(k // cols + 1) * h, (k % cols) * w:(k % cols + 1) * w] = batch[k]
    return canvas


class SummaryWriter:
    """Writes events for TensorBoard into ``log_dir`` (default ``runs/<date>_<host><comment>``)."""

    _files_made = 0

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10, flush_secs=120, filename_suffix=""):
        if not log_dir:
            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", f"{stamp}_{socket.gethostname()}{comment}")
        self.log_dir = os.fspath(log_dir)
        self.purge_step, self.max_queue, self.flush_secs = purge_step, max_queue, flush_secs
        self.filename_suffix = filename_suffix
        os.makedirs(self.log_dir, exist_ok=True)
        SummaryWriter._files_made += 1
        name = (f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}.{os.getpid()}."
                f"{SummaryWriter._files_made}{filename_suffix}")
        self._file = open(os.path.join(self.log_dir, name), "ab")
        self._pending = 0
        self._last_flush = time.time()
        self._children = {}  # add_scalars' writers, one per scalar name
        self._warned = set()
        self._write(ef.event(time.time(), file_version="brain.Event:2"))

    def get_logdir(self):
        return self.log_dir

    # ---- writing ---------------------------------------------------------------------------
    def _write(self, data):
        if self._file is None:
            raise ArgumentError(f"SummaryWriter: the writer of {self.log_dir} is closed")
        self._file.write(ef.record(data))
        self._pending += 1
        if self._pending >= self.max_queue or time.time() - self._last_flush >= self.flush_secs:
            self.flush()

    def _add(self, value, global_step, walltime):
        step = None if global_step is None else int(_numpy(global_step))
        self._write(ef.event(time.time() if walltime is None else walltime, step, ef.summary(value)))

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False, double_precision=False):
        self._add(ef.scalar_value(tag, float(_numpy(scalar_value))), global_step, walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Each scalar in a run of its own, ``log_dir/<main_tag>_<name>``, under the tag main_tag."""
        for name, value in tag_scalar_dict.items():
            folder = os.path.join(self.log_dir, f"{main_tag.replace('/', '_')}_{name}")
            child = self._children.get(folder)
            if child is None:
                child = self._children[folder] = SummaryWriter(folder, max_queue=self.max_queue,
                                                               flush_secs=self.flush_secs)
            child.add_scalar(main_tag, value, global_step, walltime)

    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None, max_bins=None):
        values = _numpy(values).astype(np.float64).reshape(-1)
        if values.size == 0:
            raise ArgumentError(f"add_histogram: {tag!r} got no values")
        if isinstance(bins, str) and bins == "tensorflow":  # (a fixed count in place of TensorFlow's buckets)
            bins = 30
        self._add(ef.histogram_value(tag, values, bins if max_bins is None else min(bins, max_bins)
                                     if isinstance(bins, int) else bins), global_step, walltime)

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        self._add(ef.image_value(tag, _image_hwc(img_tensor, dataformats, "add_image")), global_step, walltime)

    def add_images(self, tag, img_tensor, global_step=None, walltime=None, dataformats="NCHW"):
        batch = _numpy(img_tensor)
        fmt = dataformats.upper()
        if not fmt.startswith("N") or batch.ndim != len(fmt):
            raise ShapeError(f"add_images: images of shape {batch.shape} do not match dataformats={dataformats!r}")
        images = np.stack([_image_hwc(image, fmt[1:], "add_images") for image in batch])
        self._add(ef.image_value(tag, _grid(images)), global_step, walltime)

    def add_figure(self, tag, figure, global_step=None, close=True, walltime=None):
        """A matplotlib figure (or a list of them, side by side), drawn and logged as an image."""
        figures = figure if isinstance(figure, (list, tuple)) else [figure]
        images = []
        for fig in figures:
            fig.canvas.draw()
            images.append(np.asarray(fig.canvas.buffer_rgba())[..., :3].copy())
            if close:
                import matplotlib.pyplot as plt

                plt.close(fig)
        self._add(ef.image_value(tag, np.concatenate(images, axis=1)), global_step, walltime)

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        self._add(ef.text_value(tag, text_string), global_step, walltime)

    def add_hparams(self, hparam_dict, metric_dict, hparam_domain_discrete=None, run_name=None, global_step=None):
        self._warn_once("add_hparams", "the hparams table is not written; each metric is logged as a scalar")
        for name, value in metric_dict.items():
            self.add_scalar(name, value, global_step)

    def add_graph(self, model, input_to_model=None, verbose=False, use_strict_trace=True):
        self._warn_once("add_graph", "minigrad records no traceable graph of a model; nothing is written")

    def _warn_once(self, op, message):
        if op not in self._warned:
            self._warned.add(op)
            warnings.warn(f"SummaryWriter.{op}: {message}", stacklevel=3)

    # ---- closing ---------------------------------------------------------------------------
    def flush(self):
        if self._file is not None:
            self._file.flush()
        self._pending, self._last_flush = 0, time.time()
        for child in self._children.values():
            child.flush()

    def close(self):
        if self._file is not None:
            self.flush()
            self._file.close()
            self._file = None
        for child in self._children.values():
            child.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
