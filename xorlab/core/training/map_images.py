"""Maps over the input plane made into what a view draws: RGBA pictures and contour lines.

Both are made on the training worker so the GUI thread only hands ready arrays to Qt: a
colour lookup for the spiral's 51 neuron maps cost the GUI ~20 ms a frame, and tracing the
decision map's 0.5 contour in pyqtgraph (Python loops over the cells) 5-40 ms.
"""

from __future__ import annotations

import functools
import math

import numpy as np

# Layers wider than this get no pictures: dozens of tiny maps read as noise (the diagram
# draws none for them either; it reads this before PyTensor is imported).
MAX_MAP_UNITS = 16


def value_range(activation: str, values: np.ndarray) -> tuple[float, float]:
    """The values shown white-centred blue-to-orange: the activation's own range when it has
    one, else the inputs' span, or symmetric about 0 over what the map shows."""
    if activation == "sigmoid":
        return 0.0, 1.0
    if activation == "tanh":
        return -1.0, 1.0
    if activation == "input":
        lo, hi = float(np.min(values)), float(np.max(values))
        return (lo, hi) if hi > lo else (lo - 1, hi + 1)
    finite = np.abs(values[np.isfinite(values)])
    bound = float(finite.max()) if finite.size else 1.0
    bound = bound if math.isfinite(bound) and bound > 1e-12 else 1.0
    return -bound, bound


def round_pictures(rgba: np.ndarray) -> np.ndarray:
    """``rgba`` (..., rows, columns, 4) uint8 with every pixel outside the disc inscribed in
    each picture made transparent, in place; returned. The network diagram shows a neuron's
    map in its circle: clipping a picture to the circle on the GUI thread took 2.2 of the
    spiral's 6.7 ms diagram repaint (51 maps), transparent corners cost nothing there."""
    rows, columns = rgba.shape[-3], rgba.shape[-2]
    rgba[..., 3] *= _disc(rows, columns)
    return rgba


@functools.lru_cache(maxsize=8)
def _disc(rows: int, columns: int) -> np.ndarray:
    """1 where a pixel's centre lies in the inscribed disc (a circle's edge is drawn over
    the border), 0 elsewhere; uint8, read-only."""
    y = (np.arange(rows) + 0.5) / rows - 0.5
    x = (np.arange(columns) + 0.5) / columns - 0.5
    inside = (x[None, :] ** 2 + y[:, None] ** 2) <= 0.25
    disc = inside.astype(np.uint8)
    disc.flags.writeable = False
    return disc


def colorize(values: np.ndarray, low, high, palette: np.ndarray) -> np.ndarray:
    """``values`` as uint8 RGBA (one more axis of 4) through ``palette`` (256, 4): ``low``
    maps to its first entry, ``high`` to its last, NaN to the middle; ``low`` and ``high``
    are numbers or arrays broadcasting against ``values``. Row 0 stays row 0."""
    scaled = (np.asarray(values, dtype=np.float64) - low) / (high - low)
    index = np.clip(np.nan_to_num(scaled, nan=0.5) * 255, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(palette[index])


def contour_segments(
    values: np.ndarray, xs: np.ndarray, ys: np.ndarray, level: float
) -> np.ndarray:
    """Marching squares: the line where ``values`` crosses ``level``, as segments (k, 4) of
    (x1, y1, x2, y2) in plane coordinates. ``values[i, j]`` is the value at (xs[j], ys[i]).

    Along each cell edge the value is taken as linear, so every end point lies on an edge
    exactly where that line reaches ``level``. A cell whose four edges are all crossed (a
    saddle) is split the way its centre (the mean of its corners) says.
    """
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 2 or v.shape[0] < 2 or v.shape[1] < 2:
        return np.empty((0, 4))
    v00, v01, v10, v11 = v[:-1, :-1], v[:-1, 1:], v[1:, :-1], v[1:, 1:]
    x0, x1 = np.broadcast_to(xs[:-1], v00.shape), np.broadcast_to(xs[1:], v00.shape)
    y0, y1 = np.broadcast_to(ys[:-1, None], v00.shape), np.broadcast_to(ys[1:, None], v00.shape)
    a00, a01, a10, a11 = (c > level for c in (v00, v01, v10, v11))

    def cut(va, vb):
        with np.errstate(divide="ignore", invalid="ignore"):
            return (level - va) / (vb - va)

    # Edges in order round the cell: bottom, right, top, left (y grows with the row).
    crossed = np.stack([a00 != a01, a01 != a11, a10 != a11, a00 != a10])
    t = [cut(v00, v01), cut(v01, v11), cut(v10, v11), cut(v00, v10)]
    px = np.stack([x0 + t[0] * (x1 - x0), x1, x0 + t[2] * (x1 - x0), x0])
    py = np.stack([y0, y0 + t[1] * (y1 - y0), y1, y0 + t[3] * (y1 - y0)])
    count = crossed.sum(axis=0)

    parts = []
    two = np.nonzero(count == 2)
    if two[0].size:
        edges = crossed[:, two[0], two[1]]  # (4, m): exactly two True per column
        first = np.argmax(edges, axis=0)
        second = 3 - np.argmax(edges[::-1], axis=0)
        parts.append(_pick(px, py, two, first, second))
    four = np.nonzero(count == 4)
    if four[0].size:
        i, j = four
        centre = (v00[i, j] + v01[i, j] + v10[i, j] + v11[i, j]) / 4 > level
        # Corner (0, 0) cut off on its own when its side differs from the centre's.
        alone = a00[i, j] != centre
        e = np.where(alone, 3, 0), np.where(alone, 0, 1)
        f = np.where(alone, 1, 2), np.where(alone, 2, 3)
        parts.append(_pick(px, py, four, *e))
        parts.append(_pick(px, py, four, *f))
    if not parts:
        return np.empty((0, 4))
    segments = np.concatenate(parts)
    return segments[np.isfinite(segments).all(axis=1)]


def _pick(px, py, cells, first, second) -> np.ndarray:
    i, j = cells
    return np.column_stack([px[first, i, j], py[first, i, j], px[second, i, j], py[second, i, j]])
