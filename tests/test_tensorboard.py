"""SummaryWriter writes event files TensorBoard reads: checked with TensorBoard's own reader
when it is installed, and against the formats' definitions (CRC-32C check value, record
framing, PNG) always."""

import struct
import zlib

import numpy as np
import pytest

import minigrad as mg
from minigrad.utils.tensorboard import SummaryWriter
from minigrad.utils.tensorboard import event_file as ef

try:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
except ImportError:
    EventAccumulator = None
needs_tensorboard = pytest.mark.skipif(EventAccumulator is None, reason="tensorboard is not installed")


def test_crc32c_has_the_standard_check_value():
    assert ef.crc32c(b"123456789") == 0xE3069283  # CRC-32C's published check value
    assert ef.crc32c(b"") == 0


def _records(path):
    """The records of an event file, each CRC checked (the framing TensorBoard reads)."""
    data, out, at = path.read_bytes(), [], 0
    while at < len(data):
        header = data[at:at + 8]
        (length,) = struct.unpack("<Q", header)
        assert struct.unpack("<I", data[at + 8:at + 12])[0] == ef.masked_crc(header)
        body = data[at + 12:at + 12 + length]
        assert struct.unpack("<I", data[at + 12 + length:at + 16 + length])[0] == ef.masked_crc(body)
        out.append(body)
        at += 16 + length
    return out


def test_the_file_is_well_framed_and_starts_with_its_version(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        writer.add_scalar("loss", 0.5, 3)
    (path,) = tmp_path.glob("events.out.tfevents.*")
    first, second = _records(path)
    assert b"brain.Event:2" in first
    assert ef.float_field(2, 0.5) in second and ef.varint_field(2, 3) in second and b"loss" in second


def test_png_decodes_back_to_the_pixels():
    pixels = np.random.default_rng(0).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    data = ef.png(pixels)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    idat = data.index(b"IDAT")
    (length,) = struct.unpack(">I", data[idat - 4:idat])
    rows = np.frombuffer(zlib.decompress(data[idat + 4:idat + 4 + length]), np.uint8).reshape(5, 1 + 7 * 3)
    assert (rows[:, 0] == 0).all() and np.array_equal(rows[:, 1:].reshape(5, 7, 3), pixels)


@needs_tensorboard
def test_tensorboard_reads_what_was_written(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        for step in range(3):
            writer.add_scalar("loss/train", mg.tensor(1.0 / (step + 1)), step)
        writer.add_histogram("weights", mg.randn(1000), 2)
        writer.add_image("image", mg.rand(3, 8, 6), 1)
        writer.add_images("batch", np.random.rand(5, 1, 4, 4).astype(np.float32), 1)
        writer.add_text("note", "hello **world**", 0)
        writer.add_scalars("run", {"a": 1.0, "b": 2.0}, 0)
    events = EventAccumulator(str(tmp_path), size_guidance={"tensors": 0})
    events.Reload()
    assert [(e.step, round(e.value, 5)) for e in events.Scalars("loss/train")] == [(0, 1.0), (1, 0.5), (2, 0.33333)]
    histogram = events.Histograms("weights")[0]
    assert histogram.step == 2 and histogram.histogram_value.num == 1000 == sum(histogram.histogram_value.bucket)
    image = events.Images("image")[0]
    assert (image.width, image.height) == (6, 8)
    assert events.Images("batch")[0].width == 12  # 5 images, 3 to a row
    assert events.Tensors("note/text_summary")[0].tensor_proto.string_val == [b"hello **world**"]
    runs = EventAccumulator(str(tmp_path / "run_b"))
    runs.Reload()
    assert runs.Scalars("run")[0].value == 2.0


def test_bad_input_says_what_is_wrong(tmp_path):
    writer = SummaryWriter(tmp_path)
    with pytest.raises(ValueError, match="add_image: an image of shape"):
        writer.add_image("x", np.zeros((2, 3)), dataformats="CHW")
    with pytest.raises(ValueError, match="needs 1, 3 or 4 channels"):
        writer.add_image("x", np.zeros((2, 4, 4)))
    with pytest.raises(ValueError, match="got no values"):
        writer.add_histogram("h", np.zeros(0))
    with pytest.warns(UserWarning, match="add_graph"):
        writer.add_graph(mg.nn.Linear(2, 2))
    writer.close()
    with pytest.raises(ValueError, match="closed"):
        writer.add_scalar("late", 1.0)
