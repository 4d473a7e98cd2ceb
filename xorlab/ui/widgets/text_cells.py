"""Paints a table's plain text cells straight from its model, without the item-role round trip.

A QStyledItemDelegate asks the model for a dozen roles per cell (each a call from C++ into
Python) and then draws through the application's style, which the app's style sheet wraps in
QStyleSheetStyle (its rules looked up again for every cell). The truth table repaints its
output and right/error cells at every snapshot, 30-60 times a second: that round trip was
most of the table's ~3 ms a frame. A model that can answer ``cell(row, column)`` with the
text, colour and font of a cell in one call has its cells painted here with one fill (the
alternating row colour) and one drawText. Selected and focused cells, and models without
``cell``, are painted by the standard delegate, so they look exactly as before; sizes (the
columns' fitting) are the standard delegate's too.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

# As plain ints: a flag test on the enums runs Python's enum code, ~3 us each, per cell.
_SPECIAL = (QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus).value
_ENABLED = QStyle.StateFlag.State_Enabled.value
_ALTERNATE = QStyleOptionViewItem.ViewItemFeature.Alternate.value
_CENTER = Qt.AlignmentFlag.AlignCenter
TEXT_MARGIN = 3  # pixels each side, as the item view styles leave (focus frame margin + 1)

Cell = tuple[str, QColor | None, QFont | None]


class TextCellDelegate(QStyledItemDelegate):
    """Centred text cells from ``model.cell(row, column) -> (text, colour or None, font or
    None)``; everything else as QStyledItemDelegate draws it."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        model = index.model()
        cell = getattr(model, "cell", None)
        state = option.state.value
        if cell is None or state & _SPECIAL:
            super().paint(painter, option, index)
            return
        text, color, font = cell(index.row(), index.column())
        rect = option.rect
        palette = option.palette
        group = QPalette.ColorGroup.Normal if state & _ENABLED else QPalette.ColorGroup.Disabled
        if option.features.value & _ALTERNATE:
            painter.fillRect(rect, palette.brush(group, QPalette.ColorRole.AlternateBase))
        if not text:
            return
        painter.save()
        painter.setPen(
            color if color is not None else palette.color(group, QPalette.ColorRole.Text)
        )
        painter.setFont(font if font is not None else option.font)
        painter.drawText(rect.adjusted(TEXT_MARGIN, 0, -TEXT_MARGIN, 0), _CENTER, text)
        painter.restore()
