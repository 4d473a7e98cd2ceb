"""The File menu: New, Open, Open Recent, Save, Save As and Export, the unsaved-changes
question, and the window title (the file's name, with '*' while it has unsaved changes).

Opening reads and checks the whole file on the GUI thread (plain JSON, at most 64 MiB) before
anything changes, so a bad file is a message and the experiment on screen stays as it was;
the worker then compiles the network and restores the weights. Saving is a TrainerJob on the
worker thread (experiment_save_job.py): the weights, optimizer state and history written
belong to one moment of the run, and the saved step and weights become the baseline
"modified" is measured against (the lab state's ``baseline`` and ``modified``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction

from xorlab.app.lab_state import Baseline
from xorlab.core.training.presets import PRESETS
from xorlab.ui.runtime.state_binding import bind
from xorlab.ui.shell import settings as saved
from xorlab.ui.shell.actions import make_action
from xorlab.ui.shell.experiment_save_job import SAVE_JOB, SaveOutcome, save_job, saved_baseline
from xorlab.ui.shell.exports import Exports
from xorlab.ui.shell.file_dialogs import (
    DISCARD,
    EXPERIMENT_FILTER,
    SAVE,
    UNTITLED,
    ask_open_path,
    ask_save_path,
    ask_to_save,
    can_ask,
)
from xorlab.ui.shell.recent_files import RecentFiles, RecentFilesMenu

DEFAULT_PRESET = "xor-minimal"


class FileController(QObject):
    opened = Signal(str)  # the path whose experiment is now on screen
    saved = Signal(str)  # the path written
    kept = Signal(str)  # the recovery file written when a signal closed the window
    save_failed = Signal(str)  # why

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.path: str | None = None  # the file the experiment on screen belongs to
        # Whether unsaved changes are asked about; see file_dialogs.can_ask.
        self.prompts_enabled = can_ask()
        self.ask: Callable[[object, str, str], str] = ask_to_save  # tests answer it themselves
        self._after_save: Callable[[], None] | None = None
        self._close_confirmed = False
        self.recovery_folder: Callable[[], Path] = default_recovery_folder  # tests: their own
        self._recovering = False

        # Whether the experiment differs from the one saved is the lab state's "modified".
        self.state = window.state
        self.recent = RecentFiles(window.settings)
        self.recent_menu = RecentFilesMenu(self.recent, window)
        self.exports = Exports(window, self.last_folder, self.stem)
        self.new_action = self._action(
            "new_experiment", "&New experiment", "Start again from the XOR preset", "Ctrl+N"
        )
        self.open_action = self._action(
            "open_experiment", "&Open experiment…", "Open a saved experiment", "Ctrl+O"
        )
        self.save_action = self._action(
            "save_experiment",
            "&Save experiment",
            "Save the network, its data, weights and cost history as JSON",
            "Ctrl+S",
        )
        self.save_as_action = self._action(
            "save_experiment_as",
            "Save experiment &as…",
            "Save the experiment to a new file",
            "Ctrl+Shift+S",
        )
        self._connect()
        self._update_title()

    # --- public API ---------------------------------------------------------------------------

    @property
    def modified(self) -> bool:
        return self.state.modified

    def mark_unmodified(self) -> None:
        """The experiment on screen is the starting point: nothing to save yet."""
        self.state.set_baseline(Baseline(self.state.spec))

    def name(self) -> str:
        return Path(self.path).name if self.path else UNTITLED

    def stem(self) -> str:
        """A base for suggested file names: the file's, else the preset's, else 'experiment'."""
        if self.path:
            return Path(self.path).stem
        spec = self.state.spec
        return next((n for n, p in PRESETS.items() if p.spec == spec), "experiment")

    def last_folder(self) -> str:
        return saved.LAST_FOLDER.read(self.window.settings)

    def open_path(self, path: str) -> bool:
        """Show the experiment saved in ``path``; a file that cannot be used is a message
        and changes nothing."""
        from xorlab.core.io.experiment import ExperimentError, load_experiment

        try:
            experiment = load_experiment(Path(path))
        except ExperimentError as exc:
            self.window.banner.show_message(
                f"Cannot open {Path(path).name}.",
                f"{_sentence(str(exc))} The experiment on screen is unchanged.",
                "error",
            )
            return False
        self._remember(path)
        self.window.builder.set_spec(experiment.spec)
        self.window.worker.open_experiment(experiment)  # supersedes the builder's own request
        self.state.set_baseline(saved_baseline(experiment), new_run=True)
        self._set_path(path)
        self.window.statusBar().showMessage(f"Opened {Path(path).name}", 4000)
        self.opened.emit(path)
        return True

    def new_experiment(self, preset: str = DEFAULT_PRESET) -> None:
        """An untitled experiment from ``preset``, untrained."""
        spec = PRESETS[preset].spec
        self.window.builder.set_spec(spec)
        self.window.worker.set_spec(self.state.spec)  # merged with the state's own request
        self.window.worker.reset()  # the same network as before still starts again
        self.state.set_baseline(Baseline(spec), new_run=True)
        self._set_path(None)
        self.window.statusBar().showMessage(f"New experiment: {PRESETS[preset].title}", 4000)

    def save_path(self, path: str) -> None:
        """Save the run as it is now, on the worker; answered by ``saved`` or ``save_failed``."""
        self.window.worker.submit_job(save_job(path))

    def save(self, then: Callable[[], None] | None = None) -> bool:
        """Save to the current file, or ask for one; False when the person cancelled."""
        if not self.path:
            return self.save_as(then)
        self._after_save = then
        self.save_path(self.path)
        return True

    def save_as(self, then: Callable[[], None] | None = None) -> bool:
        start = self.path or str(Path(self.last_folder()) / f"{self.stem()}.json")
        path = ask_save_path(self.window, "Save experiment", start, EXPERIMENT_FILTER, ".json")
        if not path:
            return False
        self._after_save = then
        self.save_path(path)
        return True

    def keep_and_close(self, reason: str) -> None:
        """Close without asking, for a signal (see quit_signals): unsaved changes are first
        saved to a new file in the recovery folder, never over a file the person named, and
        the file is added to Open Recent and said in ``kept``. A save that fails is said in
        ``save_failed`` and the window still closes: the process was asked to end."""
        if not self.modified:
            self._close_now()
            return
        import tempfile

        self._recovering = True
        folders = (self.recovery_folder, lambda: Path(tempfile.gettempdir()) / "xorlab-recovered")
        problem = ""
        for folder in folders:  # an unwritable data folder: the temporary folder is a place
            try:
                path = recovery_path(folder(), self.stem(), reason)
            except OSError as exc:
                problem = str(exc)
                continue
            self.save_path(str(path))
            return
        self._on_save_failed(problem)  # says why, and closes

    def confirm_then(self, action: Callable[[], None], doing: str) -> None:
        """Run ``action`` now, or after the unsaved changes are saved or discarded."""
        if not self.prompts_enabled or not self.modified:
            action()
            return
        answer = self.ask(self.window, self.name(), doing)
        if answer == DISCARD:
            action()
        elif answer == SAVE:
            self.save(then=action)

    def may_close(self) -> bool:
        """For closeEvent: True to close now. Saving first closes once the file is written."""
        if self._close_confirmed or not self.prompts_enabled or not self.modified:
            return True
        answer = self.ask(self.window, self.name(), "closing")
        if answer == DISCARD:
            return True
        if answer == SAVE:
            self.save(then=self._close_now)
        return False

    # --- menu actions ---------------------------------------------------------------------------

    def new_interactively(self, preset: str = DEFAULT_PRESET) -> None:
        self.confirm_then(lambda: self.new_experiment(preset), "starting a new experiment")

    def open_interactively(self) -> None:
        self.confirm_then(self._ask_and_open, "opening another experiment")

    def open_recent(self, path: str) -> None:
        if not Path(path).is_file():
            self.recent.remove(path)
            self.recent_menu.rebuild()
            self.window.banner.show_message(
                "The file is gone.",
                f"{path} no longer exists; it was removed from Open Recent.",
                "warning",
            )
            return
        self.confirm_then(lambda: self.open_path(path), "opening another experiment")

    # --- internals ------------------------------------------------------------------------------

    def _action(self, name: str, text: str, tip: str, shortcut: str) -> QAction:
        return make_action(self.window, name, text, tip, shortcut)

    def _connect(self) -> None:
        window = self.window
        window.worker.job_done.connect(self._on_job_done)
        window.worker.job_failed.connect(self._on_job_failed)
        bind(self.state, "modified", window, window.setWindowModified)
        self.recent_menu.path_chosen.connect(self.open_recent)
        self.new_action.triggered.connect(lambda: self.new_interactively())
        self.open_action.triggered.connect(self.open_interactively)
        self.save_action.triggered.connect(lambda: self.save())
        self.save_as_action.triggered.connect(lambda: self.save_as())

    def _ask_and_open(self) -> None:
        path = ask_open_path(self.window, "Open experiment", self.last_folder(), EXPERIMENT_FILTER)
        if path:
            self.open_path(path)

    def _close_now(self) -> None:
        self._close_confirmed = True
        self.window.close()

    def _remember(self, path: str) -> None:
        self.recent.add(path)
        saved.LAST_FOLDER.write(self.window.settings, str(Path(path).absolute().parent))

    def _set_path(self, path: str | None) -> None:
        self.path = str(Path(path).absolute()) if path else None
        self._update_title()

    def _update_title(self) -> None:
        # Qt shows '*' in place of [*] while windowModified is set.
        self.window.setWindowTitle(f"{self.name()}[*] — xorlab")
        self.window.setWindowModified(self.modified)

    @Slot(str, object)
    def _on_job_done(self, kind: str, outcome: object) -> None:
        if kind != SAVE_JOB or not isinstance(outcome, SaveOutcome):
            return
        if outcome.error is not None or outcome.experiment is None:
            self._on_save_failed(outcome.error or "nothing was written")
            return
        if self._recovering:
            # Not the window's file from now on, and its folder is not where the person saves.
            self.recent.add(outcome.path)
            self.kept.emit(outcome.path)
            self._close_now()
            return
        self._remember(outcome.path)
        self.state.set_baseline(saved_baseline(outcome.experiment))
        self._set_path(outcome.path)
        self.window.statusBar().showMessage(f"Saved {outcome.path}", 5000)
        self.saved.emit(outcome.path)
        then, self._after_save = self._after_save, None
        if then is not None:
            then()

    @Slot(str, str)
    def _on_job_failed(self, kind: str, message: str) -> None:
        if kind == SAVE_JOB:
            self._on_save_failed(message)

    def _on_save_failed(self, message: str) -> None:
        self._after_save = None  # closing or opening waits for a save that did not happen
        self.window.banner.show_message("Cannot save the experiment.", _sentence(message), "error")
        self.save_failed.emit(message)
        if self._recovering:
            self._close_now()


def default_recovery_folder() -> Path:
    """Where a window closed by a signal keeps unsaved work: the app's data folder
    (~/.local/share/xorlab/xorlab/recovered on Linux: organisation, then application)."""
    from PySide6.QtCore import QStandardPaths

    location = QStandardPaths.StandardLocation.AppDataLocation
    return Path(QStandardPaths.writableLocation(location)) / "recovered"


def recovery_path(folder: Path, stem: str, reason: str) -> Path:
    """A new file's path in ``folder`` (created), named after the experiment, the moment and
    the reason, so it never replaces an earlier recovery."""
    import time

    folder.mkdir(parents=True, exist_ok=True)
    base = f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}-{reason}"
    path, n = folder / f"{base}.json", 1
    while path.exists():
        n += 1
        path = folder / f"{base}-{n}.json"
    return path


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
