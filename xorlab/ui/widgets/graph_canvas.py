"""The picture of one PyTensor graph: the Graphviz SVG in a zoomable, draggable view where a
click on a node (or an edge) selects its record in the GraphView.

The SVG is drawn by a single QGraphicsSvgItem; clicks are mapped back to element ids with
svg_shapes and the selection is an outline drawn on top, so the picture itself never has to
be re-rendered to show what is selected. When nothing can render the DOT (no Graphviz), the
canvas says so and shows the DOT text instead.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainterPath, QPen
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtSvgWidgets import QGraphicsSvgItem
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from xorlab.ui.widgets.svg_shapes import Shape, find_shapes, shape_at
from xorlab.ui.widgets.svg_view import ElidedLabel, SvgView

if TYPE_CHECKING:
    from xorlab.core.graphs.build import GraphView, NodeInfo

SELECTION_COLOR = "#0072B2"
FIT_MAX_ZOOM = 1.6  # a small graph is not blown up to fill a large window
MIN_LABEL_PIXELS = 9.0  # the first view of a graph is readable: node labels this tall at least
DEFAULT_LABEL_SIZE = 10.0  # graph_dot's node font size, when the SVG does not say
_FONT_SIZE = re.compile(r'font-size="([0-9.]+)"')
HIT_PIXELS = 5.0  # how close to an edge's line a click must land, on screen
# DOT text shown when the graph cannot be drawn: Qt lays out ~6 MB/s of it on the GUI thread
# (the 100-term quotient's 775 KB froze the Expression tab 115-150 ms); the rest is exported.
DOT_TEXT_SHOWN = 40_000
# Where the whole graph can be saved from, as the message under an undrawable graph says it
# (a view with its own save button names that instead: GraphCanvas.save_hint).
SAVE_HINT = "File > Export graph saves it"
# The element a line of the DOT text describes: every node and edge line carries its id.
_LINE_ID = re.compile(r'\bid="([^"]+)"')


class DotText(QPlainTextEdit):
    """The DOT source, read-only; ``line_clicked(text)`` when a click (not a drag that
    selects text) lands on a line."""

    line_clicked = Signal(str)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            self.line_clicked.emit(
                self.cursorForPosition(event.position().toPoint()).block().text()
            )


class GraphCanvas(QWidget):
    """Shows one GraphView; ``node_selected(id)`` when the user picks a node ('' = nothing)."""

    node_selected = Signal(str)

    def __init__(self, name: str = "graph_canvas", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.graph: GraphView | None = None
        self.svg: str | None = None
        self.selected_id: str | None = None
        self._shapes: dict[str, Shape] = {}
        self._renderer = QSvgRenderer(self)
        self._item: QGraphicsSvgItem | None = None
        self._marks: list[QGraphicsPathItem] = []
        self.label_size = DEFAULT_LABEL_SIZE  # of node labels, in scene units
        # The first view is refitted as the canvas gets its size, until the user zooms.
        self.auto_view = False
        self.fitting = False  # the view is being set by a fit, not by the user

        self.view = SvgView(f"{name}.view", self.id_at, self.info_at)
        self.view.clicked.connect(self._on_view_clicked)
        self.view.zoom_changed.connect(self._on_zoom_changed)
        self.message = QLabel()
        self.message.setObjectName(f"{name}.message")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_hint = SAVE_HINT
        self.dot_text = DotText()
        self.dot_text.line_clicked.connect(self._on_dot_line_clicked)
        self.dot_text.setObjectName(f"{name}.dot_text")
        self.dot_text.setReadOnly(True)
        self.dot_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.dot_text.setFont(QFont("monospace", 9))
        self.dot_text.hide()
        message_page = QWidget()
        message_layout = QVBoxLayout(message_page)
        message_layout.addWidget(self.message)
        message_layout.addWidget(self.dot_text, 1)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.view)
        self.pages.addWidget(message_page)

        self.title = ElidedLabel()
        self.title.setObjectName(f"{name}.title")
        self.title.setStyleSheet("font-weight: 600;")
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName(f"{name}.zoom")
        self.zoom_label.setMinimumWidth(44)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 2, 2, 2)
        bar.addWidget(self.title, 1)
        bar.addSpacing(6)
        bar.addWidget(self.zoom_label)
        self.zoom_buttons: list[QToolButton] = []
        for key, text, tip, slot in (
            ("zoom_out", "−", "Zoom out (or turn the mouse wheel)", lambda: self.zoom_by(1 / 1.25)),
            ("zoom_in", "+", "Zoom in (or turn the mouse wheel)", lambda: self.zoom_by(1.25)),
            ("fit", "Fit", "Fit the whole graph into the window", self.fit_to_window),
            ("actual", "1:1", "Show the graph at its natural size", self.actual_size),
        ):
            button = QToolButton()
            button.setObjectName(f"{name}.{key}")
            button.setText(text)
            button.setToolTip(tip)
            button.setAutoRaise(True)
            button.clicked.connect(slot)
            bar.addWidget(button)
            self.zoom_buttons.append(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.pages, 1)
        self.show_message("No graph yet.")

    # --- content ------------------------------------------------------------------------------

    def set_graph(self, graph: GraphView | None) -> None:
        """Show ``graph``'s records. The same drawing (equal DOT) keeps its picture, zoom and
        selection, so refreshed weight values cost nothing; a new one waits for ``set_svg``."""
        same = graph is not None and self.graph is not None and graph.dot == self.graph.dot
        self.graph = graph
        self.title.setText(graph.title if graph is not None else "")
        self.title.setToolTip(self.title.text())
        if same:
            return
        self.svg = None
        self._clear_picture()
        self.selected_id = None
        if graph is None:
            self.show_message("No graph yet.")
        else:
            self.show_message("Drawing the graph…")

    def set_svg(self, svg: str, shapes: dict[str, Shape] | None = None) -> bool:
        """Draw ``svg`` (rendered from the current graph's DOT); False if Qt cannot read it.
        ``shapes``: its clickable elements, found off the GUI thread (``shapes_of_svg``);
        without them they are found here."""
        self._clear_picture()
        if not self._renderer.load(QByteArray(svg.encode("utf-8"))):
            self.show_render_problem("Qt could not read the rendered SVG.")
            return False
        self.svg = svg
        self._item = QGraphicsSvgItem()
        self._item.setSharedRenderer(self._renderer)
        self._item.setCacheMode(QGraphicsSvgItem.CacheMode.NoCache)  # crisp at every zoom
        scene = self.view.scene()
        scene.addItem(self._item)
        scene.setSceneRect(self._item.boundingRect().adjusted(-12, -12, 12, 12))
        self._shapes = shapes if shapes is not None else find_shapes(svg, self._renderer)
        self.label_size = label_size(svg)
        self._show_page(0)
        self.readable_fit()
        if self.selected_id:
            self._mark(self.selected_id)
        return True

    def show_render_problem(self, message: str) -> None:
        """Nothing could draw the graph: say why and show its DOT text to read or copy."""
        self._clear_picture()
        reason = message.strip().rstrip(".")
        reason = reason[:1].upper() + reason[1:]
        dot = self.graph.dot if self.graph is not None else ""
        shown = dot_excerpt(dot)
        part = (
            f"Its DOT source starts below ({len(shown):,} of {len(dot):,} characters; "
            if len(shown) < len(dot)
            else "Its DOT source is below ("
        )
        self.message.setText(
            f"<b>The graph cannot be drawn here.</b><br>{_escape(reason)}.<br>"
            f"{part}{_escape(self.save_hint)}); clicking a line of the text view selects "
            "that node."
        )
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.dot_text.setPlainText(shown)
        self.dot_text.show()
        self._show_page(1)

    def show_message(self, text: str) -> None:
        self.message.setText(_escape(text))
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.dot_text.hide()
        self._show_page(1)

    def _show_page(self, index: int) -> None:
        """0: the picture; 1: a message (and DOT text). Zooming only means something on 0."""
        self.pages.setCurrentIndex(index)
        for button in self.zoom_buttons:
            button.setEnabled(index == 0)
        self.zoom_label.setVisible(index == 0)

    def is_drawn(self) -> bool:
        return self._item is not None and self.pages.currentIndex() == 0

    # --- selection ----------------------------------------------------------------------------

    def select(self, node_id: str | None, *, center: bool = True) -> bool:
        """Select (and outline) a node of the current graph; None or an unknown id clears."""
        known = self.graph is not None and node_id in self.graph.nodes
        self.selected_id = node_id if known else None
        self._clear_marks()
        if self.selected_id is not None:
            rect = self._mark(self.selected_id)
            if center and rect is not None:
                self.view.ensureVisible(rect, 40, 40)
        return known

    def info_at(self, scene_point: QPointF) -> NodeInfo | None:
        element_id = self.id_at(scene_point)
        return self.graph.element(element_id) if element_id and self.graph is not None else None

    def id_at(self, scene_point: QPointF) -> str | None:
        """The SVG element id under a scene point, or None."""
        if not self._shapes:
            return None
        return shape_at(self._shapes, scene_point, HIT_PIXELS / self.view.zoom())

    def scene_rect_of(self, node_id: str) -> QRectF | None:
        """Where a node (or an edge-drawn value's first edge) is drawn, in scene coordinates."""
        shapes = self._shapes_of(node_id)
        if not shapes:
            return None
        rect = QRectF(shapes[0].bounds)
        for shape in shapes[1:]:
            rect = rect.united(shape.bounds)
        return rect

    def viewport_point_of(self, node_id: str) -> QPoint | None:
        """A point inside the node as drawn now, in viewport pixels (to click on it)."""
        shape = self._shapes.get(node_id)
        if shape is None:
            return None
        return self.view.mapFromScene(shape.bounds.center())

    # --- zoom ---------------------------------------------------------------------------------

    def zoom(self) -> float:
        return self.view.zoom()

    def zoom_by(self, factor: float) -> None:
        anchor = self.view.transformationAnchor()
        self.view.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.view.zoom_by(factor)
        self.view.setTransformationAnchor(anchor)

    def fit_to_window(self) -> None:
        if self._item is None:
            return
        self.view.fitInView(self.view.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        if self.view.zoom() > FIT_MAX_ZOOM:
            self.view.set_zoom(FIT_MAX_ZOOM)
        self.view.centerOn(self._item.boundingRect().center())
        self._on_zoom_changed(self.view.zoom())

    def readable_zoom(self) -> float:
        """The least zoom at which node labels are MIN_LABEL_PIXELS tall on screen."""
        return MIN_LABEL_PIXELS / max(self.label_size, 1e-6)

    def label_pixels(self) -> float:
        """How tall node labels are on screen now."""
        return self.label_size * self.view.zoom()

    def readable_fit(self) -> None:
        """The first view of a graph: the whole graph if its labels are readable so, else as
        wide as the window allows with readable labels, scrolled to its top (where the inputs
        are), the rest a scroll away."""
        if self._item is None:
            return
        self.fitting = True
        try:
            self._readable_fit()
        finally:
            self.fitting = False
        self.auto_view = True

    def _readable_fit(self) -> None:
        self.fit_to_window()
        if self.label_pixels() >= MIN_LABEL_PIXELS:
            return
        viewport = self.view.viewport().size()
        rect = self.view.sceneRect()
        width_fit = viewport.width() / max(rect.width(), 1e-6)
        zoom = min(max(width_fit, self.readable_zoom()), FIT_MAX_ZOOM)
        self.view.set_zoom(zoom)
        # The top of the graph (its inputs), centred on the topmost node: at this zoom the
        # middle of the top edge is often only edges.
        nodes = [shape.bounds for shape in self._shapes.values() if shape.kind == "node"]
        x = min(nodes, key=lambda b: b.top()).center().x() if nodes else rect.center().x()
        visible_height = viewport.height() / zoom
        self.view.centerOn(QPointF(x, rect.top() + visible_height / 2))
        self._on_zoom_changed(self.view.zoom())

    def actual_size(self) -> None:
        self.view.set_zoom(1.0)

    # --- internals ----------------------------------------------------------------------------

    def _on_view_clicked(self, scene_point: QPointF) -> None:
        info = self.info_at(scene_point)
        self.select(info.id if info is not None else None, center=False)
        self.node_selected.emit(self.selected_id or "")

    def _on_dot_line_clicked(self, line: str) -> None:
        """A line of the DOT text names a node or an edge (then the value it carries)."""
        found = _LINE_ID.search(line)
        info = self.graph.element(found.group(1)) if found and self.graph is not None else None
        if info is not None:
            self.select(info.id, center=False)
            self.node_selected.emit(info.id)

    def _on_zoom_changed(self, zoom: float) -> None:
        self.zoom_label.setText(f"{zoom * 100:.0f}%")
        if not self.fitting:
            self.auto_view = False  # the user's zoom stays through resizes

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.auto_view:
            self.readable_fit()

    def _shapes_of(self, node_id: str) -> list[Shape]:
        if node_id in self._shapes:
            return [self._shapes[node_id]]
        if self.graph is None:
            return []
        # A value drawn as edges: every edge that carries it.
        return [
            self._shapes[e.id]
            for e in self.graph.edges
            if e.variable == node_id and e.id in self._shapes
        ]

    def _mark(self, node_id: str) -> QRectF | None:
        shapes = self._shapes_of(node_id)
        for shape in shapes:
            path = QPainterPath()
            if shape.kind == "node":
                path.addRoundedRect(shape.bounds.adjusted(-4, -4, 4, 4), 6, 6)
                pen = QPen(QColor(SELECTION_COLOR), 3)
            else:
                path = shape.path
                pen = QPen(QColor(SELECTION_COLOR), 4)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setCosmetic(True)
            item = QGraphicsPathItem(path)
            item.setPen(pen)
            fill = QColor(SELECTION_COLOR)
            fill.setAlpha(36 if shape.kind == "node" else 0)
            item.setBrush(fill)
            item.setZValue(10)
            self.view.scene().addItem(item)
            self._marks.append(item)
        return self.scene_rect_of(node_id)

    def _clear_marks(self) -> None:
        for item in self._marks:
            self.view.scene().removeItem(item)
        self._marks.clear()

    def _clear_picture(self) -> None:
        self._clear_marks()
        if self._item is not None:
            self.view.scene().removeItem(self._item)
            self._item = None
        self._shapes = {}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def dot_excerpt(dot: str, limit: int | None = None) -> str:
    """``dot`` whole, or its first whole lines up to ``limit`` (DOT_TEXT_SHOWN) characters."""
    limit = DOT_TEXT_SHOWN if limit is None else limit
    if len(dot) <= limit:
        return dot
    end = dot.rfind("\n", 0, limit)
    return dot[: end + 1 if end > 0 else limit]


def label_size(svg: str) -> float:
    """The font size most of the SVG's text is set in (node labels outnumber the rest)."""
    sizes = Counter(float(v) for v in _FONT_SIZE.findall(svg))
    if not sizes:
        return DEFAULT_LABEL_SIZE
    # The most common size, the larger of ties: node labels rather than edge labels.
    return max(sizes.items(), key=lambda item: (item[1], item[0]))[0]
