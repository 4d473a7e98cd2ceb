"""Items drawn over a GraphCanvas's picture by other features (linked highlights, live
values), placed with the canvas's public ``scene_rect_of`` and removed as a group.

The canvas clears only its own items when it draws a new picture, so owners call ``clear``
(and redraw) whenever the canvas's picture changes (GraphTab.drawn).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsSimpleTextItem

from xorlab.ui.views.graph_canvas import GraphCanvas

HIGHLIGHT_Z = 8.0  # under the canvas's own selection outline (10)
LABEL_Z = 12.0


class CanvasOverlay:
    """A named layer of items over one canvas."""

    def __init__(self, canvas: GraphCanvas):
        self.canvas = canvas
        self.items: list[QGraphicsItem] = []

    def clear(self) -> None:
        scene = self.canvas.view.scene()
        for item in self.items:
            if item.scene() is scene:
                scene.removeItem(item)
        self.items.clear()

    def node_rect(self, node_id: str) -> QRectF | None:
        """Where a node drawn as a box is, when the picture is on screen."""
        graph = self.canvas.graph
        if graph is None or not self.canvas.is_drawn():
            return None
        info = graph.nodes.get(node_id)
        if info is None or info.drawn_as != "node":
            return None
        return self.canvas.scene_rect_of(node_id)

    def add_box(self, node_id: str, colour: str, strong: bool) -> QGraphicsPathItem | None:
        rect = self.node_rect(node_id)
        if rect is None:
            return None
        path = QPainterPath()
        grow = 6 if strong else 4
        path.addRoundedRect(rect.adjusted(-grow, -grow, grow, grow), 8, 8)
        item = QGraphicsPathItem(path)
        pen = QPen(QColor(colour), 3.0 if strong else 1.8)
        pen.setCosmetic(True)
        item.setPen(pen)
        fill = QColor(colour)
        fill.setAlpha(70 if strong else 40)
        item.setBrush(fill)
        item.setZValue(HIGHLIGHT_Z)
        self.canvas.view.scene().addItem(item)
        self.items.append(item)
        return item

    def add_label(self, node_id: str, text: str) -> QGraphicsSimpleTextItem | None:
        """A small value label just right of a node (edges leave nodes at the bottom)."""
        rect = self.node_rect(node_id)
        if rect is None:
            return None
        label = QGraphicsSimpleTextItem(text)
        font = QFont()
        font.setPointSizeF(7.5)
        label.setFont(font)
        label.setBrush(QColor("#1F1F1F"))
        bounds = label.boundingRect()
        background = QGraphicsPathItem()
        path = QPainterPath()
        path.addRoundedRect(bounds.adjusted(-3, -1, 3, 1), 3, 3)
        background.setPath(path)
        background.setBrush(QColor(255, 247, 204, 235))
        pen = QPen(QColor("#C9B458"), 0.8)
        pen.setCosmetic(True)
        background.setPen(pen)
        label.setParentItem(background)
        background.setPos(rect.right() + 5, rect.center().y() - bounds.height() / 2)
        background.setZValue(LABEL_Z)
        background.setToolTip(text)
        self.canvas.view.scene().addItem(background)
        self.items.append(background)
        return label
