"""The Expression tab on a laptop's screen: at 1024x700 and 1366x768, with any docks shown,
its plots sit beside its graph, the graph is in view without scrolling, and the window stays
within the screen (round 10: the page stacked its halves, the graph was below the fold, and at
1366 the tab widened the window to ~1319 px)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt

from xorlab.core.training.presets import preset_spec
from xorlab.ui.expression.tab import ExpressionTab
from xorlab.ui.shell import screen_fit

WAIT_MS = 60_000
DOCKS = [(True, False), (False, True), (True, True), (False, False)]


@pytest.fixture
def tab(qtbot):
    tab = ExpressionTab()
    qtbot.addWidget(tab)
    yield tab
    assert tab.shutdown(WAIT_MS)


@pytest.mark.parametrize("size", [(1024, 700), (1366, 768)])
def test_the_graph_is_in_view_beside_the_plots(qtbot, make_window, monkeypatch, size):
    screen = QRect(0, 0, *size)
    monkeypatch.setattr(screen_fit, "available_rect", lambda _window: screen)
    window = make_window(preset_spec("xor-minimal"))
    window.show_tab("Expression")
    tab = window.expression_tab
    page = window.tabs.currentWidget()
    for builder, network in DOCKS:
        window.builder_dock.setVisible(builder)
        window.network_views.dock.setVisible(network)
        qtbot.wait(30)  # the fit runs after the layout change (no timing asserted)
        where = f"builder={builder} network={network} at {size}"
        frame = window.frameGeometry()
        assert frame.width() <= size[0] and frame.height() <= size[1], where
        assert window.minimumSizeHint().width() <= size[0], where
        assert tab.splitter.orientation() == Qt.Orientation.Horizontal, where
        assert page.verticalScrollBar().maximum() == 0, where  # nothing below the fold
        canvas = tab.canvas
        top_left = canvas.mapTo(page.viewport(), QPoint(0, 0))
        shown = QRect(top_left, canvas.size())
        assert page.viewport().rect().contains(shown), (where, shown)
        assert canvas.height() >= 150 and canvas.width() >= 250, where
        assert tab.f_plot.height() >= 100 and tab.df_plot.height() >= 100, where


def test_the_halves_fit_half_a_small_window(qtbot, tab):
    """The page's side-by-side minimum leaves room for the Experiment dock at 1024 px."""
    from xorlab.ui.widgets.stacking_page import StackingPage

    page = StackingPage(tab, tab.splitter, side_by_side_minimum=True)
    qtbot.addWidget(page)
    assert page.minimumSizeHint().width() <= 680
    # A status or range message never widens it: it ends in "…", whole in its tooltip.
    tab.status.setText("Still showing f(x) = " + "x+" * 300 + "x, the last expression that worked.")
    tab.range_error.setText("The plot range needs from < to; showing the last range.")
    tab.range_error.show()
    assert page.minimumSizeHint().width() <= 680
    page.takeWidget()  # the fixture's tab outlives the page


def test_the_graph_bar_takes_two_rows_where_one_does_not_fit(qtbot, tab):
    bar = tab.graph_bar
    assert bar.minimumSizeHint().width() < bar.one_row_width()
    tab.graph_stats.setText("1894 ops, 2196 values")  # the summary of a long expression
    for width, one_row in ((1700, True), (640, False), (1700, True)):
        tab.resize(width, 700)
        tab.show()
        qtbot.waitUntil(lambda r=one_row: bar.one_row == r)  # laid out at this width
        qtbot.wait(10)
        save = tab.save_button.geometry()
        assert bar.rect().contains(save)  # nothing pushed past the edge
        parts = tab.part_group.buttons()[0]
        stages = tab.stage_group.buttons()[0]
        same_row = parts.mapTo(bar, QPoint()).y() == stages.mapTo(bar, QPoint()).y()
        assert same_row == one_row, width
        assert not tab.graph_stats.is_elided(), width  # whole, on a row of its own if need be


def test_wrapped_values_are_shown_whole_at_a_narrow_width(qtbot, tab):
    tab.resize(640, 560)
    with qtbot.waitSignal(tab.result_shown, timeout=WAIT_MS):
        tab.show()
    qtbot.waitUntil(lambda: not tab.busy(), timeout=WAIT_MS)
    qtbot.wait(20)
    for label in (tab.f_value, tab.df_value, tab.fd_value, tab.diff_value):
        assert label.height() >= label.heightForWidth(label.width()), label.objectName()
        assert label.geometry().bottom() <= label.parentWidget().contentsRect().bottom()
    assert "relative" in tab.diff_value.text()  # wraps here: "3.17e-11 (relative / 7.3e-12)"
    # A longer value later (no resize in between) still shows whole: the splitter makes room.
    label = tab.diff_value
    label.setText("— (underflow: no check here) " * 3)
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()), timeout=2000)
    assert label.geometry().bottom() <= label.parentWidget().contentsRect().bottom()
