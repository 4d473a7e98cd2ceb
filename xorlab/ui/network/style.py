"""How the network diagram looks: colours, sizes, pens by weight and neuron maps as images.

Orange for positive and blue for negative, as in the decision boundary (orange = output near
1): the Okabe-Ito pair that survives every common colour-vision deficiency.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainterPath, QPen, QPixmap

from xorlab.core.training.map_images import MAX_MAP_UNITS as PLANE_MAX_MAP_UNITS
from xorlab.core.training.map_images import colorize, round_pictures, value_range
from xorlab.ui.widgets.plot_style import CLASS_COLORS, boundary_colormap

__all__ = ["value_range"]  # kept here for the diagram's callers; defined in the core

POSITIVE_COLOR = CLASS_COLORS[1]  # vermillion-orange
NEGATIVE_COLOR = CLASS_COLORS[0]  # blue
SELECTION_COLOR = "#1A1A1A"
NEURON_BORDER = "#4D4D4D"
NEURON_FILL = "#FFFFFF"
BIAS_FILL = "#EDEDED"
BIAS_BORDER = "#8C8C8C"
CAPTION_COLOR = "#404040"
MUTED_COLOR = "#6E6E6E"

UNIT_GAP = 72.0  # scene units between neighbouring units of a column, at least
MAX_UNIT_GAP = 140.0
MIN_COLUMN_GAP, MAX_COLUMN_GAP = 115.0, 600.0
RADIUS = 27.0
BIAS_GAP = 14.0  # extra space above a column's bias unit
# Thickest line in pixels, for narrow and for wide layers: many lines must stay thin to read.
MAX_WIDTH_FEW, MAX_WIDTH_MANY = 9.0, 3.5
MANY_CONNECTIONS = 60  # in the whole network
MIN_WIDTH = 0.6
WIDTH_STEP = 0.25  # widths are quantized so an unchanged-looking pen is not set again
ALPHA_LEVELS = 8
DIMMED_OPACITY = 0.12
# Layers with more units than this show no maps: dozens of tiny pictures read as noise.
MAX_MAP_UNITS = PLANE_MAX_MAP_UNITS


def weight_scale(max_abs: float) -> float:
    """The |w| drawn at full width: the largest weight rounded up to a quarter power of two,
    so the scale (and every pen) stays put while the largest weight drifts a little."""
    if not math.isfinite(max_abs) or max_abs <= 1e-9:
        return 1.0
    return float(2.0 ** (math.ceil(math.log2(max_abs) * 4) / 4))


def max_width(n_connections: int) -> float:
    return MAX_WIDTH_FEW if n_connections <= MANY_CONNECTIONS else MAX_WIDTH_MANY


def pen_keys(weights: np.ndarray, scale: float, widest: float) -> np.ndarray:
    """One integer per weight encoding its quantized pen: sign, width step and alpha level.
    Width is proportional to |w| (never thinner than MIN_WIDTH); faint lines are also paler."""
    magnitude = np.abs(weights) / scale
    thinnest = math.ceil(MIN_WIDTH / WIDTH_STEP)
    steps = np.maximum(np.rint(magnitude * widest / WIDTH_STEP), thinnest).astype(np.int64)
    alpha = np.clip(np.rint(np.sqrt(np.minimum(magnitude, 1.0)) * ALPHA_LEVELS), 2, ALPHA_LEVELS)
    positive = (weights >= 0).astype(np.int64)
    return (steps * (ALPHA_LEVELS + 1) + alpha.astype(np.int64)) * 2 + positive


class PenCache:
    """QPens by key, made once each: a few hundred distinct pens serve any network."""

    def __init__(self) -> None:
        self._pens: dict[int, QPen] = {}

    def pen(self, key: int) -> QPen:
        pen = self._pens.get(key)
        if pen is None:
            pen = self._pens[key] = make_pen(key)
        return pen


def make_pen(key: int) -> QPen:
    positive, rest = key % 2, key // 2
    steps, alpha = divmod(rest, ALPHA_LEVELS + 1)
    color = QColor(POSITIVE_COLOR if positive else NEGATIVE_COLOR)
    color.setAlphaF(0.25 + 0.75 * alpha / ALPHA_LEVELS)
    pen = QPen(color, steps * WIDTH_STEP)
    pen.setCosmetic(True)  # pixels on screen, whatever the zoom
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    return pen


def pen_width(key: int) -> float:
    return (key // 2) // (ALPHA_LEVELS + 1) * WIDTH_STEP


def pen_is_positive(key: int) -> bool:
    return bool(key % 2)


_LUT: np.ndarray | None = None


def _lut() -> np.ndarray:
    global _LUT
    if _LUT is None:
        _LUT = boundary_colormap().getLookupTable(0.0, 1.0, 256, alpha=True)
    return _LUT


def activation_glyph(activation: str, radius: float) -> QPainterPath | None:
    """A small drawing of the activation's curve over z in [-3, 3], for a neuron's face."""
    z = np.linspace(-3.0, 3.0, 25)
    curves = {
        "sigmoid": lambda: 1 / (1 + np.exp(-2 * z)) * 2 - 1,
        "tanh": lambda: np.tanh(z),
        "relu": lambda: np.maximum(z, 0) / 1.5 - 1,
        "softplus": lambda: np.log1p(np.exp(z)) / 1.6 - 1,
        "linear": lambda: z / 3,
    }
    if activation not in curves:
        return None
    y = np.clip(curves[activation](), -1, 1)
    half = radius * 0.55
    path = QPainterPath()
    for i, (a, b) in enumerate(zip(z / 3 * half, -y * half * 0.8, strict=True)):
        if i == 0:
            path.moveTo(float(a), float(b))
        else:
            path.lineTo(float(a), float(b))
    return path


def map_palette() -> np.ndarray:
    """The maps' colours, (256, 4) uint8: the worker colours maps through it."""
    return _lut()


def map_image(values: np.ndarray, low: float, high: float, round_: bool = False) -> QPixmap:
    """A (rows, columns) map as a picture, row 0 at the bottom like the plane's y axis;
    ``round_``: transparent outside its inscribed disc, for a neuron's circle."""
    rgba = colorize(np.asarray(values)[::-1], low, high, _lut())
    return rgba_pixmap(round_pictures(rgba) if round_ else rgba)


def rgba_pixmap(rgba: np.ndarray) -> QPixmap:
    """A ready (rows, columns, 4) uint8 RGBA picture (made on the worker) as a pixmap."""
    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    height, width = rgba.shape[:2]
    image = QImage(rgba.data, width, height, 4 * width, QImage.Format.Format_RGBA8888)
    return QPixmap.fromImage(image.copy())  # copy: the numpy buffer goes away
