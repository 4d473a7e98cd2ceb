"""A one-line label that takes its text's width when there is room and ends in "…" when
there is not, so a status line never holds the window wider than a laptop's screen."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel

MIN_CHARS = 4  # "Ep…" still says something


class SqueezeLabel(QLabel):
    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        width = self.fontMetrics().averageCharWidth() * MIN_CHARS
        return QSize(min(hint.width(), width), hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.fontMetrics().horizontalAdvance(self.text()) <= self.contentsRect().width():
            super().paintEvent(event)  # it fits: the label's own painting, style sheet and all
            return
        painter = QPainter(self)
        text = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width()
        )
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(self.contentsRect(), int(self.alignment()), text)
