"""The network diagram's picture: units in columns, bias units, one line per weight.

Items are made once per architecture; the lines are one item (edges.py) that a snapshot
re-pens only when a quantized pen changed, and neuron maps only swap pixmaps, so live updates
stay cheap even for a 2-64-64-64-1 net's ~8,600 weights. Hit-testing is arithmetic on arrays
of unit centres and line segments (no per-item shapes), which also makes hairline connections
easy to point at. The captions (layer titles, unit names) are made and arranged by
network_captions.py.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from xorlab.ui.network import captions as network_captions
from xorlab.ui.network import style
from xorlab.ui.network.edges import EdgesItem
from xorlab.ui.network.layout import Architecture, gaps_for

UNIT_Z, LINE_Z, HOVER_Z, RING_Z = 2.0, 0.0, 1.0, 3.0


class NetworkScene(QGraphicsScene):
    """The diagram of one Architecture (``build``), re-penned by ``set_weights``."""

    NAME_OFFSET = network_captions.NAME_OFFSET  # scene units between a unit's edge and its name

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)  # items seldom move
        self.arch: Architecture | None = None
        self.pens = style.PenCache()
        self.edges = EdgesItem(np.empty((0, 4)), self.pens)  # every line, as one item
        self.units: dict[tuple[int, int], QGraphicsItem] = {}
        self.maps: dict[tuple[int, int], QGraphicsPixmapItem] = {}
        self.glyphs: dict[tuple[int, int], QGraphicsPathItem] = {}
        self.mapped: set[tuple[int, int]] = set()  # the units showing a map now
        self.weights: tuple[np.ndarray, ...] = ()
        self.keys = np.empty(0, dtype=np.int64)
        self.scale_value = 1.0
        self.index = np.empty((0, 3), dtype=np.int64)  # per line: param, row, col
        self.segments = np.empty((0, 4))
        self.centres: dict[tuple[int, int], QPointF] = {}
        self.radius = style.RADIUS
        self.core = QRectF()  # the units' bounds; captions stick out by a few pixels
        self.captions: list[QGraphicsSimpleTextItem] = []
        self.titles: list[QGraphicsSimpleTextItem] = []  # one per layer, above its column
        self.title_level = 0  # how short the titles are: see Architecture.layer_title
        self.hover = QGraphicsLineItem()
        self.rings: list[QGraphicsItem] = []

    # --- building -------------------------------------------------------------------------

    def build(self, arch: Architecture, aspect: float = 1.2) -> None:
        """Items for ``arch``, laid out for a view about ``aspect`` times wider than tall."""
        self.clear()  # deletes every item, the hover line too
        self.arch = arch
        self.units, self.maps, self.captions, self.rings = {}, {}, [], []
        self.titles, self.title_level, self.glyphs = [], 0, {}
        self.mapped = set()
        self.weights, self.keys = (), np.empty(0, dtype=np.int64)
        self._place_units(arch, aspect)
        self._make_lines(arch)
        for (layer, unit), centre in self.centres.items():
            if not self._is_plain(arch, layer, unit):
                self._make_unit(arch, layer, unit, centre)
        for layer, size in enumerate(arch.sizes):
            if size > style.MAX_MAP_UNITS:
                self._make_plain_units(arch, layer)
        self._make_captions(arch)
        self.hover = QGraphicsLineItem()
        self.hover.setZValue(HOVER_Z)
        self.hover.hide()
        self.addItem(self.hover)
        r = self.radius
        xs = [c.x() for c in self.centres.values()]
        ys = [c.y() for c in self.centres.values()]
        self.core = QRectF(
            min(xs) - r, min(ys) - r, max(xs) - min(xs) + 2 * r, max(ys) - min(ys) + 2 * r
        )

    def _place_units(self, arch: Architecture, aspect: float) -> None:
        column_gap, unit_gap = gaps_for(arch, aspect, self.radius)

        def height(layer: int) -> float:
            extra = (unit_gap + style.BIAS_GAP) if arch.has_bias_unit(layer) else 0.0
            return (arch.sizes[layer] - 1) * unit_gap + extra

        tallest = max(height(k) for k in range(len(arch.sizes)))
        self.centres = {}
        for layer, n in enumerate(arch.sizes):
            x = layer * column_gap
            top = (tallest - height(layer)) / 2
            for unit in range(n):
                self.centres[(layer, unit)] = QPointF(x, top + unit * unit_gap)
            if arch.has_bias_unit(layer):
                self.centres[(layer, n)] = QPointF(x, top + n * unit_gap + style.BIAS_GAP)

    def _make_lines(self, arch: Architecture) -> None:
        rows, segments = [], []
        for p, (n_rows, n_cols) in enumerate(arch.shapes()):
            for r in range(n_rows):
                a = self.centres[(p, r)]
                for c in range(n_cols):
                    b = self.centres[(p + 1, c)]
                    rows.append((p, r, c))
                    segments.append((a.x(), a.y(), b.x(), b.y()))
        self.index = np.array(rows, dtype=np.int64).reshape(-1, 3)
        self.segments = np.array(segments, dtype=np.float64).reshape(-1, 4)
        self.edges = EdgesItem(self.segments, self.pens)
        self.edges.setZValue(LINE_Z)
        self.addItem(self.edges)

    @staticmethod
    def _is_plain(arch: Architecture, layer: int, unit: int) -> bool:
        """A neuron of a layer too wide for maps: it never shows one (paint.paint_maps)."""
        return arch.sizes[layer] > style.MAX_MAP_UNITS and unit < arch.sizes[layer]

    def _make_plain_units(self, arch: Architecture, layer: int) -> None:
        """The neurons of a layer too wide for maps as one item: they never change, and one
        kept picture a column is blitted where 4 per unit were (a 2-64-64-64-1 net's 192:
        ~1.5 of its diagram's ~2 ms repaint at each snapshot)."""
        r = self.radius
        activation = arch.activations[layer - 1] if 0 < layer <= len(arch.activations) else ""
        keys = [(layer, unit) for unit in range(arch.sizes[layer])]
        item = PlainUnits(
            [self.centres[key] for key in keys], r, style.activation_glyph(activation, r)
        )
        item.setZValue(UNIT_Z)
        self.addItem(item)
        for key in keys:
            self.units[key] = item

    def _make_unit(self, arch: Architecture, layer: int, unit: int, centre: QPointF) -> None:
        r = self.radius
        if unit >= arch.sizes[layer]:  # a bias unit: a grey rounded square holding "1"
            path = QPainterPath()
            path.addRoundedRect(QRectF(-r * 0.72, -r * 0.72, r * 1.44, r * 1.44), 7, 7)
            item: QGraphicsItem = QGraphicsPathItem(path)
            item.setBrush(QBrush(QColor(style.BIAS_FILL)))
            pen = QPen(QColor(style.BIAS_BORDER), 1.4, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            item.setPen(pen)
            text = QGraphicsSimpleTextItem("1", item)
            font = QFont()
            font.setPointSizeF(15)
            font.setBold(True)
            text.setFont(font)
            text.setBrush(QColor(style.CAPTION_COLOR))
            bounds = text.boundingRect()
            text.setPos(-bounds.width() / 2, -bounds.height() / 2)
        else:
            item = QGraphicsEllipseItem(QRectF(-r, -r, 2 * r, 2 * r))
            item.setBrush(QBrush(QColor(style.NEURON_FILL)))
            pen = QPen(QColor(style.NEURON_BORDER), 1.3)
            pen.setCosmetic(True)
            item.setPen(pen)
            # Maps come round (transparent outside the circle: map_images.round_pictures), not
            # clipped here, which cost a third of the diagram's repaint; the border is drawn
            # over them by a ring child.
            picture = QGraphicsPixmapItem(item)
            picture.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
            picture.hide()
            self.maps[(layer, unit)] = picture
            activation = arch.activations[layer - 1] if 0 < layer <= len(arch.activations) else ""
            glyph_path = style.activation_glyph(activation, r)
            if glyph_path is not None:  # what the neuron applies, while it shows no map
                glyph = QGraphicsPathItem(glyph_path, item)
                glyph_pen = QPen(QColor(style.MUTED_COLOR), 1.6)
                glyph_pen.setCosmetic(True)
                glyph.setPen(glyph_pen)
                self.glyphs[(layer, unit)] = glyph
            outline = QGraphicsEllipseItem(QRectF(-r, -r, 2 * r, 2 * r), item)
            outline.setPen(pen)  # over the map: the circle keeps its edge

        item.setPos(centre)
        item.setZValue(UNIT_Z)
        # A unit's circle, glyph, outline (a bias unit's square and "1") never change while
        # it trains: Qt keeps each as a small picture and blits it when the lines under it
        # repaint, as they do at each snapshot (the pens and strokes of 196 units of a
        # 2-64-64-64-1 net took most of its diagram's repaint). The map picture changes
        # with each snapshot: drawn as it is.
        for part in (item, *item.childItems()):
            if part not in self.maps.values():
                part.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.addItem(item)
        self.units[(layer, unit)] = item

    def refresh_unit_pictures(self) -> None:
        """Draw the units' kept pictures again (with the view's antialiasing now on)."""
        for item in self.units.values():
            for part in (item, *item.childItems()):
                if part.cacheMode() != QGraphicsItem.CacheMode.NoCache:
                    part.update()

    def _make_captions(self, arch: Architecture) -> None:
        self.captions, self.titles = network_captions.make_captions(arch, self.centres, self.radius)
        for item in self.captions:
            self.addItem(item)

    def name_widths(self) -> tuple[float, float]:
        """Pixels of the widest input name (left) and output name (right)."""
        return network_captions.name_widths(self.captions)

    def fit_titles(self, column_pixels: float) -> bool:
        """The most detailed layer titles that fit between columns ``column_pixels`` apart
        (none when even 'h1' does not); True when they are shortened."""
        if self.arch is None or not self.titles:
            return False
        self.title_level = network_captions.fit_titles(
            self.arch, self.titles, self.title_level, column_pixels
        )
        return self.title_level > 0

    def hide_crowded_captions(self, view_transform: QTransform) -> int:
        """Hide captions that would overlap one already shown on screen (titles first, then
        unit names, then 'bias'); returns how many are hidden. Captions keep their size on
        screen however small the diagram is drawn, so in a narrow view they collide."""
        return network_captions.hide_crowded(
            self.captions, self.titles, self.title_level, view_transform
        )

    # --- live values ----------------------------------------------------------------------

    def set_weights(self, weights: tuple[np.ndarray, ...]) -> int:
        """Re-pen the lines for new weights; returns how many pens changed."""
        if self.arch is None or [w.shape for w in weights] != self.arch.shapes():
            return 0
        self.weights = weights
        flat = np.concatenate([np.ravel(w) for w in weights]) if weights else np.empty(0)
        finite = flat[np.isfinite(flat)]
        self.scale_value = style.weight_scale(float(np.abs(finite).max()) if finite.size else 0)
        self.keys = style.pen_keys(flat, self.scale_value, style.max_width(flat.size))
        return self.edges.set_keys(self.keys)

    def set_map(self, layer: int, unit: int, pixmap) -> None:
        """Show ``pixmap`` in the unit's circle; None: its activation's glyph instead."""
        key = (layer, unit)
        if pixmap is None and key not in self.mapped:
            # Shows its glyph already. The units of layers too wide for maps are told so at
            # every snapshot: the 192 of a 2-64-64-64-1 net took ~1.5 ms a frame to re-hide.
            return
        picture = self.maps.get(key)
        if picture is None:
            return
        glyph = self.glyphs.get(key)
        if glyph is not None:
            glyph.setVisible(pixmap is None)
        if pixmap is None:
            picture.hide()
            self.mapped.discard(key)
            return
        self.mapped.add(key)
        side = 2 * self.radius
        picture.setPixmap(pixmap)
        picture.setScale(side / max(pixmap.width(), 1))
        picture.setPos(-self.radius, -self.radius)
        picture.show()

    def weight_at(self, param: int, row: int, col: int) -> float | None:
        if param < len(self.weights):
            w = self.weights[param]
            if 0 <= row < w.shape[0] and 0 <= col < w.shape[1]:
                return float(w[row, col])
        return None

    def line_of(self, param: int, row: int, col: int) -> int | None:
        hits = np.flatnonzero(
            (self.index[:, 0] == param) & (self.index[:, 1] == row) & (self.index[:, 2] == col)
        )
        return int(hits[0]) if hits.size else None

    def highlight(self, lines: np.ndarray | None, units: list[tuple[int, int]]) -> None:
        """Dim every line but ``lines`` (None: dim none) and ring ``units``."""
        for ring in self.rings:
            self.removeItem(ring)
        self.rings = []
        self.edges.set_lit(lines)
        for key in units:
            centre = self.centres.get(key)
            if centre is None:
                continue
            r = self.radius + 4
            ring = QGraphicsEllipseItem(QRectF(-r, -r, 2 * r, 2 * r))
            pen = QPen(QColor(style.SELECTION_COLOR), 2.5)
            pen.setCosmetic(True)
            ring.setPen(pen)
            ring.setPos(centre)
            ring.setZValue(RING_Z)
            self.addItem(ring)
            self.rings.append(ring)

    def lines_where(self, param: int, row: int = -1, col: int = -1) -> np.ndarray:
        """Indices of the lines of ``W{param+1}``, optionally one row's or one column's."""
        mask = self.index[:, 0] == param
        if row >= 0:
            mask &= self.index[:, 1] == row
        if col >= 0:
            mask &= self.index[:, 2] == col
        return np.flatnonzero(mask)

    # --- hit testing ----------------------------------------------------------------------

    def unit_at(self, point: QPointF) -> tuple[int, int] | None:
        for key, centre in self.centres.items():
            d = centre - point
            if d.x() * d.x() + d.y() * d.y() <= self.radius * self.radius:
                return key
        return None

    def line_at(self, point: QPointF, tolerance: float) -> int | None:
        """The line nearest ``point`` within ``tolerance`` scene units, or None."""
        if not len(self.segments):
            return None
        a, b = self.segments[:, :2], self.segments[:, 2:]
        p = np.array([point.x(), point.y()])
        ab = b - a
        t = np.clip(((p - a) * ab).sum(axis=1) / np.maximum((ab * ab).sum(axis=1), 1e-12), 0, 1)
        distance = np.hypot(*(a + t[:, None] * ab - p).T)
        best = int(np.argmin(distance))
        return best if distance[best] <= tolerance else None


class PlainUnits(QGraphicsItem):
    """Neurons that show no map, drawn as _make_unit draws one: the filled circle, its
    activation's glyph, the circle's edge over it; kept as one picture by Qt."""

    def __init__(self, centres: list[QPointF], radius: float, glyph: QPainterPath | None):
        super().__init__()
        self.centres = centres
        self.radius = radius
        self.glyph = glyph
        self.brush = QBrush(QColor(style.NEURON_FILL))
        self.pen = QPen(QColor(style.NEURON_BORDER), 1.3)
        self.pen.setCosmetic(True)
        self.glyph_pen = QPen(QColor(style.MUTED_COLOR), 1.6)
        self.glyph_pen.setCosmetic(True)
        xs = [c.x() for c in centres]
        ys = [c.y() for c in centres]
        margin = radius + 8  # room for the cosmetic pens however far the view zooms out
        self._bounds = QRectF(
            min(xs) - margin,
            min(ys) - margin,
            max(xs) - min(xs) + 2 * margin,
            max(ys) - min(ys) + 2 * margin,
        )
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter, _option, _widget=None) -> None:
        r = self.radius
        painter.setPen(self.pen)
        painter.setBrush(self.brush)
        for centre in self.centres:
            painter.drawEllipse(centre, r, r)
        if self.glyph is not None:
            painter.setPen(self.glyph_pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for centre in self.centres:
                painter.drawPath(self.glyph.translated(centre))
        painter.setPen(self.pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for centre in self.centres:
            painter.drawEllipse(centre, r, r)
