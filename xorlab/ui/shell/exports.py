"""File > Export: the weights (.npz), the cost history (.csv), the Training tab's plots (.png)
and the experiment as a standalone PyTensor script (.py).

Weights, history and script need the live Trainer, which belongs to the worker thread: they
are written by a TrainerJob there, between chunks, so what is written belongs to one moment
of the run. The plots are pixels of the window and are grabbed on the GUI thread. Every file
is written atomically (xorlab.core.io.experiment.atomic_write); a place that cannot be written
is a message in the banner, and the app carries on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from xorlab.app.trainer_jobs import TrainerJob
from xorlab.ui.shell.file_dialogs import ask_save_path

if TYPE_CHECKING:
    from xorlab.core.training.trainer import Trainer

JOB_PREFIX = "export."


@dataclass(frozen=True)
class ExportKind:
    name: str  # weights, history, plots, script
    text: str  # the menu entry
    tip: str
    noun: str  # for messages: "the weights"
    suffix: str  # added to the default file name, with its extension
    file_filter: str


KINDS = {
    kind.name: kind
    for kind in (
        ExportKind(
            "weights",
            "&Weights (.npz)…",
            "Save the current weight matrices W1, W2, … as a NumPy archive",
            "the weights",
            "-weights.npz",
            "NumPy archives (*.npz);;All files (*)",
        ),
        ExportKind(
            "history",
            "Cost &history (.csv)…",
            "Save the cost curve as epoch,cost rows",
            "the cost history",
            "-history.csv",
            "CSV files (*.csv);;All files (*)",
        ),
        ExportKind(
            "plots",
            "&Plots (.png)…",
            "Save a picture of the Training tab: cost, outputs, boundary and table",
            "the plots",
            "-training.png",
            "PNG images (*.png);;All files (*)",
        ),
        ExportKind(
            "script",
            "Export as &script…",
            "Write a standalone PyTensor program that builds and trains this network",
            "the script",
            ".py",
            "Python scripts (*.py);;All files (*)",
        ),
    )
}


def _write_weights(trainer: Trainer, path: Path) -> None:
    from xorlab.core.io.experiment import export_weights_npz

    export_weights_npz(path, trainer.get_weights())


def _write_history(trainer: Trainer, path: Path) -> None:
    from xorlab.core.io.experiment import export_history_csv

    export_history_csv(path, *trainer.history.data())


def _write_script(trainer: Trainer, path: Path) -> None:
    from xorlab.core.io.script_export import write_script

    write_script(path, trainer.spec, trainer.dataset)


WRITERS: dict[str, Callable[[Trainer, Path], None]] = {
    "weights": _write_weights,
    "history": _write_history,
    "script": _write_script,
}


@dataclass(frozen=True)
class ExportOutcome:
    kind: str
    path: str
    error: str | None = None


def export_job(kind: str, path: str) -> TrainerJob:
    """A job writing ``kind`` to ``path`` with the worker's Trainer; it answers with an
    ExportOutcome rather than raising, so a bad path is a message and not a logged error."""
    from xorlab.core.io.experiment import ExperimentError

    write = WRITERS[kind]

    def run(trainer: Trainer) -> ExportOutcome:
        try:
            write(trainer, Path(path))
        except (ExperimentError, OSError) as exc:
            return ExportOutcome(kind, path, str(exc))
        return ExportOutcome(kind, path)

    return TrainerJob(JOB_PREFIX + kind, run)


def png_bytes(widget) -> bytes:
    """The widget as drawn now, encoded as PNG."""
    from xorlab.core.io.experiment import ExperimentError

    pixmap = widget.grab()
    if pixmap.isNull():
        raise ExperimentError("the Training tab has nothing drawn to save")
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not pixmap.save(buffer, "PNG"):
        raise ExperimentError("the picture could not be encoded as PNG")
    buffer.close()
    return bytes(data.data())


class Exports(QObject):
    """The Export submenu; ``folder`` and ``stem`` give the dialogs' starting place and name."""

    exported = Signal(str, str)  # kind, path
    export_failed = Signal(str, str)  # kind, message

    def __init__(self, window, folder: Callable[[], str], stem: Callable[[], str]):
        super().__init__(window)
        self.window = window
        self.folder = folder
        self.stem = stem
        self.actions: dict[str, QAction] = {}
        for kind in KINDS.values():
            action = QAction(kind.text, window)
            action.setObjectName(f"action.export_{kind.name}")
            action.setStatusTip(kind.tip)
            action.setToolTip(kind.tip)
            action.triggered.connect(lambda _=False, k=kind.name: self.export_interactively(k))
            self.actions[kind.name] = action
        window.worker.job_done.connect(self._on_job_done)
        window.worker.job_failed.connect(self._on_job_failed)

    def add_to_menu(self, menu: QMenu) -> QMenu:
        submenu = menu.addMenu("E&xport")
        submenu.setObjectName("menu.export")
        submenu.addActions([self.actions[k] for k in ("weights", "history", "plots")])
        submenu.addSeparator()
        submenu.addAction(self.actions["script"])
        return submenu

    def export_interactively(self, kind: str) -> None:
        spec = KINDS[kind]
        start = str(Path(self.folder()) / f"{self.stem()}{spec.suffix}")
        title = f"Export {spec.noun.removeprefix('the ')}"
        path = ask_save_path(self.window, title, start, spec.file_filter, Path(spec.suffix).suffix)
        if path:
            self.export_to(kind, path)

    def export_to(self, kind: str, path: str) -> None:
        """Write ``kind`` to ``path``: now for the plots, on the worker for the others;
        answered by ``exported`` or ``export_failed`` (and a message either way)."""
        from xorlab.core.io.experiment import ExperimentError, atomic_write

        if kind == "plots":
            try:
                atomic_write(Path(path), png_bytes(self.window.training_splitter))
            except ExperimentError as exc:
                self._report(ExportOutcome(kind, path, str(exc)))
            else:
                self._report(ExportOutcome(kind, path))
            return
        self.window.worker.submit_job(export_job(kind, path))

    def _report(self, outcome: ExportOutcome) -> None:
        noun = KINDS[outcome.kind].noun
        if outcome.error is None:
            self.window.statusBar().showMessage(f"Exported {noun} to {outcome.path}", 5000)
            self.exported.emit(outcome.kind, outcome.path)
        else:
            self.window.banner.show_message(f"Cannot export {noun}.", outcome.error, "error")
            self.export_failed.emit(outcome.kind, outcome.error)

    @Slot(str, object)
    def _on_job_done(self, kind: str, result: object) -> None:
        if kind.startswith(JOB_PREFIX) and isinstance(result, ExportOutcome):
            self._report(result)

    @Slot(str, str)
    def _on_job_failed(self, kind: str, message: str) -> None:
        if kind.startswith(JOB_PREFIX):
            self._report(ExportOutcome(kind.removeprefix(JOB_PREFIX), "", message))
