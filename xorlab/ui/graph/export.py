"""Saving the graph on screen: the SVG as drawn, a PNG rasterized from it by QtSvg (so it
works with either renderer), the DOT source, or the debugprint text. Writes are atomic."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QRectF, Signal
from PySide6.QtGui import QAction, QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

if TYPE_CHECKING:
    from xorlab.core.graphs.build import GraphView

# format -> (menu text, file filter, needs the rendered SVG)
FORMATS: dict[str, tuple[str, str, bool]] = {
    "svg": ("&SVG image…", "SVG image (*.svg)", True),
    "png": ("&PNG image…", "PNG image (*.png)", True),
    "dot": ("&DOT source…", "Graphviz DOT (*.dot *.gv)", False),
    "txt": ("&Text (debugprint)…", "Text (*.txt)", False),
}
PNG_SCALE = 2.0  # twice the natural size: sharp on high-density screens and in slides
MAX_PNG_PIXELS = 40_000_000


class ExportError(RuntimeError):
    """The file could not be made or written; the message says why in plain words."""


def default_file_name(graph: GraphView, fmt: str) -> str:
    return f"{graph.target}-{graph.stage}.{fmt}"


def export_bytes(graph: GraphView, svg: str | None, fmt: str) -> bytes:
    """The file contents for ``fmt``; ExportError when the picture is not available."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format '{fmt}'; choose one of: {', '.join(FORMATS)}")
    if fmt == "dot":
        return graph.dot.encode("utf-8")
    if fmt == "txt":
        return (graph.text.rstrip("\n") + "\n").encode("utf-8")
    if svg is None:
        raise ExportError(
            f"there is no drawing to save as {fmt.upper()}: the graph could not be rendered "
            "here. Save the DOT source instead and render it with Graphviz elsewhere."
        )
    if fmt == "svg":
        return svg.encode("utf-8")
    return rasterize(svg)


def rasterize(svg: str, scale: float = PNG_SCALE) -> bytes:
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not renderer.isValid():
        raise ExportError("the drawing could not be read back to make a PNG")
    size = renderer.defaultSize()
    width, height = max(1, round(size.width() * scale)), max(1, round(size.height() * scale))
    if width * height > MAX_PNG_PIXELS:
        factor = (MAX_PNG_PIXELS / (width * height)) ** 0.5
        width, height = max(1, int(width * factor)), max(1, int(height * factor))
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    renderer.render(painter, QRectF(0, 0, width, height))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise ExportError("Qt could not encode the PNG")
    buffer.close()
    return bytes(data.data())


def export_graph(graph: GraphView, svg: str | None, fmt: str, path: str | Path) -> Path:
    """Write ``graph`` as ``fmt`` to ``path`` atomically; ExportError says what went wrong."""
    from xorlab.core.io.experiment import ExperimentError, atomic_write

    target = Path(path)
    data = export_bytes(graph, svg, fmt)
    if not target.parent.is_dir():
        raise ExportError(f"the folder {target.parent} does not exist")
    try:
        atomic_write(target, data)
    except ExperimentError as exc:
        raise ExportError(str(exc)) from None
    return target


class GraphExporter(QObject):
    """The Export menu: one action per format, a save dialog, a message when it fails.
    ``current()`` gives the graph on screen and its SVG (None when it could not render)."""

    saved = Signal(str)  # the path written

    def __init__(self, parent: QWidget, current: Callable[[], tuple[GraphView | None, str | None]]):
        super().__init__(parent)
        self._parent = parent
        self._current = current
        self.folder = str(Path.home())
        self.menu = QMenu(parent)
        self.menu.setObjectName("graph.export_menu")
        self.actions: dict[str, QAction] = {}
        for fmt, (text, _, _) in FORMATS.items():
            action = QAction(text, parent)
            action.setObjectName(f"action.export_graph.{fmt}")
            action.setStatusTip(f"Save the graph on screen as {fmt.upper()}")
            action.triggered.connect(lambda _=False, f=fmt: self.export_interactively(f))
            self.menu.addAction(action)
            self.actions[fmt] = action

    def set_pictures_available(self, available: bool) -> None:
        """SVG and PNG need a drawing; without a renderer only DOT and text can be saved."""
        for fmt, (_, _, needs_picture) in FORMATS.items():
            if needs_picture:
                self.actions[fmt].setEnabled(available)

    def export_to(self, fmt: str, path: str | Path) -> Path:
        graph, svg = self._current()
        if graph is None:
            raise ExportError("there is no graph to save yet")
        return export_graph(graph, svg, fmt, path)

    def export_interactively(self, fmt: str) -> Path | None:
        graph, _ = self._current()
        if graph is None:
            QMessageBox.information(
                self._parent, "No graph yet", "Open the Graph tab and wait for the graph."
            )
            return None
        start = str(Path(self.folder) / default_file_name(graph, fmt))
        path, _ = QFileDialog.getSaveFileName(
            self._parent, "Export the graph", start, FORMATS[fmt][1]
        )
        if not path:
            return None
        try:
            saved = self.export_to(fmt, path)
        except ExportError as exc:
            QMessageBox.warning(self._parent, "Could not export the graph", str(exc))
            return None
        self.folder = str(saved.parent)
        self.saved.emit(str(saved))
        return saved
