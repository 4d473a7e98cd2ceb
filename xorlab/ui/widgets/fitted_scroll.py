"""A scroll area for a column of form fields: it scrolls up and down only, and asks its dock or
splitter for the width its content needs, so fields are never cut to "XOR, th"."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QScrollArea, QStyle, QWidget


class ColumnScrollArea(QScrollArea):
    """Vertical scrolling only; the minimum width is the content's plus a scroll bar's."""

    def __init__(self, content: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(content)
        content.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The minimum width below follows the content's, but a layout caches a widget's
        # minimum until the widget says its geometry changed: without this, the dock kept the
        # width of a wider moment of the form (a field's message, a longer preset text) and
        # the window no longer fitted a 1024-pixel screen.
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)

    def minimumSizeHint(self) -> QSize:
        content = self.widget()
        if content is None:
            return super().minimumSizeHint()
        # The scroll bar's room is kept even while it is hidden: a form that grows taller
        # than the dock must not push its fields under the bar.
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        width = content.minimumSizeHint().width() + bar + 2 * self.frameWidth()
        return QSize(width, super().minimumSizeHint().height())
