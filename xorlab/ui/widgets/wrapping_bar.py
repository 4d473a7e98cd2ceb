"""A bar of controls in one row where it fits, and in two (or three) where it does not.

A row of buttons asks its whole width as its minimum, and a tab page as wide as its widest
row holds the window as wide (the Expression tab's graph bar asked 589 pixels, the width of
half the tab at 1024x700). This bar asks only for the wider of its two groups and puts the
second group under the first when one row would not fit. A label that reads cut short (a
summary such as "12 ops, 16 values") can take a row of its own below them rather than end
in "…": where it goes is decided by the width alone, so new text never moves the rows.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

GROUP_GAP = 8  # between the two groups when they share a row


class WrappingBar(QWidget):
    """``first`` then ``second``: (widget, stretch) pairs. A stretching widget takes the
    room left in its row and should accept any width (an elided label); the others keep
    their size hint's width. ``spill``, one of the second group's stretching widgets, goes on
    a row of its own when its row would leave it less than ``spill_width`` pixels."""

    def __init__(
        self,
        name: str,
        first: list[tuple[QWidget, int]],
        second: list[tuple[QWidget, int]],
        spill: QWidget | None = None,
        spill_width: int = 0,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName(name)
        self.first = first
        self.second = second
        self.spill = spill
        self.spill_width = spill_width if spill is not None else 0
        self.rows = [QHBoxLayout() for _ in range(3)]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for row in self.rows:
            row.setContentsMargins(0, 0, 0, 0)
            layout.addLayout(row)
        self.arrangement: tuple[bool, bool] | None = None  # (one row, spill on its own)
        self._place(True, False)

    @property
    def one_row(self) -> bool:
        return self.arrangement is not None and self.arrangement[0]

    @property
    def spilled(self) -> bool:
        return self.arrangement is not None and self.arrangement[1]

    def row_width(self, items: list[tuple[QWidget, int]]) -> int:
        """What ``items`` need side by side: the fixed ones' size hints and the spacing."""
        fixed = [w for w, stretch in items if not stretch]
        spacing = max(0, self.rows[0].spacing()) * max(0, len(items) - 1)
        return sum(w.sizeHint().width() for w in fixed) + spacing

    def one_row_width(self) -> int:
        spacing = max(0, self.rows[0].spacing()) * 2 + GROUP_GAP
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
        one_row = width >= self.one_row_width() + self.spill_width
        spilled = not one_row and width < self.row_width(self.second) + self.spill_width
        self._place(one_row, spilled)

    def _place(self, one_row: bool, spilled: bool) -> None:
        if self.arrangement == (one_row, spilled):
            return
        self.arrangement = (one_row, spilled)
        for row in self.rows:
            while row.count():
                row.takeAt(0)  # a widget stays this bar's child, placed again below
        places: list[tuple[int, QWidget | None, int]] = [(0, w, s) for w, s in self.first]
        second_row = 0 if one_row else 1
        if one_row:
            places.append((0, None, GROUP_GAP))
        for widget, stretch in self.second:
            row = 2 if spilled and widget is self.spill else second_row
            places.append((row, widget, stretch))
        for row, widget, stretch in places:
            if widget is None:
                self.rows[row].addSpacing(stretch)
            else:
                self.rows[row].addWidget(widget, stretch)
        # Each row ends in a stretch, which takes the room left unless a widget stretches.
        for row in self.rows:
            if row.count():
                row.addStretch(0)
