"""A tab page whose two halves sit side by side where there is room and one above the other
where there is not, scrolling up and down when even that does not fit.

A QTabWidget is as wide as its widest page's minimum, and a QMainWindow as wide as its tab
widget plus its docks: one page whose halves need 1000 pixels side by side pushes the whole
window off a 1024-pixel laptop screen. This page asks for the width of its wider half only.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QScrollArea, QSplitter, QStyle, QWidget

MIN_HEIGHT = 200  # below this the page scrolls up and down


class StackingPage(QScrollArea):
    """Shows ``content`` (which holds ``splitter``) and turns the splitter vertical when the
    page is narrower than the splitter's halves need side by side."""

    def __init__(
        self,
        content: QWidget,
        splitter: QSplitter,
        parent: QWidget | None = None,
        side_by_side_minimum: bool = False,
    ):
        super().__init__(parent)
        # Ask for the halves side by side (a page whose halves are narrow enough for a laptop):
        # the window then makes room, moving a dock into a tab where the screen is short of it,
        # rather than stacking the halves and scrolling the lower one out of sight.
        self.side_by_side_minimum = side_by_side_minimum
        self.setObjectName(f"{content.objectName()}.page")
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.content = content
        self.splitter = splitter
        self.setWidget(content)
        content.installEventFilter(self)

    def side_by_side_width(self) -> int:
        """The content's minimum width with the splitter's halves side by side."""
        halves = [self.splitter.widget(i) for i in range(self.splitter.count())]
        handles = self.splitter.handleWidth() * max(0, len(halves) - 1)
        need = sum(w.minimumSizeHint().width() for w in halves) + handles
        layout = self.content.layout()
        margins = layout.contentsMargins() if layout is not None else None
        return need + (margins.left() + margins.right() if margins else 0)

    def stacked(self) -> bool:
        return self.splitter.orientation() == Qt.Orientation.Vertical

    def stacked_width(self) -> int:
        """The content's minimum width with the halves one above the other: the wider half
        or the widest other row of the content, whichever is wider."""
        halves = [self.splitter.widget(i) for i in range(self.splitter.count())]
        widest = max((w.minimumSizeHint().width() for w in halves), default=0)
        layout = self.content.layout()
        if layout is None:
            return widest
        for i in range(layout.count()):
            item = layout.itemAt(i)
            if item.widget() is not self.splitter:
                widest = max(widest, item.minimumSize().width())
        margins = layout.contentsMargins()
        return widest + margins.left() + margins.right()

    def minimumSizeHint(self) -> QSize:
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        width = self.side_by_side_width() if self.side_by_side_minimum else self.stacked_width()
        return QSize(width + bar, MIN_HEIGHT)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.content and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the content's minimum changed: so did this page's
            QTimer.singleShot(0, self, lambda: self._arrange(self.viewport().width()))
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(event.size().width())
        super().resizeEvent(event)

    def _arrange(self, width: int) -> None:
        want = (
            Qt.Orientation.Horizontal
            if width >= self.side_by_side_width()
            else Qt.Orientation.Vertical
        )
        if self.splitter.orientation() != want:
            self.splitter.setOrientation(want)
            self.updateGeometry()
