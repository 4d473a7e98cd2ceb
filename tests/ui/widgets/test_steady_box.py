"""A label's text changes lay out the window again only when the text needs more room."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from xorlab.ui.widgets.steady_box import SteadyBox


class LayoutRequests(QObject):
    """Counts the layout requests a widget receives (its layout is redone on each)."""

    def __init__(self, widget: QWidget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def settle() -> None:
    """Deliver the posted layout requests, and the ones they post in turn."""
    for _ in range(3):
        QApplication.sendPostedEvents()


def shown_row(qtbot, label: QLabel) -> tuple[QWidget, SteadyBox]:
    window = QWidget()
    row = QHBoxLayout(window)
    box = SteadyBox(label)
    row.addWidget(QLabel("left"))
    row.addWidget(box)
    row.addStretch(1)
    qtbot.addWidget(window)
    window.resize(600, 60)
    window.show()
    qtbot.waitExposed(window)
    settle()
    return window, box


def test_a_new_text_that_fits_repaints_without_a_layout_pass(qtbot):
    label = QLabel("Epoch 1,000 of 60,000")
    window, box = shown_row(qtbot, label)
    requests = LayoutRequests(window)
    relayouts = box.relayouts
    for epoch in range(1001, 1021):
        label.setText(f"Epoch {epoch:,} of 60,000")  # as wide as before: digits are
        settle()
    assert label.text() == "Epoch 1,020 of 60,000"
    assert box.relayouts == relayouts
    assert requests.count == 0  # the window's layout was never redone
    label.setText("Epoch 999")  # narrower: the room is kept, nothing beside it moves
    settle()
    assert box.relayouts == relayouts and requests.count == 0
    assert label.width() == box.width()  # the label still fills its box


def test_a_wider_text_gets_room_and_an_empty_one_gives_it_back(qtbot):
    label = QLabel("cost 0.5")
    window, box = shown_row(qtbot, label)
    narrow = box.sizeHint().width()
    label.setText("cost 0.028419013712345 and a good deal more text")
    settle()
    assert box.relayouts == 1
    assert box.sizeHint().width() > narrow
    assert label.width() >= label.sizeHint().width()  # laid out to its new room: not cut
    label.setText("")
    settle()
    assert box.relayouts == 2
    assert box.sizeHint().width() < narrow


def test_a_wrapped_label_asks_for_room_when_it_needs_another_line(qtbot):
    window = QWidget()
    column = QVBoxLayout(window)
    label = QLabel("Accuracy: 400 of 512 right (78.1%)")
    label.setWordWrap(True)
    box = SteadyBox(label)
    column.addWidget(box)
    column.addStretch(1)
    qtbot.addWidget(window)
    window.resize(220, 200)
    window.show()
    qtbot.waitExposed(window)
    settle()
    one_line = box.height()
    label.setText("Accuracy: 401 of 512 right (78.3%)")  # the same lines
    settle()
    assert box.relayouts == 0
    label.setText("Training accuracy: 401 of 512 right (78.3%); test accuracy: 90 of 128 right")
    settle()
    assert box.relayouts == 1
    assert box.height() > one_line
    assert box.height() >= label.heightForWidth(box.width())  # every line shows


def test_a_text_that_differs_only_in_digits_is_not_measured_again(qtbot):
    """Measuring lays the text out; a new epoch or cost only changes digits, which are
    as wide as each other: the box keeps the room it measured, and measures again for any
    other change (a longer number, other words)."""
    label = QLabel("Epoch 1,000 of 60,000")
    window, box = shown_row(qtbot, label)
    measured: list[str] = []
    size_hint = label.sizeHint

    def counted():
        measured.append(label.text())
        return size_hint()

    label.sizeHint = counted
    for epoch in range(1001, 1011):
        label.setText(f"Epoch {epoch:,} of 60,000")
        settle()
    assert measured == []  # as "Epoch 1,000 of 60,000", measured when shown
    label.setText("Epoch 10,011 of 60,000")  # one more digit: measured, and given room
    settle()
    assert measured[-1] == "Epoch 10,011 of 60,000"
    assert box.sizeHint().width() >= size_hint().width()
    label.setText("Done at epoch 10,011")
    settle()
    assert measured[-1] == "Done at epoch 10,011" and len(measured) == 2
