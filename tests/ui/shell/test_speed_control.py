"""Train > Speed and the toolbar's speed box: one choice, remembered, driving the worker."""

from __future__ import annotations

import argparse
import time

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox

from tests.ui.windows import wait_for_state
from xorlab.app.speed_limit import SPEEDS
from xorlab.core.training.presets import preset_spec
from xorlab.ui.shell.automation import Automation
from xorlab.ui.shell.settings import SPEED

MINIMAL = preset_spec("xor-minimal")
KEYS = [key for key, _rate, _text in SPEEDS]


def checked(window) -> str:
    return window.speed.group.checkedAction().objectName().removeprefix("action.speed.")


def test_the_toolbar_box_and_the_menu_show_one_choice_and_it_is_remembered(
    qtbot, make_window, tmp_path
):
    window = make_window(MINIMAL)
    combo = window.toolbar.findChild(QComboBox, "speed_combo")
    assert combo is window.speed.combo and combo.toolTip()
    assert window.speed.menu.menuAction() in window.menuBar().actions()[1].menu().actions()
    assert window.speed.key == "full" and checked(window) == "full"

    combo.setCurrentIndex(KEYS.index("100"))
    combo.activated.emit(KEYS.index("100"))  # what a click on the item sends
    assert window.speed.key == "100" and checked(window) == "100"
    window.speed.actions["10"].trigger()
    assert combo.currentData() == "10" and window.speed.rate == 10.0
    assert not window.speed.slower_action.isEnabled()  # 10 steps/s is the slowest

    window.speed.faster_action.trigger()
    assert window.speed.key == "100" and window.speed.slower_action.isEnabled()
    for _ in KEYS:
        window.speed.faster_action.trigger()
    assert window.speed.key == "full" and not window.speed.faster_action.isEnabled()
    window.speed.slower_action.trigger()
    assert window.speed.key == "10000"
    assert window.speed.slower_action.shortcut().toString() == "Ctrl+["
    assert window.speed.faster_action.shortcut().toString() == "Ctrl+]"
    window.show_shortcuts()
    assert "Ctrl+[" in window._shortcuts_dialog.table.text()

    again = make_window(MINIMAL)
    assert again.speed.key == "10000" and again.speed.combo.currentData() == "10000"


def test_a_capped_window_trains_slowly_then_at_full_speed_on_request(qtbot, make_window):
    window = make_window(MINIMAL)
    window.speed.choose("100")
    started = time.perf_counter()
    window.actions.train.trigger()
    qtbot.waitUntil(lambda: window.last_snapshot.step >= 5, timeout=10_000)
    qtbot.wait(100)
    assert window.worker.state == "training"
    assert window.last_snapshot.step <= 1 + 100 * (time.perf_counter() - started)
    qtbot.keyClick(window, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
    assert window.speed.key == "1000"
    window.speed.choose("full")
    wait_for_state(qtbot, window, "done")
    assert window.last_snapshot.step == 60_000


def test_an_unknown_saved_speed_falls_back_to_full(make_window, tmp_path):
    path = str(tmp_path / "odd.ini")
    settings = QSettings(path, QSettings.Format.IniFormat)
    settings.setValue(SPEED.key, "warp 9")
    settings.sync()
    window = make_window(MINIMAL, settings_path=path)
    assert window.speed.key == "full"


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"speed": "100"}, "100"),  # --speed wins
        ({"quit_when_done": True}, "full"),  # a script must not inherit a person's slow speed
        ({"quit_when_done": True, "speed": "1000"}, "1000"),
        ({}, "10"),  # otherwise the saved choice stands
    ],
)
def test_command_line_speed(make_window, tmp_path, flags, expected):
    path = str(tmp_path / "saved.ini")
    settings = QSettings(path, QSettings.Format.IniFormat)
    settings.setValue(SPEED.key, "10")
    settings.sync()
    window = make_window(MINIMAL, settings_path=path)
    Automation(window, argparse.Namespace(**flags))
    assert window.speed.key == expected
    # A flag is for this session only: the saved choice is still the person's.
    assert QSettings(path, QSettings.Format.IniFormat).value(SPEED.key) == "10"
