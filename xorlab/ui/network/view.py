"""The QGraphicsView of the network diagram: always fits the whole network, says what is under
the mouse (weight value, neuron), outlines the hovered line, and reports clicks."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen, QResizeEvent
from PySide6.QtWidgets import QFrame, QGraphicsView, QToolTip

from xorlab.ui.network.scene import NetworkScene

HIT_PIXELS = 6.0  # how close to a line the pointer must be, on screen
MAX_ZOOM = 1.6  # a small network is not blown up to fill a large panel
MARGINS = (48, 46, 60, 24)  # left, top, right, bottom pixels for names, titles, "bias"
MIN_SIDE_MARGIN = 24  # pixels left and right of the units, for half an edge column's title


class NetworkView(QGraphicsView):
    """``line_clicked(line index, viewport point)``, ``unit_clicked(layer, unit)`` and
    ``background_clicked()``; ``line_hovered(index)`` with -1 when leaving a line."""

    line_clicked = Signal(int, QPoint)
    unit_clicked = Signal(int, int)
    background_clicked = Signal()
    line_hovered = Signal(int)
    unit_hovered = Signal(int, int, QPoint)  # layer, unit, global point; (-1, -1) on leaving
    fitted = Signal()  # the network was fitted to the view (controls on it follow)

    def __init__(self, scene: NetworkScene, name: str = "network.view"):
        super().__init__(scene)
        self.setObjectName(name)
        self.network = scene
        self.hovered = -1
        self.hovered_unit: tuple[int, int] | None = None
        self.extra_bottom = 0  # pixels under the network kept for controls drawn there
        self.paint_seconds = 0.0  # smoothed time a repaint takes
        self.fast_paint_seconds = 0.0  # the same, of repaints without antialiasing
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setBackgroundBrush(QColor("white"))
        self.setMouseTracking(True)
        self.setMinimumSize(200, 160)  # narrower, the smallest networks turn to dots

    def zoom(self) -> float:
        return self.transform().m11()

    def fit(self) -> None:
        """Show the whole network as large as fits, leaving fixed pixel margins for the
        captions (which keep their size on screen)."""
        core = self.network.core
        size = self.viewport().size()
        if core.isEmpty() or size.width() < 10 or size.height() < 10:
            return
        left, top, right, bottom = self.margins()
        zoom = min(
            (size.width() - left - right) / core.width(),
            (size.height() - top - bottom) / core.height(),
            MAX_ZOOM,
        )
        zoom = max(zoom, 0.02)
        self.resetTransform()
        self.scale(zoom, zoom)
        # The visible area, with the core centred between the margins.
        width, height = size.width() / zoom, size.height() / zoom
        centre = core.center() + QPointF((right - left) / 2 / zoom, (bottom - top) / 2 / zoom)
        visible = QRectF(centre.x() - width / 2, centre.y() - height / 2, width, height)
        self.setSceneRect(visible)
        self.centerOn(visible.center())
        centres = self.network.centres
        if (1, 0) in centres:
            self.network.fit_titles((centres[(1, 0)].x() - centres[(0, 0)].x()) * zoom)
        self.network.hide_crowded_captions(self.viewportTransform())
        self.fitted.emit()

    def margins(self) -> tuple[int, int, int, int]:
        """Pixels around the units for the captions: the sides as wide as the input and
        output names need (a narrow dock keeps its width for the network)."""
        _left, top, _right, bottom = MARGINS
        left, right = self.network.name_widths()
        offset = self.network.NAME_OFFSET * MAX_ZOOM + 4
        return (
            int(max(left + offset, MIN_SIDE_MARGIN)),
            top,
            int(max(right + offset, MIN_SIDE_MARGIN)),
            bottom + self.extra_bottom,
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    # --- what is under the pointer ------------------------------------------------------------

    def thing_at(self, viewport_point: QPoint) -> tuple[str, tuple[int, ...]]:
        """('unit', (layer, unit)), ('line', (index,)) or ('', ())."""
        point = self.mapToScene(viewport_point)
        unit = self.network.unit_at(point)
        if unit is not None:
            return "unit", unit
        line = self.network.line_at(point, HIT_PIXELS / max(self.zoom(), 1e-6))
        if line is not None:
            return "line", (line,)
        return "", ()

    def describe(self, kind: str, where: tuple[int, ...]) -> str:
        scene, arch = self.network, self.network.arch
        if arch is None or not kind:
            return ""
        if kind == "line":
            p, r, c = (int(v) for v in scene.index[where[0]])
            value = scene.weight_at(p, r, c)
            shown = f"{value:.4g}" if value is not None else "?"
            source, target = arch.unit_name(p, r), arch.unit_name(p + 1, c)
            return f"W{p + 1}[{r},{c}] = {shown}\nfrom {source} to {target}\nclick to edit"
        layer, unit = where
        if unit >= arch.sizes[layer]:
            return (
                "bias unit: always 1\nits weights (the last row of "
                f"W{layer + 1}) shift the next layer's weighted sums"
            )
        name = arch.unit_name(layer, unit)
        if layer == 0:
            return f"input {name}"
        title = arch.layer_title(layer).replace("\n", ", ")
        return f"{name} ({title})\nits incoming weights: column {unit} of W{layer}"

    def set_fast(self, fast: bool) -> None:
        """Jagged lines while training (a third of the paint time: ~600 antialiased lines
        are most of the spiral's diagram), smooth ones once it settles."""
        smooth = not fast
        if bool(self.renderHints() & QPainter.RenderHint.Antialiasing) != smooth:
            self.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)
            self.network.edges.update()  # its cached picture was drawn with the old hint
            if smooth:  # units kept smooth stay so while training; jagged ones are redone
                self.network.refresh_unit_pictures()
            self.viewport().update()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            start = time.perf_counter()
            handled = super().viewportEvent(event)
            seconds = time.perf_counter() - start
            old = self.paint_seconds
            self.paint_seconds = seconds if old == 0 else 0.7 * old + 0.3 * seconds
            if not self.renderHints() & QPainter.RenderHint.Antialiasing:
                old = self.fast_paint_seconds
                self.fast_paint_seconds = seconds if old == 0 else 0.7 * old + 0.3 * seconds
            return handled
        if event.type() == QEvent.Type.ToolTip:
            text = self.describe(*self.thing_at(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        if event.type() == QEvent.Type.Leave:
            self._hover(-1)
            self._hover_unit(None, QPoint())
        return super().viewportEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        kind, where = self.thing_at(event.position().toPoint())
        self._hover(where[0] if kind == "line" else -1)
        self._hover_unit(where if kind == "unit" else None, event.globalPosition().toPoint())
        cursor = Qt.CursorShape.PointingHandCursor if kind else Qt.CursorShape.ArrowCursor
        self.viewport().setCursor(cursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = event.position().toPoint()
        kind, where = self.thing_at(point)
        if kind == "line":
            self.line_clicked.emit(where[0], point)
        elif kind == "unit":
            self.unit_clicked.emit(*where)
        else:
            self.background_clicked.emit()

    def viewport_point_of_line(self, index: int) -> QPoint:
        """The middle of a line, in viewport pixels (tests click there)."""
        x1, y1, x2, y2 = self.network.segments[index]
        # A third of the way along: the middles of a layer's lines often cross each other.
        return self.mapFromScene(QPointF(x1 + (x2 - x1) / 3, y1 + (y2 - y1) / 3))

    def _hover_unit(self, unit: tuple[int, int] | None, global_point: QPoint) -> None:
        if unit == self.hovered_unit:
            return
        self.hovered_unit = unit
        self.unit_hovered.emit(*(unit if unit is not None else (-1, -1)), global_point)

    def refresh_hover(self) -> None:
        """Redraw the hovered line's outline from its current pen: after a weight edit or a
        snapshot its sign's colour and its width may have changed under the mouse."""
        if self.hovered < 0:
            return  # nothing under the mouse: nothing to redraw
        index, self.hovered = self.hovered, -1
        self._hover(index)

    def _hover(self, index: int) -> None:
        if index == self.hovered:
            return
        self.hovered = index
        hover = self.network.hover
        edges = self.network.edges
        if index < 0 or index >= len(edges):
            hover.hide()
        else:
            pen = QPen(edges.pen(index))
            pen.setWidthF(max(pen.widthF() + 3.0, 4.0))
            color = QColor(pen.color())
            color.setAlphaF(1.0)
            pen.setColor(color)
            hover.setPen(pen)
            hover.setLine(edges.line(index))
            hover.show()
        self.line_hovered.emit(index)
