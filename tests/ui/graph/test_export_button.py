"""The Graph tab's Export button: its arrow is part of its text, with room of its own; the
style's menu indicator was drawn over the "t" of "Export" (seen at every screen size)."""

from __future__ import annotations

from xorlab.ui.graph.tab import STYLE, GraphTab


def test_the_export_arrow_is_in_the_text_and_the_corner_indicator_is_hidden(qtbot):
    tab = GraphTab()
    qtbot.addWidget(tab)
    button = tab.export_button
    assert button.text().endswith("▾") and button.menu() is not None
    assert "QToolButton#graph\\.export::menu-indicator { image: none" in STYLE
    assert button.sizeHint().width() > button.fontMetrics().horizontalAdvance(button.text())
