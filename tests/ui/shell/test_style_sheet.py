"""What the app's style sheet (resources/style.qss) gives the window's parts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow

from xorlab.ui.shell.application import style_sheet


def test_both_docks_have_the_same_bold_title(qtbot):
    """The Experiment dock's title was bold on a grey bar, the Network dock's plain text."""
    host = QMainWindow()
    qtbot.addWidget(host)
    host.setCentralWidget(QLabel("plots"))
    docks = []
    for name in ("builder_dock", "network_dock"):
        dock = QDockWidget(name, host)
        dock.setObjectName(name)
        dock.setWidget(QLabel("content"))
        host.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        docks.append(dock)
    host.setStyleSheet(style_sheet())
    host.show()
    qtbot.waitExposed(host)
    weights = [dock.font().weight() for dock in docks]
    assert weights == [QFont.Weight.DemiBold, QFont.Weight.DemiBold]
    assert docks[0].widget().font().weight() == QFont.Weight.Normal  # only the title
