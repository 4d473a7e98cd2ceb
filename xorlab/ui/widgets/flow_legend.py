"""A plot legend outside the plot: entries flow in lines under it, wrapping between entries.

pyqtgraph's legend is an item drawn over the plot (it covered two thirds of the cost plot
after a 12-run sweep) or a fixed grid of columns (3-bit parity's eight samples ran past the
plot's edge). This one is a word-wrapped label: as wide as the plot, as tall as its entries
need, never over a curve.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

SWATCH = "━━"  # a short line in the curve's colour
DASHED_SWATCH = "╍╍"


class FlowLegend(QLabel):
    """``set_entries([(label, pen), ...])``; ``entries`` holds the labels shown."""

    def __init__(self, name: str, parent: QWidget | None = None, point_size: float = 8.5):
        super().__init__(parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.setStyleSheet(f"font-size: {point_size}pt;")
        self.entries: list[str] = []

    def set_entries(self, entries: list[tuple[str, QPen | str]]) -> None:
        self.entries = [label for label, _ in entries]
        parts = []
        for label, pen in entries:
            color, dashed = _color_of(pen)
            swatch = DASHED_SWATCH if dashed else SWATCH
            # Non-breaking inside an entry, a normal space between entries: lines wrap
            # between entries only.
            text = html.escape(label).replace(" ", "&nbsp;")
            parts.append(f'<span style="color:{color}">{swatch}</span>&nbsp;{text}')
        self.setText(" &nbsp; ".join(parts))
        self.setVisible(bool(entries))


def _color_of(pen: QPen | str) -> tuple[str, bool]:
    if isinstance(pen, str):
        return pen, False
    color = QColor(pen.color())
    color.setAlpha(255)  # faded curves get a readable swatch
    return color.name(), pen.style() != Qt.PenStyle.SolidLine
