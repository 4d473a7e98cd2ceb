"""The column scroll area asks its parent for its content's width as that width changes."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from xorlab.ui.widgets.fitted_scroll import ColumnScrollArea


def test_the_parents_minimum_follows_the_content_when_it_narrows(qtbot):
    content = QWidget()
    column = QVBoxLayout(content)
    wide = QLabel("a very wide message that a field shows for a moment " * 2)
    column.addWidget(QLabel("narrow"))
    column.addWidget(wide)
    parent = QWidget()
    QVBoxLayout(parent).addWidget(ColumnScrollArea(content))
    qtbot.addWidget(parent)
    parent.show()
    qtbot.wait(10)
    with_message = parent.minimumSizeHint().width()
    wide.hide()
    qtbot.wait(10)  # the layout request is posted
    # Layouts cache a widget's minimum until it says its geometry changed; before, the parent
    # kept the width of the wider moment and a dock no longer fitted a small screen.
    assert parent.minimumSizeHint().width() < with_message - 100
