"""Wide lines rasterized by a Numba kernel that runs without the GIL.

Qt's raster engine needs ~25 us a wide line and PySide holds the GIL through every Qt call,
so painting a 2-64-64-64-1 net's 8,577 lines with QPainter, even on another thread, takes
~0.2 s of the GIL from the training loop (which needs it too) and from the GUI thread. This
kernel paints the same lines into a premultiplied RGBA array with the GIL released, so the
painting thread runs beside the others. It is plain numpy and Numba (no Qt): a pixel's
coverage is its centre's distance to the segment (round caps), antialiased as a one-pixel
ramp at the edge or, jagged, all or nothing; each line is composited over the ones before.

Numba is imported on first use, on the painting thread, never by the GUI thread.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from xorlab.core.compile_lock import COMPILE_LOCK
from xorlab.core.first_imports import import_numba

_kernel: Callable | None = None


def _compile() -> Callable:
    # Compiled holding the process's compile lock (see core/compile_lock): beside the fast
    # loop's background compile, typing this kernel failed and the lines never drew.
    with COMPILE_LOCK:
        kernel = _define()
        # Numba compiles at the first call: here, under the lock, with rasterize's types.
        kernel(
            np.zeros((1, 1, 4), np.float32), np.zeros((0, 4)), np.zeros(0), np.zeros((0, 4)), True
        )
    return kernel


def _define() -> Callable:
    # On the painting thread, on first use only; through the lock (see core.first_imports).
    numba = import_numba()

    @numba.njit(nogil=True, cache=True)
    def draw(out, segments, widths, colours, antialias):  # pragma: no cover - Numba
        height, width = out.shape[0], out.shape[1]
        for i in range(segments.shape[0]):
            x1, y1, x2, y2 = segments[i, 0], segments[i, 1], segments[i, 2], segments[i, 3]
            half = 0.5 * widths[i]
            r, g, b, a = colours[i, 0], colours[i, 1], colours[i, 2], colours[i, 3]
            dx, dy = x2 - x1, y2 - y1
            length2 = dx * dx + dy * dy
            reach = half + 1.0  # pixels a line's coverage reaches from its centre line
            x_major = abs(dx) >= abs(dy)
            if x_major:
                lo = max(0, int(math.floor(min(x1, x2) - reach)))
                hi = min(width - 1, int(math.ceil(max(x1, x2) + reach)))
            else:
                lo = max(0, int(math.floor(min(y1, y2) - reach)))
                hi = min(height - 1, int(math.ceil(max(y1, y2) + reach)))
            long_side = math.sqrt(length2)
            inverse = 1.0 / length2 if length2 > 0.0 else 0.0
            solid = max(half - 0.5, 0.0)  # nearer than this, a pixel is fully covered
            solid2 = solid * solid
            edge = max(half, 0.5)
            edge2 = edge * edge
            for major in range(lo, hi + 1):
                c = major + 0.5
                if x_major:
                    t = (c - x1) / dx if dx != 0.0 else 0.0
                    t = min(max(t, 0.0), 1.0)
                    centre = y1 + t * dy
                    across = reach * long_side / abs(dx) if dx != 0.0 else reach
                    limit = height
                else:
                    t = (c - y1) / dy if dy != 0.0 else 0.0
                    t = min(max(t, 0.0), 1.0)
                    centre = x1 + t * dx
                    across = reach * long_side / abs(dy) if dy != 0.0 else reach
                    limit = width
                first = max(0, int(math.floor(centre - across)))
                last = min(limit - 1, int(math.ceil(centre + across)))
                for minor in range(first, last + 1):
                    if x_major:
                        px, py = c, minor + 0.5
                    else:
                        px, py = minor + 0.5, c
                    # Distance from the pixel's centre to the segment (round caps).
                    s = ((px - x1) * dx + (py - y1) * dy) * inverse
                    s = min(max(s, 0.0), 1.0)
                    ex, ey = px - (x1 + s * dx), py - (y1 + s * dy)
                    distance2 = ex * ex + ey * ey
                    if not antialias:
                        if distance2 > edge2:
                            continue
                        cover = 1.0
                    elif distance2 <= solid2:
                        cover = 1.0
                    else:
                        cover = min(half + 0.5 - math.sqrt(distance2), 1.0)
                        if cover <= 0.0:
                            continue
                    alpha = a * cover
                    if x_major:
                        row, col = minor, major
                    else:
                        row, col = major, minor
                    keep = 1.0 - alpha
                    out[row, col, 0] = r * alpha + out[row, col, 0] * keep
                    out[row, col, 1] = g * alpha + out[row, col, 1] * keep
                    out[row, col, 2] = b * alpha + out[row, col, 2] * keep
                    out[row, col, 3] = alpha + out[row, col, 3] * keep

    return draw


def rasterize(
    shape: tuple[int, int],
    segments: np.ndarray,
    widths: np.ndarray,
    colours: np.ndarray,
    antialias: bool,
) -> np.ndarray:
    """(height, width, 4) float32 premultiplied RGBA in [0, 1]: ``segments`` ((n, 4) x1, y1,
    x2, y2 in pixels, y down) drawn in order, each ``widths[i]`` pixels wide in
    ``colours[i]`` ((n, 4) straight r, g, b, alpha in [0, 1])."""
    global _kernel
    if _kernel is None:
        _kernel = _compile()
    out = np.zeros((shape[0], shape[1], 4), dtype=np.float32)
    _kernel(
        out,
        np.ascontiguousarray(segments, dtype=np.float64),
        np.ascontiguousarray(widths, dtype=np.float64),
        np.ascontiguousarray(colours, dtype=np.float64),
        bool(antialias),
    )
    return out


def to_bytes(rgba: np.ndarray) -> np.ndarray:
    """Premultiplied float RGBA -> (height, width, 4) uint8, the bytes of
    QImage.Format_RGBA8888_Premultiplied (R, G, B, A on any byte order)."""
    return np.ascontiguousarray(np.rint(np.clip(rgba, 0.0, 1.0) * 255.0).astype(np.uint8))
