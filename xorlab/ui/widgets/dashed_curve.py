"""Dashed curves cut into their dashes here and stroked as separate segments.

Qt's raster engine strokes a dashed pen wider than 1 px through its general stroker, which
first dashes the path and then outlines every dash: a 2 px antialiased dashed curve of ~600
drawn points took 2.3 ms a repaint (the held-out samples' cost and accuracy curves, at every
snapshot). Here the curve is mapped to device pixels, cut where the pen's dash pattern turns
on and off (measured along the curve in pixels, as Qt measures it), and the "on" pieces are
drawn with one ``drawLines`` call of a solid pen: ~0.5 ms. The points are the curve's own
(``getData()``: thinned to pixels when asked); only the stroking differs. Translucent pens and
pens of 1 px or less keep pyqtgraph's own painting (Qt's cosmetic stroker is fast for those).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6.QtCore import QLineF, Qt
from PySide6.QtGui import QPainter, QPen


def dash_pieces(x: np.ndarray, y: np.ndarray, pattern: np.ndarray) -> np.ndarray:
    """The "on" pieces (k, 4) of (x1, y1, x2, y2) of the polyline ``x``, ``y`` (pixels)
    dashed by ``pattern`` (pixel lengths: on, off, on, off...) from its start. Segments with
    a non-finite end are left out, and the dash pattern goes on across them."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.size < 2 or pattern.size == 0 or not np.all(pattern >= 0) or pattern.sum() <= 0:
        return np.empty((0, 4))
    finite = np.isfinite(x) & np.isfinite(y)
    with np.errstate(invalid="ignore"):  # inf - inf where a point is not finite
        dx, dy = np.diff(x), np.diff(y)
        length = np.where(finite[:-1] & finite[1:], np.hypot(dx, dy), 0.0)
    along = np.concatenate([[0.0], np.cumsum(length)])
    total = along[-1]
    period = float(pattern.sum())
    starts = np.concatenate([[0.0], np.cumsum(pattern)[:-1]])  # of each phase, in a period
    cycles = np.arange(int(total // period) + 1) * period
    cuts = (cycles[:, None] + starts[None, :]).ravel()
    cuts = cuts[(cuts > 0) & (cuts < total)]
    # Every vertex and every cut, in order along the curve: each piece between two of them
    # lies on one segment (the last to start at or before it: not an empty one) and in one
    # phase of the pattern.
    stops = np.sort(np.concatenate([along, cuts]))
    seg = np.minimum(np.searchsorted(along, stops[:-1], "right") - 1, length.size - 1)
    span = length[seg]
    t0 = np.divide(stops[:-1] - along[seg], span, out=np.zeros(seg.size), where=span > 0)
    t1 = np.divide(stops[1:] - along[seg], span, out=np.zeros(seg.size), where=span > 0)
    middle = (stops[:-1] + stops[1:]) / 2
    phase = np.searchsorted(starts, middle % period, "right") - 1
    keep = (phase % 2 == 0) & (stops[1:] > stops[:-1]) & (span > 0)
    seg, t0, t1 = seg[keep], t0[keep], t1[keep]
    return np.column_stack(
        [x[seg] + t0 * dx[seg], y[seg] + t0 * dy[seg], x[seg] + t1 * dx[seg], y[seg] + t1 * dy[seg]]
    )


class DashedSegmentsCurve(pg.PlotCurveItem):
    """A PlotCurveItem that strokes its dashed, opaque, wider-than-1-px pen as dash pieces."""

    def cuts_dashes(self) -> bool:
        pen = self.opts["pen"]
        return (
            pen.style() not in (Qt.PenStyle.SolidLine, Qt.PenStyle.NoPen)
            and pen.isSolid()
            and pen.color().alphaF() == 1.0
            and pen.widthF() > 1.0
            and pen.isCosmetic()
            and self.opts["fillLevel"] is None
            and self.opts["shadowPen"] is None
            and isinstance(self.opts["connect"], str)
            and self.opts["connect"] in ("all", "finite")
        )

    def paint(self, painter: QPainter, *args: Any) -> None:
        if not self.cuts_dashes() or self._exportOpts is not False:
            super().paint(painter, *args)
            return
        x, y = self.getData()
        if x is None or len(x) < 2:
            return
        pen = self.opts["pen"]
        t = painter.transform()
        px = t.m11() * x + t.m21() * y + t.dx()
        py = t.m12() * x + t.m22() * y + t.dy()
        pattern = np.asarray(pen.dashPattern(), dtype=np.float64) * pen.widthF()
        pieces = dash_pieces(px, py, pattern)
        if not len(pieces):
            return
        lines = PrimitiveArray(QLineF, 4)
        lines.resize(len(pieces))
        lines.ndarray()[:] = pieces
        solid = QPen(pen)
        solid.setStyle(Qt.PenStyle.SolidLine)  # its caps stay: dashes end as Qt's do
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, bool(self.opts["antialias"]))
        painter.setPen(solid)
        painter.drawLines(*lines.drawargs())
        painter.restore()


def cut_dashes_as_segments(curve: pg.PlotDataItem) -> None:
    """Have ``curve`` (a PlotDataItem) stroke a dashed pen as dash pieces from now on.

    PlotDataItem builds its PlotCurveItem itself: it is replaced here by a
    DashedSegmentsCurve, connected as PlotDataItem connects its own, and given the item's
    data and options again (``updateItems``)."""
    old = curve.curve
    if isinstance(old, DashedSegmentsCurve):
        return
    new = DashedSegmentsCurve()
    new.setZValue(old.zValue())
    new.setCacheMode(old.cacheMode())
    new.setSegmentedLineMode(old.opts["segmentedLineMode"])
    old.sigClicked.disconnect(curve.sigClicked)
    scene = old.scene()
    old.setParentItem(None)
    if scene is not None:
        scene.removeItem(old)
    new.setParentItem(curve)
    new.sigClicked.connect(curve.sigClicked)
    curve.curve = new
    if curve.xData is not None:
        curve.updateItems()
