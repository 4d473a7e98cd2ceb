"""Contour lines of a grid as line segments (marching squares, vectorized in numpy), so a
view only draws them: pyqtgraph's IsocurveItem traces them in Python on the GUI thread
(90 ms for ten levels of a 41x41 grid), here it is a few milliseconds on the worker."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from xorlab.core.landscape.colour_scale import ColourScale, colour_scale, displayed

LEVELS = 10


def contour_segments(
    values: np.ndarray, levels: Sequence[float], xs: np.ndarray, ys: np.ndarray
) -> np.ndarray:
    """(M, 2, 2) segments [[x0, y0], [x1, y1]] of the level sets of ``values[i, j]`` (at
    xs[i], ys[j]), linearly interpolated along the cell edges. A saddle cell (all four edges
    crossed) is joined one fixed way; at this resolution either way looks the same."""
    v = np.asarray(values, dtype=np.float64)
    x0, x1 = xs[:-1, None], xs[1:, None]
    y0, y1 = ys[None, :-1], ys[None, 1:]
    # Corners of each cell, counter-clockwise: a (x0, y0), b (x1, y0), c (x1, y1), d (x0, y1).
    a, b, c, d = v[:-1, :-1], v[1:, :-1], v[1:, 1:], v[:-1, 1:]
    out = []
    with np.errstate(all="ignore"):
        for level in levels:
            ends = [(a, b), (b, c), (c, d), (d, a)]
            crossed = np.stack([(p > level) != (q > level) for p, q in ends])
            t = [np.clip((level - p) / (q - p), 0.0, 1.0) for p, q in ends]
            points = np.stack(
                [
                    np.stack(np.broadcast_arrays(x0 + t[0] * (x1 - x0), y0), -1),
                    np.stack(np.broadcast_arrays(x1 + 0 * t[1], y0 + t[1] * (y1 - y0)), -1),
                    np.stack(np.broadcast_arrays(x1 + t[2] * (x0 - x1), y1), -1),
                    np.stack(np.broadcast_arrays(x0 + 0 * t[3], y1 + t[3] * (y0 - y1)), -1),
                ]
            )  # (4 edges, nx, ny, 2)
            count = crossed.sum(axis=0)
            two = count == 2
            if two.any():
                first = np.argmax(crossed, axis=0)
                last = 3 - np.argmax(crossed[::-1], axis=0)
                i, j = np.nonzero(two)
                out.append(np.stack([points[first[i, j], i, j], points[last[i, j], i, j]], 1))
            four = count == 4
            if four.any():
                i, j = np.nonzero(four)
                out.append(np.stack([points[0, i, j], points[1, i, j]], 1))
                out.append(np.stack([points[2, i, j], points[3, i, j]], 1))
    return np.concatenate(out) if out else np.empty((0, 2, 2))


@dataclass(frozen=True, eq=False)
class SurfaceDrawing:
    """What a view draws for one colour scale: the range, the clipped values, the lines."""

    scale: ColourScale
    values: np.ndarray  # finite, in [scale.low, scale.high]
    contours: np.ndarray  # (M, 2, 2) segments in plane coordinates


def surface_drawing(
    costs: np.ndarray, alphas: np.ndarray, betas: np.ndarray, log: bool
) -> SurfaceDrawing:
    scale = colour_scale(costs, log)
    values = displayed(costs, scale)
    step = (scale.high - scale.low) / LEVELS
    levels = scale.low + step * (np.arange(LEVELS) + 0.5)
    return SurfaceDrawing(scale, values, contour_segments(values, levels, alphas, betas))
