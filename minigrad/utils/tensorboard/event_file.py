"""TensorBoard's event file, written by hand: no TensorFlow, no protobuf package.

An event file is a sequence of records (TFRecord framing), each one serialized ``Event``
protocol buffer:

    uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)

all little-endian, CRC-32C (Castagnoli) masked as ((crc >> 15) | (crc << 17)) + 0xa282ead8.

Protocol buffers encode each field as a key, (field number << 3) | wire type, then the value:
wire type 0 a varint (ints), 1 eight bytes (double), 2 a varint length then bytes (strings,
nested messages, packed repeated numbers), 5 four bytes (float). The messages used here
(field numbers from TensorBoard's event.proto, summary.proto, tensor.proto):

    Event      1 wall_time double, 2 step int64, 3 file_version string, 5 summary Summary
    Summary    1 value repeated Value
    Value      1 tag string, 2 simple_value float, 4 image Image, 5 histo HistogramProto,
               8 tensor TensorProto, 9 metadata SummaryMetadata
    Image      1 height int32, 2 width int32, 3 colorspace int32, 4 encoded_image_string bytes
    HistogramProto  1 min, 2 max, 3 num, 4 sum, 5 sum_squares (doubles),
                    6 bucket_limit packed doubles, 7 bucket packed doubles
    TensorProto     1 dtype enum (7 = string), 2 tensor_shape {2 dim {1 size}}, 8 string_val bytes
    SummaryMetadata 1 plugin_data {1 plugin_name string}
"""

import struct
import zlib

import numpy as np


# ---- CRC-32C -------------------------------------------------------------------------------------
def _crc_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1  # the reflected Castagnoli polynomial
        table.append(crc)
    return table


_TABLE = _crc_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:  # (a record's bytes: event files are small next to a training step)
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def record(data):
    """One TFRecord around the bytes ``data``."""
    length = struct.pack("<Q", len(data))
    return length + struct.pack("<I", masked_crc(length)) + data + struct.pack("<I", masked_crc(data))


# ---- protocol buffer fields ----------------------------------------------------------------------
def _varint(n):
    n &= (1 << 64) - 1  # negative int64s as their two's complement, as protobuf does
    out = bytearray()
    while True:
        low = n & 0x7F
        n >>= 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)


def varint_field(number, value):
    return _varint(number << 3) + _varint(int(value))


def double_field(number, value):
    return _varint(number << 3 | 1) + struct.pack("<d", float(value))


def float_field(number, value):
    return _varint(number << 3 | 5) + struct.pack("<f", float(value))


def bytes_field(number, data):
    data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def packed_doubles(number, values):
    return bytes_field(number, np.asarray(values, dtype="<f8").tobytes())


# ---- the messages --------------------------------------------------------------------------------
def event(wall_time, step=None, summary=None, file_version=None):
    out = double_field(1, wall_time)
    if step is not None:
        out += varint_field(2, step)
    if file_version is not None:
        out += bytes_field(3, file_version)
    if summary is not None:
        out += bytes_field(5, summary)
    return out


def summary(*values):
    return b"".join(bytes_field(1, v) for v in values)


def scalar_value(tag, value):
    return bytes_field(1, tag) + float_field(2, value)


def histogram_value(tag, values, bins):
    """A histogram of ``values`` (NumPy's histogram with ``bins``), as TensorBoard draws it."""
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    counts, edges = np.histogram(values, bins=bins)
    histo = (double_field(1, values.min()) + double_field(2, values.max()) + double_field(3, values.size)
             + double_field(4, values.sum()) + double_field(5, np.dot(values, values))
             + packed_doubles(6, edges[1:]) + packed_doubles(7, counts))
    return bytes_field(1, tag) + bytes_field(5, histo)


def text_value(tag, text):
    shape = bytes_field(2, varint_field(1, 1))  # one dimension of size 1
    tensor = varint_field(1, 7) + bytes_field(2, shape) + bytes_field(8, text)
    metadata = bytes_field(1, bytes_field(1, "text"))
    return bytes_field(1, tag + "/text_summary") + bytes_field(8, tensor) + bytes_field(9, metadata)


def image_value(tag, hwc):
    """An image from a (H, W, C) uint8 array, C = 1, 3 or 4, stored as PNG."""
    height, width, channels = hwc.shape
    image = (varint_field(1, height) + varint_field(2, width) + varint_field(3, channels)
             + bytes_field(4, png(hwc)))
    return bytes_field(1, tag) + bytes_field(4, image)


def png(hwc):
    """The PNG file of a (H, W, C) uint8 array: each row prefixed with filter 0, zlib-deflated."""
    height, width, channels = hwc.shape
    color = {1: 0, 3: 2, 4: 6}[channels]  # grey, RGB, RGBA

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = np.concatenate([np.zeros((height, 1), np.uint8), hwc.reshape(height, width * channels)], axis=1)
    header = struct.pack(">IIBBBBB", width, height, 8, color, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows.tobytes()))
            + chunk(b"IEND", b""))
