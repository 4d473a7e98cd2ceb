"""A frame as tall as its wrapped text needs at its width.

Qt's layouts size a widget by its minimum height at no particular width, so a splitter can give
a panel of word-wrapped labels less height than its text takes once wrapped: its last lines
were cut (the Expression tab's values at 1024x700). This frame asks, as its minimum height, its
layout's height for the width it has, again whenever its width or its labels' text changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QSplitter


class WrappedFrame(QFrame):
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_height()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:  # a label's text changed
            self.fit_height()
        return handled

    def fit_height(self) -> None:
        layout = self.layout()
        if layout is None or not layout.hasHeightForWidth():
            return
        need = layout.totalHeightForWidth(self.width())
        if need != self.minimumHeight():
            self.setMinimumHeight(need)
        splitter = self.parentWidget()
        if isinstance(splitter, QSplitter) and self.height() < need:
            # A splitter applies a child's new minimum only at its next resize: now.
            splitter.refresh()
