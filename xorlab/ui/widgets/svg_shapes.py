"""Where each node and edge of a Graphviz SVG lies, so a click can be mapped back to its id.

QSvgRenderer knows every element's bounds, which is exact enough for node boxes and ellipses,
but an edge's bounding box covers everything between its ends; edges are hit-tested against
their drawn Bezier path instead, parsed from the SVG itself.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPainterPathStroker, QTransform
from PySide6.QtSvg import QSvgRenderer

_SVG_NS = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class Shape:
    """One clickable element, in the coordinates of the drawn picture."""

    id: str
    kind: str  # 'node' or 'edge'
    bounds: QRectF
    path: QPainterPath  # an edge's centre line; a node's outline rectangle


def picture_transform(renderer: QSvgRenderer) -> QTransform:
    """SVG user coordinates -> the coordinates QGraphicsSvgItem draws in (its default size)."""
    box = renderer.viewBoxF()
    size = renderer.defaultSize()
    sx = size.width() / box.width() if box.width() > 0 else 1.0
    sy = size.height() / box.height() if box.height() > 0 else 1.0
    return QTransform.fromTranslate(-box.x(), -box.y()) * QTransform.fromScale(sx, sy)


def find_shapes(svg_text: str, renderer: QSvgRenderer) -> dict[str, Shape]:
    """The nodes and edges of a Graphviz SVG by id (Graphviz copies the DOT ids onto the
    ``<g class="node">`` and ``<g class="edge">`` elements)."""
    try:
        root = ET.fromstring(svg_text)
    except ET.ParseError:
        return {}
    to_picture = picture_transform(renderer)
    shapes: dict[str, Shape] = {}
    for group in root.iter(f"{_SVG_NS}g"):
        kind = group.get("class")
        element_id = group.get("id")
        if kind not in ("node", "edge") or not element_id:
            continue
        if not renderer.elementExists(element_id):
            continue
        to_user = renderer.transformForElement(element_id) * to_picture
        bounds = to_user.mapRect(renderer.boundsOnElement(element_id))
        path = QPainterPath()
        if kind == "edge":
            path = _edge_path(group, to_user)
        if path.isEmpty():
            path.addRect(bounds)
        shapes[element_id] = Shape(element_id, kind, bounds, path)
    return shapes


def shapes_of_svg(svg_text: str) -> dict[str, Shape] | None:
    """``find_shapes`` with a renderer of its own, so it can run on the thread that rendered
    the SVG: for a large graph (the spiral's symbolic training graph, 400 KB of SVG) parsing
    and measuring ~700 elements took 130-400 ms, a freeze when done on the GUI thread.
    None when Qt cannot read the SVG."""
    renderer = QSvgRenderer()
    if not renderer.load(QByteArray(svg_text.encode("utf-8"))):
        return None
    return find_shapes(svg_text, renderer)


def _edge_path(group: ET.Element, transform: QTransform) -> QPainterPath:
    """The first ``<path>`` of an edge: Graphviz draws edges as M x,y then cubic Beziers."""
    path = QPainterPath()
    for element in group.iter(f"{_SVG_NS}path"):
        data = element.get("d", "")
        if not data.lstrip().startswith("M") or "C" not in data:
            continue
        numbers = [float(n) for n in _NUMBER.findall(data)]
        points = [QPointF(numbers[i], numbers[i + 1]) for i in range(0, len(numbers) - 1, 2)]
        if len(points) < 4:
            continue
        path.moveTo(points[0])
        for i in range(1, len(points) - 2, 3):
            path.cubicTo(points[i], points[i + 1], points[i + 2])
        break
    return transform.map(path)


def shape_at(shapes: dict[str, Shape], point: QPointF, tolerance: float) -> str | None:
    """The id under ``point``: the smallest node containing it, else the nearest edge within
    ``tolerance`` (in picture units; pass a few screen pixels converted by the zoom)."""
    nodes = [s for s in shapes.values() if s.kind == "node" and s.bounds.contains(point)]
    if nodes:
        return min(nodes, key=lambda s: s.bounds.width() * s.bounds.height()).id
    stroker = QPainterPathStroker()
    stroker.setWidth(2 * tolerance)
    margin = tolerance
    for shape in shapes.values():
        if shape.kind != "edge":
            continue
        if not shape.bounds.adjusted(-margin, -margin, margin, margin).contains(point):
            continue
        if stroker.createStroke(shape.path).contains(point):
            return shape.id
    return None
