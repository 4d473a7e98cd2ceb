"""A table view whose columns always show their whole text and fill the width it is given.

Columns are fitted to their content (when the owner calls ``resizeColumnsToContents``), the
view asks its splitter for the width those columns need (up to a cap: a CSV with many inputs
scrolls sideways instead of pushing the window off the screen), and any width beyond that is
shared out between the columns, so no column hides behind a scroll bar at the default size.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

MAX_MIN_WIDTH = 420  # pixels: past this the table scrolls sideways rather than grow
MIN_SECTION = 30  # a one-digit input column


class FittedTableView(QTableView):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(MIN_SECTION)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.content_widths: list[int] = []

    def resizeColumnsToContents(self) -> None:
        """Fit every column to its text, then spread the spare width (see the module)."""
        super().resizeColumnsToContents()
        header = self.horizontalHeader()
        self.content_widths = [header.sectionSize(i) for i in range(header.count())]
        self.setMinimumWidth(min(self.needed_width(), MAX_MIN_WIDTH))
        self.spread_columns()

    def sizeHintForColumn(self, column: int) -> int:
        """Qt measures up to 1,000 rows of a column, each cell asking the Python model a
        dozen roles: ~0.3 s for 512 rows, on the GUI thread, when a run starts. A model that
        knows which rows look widest (``widest_rows(column, limit)``) has only those measured,
        the same way: the widest cell, plus a pixel for the grid line."""
        model = self.model()
        widest = getattr(model, "widest_rows", None)
        if widest is None:
            return super().sizeHintForColumn(column)
        self.ensurePolished()
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        hint = -1
        for row in widest(column, self.verticalHeader().resizeContentsPrecision()):
            index = model.index(row, column)
            hint = max(hint, self.itemDelegateForIndex(index).sizeHint(option, index).width())
        return hint + 1 if self.showGrid() and hint >= 0 else hint

    def needed_width(self) -> int:
        """The width showing every fitted column, the row numbers and a vertical scroll bar."""
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        rows = self.verticalHeader()
        row_numbers = rows.sizeHint().width() if rows.isVisible() else 0
        return sum(self.content_widths) + row_numbers + bar + 2 * self.frameWidth()

    def spread_columns(self) -> None:
        if not self.content_widths:
            return
        spare = self.viewport().width() - sum(self.content_widths)
        share, rest = divmod(max(spare, 0), len(self.content_widths))
        header = self.horizontalHeader()
        for i, width in enumerate(self.content_widths):
            header.resizeSection(i, width + share + int(i < rest))

    def dataChanged(
        self,
        top_left: QModelIndex | QPersistentModelIndex,
        bottom_right: QModelIndex | QPersistentModelIndex,
        roles: Sequence[int] = (),
    ) -> None:
        """Repaint only the changed cells. For a change of more than one cell QTableView
        repaints its whole viewport, every visible cell asking the Python model a dozen roles
        (~0.1 ms a cell): the truth table's new outputs repainted its inputs and targets too,
        ~6 ms a snapshot for the spiral, of which the two changed columns are 40%. (A view
        that edits cells would also refresh its editors here; these tables are read-only.)"""
        if top_left == bottom_right or not (top_left.isValid() and bottom_right.isValid()):
            super().dataChanged(top_left, bottom_right, list(roles))
            return
        first, last = top_left.column(), bottom_right.column()
        left = self.columnViewportPosition(first)
        right = self.columnViewportPosition(last) + self.columnWidth(last)
        top = max(self.rowViewportPosition(top_left.row()), 0)
        bottom_row = bottom_right.row()
        below = self.rowViewportPosition(bottom_row) + self.rowHeight(bottom_row)
        bottom = self.viewport().height() if below < 0 else min(below, self.viewport().height())
        if right > left and bottom > top:
            self.viewport().update(QRect(left, top, right - left, bottom - top))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.spread_columns()
