"""The time-travel slider keeps its range and value with every stored snapshot, and repaints
only when its handle moves on screen."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication

from xorlab.ui.training.timeline_bar import SteadySlider


class Paints(QObject):
    def __init__(self, widget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, _watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_a_growing_range_with_the_handle_at_its_end_repaints_nothing(qtbot):
    slider = SteadySlider(Qt.Orientation.Horizontal)
    qtbot.addWidget(slider)
    slider.resize(300, 24)
    slider.set_range_and_value(9, 9)
    slider.show()
    qtbot.waitExposed(slider)
    QApplication.processEvents()
    slider.repaint()  # drawn once, handle at the end
    paints = Paints(slider)
    for n in range(11, 2000, 7):  # live: each stored snapshot, the newest shown
        slider.set_range_and_value(n - 1, n - 1)
        QApplication.processEvents()
    assert (slider.minimum(), slider.maximum(), slider.value()) == (0, 1998, 1998)
    assert paints.count == 0  # the handle stayed at the right end
    slider.setValue(200)  # a replayed epoch: the handle moves, and is drawn there
    QApplication.processEvents()
    assert paints.count >= 1
    moved = paints.count
    slider.setValue(201)  # a step of less than a pixel: the same picture
    QApplication.processEvents()
    slider.setValue(1200)
    QApplication.processEvents()
    assert paints.count == moved + 1
