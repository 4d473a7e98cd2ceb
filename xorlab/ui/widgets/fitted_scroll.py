"""A scroll area for a column of form fields: it scrolls up and down only, and asks its dock or
splitter for the width its content needs, so fields are never cut to "XOR, th"."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QScrollArea, QStyle, QWidget


class ColumnScrollArea(QScrollArea):
    """Vertical scrolling only; the minimum width is the content's plus a scroll bar's."""

    def __init__(self, content: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(content)

    def minimumSizeHint(self) -> QSize:
        content = self.widget()
        if content is None:
            return super().minimumSizeHint()
        # The scroll bar's room is kept even while it is hidden: a form that grows taller
        # than the dock must not push its fields under the bar.
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        width = content.minimumSizeHint().width() + bar + 2 * self.frameWidth()
        return QSize(width, super().minimumSizeHint().height())
