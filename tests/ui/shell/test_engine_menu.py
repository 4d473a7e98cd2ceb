"""Train > Engine: the worker compiles with the chosen strategy and still trains to the
tutorial's numbers; the status bar names the engine; the choice is remembered."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from tests.ui.windows import stop, train_to_full_speed, wait_for_state
from xorlab.core.training.engines import jax_available
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer
from xorlab.ui.shell.engine_menu import available_engines
from xorlab.ui.shell.main_window import MainWindow
from xorlab.ui.shell.settings import ENGINE

MINIMAL = preset_spec("xor-minimal")
TUTORIAL_OUTPUTS = [0.921668, 0.117385, 0.921574, 0.048511]
TUTORIAL_COST = 0.0284190137
COMPILE_MS = 60_000  # a cold scan compile takes up to ~20 s alone, more on a loaded machine


@pytest.fixture
def make_window(qtbot, tmp_path):
    windows: list[MainWindow] = []

    def make(spec=MINIMAL, settings_path: str | None = None) -> MainWindow:
        path = settings_path or str(tmp_path / "xorlab.ini")
        window = MainWindow(spec, settings=QSettings(path, QSettings.Format.IniFormat))
        windows.append(window)
        window.show()
        wait_for_state(qtbot, window, "ready", timeout=COMPILE_MS)
        return window

    yield make
    for window in windows:
        window.close()
        assert window.worker.wait(30_000)


def engine_menu_names(window: MainWindow) -> list[str]:
    return [a.objectName() for a in window.engine.menu.actions()]


def test_the_menu_offers_the_engines_this_installation_has(qtbot, make_window):
    window = make_window()
    expected = ["auto", "fused", "scan"] + (["jax"] if jax_available() else [])
    assert available_engines() == expected
    assert engine_menu_names(window) == [f"action.engine.{n}" for n in expected]
    assert window.engine.menu.menuAction() in window.menuBar().actions()[1].menu().actions()
    assert window.engine.actions["auto"].isChecked()
    # xor-minimal is tiny: "auto" compiles the fused loop (from Train on).
    train_to_full_speed(qtbot, window, ("fused",))
    assert window.status.findChild(type(window.engine.label), "status.engine").text() == (
        "full speed (fused, auto)"
    )


def test_the_status_bar_says_warming_up_until_the_fast_loop_takes_over(qtbot, make_window):
    window = make_window()
    # The window's own first compile (xor-minimal) ends first, so its signals are not counted.
    train_to_full_speed(qtbot, window, ("fused",))
    stop(qtbot, window)  # the menu is locked while a run is under way
    label = window.engine.label
    shown: list[str] = []
    window.worker.engine_chosen.connect(lambda _name: shown.append(label.text()))
    window.engine.actions["scan"].trigger()  # a fresh compile: the quick tier first
    train_to_full_speed(qtbot, window, ("scan",))
    assert shown == ["warming up (numpy)", "full speed (scan)"]


def test_choosing_scan_recompiles_and_still_trains_to_the_tutorial_numbers(qtbot, make_window):
    window = make_window()
    states: list[str] = []
    window.worker.state_changed.connect(states.append)
    window.engine.actions["scan"].trigger()
    qtbot.waitUntil(
        lambda: "compiling" in states and window.worker.state == "ready", timeout=COMPILE_MS
    )
    locked: dict[str, bool] = {}
    window.worker.state_changed.connect(
        lambda state: locked.setdefault(state, not window.engine.group.isEnabled())
    )
    window.actions.train.trigger()  # the scan loop compiles from here on
    wait_for_state(qtbot, window, "done", timeout=COMPILE_MS)
    assert locked == {"training": True, "done": False}  # locked while the run trains
    qtbot.waitUntil(lambda: window.engine.chosen == "scan", timeout=COMPILE_MS)
    assert window.engine.label.text() == "full speed (scan)"
    snapshot = window.last_snapshot
    assert snapshot.step == 60_000
    assert snapshot.cost == pytest.approx(TUTORIAL_COST, abs=1e-9)
    np.testing.assert_allclose(snapshot.outputs[:, 0], TUTORIAL_OUTPUTS, atol=5e-7)
    # The same weights as a headless scan trainer: the engine changes speed, not numbers.
    reference = Trainer(MINIMAL, strategy="scan")
    reference.run(60_000)
    for shown, expected in zip(snapshot.weights, reference.get_weights(), strict=True):
        np.testing.assert_allclose(shown, expected, rtol=0, atol=1e-12)
    assert window.status.rate_label.text().endswith("steps/s")


def test_the_choice_is_remembered(qtbot, make_window, tmp_path):
    path = str(tmp_path / "remember.ini")
    first = make_window(settings_path=path)
    first.engine.choose("scan")
    train_to_full_speed(qtbot, first, ("scan",))
    first.close()
    assert QSettings(path, QSettings.Format.IniFormat).value(ENGINE.key) == "scan"
    second = make_window(settings_path=path)
    assert second.engine.requested == "scan"
    train_to_full_speed(qtbot, second, ("scan",))


def test_an_engine_that_cannot_serve_the_network_says_so_and_auto_recovers(qtbot, make_window):
    window = make_window(preset_spec("spiral"))
    window.engine.choose("fused")  # the spiral unrolled is far past the fused loop's limit
    wait_for_state(qtbot, window, "error", timeout=COMPILE_MS)
    assert window.banner.isVisible()
    assert "fused engine cannot train this network" in window.banner.text()
    window.engine.choose("auto")
    wait_for_state(qtbot, window, "ready", timeout=COMPILE_MS)
    train_to_full_speed(qtbot, window, ("scan", "jax"), timeout=COMPILE_MS)


def test_the_backend_flag_picks_the_engine_for_this_session_only(qtbot, make_window, tmp_path):
    from xorlab.cli import build_parser
    from xorlab.ui.shell.automation import Automation

    path = str(tmp_path / "flag.ini")
    window = make_window(settings_path=path)
    args = build_parser().parse_args(["--backend", "scan"])
    Automation(window, args)
    assert window.engine.requested == "scan"
    train_to_full_speed(qtbot, window, ("scan",))
    saved = QSettings(path, QSettings.Format.IniFormat).value(ENGINE.key)
    assert saved == "auto"  # the menu's remembered choice is untouched
