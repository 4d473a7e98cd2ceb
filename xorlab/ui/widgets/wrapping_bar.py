"""A bar of controls in one row where it fits, and in two where it does not.

A row of buttons asks its whole width as its minimum, and a tab page as wide as its widest
row holds the window as wide (the Expression tab's graph bar asked 589 pixels, the width of
half the tab at 1024x700). This bar asks only for the wider of its two rows and puts the
second group of controls under the first when the one row would not fit.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

GROUP_GAP = 8  # between the two groups when they share a row


class WrappingBar(QWidget):
    """``first`` then ``second``: (widget, stretch) pairs. A stretching widget takes the
    room left in its row and should accept any width (an elided label); the others keep
    their size hint's width."""

    def __init__(
        self,
        name: str,
        first: list[tuple[QWidget, int]],
        second: list[tuple[QWidget, int]],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName(name)
        self.first = first
        self.second = second
        self.top_row = QHBoxLayout()
        self.bottom_row = QHBoxLayout()
        for row in (self.top_row, self.bottom_row):
            row.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget, stretch in first:
            self.top_row.addWidget(widget, stretch)
        self.top_row.addSpacing(GROUP_GAP)
        for widget, stretch in second:
            self.top_row.addWidget(widget, stretch)
        # Each row ends in a stretch, which takes the room left unless a widget stretches.
        for row in (self.top_row, self.bottom_row):
            row.addStretch(0)
        layout.addLayout(self.top_row)
        layout.addLayout(self.bottom_row)
        self.one_row = True

    def row_width(self, items: list[tuple[QWidget, int]]) -> int:
        """What ``items`` need side by side: the fixed ones' size hints and the spacing."""
        fixed = [w for w, stretch in items if not stretch]
        spacing = max(0, self.top_row.spacing()) * max(0, len(items) - 1)
        return sum(w.sizeHint().width() for w in fixed) + spacing

    def one_row_width(self) -> int:
        spacing = max(0, self.top_row.spacing()) * 2 + GROUP_GAP
        return self.row_width(self.first) + self.row_width(self.second) + spacing

    def minimumSizeHint(self) -> QSize:
        """The width of the two-row arrangement: one row is only chosen where it fits, so it
        must not hold the window wider."""
        width = max(self.row_width(self.first), self.row_width(self.second))
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.arrange(event.size().width())

    def arrange(self, width: int) -> None:
        one_row = width >= self.one_row_width()
        if one_row == self.one_row:
            return
        self.one_row = one_row
        gap = len(self.first)  # the spacing item's index after the first group
        if one_row:
            self.top_row.insertSpacing(gap, GROUP_GAP)
        else:
            self.top_row.takeAt(gap)
        source, target = (
            (self.bottom_row, self.top_row) if one_row else (self.top_row, self.bottom_row)
        )
        at = gap + 1 if one_row else 0
        for offset, (widget, stretch) in enumerate(self.second):
            source.removeWidget(widget)
            target.insertWidget(at + offset, widget, stretch)
