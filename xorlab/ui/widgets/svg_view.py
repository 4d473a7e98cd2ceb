"""A QGraphicsView for graph pictures: zoom with the wheel around the cursor, pan by dragging,
and a click that is told apart from a drag; plus a label that elides instead of growing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsScene,
    QGraphicsView,
    QLabel,
    QSizePolicy,
    QToolTip,
    QWidget,
)

if TYPE_CHECKING:
    from xorlab.core.graphs.build import NodeInfo


MIN_ZOOM, MAX_ZOOM = 0.05, 12.0
CLICK_SLOP = 4  # pixels a press may move and still count as a click, not a drag


class ElidedLabel(QLabel):
    """A one-line label that ends in "…" rather than pushing its neighbours aside; cut, its
    tooltip says it whole (the Graph tab's pane title read "Training step (optimized), d…"
    at 1366x768, with no way to read the rest)."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def is_elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def tip(self) -> str:
        """What hovering shows: the whole text when it is cut (then the label's own tooltip)."""
        if not self.is_elided():
            return self.toolTip()
        return "\n".join(t for t in (self.text(), self.toolTip()) if t)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self.is_elided():
            QToolTip.showText(event.globalPos(), self.tip(), self)
            return True
        return super().event(event)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        text = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width()
        )
        painter.drawText(self.contentsRect(), int(self.alignment()), text)


class SvgView(QGraphicsView):
    """Wheel zooms around the cursor, dragging pans, a click reports the scene point.

    ``id_at(scene_point)`` and ``info_at(scene_point)`` say what lies under the mouse, for
    the pointing-hand cursor and the tooltip."""

    clicked = Signal(QPointF)
    zoom_changed = Signal(float)

    def __init__(
        self,
        name: str,
        id_at: Callable[[QPointF], str | None],
        info_at: Callable[[QPointF], NodeInfo | None],
    ):
        super().__init__()
        self._id_at, self._info_at = id_at, info_at
        self._press: QPoint | None = None
        self.setObjectName(name)
        self.setScene(QGraphicsScene(self))
        self.setBackgroundBrush(QColor("white"))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setMouseTracking(True)

    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        factor = min(max(factor, MIN_ZOOM), MAX_ZOOM)
        self.scale(factor / self.zoom(), factor / self.zoom())
        self.zoom_changed.emit(self.zoom())

    def zoom_by(self, factor: float) -> None:
        self.set_zoom(self.zoom() * factor)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(1.2**steps)  # the anchor under the mouse keeps the cursor's spot
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if event.button() != Qt.MouseButton.LeftButton or press is None:
            return
        if (event.position().toPoint() - press).manhattanLength() <= CLICK_SLOP:
            self.clicked.emit(self.mapToScene(event.position().toPoint()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if self._press is None:
            over = self._id_at(self.mapToScene(event.position().toPoint()))
            cursor = Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.OpenHandCursor
            self.viewport().setCursor(cursor)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            info = self._info_at(self.mapToScene(event.pos()))
            if info is not None:
                QToolTip.showText(event.globalPos(), info.detail, self)
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)
