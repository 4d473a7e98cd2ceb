"""Ctrl+C, SIGTERM and SIGHUP to the window: it closes as a person would, unsaved work kept in
the recovery folder, never over a file the person named (see ui/shell/quit_signals.py)."""

from __future__ import annotations

import signal
import tempfile

import numpy as np
import pytest

from tests.ui.windows import step
from xorlab.core.io.experiment import load_experiment
from xorlab.core.training.presets import preset_spec
from xorlab.ui.shell.quit_signals import QuitSignals, close_window_on_signals, exit_code

MINIMAL = preset_spec("xor-minimal")


@pytest.fixture
def quit_window(qtbot, make_window, tmp_path):
    """A window that closes on the signals, its recovery folder and what it said."""
    said: list[str] = []
    window = make_window(MINIMAL)
    window.experiment_files.recovery_folder = lambda: tmp_path / "recovered"
    signals = close_window_on_signals(window, said.append)
    yield window, signals, said
    signals.uninstall()


def test_a_signal_arrives_on_the_gui_thread_and_uninstall_restores_the_handler(qtbot):
    before = signal.getsignal(signal.SIGTERM)
    signals = QuitSignals()
    signals.install()
    try:
        assert signal.getsignal(signal.SIGTERM) is not before
        with qtbot.waitSignal(signals.received, timeout=5_000) as got:
            signal.raise_signal(signal.SIGTERM)  # the default would end the test run
        assert got.args == [signal.SIGTERM] and signals.first == signal.SIGTERM
    finally:
        signals.uninstall()
    assert signal.getsignal(signal.SIGTERM) is before
    assert exit_code(signal.SIGTERM) == 143 and exit_code(signal.SIGINT) == 130


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_keeps_the_unsaved_run_in_a_new_file_and_closes(
    qtbot, quit_window, tmp_path, reference, number
):
    window, signals, said = quit_window
    step(qtbot, window, 3)
    named = tmp_path / "mine.json"
    named.write_text("the person's own file")
    window.experiment_files.path = str(named)  # as if opened from there: never overwritten
    with qtbot.waitSignal(window.experiment_files.kept, timeout=30_000) as kept:
        signal.raise_signal(number)  # no KeyboardInterrupt: the handler only records it
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    qtbot.waitUntil(lambda: not window.worker.is_running(), timeout=30_000)
    path = kept.args[0]
    assert path.startswith(str(tmp_path / "recovered" / "mine-"))
    assert path.endswith(f"-{signal.Signals(number).name}.json")
    assert named.read_text() == "the person's own file"
    assert window.experiment_files.recent.paths()[0] == path
    assert signals.first == number
    assert said[-1] == f"xorlab: the unsaved experiment is kept in {path} (File > Open Recent)"
    kept_run = load_experiment(tmp_path / path)
    reference.run(3)
    assert kept_run.step == 3
    for a, b in zip(kept_run.weights, reference.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


def test_nothing_to_keep_closes_at_once(qtbot, quit_window, tmp_path):
    window, signals, said = quit_window
    with qtbot.waitSignal(signals.received, timeout=5_000):
        signal.raise_signal(signal.SIGTERM)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    assert not (tmp_path / "recovered").exists()
    assert said == ["xorlab: SIGTERM: closing the window"]


def block_recovery_folder(window, tmp_path):
    """Point the window's recovery folder under a regular file (root ignores chmod), so
    creating it fails; the file is returned."""
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    window.experiment_files.recovery_folder = lambda: blocker / "recovered"
    return blocker


def test_an_unwritable_recovery_folder_falls_back_to_the_temporary_folder(
    qtbot, quit_window, tmp_path, monkeypatch
):
    window, _signals, _said = quit_window
    block_recovery_folder(window, tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    step(qtbot, window, 2)
    with qtbot.waitSignal(window.experiment_files.kept, timeout=30_000) as kept:
        signal.raise_signal(signal.SIGINT)
    assert kept.args[0].startswith(str(tmp_path / "tmp" / "xorlab-recovered" / "xor-minimal-"))
    assert load_experiment(tmp_path / kept.args[0]).step == 2
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)


def test_no_writable_folder_at_all_says_why_and_still_closes(
    qtbot, quit_window, tmp_path, monkeypatch
):
    window, _signals, said = quit_window
    blocker = block_recovery_folder(window, tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(blocker))  # a file: no folder under it
    step(qtbot, window, 1)
    signal.raise_signal(signal.SIGTERM)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    assert said[-1].startswith("xorlab: could not keep the unsaved experiment: ")
    assert "Not a directory" in said[-1]
