"""Saving the graph on screen: the SVG as drawn, a PNG rasterized from it by QtSvg (so it
works with either renderer), the DOT source, or the debugprint text. Writes are atomic."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from xorlab.core.experiment import ExperimentError, atomic_write
from xorlab.core.graphs import GraphView

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
    target = Path(path)
    data = export_bytes(graph, svg, fmt)
    if not target.parent.is_dir():
        raise ExportError(f"the folder {target.parent} does not exist")
    try:
        atomic_write(target, data)
    except ExperimentError as exc:
        raise ExportError(str(exc)) from None
    return target
