"""The decision boundary of a 2-input network: its output over the plane as a heatmap, the
0.5 contour where its answer flips, and the training points coloured by target.

The worker sends both ready (TrainingSnapshot.plane: the values, on a coarser grid while
training, and the contour as segments), so a redraw only hands arrays to pyqtgraph. A hidden
view (another tab shown) keeps only the newest snapshot and draws it when shown again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Slot
from PySide6.QtGui import QColor, QImage, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from xorlab.app.live_maps import DETAIL_RESOLUTION
from xorlab.core.training.datasets import Dataset, PlaneGrid
from xorlab.ui.training.truth_table import is_binary
from xorlab.ui.widgets import plot_style
from xorlab.ui.widgets.visibility import out_of_sight

if TYPE_CHECKING:
    from xorlab.core.training.trainer import TrainingSnapshot

CLASS_CAPTION = "Blue: output near 0, orange: near 1, line: 0.5."
# Regression targets: saturated blue (low) through grey to orange (high), so the dots stand
# out on the pale map of predictions.
TARGET_COLORS = pg.ColorMap(
    [0.0, 0.5, 1.0], [plot_style.CLASS_COLORS[0], "#B0B0B0", plot_style.CLASS_COLORS[1]]
)
# Many points draw smaller so the spirals' arms stay apart.
POINT_SIZE, SMALL_POINT_SIZE, MANY_POINTS = 11, 7, 100


class SmoothMap(pg.ImageItem):
    """The decision map drawn smooth: between grid points (the pixel centres) the colour
    blends bilinearly from one point's to the next, as the contour's marching squares take
    the values as linear along each cell edge. Drawn as blocks, a 64 x 64 map (32 x 32
    while training) on a large plot was a mosaic of 7-14 px cells whose pale cells along the
    boundary read as white gaps beside a stair-stepped contour. The data stays the grid:
    ``image[row, col]`` is the network's output at that grid point."""

    smooth = True
    _table: tuple[np.ndarray, np.ndarray, QImage.Format] | None = None  # (lut, pixels, format)

    def render(self) -> None:
        """The picture of the map's values, as pyqtgraph makes it (levels scaled onto the
        lookup table, NaN transparent) but in three numpy steps and as 32-bit pixels: its
        own path took ~0.7 ms a snapshot in Python and made an 8-bit indexed image, which
        Qt scales smoothly at about twice the cost of 32-bit pixels. Anything else (another
        lookup, downsampling) takes pyqtgraph's path."""
        image, lut, levels = self.image, self.lut, self.levels
        if (
            image is None
            or image.ndim != 2
            or image.size == 0
            or image.dtype.kind != "f"
            or not isinstance(lut, np.ndarray)
            or lut.dtype != np.uint8
            or lut.ndim != 2
            or lut.shape[1] not in (3, 4)
            or levels is None
            or np.ndim(levels) != 1
            or self.autoDownsample
            or self.axisOrder != "row-major"
        ):
            super().render()
            return
        table, image_format = self._pixel_table(lut)
        low, high = float(levels[0]), float(levels[1])
        n = lut.shape[0]
        span = high - low or 1.0
        with np.errstate(invalid="ignore"):
            scaled = np.clip((image - low) * (n / span), 0, n - 1)
        nan = np.isnan(scaled)
        pixels = table[np.where(nan, 0, scaled).astype(np.intp)]
        if nan.any():
            pixels[nan] = 0  # transparent, as pyqtgraph leaves NaN
        self.qimage = pg.functions.ndarray_to_qimage(np.ascontiguousarray(pixels), image_format)
        self._renderRequired = False
        self._unrenderable = False

    def _pixel_table(self, lut: np.ndarray) -> tuple[np.ndarray, QImage.Format]:
        """``lut``'s colours as 32-bit ARGB pixels (premultiplied when all are opaque)."""
        if self._table is not None and self._table[0] is lut:
            return self._table[1], self._table[2]
        rgba = np.full((lut.shape[0], 4), 255, dtype=np.uint32)
        rgba[:, : lut.shape[1]] = lut
        table = (rgba[:, 3] << 24) | (rgba[:, 0] << 16) | (rgba[:, 1] << 8) | rgba[:, 2]
        opaque = bool((rgba[:, 3] == 255).all())
        image_format = (
            QImage.Format.Format_ARGB32_Premultiplied if opaque else QImage.Format.Format_ARGB32
        )
        self._table = (lut, table.astype(np.uint32), image_format)
        return self._table[1], image_format

    def paint(self, painter: QPainter, *args: Any) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.smooth)
        super().paint(painter, *args)
        painter.restore()


class BoundaryView(QWidget):
    """Where in the input plane the network answers 1, for datasets with exactly two inputs."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("boundary")
        self.grid: PlaneGrid | None = None
        self.dataset: Dataset | None = None
        self.colormap = plot_style.boundary_colormap()

        self.plot_widget = plot_style.make_plot_widget("Decision boundary", "x1", "x2")
        self.plot_widget.setObjectName("boundary.plot")
        self.plot_item = self.plot_widget.getPlotItem()
        # The map fills the plot: a locked aspect left wide empty bands beside it whenever the
        # panel was not square (axes from -1 to 2 around a map of -0.25..1.25).
        self.plot_item.setAspectLocked(False)
        self.image = SmoothMap(axisOrder="row-major")
        self.image.setColorMap(self.colormap)
        self.plot_item.addItem(self.image)
        # In plane coordinates; pairs of points are the worker's segments.
        self.contour = pg.PlotCurveItem(
            pen=pg.mkPen(plot_style.FOREGROUND, width=2), connect="pairs", antialias=True
        )
        plot_style.stroke_as_segments(self.contour)
        self.plot_item.addItem(self.contour)
        self.shown_grid: PlaneGrid | None = None  # the grid of the map on screen
        self._held: TrainingSnapshot | None = None  # the newest one, while hidden
        self.points = pg.ScatterPlotItem(
            size=11, pen=pg.mkPen(plot_style.FOREGROUND, width=1.2), hoverable=True, tip=_point_tip
        )
        self.plot_item.addItem(self.points)
        # Held-out test samples: hollow rings in their class colour, so they read as "not
        # trained on" and the map under them shows whether the network got them right.
        self.test_points = pg.ScatterPlotItem(
            size=11, brush=pg.mkBrush(0, 0, 0, 0), hoverable=True, tip=_point_tip
        )
        self.plot_item.addItem(self.test_points)
        # The samples stay put while the map under them changes at every snapshot: Qt keeps
        # them as a picture and blits it, instead of pyqtgraph drawing 512 symbols in Python
        # at each repaint (~1 ms a snapshot for the spiral).
        for points in (self.points, self.test_points):
            points.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.show_test_box = QCheckBox("Show test data")
        self.show_test_box.setObjectName("boundary.show_test")
        self.show_test_box.setChecked(True)
        self.show_test_box.setToolTip(
            "Draw the held-out test samples as hollow rings. The network never trained on "
            "them: where a ring sits on the other class's colour, the network generalizes "
            "wrongly there."
        )
        self.show_test_box.toggled.connect(self.test_points.setVisible)
        self.show_test_box.setVisible(False)
        self.color_bar = pg.ColorBarItem(
            values=(0.0, 1.0),
            colorMap=self.colormap,
            interactive=False,
            width=14,
            label="network output",
        )
        self.color_bar.setImageItem(self.image, insert_in=self.plot_item)
        for axis in ("left", "right"):
            self.color_bar.getAxis(axis).setTextPen(pg.mkPen(plot_style.FOREGROUND))
            # Predicted values print as they are, not as "500 (x0.001)".
            self.color_bar.getAxis(axis).enableAutoSIPrefix(False)

        self.placeholder = QLabel()
        self.placeholder.setObjectName("boundary.placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setMargin(24)
        self.regression = False
        self.levels = (0.0, 1.0)  # the image's colour range
        self.caption = QLabel(CLASS_CAPTION)
        self.caption.setToolTip(
            "The shading is the network's output at every point of the plane: blue near 0, "
            "white at 0.5, orange near 1. The black line is where the output crosses 0.5, the "
            "boundary between the two answers. Dots are the training samples, coloured by "
            "their target: a well-trained net puts every dot on its own colour."
        )
        self.caption.setWordWrap(True)
        # The title shares its row with "Show test data", and the caption has the panel's
        # width: beside the box it wrapped into 4-5 lines at 1024x700, and the regression's
        # map was ~80 pixels tall. The row is white like the plot, as its own title was.
        self.title = QLabel("Decision boundary")
        self.title.setObjectName("boundary.title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet(
            f"color: {plot_style.FOREGROUND}; font-size: {plot_style.TITLE_SIZE};"
        )
        self.plot_item.setTitle(None)
        plot_box = QWidget()
        plot_box.setObjectName("boundary.plot_box")
        plot_box.setAutoFillBackground(True)
        white = plot_box.palette()
        white.setColor(plot_box.backgroundRole(), QColor(plot_style.BACKGROUND))
        plot_box.setPalette(white)
        title_row = QHBoxLayout()
        title_row.setContentsMargins(6, 4, 6, 0)
        title_row.addWidget(self.title, 1)
        title_row.addWidget(self.show_test_box)
        box_layout = QVBoxLayout(plot_box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.setSpacing(0)
        box_layout.addLayout(title_row)
        box_layout.addWidget(self.plot_widget, 1)
        plot_page = QWidget()
        plot_layout = QVBoxLayout(plot_page)
        plot_layout.setContentsMargins(0, 0, 0, 0)
        plot_layout.addWidget(plot_box, 1)
        plot_layout.addWidget(self.caption)
        self.stack = QStackedWidget()
        self.stack.addWidget(plot_page)
        self.stack.addWidget(self.placeholder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.stack)
        self._show_placeholder("Choose a dataset with two inputs to see its decision boundary.")

    def reset(self, dataset: Dataset, grid: PlaneGrid | None) -> None:
        """Start over for a new run; ``grid`` is where the worker evaluates the network."""
        self.dataset, self.grid = dataset, grid
        self.shown_grid, self._held = None, None
        self.image.clear()
        self.contour.setData([], [])
        self.test_points.setData([])
        self.show_test_box.setVisible(dataset.test is not None and dataset.n_inputs == 2)
        if dataset.n_inputs != 2:
            self.points.setData([])
            self._show_placeholder(
                f"The decision boundary is drawn for datasets with two inputs, one per axis. "
                f"'{dataset.name}' has {dataset.n_inputs}: see the outputs and the table instead."
            )
            return
        if grid is None:
            self.points.setData([])
            self._show_placeholder("No decision map was computed for this run.")
            return
        self.plot_item.setLabel("bottom", dataset.input_names[0])
        self.plot_item.setLabel("left", dataset.input_names[1])
        self._set_scale(dataset)
        self._set_points(dataset)
        self.fit_view()
        self.stack.setCurrentIndex(0)

    def fit_view(self) -> None:
        """Show the plane the maps cover (it stays so as the panel is resized): the
        detailed map's, the smallest (its grid points' half-step margin is the narrowest),
        so that the coarser live maps, clipped at the frame, fill it too."""
        if self.grid is not None:
            rect = self.pixel_rect(self.grid, max(self.grid.resolution, DETAIL_RESOLUTION))
            self.plot_item.setRange(
                xRange=(rect.left(), rect.right()), yRange=(rect.top(), rect.bottom()), padding=0
            )

    def _set_scale(self, dataset: Dataset) -> None:
        """Classes: outputs from 0 to 1 and the 0.5 line. Real-valued targets (regression):
        a map of the predicted value on the targets' range, with no boundary to draw."""
        self.regression = not is_binary(dataset.y)
        if self.regression:
            every = dataset.y if dataset.test is None else np.vstack([dataset.y, dataset.test.y])
            lo, hi = float(every[:, 0].min()), float(every[:, 0].max())
            if hi - lo < 1e-9:
                lo, hi = lo - 0.5, hi + 0.5
            self.levels = (lo, hi)
            self.title.setText("Predicted value")
            self.color_bar.setLevels(values=self.levels)
            self.color_bar.getAxis("left").setLabel("predicted value")
            self.caption.setText(
                "Shading: the predicted value; dots: each target on the same colour scale."
            )
        else:
            self.levels = (0.0, 1.0)
            self.title.setText("Decision boundary")
            self.color_bar.setLevels(values=self.levels)
            self.color_bar.getAxis("left").setLabel("network output")
            self.caption.setText(CLASS_CAPTION)

    def _point_color(self, target: float) -> QColor:
        if not self.regression:
            return QColor(plot_style.CLASS_COLORS[int(target >= 0.5)])
        lo, hi = self.levels
        return TARGET_COLORS.map((target - lo) / (hi - lo), mode="qcolor")

    def _set_points(self, dataset: Dataset) -> None:
        first = dataset.y[:, 0]
        brushes = _shared([self._point_color(t) for t in first], pg.mkBrush)
        size = POINT_SIZE if dataset.n_samples <= MANY_POINTS else SMALL_POINT_SIZE
        self.points.setData(
            pos=np.asarray(dataset.X), brush=brushes, data=_tips(dataset), size=size
        )
        test = dataset.test
        if test is not None:
            pens = _shared(
                [self._point_color(t) for t in test.y[:, 0]], lambda c: pg.mkPen(c, width=2.2)
            )
            self.test_points.setData(
                pos=np.asarray(test.X), pen=pens, data=_tips(test, " (test)"), size=size
            )

    def _show_placeholder(self, text: str) -> None:
        self.placeholder.setText(text)
        self.stack.setCurrentIndex(1)

    def pixel_rect(self, grid: PlaneGrid | None = None, resolution: int | None = None) -> QRectF:
        """The plane area the image of ``grid`` (default: the run's) covers: grid points are
        pixel centres, so half a grid step of padding on every side. ``resolution``: of a
        grid over the same ranges with that many points a side."""
        grid = grid if grid is not None else self.grid
        assert grid is not None
        (x0, x1), (y0, y1) = grid.x_range, grid.y_range
        n = resolution or grid.resolution
        dx, dy = (x1 - x0) / (n - 1), (y1 - y0) / (n - 1)
        return QRectF(x0 - dx / 2, y0 - dy / 2, n * dx, n * dy)

    @Slot(object)
    def on_snapshot(self, snapshot: TrainingSnapshot) -> None:
        maps = snapshot.plane
        if self.grid is None or maps is None:
            return
        if maps.grid.x_range != self.grid.x_range or maps.grid.y_range != self.grid.y_range:
            return  # from a run on other data
        if out_of_sight(self):
            self._held = snapshot  # drawn when shown: nobody sees the ones in between
            return
        self._held = None
        # Rows are y and columns x, as plane_grid lays its points out (x varying fastest).
        self.image.setImage(maps.output, autoLevels=False, levels=self.levels)
        if maps.grid is not self.shown_grid:
            self.image.setRect(self.pixel_rect(maps.grid))
            self.shown_grid = maps.grid
        if self.regression:
            self.contour.setData([], [])  # a value to predict has no 0.5 boundary
            return
        segments = maps.contour
        self.contour.setData(segments[:, 0::2].ravel(), segments[:, 1::2].ravel())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._held is not None:
            self.on_snapshot(self._held)


def _point_tip(x: float, y: float, data: str) -> str:
    return data


def _shared(colors: list[QColor], make: Callable[[QColor], Any]) -> list[Any]:
    """One brush (or pen) per colour, shared by the points of that colour: pyqtgraph
    renders a symbol per distinct brush object, so a brush per point drew the spiral's 512
    points one by one (~0.25 s on the GUI thread when a run starts); two classes, two."""
    made: dict[int, Any] = {}
    shared = []
    for color in colors:
        key = color.rgba()
        if key not in made:
            made[key] = make(color)
        shared.append(made[key])
    return shared


def _tips(dataset: Dataset, suffix: str = "") -> list[str]:
    names = dataset.input_names
    return [
        f"{names[0]}={a:g}, {names[1]}={b:g} → {t:g}{suffix}"
        for (a, b), t in zip(dataset.X, dataset.y[:, 0], strict=True)
    ]
