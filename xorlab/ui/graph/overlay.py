"""Items drawn over a GraphCanvas's picture by other features (linked highlights, live
values), placed with the canvas's public ``scene_rect_of`` and removed as a group.

The canvas clears only its own items when it draws a new picture, so owners call ``clear``
(and redraw) whenever the canvas's picture changes (GraphTab.drawn).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF
from PySide6.QtGui import QColor, QFont, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsSimpleTextItem

from xorlab.ui.widgets.graph_canvas import GraphCanvas

HIGHLIGHT_Z = 8.0  # under the canvas's own selection outline (10)
LABEL_Z = 12.0
LABEL_PAD = 3


class CanvasOverlay:
    """A named layer of items over one canvas."""

    def __init__(self, canvas: GraphCanvas):
        self.canvas = canvas
        self.items: list[QGraphicsItem] = []
        self.labels: list[tuple[QRectF, QGraphicsItem]] = []  # (node's scene rect, label)

    def clear(self) -> None:
        scene = self.canvas.view.scene()
        for item in self.items:
            if item.scene() is scene:
                scene.removeItem(item)
        self.items.clear()
        self.labels.clear()

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

    def add_label(
        self, node_id: str, text: str, tooltip: str = ""
    ) -> QGraphicsSimpleTextItem | None:
        """A small value label beside a node; ``arrange`` places the labels."""
        rect = self.node_rect(node_id)
        if rect is None:
            return None
        label = QGraphicsSimpleTextItem(text)
        font = QFont()
        font.setPointSizeF(7.5)
        label.setFont(font)
        label.setBrush(QColor("#1F1F1F"))
        bounds = label.boundingRect()
        label.setPos(LABEL_PAD, 1)
        background = QGraphicsPathItem()
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, bounds.width() + 2 * LABEL_PAD, bounds.height() + 2), 3, 3)
        background.setPath(path)
        background.setBrush(QColor(255, 247, 204, 235))
        pen = QPen(QColor("#C9B458"), 0.8)
        pen.setCosmetic(True)
        background.setPen(pen)
        label.setParentItem(background)
        # Readable at any zoom: the label keeps its size on screen, so a fitted (shrunken)
        # graph still shows its numbers.
        background.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        background.setZValue(LABEL_Z)
        background.setToolTip(tooltip or text)
        self.canvas.view.scene().addItem(background)
        self.items.append(background)
        self.labels.append((rect, background))
        return label

    def arrange(self) -> None:
        """Put each label beside its node where it covers no other node or label: right,
        left, below or above (in that order of preference), in screen pixels, since the
        labels keep their size while the graph zooms; hide the ones with no room."""
        view = self.canvas.view
        boxes = [view.mapFromScene(rect).boundingRect() for rect, _ in self.labels]
        frame = view.mapFromScene(view.sceneRect()).boundingRect().united(view.viewport().rect())
        taken: list[QRect] = []
        for (_rect, item), box in sorted(
            zip(self.labels, boxes, strict=True), key=lambda pair: (pair[1].top(), pair[1].left())
        ):
            size = item.boundingRect().size().toSize()
            w, h = size.width(), size.height()
            mid_x, mid_y = box.center().x(), box.center().y()
            candidates = [
                QRect(box.right() + 4, mid_y - h // 2, w, h),
                QRect(box.left() - 4 - w, mid_y - h // 2, w, h),
                QRect(mid_x - w // 2, box.bottom() + 3, w, h),
                QRect(mid_x - w // 2, box.top() - 3 - h, w, h),
            ]
            others = [b for b in boxes if b != box]
            # Within the picture: a label past its edge would be cut off where no scrolling
            # reaches (a node at the right edge gets its label on the left).
            inside = [c for c in candidates if frame.contains(c)]
            chosen = next(
                (c for c in inside if not any(c.intersects(o) for o in (*others, *taken))),
                None,
            )
            # A label with no free place waits for the reader to zoom in, rather than
            # covering another number.
            item.setVisible(chosen is not None)
            if chosen is not None:
                taken.append(chosen)
                item.setPos(view.mapToScene(chosen.topLeft()))
