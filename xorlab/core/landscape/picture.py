"""The landscape as a picture, without Qt: a colour-mapped heatmap with contour lines, the
path training took, its start and the current point; encoded by ``xorlab.core.io.png``.

Rows of the image run from the top (largest beta) down, columns from the smallest alpha, so
the picture reads like the app's plot: alpha to the right, beta up.
"""

from __future__ import annotations

import numpy as np

from xorlab.core.landscape.colour_scale import ColourScale, colour_scale, displayed
from xorlab.core.landscape.surface import Landscape

# Viridis at nine stops (matplotlib's table, sampled): perceptually even and colour-blind safe.
_VIRIDIS = np.array(
    [
        (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
        (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
    ],
    dtype=np.float64,
)  # fmt: skip
CONTOUR_LEVELS = 12
PATH_COLOUR = (255, 255, 255)
OUTLINE = (20, 20, 20)
START_COLOUR = (255, 140, 0)
POINT_COLOUR = (230, 30, 60)


def colour_map(t: np.ndarray) -> np.ndarray:
    """Values in [0, 1] -> RGB floats, through viridis."""
    t = np.clip(np.nan_to_num(t), 0.0, 1.0) * (len(_VIRIDIS) - 1)
    low = np.minimum(np.floor(t).astype(int), len(_VIRIDIS) - 2)
    frac = (t - low)[..., None]
    return _VIRIDIS[low] * (1 - frac) + _VIRIDIS[low + 1] * frac


def render(landscape: Landscape, size: int = 480, log: bool = False) -> np.ndarray:
    """An (size, size, 3) uint8 picture of a 2-D landscape."""
    if landscape.betas is None:
        raise ValueError("the picture draws a plane; the 1-D mode has no picture here")
    scale = colour_scale(landscape.costs, log)
    t = _normalised(landscape.costs, scale)
    # Bilinear upsampling: smooth colours, and contours that follow the surface.
    n = t.shape[0]
    pos = np.linspace(0, n - 1, size)
    fine = _bilinear(t, pos, pos)  # [alpha index, beta index]
    rgb = colour_map(fine)
    levels = np.floor(fine * CONTOUR_LEVELS)
    edge = np.zeros(fine.shape, bool)
    edge[:-1, :] |= levels[:-1, :] != levels[1:, :]
    edge[:, :-1] |= levels[:, :-1] != levels[:, 1:]
    rgb[edge] = rgb[edge] * 0.55 + 255 * 0.45
    image = np.transpose(rgb, (1, 0, 2))[::-1]  # rows: beta from the top; columns: alpha
    image = np.ascontiguousarray(image)
    span = landscape.span
    to_px = lambda a: (a + span) / (2 * span) * (size - 1)  # noqa: E731
    coords = landscape.path_coords
    if len(coords) >= 2:
        xs, ys = to_px(coords[:, 0]), (size - 1) - to_px(coords[:, 1])
        _polyline(image, xs, ys, OUTLINE, 2.2)
        _polyline(image, xs, ys, PATH_COLOUR, 1.0)
    if len(coords):
        _disc(image, to_px(coords[0, 0]), (size - 1) - to_px(coords[0, 1]), 5, START_COLOUR)
    centre = (size - 1) / 2
    _disc(image, centre, centre, 6, POINT_COLOUR)
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def _normalised(costs: np.ndarray, scale: ColourScale) -> np.ndarray:
    return (displayed(costs, scale) - scale.low) / (scale.high - scale.low)


def _bilinear(values: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    r0 = np.minimum(np.floor(rows).astype(int), values.shape[0] - 2)
    c0 = np.minimum(np.floor(cols).astype(int), values.shape[1] - 2)
    fr, fc = (rows - r0)[:, None], (cols - c0)[None, :]
    v00 = values[r0][:, c0]
    v01 = values[r0][:, c0 + 1]
    v10 = values[r0 + 1][:, c0]
    v11 = values[r0 + 1][:, c0 + 1]
    return (v00 * (1 - fc) + v01 * fc) * (1 - fr) + (v10 * (1 - fc) + v11 * fc) * fr


def _polyline(image, xs, ys, colour, radius: float) -> None:
    """Segments drawn as discs every half pixel: plain, and enough for a path of ~240 points."""
    for x0, y0, x1, y1 in zip(xs[:-1], ys[:-1], xs[1:], ys[1:], strict=True):
        steps = max(2, int(np.hypot(x1 - x0, y1 - y0) * 2))
        for s in np.linspace(0, 1, steps):
            _disc(image, x0 + (x1 - x0) * s, y0 + (y1 - y0) * s, radius, colour)


def _disc(image, x: float, y: float, radius: float, colour) -> None:
    if not (np.isfinite(x) and np.isfinite(y)):
        return
    h, w = image.shape[:2]
    top, bottom = max(0, int(y - radius)), min(h, int(y + radius) + 2)
    left, right = max(0, int(x - radius)), min(w, int(x + radius) + 2)
    if top >= bottom or left >= right:
        return  # outside the picture (a path point beyond the span)
    yy, xx = np.mgrid[top:bottom, left:right]
    inside = (xx - x) ** 2 + (yy - y) ** 2 <= radius**2
    image[top:bottom, left:right][inside] = colour
