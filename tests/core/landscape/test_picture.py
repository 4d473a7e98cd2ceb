from __future__ import annotations

import struct
import zlib

import numpy as np

from xorlab.core.io.png import encode_png
from xorlab.core.landscape import picture
from xorlab.core.landscape.surface import Landscape


def _decode(data: bytes) -> np.ndarray:
    """A reader for exactly what encode_png writes (RGB, 8 bit, filter 0)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks[kind] = chunks.get(kind, b"") + body
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 2)
    raw = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), np.uint8).reshape(height, -1)
    assert (raw[:, 0] == 0).all()
    return raw[:, 1:].reshape(height, width, 3)


def test_png_round_trips():
    image = np.random.default_rng(0).integers(0, 256, (7, 5, 3), dtype=np.uint8)
    np.testing.assert_array_equal(_decode(encode_png(image)), image)


def _landscape(costs, path):
    axis = np.linspace(-1, 1, costs.shape[0])
    return Landscape(
        "random", (), (), axis, axis, costs, float(costs[1, 1]), np.arange(len(path)),
        np.array(path, float), np.zeros(len(path)), ("a", "b"),
    )  # fmt: skip


def test_render_draws_the_surface_the_path_and_the_point():
    a, b = np.meshgrid(np.linspace(-1, 1, 3), np.linspace(-1, 1, 3), indexing="ij")
    costs = a + 10.0  # rising to the right (alpha): low colours left, high right
    land = _landscape(costs, [[-0.5, 0.5], [0.0, 0.0]])
    image = picture.render(land, size=101)
    assert image.shape == (101, 101, 3)
    np.testing.assert_array_equal(image[50, 50], picture.POINT_COLOUR)  # the current point
    # The start, at alpha -0.5, beta 0.5: left of centre and above it.
    np.testing.assert_array_equal(image[25, 25], picture.START_COLOUR)
    left, right = image[90, 0].astype(int), image[90, 100].astype(int)
    np.testing.assert_array_equal(left, np.rint(picture.colour_map(np.array(0.0))).astype(int))
    assert right[0] > 200 and right[1] > 200  # viridis' yellow end


def test_render_survives_non_finite_costs_and_a_path_off_the_picture():
    costs = np.array([[np.nan, np.inf, 1.0], [2.0, 3.0, -np.inf], [1.0, 1.0, 1.0]])
    land = _landscape(costs, [[50.0, -80.0], [0.0, 0.0]])
    image = picture.render(land, size=64, log=True)
    assert image.shape == (64, 64, 3)
