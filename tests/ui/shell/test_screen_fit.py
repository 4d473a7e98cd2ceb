"""The window fits a laptop's screen: at 1024x700 and 1366x768 every tab with every
combination of docks stays within the screen, nothing in it is cut off (the window is no
narrower than its layout needs), and the plots keep a readable height."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect

from tests.ui.windows import step
from xorlab.core.training.presets import preset_spec
from xorlab.ui.shell import screen_fit
from xorlab.ui.shell.main_window import TABS_WIDTH

DOCKS = [(False, False), (True, False), (False, True), (True, True)]
PLOT_MIN = 120


@pytest.mark.parametrize("size", [(1024, 700), (1366, 768)])
def test_every_tab_and_dock_combination_fits_the_screen(qtbot, make_window, monkeypatch, size):
    screen = QRect(0, 0, *size)
    monkeypatch.setattr(screen_fit, "available_rect", lambda _window: screen)
    window = make_window(preset_spec("xor-bias"))
    step(qtbot, window)  # the status bar shows its longest texts
    checked = 0
    for tab in window.tab_names():
        window.show_tab(tab)
        for builder, network in DOCKS:
            window.builder_dock.setVisible(builder)
            window.network_views.dock.setVisible(network)
            qtbot.wait(30)  # the fit runs after the layout change
            frame = window.frameGeometry()
            where = f"{tab} with builder={builder} network={network} at {size}"
            assert frame.width() <= size[0] and frame.height() <= size[1], where
            assert window.minimumSizeHint().width() <= window.width(), where
            assert window.network_views.dock.isVisible() == network, where
            if tab == "Training":
                assert window.cost_plot.plot_widget.height() >= PLOT_MIN, where
                assert window.outputs_plot.layout_widget.height() >= PLOT_MIN, where
            if tab == "Expression":
                assert window.expression_tab.f_plot.height() >= PLOT_MIN, where
            checked += 1
    assert checked == len(window.tab_names()) * len(DOCKS) and "Landscape" in window.tab_names()


def test_both_docks_share_a_column_only_where_the_screen_needs_it(qtbot, make_window, monkeypatch):
    screen = QRect(0, 0, 1024, 700)
    monkeypatch.setattr(screen_fit, "available_rect", lambda _window: screen)
    window = make_window(preset_spec("xor-bias"))
    window.builder_dock.show()
    window.network_views.dock.show()
    window.show_tab("Expression")
    qtbot.wait(30)
    assert window.network_views.dock in window.tabifiedDockWidgets(window.builder_dock)
    # A wide screen keeps them side by side.
    wide = QRect(0, 0, 1920, 1080)
    monkeypatch.setattr(screen_fit, "available_rect", lambda _window: wide)
    other = make_window(preset_spec("xor-bias"))
    other.builder_dock.show()
    other.network_views.dock.show()
    other.show_tab("Expression")
    qtbot.wait(30)
    assert other.network_views.dock not in other.tabifiedDockWidgets(other.builder_dock)
    assert other.frameGeometry().width() <= 1920


def test_a_first_start_at_1366_leaves_the_tabs_their_room_beside_both_docks(
    qtbot, make_window, monkeypatch
):
    # With both docks at their own widths (360 and 400) the Training tab had 524 pixels: its
    # tab bar scrolled and the decision map's colour bar was cut.
    screen = QRect(0, 0, 1366, 768)
    monkeypatch.setattr(screen_fit, "available_rect", lambda _window: screen)
    window = make_window(preset_spec("xor-minimal"))
    qtbot.wait(30)
    assert window.builder_dock.isVisible() and window.network_views.dock.isVisible()
    assert window.network_views.dock not in window.tabifiedDockWidgets(window.builder_dock)
    assert window.tabs.width() >= TABS_WIDTH - 40  # less margins and the docks' separators
    assert window.tabs.tabBar().sizeHint().width() <= window.tabs.width()
