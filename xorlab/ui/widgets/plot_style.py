"""Shared look of the pyqtgraph views: a light theme, readable fonts, and colours chosen so
readers with the common colour-vision deficiencies can still tell the curves apart.

Styling is applied per plot rather than through ``pg.setConfigOptions`` so other widgets in
the app keep whatever look they set up.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QGraphicsItem

from xorlab.ui.widgets.dashed_curve import cut_dashes_as_segments

# Okabe & Ito's colour-blind-safe palette, ordered so neighbouring curves differ most;
# their yellow is left out because it vanishes on white.
PALETTE = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#7F7F7F",  # grey
)
BACKGROUND = "#FFFFFF"
FOREGROUND = "#303030"
GRID_ALPHA = 0.2
TARGET_PEN_COLOR = "#8C8C8C"
CROSSHAIR_COLOR = "#9A9A9A"
GOOD_COLOR = "#007A5A"  # a darker bluish green: readable as text on white
BAD_COLOR = "#C24E00"  # a darker vermillion
CLASS_COLORS = ("#0072B2", "#D55E00")  # target 0, target 1
AXIS_FONT_POINTS = 10
TITLE_SIZE = "11pt"


def palette_color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def curve_pen(color: str, width: float = 2.0, dashed: bool = False) -> pg.QtGui.QPen:
    pen = pg.mkPen(color=color, width=width)
    if dashed:
        pen.setStyle(pg.QtCore.Qt.PenStyle.DashLine)
    pen.setCosmetic(True)
    return pen


def thin_to_pixels(curve: pg.PlotDataItem) -> None:
    """Draw ``curve`` through each pixel column's extremes ("peak") once it has more points
    than pixels, and only its part in view. The data stays whole (``xData``/``yData``);
    what is drawn looks the same: an antialiased 2 px line through 8000 points took ~8 ms a
    repaint, through ~1000 under 2 ms."""
    curve.setDownsampling(auto=True, method="peak")
    curve.opts["autoDownsampleFactor"] = 1.0  # samples per pixel (default 5)
    curve.setClipToView(True)


def stroke_as_segments(curve: pg.PlotDataItem | pg.PlotCurveItem) -> None:
    """Stroke ``curve`` as separate line segments (QPainter.drawLines) instead of one path,
    when its pen is opaque. Qt's raster engine strokes a wide (> 1 px) antialiased path
    through its general stroker, ~8 µs a point: a 2 px curve of 600 points took 4.5 ms a
    repaint, as segments 0.5 ms. Segments overlap only at their joints, where an opaque pen
    paints the same colour twice, so the line looks the same (square caps fill the corners).
    A dashed pen on a PlotDataItem is cut into its dashes here (dashed_curve.py); a
    translucent pen keeps the path: its alpha would double where segments meet."""
    inner = curve.curve if isinstance(curve, pg.PlotDataItem) else curve
    # A PlotDataItem hands its pen to its curve only with the first data: read its own.
    pen = pg.mkPen(curve.opts["pen"])
    solid = (
        pen.style() == pg.QtCore.Qt.PenStyle.SolidLine
        and pen.isSolid()
        and pen.color().alphaF() == 1.0
    )
    dashed = pen.style() not in (pg.QtCore.Qt.PenStyle.SolidLine, pg.QtCore.Qt.PenStyle.NoPen)
    if isinstance(curve, pg.PlotDataItem) and dashed:
        cut_dashes_as_segments(curve)
        inner = curve.curve
    inner.setSegmentedLineMode("on" if solid else "auto")


def boundary_colormap() -> pg.ColorMap:
    """Pale blue (output 0) through white (0.5, undecided) to pale orange (output 1).

    Pale so the saturated class colours of the training points stay visible on top, and
    blue/orange because that pair survives every common colour-vision deficiency.
    """
    stops = np.array([0.0, 0.5, 1.0])
    colors = np.array(
        [
            [74, 144, 200, 255],  # a lighter CLASS_COLORS[0]
            [255, 255, 255, 255],
            [240, 150, 80, 255],  # a lighter CLASS_COLORS[1]
        ],
        dtype=np.ubyte,
    )
    return pg.ColorMap(stops, colors, name="xorlab-boundary")


def make_plot_widget(
    title: str, x_label: str, y_label: str, axis_items: dict[str, pg.AxisItem] | None = None
) -> pg.PlotWidget:
    """A white-background plot with labelled axes, a faint grid and no mouse-menu clutter."""
    # enableMenu=False: style_plot_item turns the menus off, and built with them the view's
    # menu was made only to be thrown away (~5 ms a plot, five of them at the window's start).
    widget = pg.PlotWidget(background=BACKGROUND, axisItems=axis_items, enableMenu=False)
    style_plot_item(widget.getPlotItem(), title, x_label, y_label)
    return widget


def style_plot_item(item: pg.PlotItem, title: str, x_label: str, y_label: str) -> None:
    item.setTitle(title, color=FOREGROUND, size=TITLE_SIZE)
    font = QFont()
    font.setPointSize(AXIS_FONT_POINTS)
    for side, label in (("bottom", x_label), ("left", y_label)):
        axis = item.getAxis(side)
        axis.setPen(pg.mkPen(FOREGROUND))
        axis.setTextPen(pg.mkPen(FOREGROUND))
        axis.setTickFont(font)
        # '(x0.001)' beside a label reads as a unit; plain numbers are clearer here.
        axis.enableAutoSIPrefix(False)
        axis.setLabel(label, color=FOREGROUND, **{"font-size": f"{AXIS_FONT_POINTS}pt"})
    # Grid on major ticks only: minor grid lines (and grids on extra top/right axes) made
    # each repaint of a growing curve 3-5x slower, and the GUI thread paints 30-60 times a second.
    for side in ("left", "bottom"):
        item.getAxis(side).setStyle(maxTickLevel=0)
        # An axis draws its grid lines across the whole plot, so each redraw of a curve
        # replayed both axes' text and lines (~1.5 ms a frame); cached as a pixmap they are
        # redrawn only when their range changes, which the plots now do in steps.
        item.getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    item.showGrid(x=True, y=True, alpha=GRID_ALPHA)
    item.getViewBox().setBorder(pg.mkPen(FOREGROUND, width=1))
    item.setMenuEnabled(False)
    item.hideButtons()


def legend_brush() -> pg.QtGui.QBrush:
    color = QColor(BACKGROUND)
    color.setAlpha(220)
    return pg.mkBrush(color)


class LogReadableAxis(pg.AxisItem):
    """On a log scale spanning a decade or two pyqtgraph labels every tick from 1 to 9, and
    the labels pile up; this one labels 1, 2 and 5 of each decade and leaves the rest bare."""

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph's name)
        strings = super().logTickStrings(values, scale, spacing)
        mantissas = 10 ** (np.asarray(values, dtype=float) % 1.0)
        keep = np.isclose(mantissas[:, None], [1.0, 2.0, 5.0, 10.0], rtol=1e-6).any(axis=1)
        return [text if kept else "" for text, kept in zip(strings, keep, strict=True)]
