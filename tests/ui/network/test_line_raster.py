"""The Numba line rasterizer against a numpy reference that looks at every pixel: coverage
from the distance of a pixel's centre to the segment (round caps), jagged or with a
one-pixel ramp, each line composited over the ones before, premultiplied."""

from __future__ import annotations

import numpy as np
import pytest

from xorlab.ui.network import line_raster
from xorlab.ui.network.line_raster import rasterize, to_bytes


def reference(shape, segments, widths, colours, antialias):
    height, width = shape
    ys, xs = np.mgrid[0:height, 0:width] + 0.5
    out = np.zeros((height, width, 4))
    for (x1, y1, x2, y2), w, (r, g, b, a) in zip(segments, widths, colours, strict=True):
        dx, dy = x2 - x1, y2 - y1
        length2 = dx * dx + dy * dy
        s = np.clip(((xs - x1) * dx + (ys - y1) * dy) / length2, 0, 1) if length2 else 0 * xs
        distance = np.hypot(xs - (x1 + s * dx), ys - (y1 + s * dy))
        half = w / 2
        if antialias:
            cover = np.clip(half + 0.5 - distance, 0, 1)
        else:
            cover = (distance <= max(half, 0.5)).astype(float)
        alpha = (a * cover)[..., None]
        out = np.array([r, g, b, 1.0]) * alpha + out * (1 - alpha)
    return out


@pytest.mark.parametrize("antialias", [False, True])
def test_lines_are_the_reference_pixel_for_pixel(antialias):
    rng = np.random.default_rng(7)
    shape = (70, 90)
    # Steep, flat, short, off-image and zero-length lines, some crossing.
    segments = np.vstack(
        [
            rng.uniform(-10, 95, (12, 4)),
            [[5.0, 35.0, 85.0, 35.0], [45.0, 2.0, 46.0, 68.0], [20.0, 20.0, 20.0, 20.0]],
        ]
    )
    widths = rng.uniform(0.6, 9.0, len(segments))
    colours = np.column_stack(
        [rng.uniform(0, 1, (len(segments), 3)), rng.uniform(0.2, 1, len(segments))]
    )
    got = rasterize(shape, segments, widths, colours, antialias)
    expected = reference(shape, segments, widths, colours, antialias)
    assert got.shape == (*shape, 4) and got.dtype == np.float32
    np.testing.assert_allclose(got, expected, atol=2e-6)
    assert (got[..., 3] > 0).sum() > 500  # the lines cover something


def test_one_line_in_numbers_and_bytes():
    # A 4-pixel line along y = 20: rows 18..21 are covered, premultiplied by alpha 0.8.
    out = rasterize((30, 60), np.array([[10.0, 20.0, 50.0, 20.0]]), np.array([4.0]),
                    np.array([[1.0, 0.5, 0.0, 0.8]]), antialias=False)  # fmt: skip
    np.testing.assert_allclose(out[18:22, 30], [[0.8, 0.4, 0.0, 0.8]] * 4, atol=1e-7)
    assert not out[22:, 30].any() and not out[:18, 30].any()
    assert out[20, 11, 3] > 0 and not out[20, 55].any()  # round cap reaches 2 px, no more
    pixels = to_bytes(out)
    assert pixels.dtype == np.uint8 and tuple(pixels[19, 30]) == (204, 102, 0, 204)


def test_the_kernel_is_imported_and_compiled_holding_the_process_compile_lock(monkeypatch):
    """The training loop's background compile imports and compiles Numba on its own thread;
    a first import on the picture thread beside it got a half-initialized numba."""
    events: list[str] = []

    class RecordingLock:
        held = False

        def __enter__(self):
            self.held = True
            events.append("locked")

        def __exit__(self, *exc):
            self.held = False
            events.append("unlocked")

    lock = RecordingLock()
    define = line_raster._define

    def recorded_define():
        events.append(f"define, lock held: {lock.held}")
        kernel = define()

        def called(*args):
            events.append(f"call, lock held: {lock.held}")
            return kernel(*args)

        return called

    monkeypatch.setattr(line_raster, "COMPILE_LOCK", lock)
    monkeypatch.setattr(line_raster, "_define", recorded_define)
    monkeypatch.setattr(line_raster, "_kernel", None)
    out = line_raster.rasterize(
        (8, 8), np.array([[1.0, 1.0, 6.0, 6.0]]), np.array([2.0]), np.ones((1, 4)), True
    )
    assert out[3, 3, 3] > 0.5  # the line drew
    # Defined and first called (Numba compiles at the first call) under the lock; later
    # calls need no lock.
    assert events[:4] == ["locked", "define, lock held: True", "call, lock held: True", "unlocked"]
    assert events[4:] == ["call, lock held: False"]


def test_the_picture_thread_takes_the_process_compile_lock():
    from xorlab.core import compile_lock  # noqa: PLC0415

    assert line_raster.COMPILE_LOCK is compile_lock.COMPILE_LOCK
