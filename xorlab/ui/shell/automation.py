"""The command-line flags that drive the window: --preset, --experiment, --train, --tab,
--screenshot and --quit-when-done, for demos, scripted screenshots and window tests."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QObject, QTimer, Slot

from xorlab.app.run_state import RunState
from xorlab.app.speed_limit import FULL
from xorlab.core.files.safe_files import SafeFileError, write_atomically
from xorlab.core.training.presets import PRESETS
from xorlab.core.training.spec import ExperimentSpec

# States that end an automated run: training reached one of these, or never started.
FINISHED = (RunState.DONE, RunState.STOPPED, RunState.DIVERGED, RunState.ERROR)
SETTLED = (RunState.READY, *FINISHED)
# Let the views paint the last snapshot before the window is grabbed.
SETTLE_MS = 200
# A tab still drawing in the background (Graph, Expression: their busy()) gets this long more.
BUSY_POLL_MS = 100
BUSY_LIMIT_MS = 20_000
# --quit-when-done gives up after this long, so a script never hangs on a run that is endless.
WATCHDOG_MS = 15 * 60 * 1000


def initial_spec(args: argparse.Namespace) -> tuple[ExperimentSpec | None, str | None]:
    """The spec the flags ask for, and a message when they ask for something impossible.
    An --experiment file's spec is returned here; its weights are restored by the window."""
    if getattr(args, "experiment", None):
        # Only here: reading an experiment file needs the model (PyTensor), a preset does not.
        from xorlab.core.io.experiment import ExperimentError, load_experiment

        try:
            return load_experiment(Path(args.experiment)).spec, None
        except ExperimentError as exc:
            return None, f"cannot open the experiment {args.experiment}: {exc}"
    if getattr(args, "preset", None):
        if args.preset in PRESETS:
            return PRESETS[args.preset].spec, None
        return None, f"unknown preset '{args.preset}'; choose one of {', '.join(PRESETS)}"
    return None, None


class Automation(QObject):
    """Follows the flags once the window shows; ``exit_code`` is what the process returns."""

    def __init__(self, window, args: argparse.Namespace):
        super().__init__(window)
        self.window = window
        self.train = bool(getattr(args, "train", False))
        self.screenshot = getattr(args, "screenshot", None)
        self.quit_when_done = bool(getattr(args, "quit_when_done", False))
        self.tab = getattr(args, "tab", None)
        backend = getattr(args, "backend", None)
        if backend and not window.engine.choose(backend, remember=False):
            print(f"xorlab: the {backend} engine is not available here", file=sys.stderr)
        # A script waiting for the end must not inherit a slow speed saved by a person.
        speed = getattr(args, "speed", None) or (FULL if self.quit_when_done else None)
        if speed:
            window.speed.choose(speed, remember=False)
        self.active = bool(self.train or self.screenshot or self.quit_when_done)
        self.exit_code = 0
        self._finished = False
        self._busy_waited = 0
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._on_watchdog_timeout)

    def start(self) -> None:
        if self.tab:
            QTimer.singleShot(0, self._show_tab)
        if not (self.screenshot or self.quit_when_done or self.train):
            return
        if self.train:
            self.window.start_training()
        if self.screenshot or self.quit_when_done:
            self.window.worker.state_changed.connect(self._on_state_changed)
            self._watchdog.start(WATCHDOG_MS)

    def _show_tab(self) -> None:
        if not self.window.show_tab(self.tab):
            names = ", ".join(self.window.tab_names())
            print(f"xorlab: no tab called '{self.tab}'; the tabs are {names}", file=sys.stderr)

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        waiting_for = FINISHED if self.train else SETTLED
        if self._finished or state not in waiting_for:
            return
        self._finished = True
        if state == RunState.ERROR:
            self.exit_code = 1
        QTimer.singleShot(SETTLE_MS, self._finish)

    @Slot()
    def _on_watchdog_timeout(self) -> None:
        if not self._finished:
            print("xorlab: gave up waiting for training to finish", file=sys.stderr)
            self._finished = True
            self.exit_code = 3
            self._finish()

    def _finish(self) -> None:
        page = self.window.tabs.currentWidget()
        page = getattr(page, "content", page)  # a page in a StackingPage
        busy = getattr(page, "busy", None)
        if callable(busy) and busy() and self._busy_waited < BUSY_LIMIT_MS:
            self._busy_waited += BUSY_POLL_MS
            QTimer.singleShot(BUSY_POLL_MS, self._finish)
            return
        self._watchdog.stop()
        if self.screenshot and not self.save_screenshot(self.screenshot):
            self.exit_code = 1
        if self.quit_when_done:
            self.window.experiment_files.prompts_enabled = False  # a script cannot answer
            self.window.close()

    def save_screenshot(self, path: str) -> bool:
        """The whole window as drawn now, as a PNG (or any format Qt knows by extension)."""
        target = Path(path)
        if target.parent and not target.parent.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
        pixmap = self.window.grab()
        fmt = (target.suffix.lstrip(".") or "png").upper()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if pixmap.isNull() or not pixmap.save(buffer, fmt):
            print(f"xorlab: could not save the screenshot to {target}", file=sys.stderr)
            return False
        try:  # the same safe writer as every save: atomic, through symlinks, the umask
            write_atomically(target, bytes(buffer.data().data()))
        except SafeFileError as exc:
            print(f"xorlab: could not save the screenshot: {exc}", file=sys.stderr)
            return False
        print(f"xorlab: saved a screenshot to {target}", file=sys.stderr)
        return True
