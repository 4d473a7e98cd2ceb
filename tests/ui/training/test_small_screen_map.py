"""The decision map keeps a usable height on a 1024x700 screen: the regression preset's
"Predicted value" map was ~80 pixels tall with the Network dock open (its caption wrapped into
four lines beside the "Show test data" box)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect

from tests.ui.windows import step
from xorlab.core.training.presets import preset_spec
from xorlab.ui.shell import screen_fit

MAP_MIN_HEIGHT = 120  # pixels of the map itself at 1024x700, offscreen (main: 96 and 110)


@pytest.mark.parametrize("network_dock", [False, True])
def test_the_predicted_value_map_keeps_its_height(qtbot, make_window, monkeypatch, network_dock):
    screen = QRect(0, 0, 1024, 700)
    monkeypatch.setattr(screen_fit, "available_rect", lambda _window: screen)
    window = make_window(preset_spec("regression"))
    window.network_views.dock.setVisible(network_dock)
    step(qtbot, window)  # the map and the table show the first epoch
    qtbot.wait(30)  # the fit runs after the layout change (no timing asserted)
    boundary = window.boundary
    assert boundary.title.text() == "Predicted value" and boundary.show_test_box.isVisible()
    assert boundary.plot_item.getViewBox().height() >= MAP_MIN_HEIGHT
    # The caption is whole, under the map and inside the panel.
    caption = boundary.caption
    assert caption.height() >= caption.heightForWidth(caption.width())
    assert caption.geometry().top() >= boundary.plot_widget.geometry().bottom()
