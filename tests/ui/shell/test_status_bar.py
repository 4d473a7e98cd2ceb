"""The status bar's messages end in "…" where the permanent labels leave them too little
room (Qt clipped "Compiled in 0.10 s" to "Con" at 1024x700), whole again when room comes."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow

from xorlab.ui.shell.status_bar import MESSAGE_MARGIN, TrainingStatusBar

MESSAGE = "Compiled in 0.10 s; the fused loop follows in the background"


def shown_bar(qtbot) -> tuple[QMainWindow, TrainingStatusBar]:
    """A status bar in a shown window 1,400 pixels wide."""
    window = QMainWindow()
    bar = TrainingStatusBar()
    window.setStatusBar(bar)
    qtbot.addWidget(window)
    window.resize(1400, 200)
    window.show()
    qtbot.waitExposed(window)
    return window, bar


def test_a_message_is_elided_to_its_room_and_whole_again_when_the_bar_widens(qtbot):
    window, bar = shown_bar(qtbot)
    bar.set_progress(47_824, 1_600_000_000, 48_300.0)
    bar.showMessage(MESSAGE, 60_000)
    qtbot.waitUntil(lambda: bar.currentMessage() == MESSAGE)
    assert bar.toolTip() == ""

    window.resize(600, 200)  # the labels take most of it: the message must not be clipped

    def elided() -> bool:
        room = bar.state_label.geometry().left() - MESSAGE_MARGIN
        shown = bar.currentMessage()
        return shown.endswith("…") and bar.fontMetrics().horizontalAdvance(shown) <= room

    qtbot.waitUntil(elided)
    assert MESSAGE.startswith(bar.currentMessage()[:-1])
    assert bar.toolTip() == MESSAGE and bar.message_text == MESSAGE

    window.resize(1400, 200)
    qtbot.waitUntil(lambda: bar.currentMessage() == MESSAGE)
    assert bar.toolTip() == ""


def test_a_cleared_message_is_not_brought_back_by_a_resize(qtbot):
    window, bar = shown_bar(qtbot)
    bar.showMessage(MESSAGE)
    bar.clearMessage()
    window.resize(700, 200)
    qtbot.wait(20)
    assert bar.currentMessage() == ""
    bar.showMessage("Saved run.json", 5_000)  # a new message after a cleared one shows
    assert bar.currentMessage() == "Saved run.json"
