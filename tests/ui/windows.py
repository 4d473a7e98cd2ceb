"""Helpers for tests that drive whole main windows (imported by the test modules)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings

from xorlab.core.training.spec import ExperimentSpec
from xorlab.ui.shell.main_window import MainWindow

CLOSE_WAIT_MS = 30_000


class WindowFactory:
    """Makes main windows with private settings and closes every one of them at the end."""

    def __init__(self, qtbot, settings_path: str):
        self.qtbot = qtbot
        self.settings_path = settings_path
        self.windows: list[MainWindow] = []

    def __call__(
        self,
        spec: ExperimentSpec | None,
        wait_until: str | None = "ready",
        settings_path: str | None = None,
    ) -> MainWindow:
        settings = QSettings(settings_path or self.settings_path, QSettings.Format.IniFormat)
        window = MainWindow(spec, settings=settings)
        self.windows.append(window)
        window.show()
        if wait_until:
            wait_for_state(self.qtbot, window, wait_until)
        return window

    def close_all(self) -> None:
        for window in self.windows:
            window.experiment_files.prompts_enabled = False
            window.close()
            assert window.worker.wait(CLOSE_WAIT_MS)
        self.windows.clear()


def wait_for_state(qtbot, window: MainWindow, state: str, timeout: int = 30_000) -> None:
    qtbot.waitUntil(lambda: window.worker.state == state, timeout=timeout)


def train_to_full_speed(
    qtbot, window: MainWindow, engines: tuple[str, ...], timeout: int = 60_000
) -> None:
    """Train until the fast loop (one of ``engines``) runs: it compiles from Train on, not when
    the network is ready (ui/runtime/training_session.py). Posted to the worker, so it is
    queued behind a recompile the test just asked for (the Train action is off meanwhile)."""
    window.worker.train()
    qtbot.waitUntil(lambda: window.engine.chosen in engines, timeout=timeout)


def stop(qtbot, window: MainWindow) -> None:
    """End the run (Stop, unless it is done already): the engine menu and builder unlock."""
    window.worker.stop()
    qtbot.waitUntil(lambda: window.worker.state in ("stopped", "done"))


def step(qtbot, window: MainWindow, times: int = 1) -> None:
    """Train ``times`` single epochs (the Step action), waiting for each snapshot to be
    drawn and the run to settle (the state after a snapshot waits for its views to draw it)."""
    for _ in range(times):
        before = window.last_snapshot.step if window.last_snapshot else 0
        window.actions.step.trigger()
        qtbot.waitUntil(
            lambda b=before: (
                window.last_snapshot is not None
                and window.last_snapshot.step > b
                and window.worker.state in ("paused", "done", "diverged")
                and not window.worker.stages.busy()
            )
        )


def set_field(qtbot, window: MainWindow, path: str, text: str) -> None:
    editor = window.builder.field_editor(path)
    editor.selectAll()
    qtbot.keyClicks(editor, text)


def answer_with(answer: str, asked: list[str]) -> Callable[[object, str, str], str]:
    """A stand-in for the unsaved-changes question that records what it was asked."""

    def ask(_parent: object, name: str, doing: str) -> str:
        asked.append(f"{name} / {doing}")
        return answer

    return ask
