"""A holder that keeps a label's text changes from re-laying out the whole window.

QLabel.setText calls updateGeometry whatever the new text, and that invalidates every layout
from the label's parent up to the main window: the next turn of the event loop lays out the
window again and repaints what moved, ~2-5 ms of the GUI thread per changed label (measured
with bench/gui_breakdown.py and a paused window). While training, several labels change at
every snapshot (the status bar's epoch, cost and speed, the time-travel bar's epoch, the
table's accuracy), so that was most of a frame's layout work.

A SteadyBox holds one label and has no layout of its own, so the label's updateGeometry stops
at the box (Qt posts the box a LayoutRequest, which it answers itself). The box asks its own
layout for room again only when the text needs more than it has: wider than any text it
showed so far, or more lines at the box's width for a word-wrapped label. Its width only
grows (a speed that goes from 9.9 to 10.1 k steps/s does not move its neighbours back and
forth), except that an empty text gives the room back. Most text changes therefore repaint
the label and nothing else.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QWidget

_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")


class SteadyBox(QWidget):
    """Holds ``label`` (re-parented here and kept the size of the box)."""

    def __init__(self, label: QLabel, parent: QWidget | None = None):
        super().__init__(parent)
        self.label = label
        self.relayouts = 0  # how often the box asked its layout for new room (tests count)
        label.setParent(self)
        self.setSizePolicy(label.sizePolicy())
        self._hint = label.sizeHint()
        self._minimum = label.minimumSizeHint()
        self._lines_height = self._height_for(self.width())
        self._measured: tuple[str, str, str, int] | None = None  # see _refit

    def sizeHint(self) -> QSize:
        return self._hint

    def minimumSizeHint(self) -> QSize:
        return self._minimum

    def hasHeightForWidth(self) -> bool:
        return self.label.hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:
        return self.label.heightForWidth(width)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.label.setGeometry(self.rect())
        self._lines_height = self._height_for(self.width())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._refit()  # a hidden box is not told of its label's changes

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self._refit()  # the label's text, font or size policy changed
            return True
        return super().event(event)

    def _height_for(self, width: int) -> int:
        return self.label.heightForWidth(width) if self.label.hasHeightForWidth() else -1

    def _refit(self) -> None:
        label = self.label
        # Measuring a label lays its text out (~0.1-0.3 ms, more when it wraps), and the
        # status labels change at every snapshot, mostly in their digits only. Digits are
        # equally wide in UI fonts (as the truth table's column fitting also relies on), so
        # a text that differs from the last one measured only in its digits, in the same
        # font, style and width, needs exactly the room that one needed.
        measured = (
            label.text().translate(_DIGITS_AS_ZERO),
            label.font().key(),
            label.styleSheet(),
            self.width(),
        )
        if measured == self._measured:
            return
        self._measured = measured
        hint, minimum = label.sizeHint(), label.minimumSizeHint()
        if label.text():  # grow only: neighbours stay put
            hint, minimum = hint.expandedTo(self._hint), minimum.expandedTo(self._minimum)
        lines_height = self._height_for(self.width())
        if hint == self._hint and minimum == self._minimum and lines_height == self._lines_height:
            return  # the text fits the room it has: the label repaints, nothing moves
        self._hint, self._minimum, self._lines_height = hint, minimum, lines_height
        self.relayouts += 1
        self.updateGeometry()
