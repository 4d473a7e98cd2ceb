"""A combo box whose closed box ends a choice too long for it in "…" (its list shows every
choice whole), and whose tooltip then names the choice whole.

A plain QComboBox cuts its text at the frame mid-letter: at 1024x700 and 1366x768 the
Experiment dock's dataset box read "XOR (28-line tutorial orde", with nothing to say that
more was hidden, nor where to read it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QToolTip,
)


class ElidedComboBox(QComboBox):
    def _text_room(self) -> int:
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        return field.width()

    def shown_text(self) -> str:
        """The current choice as the closed box shows it: whole, or ending in "…"."""
        return self.fontMetrics().elidedText(
            self.currentText(), Qt.TextElideMode.ElideRight, self._text_room()
        )

    def is_elided(self) -> bool:
        return self.shown_text() != self.currentText()

    def tip(self) -> str:
        """What hovering shows: the choice whole when the box cuts it, then the box's own
        tooltip (once: a tooltip that names the choice already is left as it is)."""
        own = self.toolTip()
        if not self.is_elided() or own.startswith(self.currentText()):
            return own
        return "\n".join(t for t in (self.currentText(), own) if t)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self.is_elided():
            QToolTip.showText(event.globalPos(), self.tip(), self)
            return True
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.isEditable() or not self.is_elided():
            super().paintEvent(event)  # the box's own painting when nothing is cut
            return
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)
