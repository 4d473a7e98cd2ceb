"""The main window driven as a person would: actions, fields, closing; numbers from the engine."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLabel

from tests.ui.oracle import assert_weights_equal, reference_weights
from tests.ui.windows import step as step_epochs
from tests.ui.windows import train_to_full_speed, wait_for_state
from xorlab.app.selection import SelectionRef
from xorlab.app.trainer_jobs import TrainerJob
from xorlab.core.training import model
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.spec import MAX_EPOCHS
from xorlab.ui.runtime import gui_gc, training_session
from xorlab.ui.runtime.background import running_background_threads
from xorlab.ui.shell import settings as saved
from xorlab.ui.shell.help_dialogs import menu_actions
from xorlab.ui.shell.main_window import MainWindow

MINIMAL = preset_spec("xor-minimal")
ENDLESS = MINIMAL.with_changes(training={"epochs": MAX_EPOCHS})
TUTORIAL_OUTPUTS = [0.921668, 0.117385, 0.921574, 0.048511]
TUTORIAL_COST = 0.0284190137


@pytest.fixture
def settings_file(tmp_path):
    return str(tmp_path / "xorlab.ini")


@pytest.fixture
def make_window(qtbot, settings_file):
    windows: list[MainWindow] = []

    def make(spec=MINIMAL, path: str | None = None, wait_until: str | None = "ready"):
        settings = QSettings(path or settings_file, QSettings.Format.IniFormat)
        window = MainWindow(spec, settings=settings)
        windows.append(window)
        window.show()
        if wait_until:
            wait_for_state(qtbot, window, wait_until)
        return window

    yield make
    for window in windows:
        window.close()
        assert window.worker.wait(30_000)


def set_field(qtbot, window: MainWindow, path: str, text: str) -> None:
    editor = window.builder.field_editor(path)
    editor.selectAll()
    qtbot.keyClicks(editor, text)


def test_the_windows_parts_bind_to_its_one_lab_state(qtbot, make_window):
    window = make_window()
    state = window.state
    assert state.spec == window.builder.spec() == window.spec == MINIMAL
    assert state.run_state == window.worker.state == "ready" and not state.modified
    assert window.replay.state is state and window.network_views.bus.state is state
    step_epochs(qtbot, window, 2)
    # The replay writes the newest snapshot; the status bar and "modified" follow it.
    assert state.latest is window.last_snapshot is window.replay.latest
    assert state.latest.step == 2 and state.shown is state.latest
    assert window.status.cost_label.text() == f"cost {state.latest.cost:.10g}"
    assert state.modified and window.isWindowModified()
    assert state.run_state == window.worker.state and window.actions.step.isEnabled()
    # The diagram's selection is the state's, and one set in the state reaches the diagram.
    window.network_views.diagram.select(SelectionRef.weight(0, 1, 0))
    assert state.selection == SelectionRef.weight(0, 1, 0)
    state.selection = SelectionRef.matrix(1)
    assert window.network_views.diagram.selection == SelectionRef.matrix(1)
    # Time travel writes the replayed snapshot.
    assert len(window.replay.timeline) >= 2
    window.replay.show_index(0)
    assert state.replayed is window.replay.timeline[0] is state.shown
    assert state.latest.step == 2 and state.is_replaying


def test_training_the_tutorial_shows_the_tutorial_numbers(qtbot, make_window):
    window = make_window()
    actions = window.actions
    assert actions.train.isEnabled() and not actions.stop.isEnabled()
    actions.train.trigger()
    wait_for_state(qtbot, window, "done")

    snapshot = window.last_snapshot
    assert snapshot.step == 60_000
    assert snapshot.cost == pytest.approx(TUTORIAL_COST, abs=1e-9)
    status = window.status
    assert status.state_label.text() == "Done"
    shown_cost = float(status.cost_label.text().removeprefix("cost "))
    assert shown_cost == pytest.approx(TUTORIAL_COST, abs=1e-9)
    assert status.epoch_label.text() == "Epoch 60,000 of 60,000"
    assert status.progress_bar.value() == status.progress_bar.maximum()

    table = window.truth_table.model
    np.testing.assert_allclose(table.outputs[:, 0], TUTORIAL_OUTPUTS, atol=5e-7)
    shown = [table.data(table.index(row, 3)) for row in range(4)]
    assert shown == [f"{v:.4f}" for v in TUTORIAL_OUTPUTS]
    epochs, costs = window.cost_plot.curve.xData, window.cost_plot.curve.yData
    assert epochs[0] == 0 and epochs[-1] >= 59_000 and costs[0] > costs[-1]
    # Train again after Done: a fresh run from the initial weights.
    assert actions.train.isEnabled() and actions.reset.isEnabled()


def test_pause_resume_step_stop_and_reset(qtbot, make_window, reference):
    window = make_window(ENDLESS)
    actions = window.actions
    actions.train.trigger()
    qtbot.waitUntil(lambda: window.last_snapshot is not None and window.last_snapshot.step > 0)
    assert window.builder.field_editor("training.learning_rate").isEnabled()
    assert not window.builder.field_editor("network.seed").isEnabled()
    assert actions.pause_resume.text() == "&Pause" and actions.stop.isEnabled()

    actions.pause_resume.trigger()
    wait_for_state(qtbot, window, "paused")
    assert actions.pause_resume.text() == "Res&ume" and actions.step.isEnabled()
    paused_at = window.last_snapshot.step
    qtbot.wait(60)
    assert window.last_snapshot.step == paused_at
    assert_weights_equal(
        window.last_snapshot.weights, reference_weights(reference, (paused_at, 0.01))
    )

    # The learning rate can change while paused (or training) and applies at the next step.
    set_field(qtbot, window, "training.learning_rate", "0.5")
    actions.step.trigger()
    qtbot.waitUntil(lambda: window.last_snapshot.step == paused_at + 1)
    expected = reference_weights(reference, (paused_at, 0.01), (1, 0.5))
    assert_weights_equal(window.last_snapshot.weights, expected)

    actions.pause_resume.trigger()
    wait_for_state(qtbot, window, "training")
    actions.stop.trigger()
    wait_for_state(qtbot, window, "stopped")
    assert actions.train.isEnabled() and not actions.step.isEnabled()
    assert window.builder.field_editor("network.seed").isEnabled()

    actions.reset.trigger()
    wait_for_state(qtbot, window, "ready")
    assert window.last_snapshot.step == 0
    assert_weights_equal(window.last_snapshot.weights, model.init_weights(ENDLESS.network, 2, 1))
    assert window.status.progress_bar.value() == 0
    assert window.cost_plot.curve.xData is None or window.cost_plot.curve.xData.size <= 1


def test_an_invalid_field_disables_train_until_fixed(qtbot, make_window):
    window = make_window()
    assert window.actions.train.isEnabled()
    set_field(qtbot, window, "training.learning_rate", "fast")
    assert not window.builder.is_valid()
    assert not window.actions.train.isEnabled() and not window.actions.step.isEnabled()
    assert window.spec == MINIMAL  # the last valid spec stays in force
    set_field(qtbot, window, "training.learning_rate", "0.01")
    assert window.actions.train.isEnabled()


@pytest.fixture
def slow_compile(monkeypatch):
    """Compiles take half a second longer: a warm cache compiles XOR faster than a test can
    look, so 'while compiling' needs a window it can be sure to hit."""
    started = threading.Event()
    original = training_session.compile_steps

    def slow(trainer, grid):
        def pause() -> None:
            started.set()
            time.sleep(0.5)

        return [pause, *original(trainer, grid)]

    monkeypatch.setattr(training_session, "compile_steps", slow)
    return started


def test_train_is_disabled_while_compiling(qtbot, make_window, slow_compile):
    window = make_window(MINIMAL.with_changes(network={"seed": 4321}), wait_until=None)
    qtbot.waitUntil(lambda: window.worker.state == "compiling")
    assert not window.actions.train.isEnabled()
    assert window.status.state_label.text() == "Compiling…"
    wait_for_state(qtbot, window, "ready")
    assert window.actions.train.isEnabled()


@pytest.mark.parametrize("moment", ["compiling", "training"])
def test_closing_leaves_no_thread_running(qtbot, make_window, slow_compile, moment):
    spec = ENDLESS.with_changes(network={"seed": 555 if moment == "compiling" else 1234})
    window = make_window(spec, wait_until=None)
    if moment == "compiling":
        qtbot.waitUntil(slow_compile.is_set)
        qtbot.waitUntil(lambda: window.worker.state == "compiling")
    else:
        wait_for_state(qtbot, window, "ready")
        window.actions.train.trigger()
        qtbot.waitUntil(lambda: window.last_snapshot is not None and window.last_snapshot.step > 0)
    window.close()
    assert not window.isVisible()  # hidden at once, even if a compile step must finish
    qtbot.waitUntil(lambda: not window.worker.is_running(), timeout=30_000)


def test_closing_ends_the_expression_tabs_layout_thread(qtbot, make_window):
    window = make_window(MINIMAL)
    window.show_tab("expression")
    # A complete answer has laid out its graph on the lab's layout thread.
    qtbot.waitUntil(lambda: window.expression_tab.result is not None, timeout=60_000)

    def layout_threads() -> list[threading.Thread]:
        return [
            t
            for t in threading.enumerate()
            if t.name.startswith("xorlab-expression-layout") and t.is_alive()
        ]

    assert layout_threads()
    window.close()
    qtbot.waitUntil(lambda: not window.worker.is_running(), timeout=30_000)
    qtbot.waitUntil(lambda: not layout_threads(), timeout=30_000)


def test_stop_threads_waits_for_every_threads_job_in_progress(make_window):
    # What run_app does once the event loop has returned: before, it waited for the worker
    # only, and a process leaving with the diagram's thread mid-job was aborted by Qt.
    window = make_window(MINIMAL)
    started, release = threading.Event(), threading.Event()

    def job() -> bool:
        started.set()
        return release.wait(30)

    runner = window.network_views.runner
    runner.submit("slow", job)
    assert started.wait(30)
    threading.Timer(0.05, release.set).start()
    window.stop_threads()
    assert release.is_set()  # it waited for the job, not just asked
    assert not runner.is_running()
    assert not window.worker.is_running()
    assert not running_background_threads()


def test_a_huge_learning_rate_diverges_with_a_message_not_a_dialog(qtbot, make_window):
    window = make_window(MINIMAL.with_changes(training={"learning_rate": 1e6}))
    window.actions.train.trigger()
    wait_for_state(qtbot, window, "diverged")
    assert window.banner.isVisible() and window.banner.kind == "warning"
    title = window.banner.title()
    assert title.startswith("Training diverged at step ") and title.endswith(".")
    assert "1e+06" in window.banner.text()
    assert "diverged" not in window.banner.text()  # said once, not "diverged. training diverged"
    assert window.status.state_label.text() == "Diverged"
    assert QApplication.activeModalWidget() is None
    assert all(np.isfinite(w).all() for w in window.last_snapshot.weights)
    # Lower the rate and carry on: the banner goes when training runs again.
    set_field(qtbot, window, "training.learning_rate", "0.01")
    window.actions.train.trigger()
    wait_for_state(qtbot, window, "done")
    assert not window.banner.isVisible()


def test_settings_round_trip(qtbot, make_window, settings_file):
    spec = MINIMAL.with_changes(training={"learning_rate": 0.25, "epochs": 1234})
    first = make_window(spec)
    # Within the offscreen screen (800 x 800): narrower than the Experiment panel's readable
    # width beside the tabs, so the panel is closed (and stays closed).
    first.builder_dock.hide()
    qtbot.waitUntil(lambda: first.minimumWidth() <= 720)  # the layout has let go of it
    first.resize(720, 610)
    first.log_cost_action.setChecked(True)
    assert first.cost_plot.is_log_y()
    first.close()
    qtbot.waitUntil(lambda: not first.worker.is_running())

    second = make_window(spec=None)
    assert second.spec == spec
    assert second.log_cost_action.isChecked() and second.cost_plot.is_log_y()
    assert (second.width(), second.height()) == (720, 610)
    assert not second.builder_dock.isVisible()


def test_broken_settings_fall_back_to_defaults(qtbot, make_window, tmp_path):
    path = tmp_path / "broken.ini"
    path.write_text(
        "[experiment]\nlast_spec={not json\n[window]\ngeometry=12\nstate=@ByteArray(zz)\n"
        "[view]\nlog_cost=maybe\ntab=3\n[splitters]\nsplitter.top=@Invalid()\n",
        encoding="utf-8",
    )
    window = make_window(spec=None, path=str(path))
    assert window.spec == MINIMAL
    assert not window.log_cost_action.isChecked()


def test_unwritable_settings_do_not_crash(qtbot, make_window, tmp_path):
    folder = tmp_path / "a_folder_not_a_file"
    folder.mkdir()
    window = make_window(spec=None, path=str(folder))
    assert window.spec == MINIMAL
    assert window.save_settings() is False  # reported in the log, nothing raised


def test_saved_spec_that_is_no_longer_valid_is_ignored(make_window, settings_file):
    settings = QSettings(settings_file, QSettings.Format.IniFormat)
    bad = MINIMAL.with_changes(network={"hidden": (0,)}).to_dict()
    settings.setValue(saved.LAST_SPEC.key, __import__("json").dumps(bad))
    settings.sync()
    window = make_window(spec=None)
    assert window.spec == MINIMAL


def test_tabs_can_be_added_and_shown(make_window):
    window = make_window()
    assert window.tab_names()[:3] == ["Training", "Graph", "Expression"]
    index = window.add_tab(QLabel("extra view"), "Extra")
    assert window.tab_names()[-1] == "Extra"
    assert window.show_tab("extra") and window.tabs.currentIndex() == index
    assert window.show_tab("graph") and window.tabs.currentWidget() is window.graph_page
    assert not window.show_tab("nope")


def test_menus_offer_every_training_action_with_its_shortcut(make_window):
    window = make_window()
    shortcuts = {a.objectName(): a.shortcut().toString() for a in window.actions.all()}
    assert shortcuts == {
        "action.train": "Ctrl+Return",
        "action.pause_resume": "Space",
        "action.step": "Ctrl+Right",
        "action.stop": "Ctrl+.",
        "action.reset": "Ctrl+R",
    }
    assert all(a.toolTip() and a.statusTip() for a in window.actions.all())
    window.show_shortcuts()
    assert "Ctrl+Return" in window._shortcuts_dialog.table.text()
    window.open_preset("xor-bias")
    assert window.spec == preset_spec("xor-bias")


def worker_cpu_clock(qtbot, worker) -> int:
    """The clock id of the worker thread's own CPU time (asked for on that thread)."""
    answers: list[int] = []
    worker.job_done.connect(lambda kind, ident: answers.append(ident) if kind == "ident" else None)
    worker.submit_job(TrainerJob("ident", lambda _trainer: threading.get_ident()))
    qtbot.waitUntil(lambda: bool(answers), timeout=30_000)
    return time.pthread_getcpuclockid(answers[0])


def test_the_window_stays_responsive_while_training(qtbot, make_window):
    # The compiled loops hold the GIL: without the worker waiting for the GUI to draw each
    # snapshot, the GUI's Python slots and timers starved for seconds at a time. The gaps
    # are measured on the worker thread's own CPU clock, not the wall clock: how much the
    # worker computed while the GUI could not run a timer. A loaded machine that runs
    # neither thread stretches the wall clock, not this one.
    window = make_window(ENDLESS)
    wait_for_state(qtbot, window, "ready")
    worker_cpu = worker_cpu_clock(qtbot, window.worker)
    # The fused loop, not the quick tier it starts on, is the one holding the GIL for long:
    # it compiles from Train on, so train to it and pause there.
    train_to_full_speed(qtbot, window, ("fused",))
    window.worker.pause()
    wait_for_state(qtbot, window, "paused")
    # Not a collector's pause: after a full collection the policy waits ~99x its length
    # before the next (a full pass over this test process's objects takes ~0.5 s).
    gui_gc.install().collect_full()
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.clock_gettime(worker_cpu)))
    timer.start(5)
    started = time.clock_gettime(worker_cpu)
    window.actions.train.trigger()  # resumes the paused run
    # A second and a half of the worker's computing, however long the machine takes for it.
    qtbot.waitUntil(lambda: time.clock_gettime(worker_cpu) - started > 1.5, timeout=120_000)
    timer.stop()
    assert window.worker.state == "training"
    gaps = np.diff(ticks)
    assert len(ticks) > 40 and gaps.max() < 0.5, (len(ticks), gaps.max())
    assert window.last_snapshot.step > 100_000


def test_save_mid_run_open_elsewhere_and_finish_with_the_tutorial_numbers(
    qtbot, make_window, tmp_path
):
    first = make_window()
    for step in (1, 2, 3):
        first.actions.step.trigger()
        qtbot.waitUntil(lambda s=step: first.last_snapshot.step == s)
    path = str(tmp_path / "run.json")
    with qtbot.waitSignal(first.experiment_files.saved, timeout=30_000):
        first.experiment_files.save_path(path)
    saved_weights = first.last_snapshot.weights

    second = make_window(preset_spec("xor-bias"), path=str(tmp_path / "other.ini"))
    assert second.open_experiment(path)
    wait_for_state(qtbot, second, "paused")
    assert second.spec == MINIMAL and second.last_snapshot.step == 3
    assert_weights_equal(second.last_snapshot.weights, saved_weights)
    assert list(second.cost_plot.curve.xData) == [0, 1, 2]  # the saved history is shown
    second.actions.train.trigger()  # continues the restored run
    wait_for_state(qtbot, second, "done")
    assert second.last_snapshot.cost == pytest.approx(TUTORIAL_COST, abs=1e-9)


def test_a_broken_experiment_file_is_a_message(qtbot, make_window, tmp_path):
    window = make_window()
    path = tmp_path / "broken.json"
    path.write_text('{"format": "something else"}', encoding="utf-8")
    assert not window.open_experiment(str(path))
    assert window.banner.isVisible() and window.banner.kind == "error"
    assert window.spec == MINIMAL and window.worker.state == "ready"


def test_the_shortcuts_dialog_lists_every_menus_shortcut(make_window):
    """It listed a hand-picked set: the View menu's keys (Ctrl+Shift+N, Ctrl+1...), F1 and
    the Graph tab's Ctrl+F were missing."""
    window = make_window(None, wait_until=None)

    keyed = [a for a in menu_actions(window.menuBar()) if not a.shortcut().isEmpty()]
    assert {"action.show_network", "action.shortcuts", "action.show_landscape"} <= {
        a.objectName() for a in keyed
    }
    window.show_shortcuts()
    text = window._shortcuts_dialog.table.text()
    for action in keyed:
        assert action.shortcut().toString() in text, action.objectName()
    assert "Ctrl+F" in text and "Find a node" in text
    # Each tab has its key, in tab order.
    for key, name in enumerate(window.tab_names(), start=1):
        assert window.findChild(QAction, f"action.show_{name.lower()}").shortcut().toString() == (
            f"Ctrl+{key}"
        )
