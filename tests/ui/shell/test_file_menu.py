"""File menu: title and '*', the unsaved-changes question on close/open/new, Save and Save
As, Open Recent, and the exports, checked against an independently run Trainer."""

from __future__ import annotations

import ast
import json

import numpy as np
import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox

from tests.ui.windows import answer_with, set_field, step, wait_for_state
from xorlab.core.io.experiment import load_experiment
from xorlab.core.io.script_export import export_script
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer
from xorlab.ui.shell import file_dialogs
from xorlab.ui.shell.recent_files import MAX_RECENT, RecentFiles
from xorlab.ui.shell.settings import RECENT_FILES

MINIMAL = preset_spec("xor-minimal")
BIAS = preset_spec("xor-bias")


def trained(reference: Trainer, steps: int) -> Trainer:
    reference.reset()
    reference.run(steps)
    return reference


def save(qtbot, window, path) -> None:
    with qtbot.waitSignal(window.experiment_files.saved, timeout=30_000):
        window.experiment_files.save_path(str(path))


def test_title_and_modified_follow_edits_training_and_saves(qtbot, make_window, tmp_path):
    window = make_window(MINIMAL)
    files = window.experiment_files
    assert window.windowTitle() == "Untitled[*] — xorlab" and not window.isWindowModified()
    set_field(qtbot, window, "training.learning_rate", "0.5")
    assert window.isWindowModified()
    set_field(qtbot, window, "training.learning_rate", "0.01")  # edited back: nothing to save
    assert not window.isWindowModified()
    set_field(qtbot, window, "training.learning_rate", "zz")  # invalid text is not a change
    assert not window.isWindowModified()
    set_field(qtbot, window, "training.learning_rate", "0.01")

    step(qtbot, window, 2)
    assert window.isWindowModified()
    path = tmp_path / "run.json"
    save(qtbot, window, path)
    assert not window.isWindowModified()
    assert window.windowTitle() == "run.json[*] — xorlab"
    assert files.path == str(path) and files.recent.paths() == [str(path)]
    step(qtbot, window)
    assert window.isWindowModified()
    window.actions.reset.trigger()  # back to step 0: still not what was saved (step 2)
    qtbot.waitUntil(lambda: window.last_snapshot is not None and window.last_snapshot.step == 0)
    assert window.isWindowModified()
    step(qtbot, window, 2)  # the same two steps again: the saved weights exactly
    assert not window.isWindowModified()


def test_close_asks_and_cancel_keeps_the_window(qtbot, make_window):
    window = make_window(MINIMAL)
    files = window.experiment_files
    files.prompts_enabled = True
    asked: list[str] = []
    files.ask = answer_with(file_dialogs.CANCEL, asked)
    window.close()  # nothing changed: no question
    assert asked == [] and not window.isVisible()
    qtbot.waitUntil(lambda: not window.worker.is_running())

    window = make_window(MINIMAL)
    files = window.experiment_files
    files.prompts_enabled, files.ask = True, answer_with(file_dialogs.CANCEL, asked)
    step(qtbot, window)
    assert not window.close()
    assert asked == ["Untitled / closing"] and window.isVisible()
    assert window.worker.is_running() and window.worker.state == "paused"
    files.ask = answer_with(file_dialogs.DISCARD, asked)
    assert window.close()
    qtbot.waitUntil(lambda: not window.worker.is_running())


def test_save_on_close_writes_then_closes(qtbot, make_window, tmp_path, monkeypatch, reference):
    window = make_window(MINIMAL)
    files = window.experiment_files
    files.prompts_enabled, files.ask = True, answer_with(file_dialogs.SAVE, [])
    step(qtbot, window, 3)
    path = tmp_path / "closing.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path)[:-5], ""))
    assert not window.close()  # untitled: Save As, then close once written
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    qtbot.waitUntil(lambda: not window.worker.is_running(), timeout=30_000)
    saved = load_experiment(path)  # '.json' was added to the name typed
    assert saved.step == 3
    for a, b in zip(saved.weights, trained(reference, 3).get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


def test_a_failed_save_on_close_keeps_the_window_and_says_why(qtbot, make_window, tmp_path):
    window = make_window(MINIMAL)
    files = window.experiment_files
    files.prompts_enabled, files.ask = True, answer_with(file_dialogs.SAVE, [])
    step(qtbot, window)
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    files.path = str(blocker / "run.json")  # as if the folder became a file since
    with qtbot.waitSignal(files.save_failed, timeout=30_000) as failed:
        assert not window.close()
    assert "Not a directory" in failed.args[0]
    assert window.isVisible() and window.banner.kind == "error"
    assert window.banner.title() == "Cannot save the experiment."
    step(qtbot, window)  # the app carries on
    assert window.last_snapshot.step == 2


def test_open_and_new_ask_first_and_new_starts_untitled(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window(BIAS)
    files = window.experiment_files
    asked: list[str] = []
    files.prompts_enabled, files.ask = True, answer_with(file_dialogs.CANCEL, asked)
    step(qtbot, window, 2)
    opened: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: opened.append(1))
    files.open_action.trigger()
    files.new_action.trigger()
    assert asked == [
        "Untitled / opening another experiment",
        "Untitled / starting a new experiment",
    ]
    assert opened == [] and window.spec == BIAS and window.last_snapshot.epoch == 2

    files.ask = answer_with(file_dialogs.DISCARD, asked)
    files.new_action.trigger()
    qtbot.waitUntil(lambda: window.last_snapshot is not None and window.last_snapshot.step == 0)
    wait_for_state(qtbot, window, "ready")
    assert window.spec == MINIMAL and files.path is None and not window.isWindowModified()
    # New from the same network as before still starts again from step 0.
    step(qtbot, window, 2)
    files.new_interactively("xor-minimal")
    qtbot.waitUntil(lambda: window.last_snapshot.step == 0)
    assert not window.isWindowModified()


def test_open_recent_keeps_eight_and_drops_missing_files_with_a_message(
    qtbot, make_window, tmp_path
):
    window = make_window(MINIMAL)
    files = window.experiment_files
    path = tmp_path / "run.json"
    save(qtbot, window, path)
    for i in range(MAX_RECENT + 2):
        files.recent.add(str(tmp_path / f"old{i}.json"))
    files.recent.add(str(path))
    menu = files.recent_menu
    menu.rebuild()
    entries = menu.entries()
    assert len(entries) == MAX_RECENT and entries[0].data() == str(path)
    assert entries[0].text() == "&1 run.json" and entries[0].toolTip() == str(path)

    set_field(qtbot, window, "training.learning_rate", "0.5")
    entries[1].trigger()  # old9.json was never written
    assert window.banner.kind == "warning" and "removed from Open Recent" in window.banner.text()
    assert str(tmp_path / "old9.json") not in files.recent.paths()
    assert window.spec.training.learning_rate == 0.5  # nothing else changed

    window.experiment_files.new_experiment()
    wait_for_state(qtbot, window, "ready")
    menu.rebuild()
    menu.entries()[0].trigger()
    qtbot.waitUntil(lambda: files.path == str(path))
    assert window.windowTitle() == "run.json[*] — xorlab"
    menu.clear_action.trigger()
    assert files.recent.paths() == [] and menu.entries() == []


@pytest.mark.parametrize(
    "stored",
    ["/one/file.json", 42, ["a.json", 7, "", "a.json", "b.json"], {"x": 1}, "@Invalid()"],
)
def test_recent_list_reads_whatever_the_settings_hold(tmp_path, stored):
    settings = QSettings(str(tmp_path / "r.ini"), QSettings.Format.IniFormat)
    settings.setValue(RECENT_FILES.key, stored)
    paths = RecentFiles(settings).paths()
    assert all(isinstance(p, str) and p for p in paths)
    if isinstance(stored, list):
        assert paths == ["a.json", "b.json"]


def test_save_shortcuts_and_save_as(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window(MINIMAL)
    files = window.experiment_files
    assert files.save_action.shortcut() == QKeySequence("Ctrl+S")
    assert files.save_as_action.shortcut() == QKeySequence("Ctrl+Shift+S")
    assert files.new_action.shortcut() == QKeySequence("Ctrl+N")
    window.show_shortcuts()  # F1 lists them
    assert all(k in window._shortcuts_dialog.table.text() for k in ("Ctrl+N", "Ctrl+Shift+S"))
    asked: list[str] = []

    def dialog(_parent, _title, start, _filter):
        asked.append(start)
        return str(tmp_path / f"saved{len(asked)}.json"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    step(qtbot, window)
    with qtbot.waitSignal(files.saved, timeout=30_000):
        files.save_action.trigger()  # untitled: asks where
    assert asked[0].endswith("xor-minimal.json")
    step(qtbot, window)
    with qtbot.waitSignal(files.saved, timeout=30_000):
        files.save_action.trigger()  # titled: writes in place, no question
    assert len(asked) == 1 and load_experiment(tmp_path / "saved1.json").step == 2
    with qtbot.waitSignal(files.saved, timeout=30_000):
        files.save_as_action.trigger()
    assert asked[1] == str(tmp_path / "saved1.json")
    assert files.path == str(tmp_path / "saved2.json")
    assert json.loads((tmp_path / "saved2.json").read_text())["step"] == 2


def test_exports_write_what_the_engine_computed(qtbot, make_window, tmp_path, reference):
    window = make_window(MINIMAL)
    exports = window.experiment_files.exports
    step(qtbot, window, 5)
    expected = trained(reference, 5)
    written = {}
    for kind, name in (
        ("weights", "w.npz"),
        ("history", "h.csv"),
        ("script", "s.py"),
        ("plots", "p.png"),
    ):
        with qtbot.waitSignal(exports.exported, timeout=30_000) as done:
            exports.export_to(kind, str(tmp_path / name))
        written[kind] = done.args[1]
    with np.load(written["weights"]) as archive:
        assert sorted(archive.files) == ["W1", "W2"]
        for i, w in enumerate(expected.get_weights(), start=1):
            np.testing.assert_array_equal(archive[f"W{i}"], w)
    lines = (tmp_path / "h.csv").read_text().splitlines()
    epochs, costs = expected.history.data()
    assert lines[0] == "epoch,cost" and len(lines) == 1 + epochs.size == 6
    assert [float(line.split(",")[1]) for line in lines[1:]] == costs.tolist()
    script = (tmp_path / "s.py").read_text()
    ast.parse(script)
    assert script == export_script(MINIMAL, expected.dataset)
    image = QImage(written["plots"])
    assert not image.isNull() and image.size() == window.training_splitter.size()
    menu = window.findChild(QMenu, "menu.export")
    names = [a.objectName() or "-" for a in menu.actions()]
    assert names == [
        "action.export_weights", "action.export_history", "action.export_plots", "-",
        "action.export_script",
    ]  # fmt: skip


def test_an_unwritable_export_is_a_message_and_nothing_stops(qtbot, make_window, tmp_path):
    window = make_window(MINIMAL)
    exports = window.experiment_files.exports
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    for kind in ("weights", "history", "script", "plots"):
        with qtbot.waitSignal(exports.export_failed, timeout=30_000) as failed:
            exports.export_to(kind, str(blocker / f"out.{kind}"))
        assert "Not a directory" in failed.args[1], failed.args
        assert window.banner.kind == "error" and "Cannot export" in window.banner.title()
    assert {p.name for p in tmp_path.iterdir()} <= {"a_file", "xorlab.ini"}  # no stray temps
    step(qtbot, window)
    assert window.last_snapshot.step == 1


def test_the_real_question_has_save_discard_and_cancel(qtbot, make_window):
    window = make_window(MINIMAL)
    seen: list[list[str]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox) and box.objectName() == "unsaved_changes_prompt"
        seen.append([b.text() for b in box.buttons()] + [box.text()])
        box.button(QMessageBox.StandardButton.Cancel).click()

    QTimer.singleShot(50, answer)
    assert file_dialogs.ask_to_save(window, "run.json", "closing") == file_dialogs.CANCEL
    assert sorted(seen[0][:3]) == ["&Discard", "Cancel", "Save"]
    assert seen[0][3] == "Save the changes to run.json before closing?"
    QTimer.singleShot(50, answer)
    file_dialogs.ask_to_save(window, file_dialogs.UNTITLED, "opening another experiment")
    assert seen[1][3] == "Save this experiment before opening another experiment?"
