"""Words for the graph tab: the colour legend and the counts before and after the rewrites."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from xorlab.core.graphs.categories import FILL_COLOURS, OP_CATEGORIES, VARIABLE_CATEGORIES

if TYPE_CHECKING:
    from xorlab.core.graphs.build import GraphStats, GraphView, RewriteComparison

SHORT_NAMES = {
    "elementwise": "elementwise op",
    "fused": "fused Composite",
    "blas": "matrix product",
    "reduction": "reduction",
    "shape": "shape / layout",
    "subtensor": "indexing",
    "scan": "loop / inner graph",
    "other": "other op",
    "input": "input",
    "shared": "weight (shared)",
    "constant": "constant",
    "intermediate": "unused value",
    "output": "output",
    "update": "weight update",
}
LEGEND_ORDER = (*VARIABLE_CATEGORIES, *OP_CATEGORIES)
MUTED = "#57606A"


def present_categories(graphs: Iterable[GraphView | None]) -> list[str]:
    """The categories drawn in ``graphs`` (as nodes), in legend order."""
    seen = {
        info.category
        for graph in graphs
        if graph is not None
        for info in graph.nodes.values()
        if info.drawn_as == "node"
    }
    return [c for c in LEGEND_ORDER if c in seen]


class LegendWidget(QWidget):
    """Colour chips for the categories on screen, flowing onto more lines when narrow; each
    chip's tooltip says what the colour means."""

    CHIP = QSize(16, 11)
    GAP = 16

    def __init__(self, name: str = "legend", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.categories: list[str] = []
        self._items: list[tuple[str, str, str, str]] = []  # kind, colour, text, tooltip
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.set_categories([])

    def set_categories(self, categories: Iterable[str]) -> None:
        described = {**OP_CATEGORIES, **VARIABLE_CATEGORIES}
        self.categories = list(categories)
        self._items = [
            ("chip", FILL_COLOURS.get(c, "#ffffff"), SHORT_NAMES.get(c, c), described.get(c, ""))
            for c in self.categories
        ]
        if self.categories:
            self._items += [
                (
                    "arrow",
                    "#555555",
                    "value",
                    "An arrow carries a value from the op that makes "
                    "it to the op that uses it; its label is the input position and the value's "
                    "name",
                ),
                (
                    "dashed",
                    FILL_COLOURS["update"],
                    "next weight value",
                    "A dashed arrow: the value a training step writes back into a weight",
                ),
            ]
        self.setToolTip("\n".join(f"{text}: {tip}" for _, _, text, tip in self._items))
        self.updateGeometry()
        self.update()

    def _layout(self, width: int) -> tuple[list[tuple[int, int]], int]:
        metrics = self.fontMetrics()
        line = max(metrics.height(), self.CHIP.height()) + 4
        x, y, spots = 0, 2, []
        for _, _, text, _ in self._items:
            needed = self.CHIP.width() + 5 + metrics.horizontalAdvance(text)
            if x and x + needed > width:
                x, y = 0, y + line
            spots.append((x, y))
            x += needed + self.GAP
        return spots, (y + line if self._items else 0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._layout(width)[1]

    def sizeHint(self) -> QSize:
        return QSize(400, self.heightForWidth(max(self.width(), 400)))

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = self.fontMetrics()
        line = max(metrics.height(), self.CHIP.height()) + 4
        spots, _ = self._layout(self.width())
        for (kind, colour, text, _), (x, y) in zip(self._items, spots, strict=True):
            chip = QRectF(x + 0.5, y + (line - self.CHIP.height()) / 2, *self.CHIP.toTuple())
            if kind == "chip":
                painter.setPen(QPen(QColor("#8C959F"), 1))
                painter.setBrush(QColor(colour))
                painter.drawRoundedRect(chip, 3, 3)
            else:
                pen = QPen(QColor(colour), 1.6)
                if kind == "dashed":
                    pen.setStyle(Qt.PenStyle.DashLine)
                painter.setPen(pen)
                mid = chip.center().y()
                painter.drawLine(QPointF(chip.left(), mid), QPointF(chip.right(), mid))
                painter.drawLine(QPointF(chip.right() - 4, mid - 3), QPointF(chip.right(), mid))
                painter.drawLine(QPointF(chip.right() - 4, mid + 3), QPointF(chip.right(), mid))
            painter.setPen(self.palette().color(self.foregroundRole()))
            text_rect = QRectF(chip.right() + 5, y, metrics.horizontalAdvance(text) + 2, line)
            painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter), text)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            spots, _ = self._layout(self.width())
            metrics = self.fontMetrics()
            for (_, _, text, tip), (x, y) in zip(self._items, spots, strict=True):
                width = self.CHIP.width() + 5 + metrics.horizontalAdvance(text)
                if QRectF(x, y, width, metrics.height() + 4).contains(event.position()):
                    QToolTip.showText(event.globalPos(), f"{text}: {tip}", self)
                    return True
            QToolTip.hideText()
            return True
        return super().event(event)


def stats_text(stats: GraphStats) -> str:
    text = f"{stats.apply_nodes} ops, {stats.variables} values, depth {stats.depth}"
    if stats.composites:
        text += f", {stats.composites} fused Composites"
    return text


def _counts_html(ops: dict[str, int]) -> str:
    """ "Mul&nbsp;×20, ...": a line never breaks between an op and its count (a lone "×6"
    began the summary's last line at 1920x1080)."""
    return ", ".join(f"{html.escape(name)}&nbsp;×{count}" for name, count in sorted(ops.items()))


def rewrite_html(comparison: RewriteComparison) -> str:
    """What PyTensor's rewrites did, in one line: counts, fusion, ops removed and inserted."""
    before, after = comparison.apply_nodes
    delta = after - before
    change = f"{abs(delta)} fewer" if delta < 0 else f"{delta} more" if delta else "no change in"
    parts = [f"<b>Rewrites</b>: {before} → {after} ops ({change} ops)"]
    if comparison.composites:
        parts.append(
            f"fused {comparison.fused_ops} scalar ops into {comparison.composites} "
            f"Composite{'s' if comparison.composites != 1 else ''}"
        )
    if comparison.removed:
        parts.append(f"removed {_counts_html(comparison.removed)}")
    if comparison.inserted:
        parts.append(f"inserted {_counts_html(comparison.inserted)}")
    return "; ".join(parts)


def summary_html(symbolic: GraphStats, optimized: GraphStats, comparison: RewriteComparison) -> str:
    return (
        f"<b>Symbolic</b>: {stats_text(symbolic)} &nbsp;→&nbsp; "
        f"<b>Optimized</b>: {stats_text(optimized)}<br>{rewrite_html(comparison)}"
    )
