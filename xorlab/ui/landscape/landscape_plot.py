"""Draws a computed Landscape: a heatmap with contour lines and a colour bar, the path and
the current point (a plane), or the cost curve with the one-step landing point (1-D).

Items are created once and updated with ``setData``/``setImage`` (pyqtgraph's advice); the
colour range comes from the core's ``colour_scale``, so NaN, infinite or huge costs are a
clipped scale and a message, never a blank plot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from xorlab.core.landscape.colour_scale import ColourScale, colour_scale
from xorlab.core.landscape.contours import SurfaceDrawing
from xorlab.ui.widgets import plot_style

if TYPE_CHECKING:
    from xorlab.core.landscape.surface import Landscape

PATH_COLOUR = "#FFFFFF"
OUTLINE_COLOUR = "#202020"
START_COLOUR = "#E69F00"
POINT_COLOUR = "#D81B3C"
# The 1-D mode draws log colours as a log cost axis when the costs span at least this ratio.
LOG_AXIS_MIN_RATIO = 10.0
READOUT_HINT = "Hover over the map to read the cost at a grid point."
READOUT_COLOUR = "#57606A"  # secondary text, as the Graph tab's notes


class LandscapePlot(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("landscape.plot")
        self.landscape: Landscape | None = None
        self.result = None  # the LandscapeResult drawn
        self.title = ""
        self.cost_name = "cost"
        self.scale: ColourScale | None = None
        self.log = False
        self.line_log = False  # the 1-D axis is logarithmic (log asked, costs span a decade)

        self.plane_widget = plot_style.make_plot_widget("Cost around the weights", "a", "b")
        self.plane_widget.setObjectName("landscape.plane")
        self.plane = self.plane_widget.getPlotItem()
        self.plane.setAspectLocked(False)
        self.colormap = pg.colormap.get("viridis")
        self.image = pg.ImageItem(axisOrder="col-major")  # image[i, j]: alphas[i], betas[j]
        self.image.setColorMap(self.colormap)
        self.plane.addItem(self.image)
        # Contour lines come computed (core.landscape.contours) and are drawn as segments.
        self.contours = pg.PlotDataItem(pen=pg.mkPen(255, 255, 255, 120, width=1), connect="pairs")
        self.plane.addItem(self.contours)
        outline = pg.mkPen(OUTLINE_COLOUR, width=4.5)
        self.path_outline = pg.PlotDataItem(pen=outline)
        self.path = pg.PlotDataItem(pen=pg.mkPen(PATH_COLOUR, width=2))
        self.start = pg.ScatterPlotItem(size=11, brush=pg.mkBrush(START_COLOUR), pen=outline)
        self.point = pg.ScatterPlotItem(size=13, brush=pg.mkBrush(POINT_COLOUR), pen=outline)
        for item in (self.path_outline, self.path, self.start, self.point):
            self.plane.addItem(item)
        self.color_bar = pg.ColorBarItem(
            values=(0.0, 1.0), colorMap=self.colormap, interactive=False, width=14, label="cost"
        )
        self.color_bar.setImageItem(self.image, insert_in=self.plane)
        for axis in ("left", "right"):
            self.color_bar.getAxis(axis).setTextPen(pg.mkPen(plot_style.FOREGROUND))

        self.line_widget = plot_style.make_plot_widget(
            "Cost along the gradient", "distance downhill", "cost"
        )
        self.line_widget.setObjectName("landscape.line")
        self.line = self.line_widget.getPlotItem()
        self.curve = self.line.plot(pen=plot_style.curve_pen(plot_style.PALETTE[0]))
        self.step_line = pg.InfiniteLine(
            angle=90, pen=plot_style.curve_pen(plot_style.PALETTE[1], 1.5, dashed=True)
        )
        self.line.addItem(self.step_line)
        self.line_points = pg.ScatterPlotItem(size=11, pen=pg.mkPen(OUTLINE_COLOUR))
        self.line.addItem(self.line_points)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.plane_widget)
        self.stack.addWidget(self.line_widget)
        # Hover readout: the computed cost at the grid point under the mouse (a lookup).
        # Its line is kept whether or not the mouse is over the map (the plot would jump);
        # meanwhile it says what it is for, rather than leaving a blank line under the plot.
        self.readout = QLabel(READOUT_HINT)
        self.readout.setObjectName("landscape.readout")
        self.readout.setTextFormat(Qt.TextFormat.PlainText)
        self.readout.setStyleSheet(f"color: {READOUT_COLOUR};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        layout.addWidget(self.readout)
        self.plane_widget.scene().sigMouseMoved.connect(self._on_mouse_moved)

    def readout_at(self, a: float, b: float) -> str:
        """The grid point nearest (a, b) and its cost; "" outside the grid."""
        land = self.landscape
        if land is None or land.betas is None:
            return ""
        span = land.span
        if not (-span <= a <= span and -span <= b <= span):
            return ""
        i = int(np.argmin(np.abs(land.alphas - a)))
        j = int(np.argmin(np.abs(land.betas - b)))
        names = land.axis_names
        return (
            f"{names[0]} = {land.alphas[i]:.4g}, {names[1]} = {land.betas[j]:.4g}: "
            f"cost {land.costs[i, j]:.6g}"
        )

    def _on_mouse_moved(self, position) -> None:
        point = self.plane.vb.mapSceneToView(position)
        self.readout.setText(self.readout_at(point.x(), point.y()) or READOUT_HINT)

    def show_landscape(self, result, title: str) -> str:
        """Draw a LandscapeResult (the landscape, and its drawings for each colour scale);
        returns what the colour scale had to clip ("" if nothing)."""
        self.result = result
        self.landscape = result.landscape
        self.title = title
        self.cost_name = f"{result.samples} cost"  # training or test: said on every axis
        if result.landscape.betas is None:
            return self._draw_line(result.landscape, title)
        return self._draw_plane(result.landscape, result.drawings[self.log], title)

    def set_log(self, log: bool) -> str:
        self.log = log
        if self.landscape is None:
            return ""
        return self.show_landscape(self.result, self.title)

    def _draw_plane(self, land: Landscape, drawing: SurfaceDrawing, title: str) -> str:
        if self.stack.currentWidget() is not self.plane_widget:
            self.readout.setText(READOUT_HINT)  # back from the 1-D mode, which has none
        self.stack.setCurrentWidget(self.plane_widget)
        self.scale = drawing.scale
        span, n = land.span, len(land.alphas)
        half = span / (n - 1)  # half a cell: pixel centres sit on the grid points
        self.image.setImage(drawing.values, levels=(self.scale.low, self.scale.high))
        self.image.setRect(QRectF(-span - half, -span - half, 2 * (span + half), 2 * (span + half)))
        segments = drawing.contours.reshape(-1, 2)
        self.contours.setData(segments[:, 0], segments[:, 1])
        self.color_bar.setLevels((self.scale.low, self.scale.high))
        name = self.cost_name
        self.color_bar.getAxis("left").setLabel(f"log10 {name}" if self.log else name)
        coords = land.path_coords
        finite = coords[np.isfinite(coords).all(axis=1)] if len(coords) else coords
        if len(finite):
            self.path_outline.setData(finite[:, 0], finite[:, 1])
            self.path.setData(finite[:, 0], finite[:, 1])
            self.start.setData([finite[0, 0]], [finite[0, 1]])
        else:
            for item in (self.path_outline, self.path, self.start):
                item.setData([], [])
        self.point.setData([0.0], [0.0])  # the centre: the weights shown
        self.plane.setLabel("bottom", land.axis_names[0])
        self.plane.setLabel("left", land.axis_names[1])
        self.plane.setTitle(title, color=plot_style.FOREGROUND, size=plot_style.TITLE_SIZE)
        self.plane.setRange(xRange=(-span, span), yRange=(-span, span), padding=0.02)
        return self.scale.message

    def _draw_line(self, land: Landscape, title: str) -> str:
        self.readout.setText(" ")  # no map to hover; the line keeps its place
        self.stack.setCurrentWidget(self.line_widget)
        costs = np.where(np.isfinite(land.costs), land.costs, np.nan)
        log, note = self.log, ""
        positive = costs[costs > 0]
        if log and not (positive.size and positive.max() >= LOG_AXIS_MIN_RATIO * positive.min()):
            # A log axis over less than a decade has no tick inside it: an unlabelled axis.
            log, note = False, "the costs on this line span less than a factor of 10: linear axis"
        self.line_log = log
        self.scale = colour_scale(land.costs, log)  # same clipping rules for the y range
        self.line.setLogMode(y=log)
        shown = costs if not log else np.where(costs > 0, costs, np.nan)
        self.curve.setData(land.alphas, shown, connect="finite")
        points = [{"pos": (0.0, land.centre_cost), "brush": pg.mkBrush(POINT_COLOUR)}]
        if land.step is not None and land.step_cost is not None:
            self.step_line.setValue(land.step)
            self.step_line.show()
            points.append({"pos": (land.step, land.step_cost), "brush": pg.mkBrush(START_COLOUR)})
        else:
            self.step_line.hide()
        if log:
            points = [
                {**p, "pos": (p["pos"][0], np.log10(p["pos"][1]))}
                for p in points
                if p["pos"][1] > 0
            ]
        self.line_points.setData(points)
        self.line.setTitle(title, color=plot_style.FOREGROUND, size=plot_style.TITLE_SIZE)
        self.line.setLabel("left", self.cost_name)
        finite = costs[np.isfinite(costs)]
        if finite.size and not log:
            top = min(float(finite.max()), self.scale.high)
            low = float(finite.min())
            self.line.setYRange(low, top if top > low else low + 1.0, padding=0.05)
        else:
            self.line.enableAutoRange(axis="y")
        self.line.setXRange(float(land.alphas[0]), float(land.alphas[-1]), padding=0.02)
        return "; ".join(m for m in (note, self.scale.message) if m)
